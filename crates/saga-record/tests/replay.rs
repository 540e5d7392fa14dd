//! A run is a record: a session of any mix of live ticks, single steps, commands, operator
//! decisions and fast-forwards, under any protocol, is recorded by the engine as inputs with
//! their positions; replaying that record gives the same trace, bit for bit, and the same view.
//! The record is written as a run file and as a link and read back on the way. When a session
//! does not replay, proptest shrinks it to a short one and names it.

use proptest::prelude::*;
use saga_record::link;
use saga_record::run_file::{self, RunFile};
use saga_sim::chaos::{ChaosProgress, ChaosRun};
use saga_sim::config::{LinkFaults, MsRange};
use saga_sim::{
    Command, Fault, MessageId, OrderId, ProductId, Protocol, Run, ServiceId, Sim, SimConfig, StuckStrategy,
};

/// What a person does in a session, as the app would do it.
#[derive(Clone, Debug)]
enum Act {
    /// The live clock moves on by this many ms (the app's tick: `advance_until`).
    Tick(u64),
    /// Step through this many engine events (the app's Step).
    Step(u8),
    /// A command applied where the run stands.
    Apply(Command),
    /// A fast-forward of this many orders, run to its end in slices of this many steps.
    FastForward(u32, u32),
}

fn service() -> impl Strategy<Value = ServiceId> {
    prop_oneof![
        Just(ServiceId::Order),
        Just(ServiceId::Product),
        Just(ServiceId::Delivery),
        Just(ServiceId::Coordinator),
        Just(ServiceId::Payment),
        Just(ServiceId::Points)
    ]
}

fn command() -> impl Strategy<Value = Command> {
    let order = (0u16..2, 1u32..4).prop_map(|(p, quantity)| Command::PlaceOrder {
        product: ProductId(p),
        quantity,
        idempotency_key: None,
    });
    let weather = (0u32..30, 0u32..30, 0u32..30, 0u64..2_000).prop_map(|(drop, dup, delay, max_ms)| {
        Command::Fault(Fault::SetLinkFaults {
            service: None,
            faults: LinkFaults {
                drop_probability: f64::from(drop) / 100.0,
                duplicate_probability: f64::from(dup) / 100.0,
                delay_probability: f64::from(delay) / 100.0,
                delay_ms: MsRange { min_ms: 0, max_ms },
                reorder_probability: 0.05,
            },
        })
    });
    prop_oneof![
        4 => order,
        1 => (0u32..8).prop_map(|o| Command::CancelOrder { order: OrderId(o) }),
        1 => service().prop_map(|service| Command::Fault(Fault::Crash { service })),
        1 => service().prop_map(|service| Command::Fault(Fault::Restart { service })),
        1 => service().prop_map(|service| Command::Fault(Fault::Partition { service })),
        1 => service().prop_map(|service| Command::Fault(Fault::Heal { service })),
        1 => weather,
        1 => Just(Command::Fault(Fault::HealAll)),
        1 => (0u16..2, 0i64..6).prop_map(|(p, stock)| Command::SetStock { product: ProductId(p), stock }),
        1 => Just(Command::Fault(Fault::PoisonNextEvent { service: ServiceId::Order })),
        // Operator decisions: some are refused (nothing to decide), which is an input too.
        1 => (0u32..8, any::<bool>()).prop_map(|(o, commit)| Command::Resolve { order: OrderId(o), commit }),
        1 => (service(), 0u64..6).prop_map(|(service, m)| Command::ReplayDeadLetter { service, message: MessageId(m) }),
        1 => (service(), 0u64..6).prop_map(|(service, m)| Command::DiscardDeadLetter { service, message: MessageId(m) }),
        1 => (service(), 0u64..6).prop_map(|(service, m)| Command::FixDeadLetter { service, message: MessageId(m) }),
    ]
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        4 => (0u64..1_500).prop_map(Act::Tick),
        2 => (1u8..20).prop_map(Act::Step),
        5 => command().prop_map(Act::Apply),
        1 => (1u32..40, 1u32..300).prop_map(|(n, slice)| Act::FastForward(n, slice)),
    ]
}

