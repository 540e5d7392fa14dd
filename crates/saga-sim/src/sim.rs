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
use crate::input::{InputLog, Position};
use crate::message::{EventType, Message};
use crate::outbox::Outbox;
use crate::outcome::Outcome;
use crate::protocol::Protocol;
use crate::rng::{Chance, SimRng};
use crate::services::Ctx;
use crate::services::account::AccountService;
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
mod client;
mod command_link;
mod consuming;
mod dead_letters;
mod dual_write;
mod faults;
mod inputs;
mod local_tx;
mod network;
mod relay;
mod two_phase;

/// Emitted messages a handler may add to an outbox beyond its capacity (a handler emits at most
/// two), so the capacity check happens before the handler runs.
const OUTBOX_HEADROOM: usize = 2;
/// Client replies kept for the view.
const REPLIES_KEPT: usize = 64;
/// Synchronous requests waiting at once; beyond this the oldest waiting client gives up.
pub const CLIENT_WAITS_KEPT: usize = 64;
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
    pub messages: Batch,
    pub sent_at_ms: u64,
    pub arrives_at_ms: u64,
}

/// A packet's messages. Most batches hold one message, kept inline: a checkpoint copying a
/// world with thousands of packets in flight then allocates nothing for them (it spent most of
/// its time there).
#[derive(Clone, Debug)]
pub(crate) enum Batch {
    /// One message.
    One(Message),
    /// Two or more.
    Many(Vec<Message>),
}

impl Batch {
    /// The messages in order.
    pub fn as_slice(&self) -> &[Message] {
        match self {
            Batch::One(m) => std::slice::from_ref(m),
            Batch::Many(v) => v,
        }
    }
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
    /// The outbox's cleanup removes sent rows (a table job: it runs whether or not the
    /// service is up).
    OutboxCleanup {
        service: ServiceId,
    },
    /// A waiting client's patience runs out (the wait that began at `since_ms`).
    ClientTimeout {
        order: OrderId,
        since_ms: u64,
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

/// Who put a pending input in the queue: a person (a scheduled or replayed input, recorded in
/// the input log when it lands) or the engine itself (a consequence of an earlier input: the
/// flaky client's resubmission, a fast-forward's plan), which replaying that input re-creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    User,
    Engine,
}

/// What a pending input does when it lands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum PendingAction {
    /// A command.
    Command(Command),
    /// A fast-forward's client cancels the order it placed with this key (its id is known only
    /// once Order has accepted it).
    CancelByKey(IdempotencyKey),
}

/// What the next step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NextKind {
    /// A person's input lands.
    Person,
    /// One of the engine's own inputs lands.
    Engine,
    /// A timer fires.
    Timer,
}

/// An input waiting for its position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Pending {
    pub at: Position,
    pub seq: u64,
    pub source: Source,
    pub action: PendingAction,
}
impl Eq for Pending {}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}
impl PartialOrd for Pending {
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
    /// Answers the client had (at once, settled or timed out), for the mean wait.
    pub client_answers: u64,
    /// Time the client spent waiting for them, summed.
    pub client_wait_ms_total: u64,
    /// The longest of those waits.
    pub client_wait_ms_longest: u64,
    /// Waits that ran out before the order settled.
    pub client_timeouts: u64,
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

/// The crash-after-commit fault's two moments.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CrashAfterCommit {
    /// The service armed to crash after its next local transaction that emits events commits.
    pub armed: Option<ServiceId>,
    /// The service whose crash is due at the end of this step (its commit just happened).
    pub due: Option<ServiceId>,
}

/// Poison messages: data every handler fails on.
#[derive(Clone, Debug, Default)]
pub(crate) struct Poison {
    /// The poison messages, the most recent `POISON_KEPT`.
    pub messages: VecDeque<MessageId>,
    /// A producer whose next event will be poison.
    pub next_from: Option<ServiceId>,
}

/// A synchronous request the client is waiting on (`SimConfig::reply_timing`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClientWait {
    /// The order the client waits for.
    pub order: OrderId,
    /// When it began waiting.
    pub since_ms: u64,
    /// When it gives up.
    pub timeout_at_ms: u64,
}

