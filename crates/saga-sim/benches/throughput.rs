//! Throughput of the standard workload (orders under faults, then heal, checker on).
//! `cargo bench -p saga-sim`; divan reports time per run and events (handled records) per second.

use saga_sim::{Sim, bench};

fn main() {
    divan::main();
}

#[divan::bench(args = [10_000, 100_000], sample_count = 5, sample_size = 1)]
fn orders_under_faults(bencher: divan::Bencher, orders: u32) {
    // Events per run are fixed by the seed, so counting them once gives divan's throughput unit.
    let events = {
        let mut sim = Sim::new(bench::config(orders), 1);
        bench::drive(&mut sim, orders, &mut Vec::new());
        sim.stats().handled
    };
    bencher.counter(divan::counter::ItemsCount::new(events)).bench(|| {
        let mut sim = Sim::new(bench::config(orders), 1);
        let mut sink = Vec::with_capacity(1 << 16);
        let quiet = bench::drive(&mut sim, orders, &mut sink);
        assert!(quiet && sim.violations_total() == 0);
        sim.stats().handled
    });
}
