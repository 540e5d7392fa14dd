//! Property tests over explicit fault schedules: any list of crashes, restarts, partitions,
//! heals, network weather and slow handlers, under any protocol, followed by a heal, must leave
//! no safety violation and must converge within the bound. When one does not, proptest shrinks
//! it to a short schedule and saves it under `tests/schedules.proptest-regressions`, which is
//! committed and replayed first on every run.

use proptest::prelude::*;
use saga_sim::config::{LinkFaults, MsRange};
use saga_sim::swarm::{SwarmPlan, run_plan};
use saga_sim::{Command, Fault, ProductId, Protocol, Scenario, ServiceId, SimConfig, TimedCommand};

/// When the schedule's faults stop: everything heals.
const HEAL_AT_MS: u64 = 30_000;

fn service() -> impl Strategy<Value = ServiceId> {
    prop_oneof![
        Just(ServiceId::Order),
        Just(ServiceId::Product),
        Just(ServiceId::Delivery),
        Just(ServiceId::Coordinator),
    ]
}

fn probability() -> impl Strategy<Value = f64> {
    (0u32..=30).prop_map(|pct| f64::from(pct) / 100.0)
}

fn weather() -> impl Strategy<Value = LinkFaults> {
    (probability(), probability(), probability(), probability(), 0u64..5_000).prop_map(
        |(drop, duplicate, delay, reorder, max_ms)| LinkFaults {
            drop_probability: drop,
            duplicate_probability: duplicate,
            delay_probability: delay,
            reorder_probability: reorder,
            delay_ms: MsRange { min_ms: 0, max_ms },
        },
    )
}

/// One fault of the closed set a person can inject from the screen.
fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        service().prop_map(|service| Fault::Crash { service }),
        service().prop_map(|service| Fault::Restart { service }),
        service().prop_map(|service| Fault::Partition { service }),
        service().prop_map(|service| Fault::Heal { service }),
        (proptest::option::of(service()), weather())
            .prop_map(|(service, faults)| Fault::SetLinkFaults { service, faults }),
        (service(), 0u64..2_000).prop_map(|(service, handle_ms)| Fault::SetHandleTime { service, handle_ms }),
    ]
}

fn timed(command: impl Strategy<Value = Command>) -> impl Strategy<Value = TimedCommand> {
    (0..HEAL_AT_MS, command).prop_map(|(at_ms, command)| TimedCommand { at_ms, command })
}

fn order() -> impl Strategy<Value = Command> {
    (0u16..2, 1u32..4).prop_map(|(p, quantity)| Command::PlaceOrder {
        product: ProductId(p),
        quantity,
        idempotency_key: None,
    })
}

fn protocol() -> impl Strategy<Value = Protocol> {
    prop_oneof![Just(Protocol::Choreography), Just(Protocol::Orchestration), Just(Protocol::Tcc), Just(Protocol::TwoPc),]
}

/// The scenario: orders and faults at their times, then the heal.
fn plan(seed: u64, protocol: Protocol, orders: Vec<TimedCommand>, faults: Vec<(u64, Fault)>) -> SwarmPlan {
    let mut commands = orders;
    commands.extend(faults.into_iter().map(|(at_ms, f)| TimedCommand { at_ms, command: Command::Fault(f) }));
    commands.sort_by_key(|c| c.at_ms);
    commands.push(TimedCommand { at_ms: HEAL_AT_MS, command: Command::Fault(Fault::HealAll) });
    let config = SimConfig { protocol, ..SimConfig::default() };
    SwarmPlan { scenario: Scenario { seed, config, commands }, heal_at_ms: HEAL_AT_MS }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_fault_schedule_then_a_heal_converges_without_violations(
        seed in any::<u64>(),
        protocol in protocol(),
        orders in proptest::collection::vec(timed(order()), 1..12),
        faults in proptest::collection::vec((0..HEAL_AT_MS, fault()), 0..10),
    ) {
        let plan = plan(seed, protocol, orders, faults);
        let r = run_plan(&plan, false);
        prop_assert_eq!(r.violations, 0, "first violation: {:?}", r.first_violation);
        prop_assert!(r.converged, "not converged; waiting for {:?}", r.unmet);
    }
}

/// The property test would be worthless if its check could not fail: the same machinery
/// catches a non-idempotent consumer under duplication, and proptest shrinks the schedule.
#[test]
fn the_property_has_teeth_and_shrinks() {
    use proptest::test_runner::{Config, TestError, TestRunner};
    let mut runner = TestRunner::new(Config { cases: 256, failure_persistence: None, ..Config::default() });
    let strategy = (any::<u64>(), proptest::collection::vec(timed(order()), 1..12));
    let result = runner.run(&strategy, |(seed, orders)| {
        let mut plan = plan(seed, Protocol::Choreography, orders, Vec::new());
        plan.scenario.config.idempotent_consumers = false;
        plan.scenario.config.link_faults.duplicate_probability = 1.0;
        let r = run_plan(&plan, false);
        prop_assert_eq!(r.violations, 0);
        Ok(())
    });
    let Err(TestError::Fail(_, (_, orders))) = result else { panic!("duplicates without idempotency went unnoticed") };
    assert_eq!(orders.len(), 1, "shrunk to a single order: {orders:?}");
}
