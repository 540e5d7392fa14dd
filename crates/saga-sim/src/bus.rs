//! The Kafka-like bus: one append-only log, read by every service at its own offset.
//!
//! The log keeps at most `limits.log_retention_records` records. When it is full the oldest
//! record is deleted, as Kafka's size-based retention does. Deleting a record every consumer has
//! committed past is harmless; deleting one some consumer has not yet read loses it for that
//! consumer, which the engine reports as `TraceEvent::OffsetReset` and the checker as a
//! `NoMessageLostToRetention` violation. Nothing at the bound is silent.
//!
//! Records are kept in chunks: a full chunk never changes again and is shared, not copied, when
//! the simulation is cloned (time travel keeps checkpoints of the whole world; the log is most
//! of its size).

use crate::ids::Offset;
use crate::message::Message;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::rc::Rc;

/// Records per shared chunk.
const CHUNK: usize = 512;

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
    /// Full chunks, oldest first; the first may begin before `start` (its oldest records are
    /// deleted but still stored until the whole chunk is).
    chunks: VecDeque<Rc<Vec<Record>>>,
    /// The newest records, fewer than a chunk.
    tail: Vec<Record>,
    /// The offset of the first record stored (of `chunks[0]`, or of `tail` when there is none).
    base: u64,
    /// The offset of the oldest retained record.
    start: u64,
    retention: usize,
}

impl BusLog {
    /// An empty log that retains `retention` records.
    pub fn new(retention: usize) -> BusLog {
        BusLog { retention: retention.max(1), ..BusLog::default() }
    }

    /// The offset of the oldest retained record.
    pub fn start(&self) -> Offset {
        Offset(self.start)
    }

    /// The offset the next record will get (the log-end offset).
    pub fn end(&self) -> Offset {
        Offset(self.base + (self.chunks.len() * CHUNK + self.tail.len()) as u64)
    }

    /// How many records are retained.
    pub fn len(&self) -> usize {
        (self.end().0 - self.start) as usize
    }

    /// Whether no record is retained.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many stored records live in chunks this log shares with `other` (a copy taken
    /// earlier or later in the same run): memory the two hold once.
    pub(crate) fn shared_records(&self, other: &BusLog) -> usize {
        self.chunks.iter().filter(|c| other.chunks.iter().any(|o| Rc::ptr_eq(c, o))).map(|c| c.len()).sum()
    }

    /// The record at `offset`, if retained.
    pub fn get(&self, offset: Offset) -> Option<&Record> {
        if offset.0 < self.start {
            return None;
        }
        let i = usize::try_from(offset.0 - self.base).ok()?;
        match self.chunks.get(i / CHUNK) {
            Some(chunk) => chunk.get(i % CHUNK),
            None => self.tail.get(i - self.chunks.len() * CHUNK),
        }
    }

    /// Appends a message, returning its offset and, when retention deleted the oldest record,
    /// that record's offset.
    pub fn append(&mut self, message: Message, now_ms: u64, copy: bool) -> (Offset, Option<Offset>) {
        let offset = self.end();
        self.tail.push(Record { offset, message, appended_at_ms: now_ms, copy });
        if self.tail.len() == CHUNK {
            let full = std::mem::replace(&mut self.tail, Vec::with_capacity(CHUNK));
            self.chunks.push_back(Rc::new(full));
        }
        let mut deleted = None;
        if self.len() > self.retention {
            deleted = Some(Offset(self.start));
            self.start += 1;
            // A chunk whose every record is deleted goes; so do deleted records of a tail that
            // is the only storage (a retention shorter than a chunk).
            if self.chunks.front().is_some() && self.start >= self.base + CHUNK as u64 {
                self.chunks.pop_front();
                self.base += CHUNK as u64;
            } else if self.chunks.is_empty() && self.start > self.base {
                self.tail.remove(0);
                self.base += 1;
            }
        }
        (offset, deleted)
    }

    /// The retained records, oldest first.
    pub fn records(&self) -> impl DoubleEndedIterator<Item = &Record> + ExactSizeIterator {
        let skip = (self.start - self.base) as usize;
        let mut all: Vec<&Record> = Vec::with_capacity(self.len());
        for chunk in &self.chunks {
            all.extend(chunk.iter());
        }
        all.extend(self.tail.iter());
        all.into_iter().skip(skip)
    }

    /// The newest `n` retained records, oldest first (cheap: it reads no more than it returns).
    pub fn newest(&self, n: usize) -> Vec<Record> {
        let n = n.min(self.len());
        let end = self.end().0;
        (end - n as u64..end).filter_map(|o| self.get(Offset(o)).copied()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{MessageId, OrderId, ServiceId};
    use crate::message::Event;

    fn message(i: u64) -> Message {
        Message {
            id: MessageId(i),
            correlation_id: Some(OrderId(0)),
            causation_id: None,
            source: ServiceId::Order,
            event: Event::OrderPlaced { order: OrderId(0), product: crate::ids::ProductId(0), quantity: 1 },
            emitted_at_ms: 0,
        }
    }

    #[test]
    fn retention_keeps_exactly_the_newest_records_across_chunks() {
        for retention in [1, 7, CHUNK - 1, CHUNK, CHUNK + 3, 3 * CHUNK] {
            let mut log = BusLog::new(retention);
            for i in 0..(5 * CHUNK as u64 + 17) {
                let (offset, deleted) = log.append(message(i), i, false);
                assert_eq!(offset.0, i);
                assert_eq!(deleted.is_some(), i >= retention as u64, "retention {retention}, record {i}");
                assert_eq!(log.len(), (i as usize + 1).min(retention));
                assert_eq!(log.start().0, (i + 1).saturating_sub(retention as u64));
            }
            let offsets: Vec<u64> = log.records().map(|r| r.offset.0).collect();
            let expected: Vec<u64> = (log.start().0..log.end().0).collect();
            assert_eq!(offsets, expected, "retention {retention}");
            assert!(log.get(Offset(log.start().0.wrapping_sub(1))).is_none());
            assert_eq!(log.get(log.start()).map(|r| r.offset), Some(log.start()));
            assert_eq!(
                log.newest(3).iter().map(|r| r.offset.0).collect::<Vec<_>>(),
                expected[expected.len().saturating_sub(3)..]
            );
        }
    }

    #[test]
    fn a_clone_shares_full_chunks() {
        let mut log = BusLog::new(10_000);
        for i in 0..(3 * CHUNK as u64) {
            log.append(message(i), i, false);
        }
        let copy = log.clone();
        assert!(Rc::ptr_eq(&log.chunks[0], &copy.chunks[0]));
        log.append(message(99_999), 0, false);
        assert_eq!(copy.len() + 1, log.len(), "the clone is unaffected");
    }
}
