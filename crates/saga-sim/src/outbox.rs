//! A service's outbox and its relay.
//!
//! A handler's emitted messages are written to the outbox in the same local transaction as the
//! table change, so a crash can never keep one and lose the other. The relay, which lives in
//! memory, sends unsent rows to the bus in batches and marks them sent when the bus
//! acknowledges (the status column of seed 003); a cleanup removes sent rows a little later.
//! A lost acknowledgement makes the relay send the batch again, so the bus may hold a message
//! twice: at-least-once publishing, which idempotent consumers absorb.

use crate::message::Message;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Whether an outbox row is waiting or on its way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowState {
    /// Waiting for the relay.
    Unsent,
    /// Sent in this batch; waiting for the acknowledgement.
    InFlight {
        /// The batch.
        batch: u64,
    },
    /// Published: the bus acknowledged it. The row stays, marked sent (seed 003's status
    /// column), until the cleanup removes it.
    Sent {
        /// When the acknowledgement arrived.
        at_ms: u64,
    },
}

/// How long a sent row stays in the outbox before the cleanup removes it, in virtual time.
pub const SENT_RETENTION_MS: u64 = 1_000;
/// The most sent rows kept: under load the cleanup removes the oldest beyond it at once, so
/// sent rows never crowd out work (or the outbox's capacity, which counts only pending rows).
pub const MAX_SENT_ROWS: usize = 64;

/// One outbox row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    /// The message to publish.
    pub message: Message,
    /// Where it is.
    pub state: RowState,
    /// How many times it has been sent.
    pub attempts: u32,
}

/// A batch the relay sent and has not yet seen acknowledged or timed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchInFlight {
    /// The batch id.
    pub batch: u64,
    /// Whether newer rows must wait for it (false when the reorder fault sent it on a detour).
    pub blocking: bool,
}

/// The outbox table (persistent) and the relay's state (lost on crash).
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    /// The rows, oldest first.
    pub rows: VecDeque<OutboxRow>,
    /// Batches in flight (relay memory).
    pub in_flight: Vec<BatchInFlight>,
    /// Rows published so far.
    pub published_total: u64,
    /// Whether the cleanup is scheduled.
    pub cleanup_scheduled: bool,
    /// Rows marked sent (so `pending` costs nothing).
    sent_rows: usize,
}

impl Outbox {
    /// Appends new rows from a local transaction.
    pub fn push(&mut self, message: Message) {
        self.rows.push_back(OutboxRow { message, state: RowState::Unsent, attempts: 0 });
    }

    /// Whether a blocking batch is in flight, so the relay must wait.
    pub fn blocked(&self) -> bool {
        self.in_flight.iter().any(|b| b.blocking)
    }

    /// Marks up to `max` unsent rows, oldest first, as sent in `batch`; returns the batch's
    /// messages (written into `out`) and the highest attempt number among them.
    pub fn take_batch(&mut self, batch: u64, max: usize, out: &mut Vec<Message>) -> u32 {
        let mut attempt = 0;
        for row in self.rows.iter_mut().filter(|r| r.state == RowState::Unsent).take(max) {
            row.state = RowState::InFlight { batch };
            row.attempts = row.attempts.saturating_add(1);
            attempt = attempt.max(row.attempts);
            out.push(row.message);
        }
        attempt
    }

    /// The bus acknowledged `batch` at `now_ms`: its rows are published and marked sent.
    /// Returns how many.
    pub fn ack(&mut self, batch: u64, now_ms: u64) -> u32 {
        self.in_flight.retain(|b| b.batch != batch);
        let mut n = 0;
        for r in self.rows.iter_mut().filter(|r| r.state == RowState::InFlight { batch }) {
            r.state = RowState::Sent { at_ms: now_ms };
            n += 1;
        }
        self.sent_rows += n as usize;
        self.published_total += u64::from(n);
        self.trim_sent(MAX_SENT_ROWS);
        n
    }

