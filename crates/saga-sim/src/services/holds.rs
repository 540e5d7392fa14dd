//! What a participant keeps about the holds its TCC and 2PC commands open: how many TCC holds
//! are open now (so "is anything held?" costs nothing), and how long the holds that ended
//! lasted (a TCC hold, or a row prepared and locked under 2PC), for the metrics.

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

    /// Total time held by `now_ms`: the holds that ended, and the open ones since their start.
    pub fn held_ms(&self, now_ms: u64, open_since_ms: impl Iterator<Item = u64>) -> u64 {
        self.held_ms_total + open_since_ms.map(|since| now_ms.saturating_sub(since)).sum::<u64>()
    }
}
