//! A small JSON reader and writer for run files, written here rather than pulled in: the browser
//! build reads and writes runs, and a general JSON library with derived code for every type
//! costs it about 50 KB gzipped, while this costs a few. Numbers keep their text, so a 64-bit
//! seed survives exactly; nesting is bounded, so a hostile file cannot exhaust the stack.

use std::fmt::Write as _;

/// The deepest nesting accepted.
pub const MAX_DEPTH: usize = 32;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written (valid JSON number syntax).
    Number(String),
    /// A string.
    Text(String),
    /// An array.
    List(Vec<Json>),
    /// An object, its members in file order.
    Object(Vec<(String, Json)>),
}

/// Where a text stops being JSON: line and column (in characters), from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub column: u32,
}

impl Json {
    /// A whole number.
    pub fn uint(v: u64) -> Json {
        Json::Number(v.to_string())
    }

    /// An integer.
    pub fn int(v: i64) -> Json {
        Json::Number(v.to_string())
    }

    /// A finite number, in the shortest form that reads back to the same value (NaN and the
    /// infinities, which JSON cannot hold, become 0).
    pub fn float(v: f64) -> Json {
        Json::Number(saga_sim::decimal::write(v))
    }

    /// The member `key` of an object (the last one, as a browser's `JSON.parse` does).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Parses `text` as one JSON value (white space around it allowed).
    pub fn parse(text: &str) -> Result<Json, SyntaxError> {
        let mut p = Parser { text, bytes: text.as_bytes(), at: 0 };
        p.space();
        let v = p.value(0)?;
        p.space();
        if p.at != p.bytes.len() {
            return Err(p.error());
        }
        Ok(v)
    }

    /// The value as compact JSON text.
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, usize::MAX, 0);
        out
    }

    /// The value as JSON text with objects and arrays down to `open_depth` on lines of their
    /// own (two spaces a level) and anything deeper on one line: a run file's inputs then read
    /// one to a line.
    pub fn to_pretty(&self, open_depth: usize) -> String {
        let mut out = String::new();
        self.write(&mut out, open_depth, 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, open_depth: usize, depth: usize) {
        let open = depth < open_depth;
        let newline = |out: &mut String, depth: usize| {
            out.push('\n');
            for _ in 0..depth {
                out.push_str("  ");
            }
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::Text(s) => write_string(out, s),
            Json::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(if open { "," } else { ", " });
                    }
                    if open {
                        newline(out, depth + 1);
                    }
                    item.write(out, open_depth, depth + 1);
                }
                if open && !items.is_empty() {
                    newline(out, depth);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(if open { "," } else { ", " });
                    }
                    if open {
                        newline(out, depth + 1);
                    }
                    write_string(out, k);
                    out.push_str(": ");
                    v.write(out, open_depth, depth + 1);
                }
                if open && !members.is_empty() {
                    newline(out, depth);
                }
                out.push('}');
            }
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn error(&self) -> SyntaxError {
        let before = &self.text[..floor_char_boundary(self.text, self.at)];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        SyntaxError { line: u32::try_from(line).unwrap_or(u32::MAX), column: u32::try_from(column).unwrap_or(u32::MAX) }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, word: &str) -> Result<(), SyntaxError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error());
        }
        match self.peek() {
            Some(b'n') => self.eat("null").map(|()| Json::Null),
            Some(b't') => self.eat("true").map(|()| Json::Bool(true)),
            Some(b'f') => self.eat("false").map(|()| Json::Bool(false)),
            Some(b'"') => self.string().map(Json::Text),
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Json::List(items));
                }
                loop {
                    self.space();
                    items.push(self.value(depth + 1)?);
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::List(items));
                        }
                        _ => return Err(self.error()),
                    }
                }
            }
            Some(b'{') => {
                self.at += 1;
                let mut members = Vec::new();
                self.space();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(Json::Object(members));
                }
                loop {
                    self.space();
                    if self.peek() != Some(b'"') {
                        return Err(self.error());
                    }
                    let key = self.string()?;
                    self.space();
                    self.eat(":")?;
                    self.space();
                    members.push((key, self.value(depth + 1)?));
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Object(members));
                        }
                        _ => return Err(self.error()),
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error()),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Json, SyntaxError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        let n = self.digits();
        if n == 0 {
            return Err(self.error());
        }
        if n > 1 && self.bytes[int_start] == b'0' {
            // A leading zero: the error is at the digit after it.
            self.at = int_start + 1;
            return Err(self.error());
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error());
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error());
            }
        }
        Ok(Json::Number(self.text[start..self.at].to_string()))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self.bytes.get(self.at..self.at + 4).ok_or_else(|| self.error())?;
        let mut v = 0;
        for &d in digits {
            v = v * 16 + (d as char).to_digit(16).ok_or_else(|| self.error())?;
        }
        self.at += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        loop {
            let run_start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.push_str(&self.text[run_start..self.at]);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = self.peek().ok_or_else(|| self.error())?;
                    self.at += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let first = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&first) && self.bytes[self.at..].starts_with(b"\\u") {
                                let save = self.at;
                                self.at += 2;
                                let second = self.hex4()?;
                                if (0xDC00..0xE000).contains(&second) {
                                    char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
                                } else {
                                    self.at = save;
                                    None
                                }
                            } else {
                                char::from_u32(first)
                            };
                            // A lone surrogate is not a character: it reads as U+FFFD.
                            out.push(c.unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.at -= 1;
                            return Err(self.error());
                        }
                    }
                }
                _ => return Err(self.error()),
            }
        }
    }
}

