//! Swarm property test: random faults drawn from each seed, then heal, then the system must be
//! quiet and consistent within `SWARM_CONVERGENCE_BOUND_MS`, with zero violations.
//! `SWARM_SEEDS=a..b` widens or moves the range; a failure names the seed to replay with
//! `cargo run -p saga-cli -- swarm --seeds S..S+1`.

use saga_sim::Protocol;
use saga_sim::config::{DeliverySemantics, PublishMode, ReplyTiming, RestockRule};
use saga_sim::swarm::{SWARM_CONVERGENCE_BOUND_MS, SwarmKnobs, run_seed};

fn seed_range() -> std::ops::Range<u64> {
    std::env::var("SWARM_SEEDS")
        .ok()
        .and_then(|s| {
            let (a, b) = s.split_once("..")?;
            Some(a.parse().ok()?..b.parse().ok()?)
        })
        .unwrap_or(0..1_000)
}

/// Every seed of the range, under `protocol`, converges within the bound with no violation;
/// a failure names the seed and the command that replays it.
fn assert_swarm_clean(protocol: Protocol) {
    let range = seed_range();
    let (mut worst, mut handled) = (0, 0);
    for seed in range.clone() {
        let r = run_seed(seed, SwarmKnobs::for_protocol(protocol));
        assert!(
            r.violations == 0 && r.converged,
            "{} seed {seed} failed: violations={} converged={} first={:?} unmet={:?}\n\
             replay: cargo run --release -p saga-cli -- swarm --protocol {} --seeds {seed}..{}",
            protocol.name(),
            r.violations,
            r.converged,
            r.first_violation,
            r.unmet,
            protocol.name(),
            seed + 1
        );
        worst = worst.max(r.convergence_ms.unwrap_or(0));
        handled += r.handled;
    }
    assert!(worst <= SWARM_CONVERGENCE_BOUND_MS);
    eprintln!("{} swarm {range:?}: worst convergence {worst} ms after heal, {handled} events", protocol.name());
}

#[test]
fn swarm_converges_with_zero_violations() {
    assert_swarm_clean(Protocol::Choreography);
}

#[test]
fn orchestration_swarm_converges_with_zero_violations() {
    assert_swarm_clean(Protocol::Orchestration);
}

#[test]
fn tcc_swarm_converges_with_zero_violations() {
    assert_swarm_clean(Protocol::Tcc);
}

#[test]
fn two_pc_swarm_converges_with_zero_violations() {
    assert_swarm_clean(Protocol::TwoPc);
}

#[test]
fn checker_has_teeth_without_idempotency() {
    // Idempotency off and duplication on: a duplicated OrderPlaced takes stock twice or sends a
    // second parcel. The checker must notice within 100 seeds.
    let knobs = SwarmKnobs { idempotent_consumers: false, min_duplicate_probability: 0.2, ..SwarmKnobs::default() };
    let caught = (0..100u64).find(|&seed| run_seed(seed, knobs).violations > 0);
    assert!(caught.is_some(), "no violation found in 100 seeds with idempotency off and duplication on");
}

#[test]
fn checker_has_teeth_with_at_most_once_delivery() {
    // Commit before handling and crashes: a record handled by a consumer that crashes is lost.
    let knobs = SwarmKnobs { delivery: DeliverySemantics::AtMostOnce, ..SwarmKnobs::default() };
    let caught = (0..100u64).find(|&seed| run_seed(seed, knobs).violations > 0);
    assert!(caught.is_some(), "no violation found in 100 seeds with at-most-once delivery");
}

#[test]
fn checker_has_teeth_with_dual_writes() {
    // Publish after commit, once: a crash in the gap or a dropped packet loses the event.
    let knobs = SwarmKnobs { publish: PublishMode::DualWrite, ..SwarmKnobs::default() };
    let caught = (0..100u64).find(|&seed| run_seed(seed, knobs).violations > 0);
    assert!(caught.is_some(), "no violation found in 100 seeds with dual writes");
}

#[test]
fn checker_has_teeth_with_publish_first() {
    // Publish, then commit: a commit that fails after the publish leaves an event for a change
    // that rolled back.
    let knobs = SwarmKnobs { publish: PublishMode::PublishFirst, ..SwarmKnobs::default() };
    let caught = (0..100u64).find(|&seed| run_seed(seed, knobs).violations > 0);
    assert!(caught.is_some(), "no violation found in 100 seeds with publish-first");
}

#[test]
fn checker_has_teeth_with_the_guessing_restock_rule() {
    // The stock-guessing shortcut loses the last units on a cancel, or restocks what an
    // operator's restock already covers; the checker must notice within 100 seeds.
    let knobs = SwarmKnobs { restock_rule: RestockRule::GuessFromStock, ..SwarmKnobs::default() };
    let caught = (0..100u64).find(|&seed| {
        let r = run_seed(seed, knobs);
        r.violations > 0 || !r.converged
    });
    assert!(caught.is_some(), "no violation found in 100 seeds with the guessing restock rule");
}

