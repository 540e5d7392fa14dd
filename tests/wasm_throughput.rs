//! The native benchmark's run compiled to WebAssembly and timed in Node: 100,000 orders under
//! faults, then a heal. `e2e/budget.mjs` runs it with the browser build's size-first profile
//! (`cargo test --profile web --target wasm32-unknown-unknown --test wasm_throughput --
//! --nocapture`) and sets its figure beside the native one; the app's own browser tests
//! (`--bin saga-lab`) leave it out. Natively this file is empty.
#![cfg(target_arch = "wasm32")]

use saga_sim::{Sim, bench};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

/// Orders in the run; `SAGA_BENCH_ORDERS` cannot reach a wasm test, so it is fixed here.
const ORDERS: u32 = 100_000;

#[wasm_bindgen_test]
fn throughput_of_the_native_benchmark_run() {
    let mut sim = Sim::new(bench::config(ORDERS), 1);
    let mut sink = Vec::new();
    let started = js_sys::Date::now();
    let quiet = bench::drive(&mut sim, ORDERS, &mut sink);
    let wall_ms = js_sys::Date::now() - started;
    let events = sim.stats().handled;
    assert!(quiet, "the run converged");
    // One line the budget script reads.
    console_log!(
        "wasm-throughput {{\"orders\":{ORDERS},\"events\":{events},\"wall_ms\":{wall_ms},\"events_per_s\":{}}}",
        (events as f64 / (wall_ms / 1000.0).max(1e-9)).round()
    );
}
