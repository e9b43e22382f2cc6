#!/usr/bin/env bash
# Prints steps/s of every built lesson: natively (release build of the same session code) and in
# the browser (the real worker, in headless Chromium, at full speed). Figures, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
# Mesa (lavapipe) warns without a runtime directory.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
seconds="${BENCH_SECONDS:-5}"
cargo build --locked --release -q -p genlab-cli
./target/release/genlab-cli bench --seconds "$seconds" | grep '"bench"'
# The dense products (#24): one core's f32 peak, genlab's packed products, the row loops they
# replaced and a reference sgemm; then the digit lessons with the row loops, for the ratio.
./target/release/genlab-cli bench-dense --seconds 1
./target/release/genlab-cli --kernel rows bench --seconds "$seconds" vae rbm-mnist autoencoders cvae wae dbn | grep '"bench"'
[ -f dist/index.html ] || trunk build >/dev/null 2>&1
# The GPU kernels (#7): matmul GFLOP/s and MNIST-RBM images/s, GPU beside CPU.
./target/release/genlab-cli bench-gpu --seconds "$seconds"
# The host's share of a GPU lesson's step (#24): the VAE on a do-nothing device, with the test
# split and the pictures on the host, then on the device.
./target/release/genlab-cli bench-host --seconds "$seconds" | grep '"bench"'
node scripts/bench-browser.mjs "$seconds"
# genlab against TensorFlow.js (npm dev dependency, served to a bench page only) and wasm
# against native, medians of BENCH_REPEATS runs, with ratios.
# The same worker built without wasm SIMD, to show what simd128 buys (≈3.5 min the first time).
[ -f dist-nosimd/worker_loader.js ] || CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=-simd128" \
  CARGO_TARGET_DIR=target/nosimd trunk build --dist dist-nosimd >/dev/null 2>&1
# The RBM at MNIST size, the GPU steps and the dense products (simd128's peak beside them) in the
# page (dev-only wasm, never in dist/).
cargo build --locked --release -q --target wasm32-unknown-unknown -p genlab-bench-wasm
wasm-bindgen --target web --out-dir target/bench-wasm target/wasm32-unknown-unknown/release/genlab_bench_wasm.wasm
node scripts/bench-tfjs.mjs
