//! Fast-forward: many orders under chaos from the current moment, then a heal, run in slices.
//!
//! This is the app's "run N orders under chaos" action, in the spirit of TigerBeetle's
//! simulator: faults are on while the orders come, then everything heals, and the system must
//! settle within a bound. The plan is drawn from the run's seed and the moment it starts, so the
//! same run fast-forwards the same way. [`ChaosRun::run`] does at most a given number of steps
//! per call (sans-IO: the caller owns the wall clock and decides how long a slice may take), and
//! slicing never changes the trace.
//!
//! # The plan
//!
//! `Command::FastForward { orders }` (N up to [`MAX_ORDERS`]) is an input like any other, so a run
//! that fast-forwarded replays from its record. When it lands, the plan is drawn from the run's
//! seed and its start time and put in the engine's own queue: network weather on, then per block of
//! [`BLOCK_ORDERS`] orders a restock (one product may run out), maybe a crash and a cut of a random
//! node in play, the orders (one every three handling times, so a backlog drains, each with an
//! idempotency key of the fast-forward's own), and finally `HealAll`. A tenth of the orders are
//! cancelled by the client 400 ms after placing; those cancels are queued by idempotency key and
//! resolved when due, since a crashed Order rejects some placements and every later id shifts. A
//! plan that does not fit `limits.scheduled_commands` is refused ([`ChaosRefusal::ScheduleFull`]).
//!
//! [`ChaosRun::run`] reports progress or the outcome ([`ChaosOutcome`]: orders accepted, confirmed,
//! cancelled and pending, events, virtual time, when it settled after the heal, consistency,
//! violations). It ends when the world is quiet with nothing scheduled, when the convergence bound
//! ([`CONVERGENCE_BOUND_MS`] after the heal) passes, or when nothing more can happen by itself (a
//! stuck order waits for an operator). A unit test runs slices of 1 to 4,096 steps and gets the
//! same outcome. The page runs it in slices of about 12 ms of wall time (see the app's
//! `driver.rs`).

use crate::command::{Command, Fault, TimedCommand};
use crate::config::{LinkFaults, MsRange};
use crate::ids::{IdempotencyKey, ProductId};
use crate::metrics::Metrics;
use crate::rng::{Chance, SimRng};
use crate::sim::{PendingAction, Sim, Stats};
use crate::trace::{Refusal, TraceEvent};

/// The most orders one fast-forward places.
pub const MAX_ORDERS: u32 = 10_000;
/// Virtual time between two orders, at least.
pub const MIN_ORDER_SPACING_MS: u64 = 10;
/// Orders come this many handling times apart: Order's consumer handles about two records per
/// order, so the services run at about two thirds of their capacity and a backlog drains.
const SPACING_HANDLE_TIMES: u64 = 3;
/// Orders per block: each block restocks, may run a product out and may crash or cut a service.
pub const BLOCK_ORDERS: u32 = 500;
/// The heal comes this long after the last order.
pub const HEAL_AFTER_LAST_ORDER_MS: u64 = 2_000;
/// After the heal the system must settle within this much virtual time.
pub const CONVERGENCE_BOUND_MS: u64 = 120_000;
/// The share of orders the client cancels shortly after placing them.
const CANCEL_PROBABILITY: f64 = 0.1;
/// How long after placing an order the client cancels it (mid-saga, as a rule).
const CANCEL_AFTER_MS: u64 = 400;
/// The fast-forward's idempotency keys: a range of their own (the engine's start at 2^62), then
/// the start time and the order's number in the plan, so no two fast-forwards share one.
const CHAOS_KEY_BASE: u64 = 3 << 62;

/// The network weather while the orders come.
const WEATHER: LinkFaults = LinkFaults {
    drop_probability: 0.03,
    duplicate_probability: 0.03,
    delay_probability: 0.05,
    delay_ms: MsRange { min_ms: 0, max_ms: 400 },
    reorder_probability: 0.03,
};

