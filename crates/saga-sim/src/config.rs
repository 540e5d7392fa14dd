//! The simulation's configuration: the world, the network and every bound.

use crate::ids::ProductId;
use crate::problem::{FieldProblem, Problem};
use crate::protocol::Protocol;
use serde::{Deserialize, Serialize};

/// An inclusive range of virtual milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MsRange {
    /// The shortest value drawn.
    pub min_ms: u64,
    /// The longest value drawn.
    pub max_ms: u64,
}

impl MsRange {
    /// A range `min_ms..=max_ms`.
    pub const fn new(min_ms: u64, max_ms: u64) -> MsRange {
        MsRange { min_ms, max_ms }
    }
    /// The range that is always zero.
    pub const ZERO: MsRange = MsRange::new(0, 0);
}

/// A product and how many units are in stock when the run starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSpec {
    /// The product's display name.
    pub name: String,
    /// Units in stock at t=0.
    pub initial_stock: i64,
}

/// What Order does with a new order while Product cannot be reached (the CAP choice).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlacementMode {
    /// Consistency first: reject the order and tell the client why.
    Cp,
    /// Availability first: accept it as PENDING and let the saga catch up later.
    #[default]
    Ap,
}

/// Faults applied to every message crossing a service's link to the bus.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkFaults {
    /// Chance that a message on the link is lost.
    pub drop_probability: f64,
    /// Chance that a message on the link arrives twice.
    pub duplicate_probability: f64,
    /// Chance that a message is held back by an extra delay drawn from `delay_ms`.
    pub delay_probability: f64,
    /// The extra delay of a delayed message.
    pub delay_ms: MsRange,
    /// Chance that a producer's batch takes a detour and is overtaken by later batches.
    pub reorder_probability: f64,
}

impl Default for MsRange {
    fn default() -> Self {
        MsRange::ZERO
    }
}

impl std::hash::Hash for LinkFaults {
    // Probabilities hash by their bits, identical on every IEEE-754 platform.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for p in [self.drop_probability, self.duplicate_probability, self.delay_probability, self.reorder_probability] {
            state.write_u64(p.to_bits());
        }
        self.delay_ms.hash(state);
    }
}

impl LinkFaults {
    /// No faults at all.
    pub const NONE: LinkFaults = LinkFaults {
        drop_probability: 0.0,
        duplicate_probability: 0.0,
        delay_probability: 0.0,
        delay_ms: MsRange::ZERO,
        reorder_probability: 0.0,
    };
}

/// How the orchestrator retries and compensates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct OrchestrationConfig {
    /// Attempts of a reversible step before backward recovery (and of a compensation before it
    /// is parked in the registry).
    pub max_attempts: u32,
    /// How long the coordinator waits for an answer before counting the attempt failed.
    pub request_timeout_ms: u64,
    /// The first back-off between attempts; it doubles up to `retry_max_ms`.
    pub retry_base_ms: u64,
    /// The longest back-off.
    pub retry_max_ms: u64,
    /// How often the scheduler retries a parked compensation.
    pub registry_retry_ms: u64,
    /// Run the irreversible step (notify the customer) first: the wrong order, for the lesson.
    pub notify_first: bool,
}

impl Default for OrchestrationConfig {
    fn default() -> Self {
        OrchestrationConfig {
            max_attempts: 3,
            request_timeout_ms: 500,
            retry_base_ms: 300,
            retry_max_ms: 3_000,
            registry_retry_ms: 2_000,
            notify_first: false,
        }
    }
}

/// How a service gets the events of a local transaction onto the bus (seed 003).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PublishMode {
    /// Transactional outbox: the event rows are written in the same local transaction as the
    /// data; a relay publishes them and deletes them once the bus acknowledges.
    #[default]
    Outbox,
    /// Dual write: commit the tables, then publish as a separate step, once. A crash or a lost
    /// packet in between loses the event.
    DualWrite,
    /// Publish first, then commit: a commit that fails after the publish (the crash-after-commit
    /// fault) rolls the tables back, and the event tells of a change that never happened.
    /// Modelled at Product and Delivery; Order's client requests always use the outbox.
    PublishFirst,
}

/// When a consumer commits its offset, relative to handling the record (seed 003).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeliverySemantics {
    /// Commit after handling: a crash mid-handling makes the bus deliver the record again.
    #[default]
    AtLeastOnce,
    /// Commit before handling: a crash mid-handling loses the record for good.
    AtMostOnce,
}

