//! What a service decided when it handled a message or a request: the "why" shown next to
//! every handled event, so a student can see, for example, Product ignoring the echo of its own
//! ProductOutOfStock.

use crate::ids::{MessageId, OrderId, ProductId};
use crate::message::CancelReason;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The decision a consumer made for one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "outcome")]
pub enum Outcome {
    /// The message does not concern this service; it only moves its offset on.
    NotForMe,
    /// The processed-message table already holds this id: nothing changes.
    DuplicateIgnored,
    /// The message refers to an order this service has no row for.
    UnknownOrder {
        /// The order.
        order: OrderId,
    },
    /// Product took the units.
    StockTaken {
        /// The product.
        product: ProductId,
        /// Units taken.
        quantity: u32,
        /// Stock afterwards.
        stock_after: i64,
        /// True when this order already had stock taken: a duplicate applied twice.
        again: bool,
    },
    /// Product had too few units and published ProductOutOfStock.
    OutOfStock {
        /// The product.
        product: ProductId,
        /// Units asked for.
        requested: u32,
        /// Units in stock.
        available: i64,
    },
    /// Product put the units back (compensation of a cancelled order).
    StockRestored {
        /// The product.
        product: ProductId,
        /// Units put back.
        quantity: u32,
        /// Stock afterwards.
        stock_after: i64,
        /// True when the units had already been restored once: a duplicate applied twice.
        again: bool,
    },
    /// Product did not restock: the cancellation's causation id is its own ProductOutOfStock.
    EchoOfOwnEvent {
        /// Product's own ProductOutOfStock message.
        own_message: MessageId,
    },
    /// Product did not restock: it never took stock for this order.
    NothingToRestore,
    /// The cancellation arrived before the order itself (reordering); a tombstone is kept.
    CancelledBeforePlaced,
    /// The order arrived after its cancellation; the tombstone says to ignore it.
    PlacedAfterCancel,
    /// Delivery started a delivery.
    DeliveryStarted {
        /// True when a delivery had already been started: a second parcel goes out.
        again: bool,
    },
    /// Delivery cancelled a delivery (compensation).
    DeliveryCancelled,
    /// Delivery could not cancel: the parcel was already handed over.
    CancelTooLate,
    /// Order recorded one of the two answers it waits for and keeps waiting for the other.
    AwaitingOtherReply,
    /// Order had both answers: the order is CONFIRMED ("all done").
    OrderConfirmed,
    /// Order cancelled the order and published OrderCancelled.
    OrderCancelled {
        /// Why.
        reason: CancelReason,
    },
    /// Order received an answer for an order already final, and only noted it.
    AlreadyFinal,
    /// Order updated its replica of a product's stock.
    ReplicaUpdated,
    /// The coordinator started the order's saga.
    SagaStarted,
    /// The coordinator learned the customer cancelled and undoes the saga.
    SagaCancelRequested,
    /// The stock-guessing shortcut guessed "no restock" from the stock level (stock minus the
    /// order's quantity is not above zero), whatever really happened to this order.
    GuessedNoRestock {
        /// The stock the guess looked at.
        stock: i64,
    },
    /// The message is about an order settled long ago and archived: nothing to do.
    Archived,
    /// Order had both answers and published AllDone; the order turns CONFIRMED when Order
    /// handles it (`SimConfig::all_done_event`).
    AllDoneEmitted,
    /// Order heard the last compensation confirmed: the CANCELLING order is CANCELLED.
    CancelConfirmed,
    // New variants go last: the trace hash covers each variant's index.
}

impl Outcome {
    /// Whether the handler changed anything beyond the offset and the processed table.
    pub const fn changed_state(&self) -> bool {
        !matches!(
            self,
            Outcome::NotForMe
                | Outcome::DuplicateIgnored
                | Outcome::UnknownOrder { .. }
                | Outcome::EchoOfOwnEvent { .. }
                | Outcome::NothingToRestore
                | Outcome::PlacedAfterCancel
                | Outcome::CancelTooLate
                | Outcome::AlreadyFinal
                | Outcome::GuessedNoRestock { .. }
                | Outcome::Archived
        )
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Outcome::NotForMe => f.write_str("not for me"),
            Outcome::DuplicateIgnored => f.write_str("duplicate ignored (processed-message table)"),
            Outcome::UnknownOrder { order } => write!(f, "unknown order {order}"),
            Outcome::StockTaken { product, quantity, stock_after, again } => {
                write!(f, "took {quantity} of {product}, stock {stock_after}")?;
                if again { f.write_str(" (DUPLICATE APPLIED)") } else { Ok(()) }
            }
            Outcome::OutOfStock { product, requested, available } => {
                write!(f, "out of stock: {product} has {available}, wanted {requested}")
            }
            Outcome::StockRestored { product, quantity, stock_after, again } => {
                write!(f, "restored {quantity} of {product}, stock {stock_after}")?;
                if again { f.write_str(" (DUPLICATE APPLIED)") } else { Ok(()) }
            }
            Outcome::EchoOfOwnEvent { own_message } => {
                write!(f, "no restock: caused by my own ProductOutOfStock {own_message}")
            }
            Outcome::NothingToRestore => f.write_str("no restock: nothing was taken for this order"),
            Outcome::CancelledBeforePlaced => f.write_str("cancel before order: tombstone kept"),
            Outcome::PlacedAfterCancel => f.write_str("order after its cancel: ignored"),
            Outcome::DeliveryStarted { again } => {
                f.write_str("delivery started")?;
                if again { f.write_str(" (DUPLICATE APPLIED: second parcel)") } else { Ok(()) }
            }
            Outcome::DeliveryCancelled => f.write_str("delivery cancelled"),
            Outcome::CancelTooLate => f.write_str("cannot cancel: delivery already completed"),
            Outcome::AwaitingOtherReply => f.write_str("noted, waiting for the other reply"),
            Outcome::OrderConfirmed => f.write_str("all done: order CONFIRMED"),
            Outcome::AllDoneEmitted => f.write_str("all done: AllDone published, order still PENDING"),
            Outcome::OrderCancelled { reason } => {
                write!(f, "cancel begun ({}): OrderCancelled published", reason.label())
            }
            Outcome::CancelConfirmed => f.write_str("compensations confirmed: order CANCELLED"),
            Outcome::AlreadyFinal => f.write_str("order already final: noted"),
            Outcome::ReplicaUpdated => f.write_str("product replica updated"),
            Outcome::SagaStarted => f.write_str("saga started"),
            Outcome::SagaCancelRequested => f.write_str("customer cancelled: undo the saga"),
            Outcome::GuessedNoRestock { stock } => {
                write!(f, "no restock: guessed from the stock level ({stock} minus the quantity is not above 0)")
            }
            Outcome::Archived => f.write_str("order settled and archived: ignored"),
        }
    }
}