/// Why a fast-forward cannot start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChaosRefusal {
    /// The number of orders is not in `1..=MAX_ORDERS`.
    OrdersOutOfRange,
    /// The schedule has no room for the plan (`limits.scheduled_commands`).
    ScheduleFull,
}

/// Where a fast-forward stands after a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChaosProgress {
    /// Still going: how many of the orders were placed, and whether the heal came.
    Running {
        /// Orders placed so far.
        placed: u32,
        /// Whether everything has healed (the run is settling).
        healed: bool,
    },
    /// Finished.
    Done(ChaosOutcome),
}

/// How a fast-forward ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChaosOutcome {
    /// Orders asked for.
    pub orders: u32,
    /// Of those, orders Order accepted (the rest it rejected, for example at its order limit).
    pub accepted: u64,
    /// Orders that became CONFIRMED during the fast-forward.
    pub confirmed: u32,
    /// Orders that became CANCELLED during the fast-forward.
    pub cancelled: u32,
    /// Orders still PENDING at the end (any order of the run).
    pub pending: u32,
    /// Records handled by consumers during the fast-forward ("events").
    pub events: u64,
    /// Engine steps taken.
    pub steps: u64,
    /// Virtual time the fast-forward covered.
    pub virtual_ms: u64,
    /// When everything healed.
    pub healed_at_ms: u64,
    /// When the system was quiet with nothing left to do, if it got there within the bound.
    pub settled_at_ms: Option<u64>,
    /// Whether the checker found the system consistent at the end.
    pub consistent: bool,
    /// Checker violations during the fast-forward.
    pub violations: u64,
}

/// A fast-forward in progress: its plan sits in the simulation's own queue (the client's cancels
/// too, resolved by key when due: an order's id is known only once Order accepted it), and this
/// drives the engine until the system settles, the bound passes, or nothing more can happen.
#[derive(Clone, Debug)]
pub struct ChaosRun {
    orders: u32,
    start_ms: u64,
    first_order_at_ms: u64,
    spacing_ms: u64,
    heal_at_ms: u64,
    deadline_ms: u64,
    at_start: Baseline,
    outcome: Option<ChaosOutcome>,
}

/// The run's figures when a fast-forward started, so its outcome counts only its own.
#[derive(Clone, Debug)]
struct Baseline {
    stats: Stats,
    violations: u64,
    metrics: Metrics,
}

/// What a fast-forward's plan needs to know about the run, drawn once when it starts.
struct PlanShape {
    start_ms: u64,
    spacing_ms: u64,
    heal_at_ms: u64,
}

fn shape(sim: &Sim, orders: u32) -> PlanShape {
    let start_ms = sim.now_ms();
    let spacing_ms = (sim.config().handle_ms * SPACING_HANDLE_TIMES).max(MIN_ORDER_SPACING_MS);
    let heal_at_ms = start_ms + 2 + u64::from(orders) * spacing_ms + HEAL_AFTER_LAST_ORDER_MS;
    PlanShape { start_ms, spacing_ms, heal_at_ms }
}

impl Sim {
    /// A fast-forward's input lands: its plan goes into the engine's own queue (see
    /// `Command::FastForward`).
    pub(crate) fn plan_fast_forward(&mut self, orders: u32) {
        if !(1..=MAX_ORDERS).contains(&orders) {
            return self.record(TraceEvent::Refused { reason: Refusal::OrdersOutOfRange });
        }
        let s = shape(self, orders);
        let (plan, cancels) = plan(self.seed() ^ s.start_ms.rotate_left(32), s.start_ms, s.spacing_ms, orders, self);
        let room = (self.config().limits.scheduled_commands as usize).saturating_sub(self.scheduled_commands());
        if plan.len() + cancels.len() > room {
            return self.record(TraceEvent::Refused { reason: Refusal::ScheduleFull });
        }
        // The queue orders the plan by time, and inputs at the same instant in the order they
        // were drawn; one at the same instant as an event goes first.
        for c in plan {
            self.schedule_engine(c.at_ms, PendingAction::Command(c.command));
        }
        for (at_ms, key) in cancels {
            self.schedule_engine(at_ms, PendingAction::CancelByKey(key));
        }
    }
}

