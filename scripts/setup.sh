#!/usr/bin/env bash
# Installs what genlab needs to build and test, skipping whatever is already present.
# Only crates.io, npm, PyPI and Debian apt are used (see ../shared/STACK.md): Trunk must never
# download its own wasm-bindgen / wasm-opt, so we install the exact versions Trunk.toml names.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

log() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
# lavapipe, Mesa's Vulkan on the CPU: the GPU kernels' tests run through it (genlab-gpu).
ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 || need_apt+=(mesa-vulkan-drivers)
ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1' || need_apt+=(libvulkan1)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 10 min on 2 cores)"
  # No --locked: its lockfile names a crate version the registry lacks (STACK.md).
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (about 15 min on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# Node side: wasm-opt from binaryen 132 (Debian's 108 breaks the page), playwright-core, and
# TensorFlow.js for the speed comparison (scripts/bench-tfjs.mjs; never part of dist/).
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.stamp ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.stamp
fi
# Crates for the offline-capable build (Cargo.lock pins them).
cargo fetch --locked --quiet
log "ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | head -1)"
