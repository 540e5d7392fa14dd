//! A run in a link: the same run as the run file (`run_file`), packed small enough for an
//! address bar (`?run=...`). A 10-minute class run of about 30 inputs is a few hundred
//! characters.
//!
//! The bytes, before URL-safe base64 without padding:
//!
//! 1. the format (`wire::FORMAT`), one byte;
//! 2. the seed, then the whole config in the vocabulary's order (`wire::put_config`): whole
//!    numbers as LEB128 varints, integers zigzagged first, names as their index, a text as its
//!    length and UTF-8 bytes, a probability as its shortest decimal text (`decimal`: exact, and
//!    one or three bytes for the usual 0 or 0.1);
//! 3. `until_ms` plus one, or 0 for none;
//! 4. the inputs: their count, then each as the time since the previous input, `after`, and the
//!    command (`wire::put_command`);
//! 5. a CRC-32 of all the above, so a link cut short or changed by hand is caught and named,
//!    never replayed as some other run.

use crate::run_file::{RunFile, problems};
use crate::wire::{FORMAT, WireIn, WireOut, get_command, get_config, put_command, put_config};
use saga_sim::input::{Input, MAX_INPUTS, Position};
use saga_sim::problem::{Expected, FieldProblem, Problem, shorten};
use saga_sim::run::Run;
use saga_sim::scenario::MAX_COMMAND_AT_MS;

/// The query parameter that carries a run.
pub const PARAM: &str = "run";
/// The longest link text decoded (a run file's worth of inputs would be far shorter).
pub const MAX_LINK_CHARS: usize = 1_000_000;

/// The run packed for a link (URL-safe base64, no padding).
pub fn encode(run: &Run, until_ms: Option<u64>) -> String {
    let mut o = BinOut::default();
    o.bytes.push(FORMAT as u8);
    o.varint(run.seed);
    put_config(&mut o, &run.config);
    o.varint(until_ms.map_or(0, |t| t.saturating_add(1)));
    o.varint(run.inputs.len() as u64);
    let mut last = 0;
    for input in &run.inputs {
        o.varint(zigzag(input.at.at_ms.wrapping_sub(last) as i64));
        last = input.at.at_ms;
        o.varint(input.at.after.into());
        put_command(&mut o, &input.command);
    }
    let crc = crc32(&o.bytes);
    o.bytes.extend_from_slice(&crc.to_le_bytes());
    base64url(&o.bytes)
}

/// Unpacks a link's run; the problem names what was wrong (and, past the checksum, the field).
pub fn decode(text: &str) -> Result<RunFile, FieldProblem> {
    let whole = |p| FieldProblem::new("", p);
    if text.len() > MAX_LINK_CHARS {
        return Err(whole(Problem::TooLarge { bytes: text.len() as u64, max_bytes: MAX_LINK_CHARS as u64 }));
    }
    if text.trim().is_empty() {
        return Err(whole(Problem::Empty));
    }
    let bytes = unbase64url(text.trim()).map_err(whole)?;
    if bytes.len() < 5 {
        return Err(whole(Problem::Truncated));
    }
    let (body, tail) = bytes.split_at(bytes.len() - 4);
    let crc = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
    if crc32(body) != crc {
        // A newer link is still named as such, checksum or not: its layout may differ.
        if u64::from(body[0]) > FORMAT {
            return Err(FieldProblem::new("format", Problem::NewerFormat { format: body[0].into() }));
        }
        return Err(whole(Problem::ChecksumMismatch));
    }
    let format = u64::from(body[0]);
    if format > FORMAT {
        return Err(FieldProblem::new("format", Problem::NewerFormat { format }));
    }
    if format == 0 {
        return Err(FieldProblem::new("format", saga_sim::config::out_of_range(0, 1, FORMAT)));
    }
    let mut i = BinIn { bytes: body, at: 1, stack: vec![Frame { path: String::new(), index: None }] };
    let seed = i.uint("seed", u64::MAX, None)?;
    i.open("config")?;
    let config = get_config(&mut i, format)?;
    i.close()?;
    let until_ms = match i.uint("until_ms", MAX_COMMAND_AT_MS + 1, None)? {
        0 => None,
        t => Some(t - 1),
    };
    let n = i.list("inputs", MAX_INPUTS)?.unwrap_or(0);
    let mut inputs = Vec::with_capacity(n.min(body.len()));
    let mut last: u64 = 0;
    for _ in 0..n {
        i.open("")?;
        let delta = unzigzag(i.uint("at_ms", u64::MAX, None)?);
        let at_ms = last.checked_add_signed(delta).ok_or_else(|| {
            FieldProblem::new(
                format!("inputs[{}].at_ms", inputs.len()),
                saga_sim::config::out_of_range(0, 0, MAX_COMMAND_AT_MS),
            )
        })?;
        last = at_ms;
        let after = i.uint("after", u32::MAX.into(), None)? as u32;
        let command = get_command(&mut i)?;
        i.close()?;
        inputs.push(Input { at: Position { at_ms, after }, command });
    }
    i.end_list();
    if i.at != body.len() {
        return Err(whole(Problem::TrailingBytes));
    }
    let run = Run { seed, config, inputs };
    if let Some(p) = problems(&run, "inputs").into_iter().next() {
        return Err(p);
    }
    Ok(RunFile { run, until_ms })
}

