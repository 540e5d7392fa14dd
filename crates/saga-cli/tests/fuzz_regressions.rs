//! Replays, on stable and in the normal test command, every input the fuzzer ever found
//! troublesome (`fuzz/regressions/`), and the example scenarios: none may panic.

use std::path::Path;

#[test]
fn every_saved_fuzz_input_and_example_reads_and_runs_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = [root.join("../../fuzz/regressions/run_file"), root.join("scenarios")];
    let links = [root.join("../../fuzz/regressions/run_link")];
    let mut checked = 0;
    for (dir, check) in files
        .iter()
        .map(|d| (d, saga_cli::check_run_bytes as fn(&[u8])))
        .chain(links.iter().map(|d| (d, saga_cli::check_link_bytes as fn(&[u8]))))
    {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                continue;
            }
            let data = std::fs::read(&path).expect("readable");
            check(&data);
            checked += 1;
        }
    }
    assert!(checked >= 8, "the examples and the saved links at least, found {checked}");
}
