//! `saga-cli`: runs saga-sim without a screen. Each subcommand prints one JSON object on stdout
//! and exits 1 when an invariant is violated, 2 on bad input.

use saga_record::run_file::RunFile;
use saga_sim::swarm::{SwarmKnobs, run_seed};
use saga_sim::{Protocol, Sim, bench};
use serde_json::json;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  saga-cli bench --orders N [--seed S]     100,000 orders under faults, then heal
  saga-cli swarm --seeds A..B [--protocol P]   random fault schedules, one per seed
                                           (P: choreography, orchestration, tcc or 2pc)
  saga-cli run FILE.json [--until MS] [--trace]
                                           a run file: replayed to MS, to the file's until_ms,
                                           or until quiet (--trace prints the trace on stderr)
  saga-cli link FILE.json [--base URL]     the run as a link's ?run= value (or a whole link)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("saga-cli: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    match args.first().map(String::as_str) {
        Some("bench") => {
            let orders: u32 = parse(flag(args, "--orders")?.unwrap_or("100000"), "--orders")?;
            let seed: u64 = parse(flag(args, "--seed")?.unwrap_or("1"), "--seed")?;
            if orders == 0 || orders > 10_000_000 {
                return Err(format!("--orders must be between 1 and 10000000, got {orders}"));
            }
            Ok(bench_cmd(orders, seed))
        }
        Some("swarm") => {
            let range = flag(args, "--seeds")?.ok_or("swarm needs --seeds A..B")?;
            let (a, b) =
                range.split_once("..").ok_or_else(|| format!("--seeds must look like 0..1000, got {range:?}"))?;
            let (a, b): (u64, u64) = (parse(a, "--seeds start")?, parse(b, "--seeds end")?);
            if a >= b {
                return Err(format!("--seeds range {a}..{b} is empty"));
            }
            let protocol = match flag(args, "--protocol")? {
                None => Protocol::Choreography,
                Some(name) => Protocol::from_name(name).ok_or_else(|| {
                    let known: Vec<_> = Protocol::ALL.iter().map(|p| p.name()).collect();
                    format!("--protocol {name:?} is not one of {}", known.join(", "))
                })?,
            };
            Ok(swarm_cmd(a, b, protocol))
        }
        Some("run") => {
            let file = args.get(1).filter(|f| !f.starts_with("--")).ok_or("run needs a FILE.json")?;
            let until = flag(args, "--until")?.map(|v| parse(v, "--until")).transpose()?;
            Ok(run_cmd(file, until, args.iter().any(|a| a == "--trace")))
        }
        Some("link") => {
            let file = args.get(1).filter(|f| !f.starts_with("--")).ok_or("link needs a FILE.json")?;
            Ok(link_cmd(file, flag(args, "--base")?))
        }
        Some(other) => Err(format!("unknown subcommand {other:?}")),
        None => Err("no subcommand".into()),
    }
}

fn flag<'a>(args: &'a [String], name: &str) -> Result<Option<&'a str>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => args.get(i + 1).map(|v| Some(v.as_str())).ok_or_else(|| format!("{name} needs a value")),
    }
}

fn parse<T: std::str::FromStr>(v: &str, name: &str) -> Result<T, String> {
    v.parse().map_err(|_| format!("{name}: {v:?} is not a valid number"))
}

fn bench_cmd(orders: u32, seed: u64) -> ExitCode {
    let mut sim = Sim::new(bench::config(orders), seed);
    let mut sink = Vec::with_capacity(1 << 16);
    let start = Instant::now();
    let quiet = bench::drive(&mut sim, orders, &mut sink);
    let wall = start.elapsed();
    let stats = sim.stats();
    let converged = quiet && sim.consistent();
    let violations = sim.violations_total();
    let wall_ms = wall.as_secs_f64() * 1e3;
    print_json(json!({
        "orders": orders,
        "seed": seed,
        "events": stats.handled,
        "steps": stats.steps,
        "wall_ms": round(wall_ms),
        "events_per_s": round(stats.handled as f64 / wall.as_secs_f64().max(1e-9)),
        "virtual_ms": sim.now_ms(),
        "converged": converged,
        "violations": violations,
        "trace_hash": format!("{:016x}", sim.trace_hash()),
    }));
    exit_for(violations, converged)
}

