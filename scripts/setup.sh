#!/usr/bin/env bash
# Installs whatever is missing, and nothing that is already there:
#   the wasm32 target, trunk, wasm-bindgen-cli (the lockfile's version), Debian's chromium and
#   chromedriver, the npm packages (binaryen's wasm-opt, playwright-core, axe-core, terser, lighthouse), and every
#   crate, so later builds run offline. Only crates.io, the npm registry, Debian's packages and
#   the rustup target server are contacted.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

step() { printf '== setup: %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The test command checks formatting and lints; a minimal rustup profile lacks both tools.
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    step "adding the $component component"
    rustup component add "$component"
  fi
done

# The release build (scripts/build.sh) compiles the standard library for size: that takes the
# nightly toolchain with its sources and the wasm32 target, and the standard library's own crates.
if ! rustup run "$NIGHTLY_TOOLCHAIN" rustc --version >/dev/null 2>&1; then
  step "installing the $NIGHTLY_TOOLCHAIN toolchain"
  rustup toolchain install "$NIGHTLY_TOOLCHAIN" --profile minimal
fi
if ! rustup component list --installed --toolchain "$NIGHTLY_TOOLCHAIN" | grep -q "^rust-src"; then
  step "adding rust-src to $NIGHTLY_TOOLCHAIN"
  rustup component add rust-src --toolchain "$NIGHTLY_TOOLCHAIN"
fi
if ! rustup target list --installed --toolchain "$NIGHTLY_TOOLCHAIN" | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target to $NIGHTLY_TOOLCHAIN"
  rustup target add wasm32-unknown-unknown --toolchain "$NIGHTLY_TOOLCHAIN"
fi

if ! trunk --version 2>/dev/null | grep -qF "$TRUNK_VERSION"; then
  step "installing trunk $TRUNK_VERSION (several minutes on 2 cores)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qF "$WASM_BINDGEN_VERSION"; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: one of its pinned dependencies is missing from the registry mirror.
  cargo install --force "wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
fi

# Korean text in the browser tests' screenshots needs a Korean font (fonts-nanum).
if ! command -v "$CHROMIUM" >/dev/null || ! command -v chromedriver >/dev/null || [ ! -d /usr/share/fonts/truetype/nanum ]; then
  step "installing Debian's chromium, chromium-driver and fonts-nanum"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-nanum >/dev/null
fi

if [ ! -x e2e/node_modules/.bin/wasm-opt ] || [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/axe-core ] \
   || [ ! -d e2e/node_modules/terser ] || [ ! -d e2e/node_modules/lighthouse ] \
   || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
  step "installing npm packages"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

step "fetching crates"
cargo fetch --locked --quiet
# The crates the standard library is built from, for scripts/build.sh's offline build.
cargo +"$NIGHTLY_TOOLCHAIN" fetch --quiet \
  --manifest-path "$(rustc +"$NIGHTLY_TOOLCHAIN" --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
