//! The Order service: takes orders from the client, marks them PENDING, and confirms or cancels
//! them as the other services' answers arrive.
//!
//! Its tables: the orders (with `notified`, whether the customer was told CONFIRMED, and `locked`),
//! the idempotency keys of the orders kept (a resubmission is answered `AlreadyPlaced`, see
//! `sim/client.rs`), and Order's replica of the stock, kept from Product's messages and possibly
//! stale. Under TCC and 2PC phase one takes the order out of the customer's hands (`locked`): a
//! customer's cancel meanwhile is refused with a reason, and a cancel that reached Order first
//! makes Order vote no.

use super::Ctx;
use crate::config::PlacementMode;
use crate::ids::{IdempotencyKey, MessageId, OrderId, ProductId, ServiceId};
use crate::message::{CancelReason, Event, Message, StockChange};
use crate::outcome::Outcome;
use crate::rpc::{Rpc, RpcResult};
use crate::stable_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// An order's status as the client sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    /// Accepted; the saga is still running.
    Pending,
    /// Stock taken and delivery started.
    Confirmed,
    /// Cancelled, with the reason.
    Cancelled(CancelReason),
    /// Cancel accepted (seed 000): OrderCancelled is out and the order waits for the
    /// compensations to be confirmed back (DeliveryCancelled and Product's answer, or the
    /// coordinator's last command). A PENDING state of its own.
    Cancelling(CancelReason),
}

impl OrderStatus {
    /// The status's name, as the trace writes it.
    pub const fn label(self) -> &'static str {
        match self {
            OrderStatus::Pending => "PENDING",
            OrderStatus::Confirmed => "CONFIRMED",
            OrderStatus::Cancelled(_) => "CANCELLED",
            OrderStatus::Cancelling(_) => "CANCELLING",
        }
    }

    /// Whether the order is settled: CONFIRMED or CANCELLED, with nothing more to wait for.
    pub const fn is_final(self) -> bool {
        matches!(self, OrderStatus::Confirmed | OrderStatus::Cancelled(_))
    }

    /// Whether the customer may ask to cancel now (not once a cancel is accepted or done).
    pub const fn cancellable(self) -> bool {
        matches!(self, OrderStatus::Pending | OrderStatus::Confirmed)
    }
}

/// A row of the orders table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    /// The order's id.
    pub id: OrderId,
    /// What was ordered.
    pub product: ProductId,
    /// How many units.
    pub quantity: u32,
    /// Its status.
    pub status: OrderStatus,
    /// The key of the request that created it.
    pub idempotency_key: IdempotencyKey,
    /// When it was placed.
    pub placed_at_ms: u64,
    /// When it last changed status.
    pub updated_at_ms: u64,
    /// Whether ProductChanged (stock taken) has arrived.
    pub stock_reply: bool,
    /// Whether DeliveryStarted has arrived.
    pub delivery_reply: bool,
    /// The messages that brought Product's and Delivery's answers, first of each: the "all done"
    /// step joins them (the screen draws that join).
    pub answered_by: [Option<MessageId>; 2],
    /// Whether the customer was told the order is confirmed (orchestration's last, irreversible
    /// step). A notified order that is later cancelled owes the customer an apology.
    pub notified: bool,
    /// TCC or 2PC: phase one took the row out of the customer's hands until the decision
    /// arrives (a 2PC lock; a TCC reservation of the order itself).
    pub locked: bool,
    /// With `SimConfig::all_done_event`: AllDone is on its way, and the order waits for it.
    #[serde(default)]
    pub all_done_sent: bool,
    /// While CANCELLING: which compensations are confirmed back, Product's (the stock given
    /// back, or nothing to give) and Delivery's (DeliveryCancelled).
    #[serde(default)]
    pub undone: [bool; 2],
}

/// A placement Order refused: it never became an order, but the client was told why (the CP
/// choice refuses orders while Product is unreachable, for one). Kept for the orders table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedOrder {
    /// When it was refused.
    pub at_ms: u64,
    /// What was asked for.
    pub product: ProductId,
    /// How many units.
    pub quantity: u32,
    /// Why.
    pub reason: Rejection,
}

