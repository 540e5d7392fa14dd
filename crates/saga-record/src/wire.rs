//! The stable vocabulary of a run on the wire: the names and the order in which a config and a
//! command are written, shared by the JSON run file (`run_file`) and the binary link (`link`).
//!
//! Files and links outlive the code that wrote them, so nothing here follows the Rust names by
//! itself. Each enum is mapped by hand to a name (for JSON) and an index (for links); renaming
//! a variant or a field in the engine changes one line here and no file. The rules that keep old
//! files readable:
//!
//! - a name or index, once written, keeps its meaning forever; new ones are appended;
//! - a new field gets a default, so a file without it still reads (in a link, a new field means
//!   a new link version);
//! - a change that old readers would misread takes a new `format` number: a reader meeting a
//!   format above its own says the file was made by a newer version of Saga Lab.
//!
//! [`WireOut`] and [`WireIn`] are the two directions; a config or command is written and read by
//! one function each ([`put_config`], [`get_config`], [`put_command`], [`get_command`]), so the
//! two formats cannot drift apart.

use saga_sim::command::{Command, DecisionTrap, Fault};
use saga_sim::config::{
    DeliverySemantics, HandlerRetry, Limits, LinkFaults, MAX_PRODUCT_NAME_CHARS, MAX_PRODUCTS, MsRange,
    OrchestrationConfig, PlacementMode, ProductSpec, PublishMode, ReplyTiming, RestockRule, SimConfig, StuckStrategy,
    TwoPhaseConfig,
};
use saga_sim::ids::{IdempotencyKey, MessageId, OrderId, ProductId, ServiceId};
use saga_sim::problem::FieldProblem;
use saga_sim::protocol::Protocol;

/// The run format this version reads and writes (files and links). Format 2 added the
/// config's `all_done_event`, format 3 its `cancel_at_once`, `reply_timing` and
/// `client_timeout_ms`, format 4 `two_phase.participants` and `two_phase.commit_in_turn` (and
/// the services Payment and Points); older files and links still read, and replay as they ran:
/// without AllDone, with cancels CANCELLED at once, every answer at once, three participants and
/// 2PC's commit sent to all at once.
pub const FORMAT: u64 = 4;

// The vocabulary below takes its reader and writer as trait objects (`&mut dyn WireIn`): one
// copy of its code serves both formats, the JSON file and the binary link, about 4 KB gzipped
// less for every visitor than a copy per format. Reading a run is not a hot path.