/// The largest char boundary at or below `at` (`str::floor_char_boundary` is not stable yet).
fn floor_char_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes() {
        let v = Json::Object(vec![
            ("seed".into(), Json::uint(u64::MAX)),
            ("name".into(), Json::Text("키보드 \"quoted\"\n\u{1}".into())),
            ("p".into(), Json::float(0.1)),
            ("list".into(), Json::List(vec![Json::Null, Json::Bool(true), Json::Object(vec![])])),
        ]);
        for text in [v.to_compact(), v.to_pretty(1), v.to_pretty(5)] {
            assert_eq!(Json::parse(&text), Ok(v.clone()), "{text}");
        }
        assert_eq!(v.get("seed"), Some(&Json::Number("18446744073709551615".into())), "exact");
    }

    #[test]
    fn pretty_puts_shallow_members_on_lines_and_deep_ones_inline() {
        let v = Json::Object(vec![(
            "inputs".into(),
            Json::List(vec![Json::Object(vec![("at_ms".into(), Json::uint(5))])]),
        )]);
        assert_eq!(v.to_pretty(2), "{\n  \"inputs\": [\n    {\"at_ms\": 5}\n  ]\n}\n");
    }

    #[test]
    fn errors_name_line_and_column() {
        for (text, line, column) in [
            ("", 1, 1),
            ("{", 1, 2),
            ("{\"a\": 1,\n  \"b\" 2}", 2, 7),
            ("[1, 2,]", 1, 7),
            ("01", 1, 2),
            ("1.", 1, 3),
            ("\"\\x\"", 1, 3),
            ("\"tab\there\"", 1, 5),
            ("nul", 1, 1),
            ("{} {}", 1, 4),
            ("\"한국어", 1, 5),
        ] {
            assert_eq!(Json::parse(text), Err(SyntaxError { line, column }), "{text:?}");
        }
    }

    #[test]
    fn escapes_and_surrogates() {
        assert_eq!(Json::parse(r#""\ud83d\ude00 \u00e9 \ud800x""#), Ok(Json::Text("😀 é \u{FFFD}x".into())));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(Json::parse(&deep).is_err());
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(Json::parse(&ok).is_ok());
    }

    #[test]
    fn non_finite_numbers_are_written_as_zero() {
        assert_eq!(Json::float(f64::NAN).to_compact(), "0");
        assert_eq!(Json::float(1e300).to_compact(), Json::float(1e300).to_compact());
        assert_eq!(Json::parse(&Json::float(1e300).to_compact()), Ok(Json::float(1e300)));
    }
}
