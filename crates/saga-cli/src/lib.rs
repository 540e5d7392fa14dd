//! The runner's scenario reading, shared by its command line, the fuzz target and the tests that
//! replay what the fuzzer found.

use saga_sim::Scenario;

/// The longest a checked scenario may run, in virtual ms, so the fuzzer spends its time on
/// inputs rather than on one long run.
const CHECK_RUN_MS: u64 = 600_000;

/// A scenario from JSON, checked; the error names the field and the problem.
pub fn parse_scenario(text: &str) -> Result<Scenario, String> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let scenario: Scenario = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." { inner.to_string() } else { format!("field `{path}`: {inner}") }
    })?;
    let problems = scenario.problems();
    if let Some(p) = problems.first() {
        let more = if problems.len() > 1 { format!(" (and {} more)", problems.len() - 1) } else { String::new() };
        return Err(format!("field `{}`: {}{more}", p.field, p.problem));
    }
    Ok(scenario)
}

/// What the fuzz target does with its input: read it as a scenario and, when it is one, run it
/// for at most ten minutes of virtual time. Any panic on the way is a bug; an error is fine.
pub fn check_scenario_bytes(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(scenario) = parse_scenario(text) else { return };
    let mut sim = scenario.start();
    let last = scenario.commands.iter().map(|c| c.at_ms).max().unwrap_or(0);
    sim.run_until_quiet(last.saturating_add(120_000).min(CHECK_RUN_MS));
    let _ = sim.view();
}