/// Writes a run's parts, field by field, in the vocabulary's order.
pub(crate) trait WireOut {
    /// A whole number.
    fn uint(&mut self, key: &'static str, v: u64);
    /// An integer that may be negative.
    fn int(&mut self, key: &'static str, v: i64);
    /// A number with a fraction (a probability).
    fn float(&mut self, key: &'static str, v: f64);
    /// A yes or no.
    fn flag(&mut self, key: &'static str, v: bool);
    /// A text.
    fn text(&mut self, key: &'static str, v: &str);
    /// One of `names`.
    fn name(&mut self, key: &'static str, names: &'static [&'static str], index: usize);
    /// A whole number or nothing.
    fn opt_uint(&mut self, key: &'static str, v: Option<u64>);
    /// One of `names` or nothing.
    fn opt_name(&mut self, key: &'static str, names: &'static [&'static str], index: Option<usize>);
    /// Opens a nested group (an object in JSON; `key` is empty for a list's item).
    fn open(&mut self, key: &'static str);
    /// Closes the group opened last.
    fn close(&mut self);
    /// Opens a list of `len` items.
    fn list(&mut self, key: &'static str, len: usize);
    /// Closes the list opened last.
    fn end_list(&mut self);
}

/// Reads a run's parts in the order [`WireOut`] wrote them. A field missing from a JSON file
/// takes its `default` when there is one; a problem names the field's path.
pub(crate) trait WireIn {
    /// A whole number up to `max`.
    fn uint(&mut self, key: &'static str, max: u64, default: Option<u64>) -> Result<u64, FieldProblem>;
    /// An integer.
    fn int(&mut self, key: &'static str, default: Option<i64>) -> Result<i64, FieldProblem>;
    /// A number.
    fn float(&mut self, key: &'static str, default: Option<f64>) -> Result<f64, FieldProblem>;
    /// A yes or no.
    fn flag(&mut self, key: &'static str, default: Option<bool>) -> Result<bool, FieldProblem>;
    /// A text of at most `max_chars` characters.
    fn text(&mut self, key: &'static str, max_chars: usize, default: Option<&str>) -> Result<String, FieldProblem>;
    /// One of `names`, as its index.
    fn name(
        &mut self,
        key: &'static str,
        names: &'static [&'static str],
        default: Option<usize>,
    ) -> Result<usize, FieldProblem>;
    /// A whole number up to `max`, or nothing.
    fn opt_uint(&mut self, key: &'static str, max: u64) -> Result<Option<u64>, FieldProblem>;
    /// One of `names`, or nothing.
    fn opt_name(&mut self, key: &'static str, names: &'static [&'static str]) -> Result<Option<usize>, FieldProblem>;
    /// Enters a nested group; a group missing from a JSON file reads as empty (its fields
    /// take their defaults).
    fn open(&mut self, key: &'static str) -> Result<(), FieldProblem>;
    /// Leaves the group; a JSON member nobody read is an unknown field.
    fn close(&mut self) -> Result<(), FieldProblem>;
    /// Enters a list of at most `max` items: its length, or None when a JSON file leaves it out.
    fn list(&mut self, key: &'static str, max: usize) -> Result<Option<usize>, FieldProblem>;
    /// Leaves the list.
    fn end_list(&mut self);
}

/// Maps an enum to its wire names by hand: the name at index i is written for the variant
/// listed i-th, whatever the variant is called in Rust.
macro_rules! wire_enum {
    ($names:ident, $index:ident, $value:ident, $ty:ty { $($variant:pat => $name:literal, $make:expr;)* }) => {
        /// The names on the wire, in index order (append only).
        pub const $names: &[&str] = &[$($name),*];
        fn $index(v: $ty) -> usize {
            let mut i = 0;
            $(
                if matches!(v, $variant) {
                    return i;
                }
                i += 1;
            )*
            let _ = i;
            unreachable!("every variant is listed")
        }
        fn $value(i: usize) -> $ty {
            [$($make),*][i]
        }
    };
}

wire_enum!(PROTOCOLS, protocol_index, protocol_value, Protocol {
    Protocol::Choreography => "Choreography", Protocol::Choreography;
    Protocol::Orchestration => "Orchestration", Protocol::Orchestration;
    Protocol::Tcc => "Tcc", Protocol::Tcc;
    Protocol::TwoPc => "TwoPc", Protocol::TwoPc;
});
wire_enum!(SERVICES, service_index, service_value, ServiceId {
    ServiceId::Order => "Order", ServiceId::Order;
    ServiceId::Product => "Product", ServiceId::Product;
    ServiceId::Delivery => "Delivery", ServiceId::Delivery;
    ServiceId::Coordinator => "Coordinator", ServiceId::Coordinator;
    ServiceId::Payment => "Payment", ServiceId::Payment;
    ServiceId::Points => "Points", ServiceId::Points;
});
wire_enum!(PLACEMENTS, placement_index, placement_value, PlacementMode {
    PlacementMode::Cp => "Cp", PlacementMode::Cp;
    PlacementMode::Ap => "Ap", PlacementMode::Ap;
});
wire_enum!(PUBLISH_MODES, publish_index, publish_value, PublishMode {
    PublishMode::Outbox => "Outbox", PublishMode::Outbox;
    PublishMode::DualWrite => "DualWrite", PublishMode::DualWrite;
    PublishMode::PublishFirst => "PublishFirst", PublishMode::PublishFirst;
});
wire_enum!(DELIVERY_SEMANTICS, delivery_index, delivery_value, DeliverySemantics {
    DeliverySemantics::AtLeastOnce => "AtLeastOnce", DeliverySemantics::AtLeastOnce;
    DeliverySemantics::AtMostOnce => "AtMostOnce", DeliverySemantics::AtMostOnce;
});
wire_enum!(RESTOCK_RULES, restock_index, restock_value, RestockRule {
    RestockRule::CausationId => "CausationId", RestockRule::CausationId;
    RestockRule::GuessFromStock => "GuessFromStock", RestockRule::GuessFromStock;
});
wire_enum!(REPLY_TIMINGS, reply_timing_index, reply_timing_value, ReplyTiming {
    ReplyTiming::Seed => "Seed", ReplyTiming::Seed;
    ReplyTiming::AtOnce => "AtOnce", ReplyTiming::AtOnce;
    ReplyTiming::WhenSettled => "WhenSettled", ReplyTiming::WhenSettled;
});
wire_enum!(STUCK_STRATEGIES, stuck_index, stuck_value, StuckStrategy {
    StuckStrategy::AutoConfirm => "AutoConfirm", StuckStrategy::AutoConfirm;
    StuckStrategy::OperatorAlert => "OperatorAlert", StuckStrategy::OperatorAlert;
    StuckStrategy::ParticipantSweep => "ParticipantSweep", StuckStrategy::ParticipantSweep;
});

/// The command names on the wire, in index order (append only).
pub const COMMANDS: &[&str] = &[
    "PlaceOrder",
    "CancelOrder",
    "CompleteDelivery",
    "SetStock",
    "SetPlacementMode",
    "Fault",
    "Resolve",
    "SetFlakyClient",
    "ReplayDeadLetter",
    "DiscardDeadLetter",
    "FixDeadLetter",
    "FastForward",
];
/// The fault names on the wire, in index order (append only).
pub const FAULTS: &[&str] = &[
    "Crash",
    "Restart",
    "Partition",
    "Heal",
    "SetLinkFaults",
    "SetHandleTime",
    "HealAll",
    "AtNextDecision",
    "CrashAfterCommit",
    "FailHandling",
    "PoisonNextEvent",
];
/// What an armed decision trap does, on the wire (append only).
pub const DECISION_TRAPS: &[&str] = &["CrashCoordinator", "Partition"];

fn put_range(o: &mut dyn WireOut, key: &'static str, r: MsRange) {
    o.open(key);
    o.uint("min_ms", r.min_ms);
    o.uint("max_ms", r.max_ms);
    o.close();
}

fn get_range(i: &mut dyn WireIn, key: &'static str, d: MsRange) -> Result<MsRange, FieldProblem> {
    i.open(key)?;
    let min_ms = i.uint("min_ms", u64::MAX, Some(d.min_ms))?;
    let max_ms = i.uint("max_ms", u64::MAX, Some(d.max_ms))?;
    i.close()?;
    Ok(MsRange { min_ms, max_ms })
}

fn put_link_faults(o: &mut dyn WireOut, key: &'static str, f: &LinkFaults) {
    o.open(key);
    o.float("drop_probability", f.drop_probability);
    o.float("duplicate_probability", f.duplicate_probability);
    o.float("delay_probability", f.delay_probability);
    put_range(o, "delay_ms", f.delay_ms);
    o.float("reorder_probability", f.reorder_probability);
    o.close();
}

fn get_link_faults(i: &mut dyn WireIn, key: &'static str) -> Result<LinkFaults, FieldProblem> {
    i.open(key)?;
    let drop_probability = i.float("drop_probability", Some(0.0))?;
    let duplicate_probability = i.float("duplicate_probability", Some(0.0))?;
    let delay_probability = i.float("delay_probability", Some(0.0))?;
    let delay_ms = get_range(i, "delay_ms", MsRange::ZERO)?;
    let reorder_probability = i.float("reorder_probability", Some(0.0))?;
    i.close()?;
    Ok(LinkFaults { drop_probability, duplicate_probability, delay_probability, delay_ms, reorder_probability })
}

/// Writes a config, every field, in the vocabulary's order.
pub(crate) fn put_config(o: &mut dyn WireOut, c: &SimConfig) {
    o.list("products", c.products.len());
    for p in &c.products {
        o.open("");
        o.text("name", &p.name);
        o.int("initial_stock", p.initial_stock);
        o.close();
    }
    o.end_list();
    put_range(o, "latency_ms", c.latency_ms);
    o.uint("handle_ms", c.handle_ms);
    o.flag("idempotent_consumers", c.idempotent_consumers);
    o.name("placement", PLACEMENTS, placement_index(c.placement));
    put_link_faults(o, "link_faults", &c.link_faults);
    o.uint("ack_timeout_ms", c.ack_timeout_ms);
    o.uint("retry_backoff_max_ms", c.retry_backoff_max_ms);
    o.uint("batch_max", c.batch_max.into());
    o.uint("poll_interval_ms", c.poll_interval_ms);
    o.uint("commit_interval_ms", c.commit_interval_ms);
    let l = &c.limits;
    o.open("limits");
    o.uint("log_retention_records", l.log_retention_records.into());
    o.uint("outbox_capacity", l.outbox_capacity.into());
    o.uint("processed_table_capacity", l.processed_table_capacity.into());
    o.uint("max_orders", l.max_orders.into());
    o.uint("orders_kept", l.orders_kept.into());
    o.uint("archive_after_ms", l.archive_after_ms);
    o.uint("trace_buffer", l.trace_buffer.into());
    o.uint("checker_history", l.checker_history.into());
    o.uint("scheduled_commands", l.scheduled_commands.into());
    o.uint("lock_waiters", l.lock_waiters.into());
    o.uint("dead_letters", l.dead_letters.into());
    o.close();
    o.name("protocol", PROTOCOLS, protocol_index(c.protocol));
    o.name("restock_rule", RESTOCK_RULES, restock_index(c.restock_rule));
    o.name("delivery", DELIVERY_SEMANTICS, delivery_index(c.delivery));
    o.list("publish", c.publish.len());
    for &p in &c.publish {
        o.name("", PUBLISH_MODES, publish_index(p));
    }
    o.end_list();
    o.open("handler_retry");
    o.uint("max_attempts", c.handler_retry.max_attempts.into());
    o.uint("backoff_ms", c.handler_retry.backoff_ms);
    o.close();
    let r = &c.orchestration;
    o.open("orchestration");
    o.uint("max_attempts", r.max_attempts.into());
    o.uint("request_timeout_ms", r.request_timeout_ms);
    o.uint("retry_base_ms", r.retry_base_ms);
    o.uint("retry_max_ms", r.retry_max_ms);
    o.uint("registry_retry_ms", r.registry_retry_ms);
    o.flag("notify_first", r.notify_first);
    o.close();
    let t = &c.two_phase;
    o.open("two_phase");
    o.name("strategy", STUCK_STRATEGIES, stuck_index(t.strategy));
    o.uint("pending_timeout_ms", t.pending_timeout_ms);
    o.uint("reservation_ttl_ms", t.reservation_ttl_ms);
    o.uint("sweep_interval_ms", t.sweep_interval_ms);
    // Format 4.
    o.uint("participants", t.participants.into());
    o.flag("commit_in_turn", t.commit_in_turn);
    o.close();
    // Format 2.
    o.flag("all_done_event", c.all_done_event);
    // Format 3.
    o.flag("cancel_at_once", c.cancel_at_once);
    o.name("reply_timing", REPLY_TIMINGS, reply_timing_index(c.reply_timing));
    o.uint("client_timeout_ms", c.client_timeout_ms);
}

fn u32_of(i: &mut dyn WireIn, key: &'static str, default: u32) -> Result<u32, FieldProblem> {
    // The width check leaves nothing to lose in the conversion.
    i.uint(key, u32::MAX.into(), Some(default.into())).map(|v| u32::try_from(v).unwrap_or(u32::MAX))
}

/// Reads a config written in `format`; a field a JSON file leaves out takes its default, and
/// a field newer than the format is not read (it takes its default).
pub(crate) fn get_config(i: &mut dyn WireIn, format: u64) -> Result<SimConfig, FieldProblem> {
    let d = SimConfig::default();
    let products = match i.list("products", MAX_PRODUCTS)? {
        None => d.products.clone(),
        Some(n) => {
            let mut products = Vec::with_capacity(n);
            for _ in 0..n {
                i.open("")?;
                let name = i.text("name", MAX_PRODUCT_NAME_CHARS, None)?;
                let initial_stock = i.int("initial_stock", None)?;
                i.close()?;
                products.push(ProductSpec { name, initial_stock });
            }
            products
        }
    };
    i.end_list();
    let latency_ms = get_range(i, "latency_ms", d.latency_ms)?;
    let handle_ms = i.uint("handle_ms", u64::MAX, Some(d.handle_ms))?;
    let idempotent_consumers = i.flag("idempotent_consumers", Some(d.idempotent_consumers))?;
    let placement = placement_value(i.name("placement", PLACEMENTS, Some(placement_index(d.placement)))?);
    let link_faults = get_link_faults(i, "link_faults")?;
    let ack_timeout_ms = i.uint("ack_timeout_ms", u64::MAX, Some(d.ack_timeout_ms))?;
    let retry_backoff_max_ms = i.uint("retry_backoff_max_ms", u64::MAX, Some(d.retry_backoff_max_ms))?;
    let batch_max = u32_of(i, "batch_max", d.batch_max)?;
    let poll_interval_ms = i.uint("poll_interval_ms", u64::MAX, Some(d.poll_interval_ms))?;
    let commit_interval_ms = i.uint("commit_interval_ms", u64::MAX, Some(d.commit_interval_ms))?;
    let dl = d.limits;
    i.open("limits")?;
    let limits = Limits {
        log_retention_records: u32_of(i, "log_retention_records", dl.log_retention_records)?,
        outbox_capacity: u32_of(i, "outbox_capacity", dl.outbox_capacity)?,
        processed_table_capacity: u32_of(i, "processed_table_capacity", dl.processed_table_capacity)?,
        max_orders: u32_of(i, "max_orders", dl.max_orders)?,
        orders_kept: u32_of(i, "orders_kept", dl.orders_kept)?,
        archive_after_ms: i.uint("archive_after_ms", u64::MAX, Some(dl.archive_after_ms))?,
        trace_buffer: u32_of(i, "trace_buffer", dl.trace_buffer)?,
        checker_history: u32_of(i, "checker_history", dl.checker_history)?,
        scheduled_commands: u32_of(i, "scheduled_commands", dl.scheduled_commands)?,
        lock_waiters: u32_of(i, "lock_waiters", dl.lock_waiters)?,
        dead_letters: u32_of(i, "dead_letters", dl.dead_letters)?,
    };
    i.close()?;
    let protocol = protocol_value(i.name("protocol", PROTOCOLS, Some(protocol_index(d.protocol)))?);
    let restock_rule = restock_value(i.name("restock_rule", RESTOCK_RULES, Some(restock_index(d.restock_rule)))?);
    let delivery = delivery_value(i.name("delivery", DELIVERY_SEMANTICS, Some(delivery_index(d.delivery)))?);
    let mut publish = d.publish;
    if let Some(n) = i.list("publish", publish.len())? {
        if n != publish.len() {
            return Err(FieldProblem::new(
                "publish",
                saga_sim::config::out_of_range(n as u64, publish.len() as u64, publish.len() as u64),
            ));
        }
        for slot in &mut publish {
            *slot = publish_value(i.name("", PUBLISH_MODES, None)?);
        }
    }
    i.end_list();
    let dh = d.handler_retry;
    i.open("handler_retry")?;
    let handler_retry = HandlerRetry {
        max_attempts: u32_of(i, "max_attempts", dh.max_attempts)?,
        backoff_ms: i.uint("backoff_ms", u64::MAX, Some(dh.backoff_ms))?,
    };
    i.close()?;
    let dr = d.orchestration;
    i.open("orchestration")?;
    let orchestration = OrchestrationConfig {
        max_attempts: u32_of(i, "max_attempts", dr.max_attempts)?,
        request_timeout_ms: i.uint("request_timeout_ms", u64::MAX, Some(dr.request_timeout_ms))?,
        retry_base_ms: i.uint("retry_base_ms", u64::MAX, Some(dr.retry_base_ms))?,
        retry_max_ms: i.uint("retry_max_ms", u64::MAX, Some(dr.retry_max_ms))?,
        registry_retry_ms: i.uint("registry_retry_ms", u64::MAX, Some(dr.registry_retry_ms))?,
        notify_first: i.flag("notify_first", Some(dr.notify_first))?,
    };
    i.close()?;
    let dt = d.two_phase;
    i.open("two_phase")?;
    let two_phase = TwoPhaseConfig {
        strategy: stuck_value(i.name("strategy", STUCK_STRATEGIES, Some(stuck_index(dt.strategy)))?),
        pending_timeout_ms: i.uint("pending_timeout_ms", u64::MAX, Some(dt.pending_timeout_ms))?,
        reservation_ttl_ms: i.uint("reservation_ttl_ms", u64::MAX, Some(dt.reservation_ttl_ms))?,
        sweep_interval_ms: i.uint("sweep_interval_ms", u64::MAX, Some(dt.sweep_interval_ms))?,
        // Before format 4 a transaction had three participants and 2PC committed all at once.
        participants: if format >= 4 { u32_of(i, "participants", dt.participants)? } else { dt.participants },
        commit_in_turn: if format >= 4 { i.flag("commit_in_turn", Some(dt.commit_in_turn))? } else { false },
    };
    i.close()?;
    let all_done_event = if format >= 2 { i.flag("all_done_event", Some(d.all_done_event))? } else { d.all_done_event };
    // Before format 3 every cancel was CANCELLED at once.
    let cancel_at_once = if format >= 3 { i.flag("cancel_at_once", Some(d.cancel_at_once))? } else { true };
    // Before format 3 every client heard back at once.
    let (reply_timing, client_timeout_ms) = if format >= 3 {
        let timing = i.name("reply_timing", REPLY_TIMINGS, Some(reply_timing_index(d.reply_timing)))?;
        (reply_timing_value(timing), i.uint("client_timeout_ms", u64::MAX, Some(d.client_timeout_ms))?)
    } else {
        (ReplyTiming::AtOnce, d.client_timeout_ms)
    };
    Ok(SimConfig {
        products,
        latency_ms,
        handle_ms,
        idempotent_consumers,
        placement,
        link_faults,
        ack_timeout_ms,
        retry_backoff_max_ms,
        batch_max,
        poll_interval_ms,
        commit_interval_ms,
        limits,
        protocol,
        restock_rule,
        delivery,
        publish,
        handler_retry,
        orchestration,
        two_phase,
        all_done_event,
        cancel_at_once,
        reply_timing,
        client_timeout_ms,
    })
}

fn put_service(o: &mut dyn WireOut, service: ServiceId) {
    o.name("service", SERVICES, service_index(service));
}

fn get_service(i: &mut dyn WireIn) -> Result<ServiceId, FieldProblem> {
    i.name("service", SERVICES, None).map(service_value)
}

/// Writes a command: its name under `command`, then its fields.
pub(crate) fn put_command(o: &mut dyn WireOut, c: &Command) {
    let name = |o: &mut _, i| WireOut::name(o, "command", COMMANDS, i);
    match *c {
        Command::PlaceOrder { product, quantity, idempotency_key } => {
            name(o, 0);
            o.uint("product", product.0.into());
            o.uint("quantity", quantity.into());
            o.opt_uint("idempotency_key", idempotency_key.map(|k| k.0));
        }
        Command::CancelOrder { order } => {
            name(o, 1);
            o.uint("order", order.0.into());
        }
        Command::CompleteDelivery { order } => {
            name(o, 2);
            o.uint("order", order.0.into());
        }
        Command::SetStock { product, stock } => {
            name(o, 3);
            o.uint("product", product.0.into());
            o.int("stock", stock);
        }
        Command::SetPlacementMode { mode } => {
            name(o, 4);
            o.name("mode", PLACEMENTS, placement_index(mode));
        }
        Command::Fault(f) => {
            name(o, 5);
            put_fault(o, &f);
        }
        Command::Resolve { order, commit } => {
            name(o, 6);
            o.uint("order", order.0.into());
            o.flag("commit", commit);
        }
        Command::SetFlakyClient { on } => {
            name(o, 7);
            o.flag("on", on);
        }
        Command::ReplayDeadLetter { service, message } => {
            name(o, 8);
            put_service(o, service);
            o.uint("message", message.0);
        }
        Command::DiscardDeadLetter { service, message } => {
            name(o, 9);
            put_service(o, service);
            o.uint("message", message.0);
        }
        Command::FixDeadLetter { service, message } => {
            name(o, 10);
            put_service(o, service);
            o.uint("message", message.0);
        }
        Command::FastForward { orders } => {
            name(o, 11);
            o.uint("orders", orders.into());
        }
    }
}

fn put_fault(o: &mut dyn WireOut, f: &Fault) {
    let name = |o: &mut _, i| WireOut::name(o, "fault", FAULTS, i);
    match *f {
        Fault::Crash { service } => {
            name(o, 0);
            put_service(o, service);
        }
        Fault::Restart { service } => {
            name(o, 1);
            put_service(o, service);
        }
        Fault::Partition { service } => {
            name(o, 2);
            put_service(o, service);
        }
        Fault::Heal { service } => {
            name(o, 3);
            put_service(o, service);
        }
        Fault::SetLinkFaults { service, faults } => {
            name(o, 4);
            o.opt_name("service", SERVICES, service.map(service_index));
            put_link_faults(o, "faults", &faults);
        }
        Fault::SetHandleTime { service, handle_ms } => {
            name(o, 5);
            put_service(o, service);
            o.uint("handle_ms", handle_ms);
        }
        Fault::HealAll => name(o, 6),
        Fault::AtNextDecision { then } => {
            name(o, 7);
            match then {
                DecisionTrap::CrashCoordinator => o.name("then", DECISION_TRAPS, 0),
                DecisionTrap::Partition { service } => {
                    o.name("then", DECISION_TRAPS, 1);
                    put_service(o, service);
                }
            }
        }
        Fault::CrashAfterCommit { service } => {
            name(o, 8);
            put_service(o, service);
        }
        Fault::FailHandling { service, on } => {
            name(o, 9);
            put_service(o, service);
            o.flag("on", on);
        }
        Fault::PoisonNextEvent { service } => {
            name(o, 10);
            put_service(o, service);
        }
    }
}

/// Reads a command written by [`put_command`].
pub(crate) fn get_command(i: &mut dyn WireIn) -> Result<Command, FieldProblem> {
    let order = |i: &mut _| WireIn::uint(i, "order", u32::MAX.into(), None).map(|v| OrderId(v as u32));
    let message = |i: &mut _| WireIn::uint(i, "message", u64::MAX, None).map(MessageId);
    Ok(match i.name("command", COMMANDS, None)? {
        0 => {
            let product = ProductId(i.uint("product", u16::MAX.into(), None)? as u16);
            let quantity = i.uint("quantity", u32::MAX.into(), None)? as u32;
            let idempotency_key = i.opt_uint("idempotency_key", u64::MAX)?.map(IdempotencyKey);
            Command::PlaceOrder { product, quantity, idempotency_key }
        }
        1 => Command::CancelOrder { order: order(i)? },
        2 => Command::CompleteDelivery { order: order(i)? },
        3 => {
            let product = ProductId(i.uint("product", u16::MAX.into(), None)? as u16);
            Command::SetStock { product, stock: i.int("stock", None)? }
        }
        4 => Command::SetPlacementMode { mode: placement_value(i.name("mode", PLACEMENTS, None)?) },
        5 => Command::Fault(get_fault(i)?),
        6 => {
            let order = order(i)?;
            Command::Resolve { order, commit: i.flag("commit", None)? }
        }
        7 => Command::SetFlakyClient { on: i.flag("on", None)? },
        8 => {
            let service = get_service(i)?;
            Command::ReplayDeadLetter { service, message: message(i)? }
        }
        9 => {
            let service = get_service(i)?;
            Command::DiscardDeadLetter { service, message: message(i)? }
        }
        10 => {
            let service = get_service(i)?;
            Command::FixDeadLetter { service, message: message(i)? }
        }
        _ => Command::FastForward { orders: i.uint("orders", u32::MAX.into(), None)? as u32 },
    })
}

fn get_fault(i: &mut dyn WireIn) -> Result<Fault, FieldProblem> {
    Ok(match i.name("fault", FAULTS, None)? {
        0 => Fault::Crash { service: get_service(i)? },
        1 => Fault::Restart { service: get_service(i)? },
        2 => Fault::Partition { service: get_service(i)? },
        3 => Fault::Heal { service: get_service(i)? },
        4 => {
            let service = i.opt_name("service", SERVICES)?.map(service_value);
            Fault::SetLinkFaults { service, faults: get_link_faults(i, "faults")? }
        }
        5 => {
            let service = get_service(i)?;
            Fault::SetHandleTime { service, handle_ms: i.uint("handle_ms", u64::MAX, None)? }
        }
        6 => Fault::HealAll,
        7 => {
            let then = match i.name("then", DECISION_TRAPS, None)? {
                0 => DecisionTrap::CrashCoordinator,
                _ => DecisionTrap::Partition { service: get_service(i)? },
            };
            Fault::AtNextDecision { then }
        }
        8 => Fault::CrashAfterCommit { service: get_service(i)? },
        9 => {
            let service = get_service(i)?;
            Fault::FailHandling { service, on: i.flag("on", None)? }
        }
        _ => Fault::PoisonNextEvent { service: get_service(i)? },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_its_own_name_and_reads_back() {
        for (i, &p) in Protocol::ALL.iter().enumerate() {
            assert_eq!((protocol_index(p), protocol_value(i)), (i, p));
        }
        for (i, &s) in ServiceId::NODES.iter().enumerate() {
            assert_eq!((service_index(s), service_value(i)), (i, s));
        }
        // The wire names are frozen: these are what files written today contain.
        assert_eq!(PROTOCOLS, ["Choreography", "Orchestration", "Tcc", "TwoPc"]);
        assert_eq!(COMMANDS.len(), 12);
        assert_eq!(FAULTS.len(), 11);
    }
}
