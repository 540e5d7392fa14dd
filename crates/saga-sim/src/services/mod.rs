//! The three services. Each owns its tables and changes them only inside a handler call, which
//! is its local transaction: the engine applies a handler's effects (new outbox rows, the
//! processed-message mark, the offset) together or not at all.

pub mod coordinator;
pub mod delivery;
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