/// Why Order refused a request. The client sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rejection {
    /// The Order service is down or cut off from the client.
    OrderServiceDown,
    /// CP mode and Product cannot be reached, so the stock cannot be checked now.
    ProductUnreachable,
    /// The product id is not in the catalogue.
    UnknownProduct,
    /// The quantity is zero or absurdly large.
    BadQuantity,
    /// The run has reached `limits.max_orders`.
    OrderLimitReached,
    /// Order's outbox is full; it refuses new work until the relay drains it.
    OutboxFull,
    /// No such order.
    UnknownOrder,
    /// The order is already cancelled.
    AlreadyCancelled,
    /// TCC or 2PC: a transaction holds the order until its decision arrives.
    OrderLocked,
    /// A cancel was already accepted; the order waits for its compensations.
    CancelInProgress,
}

impl Rejection {
    /// The reason as a sentence for the client.
    pub const fn label(self) -> &'static str {
        match self {
            Rejection::OrderServiceDown => "Order service is unavailable",
            Rejection::ProductUnreachable => "Product service unreachable; CP mode refuses orders it cannot check",
            Rejection::UnknownProduct => "no such product",
            Rejection::BadQuantity => "quantity must be between 1 and 1000",
            Rejection::OrderLimitReached => "the order table is full (limits.max_orders)",
            Rejection::OutboxFull => "Order's outbox is full; try again once it drains",
            Rejection::UnknownOrder => "no such order",
            Rejection::AlreadyCancelled => "the order is already cancelled",
            Rejection::OrderLocked => "a transaction holds the order until its decision arrives",
            Rejection::CancelInProgress => "a cancel is already under way",
        }
    }
}

/// Order's answer to the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "reply")]
pub enum Reply {
    /// A new order, PENDING.
    Accepted {
        /// The new order.
        order: OrderId,
    },
    /// The idempotency key was seen before: the existing order is returned, nothing new made.
    AlreadyPlaced {
        /// The existing order.
        order: OrderId,
    },
    /// The order is now CANCELLED and OrderCancelled was published (`SimConfig::cancel_at_once`).
    Cancelled {
        /// The order.
        order: OrderId,
    },
    /// The request was refused.
    Rejected {
        /// Why.
        reason: Rejection,
    },
    /// Cancel accepted (seed 000, "취소 접수"): OrderCancelled was published and the order is
    /// CANCELLING until its compensations are confirmed.
    CancelAccepted {
        /// The order.
        order: OrderId,
    },
    /// A synchronous answer (`SimConfig::reply_timing`): the order the client waited for is
    /// settled.
    Settled {
        /// The order.
        order: OrderId,
        /// Its final status.
        status: OrderStatus,
    },
    /// No answer within `SimConfig::client_timeout_ms`: the client stopped waiting. The order
    /// goes on without it; the client can look it up later.
    TimedOut {
        /// The order.
        order: OrderId,
    },
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Reply::Accepted { order } => write!(f, "accepted {order} (PENDING)"),
            Reply::AlreadyPlaced { order } => write!(f, "already placed: {order} (same idempotency key)"),
            Reply::Cancelled { order } => write!(f, "cancelled {order}"),
            Reply::CancelAccepted { order } => write!(f, "cancel accepted {order} (CANCELLING)"),
            Reply::Settled { order, status } => write!(f, "{order} settled: {}", status.label()),
            Reply::TimedOut { order } => write!(f, "client timed out waiting for {order}"),
            Reply::Rejected { reason } => write!(f, "rejected: {}", reason.label()),
        }
    }
}

/// The largest quantity one order may ask for.
pub const MAX_QUANTITY: u32 = 1_000;

/// Order's tables.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderService {
    /// The orders, indexed by id.
    pub orders: crate::order_table::OrderTable<OrderRow>,
    /// Idempotency keys of accepted requests (an archived order's key is forgotten with it).
    #[serde(skip)]
    pub keys: FxHashMap<IdempotencyKey, OrderId>,
    /// Totals of the orders archived (settled, rows dropped).
    pub archived: ArchivedOrders,
    /// Order's own copy of each product's stock, as last reported by Product (may be stale).
    pub product_replica: Vec<i64>,
    /// The newest Product message applied to each replica row. Product emits in id order, so an
    /// older message overtaken on the way (reordering) cannot roll the copy back.
    pub replica_source: Vec<Option<MessageId>>,
    /// `SimConfig::all_done_event`: publish AllDone and confirm on handling it.
    pub all_done_event: bool,
    /// `SimConfig::cancel_at_once`: a cancel is CANCELLED at once, not CANCELLING.
    #[serde(default)]
    pub cancel_at_once: bool,
}

