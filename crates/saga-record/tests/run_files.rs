//! Run files of format 1, committed once, must load and replay to the same trace forever: a
//! teacher's saved run still opens after any refactoring. A change that breaks one of these
//! is a change of the file format (see `wire`), not a refactoring.

use saga_record::run_file;
use std::path::Path;

/// Each committed file, the trace hash its replay gives, and where it ends.
const FILES: &[(&str, &str, u64)] = &[
    ("v1_defaults.json", "9f56064ae47a18bb", 831),
    ("v1_crash_and_catch_up.json", "b3de4e9c6bbe0303", 12_000),
    ("v1_two_pc_operator.json", "90376d7595dedaee", 10_000),
    ("v1_fast_forward.json", "26092e5f1fdf5e38", 29_002),
];

#[test]
fn committed_format_1_files_replay_to_their_pinned_hashes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/runs");
    for &(name, hash, end_ms) in FILES {
        let text = std::fs::read_to_string(dir.join(name)).expect(name);
        let file = run_file::read(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (_, outcome) = match file.until_ms {
            Some(t) => file.run.run_until(t),
            None => file.run.run_until_quiet(),
        };
        assert_eq!((format!("{:016x}", outcome.trace_hash), outcome.end_ms), (hash.to_string(), end_ms), "{name}");
        // Written again by this version, it reads back as the same run.
        let again = run_file::read(&run_file::write(&file.run, file.until_ms)).expect(name);
        assert_eq!(again, file, "{name}");
    }
    let on_disk = std::fs::read_dir(&dir).expect("tests/runs").count();
    assert_eq!(on_disk, FILES.len(), "every committed run file has a row here");
}

#[test]
fn a_scenario_written_as_a_run_file_reproduces_the_run() {
    // Swarm seed 7 has crashes, partitions, loss, duplication and reordering.
    let s = saga_sim::swarm::plan(7, saga_sim::swarm::SwarmKnobs::default()).scenario;
    let text = run_file::write(&saga_sim::Run::from(&s), None);
    let back = run_file::read(&text).expect("reads back");
    assert_eq!(back.run, saga_sim::Run::from(&s));
    assert_eq!(back.run.run_until_quiet().1.trace_hash, s.run().1.trace_hash);
}

/// Links made by format 1 (before `all_done_event`), committed once: they must open forever,
/// as the same runs as their files.
#[test]
fn format_1_links_still_open_as_the_same_runs() {
    use saga_record::link;
    let links = [
        (
            "v1_crash_and_catch_up.json",
            "AQcCCEtleWJvYXJkFAdNb25pdG9yBih4PAEBATABMAEwAAABMJADgBkgZPoBoJwBgCCAQMCEPdAPsOoBgIAEgAKgjQZAgAIAAAADAAAAA8gBA_QDrAK4F9APAACIJ6Af0A_hXQcAAAAAAgAAAAABAQFj6AIBBQABoAsAAQCAGQAFAQHIAQAFBAADMC4xAzAuMgEwAAABMMAlAAUGUhoLfQ",
        ),
        (
            "v1_two_pc_operator.json",
            "AQMCCEtleWJvYXJkFAdNb25pdG9yBih4PAEBATABMAEwAAABMJADgBkgZPoBoJwBgCCAQMCEPdAPsOoBgIAEgAKgjQZAgAIDAAADAAAAA8gBA_QDrAK4F9APAAGIJ6Af0A-RTgQAAAUHAAAAAAEBAKAfAAYAAaAfAAUBA7JOwlo",
        ),
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/runs");
    for (name, text) in links {
        let file = run_file::read(&std::fs::read_to_string(dir.join(name)).expect(name)).expect(name);
        let opened = link::decode(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(opened, file, "{name}");
        assert!(!opened.run.config.all_done_event, "a format-1 run has no AllDone event");
    }
}

/// A run with the format-2 switch goes out as a file and as a link and comes back the same.
#[test]
fn the_all_done_switch_survives_a_file_and_a_link() {
    use saga_record::link;
    let config = saga_sim::SimConfig { all_done_event: true, ..saga_sim::SimConfig::default() };
    let run = saga_sim::Run { seed: 3, config, inputs: Vec::new() };
    let file = run_file::read(&run_file::write(&run, None)).expect("reads back");
    assert!(file.run.config.all_done_event);
    assert_eq!(link::decode(&link::encode(&run, None)).expect("opens"), file);
}

/// Format 4's fields (how many participants, 2PC's commit in turn) go out as a file and as a
/// link and come back the same; a file of an earlier format reads as it ran: three
/// participants, every commit sent at once.
#[test]
fn the_participants_survive_a_file_and_a_link() {
    use saga_record::link;
    let mut config = saga_sim::SimConfig { protocol: saga_sim::Protocol::TwoPc, ..saga_sim::SimConfig::default() };
    config.two_phase.participants = 5;
    config.two_phase.commit_in_turn = false;
    let run = saga_sim::Run { seed: 3, config, inputs: Vec::new() };
    let text = run_file::write(&run, None);
    let file = run_file::read(&text).expect("reads back");
    assert_eq!((file.run.config.two_phase.participants, file.run.config.two_phase.commit_in_turn), (5, false));
    assert_eq!(link::decode(&link::encode(&run, None)).expect("opens"), file);
    // The same file as format 3 wrote it: without the two fields.
    let format_3: String = text
        .replacen("\"format\": 4", "\"format\": 3", 1)
        .lines()
        .filter(|l| !l.contains("\"participants\"") && !l.contains("\"commit_in_turn\""))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(format_3, text, "the file names its format");
    let old = run_file::read(&format_3).expect("a format-3 file reads");
    assert_eq!((old.run.config.two_phase.participants, old.run.config.two_phase.commit_in_turn), (3, false));
}
