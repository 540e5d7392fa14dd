//! The run file: a [`Run`] as JSON, the format behind export, import and `saga-cli run` (the
//! link carries the same run in binary, see `link`).
//!
//! ```json
//! {
//!   "format": 3,
//!   "seed": 7,
//!   "config": { "protocol": "Tcc", "latency_ms": {"min_ms": 40, "max_ms": 120}, ... },
//!   "inputs": [
//!     {"at_ms": 0, "after": 0, "command": {"command": "PlaceOrder", "product": 0, "quantity": 1}},
//!     {"at_ms": 350, "after": 2, "command": {"command": "Fault", "fault": "Crash", "service": "Product"}}
//!   ],
//!   "until_ms": 4000
//! }
//! ```
//!
//! - `format` is the version of the vocabulary (see `wire`); a file from a newer version gets
//!   [`Problem::NewerFormat`], not a parse error. A file without `format` is a scenario from
//!   before it existed: its `commands` (each `at_ms` and `command`, in any order) read as
//!   inputs at their times, before anything else happens then.
//! - `config` may leave out any field: it takes its default. Export writes every field.
//! - `inputs` are in the order the run applied them; `after` is the number of engine events at
//!   `at_ms` before the input (see `input`) and defaults to 0.
//! - `until_ms`, optional, is how far the run had gone when it was saved: a reader replays to
//!   there. Without it, `saga-cli run` runs until quiet.
//!
//! Reading never panics and never accepts a run the engine would have to clamp: every problem
//! names its field (`config.limits.max_orders`, `inputs[3].command.product`).

use crate::json::Json;
use crate::wire::{FORMAT, WireIn, WireOut, get_command, get_config, put_command, put_config};
use saga_sim::command::command_problems;
use saga_sim::config::out_of_range;
use saga_sim::input::{Input, MAX_INPUTS, Position};
use saga_sim::problem::{Expected, FieldProblem, Problem, shorten};
use saga_sim::run::Run;
use saga_sim::scenario::MAX_COMMAND_AT_MS;

/// The largest run file read: 10 MB would be about 100,000 inputs, far beyond a class's run.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// A run read from a file or a link, with how far it had gone.
#[derive(Clone, Debug, PartialEq)]
pub struct RunFile {
    /// The run.
    pub run: Run,
    /// How far the run had gone when saved, if the file says.
    pub until_ms: Option<u64>,
}

/// The run as a JSON file (inputs one to a line).
pub fn write(run: &Run, until_ms: Option<u64>) -> String {
    let mut o = JsonOut::default();
    o.uint("format", FORMAT);
    o.uint("seed", run.seed);
    o.open("config");
    put_config(&mut o, &run.config);
    o.close();
    o.list("inputs", run.inputs.len());
    for input in &run.inputs {
        o.open("");
        o.uint("at_ms", input.at.at_ms);
        o.uint("after", input.at.after.into());
        o.open("command");
        put_command(&mut o, &input.command);
        o.close();
        o.close();
    }
    o.end_list();
    if let Some(t) = until_ms {
        o.uint("until_ms", t);
    }
    o.finish().to_pretty(2)
}

/// Reads a run file; the problem names the field.
pub fn read(text: &str) -> Result<RunFile, FieldProblem> {
    if text.len() > MAX_FILE_BYTES {
        return Err(FieldProblem::new(
            "",
            Problem::TooLarge { bytes: text.len() as u64, max_bytes: MAX_FILE_BYTES as u64 },
        ));
    }
    if text.trim().is_empty() {
        return Err(FieldProblem::new("", Problem::Empty));
    }
    let json = Json::parse(text.trim_start_matches('\u{feff}'))
        .map_err(|e| FieldProblem::new("", Problem::NotJson { line: e.line, column: e.column }))?;
    if !matches!(json, Json::Object(_)) || json.get("seed").is_none() {
        return Err(FieldProblem::new("", Problem::NotARun));
    }
    // The format first: a newer file may differ anywhere else.
    let legacy = json.get("format").is_none();
    let mut i = JsonIn::new(&json);
    // A scenario from before the format is format 1's vocabulary.
    let mut format = 1;
    if !legacy {
        format = i.uint("format", u64::MAX, None)?;
        if format > FORMAT {
            return Err(FieldProblem::new("format", Problem::NewerFormat { format }));
        }
        if format == 0 {
            return Err(FieldProblem::new("format", out_of_range(0, 1, FORMAT)));
        }
    }
    let seed = i.uint("seed", u64::MAX, None)?;
    i.open("config")?;
    let config = get_config(&mut i, format)?;
    i.close()?;
    let key = if legacy { "commands" } else { "inputs" };
    let n = i.list(key, MAX_INPUTS)?.unwrap_or(0);
    let mut inputs = Vec::with_capacity(n);
    for _ in 0..n {
        i.open("")?;
        let at_ms = i.uint("at_ms", u64::MAX, None)?;
        let after = if legacy { 0 } else { i.uint("after", u32::MAX.into(), Some(0))? as u32 };
        i.open("command")?;
        let command = get_command(&mut i)?;
        i.close()?;
        i.close()?;
        inputs.push(Input { at: Position { at_ms, after }, command });
    }
    i.end_list();
    let until_ms = i.opt_uint("until_ms", u64::MAX)?;
    i.close()?;
    if legacy {
        // A scenario's commands may come in any order; same-time ones keep theirs.
        inputs.sort_by_key(|input| input.at.at_ms);
    }
    let run = Run { seed, config, inputs };
    let field = if legacy { "commands" } else { "inputs" };
    if let Some(p) = problems(&run, field).into_iter().next() {
        return Err(p);
    }
    if let Some(t) = until_ms
        && t > MAX_COMMAND_AT_MS
    {
        return Err(FieldProblem::new("until_ms", out_of_range(t, 0, MAX_COMMAND_AT_MS)));
    }
    Ok(RunFile { run, until_ms })
}