/// Packs raw bytes as a link, with a valid checksum: how a fuzzer reaches the decoder behind
/// the checksum (no real link is made this way).
pub fn seal(body: &[u8]) -> String {
    let mut bytes = body.to_vec();
    bytes.extend_from_slice(&crc32(body).to_le_bytes());
    base64url(&bytes)
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// CRC-32 (IEEE 802.3), bit by bit: links are short, and a table would cost the page 1 KB.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
        }
    }
    out
}

fn unbase64url(text: &str) -> Result<Vec<u8>, Problem> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.chars() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            // The standard alphabet's two, in case a link passed through another encoder.
            '-' | '+' => 62,
            '_' | '/' => 63,
            _ => return Err(Problem::BadCharacter { got: c }),
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err(Problem::Truncated);
    }
    Ok(out)
}

/// Writes [`WireOut`] calls as bytes; keys and nesting are implied by the order.
#[derive(Default)]
struct BinOut {
    bytes: Vec<u8>,
}

impl BinOut {
    fn varint(&mut self, mut v: u64) {
        loop {
            let low = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.bytes.push(low);
                return;
            }
            self.bytes.push(low | 0x80);
        }
    }

    fn raw_text(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }
}

impl WireOut for BinOut {
    fn uint(&mut self, _: &'static str, v: u64) {
        self.varint(v);
    }
    fn int(&mut self, _: &'static str, v: i64) {
        self.varint(zigzag(v));
    }
    fn float(&mut self, _: &'static str, v: f64) {
        self.raw_text(&saga_sim::decimal::write(v));
    }
    fn flag(&mut self, _: &'static str, v: bool) {
        self.bytes.push(u8::from(v));
    }
    fn text(&mut self, _: &'static str, v: &str) {
        self.raw_text(v);
    }
    fn name(&mut self, _: &'static str, _: &'static [&'static str], index: usize) {
        self.varint(index as u64);
    }
    fn opt_uint(&mut self, _: &'static str, v: Option<u64>) {
        match v {
            None => self.bytes.push(0),
            Some(v) => {
                self.bytes.push(1);
                self.varint(v);
            }
        }
    }
    fn opt_name(&mut self, _: &'static str, _: &'static [&'static str], index: Option<usize>) {
        self.varint(index.map_or(0, |i| i as u64 + 1));
    }
    fn open(&mut self, _: &'static str) {}
    fn close(&mut self) {}
    fn list(&mut self, _: &'static str, len: usize) {
        self.varint(len as u64);
    }
    fn end_list(&mut self) {}
}

struct Frame {
    path: String,
    /// The next item's index, in a list.
    index: Option<usize>,
}

/// Reads [`WireIn`] calls from bytes, naming each field by the path the calls spell.
struct BinIn<'a> {
    bytes: &'a [u8],
    at: usize,
    stack: Vec<Frame>,
}

impl BinIn<'_> {
    fn field(&mut self, key: &str) -> String {
        match self.stack.last_mut() {
            Some(Frame { path, index: Some(i) }) => {
                let f = format!("{path}[{i}]");
                *i += 1;
                f
            }
            Some(Frame { path, index: None }) if !path.is_empty() => format!("{path}.{key}"),
            _ => key.to_string(),
        }
    }

    fn byte(&mut self, field: &str) -> Result<u8, FieldProblem> {
        let b = *self.bytes.get(self.at).ok_or_else(|| FieldProblem::new(field, Problem::Truncated))?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self, field: &str) -> Result<u64, FieldProblem> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte(field)?;
            let low = u64::from(b & 0x7f);
            if shift == 63 && low > 1 {
                break;
            }
            v |= low << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(FieldProblem::new(field, saga_sim::config::out_of_range("more", "0", "18446744073709551615")))
    }

