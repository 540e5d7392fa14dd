//! Swarm testing, as TigerBeetle's simulator does it: the seed chooses which faults are on and
//! how often (loss, duplication, delay, reordering, crashes, partitions, slow services, stock
//! shortages), a fault phase runs with user traffic, then everything heals and the system must
//! converge within a bound.

use crate::command::{Command, DecisionTrap, Fault, TimedCommand};
use crate::config::{
    DeliverySemantics, LinkFaults, MsRange, OrchestrationConfig, PlacementMode, ProductSpec, PublishMode, ReplyTiming,
    RestockRule, SimConfig, StuckStrategy, TwoPhaseConfig,
};
use crate::ids::{IdempotencyKey, OrderId, ProductId, ServiceId};
use crate::protocol::Protocol;
use crate::rng::{Chance, SimRng};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// After the heal, the system must be quiet and consistent within this much virtual time.
pub const SWARM_CONVERGENCE_BOUND_MS: u64 = 60_000;

/// How often the swarm's operator looks at the alert list after the heal.
const OPERATOR_ROUND_MS: u64 = 2_000;

/// How a swarm run is shaped; `SwarmKnobs::default()` is the safe mix.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SwarmKnobs {
    /// Whether consumers are idempotent.
    pub idempotent_consumers: bool,
    /// Force at least this duplicate probability on every link (0 leaves it to the seed).
    pub min_duplicate_probability: f64,
    /// The protocol under test.
    pub protocol: Protocol,
    /// When consumers commit (at-most-once is the unsafe setting).
    pub delivery: DeliverySemantics,
    /// How Product decides to restock (the guess is the unsafe setting).
    pub restock_rule: RestockRule,
    /// Whether the client's network loses Order's answers from the start (safe: keys).
    pub flaky_client: bool,
    /// How the services publish (dual write and publish-first are the unsafe settings; Order
    /// keeps its outbox under publish-first).
    pub publish: PublishMode,
    /// Whether handlers fail for a while (retries, then the dead-letter queue, which the swarm's
    /// operator replays after the heal).
    pub handler_errors: bool,
    /// Whether Order publishes AllDone before confirming (choreography; `SimConfig::all_done_event`).
    pub all_done_event: bool,
    /// Whether a customer's cancel is CANCELLED at once (`SimConfig::cancel_at_once`).
    pub cancel_at_once: bool,
    /// When the client hears back (`SimConfig::reply_timing`).
    pub reply_timing: ReplyTiming,
    /// How many participants a TCC or 2PC transaction has (`TwoPhaseConfig::participants`).
    pub participants: u32,
    /// Whether 2PC commits one participant at a time (`TwoPhaseConfig::commit_in_turn`).
    pub commit_in_turn: bool,
}

impl Default for SwarmKnobs {
    fn default() -> Self {
        SwarmKnobs {
            idempotent_consumers: true,
            min_duplicate_probability: 0.0,
            protocol: Protocol::Choreography,
            delivery: DeliverySemantics::AtLeastOnce,
            restock_rule: RestockRule::CausationId,
            flaky_client: false,
            publish: PublishMode::Outbox,
            handler_errors: false,
            all_done_event: false,
            cancel_at_once: false,
            reply_timing: ReplyTiming::Seed,
            participants: crate::config::MIN_PARTICIPANTS,
            commit_in_turn: true,
        }
    }
}

impl SwarmKnobs {
    /// The safe mix for `protocol`.
    pub fn for_protocol(protocol: Protocol) -> SwarmKnobs {
        SwarmKnobs { protocol, ..SwarmKnobs::default() }
    }
}

/// A swarm run's plan: the scenario and when it heals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SwarmPlan {
    /// The scenario, its commands ending with `HealAll`.
    pub scenario: Scenario,
    /// When everything heals.
    pub heal_at_ms: u64,
}

/// What one swarm seed did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SwarmResult {
    /// The seed.
    pub seed: u64,
    /// Violations found.
    pub violations: u64,
    /// Whether the run was quiet and consistent within the bound after the heal.
    pub converged: bool,
    /// Time from the heal to quiet, when it converged.
    pub convergence_ms: Option<u64>,
    /// Trace hash.
    pub trace_hash: u64,
    /// Records handled (events).
    pub handled: u64,
    /// The first violation, if any, as text.
    pub first_violation: Option<String>,
    /// Invariants not holding at the end (what a run that did not converge is waiting for).
    pub unmet: Vec<String>,
}

