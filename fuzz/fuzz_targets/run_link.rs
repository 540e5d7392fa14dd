//! Any bytes as the `run` parameter of a link: decoding must fail with a message or succeed,
//! and a run that decodes must replay without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| saga_cli::check_link_bytes(data));
