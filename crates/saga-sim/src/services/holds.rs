//! What a participant keeps about the holds its TCC and 2PC commands open: how many TCC holds
//! are open now (so "is anything held?" costs nothing), and how long the holds that ended
//! lasted (a TCC hold, or a row prepared and locked under 2PC), for the metrics. `HoldRow` is
//! what those figures read of a participant's row, so Delivery, Payment and Points share one
//! set of rules for what is held, open and stale.

use crate::ids::OrderId;
use serde::{Deserialize, Serialize};

/// A row's hold as one command finds it or leaves it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hold {
    /// A TCC hold (Try's).
    pub held: bool,
    /// Since when the row has been held or prepared, while it is.
    pub open_since_ms: Option<u64>,
}

/// A participant's hold figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holds {
    /// TCC holds open right now.
    pub held: u32,
    /// Total time rows stayed held (TCC) or prepared (2PC), over the holds that ended.
    pub held_ms_total: u64,
}

impl Holds {
    /// Counts one command's effect on a row, from how it found the row to how it left it.
    pub fn track(&mut self, before: Hold, after: Hold, now_ms: u64) {
        if let (Some(since), None) = (before.open_since_ms, after.open_since_ms) {
            self.held_ms_total += now_ms.saturating_sub(since);
        }
        match (before.held, after.held) {
            (false, true) => self.held += 1,
            (true, false) => self.held = self.held.saturating_sub(1),
            _ => {}
        }
    }

    /// Total time held by `now_ms`: the holds that ended, and the open rows' since they opened.
    pub fn held_ms<'a, R: HoldRow + 'a>(&self, now_ms: u64, rows: impl Iterator<Item = &'a R>) -> u64 {
        let open = rows.filter(|r| r.open()).map(|r| now_ms.saturating_sub(r.updated_at_ms()));
        self.held_ms_total + open.sum::<u64>()
    }
}

/// A participant's table row, as the hold figures read it (Delivery's slots, Payment's and
/// Points' amounts): one set of rules for what is held, open and stale.
pub trait HoldRow {
    /// The order it belongs to.
    fn order(&self) -> OrderId;
    /// Whether a TCC Try holds it (not yet confirmed or cancelled).
    fn held(&self) -> bool;
    /// Whether it is held or prepared: something a decision still has to close.
    fn open(&self) -> bool;
    /// When it last changed.
    fn updated_at_ms(&self) -> u64;
    /// TCC: when its hold counts as stale.
    fn stale_at_ms(&self) -> u64;
}

impl Hold {
    /// The hold of `row` (none where there is no row).
    pub fn of<R: HoldRow>(row: Option<&R>) -> Hold {
        Hold { held: row.is_some_and(R::held), open_since_ms: row.filter(|r| r.open()).map(R::updated_at_ms) }
    }
}

/// TCC holds past their time among `rows`, in the rows' order, at most `max`.
pub fn stale<'a, R: HoldRow + 'a>(rows: impl Iterator<Item = &'a R>, now_ms: u64, max: usize) -> Vec<OrderId> {
    rows.filter(|r| r.held() && r.stale_at_ms() <= now_ms).map(R::order).take(max).collect()
}
