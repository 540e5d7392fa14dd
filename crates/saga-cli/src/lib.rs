//! The runner's run-file reading, shared by its command line, the fuzz targets and the tests that
//! replay what the fuzzers found.

use saga_record::run_file::{self, RunFile};

/// The longest a checked run may run, in virtual ms, so the fuzzer spends its time on inputs
/// rather than on one long run.
const CHECK_RUN_MS: u64 = 600_000;

/// A run file (or a scenario from before the format), checked; the error names the field and
/// the problem.
pub fn parse_run(text: &str) -> Result<RunFile, String> {
    run_file::read(text).map_err(|p| p.to_string())
}

/// What the run-file fuzz target does with its input: read it as a run and, when it is one,
/// replay it for at most ten minutes of virtual time. Any panic on the way is a bug; an error
/// is fine.
pub fn check_run_bytes(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(file) = parse_run(text) else { return };
    check(&file);
}

/// What the link fuzz target does with its input. Its first byte chooses: odd, the rest is a
/// link's text as typed or pasted; even, the rest is a link's content, sealed with a valid
/// checksum first, so the fuzzer explores the decoder behind it rather than the checksum. A run
/// that decodes is replayed.
pub fn check_link_bytes(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let text = if mode % 2 == 1 {
        let Ok(text) = std::str::from_utf8(rest) else { return };
        text.to_string()
    } else {
        saga_record::link::seal(rest)
    };
    let Ok(file) = saga_record::link::decode(&text) else { return };
    check(&file);
}

fn check(file: &RunFile) {
    let last = file.run.inputs.iter().map(|i| i.at.at_ms).max().unwrap_or(0);
    let until = file.until_ms.unwrap_or(last.saturating_add(120_000)).min(CHECK_RUN_MS);
    let sim = file.run.replay_until(until);
    let _ = sim.view();
}