/// A reply from Order to the client, with when it arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimedReply {
    /// Virtual time of the reply.
    pub at_ms: u64,
    /// The reply.
    pub reply: Reply,
}

/// The simulation.
#[derive(Debug)]
pub struct Sim {
    pub(crate) config: SimConfig,
    pub(crate) seed: u64,
    rng: SimRng,
    pub(crate) now_ms: u64,
    seq: u64,
    pub(crate) timers: BinaryHeap<Reverse<Timer>>,
    /// A person's inputs waiting for their position (scheduled or replayed).
    pub(crate) pending: BinaryHeap<Reverse<Pending>>,
    /// The engine's own inputs waiting for their time (a fast-forward's plan, a client's
    /// resubmission). Apart from a person's: they are events, ordered at an instant as they
    /// land (like timers), while a person's input keeps the place it was given among them.
    pub(crate) engine_pending: BinaryHeap<Reverse<Pending>>,
    /// Engine events processed at the current virtual time: an input applied now lands after
    /// them.
    steps_at_now: u32,
    /// Every input the run received, with where it landed.
    pub(crate) inputs: InputLog,
    pub(crate) log: BusLog,
    recent_ids: ProcessedTable,
    pub(crate) nodes: [Node; ServiceId::COUNT],
    pub(crate) order: OrderService,
    pub(crate) product: ProductService,
    pub(crate) delivery: DeliveryService,
    /// Payment's table (a participant only when `two_phase.participants` is 4 or more).
    pub(crate) payment: AccountService,
    /// Points' table (a participant only when `two_phase.participants` is 5).
    pub(crate) points: AccountService,
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
    pub(crate) replies: VecDeque<TimedReply>,
    /// Placements Order refused, newest last (at most `REPLIES_KEPT`).
    pub(crate) refused_orders: VecDeque<crate::services::order::RefusedOrder>,
    pub(crate) stats: Stats,
    /// 2PC prepares waiting for a locked product row, per product (wire ids, oldest first).
    pub(crate) lock_waiters: Vec<VecDeque<u32>>,
    /// A fault armed to fire at the coordinator's next decision.
    pub(crate) decision_trap: Option<DecisionTrap>,
    /// The crash-after-commit fault: armed, then due.
    pub(crate) crash_after_commit: CrashAfterCommit,
    /// Publish first: the armed service's tables before its local transaction, to roll back to.
    rollback: Option<Box<Rollback>>,
    /// Publish first: the service whose commit failed in this step, if any.
    rolled_back: Option<ServiceId>,
    /// Poison messages, and the producer whose next event will be one.
    pub(crate) poison: Poison,
    /// The dead-letter queue, oldest first (bounded by `limits.dead_letters`).
    pub(crate) dead_letters: VecDeque<DeadLetterEntry>,
    /// Keys of requests the flaky client is still waiting to hear about (bounded).
    pub(crate) resubmitting: VecDeque<IdempotencyKey>,
    /// Synchronous requests still waiting, oldest first (at most `CLIENT_WAITS_KEPT`).
    pub(crate) client_waits: VecDeque<ClientWait>,
}

