//! Every input a fuzz target once failed on (crashed, hung, ran out of
//! memory or broke an invariant), replayed through the same code the target
//! runs (`fuzz/cases/`), in an ordinary test build: `fixtures/fuzz/TARGET/*`.
//! `fuzz/run.sh` says how to fuzz, and how a failure becomes a file here.

#[path = "../fuzz/cases/mod.rs"]
mod cases;

use std::path::Path;

type Case = fn(&[u8]);

const TARGETS: &[(&str, Case)] = &[
    ("puppet_parse", cases::puppet_parse),
    ("lint", cases::lint),
    ("vagrantfile", cases::vagrantfile),
    ("settings", cases::settings),
    ("paths", cases::paths),
];

#[test]
fn every_input_the_fuzzers_failed_on_now_passes() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz");
    let mut replayed = 0;
    for (target, case) in TARGETS {
        let dir = base.join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for f in files.iter().filter(|f| f.extension().is_none_or(|e| e != "md")) {
            let data = std::fs::read(f).expect("regression input");
            eprintln!("{target}: {}", f.display());
            case(&data);
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no regression inputs under {}", base.display());
}
