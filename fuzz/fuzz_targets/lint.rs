//! Every lint rule over any text, and `--fix` with its safety net: findings
//! or a refusal, never a panic; a fix that is applied parses to the same PN.
#![no_main]
#[path = "../cases/mod.rs"]
mod cases;

libfuzzer_sys::fuzz_target!(|data: &[u8]| cases::lint(data));
