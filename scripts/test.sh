#!/usr/bin/env bash
# Installs whatever is missing, then runs every test and prints the figures:
#   native tests (engine, runner, the app's pure modules) and clippy,
#   the runner's throughput and swarm figures,
#   the app's component tests in headless Chromium (wasm-bindgen-test),
#   the end-to-end tests against the release build served from a sub-folder,
#   the budgets (fail: a boot payload above 300 KB, a file fetched later above 60 KB, Lighthouse
#   Accessibility or Best Practices under 100 or Performance under 90; the rest is reported).
# Ends with one line "tests: N passed, M failed" summing every suite; exits non-zero on any failure.
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/setup.sh || { echo "setup failed"; exit 1; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
failures=0
suite() { # name, command...
  local name="$1"; shift
  echo "== $name"
  if ! "$@" 2>&1 | tee -a "$log"; then
    echo "!! $name failed"
    failures=$((failures + 1))
  fi
}

suite "native tests" cargo test --locked --quiet
suite "rustfmt" cargo fmt --all -- --check
suite "clippy (native)" cargo clippy --locked --quiet --all-targets -- -D warnings
suite "clippy (web app)" cargo clippy --locked --quiet --target wasm32-unknown-unknown -p saga-lab --all-targets -- -D warnings
suite "bench (100,000 orders under faults, then heal)" cargo run --release --locked -q -p saga-cli -- bench --orders 100000 --seed 1
suite "swarm, choreography (1,000 seeds)" cargo run --release --locked -q -p saga-cli -- swarm --seeds 0..1000
suite "swarm, orchestration (1,000 seeds)" cargo run --release --locked -q -p saga-cli -- swarm --seeds 0..1000 --protocol orchestration
suite "swarm, TCC (1,000 seeds)" cargo run --release --locked -q -p saga-cli -- swarm --seeds 0..1000 --protocol tcc
suite "swarm, two-phase commit (1,000 seeds)" cargo run --release --locked -q -p saga-cli -- swarm --seeds 0..1000 --protocol 2pc
suite "app tests in headless Chromium" cargo test --locked --target wasm32-unknown-unknown -p saga-lab --bin saga-lab
suite "release build (scripts/build.sh)" bash scripts/build.sh
suite "end-to-end tests (release build under /demo/)" bash -c 'cd e2e && node --test --test-concurrency=1 tests/'
suite "budgets" node e2e/budget.mjs

# Sum the runners' own counts: cargo's "test result" lines and node's "# pass" / "# fail".
passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed; [0-9]+ failed' "$log" | awk '{s+=$6} END {print s+0}')
node_pass=$(grep -Eo '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
node_fail=$(grep -Eo '^# fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
passed=$((passed + node_pass))
failed=$((failed + node_fail))
if [ "$failures" -gt 0 ] && [ "$failed" -eq 0 ]; then failed=$failures; fi
echo "tests: ${passed} passed, ${failed} failed"
[ "$failures" -eq 0 ]
