//! The Delivery service: starts a delivery for each placed order, cancels it when the order is
//! cancelled.
//!
//! A delivery row is STARTED, COMPLETED (the parcel was handed over) or CANCELLED; under TCC Try
//! holds a slot (HELD), under 2PC Prepare prepares it (PREPARED), and Confirm or Commit makes it
//! STARTED. The row counts the parcels sent, so a second parcel for one order shows
//! (`AtMostOnceEffect`). A CANCELLED row with no parcel is a tombstone: a cancel or compensation
//! that overtook the start makes the late start a refusal, not a leak.

use super::Ctx;
use super::holds::{Hold, HoldRow};
use crate::ids::{OrderId, ServiceId};
use crate::message::{Event, Message};
use crate::outcome::Outcome;
use crate::rpc::{Rpc, RpcResult};
use serde::{Deserialize, Serialize};

/// A delivery's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeliveryStatus {
    /// On its way.
    Started,
    /// Handed over; it can no longer be cancelled.
    Completed,
    /// Stopped.
    Cancelled,
    /// TCC: a delivery slot held by Try, until Confirm starts it or Cancel frees it.
    Held,
    /// 2PC: prepared and locked, until commit starts it or abort drops it.
    Prepared,
}

/// A row of the deliveries table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeliveryRow {
    /// The order delivered.
    pub order: OrderId,
    /// Its status.
    pub status: DeliveryStatus,
    /// Parcels sent: more than one only when a duplicate was applied.
    pub parcels: u32,
    /// When it last changed.
    pub updated_at_ms: u64,
    /// TCC: when a held slot counts as stale (0 otherwise).
    pub stale_at_ms: u64,
}

impl DeliveryStatus {
    /// Whether the slot is held open for a transaction (TCC's hold, 2PC's prepared lock).
    pub const fn is_open(self) -> bool {
        matches!(self, DeliveryStatus::Held | DeliveryStatus::Prepared)
    }
}

impl DeliveryRow {
    fn new(order: OrderId, status: DeliveryStatus, parcels: u32, now_ms: u64) -> DeliveryRow {
        DeliveryRow { order, status, parcels, updated_at_ms: now_ms, stale_at_ms: 0 }
    }

    fn set(&mut self, status: DeliveryStatus, now_ms: u64) {
        self.status = status;
        self.updated_at_ms = now_ms;
    }
}

/// Delivery's tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryService {
    /// The deliveries, indexed by order id (None where no delivery exists).
    pub deliveries: crate::order_table::OrderTable<Option<DeliveryRow>>,
    /// Deliveries of archived orders (their rows are gone).
    pub archived: u32,
    /// Slots held (TCC) or prepared (2PC): how many now, how long in all.
    pub holds: super::holds::Holds,
    /// `SimConfig::cancel_at_once`: Order does not wait, so a cancel that overtook the order
    /// goes unanswered.
    pub cancel_at_once: bool,
}

impl HoldRow for DeliveryRow {
    fn order(&self) -> OrderId {
        self.order
    }
    fn held(&self) -> bool {
        self.status == DeliveryStatus::Held
    }
    fn open(&self) -> bool {
        self.status.is_open()
    }
    fn updated_at_ms(&self) -> u64 {
        self.updated_at_ms
    }
    fn stale_at_ms(&self) -> u64 {
        self.stale_at_ms
    }
}

impl DeliveryService {
    /// The delivery of `order`, if any.
    pub fn get(&self, order: OrderId) -> Option<&DeliveryRow> {
        self.deliveries.get(order).and_then(Option::as_ref)
    }

    /// A courier hands the parcel over. Only a STARTED delivery can complete.
    pub fn complete(&mut self, order: OrderId, now_ms: u64) -> bool {
        match self.deliveries.get_mut(order) {
            Some(Some(row)) if row.status == DeliveryStatus::Started => {
                row.status = DeliveryStatus::Completed;
                row.updated_at_ms = now_ms;
                true
            }
            _ => false,
        }
    }

    /// How long slots have been held or prepared in all, open ones up to `now_ms`.
    pub fn held_ms(&self, now_ms: u64) -> u64 {
        self.holds.held_ms(now_ms, self.deliveries.iter().flatten())
    }

    /// TCC holds past their time, oldest order first, at most `max`.
    pub fn stale_holds(&self, now_ms: u64, max: usize) -> Vec<OrderId> {
        super::holds::stale(self.deliveries.iter().flatten(), now_ms, max)
    }

    /// Handles a command from the coordinator (a local transaction), idempotently. `ttl_ms` is
    /// a TCC hold's lifetime.
    pub fn handle_command(&mut self, order: OrderId, rpc: &Rpc, now_ms: u64, ttl_ms: u64) -> RpcResult {
        let before = Hold::of(self.get(order));
        let result = self.command(order, rpc, now_ms, ttl_ms);
        let after = Hold::of(self.get(order));
        self.holds.track(before, after, now_ms);
        result
    }

