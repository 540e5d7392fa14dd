//! A run as a record: its seed, its config and every input with where it landed. Replaying a
//! `Run` reproduces the run exactly (the same trace and the same view): it is what a link, an
//! exported file and `saga-cli run` carry, and what time travel replays from a checkpoint.

use crate::config::SimConfig;
use crate::input::Input;
use crate::scenario::{CONVERGENCE_BOUND_MS, RunOutcome, Scenario};
use crate::sim::Sim;

/// A reproducible run.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The seed of the run's random generator.
    pub seed: u64,
    /// The configuration (as the engine clamped it).
    pub config: SimConfig,
    /// Every input, in the order applied.
    pub inputs: Vec<Input>,
}

impl Run {
    /// The record of `sim` so far.
    pub fn of(sim: &Sim) -> Run {
        Run { seed: sim.seed(), config: sim.config().clone(), inputs: sim.inputs().inputs().to_vec() }
    }

    /// A simulation at t=0 with every input queued at its position, not yet advanced.
    pub fn start(&self) -> Sim {
        let mut sim = Sim::new(self.config.clone(), self.seed);
        for &input in &self.inputs {
            sim.enqueue(input);
        }
        sim
    }

    /// The run replayed up to and including virtual time `t_ms`.
    pub fn replay_until(&self, t_ms: u64) -> Sim {
        let mut sim = self.start();
        sim.advance_until(t_ms);
        sim
    }
}

impl Run {
    /// Runs until quiet after the last input, or until `CONVERGENCE_BOUND_MS` after it.
    pub fn run_until_quiet(&self) -> (Sim, RunOutcome) {
        let mut sim = self.start();
        let last = self.inputs.iter().map(|i| i.at.at_ms).max().unwrap_or(0);
        let converged = sim.run_until_quiet(last.saturating_add(CONVERGENCE_BOUND_MS)) && sim.consistent();
        let outcome = RunOutcome::of(&sim, converged);
        (sim, outcome)
    }

    /// Replays to `t_ms` and reports how the run stands there.
    pub fn run_until(&self, t_ms: u64) -> (Sim, RunOutcome) {
        let sim = self.replay_until(t_ms);
        let converged = sim.consistent();
        let outcome = RunOutcome::of(&sim, converged);
        (sim, outcome)
    }
}

impl From<&Scenario> for Run {
    /// A scenario's commands land at their times, before anything else happens then.
    fn from(s: &Scenario) -> Run {
        let mut commands = s.commands.clone();
        // A stable sort keeps same-time commands in file order.
        commands.sort_by_key(|c| c.at_ms);
        let inputs =
            commands.iter().map(|c| Input { at: crate::input::Position::at(c.at_ms), command: c.command }).collect();
        Run { seed: s.seed, config: s.config.clone(), inputs }
    }
}
