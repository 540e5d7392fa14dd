//! Trace events: everything that happened, in order, one readable line each.
//!
//! The trace is what golden tests compare and what the trace hash covers, so every field is
//! plain data and `Display` is stable.

use crate::checker::Violation;
use crate::command::Command;
use crate::ids::{IdempotencyKey, MessageId, Offset, OrderId, ProductId, ServiceId};
use crate::message::{EventType, Message};
use crate::outcome::Outcome;
use crate::rpc::{Rpc, RpcResult};
use crate::services::order::OrderStatus;
use crate::services::order::Reply;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a message on a link never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LossCause {
    /// The drop fault struck.
    Dropped,
    /// The link was partitioned.
    Partitioned,
    /// The receiving service was down.
    ReceiverDown,
    /// The receiving service's handler failed (the error switch): no answer goes out.
    HandlerError,
}

/// One thing that happened. New variants go last: the pinned trace hashes cover each
/// variant's index.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum TraceEvent {
    /// A command (from the user or the schedule) was applied.
    Command {
        /// The command.
        command: Command,
    },
    /// Order answered the client.
    Reply {
        /// The answer.
        reply: Reply,
    },
    /// A local transaction wrote a message to its service's outbox.
    Emitted {
        /// The message.
        message: Message,
    },
    /// A relay sent a batch of outbox rows towards the bus.
    BatchSent {
        /// The producer.
        service: ServiceId,
        /// The batch id.
        batch: u64,
        /// How many messages.
        messages: u32,
        /// The first message in it.
        first: MessageId,
        /// The send attempt (1 for the first).
        attempt: u32,
        /// When it reaches the bus, or None when the link loses it.
        arrives_at_ms: Option<u64>,
        /// Whether the reorder fault sent it on a detour (later batches may overtake it).
        detour: bool,
    },
    /// A packet on a link was lost.
    Lost {
        /// The service whose link lost it.
        service: ServiceId,
        /// What was lost.
        what: Lost,
        /// Why.
        cause: LossCause,
    },
    /// The bus appended a message to the log.
    Appended {
        /// Its offset.
        offset: Offset,
        /// The message id.
        message: MessageId,
        /// The event type.
        event_type: EventType,
        /// True when the log already holds this message id.
        copy: bool,
    },
    /// The bus acknowledged a batch; the relay marked its outbox rows sent.
    Acked {
        /// The producer.
        service: ServiceId,
        /// The batch.
        batch: u64,
        /// Rows deleted.
        rows: u32,
    },
    /// No acknowledgement in time: the relay will send the batch's rows again.
    AckTimeout {
        /// The producer.
        service: ServiceId,
        /// The batch.
        batch: u64,
    },
    /// A consumer handled a record in a local transaction.
    Handled {
        /// The consumer.
        service: ServiceId,
        /// The record.
        offset: Offset,
        /// The message id.
        message: MessageId,
        /// Its type.
        event_type: EventType,
        /// When the record reached the consumer.
        delivered_at_ms: u64,
        /// What the service decided.
        outcome: Outcome,
    },
    /// The bus recorded a consumer's committed offset.
    OffsetCommitted {
        /// The consumer.
        service: ServiceId,
        /// The new committed offset (the next record it will read after a restart).
        offset: Offset,
    },
    /// A restarted consumer resumes from its committed offset.
    ConsumerResumed {
        /// The consumer.
        service: ServiceId,
        /// Where it resumes.
        from: Offset,
        /// Records it had read beyond that before the crash, which it will read again.
        rereads: u64,
    },
    /// Retention deleted records this consumer had not read: they are lost to it.
    OffsetReset {
        /// The consumer.
        service: ServiceId,
        /// Its position before.
        from: Offset,
        /// The oldest retained record, where it continues.
        to: Offset,
    },
    /// A service's outbox is full; it takes no new work until the relay drains it.
    OutboxFull {
        /// The service.
        service: ServiceId,
    },
    /// Product set a product's stock on an operator's command.
    StockSet {
        /// The product.
        product: ProductId,
        /// The new stock.
        stock: i64,
    },
    /// A delivery was handed over (or could not be).
    DeliveryCompleted {
        /// The order.
        order: crate::ids::OrderId,
        /// False when there was no started delivery to complete.
        done: bool,
    },
    /// A command was refused before it reached the world (for example the schedule is full).
    Refused {
        /// Why.
        reason: Refusal,
    },
    /// The checker's verdict changed.
    ConsistencyChanged {
        /// Whether every invariant holds now.
        consistent: bool,
    },
    /// The checker found an invariant broken.
    Violation {
        /// What and where.
        violation: Violation,
    },
    /// The coordinator sent a command over its link.
    RpcSent {
        /// The participant.
        to: ServiceId,
        /// The command.
        packet: crate::rpc::RpcPacket,
        /// When it arrives, or None when the link loses it.
        arrives_at_ms: Option<u64>,
    },
    /// A participant carried out a command (a local transaction) and answered.
    RpcHandled {
        /// The participant.
        service: ServiceId,
        /// The command.
        packet: crate::rpc::RpcPacket,
        /// Its answer.
        result: crate::rpc::RpcResult,
    },
    /// The coordinator received an answer.
    RpcAnswered {
        /// The command.
        packet: crate::rpc::RpcPacket,
        /// The answer.
        result: crate::rpc::RpcResult,
    },
    /// The coordinator decided something about a saga.
    SagaDecided {
        /// The saga's order.
        order: crate::ids::OrderId,
        /// What.
        decision: crate::services::coordinator::SagaDecision,
    },
    /// The trace buffer was full: this many older events were discarded before this one.
    TraceOverflow {
        /// How many.
        discarded: u64,
    },
    /// A TCC participant's sweeper heard back from Order about a stale reservation and acted.
    SweptOwnReservation {
        /// The participant.
        service: ServiceId,
        /// The order.
        order: OrderId,
        /// What Order said.
        status: OrderStatus,
        /// What the participant did about it.
        result: RpcResult,
    },
    /// An operator applied a decision at a participant by hand, from the admin panel.
    AppliedByHand {
        /// The participant.
        service: ServiceId,
        /// The order.
        order: OrderId,
        /// The phase-two command applied.
        rpc: Rpc,
        /// What the participant answered.
        result: RpcResult,
    },
    /// A consumer that had committed a record's offset before handling it crashed while handling
    /// it: at-most-once delivery lost the record for good.
    RecordLost {
        /// The consumer.
        service: ServiceId,
        /// The record.
        offset: Offset,
        /// Its message.
        message: MessageId,
    },
    /// A handler failed on a record; it is retried at `retry_at_ms`, or dead-lettered (None).
    HandlerFailed {
        /// The consumer.
        service: ServiceId,
        /// The record.
        offset: Offset,
        /// Its message.
        message: MessageId,
        /// The attempt that failed.
        attempt: u32,
        /// When it is tried again; None when it goes to the dead-letter queue.
        retry_at_ms: Option<u64>,
    },
    /// The dead-letter queue changed.
    DeadLetter {
        /// The consumer.
        service: ServiceId,
        /// The message.
        message: MessageId,
        /// What happened to it.
        action: DeadLetterAction,
    },
    /// Dual write: an event whose local transaction committed was never published (a crash in
    /// the gap, or its one packet lost).
    EventLost {
        /// The service that committed it.
        service: ServiceId,
        /// The event.
        message: MessageId,
    },
    /// Order's answer to a new order never reached the flaky client, which will send the same
    /// request again.
    ReplyLost {
        /// The request's idempotency key.
        key: IdempotencyKey,
        /// When the client resubmits.
        resubmit_at_ms: u64,
    },
    /// Publish first: a local transaction's events went out, then its commit failed and its
    /// table changes rolled back. The events speak of a change that never happened.
    RolledBack {
        /// The service.
        service: ServiceId,
        /// The first event published.
        first: MessageId,
        /// How many events it published.
        messages: u32,
    },
    /// A synchronous request (`SimConfig::reply_timing`): Order took it, and the client waits
    /// for the order to settle, until `timeout_at_ms` at the latest.
    ClientWaits {
        /// The order.
        order: OrderId,
        /// When the client gives up.
        timeout_at_ms: u64,
    },
}

