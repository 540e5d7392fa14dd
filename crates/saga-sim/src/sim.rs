//! The engine: the world, the bus, the network and the clock, driven by the caller.
//!
//! Sans-IO in the style of quinn-proto: the caller constructs a `Sim` from a config and a seed,
//! applies commands, advances virtual time (`step`, `advance_until`), asks when the next thing
//! is due, reads a `View`, and drains the trace. Nothing here reads a clock, the OS or the
//! network, so the same seed, config and commands give the same trace everywhere.

use crate::bus::BusLog;
use crate::checker::{Checker, Violation};
use crate::command::{Command, DecisionTrap, Fault};
use crate::config::{
    DeliverySemantics, LinkFaults, MAX_STOCK, PlacementMode, PublishMode, SimConfig, StuckStrategy, sanitize_faults,
};
use crate::consumer::{Consumer, DuplicateSeen, InHand, ProcessedTable};
use crate::ids::{IdempotencyKey, MessageId, Offset, OrderId, ProductId, RequestId, ServiceId};
use crate::message::{EventType, Message};
use crate::outbox::{BatchInFlight, Outbox};
use crate::outcome::Outcome;
use crate::protocol::Protocol;
use crate::rng::{Chance, SimRng};
use crate::services::Ctx;
use crate::services::coordinator::{CoordEffect, Coordinator};
use crate::services::delivery::DeliveryService;
use crate::services::order::{OrderService, PlaceRequest, Rejection, Reply};
use crate::services::product::ProductService;
use crate::stable_hash::StableHasher;
use crate::trace::{LossCause, Lost, Refusal, TraceEvent, TraceRecord};
use command_link::RpcWire;
pub use dead_letters::DeadLetterEntry;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
#[cfg(feature = "trace-hash")]
use std::hash::Hash;
use std::hash::Hasher;

mod archive;
mod command_link;
mod dead_letters;
mod dual_write;
mod two_phase;

/// Emitted messages a handler may add to an outbox beyond its capacity (a handler emits at most
/// two), so the capacity check happens before the handler runs.
const OUTBOX_HEADROOM: usize = 2;
/// Client replies kept for the view.
const REPLIES_KEPT: usize = 64;
/// The latest virtual time the engine runs to: about 35,000 years, far below where adding a
/// delay to it could overflow.
pub const MAX_VIRTUAL_MS: u64 = 1 << 50;
/// Engine-chosen idempotency keys start here, far from keys a user or scenario picks.
const ENGINE_KEY_BASE: u64 = 1 << 62;

/// A service's runtime: what the engine knows about it besides its tables.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub up: bool,
    pub partitioned: bool,
    /// Bumped on every crash so timers from before the crash are recognised as stale.
    pub epoch: u32,
    pub faults: LinkFaults,
    pub chances: Chances,
    pub handle_ms: u64,
    pub consumer: Consumer,
    pub outbox: Outbox,
    pub outbox_full_reported: bool,
    /// A commit timer is pending (memory).
    pub commit_scheduled: bool,
    /// Dual write: events of committed local transactions not yet published (memory: a crash
    /// loses them).
    pub unpublished: Vec<Message>,
    /// The error switch: its handler fails on every message it acts on.
    pub failing: bool,
}

/// Publish first: a service's tables before a step, for a failed commit to roll back to.
#[derive(Clone, Debug)]
struct Rollback {
    product: Option<ProductService>,
    delivery: Option<DeliveryService>,
    processed: ProcessedTable,
    handled_until: Offset,
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Chances {
    drop: Chance,
    duplicate: Chance,
    delay: Chance,
    reorder: Chance,
}

impl Chances {
    fn of(f: &LinkFaults) -> Chances {
        Chances {
            drop: Chance::from_probability(f.drop_probability),
            duplicate: Chance::from_probability(f.duplicate_probability),
            delay: Chance::from_probability(f.delay_probability),
            reorder: Chance::from_probability(f.reorder_probability),
        }
    }
}

/// A produce batch on its way to the bus.
#[derive(Clone, Debug)]
pub(crate) struct Packet {
    pub service: ServiceId,
    pub batch: u64,
    pub messages: Vec<Message>,
    pub sent_at_ms: u64,
    pub arrives_at_ms: u64,
}

/// Something due at a virtual time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimerKind {
    ProduceArrive {
        packet: u32,
    },
    AckArrive {
        service: ServiceId,
        batch: u64,
        epoch: u32,
        sent_at_ms: u64,
    },
    BatchTimeout {
        service: ServiceId,
        batch: u64,
        epoch: u32,
    },
    HandleDone {
        service: ServiceId,
        epoch: u32,
        offset: Offset,
    },
    CommitArrive {
        service: ServiceId,
        offset: Offset,
        sent_at_ms: u64,
    },
    CommitCheck {
        service: ServiceId,
        epoch: u32,
    },
    /// A command reaches its participant (the wire is in `rpc_wires`).
    RpcArrive {
        wire: u32,
    },
    /// The participant finished handling it.
    RpcHandled {
        wire: u32,
    },
    /// The answer reaches the coordinator.
    RpcReplyArrive {
        wire: u32,
    },
    /// The coordinator's wait for an answer ran out.
    RpcTimeout {
        request: RequestId,
        epoch: u32,
    },
    /// The coordinator's retry and registry scheduler.
    CoordWake {
        epoch: u32,
    },
    /// A TCC participant's sweeper looks for stale reservations.
    Sweep {
        service: ServiceId,
        epoch: u32,
    },
    /// Dual write: the separate publishing step after a local transaction committed.
    DualPublish {
        service: ServiceId,
        epoch: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timer {
    pub at_ms: u64,
    pub seq: u64,
    pub kind: TimerKind,
}

impl Ord for Timer {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at_ms, self.seq).cmp(&(other.at_ms, other.seq))
    }
}
impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Scheduled {
    pub at_ms: u64,
    pub seq: u64,
    pub command: Command,
}
impl Eq for Scheduled {}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at_ms, self.seq).cmp(&(other.at_ms, other.seq))
    }
}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Running totals, for benchmarks and the view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// Records handled by consumers (an "event" for throughput figures).
    pub handled: u64,
    /// Messages written to outboxes.
    pub emitted: u64,
    /// Records appended to the log, copies included.
    pub appended: u64,
    /// Appended records that were copies of an earlier one.
    pub copies: u64,
    /// Packets lost on links.
    pub lost: u64,
    /// Orders accepted.
    pub orders_accepted: u64,
    /// Requests Order refused.
    pub requests_rejected: u64,
    /// Resubmitted requests recognised by their idempotency key.
    pub duplicates_recognised: u64,
    /// Timers and commands processed.
    pub steps: u64,
    /// Commands sent over the coordinator's and sweepers' links, retries included.
    pub rpcs_sent: u64,
    /// Decisions an operator made by hand.
    pub operator_actions: u64,
}

/// Nothing is due: the simulation is waiting for a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepResult {
    /// One timer or scheduled command was processed at this time.
    Stepped {
        /// Virtual time of the step.
        at_ms: u64,
    },
    /// Nothing is scheduled.
    Idle,
}

/// Dual write: how long after a local transaction commits its events are published, the window
/// in which a crash loses them.
pub const DUAL_WRITE_GAP_MS: u64 = 30;

/// Keys the flaky client remembers while it waits for their answers.
const RESUBMISSIONS_KEPT: usize = 256;
/// Emptied message vectors kept for reuse.
const SPARE_VECS_KEPT: usize = 64;

/// Poison message ids remembered.
const POISON_KEPT: usize = 64;

/// How long a flaky client waits for an answer before sending its request again.
pub const CLIENT_RETRY_MS: u64 = 400;

