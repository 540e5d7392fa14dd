//! Determinism: the same seed, config and commands give the same trace, bit for bit.

mod support;

use saga_sim::swarm::{SwarmKnobs, plan};
use saga_sim::{Scenario, ServiceId};
use support::*;

fn busy_scenario() -> Scenario {
    // Swarm seed 7 has crashes, partitions, loss, duplication and reordering.
    plan(7, SwarmKnobs::default()).scenario
}

#[test]
fn same_inputs_same_trace_hash() {
    let s = busy_scenario();
    let (mut a, ra) = s.run();
    let (mut b, rb) = s.run();
    assert_eq!(ra.trace_hash, rb.trace_hash);
    assert_eq!(a.drain_trace(), b.drain_trace());
    assert_eq!(a.view(), b.view());
}

#[test]
fn a_different_seed_gives_a_different_trace() {
    let mut s = busy_scenario();
    let h1 = s.run().1.trace_hash;
    s.seed += 1;
    assert_ne!(h1, s.run().1.trace_hash);
}

#[test]
fn pinned_trace_hash() {
    // Guards against accidental change of behaviour, of the generator or of the hash. If a
    // change is intended, update the constant and say why in the commit.
    let h = busy_scenario().run().1.trace_hash;
    assert_eq!(format!("{h:016x}"), PINNED, "trace hash changed");
}
const PINNED: &str = "25d18dfdf7a5fb97";

#[test]
fn draining_or_stepping_differently_does_not_change_the_run() {
    // The caller's rhythm (step by step, big jumps, draining or not) must not leak into the run.
    let s = scenario(
        11,
        vec![
            place(0, 0, 1),
            crash(50, ServiceId::Delivery),
            place(60, 1, 1),
            restart(4_000, ServiceId::Delivery),
            cancel(4_500, 0),
        ],
    );
    let (_, whole) = s.run();
    let mut sim = s.start();
    let mut t = 0;
    let mut sink = Vec::new();
    while !(sim.is_quiet() && sim.next_due_ms().is_none()) && t < 200_000 {
        t += 37;
        sim.advance_until(t);
        sim.drain_trace_into(&mut sink);
    }
    sim.run_until_quiet(t + 120_000);
    assert_eq!(sim.trace_hash(), whole.trace_hash);
}

#[test]
fn absurd_times_are_refused_or_clamped_never_a_panic() {
    use saga_sim::{Command, ProductId, Sim, SimConfig};
    let mut sim = Sim::new(SimConfig::default(), 1);
    assert!(!sim.schedule(u64::MAX, Command::PlaceOrder { product: ProductId(0), quantity: 1, idempotency_key: None }));
    sim.apply(Command::PlaceOrder { product: ProductId(0), quantity: 1, idempotency_key: None });
    sim.advance_until(u64::MAX);
    sim.advance_until(u64::MAX);
    sim.apply(Command::PlaceOrder { product: ProductId(0), quantity: 1, idempotency_key: None });
    sim.run_until_quiet(u64::MAX);
    assert_eq!(sim.violations_total(), 0);
}

/// One swarm seed per protocol with its trace hash, pinned: the same numbers the browser test
/// (`src/tests.rs`) must reproduce in wasm32.
const PINNED_PER_PROTOCOL: [(&str, u64, &str); 4] = [
    ("choreography", 7, "25d18dfdf7a5fb97"),
    ("orchestration", 7, "1b53076fa27e1deb"),
    ("tcc", 7, "0dc13e3e343856b3"),
    ("2pc", 7, "bc7027a9cb30356a"),
];

#[test]
fn pinned_trace_hash_per_protocol() {
    for (name, seed, pinned) in PINNED_PER_PROTOCOL {
        let protocol = saga_sim::Protocol::from_name(name).expect("protocol");
        let r = saga_sim::swarm::run_seed(seed, saga_sim::swarm::SwarmKnobs::for_protocol(protocol));
        assert_eq!(format!("{:016x}", r.trace_hash), pinned, "{name} seed {seed}: trace hash changed");
    }
}
