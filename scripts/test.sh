#!/usr/bin/env bash
# Runs every genlab test on a fresh machine: installs what is missing (scripts/setup.sh), then
#   1. native unit and model tests          (cargo test; the GPU kernels on lavapipe)
#   2. wasm tests in headless Chromium       (wasm-bindgen-test; the GPU kernels through WebGPU)
#   3. the release build of the page          (trunk build → dist/)
#   4. end-to-end tests on dist/              (Playwright driving Debian's Chromium)
# and ends with one line "N passed, N failed". Exits non-zero if anything failed.
#
#   scripts/test.sh            every stage (what CI runs)
#   scripts/test.sh native     one stage: native | wasm | build | e2e  (e2e uses the dist/ there is)
# Each stage prints its wall time. docs/testing.md says where the time goes.
set -uo pipefail
cd "$(dirname "$0")/.."
only="${1:-all}"
case "$only" in
  all|native|wasm|build|e2e) ;;
  *) echo "usage: scripts/test.sh [native|wasm|build|e2e]" >&2; exit 2 ;;
esac
want() { [ "$only" = all ] || [ "$only" = "$1" ]; }
scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
mkdir -p test-output
passed=0
failed=0
broken=()

# Sums cargo's "test result: ok. N passed; M failed" lines from a log.
count_cargo() {
  local p f
  p=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$1" | awk '{s+=$4} END {print s+0}')
  f=$(grep -Eo '[0-9]+ failed;' "$1" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
}

stage() { printf '\n=== %s\n' "$*"; stage_t0=$SECONDS; }
timed() { printf '=== %s took %d s\n' "$1" $((SECONDS - stage_t0)); times+=("$1 $((SECONDS - stage_t0)) s"); }
times=()

if want native; then
  stage "native tests (cargo test)"
  # --no-fail-fast: one failing test binary must not hide the results of the others.
  if cargo test --locked --no-fail-fast 2>&1 | tee test-output/native.log; then :; else broken+=("native"); fi
  count_cargo test-output/native.log
  timed native
fi

if want wasm; then
  stage "wasm tests in headless Chromium (wasm-bindgen-test)"
  if cargo test --locked --target wasm32-unknown-unknown -p genlab --test wasm 2>&1 | tee test-output/wasm.log; then :; else broken+=("wasm"); fi
  # The GPU kernels through WebGPU (SwiftShader) in a dedicated worker: crates/genlab-gpu/webdriver.json.
  if cargo test --locked --target wasm32-unknown-unknown -p genlab-gpu --test webgpu 2>&1 | tee test-output/webgpu.log; then :; else broken+=("webgpu"); fi
  count_cargo test-output/wasm.log
  count_cargo test-output/webgpu.log
  timed wasm
fi

built=1
if want build; then
  stage "release build of the page (trunk build)"
  trunk build 2>&1 | tee test-output/build.log | tail -3
  [ "${PIPESTATUS[0]}" -eq 0 ] || { built=0; broken+=("build"); }
  timed build
fi

if want e2e; then
  if [ "$built" = 1 ] && [ -f dist/index.html ]; then
    stage "end-to-end tests on dist/ (Playwright + Chromium)"
    if node --test --test-concurrency=1 tests/e2e/ 2>&1 | tee test-output/e2e.log; then :; else broken+=("e2e"); fi
    e2e_pass=$(awk '/^# pass /{print $3}' test-output/e2e.log | tail -1)
    e2e_fail=$(awk '/^# fail /{print $3}' test-output/e2e.log | tail -1)
    passed=$((passed + ${e2e_pass:-0})); failed=$((failed + ${e2e_fail:-0}))
    timed e2e
  else
    echo "no dist/ to test: run scripts/test.sh build first"; broken+=("e2e")
  fi
fi

echo
printf 'stage times: %s\n' "${times[*]/%/;}"
if [ ${#broken[@]} -gt 0 ]; then
  echo "stages with failures: ${broken[*]} (logs in test-output/)"
  # A stage that broke before running its tests still counts as a failure.
  [ "$failed" -eq 0 ] && failed=${#broken[@]}
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#broken[@]} -eq 0 ]
