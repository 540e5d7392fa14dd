//! The address's query string, decoded: `?lang=en|ko`, `?seed=N`, `?run=...` (a run, packed
//! by `saga_record::link`) and `?panic-test`. Pure and
//! total, so anything typed into the address bar gives an answer, and a cargo-fuzz target
//! (`fuzz/fuzz_targets/url_params.rs`) can throw arbitrary strings at it.

/// A language the address may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LangParam {
    /// `lang=en`.
    En,
    /// `lang=ko`.
    Ko,
}

/// A parameter the app could not use, with the value as given (decoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamProblem {
    /// `lang` is neither `en` nor `ko`.
    Lang(String),
    /// `seed` is not a whole number from 0 to 2^64 - 1.
    Seed(String),
}

/// What the address asks for. The first occurrence of a parameter counts, as with
/// `URLSearchParams.get`; unknown parameters are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UrlParams {
    /// The language, when given and valid.
    pub lang: Option<LangParam>,
    /// The seed, when given and valid.
    pub seed: Option<u64>,
    /// A run, as the link carries it (decoded by `saga_record::link`, which names any problem).
    pub run: Option<String>,
    /// Whether `panic-test` is present (the end-to-end test of the panic hook).
    pub panic_test: bool,
    /// Parameters given but not usable.
    pub problems: Vec<ParamProblem>,
}

/// Longest value kept in a problem report; the rest is cut, so a huge address cannot flood
/// the notice.
const PROBLEM_VALUE_CHARS: usize = 40;

/// Decodes `search` (with or without its leading `?`).
pub fn parse(search: &str) -> UrlParams {
    let mut out = UrlParams::default();
    let (mut lang_seen, mut seed_seen) = (false, false);
    let mut run_seen = false;
    for pair in search.strip_prefix('?').unwrap_or(search).split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match decode(key).as_str() {
            "lang" if !lang_seen => {
                lang_seen = true;
                match decode(value).as_str() {
                    "en" => out.lang = Some(LangParam::En),
                    "ko" => out.lang = Some(LangParam::Ko),
                    other => out.problems.push(ParamProblem::Lang(shorten(other))),
                }
            }
            "seed" if !seed_seen => {
                seed_seen = true;
                let text = decode(value);
                match text.trim().parse::<u64>() {
                    Ok(seed) => out.seed = Some(seed),
                    Err(_) => out.problems.push(ParamProblem::Seed(shorten(&text))),
                }
            }
            "run" if !run_seen => {
                run_seen = true;
                out.run = Some(decode(value));
            }
            "panic-test" => out.panic_test = true,
            _ => {}
        }
    }
    out
}

/// Percent-decoding as forms encode: `+` is a space, `%XX` a byte; a malformed escape stays
/// as it is, and bytes that are not UTF-8 become U+FFFD.
fn decode(text: &str) -> String {
    if !text.contains(['%', '+']) {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && hex(bytes[i + 1]).is_some() && hex(bytes[i + 2]).is_some() => {
                out.push(hex(bytes[i + 1]).unwrap_or(0) * 16 + hex(bytes[i + 2]).unwrap_or(0));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(PROBLEM_VALUE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An address, and the language, seed, panic-test flag and problems it gives.
    type Case<'a> = (&'a str, Option<LangParam>, Option<u64>, bool, &'a [ParamProblem]);

    #[test]
    fn addresses_decode_as_a_table_says() {
        use LangParam::*;
        use ParamProblem as P;
        let cases: &[Case] = &[
            ("", None, None, false, &[]),
            ("?", None, None, false, &[]),
            ("?lang=ko", Some(Ko), None, false, &[]),
            ("lang=en&seed=42", Some(En), Some(42), false, &[]),
            ("?seed=%2042%20", None, Some(42), false, &[]),
            ("?seed=18446744073709551615", None, Some(u64::MAX), false, &[]),
            ("?seed=18446744073709551616", None, None, false, &[P::Seed(String::new())]),
            ("?seed=-1&lang=fr", None, None, false, &[P::Seed(String::new()), P::Lang(String::new())]),
            ("?lang=ko&lang=en", Some(Ko), None, false, &[]),
            ("?lang=%6B%6f", Some(Ko), None, false, &[]),
            ("?panic-test", None, None, true, &[]),
            ("?seed", None, None, false, &[P::Seed(String::new())]),
            ("?%", None, None, false, &[]),
            ("?seed=%zz", None, None, false, &[P::Seed(String::new())]),
            ("?seed=%", None, None, false, &[P::Seed(String::new())]),
            ("?seed=%4", None, None, false, &[P::Seed(String::new())]),
            ("?x=1&&=&seed=7", None, Some(7), false, &[]),
            ("?lang=%FF%FE", None, None, false, &[P::Lang(String::new())]),
            ("?run=AQcC&run=x&seed=3", None, Some(3), false, &[]),
        ];
        for (search, lang, seed, panic_test, problems) in cases {
            let p = parse(search);
            assert_eq!((p.lang, p.seed, p.panic_test), (*lang, *seed, *panic_test), "{search}");
            let kinds = |v: &[P]| v.iter().map(|p| matches!(p, P::Lang(_))).collect::<Vec<_>>();
            assert_eq!(kinds(&p.problems), kinds(problems), "{search}");
        }
    }

    #[test]
    fn a_run_is_passed_on_as_given_for_the_link_decoder_to_judge() {
        assert_eq!(parse("?run=AQcC-_x&run=other").run.as_deref(), Some("AQcC-_x"));
        assert_eq!(parse("?lang=ko").run, None);
        assert_eq!(parse("?run=").run.as_deref(), Some(""));
    }

    #[test]
    fn a_problem_quotes_the_value_decoded_and_cut_short() {
        assert_eq!(parse("?seed=twelve+monkeys").problems, vec![ParamProblem::Seed("twelve monkeys".into())]);
        assert_eq!(parse("?lang=%ED%95%9C").problems, vec![ParamProblem::Lang("한".into())]);
        let long = format!("?lang={}", "가".repeat(500));
        let ParamProblem::Lang(quoted) = &parse(&long).problems[0] else { panic!() };
        assert_eq!(quoted.chars().count(), PROBLEM_VALUE_CHARS + 1, "cut, with an ellipsis");
    }

    #[test]
    fn saved_fuzz_inputs_decode_without_a_panic() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/url_params");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let data = std::fs::read(entry.expect("an entry").path()).expect("readable");
            let _ = parse(&String::from_utf8_lossy(&data));
            checked += 1;
        }
        assert!(checked >= 1);
    }
}
