//! Fuzz target: see `briefing::fuzz::claims` for what it runs and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| briefing::fuzz::claims(data));
