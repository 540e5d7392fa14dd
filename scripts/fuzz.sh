#!/usr/bin/env bash
# Fuzzes the scenario-JSON reader (and, through it, the engine) for SECONDS (default 300):
#   ./scripts/fuzz.sh [SECONDS]
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`). The corpus
# starts from the example scenarios and every saved regression; a crash is written under
# fuzz/artifacts/ and belongs, minimised, in fuzz/regressions/scenario_json/ with a fix.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus/scenario_json
mkdir -p "$corpus"
cp crates/saga-cli/scenarios/*.json crates/saga-cli/scenarios/regressions/*.json fuzz/regressions/scenario_json/* "$corpus"/ 2>/dev/null || true
cd fuzz
cargo +nightly fuzz run scenario_json "../$corpus" -- -max_total_time="${1:-300}" -max_len=4096
