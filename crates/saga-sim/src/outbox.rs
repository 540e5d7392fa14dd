//! A service's outbox and its relay.
//!
//! A handler's emitted messages are written to the outbox in the same local transaction as the
//! table change, so a crash can never keep one and lose the other. The relay, which lives in
//! memory, sends unsent rows to the bus in batches and deletes them when the bus acknowledges.
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
}

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
    /// Rows published and deleted so far.
    pub published_total: u64,
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

    /// The bus acknowledged `batch`: its rows are published and deleted. Returns how many.
    pub fn ack(&mut self, batch: u64) -> u32 {
        self.in_flight.retain(|b| b.batch != batch);
        let before = self.rows.len();
        self.rows.retain(|r| r.state != RowState::InFlight { batch });
        let n = (before - self.rows.len()) as u32;
        self.published_total += u64::from(n);
        n
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

    /// The relay's memory is lost (crash): every row is unsent again.
    pub fn forget_in_flight(&mut self) {
        self.in_flight.clear();
        for r in &mut self.rows {
            r.state = RowState::Unsent;
        }
    }

    /// Rows waiting to be sent.
    pub fn unsent(&self) -> usize {
        self.rows.iter().filter(|r| r.state == RowState::Unsent).count()
    }
}
