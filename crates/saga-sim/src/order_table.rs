//! A table with one row per order, for the newest orders only: settled orders beyond a bound
//! are archived (their rows dropped, their totals kept elsewhere), so a long run's memory stays
//! flat however many orders it places. The rows are a `Vec` whose first `start` rows are
//! archived ones not yet dropped: archiving moves `start` on, and the vector is compacted once
//! those make up half of it, so each archived row costs O(1) on average. A `Vec` indexes with
//! less code than a `VecDeque` (every lookup is inlined, and the download counts each copy).

use crate::ids::OrderId;
use serde::{Deserialize, Serialize};

/// Rows indexed by order id, from the oldest kept order (`base`) on.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: Deserialize<'de>"))]
pub struct OrderTable<T> {
    /// The id of the oldest kept order: the row at `start`.
    base: u32,
    /// Rows before it are archived, and dropped at the next compaction.
    start: usize,
    rows: Vec<T>,
    /// Where writes for an archived order go: nowhere that is read (see [`OrderTable::slot`]).
    #[serde(skip)]
    scratch: Option<T>,
}

impl<T: PartialEq> PartialEq for OrderTable<T> {
    fn eq(&self, other: &Self) -> bool {
        self.base == other.base && self.rows[self.start..] == other.rows[other.start..]
    }
}

impl<T: Eq> Eq for OrderTable<T> {}

impl<T> Default for OrderTable<T> {
    fn default() -> Self {
        OrderTable { base: 0, start: 0, rows: Vec::new(), scratch: None }
    }
}

impl<T> OrderTable<T> {
    /// The oldest order still kept; every older one is archived.
    pub fn base(&self) -> OrderId {
        OrderId(self.base)
    }

    /// Whether `order` was archived.
    pub fn is_archived(&self, order: OrderId) -> bool {
        order.0 < self.base
    }

    /// One past the newest id with a row (archived ones included).
    pub fn end(&self) -> u32 {
        self.base + self.len() as u32
    }

    /// Rows kept.
    pub fn len(&self) -> usize {
        self.rows.len() - self.start
    }

    /// Whether no row is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row of `order`, if it is kept.
    pub fn get(&self, order: OrderId) -> Option<&T> {
        order.0.checked_sub(self.base).and_then(|i| self.rows.get(self.start + i as usize))
    }

    /// The row of `order` to change, if it is kept.
    pub fn get_mut(&mut self, order: OrderId) -> Option<&mut T> {
        order.0.checked_sub(self.base).and_then(|i| self.rows.get_mut(self.start + i as usize))
    }

    /// The kept rows, oldest first.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.rows[self.start..].iter()
    }

    /// The kept rows to change, oldest first.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.rows[self.start..].iter_mut()
    }

    /// The kept rows with their order ids, oldest first.
    pub fn iter_ids(&self) -> impl DoubleEndedIterator<Item = (OrderId, &T)> {
        let base = self.base;
        self.iter().enumerate().map(move |(i, r)| (OrderId(base + i as u32), r))
    }

    /// Appends the row of the next order id and returns that id.
    pub fn push(&mut self, row: T) -> OrderId {
        let id = OrderId(self.end());
        self.rows.push(row);
        id
    }

    /// Archives every order before `order`: their rows are dropped. A sparse table may hold
    /// fewer rows than that; its base moves all the same.
    pub fn archive_before(&mut self, order: OrderId) {
        let Some(n) = order.0.checked_sub(self.base) else { return };
        self.start += (n as usize).min(self.len());
        self.base = order.0;
        if self.start * 2 > self.rows.len() {
            // `split_off` copies the rest into a fresh vector: less code than `drain` per row type.
            self.rows = self.rows.split_off(self.start);
            self.start = 0;
        }
    }
}

impl<T: Default> OrderTable<T> {
    /// The row of `order`, made (with default rows for any gap) when new. An archived order's
    /// row is a scratch value whose writes are dropped: the engine ignores messages about
    /// archived orders before any handler runs, so this is only a guard against a panic.
    pub fn slot(&mut self, order: OrderId) -> &mut T {
        let Some(i) = order.0.checked_sub(self.base) else {
            return self.scratch.insert(T::default());
        };
        let i = self.start + i as usize;
        if self.rows.len() <= i {
            self.rows.resize_with(i + 1, T::default);
        }
        &mut self.rows[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_found_by_id_after_archiving() {
        let mut t = OrderTable::default();
        for k in 0..5u32 {
            assert_eq!(t.push(k * 10), OrderId(k));
        }
        t.archive_before(OrderId(3));
        assert_eq!((t.base(), t.len(), t.end()), (OrderId(3), 2, 5));
        assert!(t.is_archived(OrderId(2)) && !t.is_archived(OrderId(3)));
        assert_eq!((t.get(OrderId(2)), t.get(OrderId(3)), t.get(OrderId(4))), (None, Some(&30), Some(&40)));
        assert_eq!(t.iter_ids().map(|(id, r)| (id.0, *r)).collect::<Vec<_>>(), vec![(3, 30), (4, 40)]);
        assert_eq!(t.push(50), OrderId(5));
    }

    #[test]
    fn archiving_one_row_at_a_time_keeps_every_lookup_right() {
        let mut t = OrderTable::default();
        for k in 0..1_000u32 {
            t.push(k);
            if k % 3 == 0 {
                t.archive_before(OrderId(k / 2));
            }
            let base = t.base().0;
            assert_eq!(t.len() as u32, k + 1 - base);
            assert!((base..=k).all(|id| t.get(OrderId(id)) == Some(&id)), "after {k}");
            assert_eq!(t.get(OrderId(base.wrapping_sub(1))), None);
        }
        assert!(t.rows.len() <= 2 * t.len() + 1, "archived rows are dropped, not kept for ever");
    }

    #[test]
    fn a_sparse_table_grows_to_an_id_and_ignores_archived_writes() {
        let mut t: OrderTable<u8> = OrderTable::default();
        *t.slot(OrderId(3)) = 7;
        assert_eq!((t.len(), t.get(OrderId(3)), t.get(OrderId(1))), (4, Some(&7), Some(&0)));
        t.archive_before(OrderId(6));
        assert_eq!((t.base(), t.len()), (OrderId(6), 0));
        *t.slot(OrderId(2)) = 9;
        assert_eq!(t.get(OrderId(2)), None, "a write to an archived order goes nowhere");
        *t.slot(OrderId(6)) = 1;
        assert_eq!(t.get(OrderId(6)), Some(&1));
    }
}