/// How a consumer retries a handler that fails before it dead-letters the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct HandlerRetry {
    /// Attempts before the message goes to the dead-letter queue.
    pub max_attempts: u32,
    /// The first back-off; it doubles with each attempt.
    pub backoff_ms: u64,
}

impl Default for HandlerRetry {
    fn default() -> Self {
        HandlerRetry { max_attempts: 3, backoff_ms: 200 }
    }
}

/// When the client hears back from Order (seed 002 §44).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReplyTiming {
    /// The seed's way for the protocol: the choreography answers at once with PENDING; the
    /// orchestrated saga, TCC and 2PC answer only when the order is settled.
    #[default]
    Seed,
    /// At once, with PENDING (asynchronous): the client sees the outcome change later.
    AtOnce,
    /// Only when the order is settled (synchronous): the client waits, at most
    /// `client_timeout_ms`.
    WhenSettled,
}

impl ReplyTiming {
    /// Whether the client waits for the order to settle under `protocol`.
    pub const fn waits(self, protocol: Protocol) -> bool {
        match self {
            ReplyTiming::Seed => !matches!(protocol, Protocol::Choreography),
            ReplyTiming::AtOnce => false,
            ReplyTiming::WhenSettled => true,
        }
    }
}

/// How Product decides whether an OrderCancelled gives stock back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RestockRule {
    /// From ids: no restock when the cancellation was caused by Product's own
    /// ProductOutOfStock, restock when this order's units were taken (seed 000).
    #[default]
    CausationId,
    /// A tempting shortcut that guesses from the stock level: restock only when the stock minus
    /// the order's quantity is above zero. It loses stock on a legitimate cancel of the last
    /// units. (No seed prescribes it, and the example code that can be found restocks on every
    /// cancel.)
    GuessFromStock,
}

/// How a TCC order stuck PENDING after a failed Confirm is resolved (seed 002 §26).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StuckStrategy {
    /// After `pending_timeout_ms` the coordinator confirms again, without a limit.
    #[default]
    AutoConfirm,
    /// An operator is alerted and confirms or cancels by hand from the admin panel.
    OperatorAlert,
    /// The coordinator gives up on a participant; each participant sweeps its own stale
    /// reservations, asks Order for the order's status and follows it.
    ParticipantSweep,
}

/// How TCC and two-phase commit behave beyond the coordinator's retry settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct TwoPhaseConfig {
    /// What resolves a TCC order whose Confirm ran out of retries.
    pub strategy: StuckStrategy,
    /// How long a stuck order stays PENDING before auto-confirm (or the operator alert) fires.
    pub pending_timeout_ms: u64,
    /// How long a TCC reservation lives before it counts as stale.
    pub reservation_ttl_ms: u64,
    /// How often a participant's sweeper looks for stale reservations.
    pub sweep_interval_ms: u64,
    /// How many participants a transaction has: the three services (3), with Payment (4), and
    /// with Points too (5). Every one more is one more vote to wait for (seed 001).
    pub participants: u32,
    /// 2PC: the coordinator asks for the commit one participant at a time, each releasing its
    /// locks when its turn is done (seed 001, "순차적으로 커밋을 요청한다"); off, it asks all at once.
    pub commit_in_turn: bool,
}

impl Default for TwoPhaseConfig {
    fn default() -> Self {
        TwoPhaseConfig {
            strategy: StuckStrategy::AutoConfirm,
            pending_timeout_ms: 5_000,
            reservation_ttl_ms: 4_000,
            sweep_interval_ms: 2_000,
            participants: MIN_PARTICIPANTS,
            commit_in_turn: true,
        }
    }
}

