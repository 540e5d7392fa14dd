//! Commands between the coordinator and a service, and their replies. They travel over the
//! coordinator's own links, not the bus, and every participant handles them idempotently: a
//! retried command returns the first outcome instead of acting twice.

use crate::ids::{OrderId, ProductId, RequestId, ServiceId};
use crate::message::CancelReason;
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
}

impl Rpc {
    /// The service that carries it out.
    pub const fn target(&self) -> ServiceId {
        match self {
            Rpc::ReserveStock { .. } | Rpc::ReleaseStock { .. } => ServiceId::Product,
            Rpc::ScheduleDelivery | Rpc::CancelDelivery => ServiceId::Delivery,
            Rpc::NotifyCustomer | Rpc::RejectOrder { .. } => ServiceId::Order,
        }
    }

    /// Whether it undoes earlier work.
    pub const fn is_compensation(&self) -> bool {
        matches!(self, Rpc::ReleaseStock { .. } | Rpc::CancelDelivery | Rpc::RejectOrder { .. })
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
            Rpc::RejectOrder { reason } => write!(f, "RejectOrder({reason:?})"),
            other => f.write_str(other.name()),
        }
    }
}
