//! The page's entry point. Built for wasm32 by Trunk; a native build only explains itself.

#[cfg(target_arch = "wasm32")]
fn main() {
    genlab::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("genlab's page is built for the browser: run `scripts/serve.sh` (Trunk). For headless runs use genlab-cli.");
}
