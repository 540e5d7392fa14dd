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
    /// Its place in the outbox, counted from the first row ever written: rows stay in this
    /// order, so a row is found by binary search.
    #[serde(default)]
    pub seq: u64,
}

/// A batch the relay sent and has not yet seen acknowledged or timed out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchInFlight {
    /// The batch id.
    pub batch: u64,
    /// Whether newer rows must wait for it (false when the reorder fault sent it on a detour).
    pub blocking: bool,
    /// Its rows (`OutboxRow::seq`), so an acknowledgement or a timeout touches only them.
    rows: Vec<u64>,
    /// Acknowledged or timed out: left in place until the list is compacted, so landing a
    /// batch out of order moves none of the thousands behind it.
    landed: bool,
}

/// The outbox table (persistent) and the relay's state (lost on crash).
///
/// The relay's work is indexed: the unsent rows' places are kept in order, and each batch in
/// flight knows its rows, so sending, acknowledging and timing out cost the batch's size, not
/// the outbox's (thousands of rows wait in it when the bus is slow).
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    /// The rows, oldest first.
    pub rows: VecDeque<OutboxRow>,
    /// Batches in flight (relay memory), in the order sent (batch ids only grow), with the
    /// landed ones among them until more than half have landed.
    in_flight: Vec<BatchInFlight>,
    /// How many of `in_flight` have landed.
    landed: usize,
    /// Rows published so far.
    pub published_total: u64,
    /// Whether the cleanup is scheduled.
    pub cleanup_scheduled: bool,
    /// Rows marked sent (so `pending` costs nothing).
    sent_rows: usize,
    /// The unsent rows' places, oldest first.
    unsent: Vec<u64>,
    /// Blocking batches in flight.
    blocking: usize,
    /// The next row's place.
    next_seq: u64,
}

