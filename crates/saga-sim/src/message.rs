//! Messages on the bus: the six events the seed names, each with its ids.
//!
//! Every message carries a message id (a producer's retry re-sends the same id), a correlation id
//! (the order), a causation id (the message it reacts to, or none for a user request), its source,
//! its type and payload (`Event`) and its emission time.

use crate::ids::{MessageId, OrderId, ProductId, ServiceId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an order was cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CancelReason {
    /// The customer asked to cancel.
    UserRequest,
    /// Product had too few units (the rollback flow).
    OutOfStock,
    /// An orchestrated step kept failing and the saga was compensated.
    SagaFailed,
}

impl CancelReason {
    /// The variant's name, as traces print it (not Debug: the browser build leaves Debug out).
    pub const fn name(self) -> &'static str {
        match self {
            CancelReason::UserRequest => "UserRequest",
            CancelReason::OutOfStock => "OutOfStock",
            CancelReason::SagaFailed => "SagaFailed",
        }
    }

    /// The reason as the client sees it.
    pub const fn label(self) -> &'static str {
        match self {
            CancelReason::UserRequest => "cancelled by user",
            CancelReason::OutOfStock => "out of stock",
            CancelReason::SagaFailed => "a step kept failing",
        }
    }
}

/// How a `ProductChanged` event changed the stock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StockChange {
    /// Units taken for an order.
    Taken,
    /// Units put back after an order was cancelled (a compensation).
    Restored,
    /// Stock set by an operator.
    Adjusted,
    /// Nothing was taken for a cancelled order, so nothing goes back: Product's answer to the
    /// cancellation all the same, so Order knows its part is settled.
    Untouched,
}

/// The payload of a message. A closed enum: every kind of message the world knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    /// Order stored a new order as PENDING.
    OrderPlaced {
        /// The order.
        order: OrderId,
        /// What was ordered.
        product: ProductId,
        /// How many units.
        quantity: u32,
    },
    /// Product's stock changed.
    ProductChanged {
        /// The order it changed for, if any.
        order: Option<OrderId>,
        /// The product.
        product: ProductId,
        /// Units taken, restored or added (negative when an adjustment lowered stock).
        quantity: i64,
        /// Why it changed.
        change: StockChange,
        /// Units in stock after the change.
        stock_after: i64,
    },
    /// Product could not take the units an order asked for.
    ProductOutOfStock {
        /// The order.
        order: OrderId,
        /// The product.
        product: ProductId,
        /// Units asked for.
        requested: u32,
        /// Units in stock at the time.
        available: i64,
    },
    /// Order cancelled an order (on the user's request or as a compensation).
    OrderCancelled {
        /// The order.
        order: OrderId,
        /// Its product.
        product: ProductId,
        /// Its quantity.
        quantity: u32,
        /// Why.
        reason: CancelReason,
    },
    /// Delivery started a delivery for an order.
    DeliveryStarted {
        /// The order.
        order: OrderId,
    },
    /// Delivery cancelled a delivery (a compensation).
    DeliveryCancelled {
        /// The order.
        order: OrderId,
    },
    /// Order finished every step of an order, the existing event system's way (seed 000): one
    /// more event after all the others, and the order's PENDING clears when it is handled.
    /// Published only with [`SimConfig::all_done_event`](crate::SimConfig::all_done_event).
    AllDone {
        /// The order.
        order: OrderId,
    },
}

/// The kind of an event, without its payload: for filters and counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EventType {
    /// See [`Event::OrderPlaced`].
    OrderPlaced,
    /// See [`Event::ProductChanged`].
    ProductChanged,
    /// See [`Event::ProductOutOfStock`].
    ProductOutOfStock,
    /// See [`Event::OrderCancelled`].
    OrderCancelled,
    /// See [`Event::DeliveryStarted`].
    DeliveryStarted,
    /// See [`Event::DeliveryCancelled`].
    DeliveryCancelled,
    /// See [`Event::AllDone`].
    AllDone,
}

