//! Fuzz target: see `briefing::fuzz::import` for what it runs and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| briefing::fuzz::import(data));
