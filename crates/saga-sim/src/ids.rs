//! Identifiers. Each is a newtype so an order id can never be passed where a message id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An order, and the correlation id of its saga.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrderId(pub u32);

/// A product in the catalogue; the index into `SimConfig::products`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProductId(pub u16);

/// A message, unique for the whole run. A producer retry re-sends the same id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(pub u64);

/// A command sent by the coordinator; a retry of the same step gets a new id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestId(pub u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

/// A position in the bus log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Offset(pub u64);

/// The key a client attaches to a place-order request so a resubmission is recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdempotencyKey(pub u64);

/// One of the nodes: the three services, the coordinator, or a participant a two-phase run adds.
/// All but the added participants are also consumers of the bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ServiceId {
    /// The Order service: takes orders from the client, owns the orders table.
    Order,
    /// The Product (inventory) service: owns the stock.
    Product,
    /// The Delivery service: owns the deliveries.
    Delivery,
    /// The coordinator of the orchestrated saga (and, later, of TCC and 2PC). It talks to the
    /// services over command links of its own; in the choreography it takes no part.
    Coordinator,
    /// The Payment service: a fourth participant under TCC and 2PC (seed 001: the more
    /// participants, the longer a transaction holds its locks). It owns the payments table.
    Payment,
    /// The Points service: a fifth participant under TCC and 2PC. It owns the points table.
    Points,
}

impl ServiceId {
    /// The three services that own the shop's data (the saga's participants).
    pub const ALL: [ServiceId; 3] = [ServiceId::Order, ServiceId::Product, ServiceId::Delivery];
    /// How many nodes there are: the length of arrays indexed by `index()`.
    pub const COUNT: usize = 6;
    /// Every node, for arrays indexed by `index()`: the three services, the coordinator, then
    /// the extra participants, so a prefix of it is the nodes a run has in play.
    pub const NODES: [ServiceId; ServiceId::COUNT] = [
        ServiceId::Order,
        ServiceId::Product,
        ServiceId::Delivery,
        ServiceId::Coordinator,
        ServiceId::Payment,
        ServiceId::Points,
    ];
    /// The participants a two-phase run may add beyond the three services, in the order they
    /// are added.
    pub const EXTRA_PARTICIPANTS: [ServiceId; 2] = [ServiceId::Payment, ServiceId::Points];

    /// The index of this service in arrays of length [`ServiceId::COUNT`] (the three data
    /// services come first, so arrays of length 3 hold just them).
    pub const fn index(self) -> usize {
        match self {
            ServiceId::Order => 0,
            ServiceId::Product => 1,
            ServiceId::Delivery => 2,
            ServiceId::Coordinator => 3,
            ServiceId::Payment => 4,
            ServiceId::Points => 5,
        }
    }

    /// Whether it reads the bus. The extra participants only take the coordinator's commands.
    pub const fn reads_bus(self) -> bool {
        !matches!(self, ServiceId::Payment | ServiceId::Points)
    }

    /// The service's name as shown in traces.
    pub const fn name(self) -> &'static str {
        match self {
            ServiceId::Order => "Order",
            ServiceId::Product => "Product",
            ServiceId::Delivery => "Delivery",
            ServiceId::Coordinator => "Coordinator",
            ServiceId::Payment => "Payment",
            ServiceId::Points => "Points",
        }
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "o{}", self.0)
    }
}

impl fmt::Display for ProductId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.0)
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m{}", self.0)
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}", self.0)
    }
}
