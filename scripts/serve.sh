#!/usr/bin/env bash
# Installs whatever is missing, then serves the app on http://127.0.0.1:8080/ with live reload.
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
echo "== serving on http://127.0.0.1:8080/ (Ctrl-C stops)"
# A folder of its own, so dist/ only ever holds a release build.
exec trunk serve --address 127.0.0.1 --port "${PORT:-8080}" --dist target/serve-dist
