#!/usr/bin/env bash
# Installs whatever is missing and runs every test, printing the figures.
# Ends with one line "tests: N passed, M failed" that sums every suite.
set -euo pipefail
cd "$(dirname "$0")/.."

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "== native tests (saga-sim, saga-cli)"
cargo test --locked 2>&1 | tee -a "$log"

echo "== figures"
echo "bench (100,000 orders under faults, then heal):"
cargo run --release --locked -q -p saga-cli -- bench --orders 100000 --seed 1
echo "swarm (1,000 seeds):"
cargo run --release --locked -q -p saga-cli -- swarm --seeds 0..1000

passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
echo "tests: ${passed} passed, ${failed} failed"