    /// The cleanup at `now_ms`: removes the sent rows older than `SENT_RETENTION_MS`. Returns
    /// when the next one is due, if any sent row is left.
    pub fn clean_up(&mut self, now_ms: u64) -> Option<u64> {
        let before = self.rows.len();
        self.rows.retain(
            |r| !matches!(r.state, RowState::Sent { at_ms } if at_ms.saturating_add(SENT_RETENTION_MS) <= now_ms),
        );
        self.sent_rows -= before - self.rows.len();
        self.rows
            .iter()
            .filter_map(|r| match r.state {
                RowState::Sent { at_ms } => Some(at_ms.saturating_add(SENT_RETENTION_MS)),
                _ => None,
            })
            .min()
    }

    /// Removes the oldest sent rows beyond `keep`.
    fn trim_sent(&mut self, keep: usize) {
        let mut extra = self.sent_rows.saturating_sub(keep);
        self.sent_rows -= extra;
        if extra > 0 {
            self.rows.retain(|r| {
                let drop = extra > 0 && matches!(r.state, RowState::Sent { .. });
                extra -= usize::from(drop);
                !drop
            });
        }
    }

    /// Rows not yet published: unsent, or sent and waiting for the acknowledgement.
    pub fn pending(&self) -> usize {
        self.rows.len() - self.sent_rows
    }

    /// `batch` timed out: its rows go back to unsent. Returns whether it was still in flight.
    pub fn time_out(&mut self, batch: u64) -> bool {
        let was = self.in_flight.iter().any(|b| b.batch == batch);
        self.in_flight.retain(|b| b.batch != batch);
        for r in self.rows.iter_mut().filter(|r| r.state == RowState::InFlight { batch }) {
            r.state = RowState::Unsent;
        }
        was
    }

    /// The relay's memory is lost (crash): every row not yet published is unsent again (the
    /// sent ones are marked so in the table, which survives).
    pub fn forget_in_flight(&mut self) {
        self.in_flight.clear();
        for r in self.rows.iter_mut().filter(|r| matches!(r.state, RowState::InFlight { .. })) {
            r.state = RowState::Unsent;
        }
    }

    /// Rows waiting to be sent.
    pub fn unsent(&self) -> usize {
        self.rows.iter().filter(|r| r.state == RowState::Unsent).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{MessageId, OrderId, ServiceId};
    use crate::message::Event;

    fn outbox_of(n: u64) -> Outbox {
        let mut o = Outbox::default();
        for k in 0..n {
            o.push(Message {
                id: MessageId(k),
                correlation_id: None,
                causation_id: None,
                source: ServiceId::Delivery,
                emitted_at_ms: 0,
                event: Event::DeliveryStarted { order: OrderId(k as u32) },
            });
        }
        o
    }

    #[test]
    fn an_acknowledged_row_is_marked_sent_then_cleaned_up_later() {
        let mut o = outbox_of(3);
        let mut out = Vec::new();
        o.take_batch(1, 2, &mut out);
        assert_eq!((o.pending(), o.unsent()), (3, 1));
        assert_eq!(o.ack(1, 100), 2);
        assert_eq!(o.rows.len(), 3, "sent rows stay, marked");
        assert_eq!(o.pending(), 1);
        assert!(matches!(o.rows[0].state, RowState::Sent { at_ms: 100 }));
        assert_eq!(o.clean_up(100 + SENT_RETENTION_MS - 1), Some(100 + SENT_RETENTION_MS), "not yet");
        assert_eq!(o.clean_up(100 + SENT_RETENTION_MS), None);
        assert_eq!((o.rows.len(), o.pending()), (1, 1));
    }

    #[test]
    fn a_crash_resends_what_was_in_flight_but_not_what_was_sent() {
        let mut o = outbox_of(4);
        let mut out = Vec::new();
        o.take_batch(1, 2, &mut out);
        o.take_batch(2, 2, &mut out);
        o.ack(1, 50);
        o.forget_in_flight();
        assert_eq!((o.unsent(), o.pending(), o.rows.len()), (2, 2, 4));
    }

    #[test]
    fn sent_rows_are_bounded_under_load() {
        let mut o = outbox_of(MAX_SENT_ROWS as u64 * 3);
        let mut out = Vec::new();
        o.take_batch(1, MAX_SENT_ROWS * 3, &mut out);
        o.ack(1, 10);
        assert_eq!((o.rows.len(), o.pending()), (MAX_SENT_ROWS, 0));
    }
}
