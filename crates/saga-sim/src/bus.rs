//! The Kafka-like bus: one append-only log, read by every service at its own offset.
//!
//! The log keeps at most `limits.log_retention_records` records. When it is full the oldest
//! record is deleted, as Kafka's size-based retention does. Deleting a record every consumer has
//! committed past is harmless; deleting one some consumer has not yet read loses it for that
//! consumer, which the engine reports as `TraceEvent::OffsetReset` and the checker as a
//! `NoMessageLostToRetention` violation. Nothing at the bound is silent.

use crate::ids::Offset;
use crate::message::Message;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// One record of the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Its position.
    pub offset: Offset,
    /// The message.
    pub message: Message,
    /// When the bus appended it.
    pub appended_at_ms: u64,
    /// True when an earlier record already holds the same message id (a producer retry or a
    /// duplicated packet).
    pub copy: bool,
}

/// The log.
#[derive(Clone, Debug, Default)]
pub struct BusLog {
    records: VecDeque<Record>,
    start: u64,
    retention: usize,
}

impl BusLog {
    /// An empty log that retains `retention` records.
    pub fn new(retention: usize) -> BusLog {
        BusLog { records: VecDeque::with_capacity(retention.min(1 << 16)), start: 0, retention: retention.max(1) }
    }

    /// The offset of the oldest retained record.
    pub fn start(&self) -> Offset {
        Offset(self.start)
    }

    /// The offset the next record will get (the log-end offset).
    pub fn end(&self) -> Offset {
        Offset(self.start + self.records.len() as u64)
    }

    /// The record at `offset`, if retained.
    pub fn get(&self, offset: Offset) -> Option<&Record> {
        let i = offset.0.checked_sub(self.start)?;
        self.records.get(usize::try_from(i).ok()?)
    }

    /// Appends a message, returning its offset and, when retention deleted the oldest record,
    /// that record's offset.
    pub fn append(&mut self, message: Message, now_ms: u64, copy: bool) -> (Offset, Option<Offset>) {
        let offset = self.end();
        self.records.push_back(Record { offset, message, appended_at_ms: now_ms, copy });
        let mut deleted = None;
        if self.records.len() > self.retention {
            self.records.pop_front();
            deleted = Some(Offset(self.start));
            self.start += 1;
        }
        (offset, deleted)
    }

    /// The retained records, oldest first.
    pub fn records(&self) -> impl DoubleEndedIterator<Item = &Record> + ExactSizeIterator {
        self.records.iter()
    }
}
