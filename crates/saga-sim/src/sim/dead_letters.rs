//! Handler retries and the dead-letter queue (seeds 003, 004): a handler that keeps failing
//! is retried with back-off, then its message waits in a bounded queue for a person to replay
//! or discard it, or, for a poison message, to fix it first and then replay it.
//!
//! `SimConfig::handler_retry` and `limits.dead_letters`. A handler that fails is retried with
//! doubling back-off, with the record kept in hand and the offset unmoved. Failure comes from the
//! error switch `Fault::FailHandling`, or from a poison message (`Fault::PoisonNextEvent` makes a
//! producer's next event one). After `max_attempts` the message goes to the dead-letter queue with
//! its attempt count, and the consumer moves on. A message has one entry per consumer.
//!
//! A person replays a letter (`Command::ReplayDeadLetter`: back to the handler, the
//! processed-message check included; failing again queues it again), discards it
//! (`DiscardDeadLetter`: its effect never happens), or fixes a poison message (`FixDeadLetter`) so
//! that a replay can succeed. A replay is refused while the service is down or its outbox is full.
//! While a letter waits the system is not quiet and `DeadLetterQueueEmpty` is pending. A record
//! read again after a crash and handled this time removes its letter (`HandledAnyway`). A full
//! queue drops its oldest letter (`Overflowed`), which is a lost event (`NoEventLost`). A 2PC
//! prepare whose handler fails gives back the row lock it was handed, so the next in line gets it.
//!
//! Under the coordinator protocols the participants act on commands, not bus events: their error
//! switch makes a command fail with no answer (a technical failure the coordinator retries), and
//! the coordinator's own bus handler is the one that dead-letters. `CrashAfterCommit` and
//! `GuessFromStock` only concern bus handlers and client commands, so under those protocols they
//! may never fire.

use super::{Sim, TimerKind};
use crate::consumer::InHand;
use crate::ids::{MessageId, Offset, ServiceId};
use crate::message::Message;
use crate::trace::{DeadLetterAction, Refusal, TraceEvent};
use serde::{Deserialize, Serialize};

/// A message a consumer gave up on after its handler kept failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetterEntry {
    /// The consumer.
    pub service: ServiceId,
    /// The record it came from.
    pub offset: Offset,
    /// The message.
    pub message: Message,
    /// Attempts made.
    pub attempts: u32,
    /// Whether the message itself is poison (it fails everywhere, every time) rather than the
    /// service's handler being broken.
    pub poison: bool,
    /// When it was queued.
    pub at_ms: u64,
}

impl Sim {
    /// The dead-letter queue's messages, oldest first, with the consumer each waits at.
    pub fn dead_letter_ids(&self) -> Vec<(ServiceId, MessageId)> {
        self.dead_letters.iter().map(|e| (e.service, e.message.id)).collect()
    }

    /// The handler failed: retry with back-off, or after the last attempt move the message to
    /// the dead-letter queue and go on to the next record.
    pub(super) fn handler_failed(&mut self, service: ServiceId, in_hand: InHand, msg: Message) {
        let retry = self.config.handler_retry;
        let (offset, attempt) = (in_hand.offset, in_hand.attempt);
        if attempt < retry.max_attempts {
            let backoff = retry.backoff_ms.saturating_mul(1 << attempt.saturating_sub(1).min(12));
            let at = self.now_ms.saturating_add(backoff);
            self.record(TraceEvent::HandlerFailed { service, offset, message: msg.id, attempt, retry_at_ms: Some(at) });
            let n = &mut self.nodes[service.index()];
            n.consumer.in_hand = Some(InHand { attempt: attempt + 1, done_at_ms: at, ..in_hand });
            let epoch = n.epoch;
            return self.at(at, TimerKind::HandleDone { service, epoch, offset });
        }
        self.record(TraceEvent::HandlerFailed { service, offset, message: msg.id, attempt, retry_at_ms: None });
        self.dead_letter(service, offset, msg, attempt);
        // The consumer moves on past this record, even a redelivered one: it is in the queue.
        let c = &mut self.nodes[service.index()].consumer;
        c.handled_until = c.handled_until.max(Offset(offset.0 + 1));
        c.position = c.position.max(Offset(offset.0 + 1));
        c.redelivered = Some(offset);
        self.schedule_commit(service);
    }

