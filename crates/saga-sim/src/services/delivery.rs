//! The Delivery service: starts a delivery for each placed order, cancels it when the order is
//! cancelled.

use super::{Ctx, slot};
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
}

/// Delivery's tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryService {
    /// The deliveries, indexed by order id (None where no delivery exists).
    pub deliveries: Vec<Option<DeliveryRow>>,
}

impl DeliveryService {
    /// The delivery of `order`, if any.
    pub fn get(&self, order: OrderId) -> Option<&DeliveryRow> {
        self.deliveries.get(order.0 as usize).and_then(Option::as_ref)
    }

    /// A courier hands the parcel over. Only a STARTED delivery can complete.
    pub fn complete(&mut self, order: OrderId, now_ms: u64) -> bool {
        match self.deliveries.get_mut(order.0 as usize) {
            Some(Some(row)) if row.status == DeliveryStatus::Started => {
                row.status = DeliveryStatus::Completed;
                row.updated_at_ms = now_ms;
                true
            }
            _ => false,
        }
    }

    /// Handles a command from the coordinator (a local transaction), idempotently.
    pub fn handle_command(&mut self, order: OrderId, rpc: &Rpc, now_ms: u64) -> RpcResult {
        let row = slot(&mut self.deliveries, order);
        match (*rpc, row.as_mut()) {
            (Rpc::ScheduleDelivery, None) => {
                *row = Some(DeliveryRow { order, status: DeliveryStatus::Started, parcels: 1, updated_at_ms: now_ms });
                RpcResult::Done
            }
            (Rpc::ScheduleDelivery, Some(r)) if r.status == DeliveryStatus::Cancelled => RpcResult::Refused,
            (Rpc::ScheduleDelivery, Some(_)) => RpcResult::Done,
            (Rpc::CancelDelivery, None) => {
                // A tombstone, so a late ScheduleDelivery is refused.
                *row =
                    Some(DeliveryRow { order, status: DeliveryStatus::Cancelled, parcels: 0, updated_at_ms: now_ms });
                RpcResult::Done
            }
            (Rpc::CancelDelivery, Some(r)) => match r.status {
                DeliveryStatus::Completed => RpcResult::CannotUndo,
                DeliveryStatus::Cancelled => RpcResult::Done,
                DeliveryStatus::Started => {
                    r.status = DeliveryStatus::Cancelled;
                    r.updated_at_ms = now_ms;
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
                let row = slot(&mut self.deliveries, order);
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
                        *row = Some(DeliveryRow {
                            order,
                            status: DeliveryStatus::Started,
                            parcels: 1,
                            updated_at_ms: now,
                        });
                        false
                    }
                };
                ctx.emit(ServiceId::Delivery, Event::DeliveryStarted { order }, Some(msg.id));
                Outcome::DeliveryStarted { again }
            }
            Event::OrderCancelled { order, .. } => {
                let now = ctx.now_ms;
                let row = slot(&mut self.deliveries, order);
                match row {
                    None => {
                        *row = Some(DeliveryRow {
                            order,
                            status: DeliveryStatus::Cancelled,
                            parcels: 0,
                            updated_at_ms: now,
                        });
                        Outcome::CancelledBeforePlaced
                    }
                    Some(r) if r.status == DeliveryStatus::Completed => Outcome::CancelTooLate,
                    Some(r) if r.status == DeliveryStatus::Cancelled => Outcome::AlreadyFinal,
                    Some(r) => {
                        r.status = DeliveryStatus::Cancelled;
                        r.updated_at_ms = now;
                        ctx.emit(ServiceId::Delivery, Event::DeliveryCancelled { order }, Some(msg.id));
                        Outcome::DeliveryCancelled
                    }
                }
            }
            _ => Outcome::NotForMe,
        }
    }
}
