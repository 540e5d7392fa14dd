# Sourced by the other scripts: where the locally installed tools live.
# wasm-opt comes from the npm package binaryen (Debian's is too old for wasm-bindgen's output).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
TRUNK_VERSION="0.21.14"
# wasm-bindgen-cli must match the wasm-bindgen version Cargo.lock pins, exactly.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' "$ROOT/Cargo.lock")"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
# The release build (scripts/build.sh) uses nightly Rust to compile the standard library for size.
NIGHTLY_TOOLCHAIN="${NIGHTLY_TOOLCHAIN:-nightly}"
