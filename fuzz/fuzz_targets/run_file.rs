//! Any bytes as a run file: reading must fail with a message or succeed, and a run that reads
//! must replay without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| saga_cli::check_run_bytes(data));
