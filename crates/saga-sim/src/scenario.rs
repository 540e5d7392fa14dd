//! A scenario: a seed, a config and the user's commands with their virtual times. The format
//! `saga-cli run` reads and the app exports.

use crate::checker::Violation;
use crate::command::{Command, Fault, TimedCommand};
use crate::config::{ConfigProblem, MAX_DURATION_MS, MAX_STOCK, SimConfig, link_fault_problems};
use crate::services::order::MAX_QUANTITY;
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

impl Scenario {
    /// Every problem with the scenario, each naming its field.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut out: Vec<ConfigProblem> = self
            .config
            .problems()
            .into_iter()
            .map(|p| ConfigProblem { field: format!("config.{}", p.field), problem: p.problem })
            .collect();
        if self.commands.len() > MAX_SCENARIO_COMMANDS {
            out.push(ConfigProblem {
                field: "commands".into(),
                problem: format!("holds {} commands; at most {MAX_SCENARIO_COMMANDS}", self.commands.len()),
            });
            return out;
        }
        let products = self.config.products.len();
        for (i, tc) in self.commands.iter().enumerate() {
            let mut bad = |field: &str, problem: String| {
                out.push(ConfigProblem { field: format!("commands[{i}].{field}"), problem })
            };
            if tc.at_ms > MAX_COMMAND_AT_MS {
                bad("at_ms", format!("must be at most {MAX_COMMAND_AT_MS}, got {}", tc.at_ms));
            }
            match tc.command {
                Command::PlaceOrder { product, quantity, .. } => {
                    if usize::from(product.0) >= products {
                        bad("command.product", format!("no product {} (catalogue has {products})", product.0));
                    }
                    if quantity == 0 || quantity > MAX_QUANTITY {
                        bad("command.quantity", format!("must be between 1 and {MAX_QUANTITY}, got {quantity}"));
                    }
                }
                Command::SetStock { product, stock } => {
                    if usize::from(product.0) >= products {
                        bad("command.product", format!("no product {} (catalogue has {products})", product.0));
                    }
                    if !(0..=MAX_STOCK).contains(&stock) {
                        bad("command.stock", format!("must be between 0 and {MAX_STOCK}, got {stock}"));
                    }
                }
                Command::Fault(Fault::SetLinkFaults { faults, .. }) => {
                    for p in link_fault_problems(&faults) {
                        bad(&format!("command.faults.{}", p.field), p.problem);
                    }
                }
                Command::Fault(Fault::SetHandleTime { handle_ms, .. }) if handle_ms > MAX_DURATION_MS => {
                    bad("command.handle_ms", format!("must be at most {MAX_DURATION_MS}, got {handle_ms}"));
                }
                _ => {}
            }
        }
        out
    }

    /// A simulation with every command queued at its time (see `Run`), not yet advanced.
    pub fn start(&self) -> Sim {
        crate::run::Run::from(self).start()
    }

    /// Runs the scenario until it is quiet after its last command, or until the bound.
    pub fn run(&self) -> (Sim, RunOutcome) {
        let mut sim = self.start();
        let last = self.commands.iter().map(|c| c.at_ms).max().unwrap_or(0);
        let converged = sim.run_until_quiet(last.saturating_add(CONVERGENCE_BOUND_MS)) && sim.consistent();
        let outcome = RunOutcome {
            trace_hash: sim.trace_hash(),
            converged,
            end_ms: sim.now_ms(),
            violations: sim.recent_violations(),
            violations_total: sim.violations_total(),
        };
        (sim, outcome)
    }
}
