#!/usr/bin/env bash
# Fuzzes one target for SECONDS (default 300):
#   ./scripts/fuzz.sh [run_file|run_link|url_params] [SECONDS]
#   run_file    the run-file reader (crates/saga-record/src/run_file.rs) and, through it, the engine
#   run_link    the link decoder (crates/saga-record/src/link.rs); a decoded run is replayed
#   url_params  the decoder of the address's query string (src/url_params.rs)
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`). The corpus
# starts from the saved regressions (and, for run files, the example scenarios and the committed
# format-1 files); a crash is written under fuzz/artifacts/ and belongs, minimised, in
# fuzz/regressions/TARGET/ with a fix (crates/saga-cli/tests/fuzz_regressions.rs replays them).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-run_file}"
corpus="fuzz/corpus/$target"
mkdir -p "$corpus"
cp fuzz/regressions/"$target"/* "$corpus"/ 2>/dev/null || true
max_len=4096
case "$target" in
  run_file)
    cp crates/saga-cli/scenarios/*.json crates/saga-cli/scenarios/regressions/*.json \
      crates/saga-record/tests/runs/*.json "$corpus"/ 2>/dev/null || true
    ;;
  run_link)
    max_len=2048
    ;;
  *)
    printf '?lang=ko&seed=42' > "$corpus/seed-lang"
    max_len=512
    ;;
esac
cd fuzz
cargo +nightly fuzz run "$target" "../$corpus" -- -max_total_time="${2:-300}" -max_len="$max_len"