/// Every problem with a run, each naming its field (`inputs` named `inputs_field`): the config's
/// and each input's. Empty when the engine can replay it without clamping anything.
pub fn problems(run: &Run, inputs_field: &str) -> Vec<FieldProblem> {
    let mut out: Vec<FieldProblem> = run.config.problems().into_iter().map(|p| p.within("config")).collect();
    if run.inputs.len() > MAX_INPUTS {
        out.push(FieldProblem::new(
            inputs_field,
            Problem::TooMany { got: run.inputs.len() as u64, max: MAX_INPUTS as u64 },
        ));
        return out;
    }
    let mut last = Position::default();
    for (i, input) in run.inputs.iter().enumerate() {
        let at = format!("{inputs_field}[{i}]");
        if input.at.at_ms > MAX_COMMAND_AT_MS {
            out.push(FieldProblem::new(format!("{at}.at_ms"), out_of_range(input.at.at_ms, 0, MAX_COMMAND_AT_MS)));
        } else if input.at < last {
            out.push(FieldProblem::new(at.clone(), Problem::OutOfOrder));
        }
        last = last.max(input.at);
        out.extend(
            command_problems(&input.command, &run.config).into_iter().map(|p| p.within(&format!("{at}.command"))),
        );
    }
    out
}

enum OutFrame {
    Object(&'static str, Vec<(String, Json)>),
    List(&'static str, Vec<Json>),
}

/// Builds a JSON value from [`WireOut`] calls.
struct JsonOut {
    stack: Vec<OutFrame>,
}

impl Default for JsonOut {
    fn default() -> Self {
        JsonOut { stack: vec![OutFrame::Object("", Vec::new())] }
    }
}

impl JsonOut {
    fn put(&mut self, key: &str, v: Json) {
        match self.stack.last_mut() {
            Some(OutFrame::Object(_, members)) => members.push((key.to_string(), v)),
            Some(OutFrame::List(_, items)) => items.push(v),
            None => {}
        }
    }

    fn finish(mut self) -> Json {
        match self.stack.pop() {
            Some(OutFrame::Object(_, members)) => Json::Object(members),
            _ => Json::Null,
        }
    }
}

impl WireOut for JsonOut {
    fn uint(&mut self, key: &'static str, v: u64) {
        self.put(key, Json::uint(v));
    }
    fn int(&mut self, key: &'static str, v: i64) {
        self.put(key, Json::int(v));
    }
    fn float(&mut self, key: &'static str, v: f64) {
        self.put(key, Json::float(v));
    }
    fn flag(&mut self, key: &'static str, v: bool) {
        self.put(key, Json::Bool(v));
    }
    fn text(&mut self, key: &'static str, v: &str) {
        self.put(key, Json::Text(v.to_string()));
    }
    fn name(&mut self, key: &'static str, names: &'static [&'static str], index: usize) {
        self.put(key, Json::Text(names[index].to_string()));
    }
    fn opt_uint(&mut self, key: &'static str, v: Option<u64>) {
        if let Some(v) = v {
            self.uint(key, v);
        }
    }
    fn opt_name(&mut self, key: &'static str, names: &'static [&'static str], index: Option<usize>) {
        self.put(key, index.map_or(Json::Null, |i| Json::Text(names[i].to_string())));
    }
    fn open(&mut self, key: &'static str) {
        self.stack.push(OutFrame::Object(key, Vec::new()));
    }
    fn close(&mut self) {
        if let Some(OutFrame::Object(key, members)) = self.stack.pop() {
            self.put(key, Json::Object(members));
        }
    }
    fn list(&mut self, key: &'static str, len: usize) {
        self.stack.push(OutFrame::List(key, Vec::with_capacity(len)));
    }
    fn end_list(&mut self) {
        if let Some(OutFrame::List(key, items)) = self.stack.pop() {
            self.put(key, Json::List(items));
        }
    }
}

const NO_MEMBERS: &[(String, Json)] = &[];

enum InFrame<'a> {
    Object { path: String, members: &'a [(String, Json)], read: Vec<bool> },
    List { path: String, items: &'a [Json], next: usize },
}

/// Reads [`WireIn`] calls from a JSON value, tracking each field's path.
struct JsonIn<'a> {
    stack: Vec<InFrame<'a>>,
}

impl<'a> JsonIn<'a> {
    fn new(root: &'a Json) -> JsonIn<'a> {
        let members = match root {
            Json::Object(m) => m.as_slice(),
            _ => NO_MEMBERS,
        };
        JsonIn { stack: vec![InFrame::Object { path: String::new(), members, read: vec![false; members.len()] }] }
    }

    /// The next value: the member `key` of the open object, or the list's next item, with its
    /// path. A `null` counts as missing.
    fn take(&mut self, key: &str) -> (String, Option<&'a Json>) {
        match self.stack.last_mut() {
            Some(InFrame::Object { path, members, read }) => {
                let field = if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
                let mut found = None;
                // The last of duplicate members counts, as in a browser; all of them are read.
                for (k, (name, v)) in members.iter().enumerate() {
                    if name == key {
                        read[k] = true;
                        found = Some(v);
                    }
                }
                (field, found.filter(|v| !matches!(v, Json::Null)))
            }
            Some(InFrame::List { path, items, next }) => {
                let field = format!("{path}[{next}]");
                let v = items.get(*next);
                *next += 1;
                (field, v)
            }
            None => (key.to_string(), None),
        }
    }

    fn need<T>(&mut self, key: &str, default: Option<T>) -> Result<(String, Result<&'a Json, T>), FieldProblem> {
        match (self.take(key), default) {
            ((field, Some(v)), _) => Ok((field, Ok(v))),
            ((_, None), Some(d)) => Ok((String::new(), Err(d))),
            ((field, None), None) => Err(FieldProblem::new(field, Problem::Missing)),
        }
    }
}

fn wrong(field: String, expected: Expected) -> FieldProblem {
    FieldProblem::new(field, Problem::WrongType { expected })
}

/// A JSON number as a whole number up to `max`: a fraction or an exponent is the wrong type, a
/// sign or a size beyond `max` out of range.
fn whole(field: String, v: &Json, max: u64) -> Result<u64, FieldProblem> {
    let Json::Number(text) = v else { return Err(wrong(field, Expected::WholeNumber)) };
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong(field, Expected::WholeNumber));
    }
    match text.parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(FieldProblem::new(field, out_of_range(shorten(text), "0".into(), max.to_string()))),
    }
}

impl WireIn for JsonIn<'_> {
    fn uint(&mut self, key: &'static str, max: u64, default: Option<u64>) -> Result<u64, FieldProblem> {
        match self.need(key, default)? {
            (_, Err(d)) => Ok(d),
            (field, Ok(v)) => whole(field, v, max),
        }
    }

    fn int(&mut self, key: &'static str, default: Option<i64>) -> Result<i64, FieldProblem> {
        match self.need(key, default)? {
            (_, Err(d)) => Ok(d),
            (field, Ok(Json::Number(text))) => {
                let digits = text.strip_prefix('-').unwrap_or(text);
                if !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(wrong(field, Expected::Integer));
                }
                text.parse::<i64>().map_err(|_| {
                    FieldProblem::new(field, out_of_range(shorten(text), i64::MIN.to_string(), i64::MAX.to_string()))
                })
            }
            (field, Ok(_)) => Err(wrong(field, Expected::Integer)),
        }
    }

