//! What a user (or a fault schedule) can do to the world.

use crate::config::{
    LinkFaults, MAX_DURATION_MS, MAX_STOCK, PlacementMode, SimConfig, link_fault_problems, out_of_range,
};
use crate::ids::{IdempotencyKey, MessageId, OrderId, ProductId, ServiceId};
use crate::problem::{FieldProblem, Problem};
use crate::services::order::MAX_QUANTITY;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A fault, in turmoil's vocabulary: crash and restart, partition and heal, and network weather.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Serialize, Deserialize)]
#[serde(tag = "fault")]
pub enum Fault {
    /// Stop a service: its memory (consumer position, relay state, work in hand) is lost;
    /// its tables, outbox and processed-message table survive.
    Crash {
        /// The service.
        service: ServiceId,
    },
    /// Start a crashed service again; it resumes from its committed offset.
    Restart {
        /// The service.
        service: ServiceId,
    },
    /// Cut a service's link to the bus: nothing crosses it either way.
    Partition {
        /// The service.
        service: ServiceId,
    },
    /// Repair a service's link.
    Heal {
        /// The service.
        service: ServiceId,
    },
    /// Set the network weather on one service's link, or on every link when `service` is None.
    SetLinkFaults {
        /// The service, or None for all.
        service: Option<ServiceId>,
        /// Drop, duplicate, delay and reorder chances.
        faults: LinkFaults,
    },
    /// Make a service slower (or faster) at handling each message.
    SetHandleTime {
        /// The service.
        service: ServiceId,
        /// Time per handled message.
        handle_ms: u64,
    },
    /// Restart every service, heal every link, clear every link fault and restore handle times:
    /// the "heal" phase of a fault schedule, after which the system must converge.
    HealAll,
    /// Armed now, fired once: when the TCC or 2PC coordinator next logs a decision, before it
    /// sends a word of it (the moment two-phase protocols are most fragile).
    AtNextDecision {
        /// What happens then.
        then: DecisionTrap,
    },
    /// Armed now, fired once: `service` crashes right after its next local transaction that
    /// emits events commits, before a single event is published.
    CrashAfterCommit {
        /// The service.
        service: ServiceId,
    },
    /// A service's handler fails on every message it acts on (or works again): an error switch.
    FailHandling {
        /// The service.
        service: ServiceId,
        /// Failing or not.
        on: bool,
    },
    /// The next event `service` emits is poison: every consumer's handler fails on it, always.
    PoisonNextEvent {
        /// The producer.
        service: ServiceId,
    },
}

