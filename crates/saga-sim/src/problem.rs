//! What can be wrong with a run given from outside (a file, a link, a config): closed enums a
//! screen translates and a command line prints, each naming the field it is about.

use std::fmt;

/// A problem with one field of a run, config or link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's path in the file's vocabulary, for example `config.latency_ms.max_ms` or
    /// `inputs[3].product`; empty for the whole file.
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

impl FieldProblem {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, problem: Problem) -> FieldProblem {
        FieldProblem { field: field.into(), problem }
    }

    /// The same problem, with `prefix` in front of its field path.
    pub fn within(mut self, prefix: &str) -> FieldProblem {
        self.field = match (prefix.is_empty(), self.field.is_empty()) {
            (true, _) => self.field,
            (false, true) => prefix.to_string(),
            (false, false) if self.field.starts_with('[') => format!("{prefix}{}", self.field),
            (false, false) => format!("{prefix}.{}", self.field),
        };
        self
    }
}

/// The kind of JSON value a field needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A whole number (no sign, no fraction).
    WholeNumber,
    /// A whole number that may be negative.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Bool,
    /// A string.
    Text,
    /// An array.
    List,
    /// An object.
    Object,
}

/// What is wrong. Numbers are kept as given, so the message can quote them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The file is empty (or only white space).
    Empty,
    /// The file is larger than the reader accepts.
    TooLarge {
        /// Its size.
        bytes: u64,
        /// The most accepted.
        max_bytes: u64,
    },
    /// The text is not JSON: the first error, with its place.
    NotJson {
        /// Line, from 1.
        line: u32,
        /// Column in characters, from 1.
        column: u32,
    },
    /// JSON, but not a Saga Lab run (no `seed`, say, or not an object).
    NotARun,
    /// Made by a newer version of Saga Lab, with a format this one does not know.
    NewerFormat {
        /// The file's format number.
        format: u64,
    },
    /// A field the run needs is missing.
    Missing,
    /// A field holds the wrong kind of value.
    WrongType {
        /// What it should hold.
        expected: Expected,
    },
    /// A field this format does not have (a typo, most likely).
    UnknownField,
    /// A name (a protocol, a service, a command) this format does not know.
    UnknownName {
        /// The name as given (shortened).
        got: String,
        /// The names it may be.
        known: &'static [&'static str],
    },
    /// A number outside the accepted range.
    OutOfRange {
        /// The value as given (shortened).
        got: String,
        /// The smallest accepted.
        min: String,
        /// The largest accepted.
        max: String,
    },
    /// A list longer than accepted.
    TooMany {
        /// How many it holds.
        got: u64,
        /// The most accepted.
        max: u64,
    },
    /// A list that must not be empty is.
    NoneGiven,
    /// A range whose minimum is above its maximum.
    MinAboveMax {
        /// The minimum given.
        min_ms: u64,
        /// The maximum given.
        max_ms: u64,
    },
    /// A product index beyond the catalogue.
    NoSuchProduct {
        /// The index given.
        got: u64,
        /// Products in the catalogue.
        products: u64,
    },
    /// A text longer than accepted.
    TooLong {
        /// The most characters accepted.
        max_chars: u64,
    },
    /// Publish-first asked of the Order service, which always uses its outbox.
    PublishFirstAtOrder,
    /// An input placed before the one that precedes it: the log must be in order.
    OutOfOrder,
    /// A link that ends before its run does.
    Truncated,
    /// A link whose checksum does not match its content (changed by hand, or cut short).
    ChecksumMismatch,
    /// A character that cannot be in a link.
    BadCharacter {
        /// The character.
        got: char,
    },
    /// A link carries bytes after its run.
    TrailingBytes,
}

/// Shortens a value quoted in a message, so a huge input cannot flood the screen.
pub fn shorten(text: &str) -> String {
    const QUOTED_CHARS: usize = 40;
    if text.chars().count() <= QUOTED_CHARS {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(QUOTED_CHARS).collect();
        s.push('…');
        s
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::WholeNumber => "a whole number",
            Expected::Integer => "an integer",
            Expected::Number => "a number",
            Expected::Bool => "true or false",
            Expected::Text => "a string",
            Expected::List => "a list",
            Expected::Object => "an object",
        })
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => f.write_str("the file is empty"),
            Problem::TooLarge { bytes, max_bytes } => {
                write!(f, "is {bytes} bytes; a run file is at most {max_bytes} bytes")
            }
            Problem::NotJson { line, column } => write!(f, "not JSON (line {line}, column {column})"),
            Problem::NotARun => f.write_str("is JSON but not a Saga Lab run (it needs a seed)"),
            Problem::NewerFormat { format } => {
                write!(f, "made by a newer version of Saga Lab (format {format}); this version reads format 1")
            }
            Problem::Missing => f.write_str("is missing"),
            Problem::WrongType { expected } => write!(f, "must be {expected}"),
            Problem::UnknownField => f.write_str("is not a field of this format"),
            Problem::UnknownName { got, known } => write!(f, "\"{got}\" is not one of {}", known.join(", ")),
            Problem::OutOfRange { got, min, max } => write!(f, "must be between {min} and {max}, got {got}"),
            Problem::TooMany { got, max } => write!(f, "holds {got}; at most {max}"),
            Problem::NoneGiven => f.write_str("must not be empty"),
            Problem::MinAboveMax { min_ms, max_ms } => {
                write!(f, "min_ms ({min_ms}) is greater than max_ms ({max_ms})")
            }
            Problem::NoSuchProduct { got, products } => {
                write!(f, "no product {got} (the catalogue has {products})")
            }
            Problem::TooLong { max_chars } => write!(f, "is longer than {max_chars} characters"),
            Problem::PublishFirstAtOrder => {
                f.write_str("publish-first is modelled at Product and Delivery, not at Order")
            }
            Problem::OutOfOrder => f.write_str("comes before the input above it; inputs must be in order"),
            Problem::Truncated => f.write_str("the link is cut short"),
            Problem::ChecksumMismatch => f.write_str("the link was changed or cut (its checksum does not match)"),
            Problem::BadCharacter { got } => write!(f, "'{got}' cannot be in a link"),
            Problem::TrailingBytes => f.write_str("the link has bytes after its run"),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.problem)
        } else {
            write!(f, "`{}` {}", self.field, self.problem)
        }
    }
}
