//! The processed-message table: the ids a consumer has handled, bounded, the oldest forgotten
//! first. A duplicate that arrives after more than `capacity` newer messages is no longer
//! recognised; producer retries and redeliveries arrive long before that with the default
//! capacity.
//!
//! The ids are kept in chunks of [`CHUNK`], each with its own index, shared between copies of
//! the table: a checkpoint of the whole simulation (time travel keeps a few dozen) then costs a
//! few pointers here rather than a copy of every id, and only the chunk being filled is copied
//! when a copy is written to. Message ids grow over a run, so each chunk spans a narrow range
//! of them and a lookup reads one or two chunks' indexes.
//!
//! **Idempotent consumers** (`SimConfig::idempotent_consumers`, on by default): the table is in the
//! service's database, checked and updated in the same local transaction as the handler. Off, a
//! redelivered or duplicated message is applied twice, and the checker reports it
//! (`AtMostOnceEffect`).

use crate::ids::MessageId;
use crate::stable_hash::FxHashMap;
use std::collections::VecDeque;
use std::rc::Rc;

/// Ids per chunk.
pub const CHUNK: usize = 1024;

#[derive(Clone, Debug, Default)]
struct Chunk {
    ids: Vec<MessageId>,
    /// Each id's place in `ids`.
    index: FxHashMap<MessageId, u16>,
    min: u64,
    max: u64,
}

impl Chunk {
    fn place(&self, id: MessageId) -> Option<usize> {
        if id.0 < self.min || id.0 > self.max {
            return None;
        }
        self.index.get(&id).map(|&i| usize::from(i))
    }
}

/// The ids a consumer has handled (see the module docs).
#[derive(Clone, Debug)]
pub struct ProcessedTable {
    /// Oldest first; the last one is the one being filled.
    chunks: VecDeque<Rc<Chunk>>,
    /// Ids at the front of the first chunk already forgotten.
    forgotten: usize,
    len: usize,
    capacity: usize,
}

impl Default for ProcessedTable {
    fn default() -> Self {
        ProcessedTable::new(1)
    }
}

impl ProcessedTable {
    /// An empty table remembering up to `capacity` ids.
    pub fn new(capacity: usize) -> ProcessedTable {
        ProcessedTable { chunks: VecDeque::new(), forgotten: 0, len: 0, capacity: capacity.max(1) }
    }

    /// Whether `id` was handled.
    pub fn contains(&self, id: MessageId) -> bool {
        // Newest first: a duplicate is most often a recent message.
        self.chunks.iter().enumerate().rev().any(|(k, c)| c.place(id).is_some_and(|i| k != 0 || i >= self.forgotten))
    }

    /// Records `id` as handled.
    pub fn insert(&mut self, id: MessageId) {
        if self.contains(id) {
            return;
        }
        if self.chunks.back().is_none_or(|c| c.ids.len() >= CHUNK) {
            self.chunks.push_back(Rc::new(Chunk { min: u64::MAX, ..Chunk::default() }));
        }
        if let Some(last) = self.chunks.back_mut() {
            let c = Rc::make_mut(last);
            c.index.insert(id, c.ids.len() as u16);
            c.ids.push(id);
            c.min = c.min.min(id.0);
            c.max = c.max.max(id.0);
        }
        self.len += 1;
        if self.len > self.capacity {
            self.forgotten += 1;
            self.len -= 1;
            if self.chunks.len() > 1 && self.chunks.front().is_some_and(|c| self.forgotten >= c.ids.len()) {
                self.chunks.pop_front();
                self.forgotten = 0;
            }
        }
    }

    /// How many ids are remembered.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many ids live in chunks this table shares with `other` (a copy taken earlier or
    /// later in the same run): memory the two hold once.
    pub(crate) fn shared_ids(&self, other: &ProcessedTable) -> usize {
        self.chunks.iter().filter(|c| other.chunks.iter().any(|o| Rc::ptr_eq(c, o))).map(|c| c.ids.len()).sum()
    }

    /// The most recent ids, newest first.
    pub fn recent(&self, n: usize) -> impl Iterator<Item = MessageId> + '_ {
        let forgotten = self.forgotten;
        self.chunks
            .iter()
            .enumerate()
            .rev()
            .flat_map(move |(k, c)| c.ids[if k == 0 { forgotten.min(c.ids.len()) } else { 0 }..].iter().rev())
            .take(n)
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The plain model: a set and a queue, as the table was before it was chunked.
    struct Model {
        ids: HashSet<MessageId>,
        order: VecDeque<MessageId>,
        capacity: usize,
    }

    impl Model {
        fn insert(&mut self, id: MessageId) {
            if self.ids.insert(id) {
                self.order.push_back(id);
                if self.order.len() > self.capacity {
                    let old = self.order.pop_front().expect("full");
                    self.ids.remove(&old);
                }
            }
        }
    }

    #[test]
    fn it_answers_as_the_plain_set_and_queue_did() {
        for capacity in [1, 3, 1000, 1024, 1500, 5000] {
            let mut t = ProcessedTable::new(capacity);
            let mut m = Model { ids: HashSet::new(), order: VecDeque::new(), capacity };
            // Mostly increasing ids with repeats and stragglers, as a consumer sees them.
            let mut x: u64 = 7;
            for k in 0..20_000u64 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let id = MessageId(match x >> 60 {
                    0 => k.saturating_sub(x >> 50 & 4095),
                    1 => k.saturating_sub(3),
                    _ => k,
                });
                assert_eq!(t.contains(id), m.ids.contains(&id), "capacity {capacity}, step {k}, {id:?}");
                t.insert(id);
                m.insert(id);
                assert_eq!(t.len(), m.order.len());
            }
            assert!(t.recent(50).eq(m.order.iter().rev().take(50).copied()), "capacity {capacity}");
        }
    }

    #[test]
    fn a_copy_shares_its_chunks_and_does_not_see_later_inserts() {
        let mut t = ProcessedTable::new(10_000);
        for k in 0..5_000 {
            t.insert(MessageId(k));
        }
        let copy = t.clone();
        assert!(Rc::ptr_eq(&t.chunks[0], &copy.chunks[0]), "sealed chunks are shared");
        t.insert(MessageId(9_999));
        assert!(t.contains(MessageId(9_999)) && !copy.contains(MessageId(9_999)));
        assert_eq!(copy.len(), 5_000);
    }
}