/// The simulation.
#[derive(Clone, Debug)]
pub struct Sim {
    pub(crate) config: SimConfig,
    pub(crate) seed: u64,
    rng: SimRng,
    pub(crate) now_ms: u64,
    seq: u64,
    pub(crate) timers: BinaryHeap<Reverse<Timer>>,
    pub(crate) schedule: BinaryHeap<Reverse<Scheduled>>,
    pub(crate) log: BusLog,
    recent_ids: ProcessedTable,
    pub(crate) nodes: [Node; 4],
    pub(crate) order: OrderService,
    pub(crate) product: ProductService,
    pub(crate) delivery: DeliveryService,
    pub(crate) coordinator: Coordinator,
    pub(crate) rpc_wires: Vec<Option<RpcWire>>,
    free_rpc_wires: Vec<u32>,
    pub(crate) rpc_live: u32,
    next_request: u64,
    coord_wake_at: Option<u64>,
    coord_effects: Vec<CoordEffect>,
    pub(crate) checker: Checker,
    pub(crate) packets: Vec<Option<Packet>>,
    free_packets: Vec<u32>,
    spare_vecs: Vec<Vec<Message>>,
    pub(crate) live_packets: u32,
    pub(crate) acks_in_flight: u32,
    pub(crate) commits_in_flight: u32,
    next_message_id: u64,
    next_batch: u64,
    next_key: u64,
    pub(crate) placement: PlacementMode,
    /// Whether the client's network loses Order's answers (and the client resubmits).
    pub(crate) flaky_client: bool,
    trace: VecDeque<TraceRecord>,
    trace_discarded: u64,
    hasher: StableHasher,
    touched_orders: Vec<OrderId>,
    touched_products: Vec<ProductId>,
    emitted: Vec<Message>,
    news: Vec<Violation>,
    pub(crate) replies: VecDeque<(u64, Reply)>,
    /// Placements Order refused, newest last (at most `REPLIES_KEPT`).
    pub(crate) refused_orders: VecDeque<crate::services::order::RefusedOrder>,
    pub(crate) stats: Stats,
    /// 2PC prepares waiting for a locked product row, per product (wire ids, oldest first).
    pub(crate) lock_waiters: Vec<VecDeque<u32>>,
    /// A fault armed to fire at the coordinator's next decision.
    pub(crate) decision_trap: Option<DecisionTrap>,
    /// A service armed to crash after its next committing local transaction, and one whose
    /// crash is due at the end of this step.
    pub(crate) crash_after_commit: (Option<ServiceId>, Option<ServiceId>),
    /// Publish first: the armed service's tables before its local transaction, to roll back to.
    rollback: Option<Box<Rollback>>,
    /// Publish first: the service whose commit failed in this step, if any.
    rolled_back: Option<ServiceId>,
    /// Messages every handler fails on (the most recent `POISON_KEPT`), and a producer whose
    /// next event will be one.
    pub(crate) poison: (VecDeque<MessageId>, Option<ServiceId>),
    /// The dead-letter queue, oldest first (bounded by `limits.dead_letters`).
    pub(crate) dead_letters: VecDeque<DeadLetterEntry>,
    /// Keys of requests the flaky client is still waiting to hear about (bounded).
    pub(crate) resubmitting: VecDeque<IdempotencyKey>,
}

impl Sim {
    /// A new world at t=0. An out-of-range config value is clamped, never a panic; use
    /// `SimConfig::problems` first to tell the user.
    pub fn new(config: SimConfig, seed: u64) -> Sim {
        let config = config.sanitized();
        let initial: Vec<i64> = config.products.iter().map(|p| p.initial_stock).collect();
        let limits = config.limits;
        let node = |_| Node {
            up: true,
            partitioned: false,
            epoch: 0,
            faults: config.link_faults,
            chances: Chances::of(&config.link_faults),
            handle_ms: config.handle_ms,
            consumer: Consumer {
                processed: ProcessedTable::new(limits.processed_table_capacity as usize),
                ..Consumer::default()
            },
            outbox: Outbox::default(),
            outbox_full_reported: false,
            commit_scheduled: false,
            unpublished: Vec::new(),
            failing: false,
        };
        let mut sim = Sim {
            rng: SimRng::new(seed),
            seed,
            now_ms: 0,
            seq: 0,
            timers: BinaryHeap::new(),
            schedule: BinaryHeap::new(),
            log: BusLog::new(limits.log_retention_records as usize),
            recent_ids: ProcessedTable::new(limits.log_retention_records as usize),
            nodes: std::array::from_fn(node),
            order: OrderService::new(&initial),
            product: ProductService { restock_rule: config.restock_rule, ..ProductService::new(&initial) },
            delivery: DeliveryService::default(),
            coordinator: Coordinator::new(config.protocol, config.two_phase),
            rpc_wires: Vec::new(),
            free_rpc_wires: Vec::new(),
            rpc_live: 0,
            next_request: 0,
            coord_wake_at: None,
            coord_effects: Vec::new(),
            checker: Checker::new(&initial, limits.checker_history as usize),
            packets: Vec::new(),
            free_packets: Vec::new(),
            spare_vecs: Vec::new(),
            live_packets: 0,
            acks_in_flight: 0,
            commits_in_flight: 0,
            next_message_id: 0,
            next_batch: 0,
            next_key: ENGINE_KEY_BASE,
            placement: config.placement,
            flaky_client: false,
            trace: VecDeque::new(),
            trace_discarded: 0,
            hasher: StableHasher::default(),
            touched_orders: Vec::new(),
            touched_products: Vec::new(),
            emitted: Vec::new(),
            news: Vec::new(),
            replies: VecDeque::new(),
            refused_orders: VecDeque::new(),
            stats: Stats::default(),
            lock_waiters: vec![VecDeque::new(); initial.len()],
            decision_trap: None,
            crash_after_commit: (None, None),
            rollback: None,
            rolled_back: None,
            poison: (VecDeque::new(), None),
            dead_letters: VecDeque::new(),
            resubmitting: VecDeque::new(),
            config,
        };
        for service in [ServiceId::Product, ServiceId::Delivery] {
            sim.arm_sweeper(service);
        }
        sim
    }

    /// Whether TCC participants sweep their own stale reservations in this run.
    fn sweeping(&self) -> bool {
        self.config.protocol == Protocol::Tcc && self.config.two_phase.strategy == StuckStrategy::ParticipantSweep
    }

    fn arm_sweeper(&mut self, service: ServiceId) {
        if self.sweeping() && matches!(service, ServiceId::Product | ServiceId::Delivery) {
            let epoch = self.nodes[service.index()].epoch;
            self.at(
                self.now_ms.saturating_add(self.config.two_phase.sweep_interval_ms),
                TimerKind::Sweep { service, epoch },
            );
        }
    }

