//! Commands between the coordinator and a service, and their replies. They travel over the
//! coordinator's own links, not the bus, and every participant handles them idempotently: a
//! retried command returns the first outcome instead of acting twice.

use crate::ids::{OrderId, ProductId, RequestId, ServiceId};
use crate::message::CancelReason;
use crate::services::order::OrderStatus;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A step of the orchestrated saga, in the order the coordinator runs them by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Step {
    /// Product reserves the units.
    ReserveStock,
    /// Delivery schedules the delivery.
    ScheduleDelivery,
    /// Order confirms the order and tells the customer. It cannot be undone, so it goes last.
    NotifyCustomer,
}

impl Step {
    /// The default plan: the step that cannot be undone comes last (seed 001).
    pub const SAFE_PLAN: [Step; 3] = [Step::ReserveStock, Step::ScheduleDelivery, Step::NotifyCustomer];
    /// The plan with the irreversible step first, to show why order matters.
    pub const NOTIFY_FIRST_PLAN: [Step; 3] = [Step::NotifyCustomer, Step::ReserveStock, Step::ScheduleDelivery];

    /// The step's name.
    pub const fn name(self) -> &'static str {
        match self {
            Step::ReserveStock => "ReserveStock",
            Step::ScheduleDelivery => "ScheduleDelivery",
            Step::NotifyCustomer => "NotifyCustomer",
        }
    }

    /// Whether a compensation exists for this step.
    pub const fn reversible(self) -> bool {
        !matches!(self, Step::NotifyCustomer)
    }
}

/// What the coordinator asks a service to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "rpc")]
pub enum Rpc {
    /// Product: take the units for the order.
    ReserveStock {
        /// The product.
        product: ProductId,
        /// Units.
        quantity: u32,
    },
    /// Product: give the units back (compensation of `ReserveStock`).
    ReleaseStock {
        /// The product.
        product: ProductId,
        /// Units.
        quantity: u32,
    },
    /// Delivery: start the delivery.
    ScheduleDelivery,
    /// Delivery: stop the delivery (compensation of `ScheduleDelivery`).
    CancelDelivery,
    /// Order: mark the order CONFIRMED and notify the customer.
    NotifyCustomer,
    /// Order: mark the order CANCELLED (the end of backward recovery).
    RejectOrder {
        /// Why.
        reason: CancelReason,
    },
    /// TCC phase one: reserve without making final (stock held, a delivery slot held, the
    /// order row taken out of the customer's hands).
    Try {
        /// The participant.
        at: ServiceId,
        /// The product.
        product: ProductId,
        /// Units.
        quantity: u32,
    },
    /// TCC phase two: make the reservation final.
    Confirm {
        /// The participant.
        at: ServiceId,
    },
    /// TCC phase two: release the reservation (or, after Confirm, give it back).
    Cancel {
        /// The participant.
        at: ServiceId,
        /// Why, for Order.
        reason: CancelReason,
    },
    /// 2PC phase one: vote, and if yes lock the rows until the decision arrives.
    Prepare {
        /// The participant.
        at: ServiceId,
        /// The product.
        product: ProductId,
        /// Units.
        quantity: u32,
    },
    /// 2PC phase two: commit the prepared work and release the locks.
    Commit {
        /// The participant.
        at: ServiceId,
    },
    /// 2PC phase two: roll the prepared work back and release the locks.
    Abort {
        /// The participant.
        at: ServiceId,
        /// Why, for Order.
        reason: CancelReason,
    },
    /// A TCC participant's sweeper asks Order for an order's status.
    QueryOrder {
        /// Who asks.
        from: ServiceId,
    },
}