    #[cfg_attr(saga_size, optimize(size))]
    fn dead_letter(&mut self, service: ServiceId, offset: Offset, message: Message, attempts: u32) {
        // One entry per message and consumer: a message that comes back and fails again only
        // adds to its attempts.
        if let Some(e) = self.dead_letters.iter_mut().find(|e| e.service == service && e.message.id == message.id) {
            e.attempts += attempts;
            let action = DeadLetterAction::Queued { attempts: e.attempts };
            return self.record(TraceEvent::DeadLetter { service, message: message.id, action });
        }
        if self.dead_letters.len() >= self.config.limits.dead_letters as usize
            && let Some(old) = self.dead_letters.pop_front()
        {
            // Nobody chose to drop it: its effect is lost, and the checker says so.
            let action = DeadLetterAction::Overflowed;
            self.record(TraceEvent::DeadLetter { service: old.service, message: old.message.id, action });
            self.checker.event_lost(self.now_ms, old.message.event.order(), old.service);
        }
        let poison = self.poison.messages.contains(&message.id);
        self.dead_letters.push_back(DeadLetterEntry { service, offset, message, attempts, poison, at_ms: self.now_ms });
        let action = DeadLetterAction::Queued { attempts };
        self.record(TraceEvent::DeadLetter { service, message: message.id, action });
        if let Some(o) = message.event.order() {
            self.touched_orders.push(o);
        }
    }

    /// A person replays or discards a dead-lettered message. A replay goes back to the
    /// service's handler (the normal path, processed-message check included); if it fails
    /// again it is queued again.
    #[cfg_attr(saga_size, optimize(size))]
    pub(crate) fn settle_dead_letter(&mut self, service: ServiceId, message: MessageId, replay: bool) {
        let Some(i) = self.dead_letters.iter().position(|e| e.service == service && e.message.id == message) else {
            return self.record(TraceEvent::Refused { reason: Refusal::NoSuchDeadLetter });
        };
        if replay && !self.nodes[service.index()].up {
            return self.record(TraceEvent::Refused { reason: Refusal::ServiceDown });
        }
        if replay && self.outbox_full(service) {
            return self.record(TraceEvent::Refused { reason: Refusal::OutboxFull });
        }
        let Some(entry) = self.dead_letters.remove(i) else { return };
        if !replay {
            let action = DeadLetterAction::Discarded;
            return self.record(TraceEvent::DeadLetter { service, message, action });
        }
        self.record(TraceEvent::DeadLetter { service, message, action: DeadLetterAction::Replayed });
        let msg = entry.message;
        self.begin_local_tx(service);
        match self.run_handler(service, &msg) {
            Some(outcome) => {
                let (offset, event_type) = (entry.offset, msg.event.event_type());
                self.stats.handled += 1;
                let delivered_at_ms = self.now_ms;
                self.record(TraceEvent::Handled { service, offset, message, event_type, delivered_at_ms, outcome });
                self.after_handler(service);
                if self.rolled_back == Some(service) {
                    // Publish first and the commit failed: the letter is still owed.
                    self.dead_letters.insert(i, entry);
                    return;
                }
                self.pump_relay(service);
            }
            None => {
                let (offset, attempt) = (entry.offset, entry.attempts + 1);
                self.record(TraceEvent::HandlerFailed { service, offset, message, attempt, retry_at_ms: None });
                self.dead_letter(service, offset, msg, attempt);
            }
        }
    }

    /// A person corrects a poison message: it stops being poison (for every consumer that holds
    /// a letter of it), and a replay can now succeed. Only a poison letter can be fixed: a
    /// handler that fails is the service's own error, fixed by turning its switch off.
    pub(crate) fn fix_dead_letter(&mut self, service: ServiceId, message: MessageId) {
        let found = self.dead_letters.iter().any(|e| e.service == service && e.message.id == message && e.poison);
        if !found {
            return self.record(TraceEvent::Refused { reason: Refusal::NoSuchDeadLetter });
        }
        self.poison.messages.retain(|m| *m != message);
        for e in self.dead_letters.iter_mut().filter(|e| e.message.id == message) {
            e.poison = false;
        }
        self.record(TraceEvent::DeadLetter { service, message, action: DeadLetterAction::Fixed });
    }

    /// A record read again after a crash was handled this time: its letter has nothing left
    /// to do.
    pub(super) fn letter_handled_anyway(&mut self, service: ServiceId, message: MessageId) {
        if let Some(i) = self.dead_letters.iter().position(|e| e.service == service && e.message.id == message) {
            self.dead_letters.remove(i);
            let action = DeadLetterAction::HandledAnyway;
            self.record(TraceEvent::DeadLetter { service, message, action });
        }
    }
}
