//! Any bytes as a scenario file: reading must fail with a message or succeed, and a scenario
//! that reads must run without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| saga_cli::check_scenario_bytes(data));
