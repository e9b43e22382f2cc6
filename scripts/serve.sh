#!/usr/bin/env bash
# Installs what is missing, builds genlab and serves it on http://127.0.0.1:8080/ (Trunk, with
# rebuild on change). The built page is plain static files in dist/: any static server will do.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
exec trunk serve "$@"