/// Every bound that keeps memory flat during a long run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Records the bus log retains; older records are deleted (see `TraceEvent::LogTruncated`).
    pub log_retention_records: u32,
    /// Rows a service's outbox holds; when full, the service stops taking new work.
    pub outbox_capacity: u32,
    /// Message ids a consumer's processed-message table remembers (oldest forgotten first).
    pub processed_table_capacity: u32,
    /// Orders the Order service accepts in one run; later requests are rejected with a reason.
    pub max_orders: u32,
    /// Orders whose rows every table keeps. Beyond it the oldest order, once settled (final,
    /// nothing held, its checks passing), is archived: its rows go and only totals stay.
    pub orders_kept: u32,
    /// How long an order must have been final before it may be archived (virtual ms).
    pub archive_after_ms: u64,
    /// Trace events buffered between two drains; beyond it the oldest are discarded and counted.
    pub trace_buffer: u32,
    /// Violations and inconsistency windows kept in the checker's history.
    pub checker_history: u32,
    /// Commands waiting in the schedule (user commands and faults at future times).
    pub scheduled_commands: u32,
    /// 2PC prepares one locked product row keeps waiting; beyond it Product votes no.
    pub lock_waiters: u32,
    /// Messages the dead-letter queue holds; beyond it the oldest is discarded (and counted).
    pub dead_letters: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            log_retention_records: 20_000,
            outbox_capacity: 4_096,
            processed_table_capacity: 8_192,
            max_orders: 1_000_000,
            orders_kept: 2_000,
            archive_after_ms: 30_000,
            trace_buffer: 65_536,
            checker_history: 256,
            scheduled_commands: 100_000,
            lock_waiters: 64,
            dead_letters: 256,
        }
    }
}

/// Everything that shapes a run besides the seed and the user's commands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    /// The catalogue, at least one product.
    pub products: Vec<ProductSpec>,
    /// One-way network latency between a service and the bus.
    pub latency_ms: MsRange,
    /// Time a service spends handling one message that concerns it.
    pub handle_ms: u64,
    /// Whether consumers keep a processed-message table and skip messages they already handled.
    pub idempotent_consumers: bool,
    /// The CAP choice for order placement while Product is unreachable.
    pub placement: PlacementMode,
    /// Faults on every link at the start of the run.
    pub link_faults: LinkFaults,
    /// How long a producer waits for the bus's acknowledgement before resending.
    pub ack_timeout_ms: u64,
    /// The longest back-off between two resends of the same batch.
    pub retry_backoff_max_ms: u64,
    /// Outbox rows a producer sends in one batch.
    pub batch_max: u32,
    /// How long a consumer waits before fetching again after a lost fetch.
    pub poll_interval_ms: u64,
    /// How long after handling a record a consumer commits its offset (Kafka's auto-commit
    /// interval; 0 commits after every record). A crash inside this window makes the bus
    /// deliver the handled records again.
    pub commit_interval_ms: u64,
    /// Memory bounds.
    pub limits: Limits,
    /// The consistency protocol.
    pub protocol: Protocol,
    /// How Product decides whether a cancellation gives stock back.
    pub restock_rule: RestockRule,
    /// When consumers commit their offsets: after handling, or before.
    pub delivery: DeliverySemantics,
    /// How Order, Product and Delivery (in that order) publish their events.
    pub publish: [PublishMode; 3],
    /// How a failing handler is retried before its message is dead-lettered.
    pub handler_retry: HandlerRetry,
    /// The orchestrator's retry and compensation settings (TCC and 2PC retry the same way).
    pub orchestration: OrchestrationConfig,
    /// TCC's stuck-order strategy and reservation lifetime.
    pub two_phase: TwoPhaseConfig,
    /// Choreography: once Product and Delivery have both answered, Order publishes one more
    /// event, AllDone, and the order turns CONFIRMED when Order handles it (the existing event
    /// system's way, seed 000). Off, Order clears PENDING silently on the second answer.
    pub all_done_event: bool,
    /// The customer's cancel turns the order CANCELLED at once, before any compensation is
    /// confirmed (how runs of format 1 and 2 behave). Off, the default (seed 000, steps 2 and
    /// 5): the cancel is accepted, the order is CANCELLING, a PENDING state of its own, and
    /// turns CANCELLED when its compensations are confirmed back.
    pub cancel_at_once: bool,
    /// When the client hears back (seed 002 §44): at once with PENDING, or when the order is
    /// settled.
    pub reply_timing: ReplyTiming,
    /// How long a waiting client waits before it gives up (the order goes on without it).
    pub client_timeout_ms: u64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            products: vec![
                ProductSpec { name: "Keyboard".into(), initial_stock: 10 },
                ProductSpec { name: "Monitor".into(), initial_stock: 3 },
            ],
            latency_ms: MsRange::new(40, 120),
            handle_ms: 60,
            idempotent_consumers: true,
            placement: PlacementMode::Ap,
            link_faults: LinkFaults::NONE,
            ack_timeout_ms: 400,
            retry_backoff_max_ms: 3_200,
            batch_max: 32,
            poll_interval_ms: 100,
            commit_interval_ms: 250,
            limits: Limits::default(),
            protocol: Protocol::Choreography,
            restock_rule: RestockRule::CausationId,
            delivery: DeliverySemantics::AtLeastOnce,
            publish: [PublishMode::Outbox; 3],
            handler_retry: HandlerRetry::default(),
            orchestration: OrchestrationConfig::default(),
            two_phase: TwoPhaseConfig::default(),
            all_done_event: false,
            cancel_at_once: false,
            reply_timing: ReplyTiming::Seed,
            client_timeout_ms: 5_000,
        }
    }
}