impl ChaosRun {
    /// Starts `orders` orders under chaos for `sim` from its current time: applies the
    /// fast-forward input, whose plan goes into the engine's queue.
    pub fn new(sim: &mut Sim, orders: u32) -> Result<ChaosRun, ChaosRefusal> {
        if !(1..=MAX_ORDERS).contains(&orders) {
            return Err(ChaosRefusal::OrdersOutOfRange);
        }
        let s = shape(sim, orders);
        let planned = plan(sim.seed() ^ s.start_ms.rotate_left(32), s.start_ms, s.spacing_ms, orders, sim);
        let room = (sim.config().limits.scheduled_commands as usize).saturating_sub(sim.scheduled_commands());
        if planned.0.len() + planned.1.len() > room {
            return Err(ChaosRefusal::ScheduleFull);
        }
        let at_start = Baseline { stats: sim.stats(), violations: sim.violations_total(), metrics: sim.metrics() };
        sim.apply(Command::FastForward { orders });
        Ok(ChaosRun {
            orders,
            start_ms: s.start_ms,
            first_order_at_ms: s.start_ms + 2,
            spacing_ms: s.spacing_ms,
            heal_at_ms: s.heal_at_ms,
            deadline_ms: s.heal_at_ms + CONVERGENCE_BOUND_MS,
            at_start,
            outcome: None,
        })
    }

    /// Runs at most `max_steps` engine steps and says where the fast-forward stands. Once
    /// done, further calls do nothing and report the outcome.
    pub fn run(&mut self, sim: &mut Sim, max_steps: u32) -> ChaosProgress {
        for _ in 0..max_steps {
            if self.outcome.is_some() {
                break;
            }
            let due = sim.next_due_ms();
            let settled = sim.is_quiet() && sim.scheduled_commands() == 0;
            match due {
                Some(due) if !settled && due <= self.deadline_ms => {
                    sim.step();
                }
                // Settled, out of time, or stuck with nothing left to happen (an operator's turn).
                _ => self.finish(sim, settled),
            }
        }
        match self.outcome {
            Some(outcome) => ChaosProgress::Done(outcome),
            None => {
                let now = sim.now_ms();
                let placed = match now.checked_sub(self.first_order_at_ms) {
                    Some(since) => (since / self.spacing_ms + 1).min(u64::from(self.orders)) as u32,
                    None => 0,
                };
                ChaosProgress::Running { placed, healed: now >= self.heal_at_ms }
            }
        }
    }

    fn finish(&mut self, sim: &Sim, settled: bool) {
        let (stats, metrics) = (sim.stats(), sim.metrics());
        let Baseline { stats: s0, violations: violations0, metrics: m0 } = &self.at_start;
        self.outcome = Some(ChaosOutcome {
            orders: self.orders,
            accepted: stats.orders_accepted - s0.orders_accepted,
            confirmed: metrics.confirmed.saturating_sub(m0.confirmed),
            cancelled: metrics.cancelled.saturating_sub(m0.cancelled),
            pending: metrics.pending,
            events: stats.handled - s0.handled,
            steps: stats.steps - s0.steps,
            virtual_ms: sim.now_ms() - self.start_ms,
            healed_at_ms: self.heal_at_ms,
            settled_at_ms: settled.then(|| sim.now_ms()),
            consistent: sim.consistent(),
            violations: sim.violations_total() - violations0,
        });
    }
}