/// What happened to a dead-lettered message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeadLetterAction {
    /// Queued after this many failed attempts.
    Queued {
        /// Attempts made.
        attempts: u32,
    },
    /// A person replayed it; it went back to the handler.
    Replayed,
    /// A person discarded it: its effect will never happen.
    Discarded,
    /// The full queue dropped it, the oldest: its effect is lost.
    Overflowed,
    /// Read again after a crash, it was handled this time: the letter is gone.
    HandledAnyway,
    /// A person corrected the poison message: it is no longer poison, and waits for a replay.
    Fixed,
}

/// What a lost packet carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lost {
    /// A produce batch.
    Batch {
        /// The batch.
        batch: u64,
    },
    /// The bus's acknowledgement of a batch.
    Ack {
        /// The batch.
        batch: u64,
    },
    /// A consumer's fetch of a record (it fetches again after the poll interval).
    Fetch {
        /// The record.
        offset: Offset,
    },
    /// A consumer's offset commit (the next one supersedes it).
    Commit {
        /// The offset.
        offset: Offset,
    },
    /// A coordinator command or its answer.
    Rpc {
        /// The request.
        request: crate::ids::RequestId,
    },
}

/// Why a command was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Refusal {
    /// The schedule holds `limits.scheduled_commands` commands already.
    ScheduleFull,
    /// The command's time is in the past.
    InThePast,
    /// The product id is not in the catalogue.
    UnknownProduct,
    /// The stock is outside `0..=MAX_STOCK`.
    BadStock,
    /// The service that must carry out the command is down.
    ServiceDown,
    /// The service's outbox is full.
    OutboxFull,
    /// The command's time is beyond the engine's horizon (`MAX_VIRTUAL_MS`).
    TooFarAhead,
    /// An operator tried to resolve an order with no open TCC or 2PC transaction.
    NothingToResolve,
    /// An operator tried to decide against the decision the 2PC coordinator already logged.
    ContradictsLog,
    /// An operator tried to commit while some participant holds nothing to commit.
    NotAllPrepared,
    /// An operator tried to cancel an order whose parcel was already handed over.
    AlreadyDelivered,
    /// No such message in that service's dead-letter queue.
    NoSuchDeadLetter,
    /// Not a refusal of the whole command: the stock was set, but no lower than the units
    /// reserved or prepared for open transactions.
    StockPromised,
    /// The fault names a service this protocol does not run (the coordinator under
    /// choreography): nothing happens.
    NotInPlay,
    /// A fast-forward asked for a number of orders outside `1..=chaos::MAX_ORDERS`.
    OrdersOutOfRange,
}