/// Draws a plan from `seed`.
pub fn plan(seed: u64, knobs: SwarmKnobs) -> SwarmPlan {
    // The plan's generator is separate from the run's, so the plan does not shift the run.
    let mut r = SimRng::new(seed ^ 0x5157_4152_4d5f_504c);
    let on = |r: &mut SimRng| r.chance(Chance::from_probability(0.5));
    let prob = |r: &mut SimRng, max_permille: u64| r.in_range(0, max_permille) as f64 / 1000.0;

    let product_count = r.in_range(2, 4) as usize;
    let products = (0..product_count)
        .map(|i| ProductSpec { name: format!("P{i}"), initial_stock: r.in_range(0, 40) as i64 })
        .collect();
    let lat_min = r.in_range(1, 50);
    let config = SimConfig {
        products,
        latency_ms: MsRange::new(lat_min, lat_min + r.in_range(0, 200)),
        handle_ms: r.in_range(0, 80),
        idempotent_consumers: knobs.idempotent_consumers,
        placement: if on(&mut r) { PlacementMode::Ap } else { PlacementMode::Cp },
        ack_timeout_ms: r.in_range(100, 800),
        retry_backoff_max_ms: r.in_range(800, 5_000),
        batch_max: r.in_range(1, 16) as u32,
        protocol: knobs.protocol,
        delivery: knobs.delivery,
        restock_rule: knobs.restock_rule,
        publish: [knobs.publish; 3],
        all_done_event: knobs.all_done_event,
        cancel_at_once: knobs.cancel_at_once,
        reply_timing: knobs.reply_timing,
        ..SimConfig::default()
    };
    // Drawn after everything above, so choreography plans are the same as before this knob.
    let config = if knobs.protocol == Protocol::Choreography {
        config
    } else {
        let base = r.in_range(50, 500);
        SimConfig {
            orchestration: OrchestrationConfig {
                max_attempts: r.in_range(1, 5) as u32,
                request_timeout_ms: r.in_range(200, 1_500),
                retry_base_ms: base,
                retry_max_ms: base * r.in_range(1, 8),
                registry_retry_ms: r.in_range(200, 3_000),
                notify_first: false,
            },
            ..config
        }
    };
    // Drawn only for TCC and 2PC, so the other protocols' plans stay as they were.
    let config = if knobs.protocol.is_two_phase() {
        let strategy = match r.in_range(0, 2) {
            0 => StuckStrategy::AutoConfirm,
            1 => StuckStrategy::OperatorAlert,
            _ => StuckStrategy::ParticipantSweep,
        };
        let two_phase = TwoPhaseConfig {
            strategy,
            pending_timeout_ms: r.in_range(500, 10_000),
            reservation_ttl_ms: r.in_range(500, 10_000),
            sweep_interval_ms: r.in_range(200, 5_000),
            participants: knobs.participants,
            commit_in_turn: knobs.commit_in_turn,
        };
        SimConfig { two_phase, ..config }
    } else {
        config
    };
    // The nodes in play, as `Sim::nodes_in_play` has them: Payment and Points when added.
    let nodes: &[ServiceId] = if knobs.protocol.is_two_phase() {
        let n = knobs.participants.clamp(crate::config::MIN_PARTICIPANTS, crate::config::MAX_PARTICIPANTS) as usize;
        &ServiceId::NODES[..n + 1]
    } else if knobs.protocol.has_coordinator() {
        &ServiceId::NODES[..4]
    } else {
        &ServiceId::ALL
    };

    let fault_phase_ms = r.in_range(5_000, 40_000);
    let mut commands = Vec::new();
    let mut push = |at_ms: u64, command: Command| commands.push(TimedCommand { at_ms, command });
    if knobs.flaky_client {
        push(0, Command::SetFlakyClient { on: true });
    }
    if knobs.handler_errors {
        for _ in 0..r.in_range(1, 3) {
            // Under the coordinator protocols the coordinator is the bus consumer that acts.
            let service = nodes[r.in_range(0, nodes.len() as u64 - 1) as usize];
            let at = r.in_range(0, fault_phase_ms);
            push(at, Command::Fault(Fault::FailHandling { service, on: true }));
            push(at + r.in_range(500, 8_000), Command::Fault(Fault::FailHandling { service, on: false }));
        }
    }

    let mut weather = LinkFaults {
        drop_probability: if on(&mut r) { prob(&mut r, 300) } else { 0.0 },
        duplicate_probability: if on(&mut r) { prob(&mut r, 300) } else { 0.0 },
        delay_probability: if on(&mut r) { prob(&mut r, 500) } else { 0.0 },
        delay_ms: MsRange::new(0, r.in_range(0, 3_000)),
        reorder_probability: if on(&mut r) { prob(&mut r, 300) } else { 0.0 },
    };
    weather.duplicate_probability = weather.duplicate_probability.max(knobs.min_duplicate_probability);
    let per_service = on(&mut r);
    if per_service {
        for &s in nodes {
            let mut f = weather;
            f.drop_probability *= r.in_range(0, 2) as f64 / 2.0;
            push(0, Command::Fault(Fault::SetLinkFaults { service: Some(s), faults: f }));
        }
    } else {
        push(0, Command::Fault(Fault::SetLinkFaults { service: None, faults: weather }));
    }

    let service = |r: &mut SimRng| nodes[r.in_range(0, nodes.len() as u64 - 1) as usize];
    for _ in 0..r.in_range(0, 4) {
        let s = service(&mut r);
        let at = r.in_range(0, fault_phase_ms);
        push(at, Command::Fault(Fault::Crash { service: s }));
        push(at + r.in_range(50, 8_000), Command::Fault(Fault::Restart { service: s }));
    }
    if knobs.publish == PublishMode::PublishFirst {
        // Publish first fails only when a commit fails after the publish: aim that fault. Drawn
        // only for this setting, so the other settings' plans (and pinned hashes) stay the same.
        for _ in 0..r.in_range(1, 3) {
            let s = if r.in_range(0, 1) == 0 { ServiceId::Product } else { ServiceId::Delivery };
            let at = r.in_range(0, fault_phase_ms);
            push(at, Command::Fault(Fault::CrashAfterCommit { service: s }));
            push(at + r.in_range(500, 8_000), Command::Fault(Fault::Restart { service: s }));
        }
    }
    for _ in 0..r.in_range(0, 4) {
        let s = service(&mut r);
        let at = r.in_range(0, fault_phase_ms);
        push(at, Command::Fault(Fault::Partition { service: s }));
        push(at + r.in_range(50, 8_000), Command::Fault(Fault::Heal { service: s }));
    }
    for _ in 0..r.in_range(0, 2) {
        let s = service(&mut r);
        push(
            r.in_range(0, fault_phase_ms),
            Command::Fault(Fault::SetHandleTime { service: s, handle_ms: r.in_range(100, 1_000) }),
        );
    }
    for _ in 0..r.in_range(0, 3) {
        let product = ProductId(r.in_range(0, product_count as u64 - 1) as u16);
        push(r.in_range(0, fault_phase_ms), Command::SetStock { product, stock: r.in_range(0, 5) as i64 });
    }
    if knobs.protocol.is_two_phase() {
        for _ in 0..r.in_range(0, 2) {
            let at = r.in_range(0, fault_phase_ms);
            let back = at + r.in_range(500, 8_000);
            let then = if on(&mut r) {
                push(back, Command::Fault(Fault::Restart { service: ServiceId::Coordinator }));
                DecisionTrap::CrashCoordinator
            } else {
                let service = ServiceId::ALL[r.in_range(0, 2) as usize];
                push(back, Command::Fault(Fault::Heal { service }));
                DecisionTrap::Partition { service }
            };
            push(at, Command::Fault(Fault::AtNextDecision { then }));
        }
    }
    if on(&mut r) {
        let mode = if on(&mut r) { PlacementMode::Ap } else { PlacementMode::Cp };
        push(r.in_range(0, fault_phase_ms), Command::SetPlacementMode { mode });
    }

    let orders = r.in_range(1, 60);
    let mut cancelled = Vec::new();
    for k in 0..orders {
        let at = r.in_range(0, fault_phase_ms);
        let product = ProductId(r.in_range(0, product_count as u64 - 1) as u16);
        let quantity = r.in_range(1, 4) as u32;
        let key = Some(IdempotencyKey(k));
        push(at, Command::PlaceOrder { product, quantity, idempotency_key: key });
        if r.chance(Chance::from_probability(0.15)) {
            // A flaky client resubmits the same request.
            push(at + r.in_range(0, 2_000), Command::PlaceOrder { product, quantity, idempotency_key: key });
        }
        if r.chance(Chance::from_probability(0.25)) {
            // Order ids are assigned in acceptance order; a guess that misses is refused.
            let order = OrderId(r.in_range(0, orders - 1) as u32);
            push(at + r.in_range(0, 5_000), Command::CancelOrder { order });
            cancelled.push(order);
        }
        if knobs.protocol.is_two_phase() && r.chance(Chance::from_probability(0.1)) {
            // An impatient operator decides some transaction by hand, sensibly or not.
            let (order, commit) = (OrderId(r.in_range(0, orders - 1) as u32), on(&mut r));
            push(at + r.in_range(0, 10_000), Command::Resolve { order, commit });
            if !commit {
                cancelled.push(order);
            }
        }
    }

    if knobs.protocol.is_two_phase() {
        // Couriers hand parcels over, so no operator can cancel what was delivered. Nobody
        // cancels these orders: a hand-over racing a cancel is a conflict the checker names
        // (NoCompletedDeliveryForCancelledOrder), and a return is not modelled.
        for _ in 0..r.in_range(0, orders / 2) {
            let order = OrderId(r.in_range(0, orders - 1) as u32);
            let at = r.in_range(0, fault_phase_ms + 4_000);
            if !cancelled.contains(&order) {
                push(at, Command::CompleteDelivery { order });
            }
        }
    }
    let heal_at_ms = fault_phase_ms + 8_000;
    push(heal_at_ms, Command::Fault(Fault::HealAll));
    SwarmPlan { scenario: Scenario { seed, config, commands }, heal_at_ms }
}