/// What is left of archived orders: the totals the run's figures need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedOrders {
    /// Archived orders that were CONFIRMED.
    pub confirmed: u32,
    /// Archived orders that were CANCELLED.
    pub cancelled: u32,
    /// Their time from placing to final status, summed.
    pub latency_total_ms: u64,
    /// The longest of those times.
    pub longest_ms: u64,
}

impl ArchivedOrders {
    /// Counts a final order that leaves the tables.
    pub fn add(&mut self, row: &OrderRow) {
        match row.status {
            OrderStatus::Confirmed => self.confirmed += 1,
            OrderStatus::Cancelled(_) => self.cancelled += 1,
            OrderStatus::Pending | OrderStatus::Cancelling(_) => return,
        }
        let ms = row.updated_at_ms.saturating_sub(row.placed_at_ms);
        self.latency_total_ms += ms;
        self.longest_ms = self.longest_ms.max(ms);
    }
}

/// A place-order request as Order sees it, with what the engine knows about the world.
#[derive(Clone, Copy, Debug)]
pub struct PlaceRequest {
    /// What to order.
    pub product: ProductId,
    /// How many.
    pub quantity: u32,
    /// The request's key.
    pub key: IdempotencyKey,
    /// The CAP choice in force.
    pub mode: PlacementMode,
    /// Whether Product answers right now (checked only under CP).
    pub product_reachable: bool,
    /// Products in the catalogue.
    pub product_count: usize,
    /// `limits.max_orders`.
    pub max_orders: u32,
}

impl OrderService {
    /// Order's tables at the start of a run.
    pub fn new(initial_stock: &[i64]) -> OrderService {
        OrderService {
            product_replica: initial_stock.to_vec(),
            replica_source: vec![None; initial_stock.len()],
            ..Default::default()
        }
    }

    /// The row of `order`, if it exists.
    pub fn get(&self, order: OrderId) -> Option<&OrderRow> {
        self.orders.get(order)
    }

    /// Handles a place-order request: a local transaction that stores the order PENDING and
    /// emits OrderPlaced, or a refusal.
    pub fn place(&mut self, req: PlaceRequest, ctx: &mut Ctx<'_>) -> Reply {
        if let Some(&order) = self.keys.get(&req.key) {
            return Reply::AlreadyPlaced { order };
        }
        if usize::from(req.product.0) >= req.product_count {
            return Reply::Rejected { reason: Rejection::UnknownProduct };
        }
        if req.quantity == 0 || req.quantity > MAX_QUANTITY {
            return Reply::Rejected { reason: Rejection::BadQuantity };
        }
        if self.orders.end() >= req.max_orders {
            return Reply::Rejected { reason: Rejection::OrderLimitReached };
        }
        if req.mode == PlacementMode::Cp && !req.product_reachable {
            return Reply::Rejected { reason: Rejection::ProductUnreachable };
        }
        let id = OrderId(self.orders.end());
        self.orders.push(OrderRow {
            id,
            product: req.product,
            quantity: req.quantity,
            status: OrderStatus::Pending,
            idempotency_key: req.key,
            placed_at_ms: ctx.now_ms,
            updated_at_ms: ctx.now_ms,
            stock_reply: false,
            delivery_reply: false,
            answered_by: [None; 2],
            notified: false,
            locked: false,
            all_done_sent: false,
            undone: [false; 2],
        });
        self.keys.insert(req.key, id);
        let event = Event::OrderPlaced { order: id, product: req.product, quantity: req.quantity };
        ctx.emit(ServiceId::Order, event, None);
        Reply::Accepted { order: id }
    }

    /// Handles the client's cancel request (seed 000, steps 2 and 5): the cancel is accepted,
    /// OrderCancelled goes out, and the order is CANCELLING until its compensations are
    /// confirmed back.
    pub fn cancel(&mut self, order: OrderId, ctx: &mut Ctx<'_>) -> Reply {
        let Some(row) = self.orders.get_mut(order) else {
            return Reply::Rejected { reason: Rejection::UnknownOrder };
        };
        match row.status {
            OrderStatus::Cancelled(_) => return Reply::Rejected { reason: Rejection::AlreadyCancelled },
            OrderStatus::Cancelling(_) => return Reply::Rejected { reason: Rejection::CancelInProgress },
            OrderStatus::Pending | OrderStatus::Confirmed => {}
        }
        if row.locked {
            return Reply::Rejected { reason: Rejection::OrderLocked };
        }
        Self::cancel_row(row, CancelReason::UserRequest, None, self.cancel_at_once, ctx);
        if self.cancel_at_once { Reply::Cancelled { order } } else { Reply::CancelAccepted { order } }
    }