/// Every seed of the range converges cleanly under `knobs` for each of `protocols`.
fn assert_clean_with(protocols: &[Protocol], knobs: impl Fn(Protocol) -> SwarmKnobs) {
    for &protocol in protocols {
        for seed in seed_range() {
            let r = run_seed(seed, knobs(protocol));
            let why = (r.first_violation, r.unmet);
            assert!(r.violations == 0 && r.converged, "{} seed {seed}: {why:?}", protocol.name());
        }
    }
}

#[test]
fn every_combination_of_safe_settings_converges() {
    // The safe side of each switch (the outbox, at-least-once delivery with idempotent consumers,
    // the causation-id restock rule) holds whatever else is on, under every protocol: a flaky
    // client resubmitting (each key still makes one order), and handlers that fail for a while,
    // retry, dead-letter, and are replayed after the heal.
    for flaky_client in [false, true] {
        for handler_errors in [false, true] {
            assert_clean_with(&Protocol::ALL, |p| SwarmKnobs {
                flaky_client,
                handler_errors,
                ..SwarmKnobs::for_protocol(p)
            });
        }
    }
}

#[test]
fn the_all_done_event_converges_whatever_else_is_on() {
    // Seed 000's existing event system: one more event, AllDone, before the order confirms. It
    // travels the same bus, so it is lost, duplicated, delayed and reordered like the rest; the
    // order still settles, once.
    for flaky_client in [false, true] {
        assert_clean_with(&[Protocol::Choreography], |p| SwarmKnobs {
            all_done_event: true,
            flaky_client,
            ..SwarmKnobs::for_protocol(p)
        });
    }
    let knobs = SwarmKnobs { all_done_event: true, min_duplicate_probability: 0.2, ..SwarmKnobs::default() };
    for seed in 0..200u64 {
        let r = run_seed(seed, knobs);
        assert!(r.violations == 0 && r.converged, "seed {seed}: {:?}", r.first_violation);
    }
}

#[test]
fn cancels_complete_or_complete_at_once_under_every_protocol() {
    // The default waits for the compensations (CANCELLING, then CANCELLED); the switch cancels at
    // once. Both converge, under every protocol, with a flaky client on or off.
    for cancel_at_once in [false, true] {
        for flaky_client in [false, true] {
            assert_clean_with(&Protocol::ALL, |p| SwarmKnobs {
                cancel_at_once,
                flaky_client,
                ..SwarmKnobs::for_protocol(p)
            });
        }
    }
}

#[test]
fn either_reply_timing_converges_under_every_protocol() {
    // The seed's way is the default (choreography at once, the others when settled); forcing
    // either way converges too, the waiting clients timing out or hearing the outcome.
    for reply_timing in [ReplyTiming::AtOnce, ReplyTiming::WhenSettled] {
        assert_clean_with(&Protocol::ALL, |p| SwarmKnobs { reply_timing, ..SwarmKnobs::for_protocol(p) });
    }
}

#[test]
fn three_to_five_participants_converge_under_tcc_and_2pc() {
    // Payment and Points join TCC and 2PC (seed 001): every participant is crashed, cut off and
    // slowed like the others, votes and hears the decision like the others, and the order and
    // every table still agree once healed.
    for participants in 3..=5 {
        assert_clean_with(&[Protocol::Tcc, Protocol::TwoPc], |p| SwarmKnobs {
            participants,
            ..SwarmKnobs::for_protocol(p)
        });
        // 2PC's other way: the commit sent to every participant at once.
        assert_clean_with(&[Protocol::TwoPc], |p| SwarmKnobs {
            participants,
            commit_in_turn: false,
            ..SwarmKnobs::for_protocol(p)
        });
    }
}

#[test]
fn same_knobs_with_idempotency_on_are_safe() {
    // The control for the test above: the same duplication with idempotent consumers is harmless.
    let knobs = SwarmKnobs { idempotent_consumers: true, min_duplicate_probability: 0.2, ..SwarmKnobs::default() };
    for seed in 0..100u64 {
        let r = run_seed(seed, knobs);
        assert!(r.violations == 0 && r.converged, "seed {seed}: {:?}", r.first_violation);
    }
}

#[test]
fn a_flaky_client_never_makes_two_orders_for_one_key() {
    // The property itself: every answer to a new order is lost and the client resubmits, and
    // each idempotency key still names exactly one order. Ignoring keys would fail here.
    let (mut lost, mut recognised) = (0, 0);
    for protocol in Protocol::ALL {
        for seed in 0..100u64 {
            let plan =
                saga_sim::swarm::plan(seed, SwarmKnobs { flaky_client: true, ..SwarmKnobs::for_protocol(protocol) });
            let mut sim = plan.scenario.start();
            sim.advance_until(plan.heal_at_ms + SWARM_CONVERGENCE_BOUND_MS);
            for r in sim.drain_trace() {
                match r.event {
                    saga_sim::TraceEvent::ReplyLost { .. } => lost += 1,
                    saga_sim::TraceEvent::Reply { reply: saga_sim::Reply::AlreadyPlaced { .. } } => recognised += 1,
                    _ => {}
                }
            }
            let mut keys: Vec<_> = sim.view().orders.iter().map(|o| o.idempotency_key).collect();
            let total = keys.len();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), total, "{} seed {seed}: two orders share a key", protocol.name());
        }
    }
    assert!(lost > 0 && recognised > 0, "the resubmission path ran ({lost} answers lost, {recognised} recognised)");
}