impl EventType {
    /// Every event type.
    pub const ALL: [EventType; 7] = [
        EventType::OrderPlaced,
        EventType::ProductChanged,
        EventType::ProductOutOfStock,
        EventType::OrderCancelled,
        EventType::DeliveryStarted,
        EventType::DeliveryCancelled,
        EventType::AllDone,
    ];

    /// The name the seed uses.
    pub const fn name(self) -> &'static str {
        match self {
            EventType::OrderPlaced => "OrderPlaced",
            EventType::ProductChanged => "ProductChanged",
            EventType::ProductOutOfStock => "ProductOutOfStock",
            EventType::OrderCancelled => "OrderCancelled",
            EventType::DeliveryStarted => "DeliveryStarted",
            EventType::DeliveryCancelled => "DeliveryCancelled",
            EventType::AllDone => "AllDone",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Event {
    /// The event's type.
    pub const fn event_type(&self) -> EventType {
        match self {
            Event::OrderPlaced { .. } => EventType::OrderPlaced,
            Event::ProductChanged { .. } => EventType::ProductChanged,
            Event::ProductOutOfStock { .. } => EventType::ProductOutOfStock,
            Event::OrderCancelled { .. } => EventType::OrderCancelled,
            Event::DeliveryStarted { .. } => EventType::DeliveryStarted,
            Event::DeliveryCancelled { .. } => EventType::DeliveryCancelled,
            Event::AllDone { .. } => EventType::AllDone,
        }
    }

    /// The order the event is about: its correlation id.
    pub const fn order(&self) -> Option<OrderId> {
        match *self {
            Event::OrderPlaced { order, .. }
            | Event::ProductOutOfStock { order, .. }
            | Event::OrderCancelled { order, .. }
            | Event::DeliveryStarted { order }
            | Event::DeliveryCancelled { order }
            | Event::AllDone { order } => Some(order),
            Event::ProductChanged { order, .. } => order,
        }
    }

    /// Whether this event undoes earlier work (drawn differently on screen).
    pub const fn is_compensation(&self) -> bool {
        matches!(
            self,
            Event::OrderCancelled { .. }
                | Event::DeliveryCancelled { .. }
                | Event::ProductOutOfStock { .. }
                | Event::ProductChanged { change: StockChange::Restored | StockChange::Untouched, .. }
        )
    }
}

/// A message as published to the bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Message {
    /// Unique id; a producer's retry re-sends the same id.
    pub id: MessageId,
    /// The saga it belongs to: the order, when there is one.
    pub correlation_id: Option<OrderId>,
    /// The message this one reacts to; `None` when a user's request started it.
    pub causation_id: Option<MessageId>,
    /// Who published it.
    pub source: ServiceId,
    /// Virtual time at which its local transaction committed.
    pub emitted_at_ms: u64,
    /// Its type and payload.
    pub event: Event,
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Event::OrderPlaced { order, product, quantity } => {
                write!(f, "OrderPlaced({order} {product} x{quantity})")
            }
            Event::ProductChanged { order, product, quantity, change, stock_after } => {
                let o = order.map_or_else(|| "-".to_string(), |o| o.to_string());
                write!(f, "ProductChanged({o} {product} {change:?} {quantity} stock={stock_after})")
            }
            Event::ProductOutOfStock { order, product, requested, available } => {
                write!(f, "ProductOutOfStock({order} {product} want={requested} have={available})")
            }
            Event::OrderCancelled { order, product, quantity, reason } => {
                write!(f, "OrderCancelled({order} {product} x{quantity} {reason:?})")
            }
            Event::DeliveryStarted { order } => write!(f, "DeliveryStarted({order})"),
            Event::DeliveryCancelled { order } => write!(f, "DeliveryCancelled({order})"),
            Event::AllDone { order } => write!(f, "AllDone({order})"),
        }
    }
}
