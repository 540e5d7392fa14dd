#!/usr/bin/env bash
# Fuzzes one target for SECONDS (default 300):
#   ./scripts/fuzz.sh [scenario_json|url_params] [SECONDS]
#   scenario_json  the scenario-JSON reader (and, through it, the engine)
#   url_params     the decoder of the address's query string (src/url_params.rs)
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`). The corpus
# starts from the saved regressions (and, for scenarios, the example scenarios); a crash is
# written under fuzz/artifacts/ and belongs, minimised, in fuzz/regressions/TARGET/ with a fix.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-scenario_json}"
corpus="fuzz/corpus/$target"
mkdir -p "$corpus"
cp fuzz/regressions/"$target"/* "$corpus"/ 2>/dev/null || true
max_len=4096
if [ "$target" = scenario_json ]; then
  cp crates/saga-cli/scenarios/*.json crates/saga-cli/scenarios/regressions/*.json "$corpus"/ 2>/dev/null || true
else
  printf '?lang=ko&seed=42' > "$corpus/seed-lang"
  max_len=512
fi
cd fuzz
cargo +nightly fuzz run "$target" "../$corpus" -- -max_total_time="${2:-300}" -max_len="$max_len"
