//! The training worker's entry point (Trunk builds it as a classic Web Worker).

#[cfg(target_arch = "wasm32")]
fn main() {
    genlab::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "the training worker runs in the browser only; genlab-cli runs the same sessions natively"
    );
}
