//! A run's inputs and where each one lands: the one meaning of "an input at virtual time t".
//!
//! A run is the seed, the config and its inputs. An input is a [`Command`] (a user's action, a
//! fault, an operator's decision, a fast-forward) at a [`Position`]: virtual time `at_ms`, after
//! the first `after` engine events at that time. An engine event is a timer firing or one of the
//! engine's own inputs landing (a step of a fast-forward's plan, a flaky client's resubmission);
//! a person's inputs are not events, and several at one position keep their order. The engine
//! keeps its own inputs in a queue apart from a person's and numbers them, like timers, as they
//! land, so a person's input keeps its place between two of them. So, wherever
//! an input comes from, it means one thing:
//!
//! - **Applied live** ([`Sim::apply`](crate::Sim::apply)): it lands where the run stands now.
//!   After `advance_until(t)` that is after every event due at `t`; after a `step` it is between
//!   two events of the same instant. Either way the engine records its position.
//! - **Scheduled or replayed** ([`Sim::enqueue`](crate::Sim::enqueue),
//!   [`Sim::schedule`](crate::Sim::schedule), a file, a link): the engine applies it when the run
//!   reaches its position, before the next event. [`Sim::schedule`](crate::Sim::schedule) and a
//!   file without `after` mean `after = 0`: at `t`, before anything else happens at `t`.
//!
//! Reaching time `t` from an earlier time first lets the checker see the clock move (as the live
//! clock does), then applies the input. Replaying a run's [`InputLog`] therefore reproduces the
//! run exactly: the same trace, bit for bit, and the same view.

use crate::command::Command;
use serde::{Deserialize, Serialize};

/// The most inputs a run records; beyond it the run can no longer be replayed (the view says so).
pub const MAX_INPUTS: usize = 100_000;

/// Where an input lands in a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    /// Virtual time, in ms since the start.
    pub at_ms: u64,
    /// Engine events at `at_ms` that come before it.
    pub after: u32,
}

impl Position {
    /// At `at_ms`, before anything else happens then.
    pub const fn at(at_ms: u64) -> Position {
        Position { at_ms, after: 0 }
    }
}

/// One input of a run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// Where it lands.
    pub at: Position,
    /// What it does.
    pub command: Command,
}

/// Every input a run received, in the order applied (bounded by [`MAX_INPUTS`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InputLog {
    inputs: Vec<Input>,
    overflowed: bool,
}

impl InputLog {
    /// Records an input; beyond the bound, notes that the log is no longer the whole run.
    pub(crate) fn push(&mut self, input: Input) {
        if self.inputs.len() < MAX_INPUTS {
            self.inputs.push(input);
        } else {
            self.overflowed = true;
        }
    }

    /// The inputs, in the order applied.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// Whether the log holds every input of the run (so replaying it reproduces the run).
    pub fn complete(&self) -> bool {
        !self.overflowed
    }
}