/// Field by field, as a derive would, but written out so the release site can build it for
/// size: time travel clones the world at checkpoints, not on every event, and the derived clone
/// of some sixty fields was the largest function in the page's WebAssembly.
impl Clone for Sim {
    // Every field the same way, so a field whose type changes needs no edit here.
    #[allow(clippy::clone_on_copy)]
    #[cfg_attr(saga_size, optimize(size))]
    fn clone(&self) -> Sim {
        Sim {
            config: self.config.clone(),
            seed: self.seed.clone(),
            rng: self.rng.clone(),
            now_ms: self.now_ms.clone(),
            seq: self.seq.clone(),
            timers: self.timers.clone(),
            pending: self.pending.clone(),
            engine_pending: self.engine_pending.clone(),
            steps_at_now: self.steps_at_now.clone(),
            inputs: self.inputs.clone(),
            log: self.log.clone(),
            recent_ids: self.recent_ids.clone(),
            nodes: self.nodes.clone(),
            order: self.order.clone(),
            product: self.product.clone(),
            delivery: self.delivery.clone(),
            payment: self.payment.clone(),
            points: self.points.clone(),
            coordinator: self.coordinator.clone(),
            rpc_wires: self.rpc_wires.clone(),
            free_rpc_wires: self.free_rpc_wires.clone(),
            rpc_live: self.rpc_live.clone(),
            next_request: self.next_request.clone(),
            coord_wake_at: self.coord_wake_at.clone(),
            coord_effects: self.coord_effects.clone(),
            checker: self.checker.clone(),
            packets: self.packets.clone(),
            free_packets: self.free_packets.clone(),
            spare_vecs: self.spare_vecs.clone(),
            live_packets: self.live_packets.clone(),
            acks_in_flight: self.acks_in_flight.clone(),
            commits_in_flight: self.commits_in_flight.clone(),
            next_message_id: self.next_message_id.clone(),
            next_batch: self.next_batch.clone(),
            next_key: self.next_key.clone(),
            placement: self.placement.clone(),
            flaky_client: self.flaky_client.clone(),
            trace: self.trace.clone(),
            trace_discarded: self.trace_discarded.clone(),
            hasher: self.hasher.clone(),
            touched_orders: self.touched_orders.clone(),
            touched_products: self.touched_products.clone(),
            emitted: self.emitted.clone(),
            news: self.news.clone(),
            replies: self.replies.clone(),
            refused_orders: self.refused_orders.clone(),
            stats: self.stats.clone(),
            lock_waiters: self.lock_waiters.clone(),
            decision_trap: self.decision_trap.clone(),
            crash_after_commit: self.crash_after_commit.clone(),
            rollback: self.rollback.clone(),
            rolled_back: self.rolled_back.clone(),
            poison: self.poison.clone(),
            dead_letters: self.dead_letters.clone(),
            resubmitting: self.resubmitting.clone(),
            client_waits: self.client_waits.clone(),
        }
    }
}