    fn command(&mut self, order: OrderId, rpc: &Rpc, now_ms: u64, ttl_ms: u64) -> RpcResult {
        use DeliveryStatus::{Cancelled, Completed, Held, Prepared, Started};
        let row = self.deliveries.slot(order);
        match (*rpc, row.as_mut()) {
            (Rpc::ScheduleDelivery, None) => {
                *row = Some(DeliveryRow::new(order, Started, 1, now_ms));
                RpcResult::Done
            }
            (Rpc::Try { .. }, None) => {
                let mut r = DeliveryRow::new(order, Held, 0, now_ms);
                r.stale_at_ms = now_ms.saturating_add(ttl_ms);
                *row = Some(r);
                RpcResult::Done
            }
            (Rpc::Prepare { .. }, None) => {
                *row = Some(DeliveryRow::new(order, Prepared, 0, now_ms));
                RpcResult::Done
            }
            (Rpc::Try { .. } | Rpc::Prepare { .. }, Some(r)) => {
                if r.status == Cancelled {
                    RpcResult::Refused
                } else {
                    RpcResult::Done
                }
            }
            (Rpc::Confirm { .. } | Rpc::Commit { .. }, Some(r)) => match r.status {
                Held | Prepared => {
                    r.set(Started, now_ms);
                    r.parcels = 1;
                    RpcResult::Done
                }
                Started | Completed => RpcResult::Done,
                Cancelled => RpcResult::Refused,
            },
            (Rpc::Cancel { .. } | Rpc::Abort { .. }, None) => {
                *row = Some(DeliveryRow::new(order, Cancelled, 0, now_ms));
                RpcResult::Done
            }
            (Rpc::Cancel { .. } | Rpc::Abort { .. }, Some(r)) => match r.status {
                Completed => RpcResult::CannotUndo,
                Cancelled => RpcResult::Done,
                Held | Prepared | Started => {
                    r.set(Cancelled, now_ms);
                    RpcResult::Done
                }
            },
            (Rpc::ScheduleDelivery, Some(r)) if r.status == Cancelled => RpcResult::Refused,
            (Rpc::ScheduleDelivery, Some(_)) => RpcResult::Done,
            (Rpc::CancelDelivery, None) => {
                // A tombstone, so a late ScheduleDelivery is refused.
                *row = Some(DeliveryRow::new(order, Cancelled, 0, now_ms));
                RpcResult::Done
            }
            (Rpc::CancelDelivery, Some(r)) => match r.status {
                Completed => RpcResult::CannotUndo,
                Cancelled => RpcResult::Done,
                Started | Held | Prepared => {
                    r.set(Cancelled, now_ms);
                    RpcResult::Done
                }
            },
            _ => RpcResult::Refused,
        }
    }

    /// Handles one message from the bus (its local transaction).
    pub fn handle(&mut self, msg: &Message, ctx: &mut Ctx<'_>) -> Outcome {
        match msg.event {
            Event::OrderPlaced { order, .. } => {
                let now = ctx.now_ms;
                let row = self.deliveries.slot(order);
                let again = match row {
                    // A tombstone: the cancellation overtook the order.
                    Some(r) if r.status == DeliveryStatus::Cancelled && r.parcels == 0 => {
                        return Outcome::PlacedAfterCancel;
                    }
                    Some(r) => {
                        // Only a duplicate with idempotency off gets here: a second parcel.
                        r.parcels += 1;
                        r.status = DeliveryStatus::Started;
                        r.updated_at_ms = now;
                        true
                    }
                    None => {
                        *row = Some(DeliveryRow::new(order, DeliveryStatus::Started, 1, now));
                        false
                    }
                };
                ctx.emit(ServiceId::Delivery, Event::DeliveryStarted { order }, Some(msg.id));
                Outcome::DeliveryStarted { again }
            }
            Event::OrderCancelled { order, .. } => {
                let now = ctx.now_ms;
                let row = self.deliveries.slot(order);
                match row {
                    None => {
                        // A tombstone, and the answer all the same: Order completes its cancel
                        // when it hears DeliveryCancelled.
                        *row = Some(DeliveryRow::new(order, DeliveryStatus::Cancelled, 0, now));
                        if !self.cancel_at_once {
                            ctx.emit(ServiceId::Delivery, Event::DeliveryCancelled { order }, Some(msg.id));
                        }
                        Outcome::CancelledBeforePlaced
                    }
                    Some(r) if r.status == DeliveryStatus::Completed => Outcome::CancelTooLate,
                    Some(r) if r.status == DeliveryStatus::Cancelled => Outcome::AlreadyFinal,
                    Some(r) => {
                        r.set(DeliveryStatus::Cancelled, now);
                        ctx.emit(ServiceId::Delivery, Event::DeliveryCancelled { order }, Some(msg.id));
                        Outcome::DeliveryCancelled
                    }
                }
            }
            _ => Outcome::NotForMe,
        }
    }
}
