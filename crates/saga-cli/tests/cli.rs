//! The runner's contract: one JSON object on stdout, exit 0 when clean, 1 on a violation, 2 on
//! bad input with a message naming the field.

use std::path::PathBuf;
use std::process::Command;

fn cli(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_saga-cli")).args(args).output().expect("run saga-cli");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let json = serde_json::from_str(stdout.trim()).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&out.stderr).to_string())
}

fn scenario(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name).display().to_string()
}

fn temp_file(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("saga-cli-test-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("write temp file");
    path.display().to_string()
}

#[test]
fn run_prints_hash_verdict_and_summary() {
    let (code, json, _) = cli(&["run", &scenario("out_of_stock.json")]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["converged"], true);
    assert_eq!(json["violations"], 0);
    assert_eq!(json["trace_hash"].as_str().map(str::len), Some(16));
    assert_eq!(json["summary"]["orders"]["pending"], 0);
    assert_eq!(json["summary"]["stock"][1]["stock"], 3, "out-of-stock must not restock");
    // Deterministic: the same file gives the same hash.
    let (_, again, _) = cli(&["run", &scenario("out_of_stock.json")]);
    assert_eq!(json["trace_hash"], again["trace_hash"]);
}

#[test]
fn run_exits_1_on_a_violation() {
    let (code, json, _) = cli(&["run", &scenario("late_cancel.json")]);
    assert_eq!(code, 1, "{json}");
    assert!(json["violations"].as_u64() > Some(0));
}

#[test]
fn bad_files_exit_2_naming_the_field() {
    let cases = [
        (r#"{"seed": 1, "confg": {}}"#, "confg"),
        (r#"{"seed": "x"}"#, "seed"),
        (
            r#"{"seed": 1, "commands": [{"at_ms": 0, "command": {"command": "PlaceOrder", "product": 9, "quantity": 1, "idempotency_key": null}}]}"#,
            "commands[0].command.product",
        ),
        (r#"{"seed": 1, "commands": [{"at_ms": 0, "command": {"command": "Teleport"}}]}"#, "commands[0].command"),
        (r#"{"seed": 1, "config": {"latency_ms": {"min_ms": 10, "max_ms": 1}}}"#, "config.latency_ms"),
        (r#"{"seed": 1, "config": {"link_faults": {"drop_probability": 7.0}}}"#, "config.link_faults.drop_probability"),
        (r#"{"seed": 1, "config": {"products": []}}"#, "config.products"),
        ("not json at all", "not JSON (line 1, column 1)"),
        ("", "the file is empty"),
        (r#"{"format": 9, "seed": 1}"#, "made by a newer version of Saga Lab"),
        (r#"{"format": 1, "seed": 1, "config": {"protocol": "Raft"}}"#, "config.protocol"),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        let file = temp_file(&format!("bad{i}.json"), text);
        let (code, json, stderr) = cli(&["run", &file]);
        assert_eq!(code, 2, "case {i}: {text}");
        let msg = json["error"].as_str().unwrap_or_default();
        assert!(msg.contains(needle), "case {i}: message {msg:?} should name {needle:?}");
        assert!(!stderr.contains("panicked"), "case {i} panicked: {stderr}");
    }
    let (code, _, _) = cli(&["run", "/no/such/file.json"]);
    assert_eq!(code, 2);
}

#[test]
fn swarm_reports_its_fields() {
    let (code, json, _) = cli(&["swarm", "--seeds", "0..30"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["seeds"], 30);
    assert_eq!(json["violations"], 0);
    assert_eq!(json["not_converged"], 0);
    assert!(json["first_failing_seed"].is_null());
    assert!(json["worst_convergence_ms"].as_u64().is_some());
}

#[test]
fn orchestration_regressions_replay_as_expected() {
    // Found by review: a customer's cancel that overtakes its order must not start a saga that
    // takes stock a live order needs.
    let (code, json, _) = cli(&["run", &scenario("regressions/cancel_overtakes_order.json")]);
    assert_eq!((code, json["violations"].as_u64()), (0, Some(0)), "{json}");
    assert_eq!(json["summary"]["orders"]["confirmed"], 1, "{json}");
    assert_eq!(json["summary"]["stock"][1]["stock"], 0, "{json}");
    // "Cannot undo" after a timed-out step proves the step happened: the saga goes forward.
    let (code, json, _) = cli(&["run", &scenario("regressions/cannot_undo_after_timeout.json")]);
    assert_eq!((code, json["summary"]["orders"]["confirmed"].as_u64()), (0, Some(1)), "{json}");
    // A parked compensation that can never be done is reported as such, not as done; the parcel
    // handed over for an order the system gave up on is a named violation.
    let (code, json, stderr) = cli(&["run", &scenario("regressions/cannot_undo_in_registry.json"), "--trace"]);
    assert_eq!(code, 1, "{json}");
    assert!(json["violation_list"].to_string().contains("NoCompletedDeliveryForCancelledOrder"), "{json}");
    assert!(stderr.contains("ScheduleDelivery cannot be undone"), "trace should say the compensation cannot be done");
    assert!(!stderr.contains("CancelDelivery done: removed from the registry"));
}

#[test]
fn swarm_takes_a_protocol() {
    for protocol in ["orchestration", "tcc", "2pc"] {
        let (code, json, _) = cli(&["swarm", "--seeds", "0..30", "--protocol", protocol]);
        assert_eq!(code, 0, "{json}");
        assert_eq!(json["protocol"], protocol);
        assert_eq!(json["violations"], 0);
    }
    let (code, _, stderr) = cli(&["swarm", "--seeds", "0..3", "--protocol", "telepathy"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("choreography, orchestration, tcc, 2pc"), "{stderr}");
}

#[test]
fn bench_reports_its_fields() {
    let (code, json, _) = cli(&["bench", "--orders", "2000", "--seed", "5"]);
    assert_eq!(code, 0, "{json}");
    for field in ["orders", "events", "wall_ms", "events_per_s", "converged", "violations"] {
        assert!(!json[field].is_null(), "missing {field}: {json}");
    }
    assert_eq!(json["orders"], 2000);
    assert_eq!(json["converged"], true);
}

#[test]
fn bad_arguments_exit_2() {
    for args in [&["bench", "--orders", "lots"][..], &["swarm", "--seeds", "5..1"], &["swarm"], &["fly"], &[]] {
        let (code, _, stderr) = cli(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains("usage"), "{args:?}: {stderr}");
    }
}
