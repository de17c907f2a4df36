#!/usr/bin/env bash
# Sets up what is missing, builds the release site and serves it on http://127.0.0.1:8080.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

step "Building the release site into dist/"
trunk build --release

step "Serving dist/ on http://127.0.0.1:${PORT:-8080} (Ctrl-C to stop)"
exec node end2end/serve.mjs dist "${PORT:-8080}"