fn config() -> impl Strategy<Value = SimConfig> {
    let protocol = prop_oneof![
        Just(Protocol::Choreography),
        Just(Protocol::Orchestration),
        Just(Protocol::Tcc),
        Just(Protocol::TwoPc)
    ];
    let strategy = prop_oneof![
        Just(StuckStrategy::AutoConfirm),
        Just(StuckStrategy::OperatorAlert),
        Just(StuckStrategy::ParticipantSweep)
    ];
    (protocol, strategy, 3u32..=5, any::<bool>()).prop_map(|(protocol, strategy, participants, commit_in_turn)| {
        let mut c = SimConfig { protocol, ..SimConfig::default() };
        c.two_phase.strategy = strategy;
        c.two_phase.participants = participants;
        c.two_phase.commit_in_turn = commit_in_turn;
        c
    })
}

/// Runs a session as the app would, then replays its record; both must agree exactly.
fn session(seed: u64, config: SimConfig, acts: &[Act]) -> Result<(), TestCaseError> {
    let mut live = Sim::new(config, seed);
    for act in acts {
        match act {
            Act::Tick(ms) => live.advance_until(live.now_ms() + ms),
            Act::Step(n) => {
                for _ in 0..*n {
                    live.step();
                }
            }
            Act::Apply(c) => live.apply(*c),
            Act::FastForward(orders, slice) => {
                if let Ok(mut run) = ChaosRun::new(&mut live, *orders) {
                    while !matches!(run.run(&mut live, *slice), ChaosProgress::Done(_)) {}
                }
            }
        }
        live.drain_trace();
    }
    // Both end after every event due at the last moment.
    let end = live.now_ms();
    live.advance_until(end);
    let record = Run::of(&live);
    prop_assert!(live.inputs().complete());
    // The record goes out as a file and as a link and comes back the same.
    let file = run_file::write(&record, Some(end));
    let read = run_file::read(&file).map_err(|e| TestCaseError::fail(format!("{e}\n{file}")))?;
    prop_assert_eq!(&read, &RunFile { run: record.clone(), until_ms: Some(end) });
    let linked = link::decode(&link::encode(&record, Some(end))).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&linked, &read);
    let replayed = read.run.replay_until(end);
    prop_assert_eq!(replayed.now_ms(), end);
    prop_assert_eq!(format!("{:016x}", replayed.trace_hash()), format!("{:016x}", live.trace_hash()), "trace hash");
    prop_assert!(replayed.view() == live.view(), "the replayed view differs from the live one");
    prop_assert_eq!(Run::of(&replayed), record, "replaying records the same inputs at the same positions");
    // The admin panel offers what the view says; the engine carries out exactly that.
    for choice in live.view().operator_choices {
        for (commit, offered) in [(true, choice.confirm), (false, choice.cancel)] {
            let mut trial = live.clone();
            trial.drain_trace();
            trial.apply(Command::Resolve { order: choice.order, commit });
            let refused = trial.drain_trace().iter().any(|r| matches!(r.event, saga_sim::TraceEvent::Refused { .. }));
            prop_assert_eq!(refused, !offered, "{:?} commit={}", choice, commit);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn a_recorded_session_replays_to_the_same_trace_and_view(
        seed in 0u64..1_000,
        config in config(),
        acts in proptest::collection::vec(act(), 1..40),
    ) {
        session(seed, config, &acts)?;
    }
}

/// The same inputs applied at other positions give another run: the position matters, so a
/// replay that ignored it would be caught above.
#[test]
fn an_input_one_event_later_is_another_run() {
    let mut a = Sim::new(SimConfig::default(), 7);
    a.apply(Command::PlaceOrder { product: ProductId(0), quantity: 1, idempotency_key: None });
    a.advance_until(100);
    let mut b = a.clone();
    a.apply(Command::Fault(Fault::Crash { service: ServiceId::Product }));
    b.step();
    b.apply(Command::Fault(Fault::Crash { service: ServiceId::Product }));
    a.advance_until(3_000);
    b.advance_until(3_000);
    assert_ne!(a.trace_hash(), b.trace_hash());
    assert_ne!(Run::of(&a).inputs[1].at, Run::of(&b).inputs[1].at);
}

/// What a person does with time travel: the acts above, plus scrubbing to a past moment.
#[derive(Clone, Debug)]
enum TravelAct {
    Live(Act),
    /// Scrub to this fraction (in thousandths) of the branch's length.
    Seek(u16),
}

fn travel_act() -> impl Strategy<Value = TravelAct> {
    prop_oneof![4 => act().prop_map(TravelAct::Live), 1 => (0u16..=1000).prop_map(TravelAct::Seek)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Scrubbing, acting in the past (a fork) and playing on, in any mix: whatever the timeline
    /// shows at a moment is what replaying its branch's record from scratch gives there.
    #[test]
    fn the_timeline_shows_what_a_fresh_replay_of_its_branch_shows(
        seed in 0u64..1_000,
        config in config(),
        acts in proptest::collection::vec(travel_act(), 1..40),
        probes in proptest::collection::vec(0u16..=1000, 1..4),
    ) {
        use saga_sim::timeline::Timeline;
        let mut sim = Sim::new(config, seed);
        let mut tl = Timeline::new(&sim);
        let mut history = Vec::new();
        for act in &acts {
            match act {
                TravelAct::Seek(f) => {
                    let t = tl.current().end_ms * u64::from(*f) / 1000;
                    sim = tl.seek(t, &mut history);
                }
                TravelAct::Live(act) => {
                    if matches!(act, Act::Apply(_) | Act::FastForward(..)) && tl.in_past(&sim) {
                        tl.fork(&mut sim);
                    }
                    match act {
                        Act::Tick(ms) => sim.advance_until(sim.now_ms() + ms),
                        Act::Step(n) => {
                            for _ in 0..*n {
                                sim.step();
                            }
                        }
                        Act::Apply(c) => sim.apply(*c),
                        Act::FastForward(orders, slice) => {
                            if let Ok(mut run) = ChaosRun::new(&mut sim, *orders) {
                                while !matches!(run.run(&mut sim, *slice), ChaosProgress::Done(_)) {
                                    let trace = sim.drain_trace();
                                    tl.observe(&sim, &trace);
                                }
                            }
                        }
                    }
                }
            }
            let trace = sim.drain_trace();
            tl.observe(&sim, &trace);
        }
        let record = tl.run();
        for f in probes {
            let t = tl.current().end_ms * u64::from(f) / 1000;
            let shown = tl.seek(t, &mut history);
            let mut fresh = record.start();
            if t >= tl.current().end_ms { fresh.advance_until(t) } else { fresh.advance_until_input(t) }
            prop_assert_eq!(shown.trace_hash(), fresh.trace_hash(), "at {} ms", t);
            prop_assert!(shown.view() == fresh.view(), "the view at {} ms", t);
        }
    }
}

/// Found by the property test above: a person who acts between the steps a fast-forward's plan
/// takes at one instant (here, after the first of three) must find the act in that place when
/// the branch is replayed. The engine's own inputs used to be queued with the person's, all
/// "before anything else at t", so a replay landed the act after all three.
#[test]
fn an_act_between_a_fast_forwards_same_instant_steps_replays_in_place() {
    use saga_sim::timeline::Timeline;
    #[derive(Clone, Copy)]
    enum A {
        Apply(Command),
        Tick(u64),
        Step(u8),
        Ff(u32),
        Seek(u16),
    }
    let config = SimConfig { protocol: saga_sim::Protocol::TwoPc, ..SimConfig::default() };
    let acts = [
        A::Apply(Command::Fault(Fault::PoisonNextEvent { service: ServiceId::Order })),
        A::Tick(1_900),
        A::Seek(310),
        A::Ff(9),
        A::Ff(20),
        A::Seek(406),
        A::Step(5),
        A::Apply(Command::Fault(Fault::Heal { service: ServiceId::Order })),
        A::Tick(2_374),
    ];
    let mut sim = Sim::new(config, 218);
    let mut tl = Timeline::new(&sim);
    let mut history = Vec::new();
    for act in acts {
        match act {
            A::Seek(f) => sim = tl.seek(tl.current().end_ms * u64::from(f) / 1000, &mut history),
            A::Tick(ms) => sim.advance_until(sim.now_ms() + ms),
            A::Step(n) => {
                for _ in 0..n {
                    sim.step();
                }
            }
            A::Apply(_) | A::Ff(_) => {
                if tl.in_past(&sim) {
                    tl.fork(&mut sim);
                }
                match act {
                    A::Apply(c) => sim.apply(c),
                    A::Ff(orders) => {
                        if let Ok(mut run) = ChaosRun::new(&mut sim, orders) {
                            while !matches!(run.run(&mut sim, 1), ChaosProgress::Done(_)) {
                                let trace = sim.drain_trace();
                                tl.observe(&sim, &trace);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let trace = sim.drain_trace();
        tl.observe(&sim, &trace);
    }
    let mut fresh = tl.run().start();
    fresh.advance_until(sim.now_ms());
    assert_eq!(sim.trace_hash(), fresh.trace_hash(), "the live branch and its record agree");
    assert!(sim.view() == fresh.view());
}