    fn cancel_row(
        row: &mut OrderRow,
        reason: CancelReason,
        cause: Option<MessageId>,
        at_once: bool,
        ctx: &mut Ctx<'_>,
    ) {
        row.status = if at_once { OrderStatus::Cancelled(reason) } else { OrderStatus::Cancelling(reason) };
        row.updated_at_ms = ctx.now_ms;
        let event = Event::OrderCancelled { order: row.id, product: row.product, quantity: row.quantity, reason };
        ctx.emit(ServiceId::Order, event, cause);
    }

    /// Handles a command from the coordinator (a local transaction), idempotently.
    pub fn handle_command(&mut self, order: OrderId, rpc: &Rpc, now_ms: u64) -> RpcResult {
        let Some(row) = self.orders.get_mut(order) else { return RpcResult::Refused };
        match (*rpc, row.status) {
            (Rpc::QueryOrder { .. }, status) => RpcResult::Status { status },
            (Rpc::Try { .. } | Rpc::Prepare { .. }, OrderStatus::Pending) => {
                row.locked = true;
                RpcResult::Done
            }
            (Rpc::Try { .. } | Rpc::Prepare { .. }, OrderStatus::Confirmed) => RpcResult::Done,
            (Rpc::Confirm { .. } | Rpc::Commit { .. }, OrderStatus::Pending) => {
                row.status = OrderStatus::Confirmed;
                row.notified = true;
                row.locked = false;
                row.updated_at_ms = now_ms;
                RpcResult::Done
            }
            (Rpc::Confirm { .. } | Rpc::Commit { .. }, OrderStatus::Confirmed) => RpcResult::Done,
            (Rpc::Cancel { reason, .. } | Rpc::Abort { reason, .. }, OrderStatus::Pending) => {
                row.status = OrderStatus::Cancelled(reason);
                row.locked = false;
                row.updated_at_ms = now_ms;
                RpcResult::Done
            }
            (Rpc::Cancel { .. } | Rpc::Abort { .. }, OrderStatus::Cancelled(_)) => {
                row.locked = false;
                RpcResult::Done
            }
            // The coordinator hears from Order last: the others have undone their part, so the
            // customer's cancel is complete.
            (Rpc::Cancel { .. } | Rpc::Abort { .. } | Rpc::RejectOrder { .. }, OrderStatus::Cancelling(reason)) => {
                row.status = OrderStatus::Cancelled(reason);
                row.locked = false;
                row.updated_at_ms = now_ms;
                RpcResult::Done
            }
            (Rpc::NotifyCustomer, OrderStatus::Pending) => {
                row.status = OrderStatus::Confirmed;
                row.notified = true;
                row.updated_at_ms = now_ms;
                RpcResult::Done
            }
            (Rpc::NotifyCustomer, OrderStatus::Confirmed) => RpcResult::Done,
            // The customer cancelled first: the saga must not confirm.
            (Rpc::NotifyCustomer, OrderStatus::Cancelled(_) | OrderStatus::Cancelling(_)) => RpcResult::Refused,
            (Rpc::RejectOrder { .. }, OrderStatus::Cancelled(_)) => RpcResult::Done,
            (Rpc::RejectOrder { reason }, _) => {
                row.status = OrderStatus::Cancelled(reason);
                row.updated_at_ms = now_ms;
                RpcResult::Done
            }
            _ => RpcResult::Refused,
        }
    }

