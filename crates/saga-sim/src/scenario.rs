//! A scenario: a seed, a config and the user's commands with their virtual times, each landing
//! before anything else happens at its time: the shape tests and the swarm write runs in. On
//! disk it is a run file (`run_file`), which reads the scenarios written before it too.

use crate::checker::Violation;
use crate::command::TimedCommand;
use crate::command::command_problems;
use crate::config::{SimConfig, out_of_range};
use crate::problem::{FieldProblem, Problem};
use crate::sim::Sim;
use serde::{Deserialize, Serialize};

/// How long after its last command a scenario may take to become quiet.
pub const CONVERGENCE_BOUND_MS: u64 = 120_000;
/// The most commands one scenario may hold.
pub const MAX_SCENARIO_COMMANDS: usize = 100_000;
/// The latest time a command may be scheduled at: 24 virtual hours.
pub const MAX_COMMAND_AT_MS: u64 = 86_400_000;

/// A reproducible run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The seed of the run's random generator.
    pub seed: u64,
    /// The configuration (defaults fill any missing field).
    #[serde(default)]
    pub config: SimConfig,
    /// The user's commands and faults, with their virtual times.
    #[serde(default)]
    pub commands: Vec<TimedCommand>,
}

/// The outcome of running a scenario to quiet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunOutcome {
    /// Hash of the whole trace.
    pub trace_hash: u64,
    /// Whether the run became quiet and consistent within the bound.
    pub converged: bool,
    /// Virtual time at the end.
    pub end_ms: u64,
    /// Violations found (bounded list; see `violations_total`).
    pub violations: Vec<Violation>,
    /// Violations found in all.
    pub violations_total: u64,
}

impl RunOutcome {
    /// How `sim` stands, `converged` as the caller judged it.
    pub fn of(sim: &Sim, converged: bool) -> RunOutcome {
        RunOutcome {
            trace_hash: sim.trace_hash(),
            converged,
            end_ms: sim.now_ms(),
            violations: sim.recent_violations(),
            violations_total: sim.violations_total(),
        }
    }
}

impl Scenario {
    /// Every problem with the scenario, each naming its field.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out: Vec<FieldProblem> = self.config.problems().into_iter().map(|p| p.within("config")).collect();
        if self.commands.len() > MAX_SCENARIO_COMMANDS {
            let got = self.commands.len() as u64;
            out.push(FieldProblem::new("commands", Problem::TooMany { got, max: MAX_SCENARIO_COMMANDS as u64 }));
            return out;
        }
        for (i, tc) in self.commands.iter().enumerate() {
            if tc.at_ms > MAX_COMMAND_AT_MS {
                let problem = out_of_range(tc.at_ms, 0, MAX_COMMAND_AT_MS);
                out.push(FieldProblem::new(format!("commands[{i}].at_ms"), problem));
            }
            let at = format!("commands[{i}].command");
            out.extend(command_problems(&tc.command, &self.config).into_iter().map(|p| p.within(&at)));
        }
        out
    }

    /// A simulation with every command queued at its time (see `Run`), not yet advanced.
    pub fn start(&self) -> Sim {
        crate::run::Run::from(self).start()
    }

    /// Runs the scenario until it is quiet after its last command, or until the bound.
    pub fn run(&self) -> (Sim, RunOutcome) {
        crate::run::Run::from(self).run_until_quiet()
    }
}