    fn float(&mut self, key: &'static str, default: Option<f64>) -> Result<f64, FieldProblem> {
        match self.need(key, default)? {
            (_, Err(d)) => Ok(d),
            (field, Ok(Json::Number(text))) => match saga_sim::decimal::read(text) {
                Some(v) if v.is_finite() => Ok(v),
                _ => Err(FieldProblem::new(field, out_of_range(shorten(text), "0".into(), "1".into()))),
            },
            (field, Ok(_)) => Err(wrong(field, Expected::Number)),
        }
    }

    fn flag(&mut self, key: &'static str, default: Option<bool>) -> Result<bool, FieldProblem> {
        match self.need(key, default)? {
            (_, Err(d)) => Ok(d),
            (_, Ok(Json::Bool(b))) => Ok(*b),
            (field, Ok(_)) => Err(wrong(field, Expected::Bool)),
        }
    }

    fn text(&mut self, key: &'static str, max_chars: usize, default: Option<&str>) -> Result<String, FieldProblem> {
        match self.need(key, default)? {
            (_, Err(d)) => Ok(d.to_string()),
            (field, Ok(Json::Text(s))) => {
                if s.chars().count() > max_chars {
                    Err(FieldProblem::new(field, Problem::TooLong { max_chars: max_chars as u64 }))
                } else {
                    Ok(s.clone())
                }
            }
            (field, Ok(_)) => Err(wrong(field, Expected::Text)),
        }
    }