impl Sim {
    /// A new world at t=0. An out-of-range config value is clamped, never a panic; use
    /// `SimConfig::problems` first to tell the user.
    #[cfg_attr(saga_size, optimize(size))]
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
            pending: BinaryHeap::new(),
            engine_pending: BinaryHeap::new(),
            steps_at_now: 0,
            inputs: InputLog::default(),
            log: BusLog::new(limits.log_retention_records as usize),
            recent_ids: ProcessedTable::new(limits.log_retention_records as usize),
            nodes: std::array::from_fn(node),
            order: OrderService {
                all_done_event: config.all_done_event,
                cancel_at_once: config.cancel_at_once,
                ..OrderService::new(&initial)
            },
            product: ProductService {
                restock_rule: config.restock_rule,
                cancel_at_once: config.cancel_at_once,
                ..ProductService::new(&initial)
            },
            delivery: DeliveryService { cancel_at_once: config.cancel_at_once, ..DeliveryService::default() },
            payment: AccountService::default(),
            points: AccountService::default(),
            coordinator: Coordinator::new(config.protocol, config.two_phase, config.cancel_at_once),
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
            crash_after_commit: CrashAfterCommit::default(),
            rollback: None,
            rolled_back: None,
            poison: Poison::default(),
            dead_letters: VecDeque::new(),
            resubmitting: VecDeque::new(),
            client_waits: VecDeque::new(),
            config,
        };
        for service in [ServiceId::Product, ServiceId::Delivery, ServiceId::Payment, ServiceId::Points] {
            sim.arm_sweeper(service);
        }
        sim
    }

    /// Whether TCC participants sweep their own stale reservations in this run.
    fn sweeping(&self) -> bool {
        self.config.protocol == Protocol::Tcc && self.config.two_phase.strategy == StuckStrategy::ParticipantSweep
    }

    fn arm_sweeper(&mut self, service: ServiceId) {
        let participant = matches!(service, ServiceId::Product | ServiceId::Delivery)
            || (ServiceId::EXTRA_PARTICIPANTS.contains(&service) && self.nodes_in_play().contains(&service));
        if self.sweeping() && participant {
            let epoch = self.nodes[service.index()].epoch;
            self.at(
                self.now_ms.saturating_add(self.config.two_phase.sweep_interval_ms),
                TimerKind::Sweep { service, epoch },
            );
        }
    }

    /// The nodes that take part in this run's protocol: the three services; the coordinator
    /// when the protocol has one; Payment and Points when a two-phase run adds them.
    pub fn nodes_in_play(&self) -> &'static [ServiceId] {
        let protocol = self.config.protocol;
        if protocol.is_two_phase() {
            // NODES lists the extra participants after the coordinator, in the order they are added.
            let extra = self.config.two_phase.participants.saturating_sub(crate::config::MIN_PARTICIPANTS) as usize;
            &ServiceId::NODES[..(4 + extra).min(ServiceId::COUNT)]
        } else if protocol.has_coordinator() {
            &ServiceId::NODES[..4]
        } else {
            &ServiceId::ALL
        }
    }

    /// The nodes in play that read the bus (every one but Payment and Points).
    pub(crate) fn consumers_in_play(&self) -> &'static [ServiceId] {
        if self.config.protocol.has_coordinator() { &ServiceId::NODES[..4] } else { &ServiceId::ALL }
    }

    /// The table of Payment or Points.
    pub(crate) fn account(&self, service: ServiceId) -> Option<&AccountService> {
        match service {
            ServiceId::Payment => Some(&self.payment),
            ServiceId::Points => Some(&self.points),
            _ => None,
        }
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

    /// A rough count of the heap bytes the simulation holds (its log, its tables, its queues):
    /// what keeping a copy of it costs at most, for budgets such as time travel's checkpoints.
    pub fn footprint_bytes(&self) -> usize {
        use std::mem::size_of;
        // An order's rows across Order, Product's ledger, Delivery and the coordinator.
        const PER_ORDER_BYTES: usize = 512;
        let processed: usize =
            self.nodes.iter().map(|n| n.consumer.processed.len()).sum::<usize>() + self.recent_ids.len();
        self.log.len() * size_of::<crate::bus::Record>()
            + self.order.orders.len() * PER_ORDER_BYTES
            + processed * 3 * size_of::<MessageId>()
            + (self.pending.len() + self.engine_pending.len()) * size_of::<Pending>()
            + self.timers.len() * size_of::<Timer>()
            + self.dead_letters.len() * size_of::<DeadLetterEntry>()
            + self.nodes.iter().map(|n| n.outbox.rows.len() * size_of::<crate::outbox::OutboxRow>()).sum::<usize>()
    }

    /// What this world holds beyond what it shares with `other`, a copy of the same run taken
    /// at another time, roughly (as [`Sim::footprint_bytes`]): the bus log's full chunks and the
    /// processed tables' chunks are shared between copies until they change, so a time-travel
    /// checkpoint costs only what changed since the one before it.
    pub fn footprint_bytes_beside(&self, other: &Sim) -> usize {
        use std::mem::size_of;
        let shared_ids: usize = (self.nodes.iter().zip(&other.nodes))
            .map(|(a, b)| a.consumer.processed.shared_ids(&b.consumer.processed))
            .sum::<usize>()
            + self.recent_ids.shared_ids(&other.recent_ids);
        let shared = self.log.shared_records(&other.log) * size_of::<crate::bus::Record>()
            + shared_ids * 3 * size_of::<MessageId>();
        self.footprint_bytes().saturating_sub(shared)
    }

    /// When the next timer or pending input is due, if anything is.
    pub fn next_due_ms(&self) -> Option<u64> {
        [
            self.timers.peek().map(|r| r.0.at_ms),
            self.pending.peek().map(|r| r.0.at.at_ms),
            self.engine_pending.peek().map(|r| r.0.at.at_ms),
        ]
        .into_iter()
        .flatten()
        .min()
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

    /// Processes the next due timer, or applies the next pending input when its position comes
    /// first, advancing time to it (see `input` for what an input's position means).
    pub fn step(&mut self) -> StepResult {
        let Some(next) = self.next_kind() else { return StepResult::Idle };
        if next != NextKind::Timer {
            let heap = if next == NextKind::Person { &mut self.pending } else { &mut self.engine_pending };
            let Some(Reverse(p)) = heap.pop() else { return StepResult::Idle };
            self.move_clock(p.at.at_ms);
            self.land(p);
            // The engine's own inputs (a fast-forward's plan, a client's resubmission) are events
            // of the run like its timers; a person's input is not (applied live it would not
            // have been either), so a replay's positions and figures are the live run's.
            if next == NextKind::Engine {
                self.steps_at_now = self.steps_at_now.saturating_add(1);
                self.stats.steps += 1;
            }
        } else {
            let Some(Reverse(t)) = self.timers.pop() else { return StepResult::Idle };
            if t.at_ms > self.now_ms {
                self.now_ms = t.at_ms;
                self.steps_at_now = 0;
            }
            self.fire(t.kind);
            self.steps_at_now = self.steps_at_now.saturating_add(1);
            self.stats.steps += 1;
        }
        self.end_step();
        StepResult::Stepped { at_ms: self.now_ms }
    }

    /// What the next step does; None when nothing is due at all. An event due at `at_ms` (a
    /// timer or one of the engine's own inputs) comes at the position after those already
    /// processed at that instant; of two, the engine's input first. A person's input lands
    /// when its position comes, before the event at that position.
    fn next_kind(&self) -> Option<NextKind> {
        let place = |at: u64| {
            if at <= self.now_ms { Position { at_ms: self.now_ms, after: self.steps_at_now } } else { Position::at(at) }
        };
        let timer = self.timers.peek().map(|r| place(r.0.at_ms));
        let engine = self.engine_pending.peek().map(|r| place(r.0.at.at_ms));
        let event = match (engine, timer) {
            (Some(e), Some(t)) if e <= t => Some((e, NextKind::Engine)),
            (Some(_), Some(t)) => Some((t, NextKind::Timer)),
            (Some(e), None) => Some((e, NextKind::Engine)),
            (None, Some(t)) => Some((t, NextKind::Timer)),
            (None, None) => None,
        };
        let person = self.pending.peek().map(|r| r.0.at);
        match (person, event) {
            (Some(p), Some((e, _))) if p <= e => Some(NextKind::Person),
            (_, Some((_, kind))) => Some(kind),
            (Some(_), None) => Some(NextKind::Person),
            (None, None) => None,
        }
    }

    /// Processes everything due before `t_ms` and, at `t_ms`, everything up to a person's
    /// first input there: the run as it stood when the person acted at `t_ms` (time travel
    /// shows this moment, so acting there instead replaces that input).
    pub fn advance_until_input(&mut self, t_ms: u64) {
        let t_ms = t_ms.min(MAX_VIRTUAL_MS);
        while let Some(due) = self.next_due_ms() {
            let person_next = self.next_kind() == Some(NextKind::Person);
            if due > t_ms || (due == t_ms && person_next) {
                break;
            }
            self.step();
        }
        self.move_clock(t_ms);
    }

    /// Moves the clock forward to `t_ms`, if it is later: the checker sees the clock move (windows
    /// and "since" times are in virtual time) even when nothing happened.
    fn move_clock(&mut self, t_ms: u64) {
        if t_ms > self.now_ms {
            self.now_ms = t_ms;
            self.steps_at_now = 0;
            self.end_step();
        }
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
        self.move_clock(t_ms);
    }

    /// Steps until the system is quiet and nothing is scheduled, or until `deadline_ms`.
    /// Returns whether it became quiet.
    pub fn run_until_quiet(&mut self, deadline_ms: u64) -> bool {
        loop {
            if self.is_quiet() && self.pending.is_empty() && self.engine_pending.is_empty() {
                return true;
            }
            match self.next_due_ms() {
                Some(due) if due <= deadline_ms => {
                    self.step();
                }
                _ => {
                    self.advance_until(deadline_ms.max(self.now_ms));
                    return self.is_quiet() && self.pending.is_empty() && self.engine_pending.is_empty();
                }
            }
        }
    }

    /// Inputs waiting for their position (a user's, a file's or a fast-forward's).
    pub fn scheduled_commands(&self) -> usize {
        self.pending.len() + self.engine_pending.len()
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
        self.sweeping()
            && (self.delivery.holds.held > 0
                || self.payment.holds.held > 0
                || self.points.holds.held > 0
                || self.product.reserved.iter().any(|&r| r != 0))
    }

    fn nothing_in_flight(&self) -> bool {
        self.live_packets == 0
            && self.acks_in_flight == 0
            && self.commits_in_flight == 0
            && self.rpc_live == 0
            && self.nodes.iter().all(|n| n.outbox.pending() == 0 && n.consumer.in_hand.is_none() && n.unpublished.is_empty())
            // Checked last: they cost a scan of the saga table and the deliveries.
            && (!self.config.protocol.has_coordinator() || self.coordinator.active() == 0)
            && !self.sweep_pending()
    }

    fn lag_zero(&self) -> bool {
        let end = self.log.end();
        self.consumers_in_play().iter().all(|s| {
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
        if let Some(service) = self.crash_after_commit.due.take() {
            let fault = Fault::Crash { service };
            self.record(TraceEvent::Command { command: Command::Fault(fault) });
            self.crash(service);
        }
        while let Some(o) = self.touched_orders.pop() {
            if !self.client_waits.is_empty() {
                self.answer_waiting_client(o);
            }
            let extra = self.nodes_in_play().len().saturating_sub(4);
            let accounts = [&self.payment, &self.points];
            self.checker.touch_order(self.now_ms, o, &self.order, &self.product, &self.delivery, &accounts[..extra]);
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

    #[cfg_attr(saga_size, optimize(size))]
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
                self.reply_or_wait(reply);
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
            Command::FastForward { orders } => self.plan_fast_forward(orders),
            Command::Fault(fault) => self.apply_fault(fault),
        }
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
                let now_ms = self.now_ms;
                let outbox = &mut self.nodes[service.index()].outbox;
                let rows = outbox.ack(batch, now_ms);
                if rows > 0 && !outbox.cleanup_scheduled {
                    outbox.cleanup_scheduled = true;
                    self.at(
                        now_ms.saturating_add(crate::outbox::SENT_RETENTION_MS),
                        TimerKind::OutboxCleanup { service },
                    );
                }
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
            TimerKind::ClientTimeout { order, since_ms } => self.client_timed_out(order, since_ms),
            TimerKind::OutboxCleanup { service } => {
                let outbox = &mut self.nodes[service.index()].outbox;
                match outbox.clean_up(self.now_ms) {
                    Some(next_ms) => self.at(next_ms, TimerKind::OutboxCleanup { service }),
                    None => outbox.cleanup_scheduled = false,
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
}

/// Whether `service` acts on events of this type under `protocol` (others only move its offset
/// on).
pub const fn interested(protocol: Protocol, service: ServiceId, event_type: EventType) -> bool {
    match (protocol, service) {
        (Protocol::Orchestration | Protocol::Tcc | Protocol::TwoPc, ServiceId::Coordinator) => {
            matches!(event_type, EventType::OrderPlaced | EventType::OrderCancelled)
        }
        (Protocol::Orchestration | Protocol::Tcc | Protocol::TwoPc, _)
        | (Protocol::Choreography, ServiceId::Coordinator | ServiceId::Payment | ServiceId::Points) => false,
        (Protocol::Choreography, ServiceId::Order) => matches!(
            event_type,
            EventType::ProductChanged
                | EventType::ProductOutOfStock
                | EventType::DeliveryStarted
                | EventType::DeliveryCancelled
                | EventType::AllDone
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