    /// Handles one message from the bus (its local transaction).
    pub fn handle(&mut self, msg: &Message, ctx: &mut Ctx<'_>) -> Outcome {
        match msg.event {
            Event::ProductChanged { order, product, change, stock_after, .. } => {
                self.update_replica(product, stock_after, msg.id);
                match (order, change) {
                    (Some(order), StockChange::Taken) => self.answer(order, Answer::Stock, msg.id, ctx),
                    (Some(order), StockChange::Restored | StockChange::Untouched) => {
                        self.undone(order, Answer::Stock, ctx).unwrap_or(Outcome::ReplicaUpdated)
                    }
                    _ => Outcome::ReplicaUpdated,
                }
            }
            Event::DeliveryStarted { order } => self.answer(order, Answer::Delivery, msg.id, ctx),
            Event::AllDone { order } => match self.orders.get_mut(order) {
                None => Outcome::UnknownOrder { order },
                Some(row) if row.status != OrderStatus::Pending => Outcome::AlreadyFinal,
                Some(row) => {
                    row.status = OrderStatus::Confirmed;
                    row.updated_at_ms = ctx.now_ms;
                    Outcome::OrderConfirmed
                }
            },
            Event::ProductOutOfStock { order, product, available, .. } => {
                self.update_replica(product, available, msg.id);
                let Some(row) = self.orders.get_mut(order) else {
                    return Outcome::UnknownOrder { order };
                };
                if row.status != OrderStatus::Pending {
                    // Product took nothing for this order: that part of a cancel is settled.
                    return self.undone(order, Answer::Stock, ctx).unwrap_or(Outcome::AlreadyFinal);
                }
                // The rollback begins at Product, which gives nothing back: only Delivery's
                // confirmation is left to wait for.
                row.undone[0] = true;
                Self::cancel_row(row, CancelReason::OutOfStock, Some(msg.id), self.cancel_at_once, ctx);
                Outcome::OrderCancelled { reason: CancelReason::OutOfStock }
            }
            Event::DeliveryCancelled { order } => match self.orders.get(order) {
                Some(_) => self.undone(order, Answer::Delivery, ctx).unwrap_or(Outcome::AlreadyFinal),
                None => Outcome::UnknownOrder { order },
            },
            Event::OrderPlaced { .. } | Event::OrderCancelled { .. } => Outcome::NotForMe,
        }
    }

    /// A compensation of a CANCELLING order is confirmed back; with both in, the order is
    /// CANCELLED. `None` when the order is not CANCELLING.
    fn undone(&mut self, order: OrderId, part: Answer, ctx: &mut Ctx<'_>) -> Option<Outcome> {
        let row = self.orders.get_mut(order)?;
        let OrderStatus::Cancelling(reason) = row.status else { return None };
        row.undone[part as usize] = true;
        if row.undone == [true; 2] {
            row.status = OrderStatus::Cancelled(reason);
            row.updated_at_ms = ctx.now_ms;
            Some(Outcome::CancelConfirmed)
        } else {
            Some(Outcome::AwaitingOtherReply)
        }
    }

    fn update_replica(&mut self, product: ProductId, stock: i64, source: MessageId) {
        let i = usize::from(product.0);
        if let (Some(s), Some(seen)) = (self.product_replica.get_mut(i), self.replica_source.get_mut(i))
            && seen.is_none_or(|old| old < source)
        {
            *s = stock;
            *seen = Some(source);
        }
    }

    fn answer(&mut self, order: OrderId, answer: Answer, message: MessageId, ctx: &mut Ctx<'_>) -> Outcome {
        let all_done_event = self.all_done_event;
        let Some(row) = self.orders.get_mut(order) else {
            return Outcome::UnknownOrder { order };
        };
        let slot = match answer {
            Answer::Stock => {
                row.stock_reply = true;
                0
            }
            Answer::Delivery => {
                row.delivery_reply = true;
                1
            }
        };
        row.answered_by[slot].get_or_insert(message);
        if row.status != OrderStatus::Pending {
            return Outcome::AlreadyFinal;
        }
        if row.stock_reply && row.delivery_reply && all_done_event {
            if row.all_done_sent {
                return Outcome::AlreadyFinal;
            }
            // One more event, caused by the answer that completed the pair; the order stays
            // PENDING until Order handles it.
            row.all_done_sent = true;
            ctx.emit(ServiceId::Order, Event::AllDone { order }, Some(message));
            Outcome::AllDoneEmitted
        } else if row.stock_reply && row.delivery_reply {
            row.status = OrderStatus::Confirmed;
            row.updated_at_ms = ctx.now_ms;
            Outcome::OrderConfirmed
        } else {
            Outcome::AwaitingOtherReply
        }
    }
}

#[derive(Clone, Copy)]
enum Answer {
    Stock = 0,
    Delivery = 1,
}