    /// The nodes that take part in this run's protocol.
    pub fn nodes_in_play(&self) -> &'static [ServiceId] {
        if self.config.protocol.has_coordinator() { &ServiceId::NODES } else { &ServiceId::ALL }
    }

    /// The protocol in force.
    pub fn protocol(&self) -> Protocol {
        self.config.protocol
    }

    /// The configuration in force (after clamping).
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Virtual time now.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// Running totals.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// When the next timer or scheduled command is due, if anything is.
    pub fn next_due_ms(&self) -> Option<u64> {
        let t = self.timers.peek().map(|r| r.0.at_ms);
        let s = self.schedule.peek().map(|r| r.0.at_ms);
        match (t, s) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// A hash of every trace event so far: equal hashes mean identical runs. Without the
    /// `trace-hash` feature (the browser app's build) nothing is hashed and this stays constant.
    pub fn trace_hash(&self) -> u64 {
        fmix64(self.hasher.finish())
    }

    /// Moves the trace events recorded since the last drain into `out`. If the buffer overflowed
    /// in between, the first event says how many were discarded.
    pub fn drain_trace_into(&mut self, out: &mut Vec<TraceRecord>) {
        if self.trace_discarded > 0 {
            let at_ms = self.trace.front().map_or(self.now_ms, |r| r.at_ms);
            out.push(TraceRecord { at_ms, event: TraceEvent::TraceOverflow { discarded: self.trace_discarded } });
            self.trace_discarded = 0;
        }
        out.extend(self.trace.drain(..));
    }

    /// The trace events recorded since the last drain.
    pub fn drain_trace(&mut self) -> Vec<TraceRecord> {
        let mut out = Vec::with_capacity(self.trace.len());
        self.drain_trace_into(&mut out);
        out
    }

    /// Applies a command now.
    pub fn apply(&mut self, command: Command) {
        self.apply_command(command);
        self.end_step();
    }

    /// Schedules a command at a virtual time. Returns false (and traces why) when refused.
    pub fn schedule(&mut self, at_ms: u64, command: Command) -> bool {
        let reason = if at_ms < self.now_ms {
            Some(Refusal::InThePast)
        } else if at_ms > MAX_VIRTUAL_MS {
            Some(Refusal::TooFarAhead)
        } else if self.schedule.len() >= self.config.limits.scheduled_commands as usize {
            Some(Refusal::ScheduleFull)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.record(TraceEvent::Refused { reason });
            return false;
        }
        let seq = self.next_seq();
        self.schedule.push(Reverse(Scheduled { at_ms, seq, command }));
        true
    }

    /// Processes the next due timer or scheduled command, advancing time to it.
    pub fn step(&mut self) -> StepResult {
        let timer_at = self.timers.peek().map(|r| r.0.at_ms);
        let sched_at = self.schedule.peek().map(|r| r.0.at_ms);
        // A command scheduled for the same instant as a timer goes first: the user acts "at t"
        // before the world reacts at t.
        let take_command = match (sched_at, timer_at) {
            (Some(s), Some(t)) => s <= t,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return StepResult::Idle,
        };
        if take_command {
            let Some(Reverse(s)) = self.schedule.pop() else { return StepResult::Idle };
            self.now_ms = self.now_ms.max(s.at_ms);
            self.apply_command(s.command);
        } else {
            let Some(Reverse(t)) = self.timers.pop() else { return StepResult::Idle };
            self.now_ms = self.now_ms.max(t.at_ms);
            self.fire(t.kind);
        }
        self.stats.steps += 1;
        self.end_step();
        StepResult::Stepped { at_ms: self.now_ms }
    }

    /// Processes everything due up to and including `t_ms`, then sets the clock to `t_ms`.
    pub fn advance_until(&mut self, t_ms: u64) {
        let t_ms = t_ms.min(MAX_VIRTUAL_MS);
        while let Some(due) = self.next_due_ms() {
            if due > t_ms {
                break;
            }
            self.step();
        }
        if t_ms > self.now_ms {
            self.now_ms = t_ms;
            // Windows and "since" times are measured in virtual time, so the checker sees the
            // clock move even when nothing happened.
            self.end_step();
        }
    }

    /// Steps until the system is quiet and nothing is scheduled, or until `deadline_ms`.
    /// Returns whether it became quiet.
    pub fn run_until_quiet(&mut self, deadline_ms: u64) -> bool {
        loop {
            if self.is_quiet() && self.schedule.is_empty() {
                return true;
            }
            match self.next_due_ms() {
                Some(due) if due <= deadline_ms => {
                    self.step();
                }
                _ => {
                    self.advance_until(deadline_ms.max(self.now_ms));
                    return self.is_quiet() && self.schedule.is_empty();
                }
            }
        }
    }

    /// Commands waiting in the schedule (a user's, a scenario's or a fast-forward's).
    pub fn scheduled_commands(&self) -> usize {
        self.schedule.len()
    }

    /// Whether nothing is in flight, no consumer lags and every outbox is empty.
    pub fn is_quiet(&self) -> bool {
        self.nothing_in_flight()
            && self.lag_zero()
            && self.coordinator.registry.is_empty()
            && self.dead_letters.is_empty()
    }

    /// Whether a sweeper still has a reservation to settle (only when participants sweep: then
    /// an open reservation is work in progress, not yet a dangling one).
    fn sweep_pending(&self) -> bool {
        self.sweeping() && (self.delivery.held > 0 || self.product.reserved.iter().any(|&r| r != 0))
    }

    fn nothing_in_flight(&self) -> bool {
        self.live_packets == 0
            && self.acks_in_flight == 0
            && self.commits_in_flight == 0
            && self.rpc_live == 0
            && self.nodes.iter().all(|n| n.outbox.rows.is_empty() && n.consumer.in_hand.is_none() && n.unpublished.is_empty())
            // Checked last: they cost a scan of the saga table and the deliveries.
            && (!self.config.protocol.has_coordinator() || self.coordinator.active() == 0)
            && !self.sweep_pending()
    }

    fn lag_zero(&self) -> bool {
        let end = self.log.end();
        self.nodes_in_play().iter().all(|s| {
            let c = &self.nodes[s.index()].consumer;
            c.committed >= end && c.position >= end
        })
    }

    /// TCC orders an operator has been alerted about, each with the decision the coordinator
    /// could not carry out.
    pub fn alerts(&self) -> Vec<(OrderId, bool)> {
        use crate::services::coordinator::TxPhase;
        let stuck = |t: &crate::services::coordinator::TxRow| match t.phase {
            TxPhase::Stuck { commit } if t.alerted => Some((t.order, commit)),
            _ => None,
        };
        self.coordinator.txs.iter().flatten().filter_map(stuck).collect()
    }

    /// Whether the checker finds every present-state invariant holding now.
    pub fn consistent(&self) -> bool {
        self.checker.consistent()
    }

    /// Violations found so far.
    pub fn violations_total(&self) -> u64 {
        self.checker.violations_total()
    }

    /// The most recent violations (bounded by `limits.checker_history`).
    pub fn recent_violations(&self) -> Vec<Violation> {
        self.checker.recent_violations().copied().collect()
    }

    /// Since when the checker's current verdict has held.
    pub fn verdict_since_ms(&self) -> u64 {
        self.checker.since_ms()
    }

    // ----- internals -----

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn at(&mut self, at_ms: u64, kind: TimerKind) {
        let at_ms = at_ms.min(MAX_VIRTUAL_MS.saturating_mul(2));
        let seq = self.next_seq();
        self.timers.push(Reverse(Timer { at_ms, seq, kind }));
    }

    pub(crate) fn record(&mut self, event: TraceEvent) {
        let rec = TraceRecord { at_ms: self.now_ms, event };
        #[cfg(feature = "trace-hash")]
        rec.hash(&mut self.hasher);
        if self.trace.len() >= self.config.limits.trace_buffer as usize {
            self.trace.pop_front();
            self.trace_discarded += 1;
        }
        self.trace.push_back(rec);
    }

    fn end_step(&mut self) {
        self.rollback = None;
        self.rolled_back = None;
        if let Some(service) = self.crash_after_commit.1.take() {
            let fault = Fault::Crash { service };
            self.record(TraceEvent::Command { command: Command::Fault(fault) });
            self.crash(service);
        }
        while let Some(o) = self.touched_orders.pop() {
            self.checker.touch_order(self.now_ms, o, &self.order, &self.product, &self.delivery);
        }
        while let Some(p) = self.touched_products.pop() {
            self.checker.touch_product(self.now_ms, p, &self.product);
        }
        self.archive_settled();
        let (nothing, lag) = (self.nothing_in_flight(), self.lag_zero());
        let (registry, dead) = (self.coordinator.registry.len(), self.dead_letters.len());
        self.checker.evaluate(
            self.now_ms,
            nothing && lag && registry == 0 && dead == 0,
            lag,
            nothing,
            (registry, dead),
        );
        let changed = self.checker.take_news(&mut self.news);
        for i in 0..self.news.len() {
            let violation = self.news[i];
            self.record(TraceEvent::Violation { violation });
        }
        self.news.clear();
        if let Some(consistent) = changed {
            self.record(TraceEvent::ConsistencyChanged { consistent });
        }
    }

    fn latency(&mut self) -> u64 {
        let r = self.config.latency_ms;
        self.rng.in_range(r.min_ms, r.max_ms)
    }

    /// Draws the fate of one packet on `service`'s link: lost, or its extra delay.
    fn transit(&mut self, service: ServiceId) -> Result<u64, LossCause> {
        let node = &self.nodes[service.index()];
        if node.partitioned {
            return Err(LossCause::Partitioned);
        }
        let (c, delay) = (node.chances, node.faults.delay_ms);
        if self.rng.chance(c.drop) {
            return Err(LossCause::Dropped);
        }
        let extra = if self.rng.chance(c.delay) { self.rng.in_range(delay.min_ms, delay.max_ms) } else { 0 };
        Ok(extra)
    }

    fn reply(&mut self, reply: Reply) {
        if self.replies.len() == REPLIES_KEPT {
            self.replies.pop_front();
        }
        self.replies.push_back((self.now_ms, reply));
        self.note_reply(reply);
        self.record(TraceEvent::Reply { reply });
    }

    /// Order's own side of an answer (what changed, what to count), whether or not the answer
    /// reaches the client.
    fn note_reply(&mut self, reply: Reply) {
        match reply {
            Reply::Accepted { order } => {
                self.stats.orders_accepted += 1;
                self.touched_orders.push(order);
            }
            Reply::Cancelled { order } => self.touched_orders.push(order),
            Reply::AlreadyPlaced { .. } => self.stats.duplicates_recognised += 1,
            Reply::Rejected { .. } => self.stats.requests_rejected += 1,
        }
    }

    /// Writes the messages a local transaction emitted into `service`'s outbox.
    fn commit_emitted(&mut self, service: ServiceId) {
        if self.emitted.is_empty() {
            return;
        }
        let mode = self.publish_mode(service);
        let first = self.emitted[0].id;
        let failing_commit = mode == PublishMode::PublishFirst && self.crash_after_commit.0 == Some(service);
        let phantoms: Vec<Option<OrderId>> =
            if failing_commit { self.emitted.iter().map(|m| m.event.order()).collect() } else { Vec::new() };
        for i in 0..self.emitted.len() {
            let message = self.emitted[i];
            if mode != PublishMode::Outbox {
                self.nodes[service.index()].unpublished.push(message);
            } else {
                self.nodes[service.index()].outbox.push(message);
            }
            self.stats.emitted += 1;
            self.record(TraceEvent::Emitted { message });
        }
        self.emitted.clear();
        if mode == PublishMode::DualWrite {
            // Publishing is a separate step after the commit: the window the seeds warn about.
            let epoch = self.nodes[service.index()].epoch;
            self.at(self.now_ms.saturating_add(DUAL_WRITE_GAP_MS), TimerKind::DualPublish { service, epoch });
        }
        if mode == PublishMode::PublishFirst {
            // The events leave before the commit; an armed crash then fails the commit.
            let sent = self.dual_publish(service, failing_commit);
            if failing_commit {
                self.roll_back(service, first, phantoms, sent);
            }
        }
        if self.poison.1 == Some(service) {
            self.poison.1 = None;
            if self.poison.0.len() == POISON_KEPT {
                self.poison.0.pop_front();
            }
            self.poison.0.push_back(first);
        }
        if self.crash_after_commit.0 == Some(service) {
            // The armed crash strikes after this commit and before any publishing.
            self.crash_after_commit = (None, Some(service));
        }
    }

    /// How `service` publishes (the coordinator always through its outbox).
    fn publish_mode(&self, service: ServiceId) -> PublishMode {
        self.config.publish.get(service.index()).copied().unwrap_or_default()
    }

    /// The start of `service`'s local transaction. Publish first, with the crash-after-commit
    /// fault armed there: remembers its tables, so the commit that fails can roll back to them.
    /// Taken only then, so an armed fault costs nothing on other steps.
    pub(crate) fn begin_local_tx(&mut self, service: ServiceId) {
        if self.crash_after_commit.0 != Some(service) || self.publish_mode(service) != PublishMode::PublishFirst {
            return;
        }
        let c = &self.nodes[service.index()].consumer;
        self.rollback = Some(Box::new(Rollback {
            product: (service == ServiceId::Product).then(|| self.product.clone()),
            delivery: (service == ServiceId::Delivery).then(|| self.delivery.clone()),
            processed: c.processed.clone(),
            handled_until: c.handled_until,
        }));
    }

    /// The commit after a publish fails: the tables go back to where they were, the events
    /// already sent stay sent, and the service crashes at the end of the step.
    fn roll_back(&mut self, service: ServiceId, first: MessageId, orders: Vec<Option<OrderId>>, sent: bool) {
        self.crash_after_commit = (None, Some(service));
        debug_assert!(
            self.rollback.is_some(),
            "every local transaction that publishes first begins with begin_local_tx"
        );
        let Some(r) = self.rollback.take() else { return };
        self.rolled_back = Some(service);
        let Rollback { product, delivery, processed, handled_until } = *r;
        if let Some(p) = product {
            self.product = p;
        }
        if let Some(d) = delivery {
            self.delivery = d;
        }
        let c = &mut self.nodes[service.index()].consumer;
        c.processed = processed;
        c.handled_until = handled_until;
        self.record(TraceEvent::RolledBack { service, first, messages: orders.len() as u32 });
        if !sent {
            // The events were lost on the way too: nobody heard of the change that never was.
            return;
        }
        for order in orders {
            self.touched_orders.extend(order);
            self.checker.phantom_event(self.now_ms, order, service);
        }
    }

    fn outbox_full(&self, service: ServiceId) -> bool {
        let cap = self.config.limits.outbox_capacity as usize;
        self.nodes[service.index()].outbox.rows.len() + OUTBOX_HEADROOM > cap
    }

    fn apply_command(&mut self, command: Command) {
        self.record(TraceEvent::Command { command });
        match command {
            Command::PlaceOrder { product, quantity, idempotency_key } => {
                self.place_order(product, quantity, idempotency_key)
            }
            Command::CancelOrder { order } => {
                let reply = if !self.nodes[0].up {
                    Reply::Rejected { reason: Rejection::OrderServiceDown }
                } else if self.outbox_full(ServiceId::Order) {
                    Reply::Rejected { reason: Rejection::OutboxFull }
                } else {
                    let mut ctx = Ctx {
                        now_ms: self.now_ms,
                        next_message_id: &mut self.next_message_id,
                        emitted: &mut self.emitted,
                    };
                    self.order.cancel(order, &mut ctx)
                };
                self.commit_emitted(ServiceId::Order);
                self.reply(reply);
                self.pump_relay(ServiceId::Order);
            }
            Command::CompleteDelivery { order } => {
                if !self.nodes[ServiceId::Delivery.index()].up {
                    self.record(TraceEvent::Refused { reason: Refusal::ServiceDown });
                    return;
                }
                let done = self.delivery.complete(order, self.now_ms);
                self.touched_orders.push(order);
                self.record(TraceEvent::DeliveryCompleted { order, done });
            }
            Command::SetStock { product, stock } => self.set_stock(product, stock),
            Command::SetPlacementMode { mode } => self.placement = mode,
            Command::Resolve { order, commit } => self.resolve_by_hand(order, commit),
            Command::SetFlakyClient { on } => self.flaky_client = on,
            Command::ReplayDeadLetter { service, message } => self.settle_dead_letter(service, message, true),
            Command::DiscardDeadLetter { service, message } => self.settle_dead_letter(service, message, false),
            Command::FixDeadLetter { service, message } => self.fix_dead_letter(service, message),
            Command::Fault(fault) => self.apply_fault(fault),
        }
    }

    /// Remembers a placement that was refused, for the orders table.
    fn refused(&mut self, product: ProductId, quantity: u32, reason: Rejection) {
        if self.refused_orders.len() == REPLIES_KEPT {
            self.refused_orders.pop_front();
        }
        let at_ms = self.now_ms;
        self.refused_orders.push_back(crate::services::order::RefusedOrder { at_ms, product, quantity, reason });
    }

    fn place_order(&mut self, product: ProductId, quantity: u32, key: Option<IdempotencyKey>) {
        if !self.nodes[0].up {
            self.refused(product, quantity, Rejection::OrderServiceDown);
            self.reply(Reply::Rejected { reason: Rejection::OrderServiceDown });
            if let Some(key) = key.filter(|k| self.resubmitting.contains(k)) {
                // A client still waiting for its lost answer tries again later.
                self.resubmit(key, product, quantity);
            }
            return;
        }
        let key = key.unwrap_or_else(|| {
            self.next_key += 1;
            IdempotencyKey(self.next_key)
        });
        let p = &self.nodes[ServiceId::Product.index()];
        let product_reachable = p.up && !p.partitioned && !self.nodes[0].partitioned;
        let reply = if self.outbox_full(ServiceId::Order) && !self.order.keys.contains_key(&key) {
            Reply::Rejected { reason: Rejection::OutboxFull }
        } else {
            let req = PlaceRequest {
                product,
                quantity,
                key,
                mode: self.placement,
                product_reachable,
                product_count: self.config.products.len(),
                max_orders: self.config.limits.max_orders,
            };
            let mut ctx =
                Ctx { now_ms: self.now_ms, next_message_id: &mut self.next_message_id, emitted: &mut self.emitted };
            self.order.place(req, &mut ctx)
        };
        self.commit_emitted(ServiceId::Order);
        if let Reply::Rejected { reason } = reply {
            self.refused(product, quantity, reason);
        }
        let resubmitted = self.resubmitting.contains(&key);
        match reply {
            Reply::Accepted { .. } if self.flaky_client => {
                // The order exists; only its answer is lost. The client tries again with the
                // same key, and Order must recognise it instead of making a second order.
                self.note_reply(reply);
                self.reply_lost(key, product, quantity);
            }
            // Order could not answer at all: a client waiting for its lost answer keeps trying.
            Reply::Rejected { reason: Rejection::OrderServiceDown | Rejection::OutboxFull } if resubmitted => {
                self.reply(reply);
                self.resubmit(key, product, quantity);
            }
            _ => {
                self.resubmitting.retain(|k| *k != key);
                self.reply(reply);
            }
        }
        self.pump_relay(ServiceId::Order);
    }

    fn reply_lost(&mut self, key: IdempotencyKey, product: ProductId, quantity: u32) {
        let resubmit_at_ms = self.now_ms.saturating_add(CLIENT_RETRY_MS);
        self.record(TraceEvent::ReplyLost { key, resubmit_at_ms });
        self.resubmit(key, product, quantity);
    }

    /// The flaky client sends its request again later, until it hears an answer for that key.
    fn resubmit(&mut self, key: IdempotencyKey, product: ProductId, quantity: u32) {
        if !self.resubmitting.contains(&key) {
            if self.resubmitting.len() == RESUBMISSIONS_KEPT {
                self.resubmitting.pop_front();
            }
            self.resubmitting.push_back(key);
        }
        let at = self.now_ms.saturating_add(CLIENT_RETRY_MS);
        self.schedule(at, Command::PlaceOrder { product, quantity, idempotency_key: Some(key) });
    }

    fn set_stock(&mut self, product: ProductId, stock: i64) {
        if usize::from(product.0) >= self.config.products.len() {
            self.record(TraceEvent::Refused { reason: Refusal::UnknownProduct });
            return;
        }
        if !(0..=MAX_STOCK).contains(&stock) {
            self.record(TraceEvent::Refused { reason: Refusal::BadStock });
            return;
        }
        if !self.nodes[ServiceId::Product.index()].up {
            self.record(TraceEvent::Refused { reason: Refusal::ServiceDown });
            return;
        }
        if self.outbox_full(ServiceId::Product) {
            self.record(TraceEvent::Refused { reason: Refusal::OutboxFull });
            return;
        }
        self.begin_local_tx(ServiceId::Product);
        let mut ctx =
            Ctx { now_ms: self.now_ms, next_message_id: &mut self.next_message_id, emitted: &mut self.emitted };
        let applied = self.product.set_stock(product, stock, &mut ctx).unwrap_or(stock);
        self.record(TraceEvent::StockSet { product, stock: applied });
        if applied != stock {
            self.record(TraceEvent::Refused { reason: Refusal::StockPromised });
        }
        self.commit_emitted(ServiceId::Product);
        self.touched_products.push(product);
        self.pump_relay(ServiceId::Product);
    }

    fn apply_fault(&mut self, fault: Fault) {
        if let Some(service) = fault.service()
            && !self.nodes_in_play().contains(&service)
        {
            // A node outside the protocol stays out of it: healing the coordinator's link under
            // choreography must not start a consumer that runs sagas nobody asked for.
            return self.record(TraceEvent::Refused { reason: Refusal::NotInPlay });
        }
        match fault {
            Fault::Crash { service } => self.crash(service),
            Fault::Restart { service } => self.restart(service),
            Fault::Partition { service } => self.nodes[service.index()].partitioned = true,
            Fault::Heal { service } => self.heal(service),
            Fault::SetLinkFaults { service, faults } => {
                let faults = sanitize_faults(faults);
                for s in ServiceId::NODES {
                    if service.is_none_or(|x| x == s) {
                        let n = &mut self.nodes[s.index()];
                        n.faults = faults;
                        n.chances = Chances::of(&faults);
                    }
                }
            }
            Fault::SetHandleTime { service, handle_ms } => {
                self.nodes[service.index()].handle_ms = handle_ms.min(crate::config::MAX_DURATION_MS);
            }
            Fault::AtNextDecision { then } => self.decision_trap = Some(then),
            Fault::CrashAfterCommit { service } => self.crash_after_commit = (Some(service), None),
            Fault::FailHandling { service, on } => self.nodes[service.index()].failing = on,
            Fault::PoisonNextEvent { service } => self.poison.1 = Some(service),
            Fault::HealAll => {
                self.decision_trap = None;
                self.crash_after_commit.0 = None;
                self.poison.1 = None;
                for n in &mut self.nodes {
                    n.failing = false;
                }
                for &s in self.nodes_in_play() {
                    let n = &mut self.nodes[s.index()];
                    n.faults = LinkFaults::NONE;
                    n.chances = Chances::default();
                    n.handle_ms = self.config.handle_ms;
                    // Links first, so a restarted relay's first batch is not sent into a cut.
                    self.heal(s);
                    self.restart(s);
                }
            }
        }
    }

    fn crash(&mut self, service: ServiceId) {
        let n = &mut self.nodes[service.index()];
        if !n.up {
            return;
        }
        n.up = false;
        n.epoch = n.epoch.wrapping_add(1);
        let in_hand = n.consumer.in_hand.take();
        let unpublished = std::mem::take(&mut n.unpublished);
        if let (DeliverySemantics::AtMostOnce, Some(h)) = (self.config.delivery, in_hand)
            && !h.redeliver
            && n.consumer.handled_until <= h.offset
            && let Some(record) = self.log.get(h.offset).copied()
            && interested(self.config.protocol, service, record.message.event.event_type())
        {
            // Its offset was committed before handling: after the restart the consumer starts
            // past it, and nothing will ever deliver it again.
            let message = record.message.id;
            self.touched_orders.extend(record.message.event.order());
            self.record(TraceEvent::RecordLost { service, offset: h.offset, message });
            self.checker.event_lost(self.now_ms, record.message.event.order(), service);
        }
        for m in unpublished {
            self.unpublished_lost(service, m);
        }
        let n = &mut self.nodes[service.index()];
        n.consumer.fetched_until = Offset(0);
        n.commit_scheduled = false;
        n.outbox.forget_in_flight();
        if service == ServiceId::Coordinator {
            self.coordinator.forget();
            self.coord_wake_at = None;
        }
        if service == ServiceId::Product {
            // The queue of waiting prepares is memory; the locks of prepared rows are durable.
            for p in 0..self.lock_waiters.len() {
                while let Some(id) = self.lock_waiters[p].pop_front() {
                    self.drop_wire(id);
                }
            }
            self.product.release_unprepared_locks(self.now_ms);
        }
    }

    fn restart(&mut self, service: ServiceId) {
        let n = &mut self.nodes[service.index()];
        if n.up {
            return;
        }
        n.up = true;
        let from = n.consumer.committed;
        let rereads = n.consumer.position.0.saturating_sub(from.0);
        n.consumer.position = from;
        n.outbox_full_reported = false;
        self.record(TraceEvent::ConsumerResumed { service, from, rereads });
        self.pump_relay(service);
        self.pump_consumer(service);
        self.arm_sweeper(service);
        if service == ServiceId::Coordinator && self.config.protocol.has_coordinator() {
            // The saga table survived; re-send each unfinished saga's current command.
            let mut fx = std::mem::take(&mut self.coord_effects);
            self.coordinator.resume(&self.config.orchestration, self.now_ms, &mut fx);
            self.run_coord_effects(&mut fx);
            self.coord_effects = fx;
        }
    }

    fn heal(&mut self, service: ServiceId) {
        let n = &mut self.nodes[service.index()];
        if !n.partitioned {
            return;
        }
        n.partitioned = false;
        self.send_commit(service);
        self.pump_relay(service);
        self.pump_consumer(service);
    }

    fn fire(&mut self, kind: TimerKind) {
        match kind {
            TimerKind::ProduceArrive { packet } => self.produce_arrive(packet),
            TimerKind::AckArrive { service, batch, epoch, .. } => {
                self.acks_in_flight -= 1;
                let n = &self.nodes[service.index()];
                let lost = if n.partitioned {
                    Some(LossCause::Partitioned)
                } else if !n.up || n.epoch != epoch {
                    Some(LossCause::ReceiverDown)
                } else {
                    None
                };
                if let Some(cause) = lost {
                    self.stats.lost += 1;
                    self.record(TraceEvent::Lost { service, what: Lost::Ack { batch }, cause });
                    return;
                }
                let rows = self.nodes[service.index()].outbox.ack(batch);
                self.record(TraceEvent::Acked { service, batch, rows });
                self.pump_relay(service);
                self.pump_consumer(service);
            }
            TimerKind::BatchTimeout { service, batch, epoch } => {
                let n = &mut self.nodes[service.index()];
                if n.epoch == epoch && n.up && n.outbox.time_out(batch) {
                    self.record(TraceEvent::AckTimeout { service, batch });
                    self.pump_relay(service);
                }
            }
            TimerKind::HandleDone { service, epoch, offset } => {
                let n = &mut self.nodes[service.index()];
                if n.epoch != epoch || !n.up {
                    return;
                }
                let Some(in_hand) = n.consumer.in_hand.take() else { return };
                if in_hand.offset != offset {
                    return;
                }
                self.handle(service, in_hand);
                self.pump_consumer(service);
                self.pump_relay(service);
            }
            TimerKind::CommitArrive { service, offset, .. } => {
                self.commits_in_flight -= 1;
                if self.nodes[service.index()].partitioned {
                    self.stats.lost += 1;
                    self.record(TraceEvent::Lost {
                        service,
                        what: Lost::Commit { offset },
                        cause: LossCause::Partitioned,
                    });
                    return;
                }
                let c = &mut self.nodes[service.index()].consumer;
                if offset > c.committed {
                    c.committed = offset;
                    self.record(TraceEvent::OffsetCommitted { service, offset });
                }
            }
            TimerKind::RpcArrive { wire } => self.rpc_arrive(wire),
            TimerKind::RpcHandled { wire } => self.rpc_handled(wire),
            TimerKind::RpcReplyArrive { wire } => self.rpc_reply_arrive(wire),
            TimerKind::RpcTimeout { request, epoch } => {
                let n = &self.nodes[ServiceId::Coordinator.index()];
                if n.up && n.epoch == epoch {
                    let mut fx = std::mem::take(&mut self.coord_effects);
                    self.coordinator.timed_out(request, &self.config.orchestration, self.now_ms, &mut fx);
                    self.run_coord_effects(&mut fx);
                    self.coord_effects = fx;
                }
            }
            TimerKind::CoordWake { epoch } => {
                let n = &self.nodes[ServiceId::Coordinator.index()];
                if n.up && n.epoch == epoch && self.coord_wake_at == Some(self.now_ms) {
                    self.coord_wake_at = None;
                    let mut fx = std::mem::take(&mut self.coord_effects);
                    self.coordinator.wake(self.now_ms, &mut fx);
                    self.run_coord_effects(&mut fx);
                    self.coord_effects = fx;
                }
            }
            TimerKind::DualPublish { service, epoch } => {
                let n = &self.nodes[service.index()];
                if n.up && n.epoch == epoch {
                    self.dual_publish(service, false);
                }
            }
            TimerKind::Sweep { service, epoch } => {
                let n = &self.nodes[service.index()];
                if n.up && n.epoch == epoch {
                    self.sweep(service);
                    self.arm_sweeper(service);
                }
            }
            TimerKind::CommitCheck { service, epoch } => {
                let n = &mut self.nodes[service.index()];
                if n.epoch == epoch && n.up {
                    n.commit_scheduled = false;
                    self.send_commit(service);
                }
            }
        }
    }

    /// Sends the relay's next batches while nothing blocks it.
    fn pump_relay(&mut self, service: ServiceId) {
        if self.crash_after_commit.1 == Some(service) {
            // The armed crash comes before the relay's next poll.
            return;
        }
        loop {
            let n = &self.nodes[service.index()];
            if !n.up || n.outbox.blocked() || n.outbox.rows.is_empty() {
                return;
            }
            let mut messages = self.spare_vecs.pop().unwrap_or_default();
            self.next_batch += 1;
            let batch = self.next_batch;
            let max = self.config.batch_max as usize;
            let attempt = self.nodes[service.index()].outbox.take_batch(batch, max, &mut messages);
            let Some(&first) = messages.first() else {
                self.spare_vecs.push(messages);
                return;
            };
            let count = messages.len() as u32;
            let reorder = self.nodes[service.index()].chances.reorder;
            let detour = self.rng.chance(reorder);
            let epoch = self.nodes[service.index()].epoch;
            self.nodes[service.index()].outbox.in_flight.push(BatchInFlight { batch, blocking: !detour });
            let backoff = self
                .config
                .ack_timeout_ms
                .saturating_mul(1 << (attempt.saturating_sub(1)).min(16))
                .min(self.config.retry_backoff_max_ms);
            // A detour is long enough that the next batch overtakes it; the relay's timeout
            // allows for it, so reordering alone never causes a resend (and so a duplicate).
            let detour_ms = if detour { self.config.latency_ms.max_ms + self.config.ack_timeout_ms / 2 } else { 0 };
            self.at(self.now_ms.saturating_add(backoff + detour_ms), TimerKind::BatchTimeout { service, batch, epoch });
            let latency = self.latency();
            let arrives = match self.transit(service) {
                Ok(extra) => Some(self.now_ms.saturating_add(latency + extra + detour_ms)),
                Err(cause) => {
                    self.stats.lost += 1;
                    self.record(TraceEvent::BatchSent {
                        service,
                        batch,
                        messages: count,
                        first: first.id,
                        attempt,
                        arrives_at_ms: None,
                        detour,
                    });
                    self.record(TraceEvent::Lost { service, what: Lost::Batch { batch }, cause });
                    None
                }
            };
            if let Some(at) = arrives {
                self.record(TraceEvent::BatchSent {
                    service,
                    batch,
                    messages: count,
                    first: first.id,
                    attempt,
                    arrives_at_ms: Some(at),
                    detour,
                });
                let duplicate = self.rng.chance(self.nodes[service.index()].chances.duplicate);
                if duplicate {
                    let mut copy = self.spare_vecs.pop().unwrap_or_default();
                    copy.extend_from_slice(&messages);
                    let later = at.saturating_add(self.latency());
                    self.send_packet(service, batch, copy, later);
                }
                self.send_packet(service, batch, messages, at);
            } else {
                messages.clear();
                self.spare_vecs.push(messages);
            }
            if !detour {
                return;
            }
        }
    }

    fn send_packet(&mut self, service: ServiceId, batch: u64, messages: Vec<Message>, arrives_at_ms: u64) {
        let packet = Packet { service, batch, messages, sent_at_ms: self.now_ms, arrives_at_ms };
        let id = match self.free_packets.pop() {
            Some(id) => {
                self.packets[id as usize] = Some(packet);
                id
            }
            None => {
                self.packets.push(Some(packet));
                (self.packets.len() - 1) as u32
            }
        };
        self.live_packets += 1;
        self.at(arrives_at_ms, TimerKind::ProduceArrive { packet: id });
    }

    fn produce_arrive(&mut self, id: u32) {
        let Some(mut packet) = self.packets.get_mut(id as usize).and_then(Option::take) else { return };
        self.free_packets.push(id);
        self.live_packets -= 1;
        let service = packet.service;
        if self.nodes[service.index()].partitioned {
            self.stats.lost += 1;
            let what = Lost::Batch { batch: packet.batch };
            self.record(TraceEvent::Lost { service, what, cause: LossCause::Partitioned });
            if self.publish_mode(service) != PublishMode::Outbox {
                // No outbox row will send it again.
                for i in 0..packet.messages.len() {
                    self.unpublished_lost(service, packet.messages[i]);
                }
            }
        } else {
            for i in 0..packet.messages.len() {
                let message = packet.messages[i];
                let copy = self.recent_ids.contains(message.id);
                self.recent_ids.insert(message.id);
                let (offset, _deleted) = self.log.append(message, self.now_ms, copy);
                self.stats.appended += 1;
                if copy {
                    self.stats.copies += 1;
                }
                self.record(TraceEvent::Appended {
                    offset,
                    message: message.id,
                    event_type: message.event.event_type(),
                    copy,
                });
            }
            let latency = self.latency();
            match self.transit(service) {
                Ok(extra) => {
                    self.acks_in_flight += 1;
                    let epoch = self.nodes[service.index()].epoch;
                    let kind = TimerKind::AckArrive { service, batch: packet.batch, epoch, sent_at_ms: self.now_ms };
                    self.at(self.now_ms.saturating_add(latency + extra), kind);
                }
                Err(cause) => {
                    self.stats.lost += 1;
                    self.record(TraceEvent::Lost { service, what: Lost::Ack { batch: packet.batch }, cause });
                }
            }
            for &s in self.nodes_in_play() {
                self.pump_consumer(s);
            }
        }
        packet.messages.clear();
        if self.spare_vecs.len() < SPARE_VECS_KEPT {
            self.spare_vecs.push(packet.messages);
        }
    }

    /// Starts handling the next record if the consumer is free, up, connected and has one.
    fn pump_consumer(&mut self, service: ServiceId) {
        let n = &self.nodes[service.index()];
        if !n.up || n.partitioned || n.consumer.in_hand.is_some() || self.crash_after_commit.1 == Some(service) {
            return;
        }
        let position = n.consumer.position;
        if position < self.log.start() {
            self.lose_to_retention(service, position);
            return self.pump_consumer(service);
        }
        let Some(record) = self.log.get(position) else { return };
        let event_type = record.message.event.event_type();
        if self.outbox_full(service) {
            if !self.nodes[service.index()].outbox_full_reported {
                self.nodes[service.index()].outbox_full_reported = true;
                self.record(TraceEvent::OutboxFull { service });
            }
            return;
        }
        self.nodes[service.index()].outbox_full_reported = false;
        let delivered_at = if position < self.nodes[service.index()].consumer.fetched_until {
            self.nodes[service.index()].consumer.fetch_arrives_at_ms.max(self.now_ms)
        } else {
            self.fetch(service, position)
        };
        let fetched_at = self.nodes[service.index()].consumer.fetch_sent_at_ms;
        // The duplicate fault delivers a record a second time, never a third, and only records
        // the service acts on; otherwise a 100 % chance would hold the consumer on one offset.
        let relevant = interested(self.config.protocol, service, event_type);
        // At most once means at most once: the consumer never takes a record twice.
        let redeliver = relevant
            && self.config.delivery == DeliverySemantics::AtLeastOnce
            && self.nodes[service.index()].consumer.redelivered != Some(position)
            && self.rng.chance(self.nodes[service.index()].chances.duplicate);
        let n = &mut self.nodes[service.index()];
        if redeliver {
            n.consumer.redelivered = Some(position);
        }
        let work = if relevant { n.handle_ms } else { 0 };
        let done_at = delivered_at.saturating_add(work);
        n.consumer.in_hand = Some(InHand {
            offset: position,
            fetched_at_ms: fetched_at,
            delivered_at_ms: delivered_at,
            done_at_ms: done_at,
            redeliver,
            attempt: 1,
        });
        let epoch = n.epoch;
        self.at(done_at, TimerKind::HandleDone { service, epoch, offset: position });
        if self.config.delivery == DeliverySemantics::AtMostOnce && relevant && !redeliver {
            // At-most-once: the offset is committed before the record is handled.
            let c = &mut self.nodes[service.index()].consumer;
            c.position = Offset(position.0 + 1);
            c.committed = c.committed.max(c.position);
            let offset = c.committed;
            self.record(TraceEvent::OffsetCommitted { service, offset });
        }
    }

    /// Fetches the next batch of records from `position`, as a Kafka consumer's poll does: one
    /// trip over the link, so one latency and one draw of the link's faults for the whole batch.
    /// Returns when the batch reaches the consumer.
    fn fetch(&mut self, service: ServiceId, position: Offset) -> u64 {
        let until = Offset(self.log.end().0.min(position.0 + u64::from(self.config.batch_max)));
        let newest_appended = self.log.get(Offset(until.0 - 1)).map_or(self.now_ms, |r| r.appended_at_ms);
        let latency = self.latency();
        let mut arrives = self.now_ms.max(newest_appended.saturating_add(latency));
        match self.transit(service) {
            Ok(extra) => arrives = arrives.saturating_add(extra),
            Err(cause) => {
                // A lost fetch is fetched again after the poll interval.
                self.stats.lost += 1;
                self.record(TraceEvent::Lost { service, what: Lost::Fetch { offset: position }, cause });
                arrives = arrives.saturating_add(self.config.poll_interval_ms);
            }
        }
        let c = &mut self.nodes[service.index()].consumer;
        c.fetched_until = until;
        c.fetch_arrives_at_ms = arrives;
        c.fetch_sent_at_ms = self.now_ms;
        arrives
    }

    /// The consumer's position fell below the oldest retained record. Records it had handled
    /// before (a restart rewinds to the committed offset) are simply skipped; records it never
    /// read are lost, reported, and a violation.
    fn lose_to_retention(&mut self, service: ServiceId, from: Offset) {
        let to = self.log.start();
        let c = &mut self.nodes[service.index()].consumer;
        c.position = to;
        c.committed = c.committed.max(to);
        let first_unread = from.max(c.handled_until);
        if first_unread < to {
            self.record(TraceEvent::OffsetReset { service, from: first_unread, to });
            self.checker.lost_to_retention(self.now_ms, service);
        }
    }

    /// The consumer's local transaction for one record: the handler's table changes, its
    /// outbox rows and the processed-message mark, all or nothing; then the offset commit.
    fn handle(&mut self, service: ServiceId, in_hand: InHand) {
        let Some(record) = self.log.get(in_hand.offset).copied() else {
            // Retention deleted the record while it was being fetched.
            self.lose_to_retention(service, in_hand.offset);
            return;
        };
        let msg = record.message;
        let event_type = msg.event.event_type();
        self.begin_local_tx(service);
        let Some(outcome) = self.run_handler(service, &msg) else {
            return self.handler_failed(service, in_hand, msg);
        };
        let c = &mut self.nodes[service.index()].consumer;
        c.handled_total += 1;
        c.handled_until = c.handled_until.max(Offset(in_hand.offset.0 + 1));
        self.stats.handled += 1;
        self.record(TraceEvent::Handled {
            service,
            offset: in_hand.offset,
            message: msg.id,
            event_type,
            delivered_at_ms: in_hand.delivered_at_ms,
            outcome,
        });
        self.after_handler(service);
        if self.rolled_back == Some(service) {
            // Publish first and the commit failed: nothing of this handling stands. At least
            // once, the record is read again after the restart; at most once, its offset was
            // committed before handling, so it is gone.
            if self.config.delivery == DeliverySemantics::AtMostOnce && !in_hand.redeliver {
                let (offset, message) = (in_hand.offset, msg.id);
                self.record(TraceEvent::RecordLost { service, offset, message });
                self.checker.event_lost(self.now_ms, msg.event.order(), service);
            }
            return;
        }
        self.letter_handled_anyway(service, msg.id);
        let c = &mut self.nodes[service.index()].consumer;
        if !in_hand.redeliver {
            c.position = Offset(in_hand.offset.0 + 1);
            self.schedule_commit(service);
        }
    }

    /// The handler's part of a consumer's local transaction: the processed-message check, the
    /// service's handler and the processed mark. None when the handler failed (the error switch,
    /// or a poison message), leaving nothing changed.
    fn run_handler(&mut self, service: ServiceId, msg: &Message) -> Option<Outcome> {
        let event_type = msg.event.event_type();
        let idempotent = self.config.idempotent_consumers;
        let relevant = interested(self.config.protocol, service, event_type);
        let outcome = if relevant && idempotent && self.nodes[service.index()].consumer.processed.contains(msg.id) {
            Outcome::DuplicateIgnored
        } else if relevant && (self.nodes[service.index()].failing || self.poison.0.contains(&msg.id)) {
            return None;
        } else if msg.event.order().is_some_and(|o| self.order.orders.is_archived(o)) {
            // A late copy about an order settled and archived: its rows are gone, so no handler
            // may run (it would take stock for an order that no longer exists).
            Outcome::Archived
        } else {
            let mut ctx =
                Ctx { now_ms: self.now_ms, next_message_id: &mut self.next_message_id, emitted: &mut self.emitted };
            let outcome = match (self.config.protocol, service) {
                (_, ServiceId::Coordinator) => self.coordinator_event(msg),
                // Under orchestration the participants act on commands, not on bus events.
                (Protocol::Orchestration | Protocol::Tcc | Protocol::TwoPc, _) => Outcome::NotForMe,
                (Protocol::Choreography, ServiceId::Order) => self.order.handle(msg, &mut ctx),
                (Protocol::Choreography, ServiceId::Product) => self.product.handle(msg, &mut ctx),
                (Protocol::Choreography, ServiceId::Delivery) => self.delivery.handle(msg, &mut ctx),
            };
            if relevant && idempotent {
                self.nodes[service.index()].consumer.processed.insert(msg.id);
            }
            outcome
        };
        if (outcome.changed_state() || matches!(outcome, Outcome::CancelTooLate))
            && let Some(o) = msg.event.order()
        {
            self.touched_orders.push(o);
        }
        let applied = matches!(
            outcome,
            Outcome::StockTaken { again: true, .. }
                | Outcome::StockRestored { again: true, .. }
                | Outcome::DeliveryStarted { again: true }
        );
        if applied {
            self.checker.duplicate_effect(self.now_ms, msg.event.order(), service);
        }
        if applied || outcome == Outcome::DuplicateIgnored {
            let seen = DuplicateSeen { at_ms: self.now_ms, message: msg.id, applied };
            self.nodes[service.index()].consumer.last_duplicate = Some(seen);
        }
        Some(outcome)
    }

    /// The rest of the local transaction: the handler's outbox rows, traced after the handling
    /// line so the trace reads cause, then effect; the coordinator's commands too.
    fn after_handler(&mut self, service: ServiceId) {
        self.commit_emitted(service);
        if !self.coord_effects.is_empty() {
            let mut fx = std::mem::take(&mut self.coord_effects);
            self.run_coord_effects(&mut fx);
            self.coord_effects = fx;
        }
    }

    /// Arranges for the consumer's offset to be committed after the commit interval.
    fn schedule_commit(&mut self, service: ServiceId) {
        let interval = self.config.commit_interval_ms;
        if interval == 0 {
            return self.send_commit(service);
        }
        let n = &mut self.nodes[service.index()];
        if !n.commit_scheduled {
            n.commit_scheduled = true;
            let epoch = n.epoch;
            self.at(self.now_ms.saturating_add(interval), TimerKind::CommitCheck { service, epoch });
        }
    }

    /// Sends the consumer's position as its committed offset, if it is ahead of the bus's record.
    fn send_commit(&mut self, service: ServiceId) {
        let n = &self.nodes[service.index()];
        if !n.up || n.consumer.position <= n.consumer.committed {
            return;
        }
        let offset = n.consumer.position;
        let epoch = n.epoch;
        let latency = self.latency();
        match self.transit(service) {
            Ok(extra) => {
                self.commits_in_flight += 1;
                self.at(
                    self.now_ms.saturating_add(latency + extra),
                    TimerKind::CommitArrive { service, offset, sent_at_ms: self.now_ms },
                );
            }
            Err(cause) => {
                self.stats.lost += 1;
                self.record(TraceEvent::Lost { service, what: Lost::Commit { offset }, cause });
                // Without an acknowledgement the consumer commits again after a timeout; while
                // partitioned it waits for the heal, which commits at once.
                let n = &mut self.nodes[service.index()];
                if cause != LossCause::Partitioned && !n.commit_scheduled {
                    n.commit_scheduled = true;
                    self.at(
                        self.now_ms.saturating_add(self.config.ack_timeout_ms),
                        TimerKind::CommitCheck { service, epoch },
                    );
                }
            }
        }
    }
}

/// Whether `service` acts on events of this type under `protocol` (others only move its offset
/// on).
pub const fn interested(protocol: Protocol, service: ServiceId, event_type: EventType) -> bool {
    match (protocol, service) {
        (Protocol::Orchestration | Protocol::Tcc | Protocol::TwoPc, ServiceId::Coordinator) => {
            matches!(event_type, EventType::OrderPlaced | EventType::OrderCancelled)
        }
        (Protocol::Orchestration | Protocol::Tcc | Protocol::TwoPc, _)
        | (Protocol::Choreography, ServiceId::Coordinator) => false,
        (Protocol::Choreography, ServiceId::Order) => matches!(
            event_type,
            EventType::ProductChanged
                | EventType::ProductOutOfStock
                | EventType::DeliveryStarted
                | EventType::DeliveryCancelled
        ),
        (Protocol::Choreography, ServiceId::Product | ServiceId::Delivery) => {
            matches!(event_type, EventType::OrderPlaced | EventType::OrderCancelled)
        }
    }
}

/// MurmurHash3's finaliser, so nearby states give unrelated hashes.
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}