impl Outbox {
    /// Appends new rows from a local transaction.
    pub fn push(&mut self, message: Message) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.rows.push_back(OutboxRow { message, state: RowState::Unsent, attempts: 0, seq });
        self.unsent.push(seq);
    }

    /// Whether a blocking batch is in flight, so the relay must wait.
    pub fn blocked(&self) -> bool {
        self.blocking > 0
    }

    fn row_mut(&mut self, seq: u64) -> Option<&mut OutboxRow> {
        let i = self.rows.binary_search_by_key(&seq, |r| r.seq).ok()?;
        self.rows.get_mut(i)
    }

    fn batch_index(&self, batch: u64) -> Option<usize> {
        let i = self.in_flight.binary_search_by_key(&batch, |b| b.batch).ok()?;
        (!self.in_flight[i].landed).then_some(i)
    }

    /// Marks up to `max` unsent rows, oldest first, as sent in `batch` (blocking until told it
    /// went on a detour); returns the batch's messages (written into `out`) and the highest
    /// attempt number among them.
    pub fn take_batch(&mut self, batch: u64, max: usize, out: &mut Vec<Message>) -> u32 {
        let n = max.min(self.unsent.len());
        if n == 0 {
            return 0;
        }
        let mut attempt = 0;
        let rows: Vec<u64> = self.unsent.drain(..n).collect();
        for &seq in &rows {
            if let Some(row) = self.row_mut(seq) {
                row.state = RowState::InFlight { batch };
                row.attempts = row.attempts.saturating_add(1);
                attempt = attempt.max(row.attempts);
                out.push(row.message);
            }
        }
        self.in_flight.push(BatchInFlight { batch, blocking: true, rows, landed: false });
        self.blocking += 1;
        attempt
    }

    /// `batch` went on a detour (the reorder fault): newer rows need not wait for it.
    pub fn detour(&mut self, batch: u64) {
        if let Some(i) = self.batch_index(batch)
            && self.in_flight[i].blocking
        {
            self.in_flight[i].blocking = false;
            self.blocking -= 1;
        }
    }

    /// Takes `batch` out of flight; returns its rows still marked as in it.
    fn land(&mut self, batch: u64) -> Option<Vec<u64>> {
        let i = self.batch_index(batch)?;
        let b = &mut self.in_flight[i];
        self.blocking -= usize::from(b.blocking);
        b.blocking = false;
        b.landed = true;
        let mut rows = std::mem::take(&mut b.rows);
        self.landed += 1;
        if self.landed * 2 > self.in_flight.len() {
            self.in_flight.retain(|b| !b.landed);
            self.landed = 0;
        }
        rows.retain(|&seq| {
            self.rows
                .binary_search_by_key(&seq, |r| r.seq)
                .is_ok_and(|i| self.rows[i].state == RowState::InFlight { batch })
        });
        Some(rows)
    }

    /// The bus acknowledged `batch` at `now_ms`: its rows are published and marked sent.
    /// Returns how many.
    pub fn ack(&mut self, batch: u64, now_ms: u64) -> u32 {
        let rows = self.land(batch).unwrap_or_default();
        for &seq in &rows {
            if let Some(r) = self.row_mut(seq) {
                r.state = RowState::Sent { at_ms: now_ms };
            }
        }
        let n = rows.len() as u32;
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
        let Some(rows) = self.land(batch) else { return false };
        for seq in rows {
            if let Some(r) = self.row_mut(seq) {
                r.state = RowState::Unsent;
            }
            let at = self.unsent.partition_point(|&s| s < seq);
            self.unsent.insert(at, seq);
        }
        true
    }

    /// The relay's memory is lost (crash): every row not yet published is unsent again (the
    /// sent ones are marked so in the table, which survives).
    pub fn forget_in_flight(&mut self) {
        self.in_flight.clear();
        self.landed = 0;
        self.blocking = 0;
        self.unsent.clear();
        for r in self.rows.iter_mut().filter(|r| !matches!(r.state, RowState::Sent { .. })) {
            r.state = RowState::Unsent;
            self.unsent.push(r.seq);
        }
    }

    /// Rows waiting to be sent.
    pub fn unsent(&self) -> usize {
        self.unsent.len()
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
    fn the_index_agrees_with_the_table_whatever_the_relay_does() {
        // The relay's index (unsent places, each batch's rows) against a plain scan of the
        // table, over a long deterministic mix of writes, sends, detours, acks, timeouts,
        // crashes and cleanups.
        let mut o = Outbox::default();
        let (mut x, mut next_batch, mut next_id, mut now) = (1u64, 1u64, 0u64, 0u64);
        let mut open: Vec<u64> = Vec::new();
        for _ in 0..20_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let roll = (x >> 33) % 100;
            now += 1;
            match roll {
                0..30 => {
                    let before = o.rows.len();
                    let mut more = outbox_of(1 + (x >> 50) % 3);
                    for r in more.rows.drain(..) {
                        next_id += 1;
                        o.push(Message { id: MessageId(next_id), ..r.message });
                    }
                    assert!(o.rows.len() > before);
                }
                30..55 => {
                    let oldest: Vec<MessageId> =
                        o.rows.iter().filter(|r| r.state == RowState::Unsent).take(3).map(|r| r.message.id).collect();
                    let mut out = Vec::new();
                    o.take_batch(next_batch, 3, &mut out);
                    assert_eq!(out.iter().map(|m| m.id).collect::<Vec<_>>(), oldest, "the oldest unsent, in order");
                    if !out.is_empty() {
                        if roll % 2 == 0 {
                            o.detour(next_batch);
                        }
                        open.push(next_batch);
                    }
                    next_batch += 1;
                }
                55..75 if !open.is_empty() => {
                    let b = open.remove(((x >> 40) as usize) % open.len());
                    o.ack(b, now);
                }
                75..92 if !open.is_empty() => {
                    let b = open.remove(((x >> 40) as usize) % open.len());
                    assert!(o.time_out(b));
                    assert!(!o.time_out(b), "a batch times out once");
                }
                92..94 => {
                    o.forget_in_flight();
                    open.clear();
                }
                _ => {
                    o.clean_up(now);
                }
            }
            let scan = o.rows.iter().filter(|r| r.state == RowState::Unsent).count();
            assert_eq!(o.unsent(), scan);
            let in_flight = o.rows.iter().filter(|r| matches!(r.state, RowState::InFlight { .. })).count();
            assert_eq!(o.in_flight.iter().map(|b| b.rows.len()).sum::<usize>(), in_flight);
            assert_eq!(o.blocked(), o.in_flight.iter().any(|b| b.blocking));
            assert_eq!(o.pending(), scan + in_flight);
        }
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