/// Draws the plan: weather on, then per block a restock (one product may run out), maybe a
/// crash and a cut, the orders, and finally `HealAll`, last; and apart, in time order, the
/// client's cancels of some orders, by key.
#[cfg_attr(saga_size, optimize(size))]
fn plan(
    seed: u64,
    start_ms: u64,
    spacing_ms: u64,
    orders: u32,
    sim: &Sim,
) -> (Vec<TimedCommand>, Vec<(u64, IdempotencyKey)>) {
    let mut r = SimRng::new(seed ^ 0x4348_414f_535f_5255);
    let nodes = sim.nodes_in_play();
    let products = sim.config().products.len().max(1) as u64;
    // Enough stock for a block's orders (1 to 3 units each) and a fifth more.
    let block_units = (u64::from(BLOCK_ORDERS) * 2 * 6 / 5 / products) as i64;
    let heal_at_ms = start_ms + 2 + u64::from(orders) * spacing_ms + HEAL_AFTER_LAST_ORDER_MS;
    let mut commands = Vec::with_capacity(orders as usize * 12 / 10 + 64);
    let mut push = |at_ms: u64, command: Command| {
        if at_ms < heal_at_ms {
            commands.push(TimedCommand { at_ms, command });
        }
    };
    let t0 = start_ms + 1;
    push(t0, Command::Fault(Fault::SetLinkFaults { service: None, faults: WEATHER }));
    let block_ms = u64::from(BLOCK_ORDERS) * spacing_ms;
    for block in 0..orders.div_ceil(BLOCK_ORDERS) {
        let at = t0 + u64::from(block) * block_ms;
        let short = r.chance(Chance::from_probability(0.5)).then(|| r.in_range(0, products - 1));
        for p in 0..products {
            let stock = if short == Some(p) { 0 } else { block_units };
            push(at, Command::SetStock { product: ProductId(p as u16), stock });
        }
        let node = |r: &mut SimRng| nodes[r.in_range(0, nodes.len() as u64 - 1) as usize];
        if r.chance(Chance::from_probability(0.5)) {
            let (service, down) = (node(&mut r), at + r.in_range(0, block_ms));
            push(down, Command::Fault(Fault::Crash { service }));
            push(down + r.in_range(300, 3_000), Command::Fault(Fault::Restart { service }));
        }
        if r.chance(Chance::from_probability(0.5)) {
            let (service, cut) = (node(&mut r), at + r.in_range(0, block_ms));
            push(cut, Command::Fault(Fault::Partition { service }));
            push(cut + r.in_range(300, 3_000), Command::Fault(Fault::Heal { service }));
        }
    }
    let cancel = Chance::from_probability(CANCEL_PROBABILITY);
    let mut cancels = Vec::with_capacity(orders as usize / 8);
    let key_base = CHAOS_KEY_BASE | (start_ms & ((1 << 48) - 1)) << 14;
    for i in 0..orders {
        let at = t0 + 1 + u64::from(i) * spacing_ms;
        let product = ProductId(r.in_range(0, products - 1) as u16);
        let quantity = r.in_range(1, 3) as u32;
        let key = IdempotencyKey(key_base | u64::from(i));
        push(at, Command::PlaceOrder { product, quantity, idempotency_key: Some(key) });
        if r.chance(cancel) {
            cancels.push((at + CANCEL_AFTER_MS, key));
        }
    }
    commands.push(TimedCommand { at_ms: heal_at_ms, command: Command::Fault(Fault::HealAll) });
    (commands, cancels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SimConfig;
    use crate::protocol::Protocol;

    fn finish(sim: &mut Sim, run: &mut ChaosRun, slice: u32) -> ChaosOutcome {
        for _ in 0..10_000_000 {
            if let ChaosProgress::Done(o) = run.run(sim, slice) {
                return o;
            }
            sim.drain_trace();
        }
        panic!("the fast-forward did not end");
    }

    #[test]
    fn the_number_of_orders_is_bounded() {
        let mut sim = Sim::new(SimConfig::default(), 1);
        assert_eq!(ChaosRun::new(&mut sim, 0).err(), Some(ChaosRefusal::OrdersOutOfRange));
        assert_eq!(ChaosRun::new(&mut sim, MAX_ORDERS + 1).err(), Some(ChaosRefusal::OrdersOutOfRange));
        assert_eq!(sim.scheduled_commands(), 0, "a refused plan leaves nothing behind");
        assert!(ChaosRun::new(&mut sim, MAX_ORDERS).is_ok());
        let mut small = SimConfig::default();
        small.limits.scheduled_commands = 100;
        let mut sim = Sim::new(small, 1);
        assert_eq!(ChaosRun::new(&mut sim, 1_000).err(), Some(ChaosRefusal::ScheduleFull));
        assert_eq!(sim.scheduled_commands(), 0);
    }

    #[test]
    fn every_protocol_settles_consistent_after_the_chaos() {
        for protocol in Protocol::ALL {
            let mut sim = Sim::new(SimConfig { protocol, ..SimConfig::default() }, 7);
            let mut run = ChaosRun::new(&mut sim, 2_000).unwrap();
            let o = finish(&mut sim, &mut run, 5_000);
            assert!(o.settled_at_ms.is_some(), "{protocol:?} settled: {o:?}");
            assert!(o.consistent && o.violations == 0, "{protocol:?}: {o:?}");
            assert_eq!(o.accepted, 2_000, "{protocol:?}");
            assert_eq!((o.confirmed + o.cancelled, o.pending), (2_000, 0), "{protocol:?}: every order final");
            // 2PC commits one participant at a time while its rows stay locked (seed 001), so
            // under this load more prepares give up waiting for a lock and abort.
            let confirmed_at_least = if protocol == Protocol::TwoPc { 500 } else { 1_000 };
            assert!(o.confirmed > confirmed_at_least && o.cancelled > 100, "{protocol:?}: {o:?}");
            assert!(o.events > 2_000 && o.healed_at_ms <= o.settled_at_ms.unwrap());
        }
    }

    #[test]
    fn archiving_keeps_memory_bounded_and_changes_no_outcome() {
        let run = |kept: u32| {
            let mut config = SimConfig::default();
            config.limits.orders_kept = kept;
            let mut sim = Sim::new(config, 9);
            let mut run = ChaosRun::new(&mut sim, 3_000).unwrap();
            let mut most_kept = 0;
            let o = loop {
                if let ChaosProgress::Done(o) = run.run(&mut sim, 500) {
                    break o;
                }
                most_kept = most_kept.max(sim.order.orders.len());
                sim.drain_trace();
            };
            (o, sim.metrics(), most_kept, sim.trace_hash())
        };
        let (archived, archived_metrics, most_kept, archived_hash) = run(200);
        let (kept, kept_metrics, _, kept_hash) = run(1_000_000);
        assert!(most_kept <= 200 + 200 / 8 + 40, "the bound, an eighth, and the orders still open: {most_kept}");
        assert_eq!(archived, kept, "the same fast-forward, with or without archiving");
        assert_eq!(archived_metrics, kept_metrics, "the same figures from totals as from rows");
        assert_eq!(archived_hash, kept_hash, "the same trace: no late message met an archived order");
    }

    #[test]
    fn every_protocol_settles_with_a_small_archive_and_leaves_no_lock_behind() {
        for protocol in Protocol::ALL {
            let mut config = SimConfig { protocol, ..SimConfig::default() };
            (config.limits.orders_kept, config.limits.archive_after_ms) = (50, 0);
            let mut sim = Sim::new(config, 12);
            let mut run = ChaosRun::new(&mut sim, 1_500).unwrap();
            let o = finish(&mut sim, &mut run, 5_000);
            assert!(o.settled_at_ms.is_some() && o.consistent && o.violations == 0, "{protocol:?}: {o:?}");
            assert_eq!(u64::from(o.confirmed + o.cancelled), o.accepted, "{protocol:?}");
            assert!(sim.product.locks.iter().all(Option::is_none), "{protocol:?}: a row lock left held");
            assert!(sim.order.orders.len() <= 50 + 50 / 8 + 10, "{protocol:?}: {}", sim.order.orders.len());
        }
    }

    #[test]
    fn the_client_cancels_the_orders_it_meant_even_after_rejections() {
        // Order crashes in some blocks, so some placements are rejected and later ids shift;
        // cancels go by key, so each still reaches the order it meant.
        let (sim, o) = (0..40)
            .map(|seed| {
                let mut sim = Sim::new(SimConfig::default(), seed);
                let mut run = ChaosRun::new(&mut sim, 2_000).unwrap();
                let o = finish(&mut sim, &mut run, 5_000);
                (sim, o)
            })
            .find(|(_, o)| o.accepted < 2_000)
            .expect("some seed crashes Order while orders come");
        assert!(o.consistent && o.violations == 0, "{o:?}");
        let user_cancels = sim
            .order
            .orders
            .iter()
            .filter(|r| r.status == crate::OrderStatus::Cancelled(crate::CancelReason::UserRequest))
            .count();
        assert!(user_cancels * 100 >= 2_000 * 5, "about a tenth cancelled by the client: {user_cancels}");
    }

    #[test]
    fn slicing_does_not_change_the_run() {
        let outcome = |slice: u32| {
            let mut sim = Sim::new(SimConfig::default(), 3);
            sim.apply(Command::PlaceOrder { product: ProductId(0), quantity: 1, idempotency_key: None });
            sim.advance_until(1_234);
            let mut run = ChaosRun::new(&mut sim, 700).unwrap();
            let o = finish(&mut sim, &mut run, slice);
            (o, sim.trace_hash(), sim.now_ms())
        };
        let whole = outcome(u32::MAX);
        for slice in [1, 7, 100, 4_096] {
            assert_eq!(outcome(slice), whole, "slices of {slice} steps");
        }
    }

    #[test]
    fn the_plan_holds_the_chaos_it_promises() {
        let sim = Sim::new(SimConfig::default(), 11);
        let (plan, cancels) = plan(11, 0, 180, 5_000, &sim);
        let count = |f: &dyn Fn(&Command) -> bool| plan.iter().filter(|c| f(&c.command)).count();
        assert_eq!(count(&|c| matches!(c, Command::PlaceOrder { .. })), 5_000);
        assert!(cancels.len() > 300 && cancels.windows(2).all(|w| w[0].0 <= w[1].0), "cancels, in time order");
        assert!(count(&|c| matches!(c, Command::Fault(Fault::Crash { .. }))) >= 1);
        assert!(count(&|c| matches!(c, Command::Fault(Fault::Partition { .. }))) >= 1);
        let heal_at = plan.last().map(|c| c.at_ms).unwrap();
        assert!(plan.iter().all(|c| c.at_ms <= heal_at), "the heal comes last");
        assert!(matches!(plan.last().map(|c| c.command), Some(Command::Fault(Fault::HealAll))));
        let runs_out = |seed| {
            super::plan(seed, 0, 180, 1_000, &sim)
                .0
                .iter()
                .any(|c| matches!(c.command, Command::SetStock { stock: 0, .. }))
        };
        assert!((0..10).filter(|&seed| runs_out(seed)).count() >= 5, "a product often runs out");
    }

    #[test]
    fn an_operator_protocol_that_gets_stuck_ends_and_says_so() {
        // TCC with an operator alert: a stuck order waits for a person, so the fast-forward
        // stops when nothing is left to happen, and reports that it did not settle.
        let mut config = SimConfig { protocol: Protocol::Tcc, ..SimConfig::default() };
        config.two_phase.strategy = crate::config::StuckStrategy::OperatorAlert;
        let found = (0..40).any(|seed| {
            let mut sim = Sim::new(config.clone(), seed);
            let mut run = ChaosRun::new(&mut sim, 1_000).unwrap();
            let o = finish(&mut sim, &mut run, 10_000);
            o.settled_at_ms.is_none() && !sim.alerts().is_empty()
        });
        assert!(found, "some seed leaves an order for the operator");
    }
}
