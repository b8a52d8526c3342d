//! Fuzz target: see `briefing::fuzz::article` for what it runs and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| briefing::fuzz::article(data));
