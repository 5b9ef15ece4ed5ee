//! `puppetlift.toml`, any text, over the demo project, through the plan and
//! every target: settings are read or refused with a diagnostic, and the
//! build they steer stays inside the project and `--out`.
#![no_main]
#[path = "../cases/mod.rs"]
mod cases;

libfuzzer_sys::fuzz_target!(|data: &[u8]| cases::settings(data));
