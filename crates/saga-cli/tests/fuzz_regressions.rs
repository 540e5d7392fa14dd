//! Replays, on stable and in the normal test command, every input the fuzzer ever found
//! troublesome (`fuzz/regressions/`), and the example scenarios: none may panic.

use std::path::Path;

#[test]
fn every_saved_fuzz_input_and_example_reads_and_runs_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs = [root.join("../../fuzz/regressions/scenario_json"), root.join("scenarios")];
    let mut checked = 0;
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                continue;
            }
            let data = std::fs::read(&path).expect("readable");
            saga_cli::check_scenario_bytes(&data);
            checked += 1;
        }
    }
    assert!(checked >= 3, "the examples at least");
}