/// A trace event with its virtual time.
#[derive(Clone, Copy, Debug, PartialEq, Hash, Serialize, Deserialize)]
pub struct TraceRecord {
    /// When it happened.
    pub at_ms: u64,
    /// What happened.
    pub event: TraceEvent,
}

impl fmt::Display for TraceRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={:>6} ", self.at_ms)?;
        match self.event {
            TraceEvent::Command { command } => write!(f, "{command}"),
            // Not Order's words: the client stopped waiting for them.
            TraceEvent::Reply { reply: reply @ crate::Reply::TimedOut { .. } } => write!(f, "{reply}"),
            TraceEvent::Reply { reply } => write!(f, "Order replies {reply}"),
            TraceEvent::Emitted { message: m } => {
                let cause = m.causation_id.map_or_else(|| "user".to_string(), |c| c.to_string());
                write!(f, "{} emits {} {} (caused by {cause})", m.source, m.id, m.event)
            }
            TraceEvent::BatchSent { service, batch, messages, first, attempt, arrives_at_ms, detour } => {
                write!(f, "{service} sends batch b{batch} ({messages} msg from {first}, attempt {attempt})")?;
                match arrives_at_ms {
                    Some(t) => write!(f, " arriving t={t}")?,
                    None => f.write_str(" LOST")?,
                }
                if detour { f.write_str(" on a detour") } else { Ok(()) }
            }
            TraceEvent::Lost { service, what, cause } => write!(f, "{service} link loses {what:?} ({cause:?})"),
            TraceEvent::Appended { offset, message, event_type, copy } => {
                write!(f, "bus appends {offset} {message} {event_type}")?;
                if copy { f.write_str(" (COPY of an earlier record)") } else { Ok(()) }
            }
            TraceEvent::Acked { service, batch, rows } => {
                write!(f, "bus acks b{batch} to {service}: {rows} outbox rows marked sent")
            }
            TraceEvent::AckTimeout { service, batch } => write!(f, "{service} ack timeout for b{batch}: will resend"),
            TraceEvent::Handled { service, offset, message, event_type, delivered_at_ms, outcome } => {
                write!(
                    f,
                    "{service} handles {offset} {message} {event_type} (delivered t={delivered_at_ms}) -> {outcome}"
                )
            }
            TraceEvent::OffsetCommitted { service, offset } => write!(f, "bus commits {service} offset {offset}"),
            TraceEvent::ConsumerResumed { service, from, rereads } => {
                write!(f, "{service} resumes from committed {from} ({rereads} to re-read)")
            }
            TraceEvent::OffsetReset { service, from, to } => {
                write!(f, "{service} LOST records {from}..{to} to retention")
            }
            TraceEvent::OutboxFull { service } => write!(f, "{service} outbox full: backpressure"),
            TraceEvent::StockSet { product, stock } => write!(f, "Product sets {product} stock to {stock}"),
            TraceEvent::DeliveryCompleted { order, done } => {
                if done {
                    write!(f, "Delivery completes {order}")
                } else {
                    write!(f, "Delivery cannot complete {order}")
                }
            }
            TraceEvent::Refused { reason } => write!(f, "refused: {reason:?}"),
            TraceEvent::ConsistencyChanged { consistent } => {
                f.write_str(if consistent { "checker: CONSISTENT" } else { "checker: inconsistent" })
            }
            TraceEvent::Violation { violation } => write!(f, "checker: VIOLATION {violation}"),
            TraceEvent::TraceOverflow { discarded } => write!(f, "trace overflow: {discarded} events discarded"),
            TraceEvent::RpcSent { to, packet, arrives_at_ms } => {
                let from = packet.rpc.requester();
                write!(f, "{from} sends {} {} for {} to {to}", packet.request, packet.rpc, packet.order)?;
                match arrives_at_ms {
                    Some(t) => write!(f, " arriving t={t}"),
                    None => f.write_str(" LOST"),
                }
            }
            TraceEvent::RpcHandled { service, packet, result } => {
                write!(f, "{service} handles {} {} for {} -> {result:?}", packet.request, packet.rpc, packet.order)
            }
            TraceEvent::RpcAnswered { packet, result } => {
                write!(f, "{} receives {result:?} for {} {}", packet.rpc.requester(), packet.request, packet.rpc)
            }
            TraceEvent::SagaDecided { order, decision } => write!(f, "Coordinator, saga {order}: {decision}"),
            TraceEvent::SweptOwnReservation { service, order, status, result } => {
                write!(f, "{service} sweeper: {order} is {status:?} -> {result:?}")
            }
            TraceEvent::RecordLost { service, offset, message } => {
                write!(f, "{service} crashed handling {offset} {message}, already committed: the record is LOST")
            }
            TraceEvent::HandlerFailed { service, offset, message, attempt, retry_at_ms } => {
                write!(f, "{service} handler FAILED on {offset} {message}, attempt {attempt}")?;
                match retry_at_ms {
                    Some(t) => write!(f, ": retry at t={t}"),
                    None => f.write_str(": to the dead-letter queue"),
                }
            }
            TraceEvent::DeadLetter { service, message, action } => {
                write!(f, "{service} dead-letter {message}: {action:?}")
            }
            TraceEvent::EventLost { service, message } => {
                write!(f, "{service} committed {message} but never published it: the event is LOST")
            }
            TraceEvent::ReplyLost { key, resubmit_at_ms } => {
                write!(f, "reply to k{} LOST on the client's flaky network: it resends at t={resubmit_at_ms}", key.0)
            }
            TraceEvent::ClientWaits { order, timeout_at_ms } => {
                write!(f, "client waits for {order} to settle (gives up at t={timeout_at_ms})")
            }
            TraceEvent::RolledBack { service, first, messages } => {
                write!(f, "{service} commit fails after publishing {messages} event(s) from {first}: ROLLED BACK")
            }
            TraceEvent::AppliedByHand { service, order, rpc, result } => {
                write!(f, "operator applies {rpc} for {order} at {service} by hand -> {result:?}")
            }
        }
    }
}