    fn raw_text(&mut self, field: &str, max_bytes: usize) -> Result<&str, FieldProblem> {
        let len = self.varint(field)?;
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        if len > max_bytes {
            return Err(FieldProblem::new(field, Problem::TooLong { max_chars: max_bytes as u64 }));
        }
        let end = self.at.checked_add(len).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| FieldProblem::new(field, Problem::Truncated))?;
        let text = std::str::from_utf8(&self.bytes[self.at..end])
            .map_err(|_| FieldProblem::new(field, Problem::WrongType { expected: Expected::Text }))?;
        self.at = end;
        Ok(text)
    }
}

impl WireIn for BinIn<'_> {
    fn uint(&mut self, key: &'static str, max: u64, _: Option<u64>) -> Result<u64, FieldProblem> {
        let field = self.field(key);
        let v = self.varint(&field)?;
        if v > max {
            return Err(FieldProblem::new(field, saga_sim::config::out_of_range(v, 0, max)));
        }
        Ok(v)
    }

    fn int(&mut self, key: &'static str, _: Option<i64>) -> Result<i64, FieldProblem> {
        let field = self.field(key);
        self.varint(&field).map(unzigzag)
    }

    fn float(&mut self, key: &'static str, _: Option<f64>) -> Result<f64, FieldProblem> {
        let field = self.field(key);
        let text = self.raw_text(&field, 32)?;
        match saga_sim::decimal::read(text) {
            Some(v) if v.is_finite() => Ok(v),
            _ => Err(FieldProblem::new(field, saga_sim::config::out_of_range(shorten(text), "0".into(), "1".into()))),
        }
    }

    fn flag(&mut self, key: &'static str, _: Option<bool>) -> Result<bool, FieldProblem> {
        let field = self.field(key);
        match self.byte(&field)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(FieldProblem::new(field, Problem::WrongType { expected: Expected::Bool })),
        }
    }

    fn text(&mut self, key: &'static str, max_chars: usize, _: Option<&str>) -> Result<String, FieldProblem> {
        let field = self.field(key);
        let text = self.raw_text(&field, max_chars * 4)?;
        if text.chars().count() > max_chars {
            return Err(FieldProblem::new(field, Problem::TooLong { max_chars: max_chars as u64 }));
        }
        Ok(text.to_string())
    }

    fn name(
        &mut self,
        key: &'static str,
        names: &'static [&'static str],
        _: Option<usize>,
    ) -> Result<usize, FieldProblem> {
        let field = self.field(key);
        let i = self.varint(&field)?;
        usize::try_from(i)
            .ok()
            .filter(|&i| i < names.len())
            .ok_or_else(|| FieldProblem::new(field, Problem::UnknownName { got: format!("#{i}"), known: names }))
    }

    fn opt_uint(&mut self, key: &'static str, max: u64) -> Result<Option<u64>, FieldProblem> {
        let field = self.field(key);
        match self.byte(&field)? {
            0 => Ok(None),
            1 => {
                let v = self.varint(&field)?;
                if v > max {
                    return Err(FieldProblem::new(field, saga_sim::config::out_of_range(v, 0, max)));
                }
                Ok(Some(v))
            }
            _ => Err(FieldProblem::new(field, Problem::WrongType { expected: Expected::WholeNumber })),
        }
    }

    fn opt_name(&mut self, key: &'static str, names: &'static [&'static str]) -> Result<Option<usize>, FieldProblem> {
        let field = self.field(key);
        match self.varint(&field)? {
            0 => Ok(None),
            i if i <= names.len() as u64 => Ok(Some(i as usize - 1)),
            i => Err(FieldProblem::new(field, Problem::UnknownName { got: format!("#{}", i - 1), known: names })),
        }
    }

    fn open(&mut self, key: &'static str) -> Result<(), FieldProblem> {
        let path = self.field(key);
        self.stack.push(Frame { path, index: None });
        Ok(())
    }

    fn close(&mut self) -> Result<(), FieldProblem> {
        self.stack.pop();
        Ok(())
    }

    fn list(&mut self, key: &'static str, max: usize) -> Result<Option<usize>, FieldProblem> {
        let path = self.field(key);
        let n = self.varint(&path)?;
        // Every item takes a byte at least: a count beyond the bytes left is a cut link, and
        // must not reserve memory for items that are not there.
        if n > max as u64 {
            return Err(FieldProblem::new(path, Problem::TooMany { got: n, max: max as u64 }));
        }
        if n > (self.bytes.len() - self.at) as u64 {
            return Err(FieldProblem::new(path, Problem::Truncated));
        }
        self.stack.push(Frame { path, index: Some(0) });
        Ok(Some(n as usize))
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
        config.products[0].name = "키보드".into();
        config.link_faults.duplicate_probability = 0.25;
        let inputs = (0..30)
            .map(|k| Input {
                at: Position { at_ms: 20_000 * k, after: (k % 3) as u32 },
                command: match k % 4 {
                    0 => Command::PlaceOrder { product: ProductId(1), quantity: 2, idempotency_key: None },
                    1 => Command::Fault(Fault::Crash { service: ServiceId::Product }),
                    2 => Command::Fault(Fault::Restart { service: ServiceId::Product }),
                    _ => Command::CancelOrder { order: OrderId(k as u32 / 4) },
                },
            })
            .collect();
        Run { seed: 0xDEAD_BEEF_CAFE, config, inputs }
    }

    #[test]
    fn a_run_comes_back_from_its_link() {
        let link = encode(&run(), Some(600_000));
        assert_eq!(decode(&link), Ok(RunFile { run: run(), until_ms: Some(600_000) }));
        assert!(link.len() < 1_000, "a 10-minute run of 30 inputs in {} characters (goal: under 2,000)", link.len());
        assert!(link.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{link}");
    }

    #[test]
    fn a_cut_or_changed_link_is_named_never_replayed() {
        let link = encode(&run(), None);
        for cut in [1, 2, 5, link.len() / 2, link.len() - 1] {
            let short = &link[..link.len() - cut];
            let err = decode(short).expect_err("cut");
            assert!(matches!(err.problem, Problem::ChecksumMismatch | Problem::Truncated), "{cut}: {err}");
        }
        let mut changed = link.clone().into_bytes();
        changed[20] = if changed[20] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(changed).unwrap();
        assert_eq!(decode(&changed).map(|_| ()), Err(FieldProblem::new("", Problem::ChecksumMismatch)));
        assert_eq!(decode("abc!def").map(|_| ()), Err(FieldProblem::new("", Problem::BadCharacter { got: '!' })));
        assert_eq!(decode("").map(|_| ()), Err(FieldProblem::new("", Problem::Empty)));
    }

    #[test]
    fn a_valid_checksum_over_bad_content_still_names_the_field() {
        let mut bytes = vec![FORMAT as u8];
        let mut o = BinOut::default();
        o.varint(1); // seed
        o.varint(65); // products: too many
        bytes.extend_from_slice(&o.bytes);
        bytes.extend_from_slice(&crc32(&bytes).to_le_bytes());
        let err = decode(&base64url(&bytes)).expect_err("too many products");
        assert_eq!(err.field, "config.products");
        assert!(matches!(err.problem, Problem::TooMany { got: 65, max: 64 }), "{err}");
        let mut newer = vec![FORMAT as u8 + 1, 0, 0, 0];
        newer.extend_from_slice(&crc32(&newer).to_le_bytes());
        assert_eq!(
            decode(&base64url(&newer)).map(|_| ()),
            Err(FieldProblem::new("format", Problem::NewerFormat { format: FORMAT + 1 }))
        );
    }

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..20u8 {
            let bytes: Vec<u8> = (0..n).map(|k| k.wrapping_mul(97)).collect();
            assert_eq!(unbase64url(&base64url(&bytes)), Ok(bytes));
        }
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926, "the standard check value");
    }
}
