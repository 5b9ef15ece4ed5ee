//! The Puppet parser and the PN printer: any text is parsed or refused with
//! a diagnostic, never a panic, a hang or a stack overflow.
#![no_main]
#[path = "../cases/mod.rs"]
mod cases;

libfuzzer_sys::fuzz_target!(|data: &[u8]| cases::puppet_parse(data));