/// The largest product count a run accepts.
pub const MAX_PRODUCTS: usize = 64;
/// The longest product name, in characters.
pub const MAX_PRODUCT_NAME_CHARS: usize = 40;
/// The most attempts of a step or a handler.
pub const MAX_ATTEMPTS: u32 = 20;
/// The fewest participants a two-phase transaction has: Order, Product and Delivery.
pub const MIN_PARTICIPANTS: u32 = 3;
/// The most: with Payment and Points.
pub const MAX_PARTICIPANTS: u32 = 5;
/// The most outbox rows in one batch.
pub const MAX_BATCH: u32 = 4_096;
/// The largest stock of one product.
pub const MAX_STOCK: i64 = 1_000_000_000;
/// The longest latency, delay or processing time accepted, one virtual hour.
pub const MAX_DURATION_MS: u64 = 3_600_000;

impl SimConfig {
    /// The product's spec, if the id is in the catalogue.
    pub fn product(&self, id: ProductId) -> Option<&ProductSpec> {
        self.products.get(usize::from(id.0))
    }

    /// Every problem with this configuration, each naming its field by its path in the run
    /// file (which keeps these names: see `run_file`); empty when it is usable as is.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let mut bad = |field: &str, problem: Problem| out.push(FieldProblem::new(field, problem));
        if self.products.is_empty() {
            bad("products", Problem::NoneGiven);
        } else if self.products.len() > MAX_PRODUCTS {
            bad("products", Problem::TooMany { got: self.products.len() as u64, max: MAX_PRODUCTS as u64 });
        }
        for (i, p) in self.products.iter().enumerate() {
            if !(0..=MAX_STOCK).contains(&p.initial_stock) {
                bad(&format!("products[{i}].initial_stock"), out_of_range(p.initial_stock, 0, MAX_STOCK));
            }
            if p.name.chars().count() > MAX_PRODUCT_NAME_CHARS {
                bad(&format!("products[{i}].name"), Problem::TooLong { max_chars: MAX_PRODUCT_NAME_CHARS as u64 });
            }
        }
        check_range(&mut bad, "latency_ms", self.latency_ms);
        check_range(&mut bad, "link_faults.delay_ms", self.link_faults.delay_ms);
        for (field, v) in [
            ("handle_ms", self.handle_ms),
            ("retry_backoff_max_ms", self.retry_backoff_max_ms),
            ("commit_interval_ms", self.commit_interval_ms),
        ] {
            if v > MAX_DURATION_MS {
                bad(field, out_of_range(v, 0, MAX_DURATION_MS));
            }
        }
        let o = &self.orchestration;
        let h = &self.handler_retry;
        for (field, v) in [
            ("ack_timeout_ms", self.ack_timeout_ms),
            ("poll_interval_ms", self.poll_interval_ms),
            ("orchestration.request_timeout_ms", o.request_timeout_ms),
            ("orchestration.retry_base_ms", o.retry_base_ms),
            ("orchestration.retry_max_ms", o.retry_max_ms),
            ("orchestration.registry_retry_ms", o.registry_retry_ms),
            ("two_phase.pending_timeout_ms", self.two_phase.pending_timeout_ms),
            ("two_phase.reservation_ttl_ms", self.two_phase.reservation_ttl_ms),
            ("two_phase.sweep_interval_ms", self.two_phase.sweep_interval_ms),
            ("handler_retry.backoff_ms", h.backoff_ms),
            ("client_timeout_ms", self.client_timeout_ms),
        ] {
            if !(1..=MAX_DURATION_MS).contains(&v) {
                bad(field, out_of_range(v, 1, MAX_DURATION_MS));
            }
        }
        for (field, v) in
            [("orchestration.max_attempts", o.max_attempts), ("handler_retry.max_attempts", h.max_attempts)]
        {
            if !(1..=MAX_ATTEMPTS).contains(&v) {
                bad(field, out_of_range(v, 1, MAX_ATTEMPTS));
            }
        }
        let n = self.two_phase.participants;
        if !(MIN_PARTICIPANTS..=MAX_PARTICIPANTS).contains(&n) {
            bad("two_phase.participants", out_of_range(n, MIN_PARTICIPANTS, MAX_PARTICIPANTS));
        }
        if !(1..=MAX_BATCH).contains(&self.batch_max) {
            bad("batch_max", out_of_range(self.batch_max, 1, MAX_BATCH));
        }
        for (field, p) in link_probabilities(&self.link_faults) {
            if !(0.0..=1.0).contains(&p) {
                bad(&format!("link_faults.{field}"), probability_out_of_range(p));
            }
        }
        if self.publish.first() == Some(&PublishMode::PublishFirst) {
            bad("publish[0]", Problem::PublishFirstAtOrder);
        }
        let l = &self.limits;
        for (field, v, min, max) in [
            ("limits.log_retention_records", l.log_retention_records, 16, 10_000_000),
            ("limits.outbox_capacity", l.outbox_capacity, 3, 1_000_000),
            ("limits.processed_table_capacity", l.processed_table_capacity, 1, 10_000_000),
            ("limits.max_orders", l.max_orders, 1, 10_000_000),
            ("limits.orders_kept", l.orders_kept, 16, 10_000_000),
            ("limits.trace_buffer", l.trace_buffer, 16, 10_000_000),
            ("limits.checker_history", l.checker_history, 1, 100_000),
            ("limits.scheduled_commands", l.scheduled_commands, 1, 10_000_000),
            ("limits.lock_waiters", l.lock_waiters, 1, 100_000),
            ("limits.dead_letters", l.dead_letters, 1, 100_000),
        ] {
            if !(min..=max).contains(&v) {
                bad(field, out_of_range(v, min, max));
            }
        }
        if l.archive_after_ms > MAX_DURATION_MS {
            bad("limits.archive_after_ms", out_of_range(l.archive_after_ms, 0, MAX_DURATION_MS));
        }
        out
    }

    /// A copy with every out-of-range value clamped, so the engine never sees an absurd number
    /// even when the caller skipped `problems()`.
    pub fn sanitized(&self) -> SimConfig {
        let mut c = self.clone();
        if c.products.is_empty() {
            c.products = SimConfig::default().products;
        }
        c.products.truncate(MAX_PRODUCTS);
        if c.publish[0] == PublishMode::PublishFirst {
            c.publish[0] = PublishMode::Outbox;
        }
        for p in &mut c.products {
            p.initial_stock = p.initial_stock.clamp(0, MAX_STOCK);
            if p.name.chars().count() > MAX_PRODUCT_NAME_CHARS {
                p.name = p.name.chars().take(MAX_PRODUCT_NAME_CHARS).collect();
            }
        }
        c.latency_ms = clamp_range(c.latency_ms);
        c.link_faults.delay_ms = clamp_range(c.link_faults.delay_ms);
        c.handle_ms = c.handle_ms.min(MAX_DURATION_MS);
        c.ack_timeout_ms = c.ack_timeout_ms.clamp(1, MAX_DURATION_MS);
        c.retry_backoff_max_ms = c.retry_backoff_max_ms.clamp(c.ack_timeout_ms, MAX_DURATION_MS);
        c.poll_interval_ms = c.poll_interval_ms.clamp(1, MAX_DURATION_MS);
        c.commit_interval_ms = c.commit_interval_ms.min(MAX_DURATION_MS);
        c.batch_max = c.batch_max.clamp(1, MAX_BATCH);
        c.link_faults = sanitize_faults(c.link_faults);
        let o = &mut c.orchestration;
        o.request_timeout_ms = o.request_timeout_ms.clamp(1, MAX_DURATION_MS);
        o.retry_base_ms = o.retry_base_ms.clamp(1, MAX_DURATION_MS);
        o.retry_max_ms = o.retry_max_ms.clamp(o.retry_base_ms, MAX_DURATION_MS);
        o.registry_retry_ms = o.registry_retry_ms.clamp(1, MAX_DURATION_MS);
        o.max_attempts = o.max_attempts.clamp(1, MAX_ATTEMPTS);
        let t = &mut c.two_phase;
        t.pending_timeout_ms = t.pending_timeout_ms.clamp(1, MAX_DURATION_MS);
        t.reservation_ttl_ms = t.reservation_ttl_ms.clamp(1, MAX_DURATION_MS);
        t.sweep_interval_ms = t.sweep_interval_ms.clamp(1, MAX_DURATION_MS);
        t.participants = t.participants.clamp(MIN_PARTICIPANTS, MAX_PARTICIPANTS);
        let l = &mut c.limits;
        l.log_retention_records = l.log_retention_records.clamp(16, 10_000_000);
        l.outbox_capacity = l.outbox_capacity.clamp(3, 1_000_000);
        l.processed_table_capacity = l.processed_table_capacity.clamp(1, 10_000_000);
        l.max_orders = l.max_orders.clamp(1, 10_000_000);
        l.orders_kept = l.orders_kept.clamp(16, 10_000_000);
        l.trace_buffer = l.trace_buffer.clamp(16, 10_000_000);
        l.checker_history = l.checker_history.clamp(1, 100_000);
        l.scheduled_commands = l.scheduled_commands.clamp(1, 10_000_000);
        l.lock_waiters = l.lock_waiters.clamp(1, 100_000);
        l.dead_letters = l.dead_letters.clamp(1, 100_000);
        c.handler_retry.max_attempts = c.handler_retry.max_attempts.clamp(1, MAX_ATTEMPTS);
        c.limits.archive_after_ms = c.limits.archive_after_ms.min(MAX_DURATION_MS);
        c.handler_retry.backoff_ms = c.handler_retry.backoff_ms.clamp(1, MAX_DURATION_MS);
        c
    }
}

