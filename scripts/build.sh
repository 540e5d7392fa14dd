#!/usr/bin/env bash
# Builds the release site into dist/ (or the folder given as --dist DIR), as published.
#   ./scripts/build.sh [trunk build options]
# Every visitor downloads the WebAssembly, so the release is built for size with nightly Rust:
# the standard library is compiled with the app (`-Zbuild-std`, at opt-level z, only the code the
# app uses, with std's `optimize_for_size` choices), panic locations are dropped
# (`-Zlocation-detail=none`; a panic's message and the on-screen report stay) and Debug output
# is left out (`-Zfmt-debug=none`: nothing on screen is written with `{:?}`; text the app shows
# comes from Display and its own sentences). Together about 10 KB gzipped. The engine does not depend
# on std's algorithm choices (it sorts stably and hashes with a fixed hasher), and the
# end-to-end tests run on this build. wasm-opt (index.html) also assumes the first kilobyte of
# memory is unused (`--low-memory-unused`: Rust never puts data there) and repeats its passes
# until they stop shrinking the module (`--converge`): about 2 KB gzipped. `--cfg saga_size` has
# the engine build the functions a person's action or a screen refresh calls (not each event:
# starting a run, applying a command or fault, the view, the metrics, cloning the world for time
# travel, the coordinator's protocols) for size rather than speed: about 2.7 KB gzipped. scripts/setup.sh installs the nightly toolchain with its
# sources and fetches the standard library's crates, so this runs offline.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
export RUSTUP_TOOLCHAIN="$NIGHTLY_TOOLCHAIN"
export CARGO_UNSTABLE_BUILD_STD="std,panic_abort"
export CARGO_UNSTABLE_BUILD_STD_FEATURES="optimize_for_size"
export RUSTFLAGS="-Zlocation-detail=none -Zfmt-debug=none --cfg saga_size"
# A target folder of its own: std built this way must not mix with the stable builds' artifacts.
export CARGO_TARGET_DIR="$ROOT/target/release-site"
exec trunk build --release "$@"
