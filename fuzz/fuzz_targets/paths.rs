//! Paths and names from a Vagrantfile, hostile ones, through the plan and
//! every target: machine names with `/`, `..` and absolute paths, and
//! manifests, modules, shell scripts and synced folders that are links out
//! of the project (to a file, a directory, `/dev/zero`, a FIFO), `..`
//! chains and absolute paths. Nothing outside the project may be read into
//! an artifact, nothing written outside `--out`, and nothing may hang.
#![no_main]
#[path = "../cases/mod.rs"]
mod cases;

libfuzzer_sys::fuzz_target!(|data: &[u8]| cases::paths(data));