impl Rpc {
    /// The service that carries it out.
    pub const fn target(&self) -> ServiceId {
        match *self {
            Rpc::ReserveStock { .. } | Rpc::ReleaseStock { .. } => ServiceId::Product,
            Rpc::ScheduleDelivery | Rpc::CancelDelivery => ServiceId::Delivery,
            Rpc::NotifyCustomer | Rpc::RejectOrder { .. } | Rpc::QueryOrder { .. } => ServiceId::Order,
            Rpc::Try { at, .. }
            | Rpc::Confirm { at }
            | Rpc::Cancel { at, .. }
            | Rpc::Prepare { at, .. }
            | Rpc::Commit { at }
            | Rpc::Abort { at, .. } => at,
        }
    }

    /// Who waits for the answer: the coordinator, or the sweeper that asked.
    pub const fn requester(&self) -> ServiceId {
        match *self {
            Rpc::QueryOrder { from } => from,
            _ => ServiceId::Coordinator,
        }
    }

    /// Whether it is the first phase of a two-phase transaction (a vote).
    pub const fn is_phase_one(&self) -> bool {
        matches!(self, Rpc::Try { .. } | Rpc::Prepare { .. })
    }

    /// Whether it undoes earlier work.
    pub const fn is_compensation(&self) -> bool {
        matches!(
            self,
            Rpc::ReleaseStock { .. }
                | Rpc::CancelDelivery
                | Rpc::RejectOrder { .. }
                | Rpc::Cancel { .. }
                | Rpc::Abort { .. }
        )
    }

    /// Its name, as drawn on the stage.
    pub const fn name(&self) -> &'static str {
        match self {
            Rpc::ReserveStock { .. } => "ReserveStock",
            Rpc::ReleaseStock { .. } => "ReleaseStock",
            Rpc::ScheduleDelivery => "ScheduleDelivery",
            Rpc::CancelDelivery => "CancelDelivery",
            Rpc::NotifyCustomer => "NotifyCustomer",
            Rpc::RejectOrder { .. } => "RejectOrder",
            Rpc::Try { .. } => "Try",
            Rpc::Confirm { .. } => "Confirm",
            Rpc::Cancel { .. } => "Cancel",
            Rpc::Prepare { .. } => "Prepare",
            Rpc::Commit { .. } => "Commit",
            Rpc::Abort { .. } => "Abort",
            Rpc::QueryOrder { .. } => "QueryOrder",
        }
    }
}

/// A participant's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "result")]
pub enum RpcResult {
    /// Done (or already done: the command is idempotent).
    Done,
    /// A business failure: too few units.
    OutOfStock {
        /// Units in stock.
        available: i64,
    },
    /// A business refusal: the step's target was already undone or cancelled (a tombstone), or
    /// the customer cancelled first.
    Refused,
    /// The compensation cannot be done: the parcel was already handed over.
    CannotUndo,
    /// 2PC: the row is locked by another transaction; the prepare waits in the row's queue.
    /// Never sent: the answer comes when the lock is released.
    Blocked,
    /// The answer to a sweeper's QueryOrder.
    Status {
        /// The order's status.
        status: OrderStatus,
    },
}

/// A command on the wire, or its reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RpcPacket {
    /// The request.
    pub request: RequestId,
    /// The saga (order).
    pub order: OrderId,
    /// What is asked.
    pub rpc: Rpc,
    /// The answer, on the way back; None on the way out.
    pub result: Option<RpcResult>,
}

impl fmt::Display for Rpc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Rpc::ReserveStock { product, quantity } => write!(f, "ReserveStock({product} x{quantity})"),
            Rpc::ReleaseStock { product, quantity } => write!(f, "ReleaseStock({product} x{quantity})"),
            Rpc::RejectOrder { reason } => write!(f, "RejectOrder({})", reason.name()),
            Rpc::Try { at, .. } | Rpc::Confirm { at } | Rpc::Prepare { at, .. } | Rpc::Commit { at } => {
                write!(f, "{}@{at}", self.name())
            }
            Rpc::Cancel { at, reason } | Rpc::Abort { at, reason } => {
                write!(f, "{}@{at}({})", self.name(), reason.name())
            }
            Rpc::QueryOrder { from } => write!(f, "QueryOrder from {from}"),
            other => f.write_str(other.name()),
        }
    }
}