    fn name(
        &mut self,
        key: &'static str,
        names: &'static [&'static str],
        default: Option<usize>,
    ) -> Result<usize, FieldProblem> {
        match self.need(key, default)? {
            (_, Err(d)) => Ok(d),
            (field, Ok(Json::Text(s))) => names
                .iter()
                .position(|n| n == s)
                .ok_or_else(|| FieldProblem::new(field, Problem::UnknownName { got: shorten(s), known: names })),
            (field, Ok(_)) => Err(wrong(field, Expected::Text)),
        }
    }

    fn opt_uint(&mut self, key: &'static str, max: u64) -> Result<Option<u64>, FieldProblem> {
        match self.take(key) {
            (_, None) => Ok(None),
            (field, Some(v)) => whole(field, v, max).map(Some),
        }
    }

    fn opt_name(&mut self, key: &'static str, names: &'static [&'static str]) -> Result<Option<usize>, FieldProblem> {
        match self.take(key) {
            (_, None) => Ok(None),
            (field, Some(Json::Text(s))) => names
                .iter()
                .position(|n| n == s)
                .map(Some)
                .ok_or_else(|| FieldProblem::new(field, Problem::UnknownName { got: shorten(s), known: names })),
            (field, Some(_)) => Err(wrong(field, Expected::Text)),
        }
    }

    fn open(&mut self, key: &'static str) -> Result<(), FieldProblem> {
        let (path, v) = self.take(key);
        let members = match v {
            None => NO_MEMBERS,
            Some(Json::Object(m)) => m.as_slice(),
            Some(_) => return Err(wrong(path, Expected::Object)),
        };
        self.stack.push(InFrame::Object { path, members, read: vec![false; members.len()] });
        Ok(())
    }

    fn close(&mut self) -> Result<(), FieldProblem> {
        if let Some(InFrame::Object { path, members, read }) = self.stack.pop()
            && let Some(k) = read.iter().position(|r| !r)
        {
            let key = &members[k].0;
            let field = if path.is_empty() { shorten(key) } else { format!("{path}.{}", shorten(key)) };
            return Err(FieldProblem::new(field, Problem::UnknownField));
        }
        Ok(())
    }

    fn list(&mut self, key: &'static str, max: usize) -> Result<Option<usize>, FieldProblem> {
        let (path, v) = self.take(key);
        let (items, given) = match v {
            None => (&[][..], false),
            Some(Json::List(items)) => (items.as_slice(), true),
            Some(_) => return Err(wrong(path, Expected::List)),
        };
        if items.len() > max {
            return Err(FieldProblem::new(path, Problem::TooMany { got: items.len() as u64, max: max as u64 }));
        }
        let len = items.len();
        self.stack.push(InFrame::List { path, items, next: 0 });
        Ok(given.then_some(len))
    }

    fn end_list(&mut self) {
        self.stack.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saga_sim::command::{Command, Fault};
    use saga_sim::config::SimConfig;
    use saga_sim::ids::{OrderId, ProductId, ServiceId};

    fn run() -> Run {
        let mut config = SimConfig::default();
        config.products[1].name = "모니터 \"27\"".into();
        config.link_faults.drop_probability = 0.1;
        Run {
            seed: u64::MAX,
            config,
            inputs: vec![
                Input {
                    at: Position::at(0),
                    command: Command::PlaceOrder { product: ProductId(1), quantity: 2, idempotency_key: None },
                },
                Input {
                    at: Position { at_ms: 350, after: 2 },
                    command: Command::Fault(Fault::Crash { service: ServiceId::Product }),
                },
                Input { at: Position { at_ms: 900, after: 0 }, command: Command::CancelOrder { order: OrderId(0) } },
            ],
        }
    }

    #[test]
    fn a_run_reads_back_as_written() {
        let text = write(&run(), Some(4_000));
        assert_eq!(read(&text), Ok(RunFile { run: run(), until_ms: Some(4_000) }), "{text}");
        assert!(text.contains("\n    {\"at_ms\": 350, \"after\": 2, \"command\": {\"command\": \"Fault\", \"fault\": \"Crash\", \"service\": \"Product\"}}"), "{text}");
    }

    #[test]
    fn problems_name_the_field() {
        let cases: &[(&str, &str, &str)] = &[
            ("", "", "the file is empty"),
            ("[1]", "", "not a Saga Lab run"),
            ("{\"seed\": 1,", "", "not JSON (line 1, column 12)"),
            ("{\"format\": 99, \"seed\": 1, \"whatever\": []}", "format", "newer version of Saga Lab"),
            ("{\"format\": 1, \"seed\": -1}", "seed", "between 0 and"),
            ("{\"format\": 1, \"seed\": 1.5}", "seed", "a whole number"),
            (
                "{\"format\": 1, \"seed\": 1, \"config\": {\"protocol\": \"Paxos\"}}",
                "config.protocol",
                "\"Paxos\" is not one of Choreography",
            ),
            ("{\"format\": 1, \"seed\": 1, \"config\": {\"latency\": 3}}", "config.latency", "not a field"),
            (
                "{\"format\": 1, \"seed\": 1, \"config\": {\"limits\": {\"max_orders\": 99999999999999}}}",
                "config.limits.max_orders",
                "between 0 and 4294967295",
            ),
            (
                "{\"format\": 1, \"seed\": 1, \"config\": {\"limits\": {\"max_orders\": 0}}}",
                "config.limits.max_orders",
                "between 1 and 10000000",
            ),
            (
                "{\"format\": 1, \"seed\": 1, \"inputs\": [{\"at_ms\": 0, \"command\": {\"command\": \"PlaceOrder\", \"product\": 7, \"quantity\": 1}}]}",
                "inputs[0].command.product",
                "no product 7",
            ),
            (
                "{\"format\": 1, \"seed\": 1, \"inputs\": [{\"at_ms\": 0, \"command\": {\"command\": \"PlaceOrder\", \"product\": 0}}]}",
                "inputs[0].command.quantity",
                "is missing",
            ),
            (
                "{\"format\": 1, \"seed\": 1, \"inputs\": [{\"at_ms\": 5, \"command\": {\"command\": \"HealAll\"}}]}",
                "inputs[0].command.command",
                "\"HealAll\" is not one of PlaceOrder",
            ),
            (
                "{\"format\": 1, \"seed\": 1, \"inputs\": [{\"at_ms\": 5, \"command\": {\"command\": \"Fault\", \"fault\": \"HealAll\"}}, {\"at_ms\": 4, \"command\": {\"command\": \"Fault\", \"fault\": \"HealAll\"}}]}",
                "inputs[1]",
                "must be in order",
            ),
            ("{\"format\": 1, \"seed\": 1, \"until_ms\": 1e99}", "until_ms", "a whole number"),
        ];
        for &(text, field, problem) in cases {
            let err = read(text).expect_err(text);
            assert_eq!(err.field, field, "{text}: {err}");
            assert!(err.problem.to_string().contains(problem), "{text}: {err}");
        }
    }

    #[test]
    fn a_scenario_from_before_the_format_reads_as_format_one() {
        let text = r#"{"seed": 3, "config": {"protocol": "Orchestration"}, "commands": [
            {"at_ms": 900, "command": {"command": "Fault", "fault": "Heal", "service": "Coordinator"}},
            {"at_ms": 0, "command": {"command": "PlaceOrder", "product": 0, "quantity": 1, "idempotency_key": null}}]}"#;
        let file = read(text).expect("reads");
        assert_eq!(file.run.inputs.len(), 2);
        assert_eq!(file.run.inputs[0].at, Position::at(0), "sorted by time");
        assert_eq!(file.until_ms, None);
    }

    #[test]
    fn a_huge_file_is_refused_before_it_is_parsed() {
        let text = " ".repeat(MAX_FILE_BYTES + 1);
        assert!(matches!(read(&text), Err(FieldProblem { problem: Problem::TooLarge { .. }, .. })));
    }
}