/// What an armed `AtNextDecision` fault does.
impl Fault {
    /// The one service the fault is aimed at, if it names one (`SetLinkFaults` for all links,
    /// `HealAll` and the decision traps do not).
    pub fn service(&self) -> Option<ServiceId> {
        match *self {
            Fault::Crash { service }
            | Fault::Restart { service }
            | Fault::Partition { service }
            | Fault::Heal { service }
            | Fault::SetHandleTime { service, .. }
            | Fault::CrashAfterCommit { service }
            | Fault::FailHandling { service, .. }
            | Fault::PoisonNextEvent { service } => Some(service),
            Fault::SetLinkFaults { service, .. } => service,
            Fault::HealAll | Fault::AtNextDecision { .. } => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DecisionTrap {
    /// The coordinator crashes: every participant that voted yes is left in doubt.
    CrashCoordinator,
    /// A participant's link is cut: it never hears the decision until healed.
    Partition {
        /// The participant.
        service: ServiceId,
    },
}

/// A command from the user (or from a scenario's schedule). New variants go last: the pinned
/// trace hashes cover each variant's index.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Serialize, Deserialize)]
#[serde(tag = "command")]
pub enum Command {
    /// The client asks Order to place an order.
    PlaceOrder {
        /// What to order.
        product: ProductId,
        /// How many units.
        quantity: u32,
        /// Sent again with a resubmitted request; None lets the engine pick a fresh one.
        idempotency_key: Option<IdempotencyKey>,
    },
    /// The client asks Order to cancel an order.
    CancelOrder {
        /// The order.
        order: OrderId,
    },
    /// A courier hands a started delivery over: it can no longer be cancelled.
    CompleteDelivery {
        /// The order whose delivery completes.
        order: OrderId,
    },
    /// An operator sets a product's stock (for example to zero, to force out-of-stock).
    SetStock {
        /// The product.
        product: ProductId,
        /// The new stock.
        stock: i64,
    },
    /// Switch between CP and AP order placement.
    SetPlacementMode {
        /// The new mode.
        mode: PlacementMode,
    },
    /// Inject or heal a fault.
    Fault(Fault),
    /// An operator decides a stuck TCC order or an in-doubt 2PC transaction by hand, applying
    /// the decision at every participant that is up and writing it into the coordinator's log.
    Resolve {
        /// The order.
        order: OrderId,
        /// Confirm / commit (true) or cancel / abort (false).
        commit: bool,
    },
    /// The client's network turns flaky (or steady): Order's answer to a new order is lost on
    /// the way back, and the client sends the same request again with the same idempotency key.
    SetFlakyClient {
        /// Flaky or not.
        on: bool,
    },
    /// A person hands a dead-lettered message back to its service's handler.
    ReplayDeadLetter {
        /// The consumer it was dead-lettered at.
        service: ServiceId,
        /// The message.
        message: MessageId,
    },
    /// A person throws a dead-lettered message away: its effect will never happen.
    DiscardDeadLetter {
        /// The consumer it was dead-lettered at.
        service: ServiceId,
        /// The message.
        message: MessageId,
    },
    /// A person corrects a poison message in the dead-letter queue (its data is fixed), so that a
    /// replay of it, at this consumer or any other that queued it, now succeeds.
    FixDeadLetter {
        /// The consumer it was dead-lettered at.
        service: ServiceId,
        /// The message.
        message: MessageId,
    },
    /// Fast-forward: from now on, `orders` orders under chaos, then a heal (see `chaos`). The
    /// plan is drawn from the run's seed and the moment, so replaying this one input replays
    /// the whole fast-forward.
    FastForward {
        /// Orders to place, 1 to `chaos::MAX_ORDERS`.
        orders: u32,
    },
}

/// A command to apply at a virtual time.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedCommand {
    /// When, in virtual milliseconds since the start.
    pub at_ms: u64,
    /// What.
    pub command: Command,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Fault::Crash { service } => write!(f, "fault: crash {service}"),
            Fault::Restart { service } => write!(f, "fault: restart {service}"),
            // Payment and Points read no bus: their link is to the coordinator.
            Fault::Partition { service } if !service.reads_bus() => {
                write!(f, "fault: cut {service} off from the coordinator")
            }
            Fault::Partition { service } => write!(f, "fault: partition {service} from the bus"),
            Fault::Heal { service } => write!(f, "fault: heal {service}'s link"),
            Fault::SetLinkFaults { service, faults: l } => {
                match service {
                    Some(s) => write!(f, "fault: {s} link")?,
                    None => f.write_str("fault: every link")?,
                }
                write!(
                    f,
                    " drop={} dup={} delay={}@{}..{}ms reorder={}",
                    l.drop_probability,
                    l.duplicate_probability,
                    l.delay_probability,
                    l.delay_ms.min_ms,
                    l.delay_ms.max_ms,
                    l.reorder_probability
                )
            }
            Fault::SetHandleTime { service, handle_ms } => {
                write!(f, "fault: {service} takes {handle_ms} ms per message")
            }
            Fault::HealAll => f.write_str("fault: heal everything"),
            Fault::AtNextDecision { then: DecisionTrap::CrashCoordinator } => {
                f.write_str("fault armed: crash the coordinator at its next decision")
            }
            Fault::FailHandling { service, on } => {
                write!(f, "fault: {service}'s handler {}", if on { "fails" } else { "works again" })
            }
            Fault::PoisonNextEvent { service } => write!(f, "fault: {service}'s next event is poison"),
            Fault::CrashAfterCommit { service } => {
                write!(
                    f,
                    "fault armed: {service} crashes at its next commit (before publishing, or failing it if it publishes first)"
                )
            }
            Fault::AtNextDecision { then: DecisionTrap::Partition { service } } => {
                write!(f, "fault armed: cut {service} off at the coordinator's next decision")
            }
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Command::PlaceOrder { product, quantity, idempotency_key } => {
                write!(f, "client places {product} x{quantity}")?;
                match idempotency_key {
                    Some(k) => write!(f, " (key k{})", k.0),
                    None => Ok(()),
                }
            }
            Command::CancelOrder { order } => write!(f, "client cancels {order}"),
            Command::CompleteDelivery { order } => write!(f, "courier completes delivery of {order}"),
            Command::SetStock { product, stock } => write!(f, "operator sets {product} stock to {stock}"),
            Command::SetPlacementMode { mode } => write!(f, "placement mode {mode:?}"),
            Command::Resolve { order, commit } => {
                write!(f, "operator resolves {order}: {}", if commit { "confirm" } else { "cancel" })
            }
            Command::Fault(fault) => fault.fmt(f),
            Command::ReplayDeadLetter { service, message } => write!(f, "operator replays {message} at {service}"),
            Command::DiscardDeadLetter { service, message } => write!(f, "operator discards {message} at {service}"),
            Command::FixDeadLetter { service, message } => write!(f, "operator fixes {message} at {service}"),
            Command::FastForward { orders } => write!(f, "fast-forward: {orders} orders under chaos"),
            Command::SetFlakyClient { on } => write!(f, "client network {}", if on { "flaky" } else { "steady" }),
        }
    }
}

/// The problems with one command in a run with this config (the engine would refuse it, or
/// clamp a number).
pub fn command_problems(command: &Command, config: &SimConfig) -> Vec<FieldProblem> {
    let products = config.products.len() as u64;
    let mut out = Vec::new();
    let mut bad = |field: &str, problem: Problem| out.push(FieldProblem::new(field, problem));
    let product_problem =
        |p: u16| (u64::from(p) >= products).then_some(Problem::NoSuchProduct { got: p.into(), products });
    match *command {
        Command::PlaceOrder { product, quantity, .. } => {
            if let Some(p) = product_problem(product.0) {
                bad("product", p);
            }
            if quantity == 0 || quantity > MAX_QUANTITY {
                bad("quantity", out_of_range(quantity, 1, MAX_QUANTITY));
            }
        }
        Command::SetStock { product, stock } => {
            if let Some(p) = product_problem(product.0) {
                bad("product", p);
            }
            if !(0..=MAX_STOCK).contains(&stock) {
                bad("stock", out_of_range(stock, 0, MAX_STOCK));
            }
        }
        Command::Fault(Fault::SetLinkFaults { faults, .. }) => {
            for p in link_fault_problems(&faults) {
                out.push(p.within("faults"));
            }
        }
        Command::Fault(Fault::SetHandleTime { handle_ms, .. }) if handle_ms > MAX_DURATION_MS => {
            bad("handle_ms", out_of_range(handle_ms, 0, MAX_DURATION_MS));
        }
        Command::FastForward { orders } if !(1..=crate::chaos::MAX_ORDERS).contains(&orders) => {
            bad("orders", out_of_range(orders, 1, crate::chaos::MAX_ORDERS));
        }
        _ => {}
    }
    out
}