/// Clamps each probability into `[0, 1]` and each delay into the accepted range.
pub fn sanitize_faults(mut f: LinkFaults) -> LinkFaults {
    let clamp = |p: f64| if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
    f.drop_probability = clamp(f.drop_probability);
    f.duplicate_probability = clamp(f.duplicate_probability);
    f.delay_probability = clamp(f.delay_probability);
    f.reorder_probability = clamp(f.reorder_probability);
    f.delay_ms = clamp_range(f.delay_ms);
    f
}

/// The problems with a set of link faults, with field names relative to it.
pub fn link_fault_problems(f: &LinkFaults) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    for (field, p) in link_probabilities(f) {
        if !(0.0..=1.0).contains(&p) {
            out.push(FieldProblem::new(field, probability_out_of_range(p)));
        }
    }
    let mut bad = |field: &str, problem: Problem| out.push(FieldProblem::new(field, problem));
    check_range(&mut bad, "delay_ms", f.delay_ms);
    out
}

/// A number outside `min..=max`, quoted as given.
pub fn out_of_range<T: std::fmt::Display>(got: T, min: T, max: T) -> Problem {
    Problem::OutOfRange { got: got.to_string(), min: min.to_string(), max: max.to_string() }
}

fn probability_out_of_range(p: f64) -> Problem {
    // Written by `decimal`, not `Display`: the page then links no float formatting at all.
    let got = match p {
        p if p.is_nan() => "NaN".into(),
        p if p.is_infinite() => if p > 0.0 { "inf" } else { "-inf" }.into(),
        p => crate::decimal::write(p),
    };
    Problem::OutOfRange { got, min: "0".into(), max: "1".into() }
}

fn link_probabilities(f: &LinkFaults) -> [(&'static str, f64); 4] {
    [
        ("drop_probability", f.drop_probability),
        ("duplicate_probability", f.duplicate_probability),
        ("delay_probability", f.delay_probability),
        ("reorder_probability", f.reorder_probability),
    ]
}

fn check_range(bad: &mut impl FnMut(&str, Problem), field: &str, r: MsRange) {
    if r.max_ms > MAX_DURATION_MS {
        bad(&format!("{field}.max_ms"), out_of_range(r.max_ms, 0, MAX_DURATION_MS));
    } else if r.min_ms > r.max_ms {
        bad(field, Problem::MinAboveMax { min_ms: r.min_ms, max_ms: r.max_ms });
    }
}

fn clamp_range(r: MsRange) -> MsRange {
    let max_ms = r.max_ms.min(MAX_DURATION_MS);
    MsRange { min_ms: r.min_ms.min(max_ms), max_ms }
}
