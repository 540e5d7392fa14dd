//! Any string as the address's query: decoding must give an answer, never a panic, and what it
//! accepts must be what was asked for.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../src/url_params.rs"]
#[allow(dead_code)]
mod url_params;

fuzz_target!(|data: &[u8]| {
    let search = String::from_utf8_lossy(data);
    let params = url_params::parse(&search);
    if let Some(seed) = params.seed {
        // A seed is only ever a number the address really holds.
        assert!(search.contains("seed"), "{search:?} gave seed {seed}");
    }
    assert!(params.problems.len() <= 2, "one problem per parameter at most");
});