fn swarm_cmd(a: u64, b: u64, protocol: Protocol) -> ExitCode {
    let (mut violations, mut not_converged, mut worst, mut first_failing, mut first_violation) = (0, 0, 0, None, None);
    let mut first_unmet = Vec::new();
    let start = Instant::now();
    let mut events = 0;
    for seed in a..b {
        let r = run_seed(seed, SwarmKnobs::for_protocol(protocol));
        violations += r.violations;
        events += r.handled;
        if !r.converged {
            not_converged += 1;
        }
        worst = worst.max(r.convergence_ms.unwrap_or(0));
        if (r.violations > 0 || !r.converged) && first_failing.is_none() {
            first_failing = Some(seed);
            first_violation = r.first_violation;
            first_unmet = r.unmet;
        }
    }
    print_json(json!({
        "protocol": protocol.name(),
        "seeds": b - a,
        "violations": violations,
        "not_converged": not_converged,
        "worst_convergence_ms": worst,
        "first_failing_seed": first_failing,
        "first_violation": first_violation,
        "first_unmet": first_unmet,
        "events": events,
        "wall_ms": round(start.elapsed().as_secs_f64() * 1e3),
    }));
    exit_for(violations, not_converged == 0)
}

fn run_cmd(file: &str, until: Option<u64>, trace: bool) -> ExitCode {
    let loaded = match load(file) {
        Ok(f) => f,
        Err(message) => {
            print_json(json!({ "error": message }));
            eprintln!("saga-cli: {message}");
            return ExitCode::from(2);
        }
    };
    // A run saved part-way (an export from the page) is replayed to where it was; a scenario
    // runs until quiet.
    let (mut sim, outcome) = match until.or(loaded.until_ms) {
        Some(t) => loaded.run.run_until(t),
        None => loaded.run.run_until_quiet(),
    };
    if trace {
        for r in sim.drain_trace() {
            eprintln!("{r}");
        }
    }
    let view = sim.view();
    let count = |f: fn(&saga_sim::OrderStatus) -> bool| view.orders.iter().filter(|o| f(&o.status)).count();
    print_json(json!({
        "trace_hash": format!("{:016x}", outcome.trace_hash),
        "converged": outcome.converged,
        "violations": outcome.violations_total,
        "violation_list": outcome.violations.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "end_ms": outcome.end_ms,
        "summary": {
            "orders": {
                "total": view.orders.len(),
                "pending": count(|s| matches!(s, saga_sim::OrderStatus::Pending)),
                "confirmed": count(|s| matches!(s, saga_sim::OrderStatus::Confirmed)),
                "cancelling": count(|s| matches!(s, saga_sim::OrderStatus::Cancelling(_))),
                "cancelled": count(|s| matches!(s, saga_sim::OrderStatus::Cancelled(_))),
            },
            "stock": view.products.iter().map(|p| json!({ "name": p.name, "stock": p.stock })).collect::<Vec<_>>(),
            "deliveries": view.deliveries.len(),
            "log_end": view.log.end,
        },
    }));
    exit_for(outcome.violations_total, true)
}

fn link_cmd(file: &str, base: Option<&str>) -> ExitCode {
    match load(file) {
        Ok(loaded) => {
            let run = saga_record::link::encode(&loaded.run, loaded.until_ms);
            let link = base.map(|b| format!("{b}?{}={run}", saga_record::link::PARAM));
            print_json(json!({ "run": run, "chars": run.len(), "link": link }));
            ExitCode::SUCCESS
        }
        Err(message) => {
            print_json(json!({ "error": message }));
            eprintln!("saga-cli: {message}");
            ExitCode::from(2)
        }
    }
}

/// Reads and checks a run file; the error names the file, the field and the problem.
fn load(file: &str) -> Result<RunFile, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{file}: is not UTF-8 text"))?;
    saga_cli::parse_run(&text).map_err(|e| format!("{file}: {e}"))
}
fn exit_for(violations: u64, converged: bool) -> ExitCode {
    if violations > 0 || !converged { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn print_json(v: serde_json::Value) {
    println!("{v}");
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
