//! The three services. Each owns its tables and changes them only inside a handler call, which
//! is its local transaction: the engine applies a handler's effects (new outbox rows, the
//! processed-message mark, the offset) together or not at all.
//!
//! Bus events go through each service's `handle(&Message, &mut Ctx) -> Outcome`: emitted messages
//! go into [`Ctx`], and the engine writes them to the outbox in the same transaction. The
//! coordinator's commands go through the idempotent `handle_command(order, &Rpc, ..) -> RpcResult`
//! (see `rpc`). The coordinator itself (`coordinator`, with TCC and 2PC in
//! `coordinator::two_phase`) is the fourth node, in play under orchestration, TCC and 2PC.
//! Under TCC and 2PC a run may add Payment and Points (`account`), participants that take only
//! the coordinator's commands.
//!
//! # The choreographed saga (seed 000)
//!
//! Under `Protocol::Choreography` nobody is in charge: each service reacts to the others' events on
//! the bus.
//!
//! 1. The client places an order. Order stores it **PENDING** and, in the same local transaction,
//!    writes `OrderPlaced` to its outbox. The client's reply is immediate.
//! 2. Product takes the stock and publishes `ProductChanged` (or `ProductOutOfStock`); Delivery
//!    starts a delivery and publishes `DeliveryStarted`.
//! 3. Order marks the order **CONFIRMED** only when both answers are in (the "all done" step).
//! 4. A user cancel is **accepted** ("취소 접수", `Reply::CancelAccepted`): Order publishes
//!    `OrderCancelled` and the order is **CANCELLING**, a PENDING state of its own. Delivery
//!    cancels (`DeliveryCancelled`) and Product restores the stock (`ProductChanged`, a
//!    compensation; `Untouched` when nothing was taken). Order turns the order **CANCELLED**
//!    when both are back ("취소 완료"). Under the coordinator protocols the coordinator's last
//!    command to Order (RejectOrder, Cancel or Abort, sent once the others have undone their part)
//!    completes it. `SimConfig::cancel_at_once` cancels at once instead, as format 1 and 2 runs do.
//! 5. Out of stock: `ProductOutOfStock` makes Order cancel with reason "out of stock", which
//!    publishes `OrderCancelled` whose **causation id is Product's own `ProductOutOfStock`**.
//!    Product recognises the echo by that id and does not restock (see `product`); the order is
//!    CANCELLING until `DeliveryCancelled` is back.

pub mod account;
pub mod coordinator;
pub mod delivery;
pub mod holds;
pub mod order;
pub mod product;

use crate::ids::{MessageId, ServiceId};
use crate::message::{Event, Message};

/// What a handler hands back to the engine: the messages to publish, written to the service's
/// outbox in the same local transaction.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// Virtual time of the local transaction.
    pub now_ms: u64,
    /// The next free message id, shared by the whole world.
    pub next_message_id: &'a mut u64,
    /// Messages emitted by this transaction.
    pub emitted: &'a mut Vec<Message>,
}

impl Ctx<'_> {
    /// Emits `event` from `source`, caused by `causation_id`, and returns its id.
    pub fn emit(&mut self, source: ServiceId, event: Event, causation_id: Option<MessageId>) -> MessageId {
        let id = MessageId(*self.next_message_id);
        *self.next_message_id += 1;
        self.emitted.push(Message {
            id,
            correlation_id: event.order(),
            causation_id,
            source,
            emitted_at_ms: self.now_ms,
            event,
        });
        id
    }
}