/// Runs one swarm seed: faults, heal, then convergence within the bound.
pub fn run_seed(seed: u64, knobs: SwarmKnobs) -> SwarmResult {
    run_plan(&plan(seed, knobs), knobs.handler_errors)
}

/// Runs a plan: faults until the heal, then convergence within [`SWARM_CONVERGENCE_BOUND_MS`],
/// with an operator answering alerts and replaying dead letters (under TCC and 2PC, or when
/// `handler_errors`). The plan may come from [`plan`] or be written out by hand, as the
/// property tests over explicit fault schedules do.
pub fn run_plan(plan: &SwarmPlan, handler_errors: bool) -> SwarmResult {
    let seed = plan.scenario.seed;
    let mut sim = plan.scenario.start();
    sim.advance_until(plan.heal_at_ms);
    let deadline = plan.heal_at_ms + SWARM_CONVERGENCE_BOUND_MS;
    let quiet = if sim.protocol().is_two_phase() || handler_errors {
        // The swarm plays the operator: every alert is answered with the logged decision, and
        // every dead letter is replayed (the heal fixed the handlers).
        loop {
            let quiet = sim.run_until_quiet(sim.now_ms().saturating_add(OPERATOR_ROUND_MS).min(deadline));
            if quiet || sim.now_ms() >= deadline {
                break quiet;
            }
            for (order, commit) in sim.alerts() {
                sim.apply(Command::Resolve { order, commit });
            }
            for (service, message) in sim.dead_letter_ids() {
                sim.apply(Command::ReplayDeadLetter { service, message });
            }
        }
    } else {
        sim.run_until_quiet(deadline)
    };
    let converged = quiet && sim.consistent();
    SwarmResult {
        seed,
        violations: sim.violations_total(),
        converged,
        convergence_ms: converged.then(|| sim.now_ms().saturating_sub(plan.heal_at_ms)),
        trace_hash: sim.trace_hash(),
        handled: sim.stats().handled,
        first_violation: sim.recent_violations().first().map(|v| v.to_string()),
        unmet: sim.view().verdict.invariants.iter().filter(|i| !i.holds).map(|i| i.invariant.to_string()).collect(),
    }
}
