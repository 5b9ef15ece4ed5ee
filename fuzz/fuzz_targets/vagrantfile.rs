//! The Ruby lexer, grammar and evaluator over any Vagrantfile (with a YAML
//! file and a text file beside it to read): a model and diagnostics, never a
//! panic, a hang or a stack overflow, within the evaluator's allowance.
#![no_main]
#[path = "../cases/mod.rs"]
mod cases;

libfuzzer_sys::fuzz_target!(|data: &[u8]| cases::vagrantfile(data));
