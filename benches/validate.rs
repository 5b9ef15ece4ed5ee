//! `puppetlift validate` over the corpus (the Debian modules' 1,891 manifests
//! and 88 `metadata.json`, installed by ../shared/oracles/install.sh), beside
//! the Ruby tools it replaces run as a CI job runs them: `puppet parser
//! validate` over every manifest in one process, `metadata-json-lint` once per
//! module. The Ruby tools run once (they take minutes); the ratio is printed.
//!
//!     cargo bench --bench validate

use criterion::Criterion;
use puppetlift::validate::{self, Options, Validator};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CORPUS: &str = "/usr/share/puppet/modules.available";

fn options() -> Options {
    Options {
        validators: vec![Validator::Manifests, Validator::Metadata],
        ..Options::default()
    }
}

/// The Ruby tools over the corpus, once: their wall time.
fn ruby_tools() -> Option<Duration> {
    let mut manifests: Vec<PathBuf> = walkdir::WalkDir::new(CORPUS)
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "pp") && !p.components().any(|c| c.as_os_str() == "plans"))
        .collect();
    manifests.sort();
    let metadata: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .ok()?
        .flatten()
        .map(|e| e.path().join("metadata.json"))
        .filter(|p| p.is_file())
        .collect();
    let conf = std::env::temp_dir().join(format!("puppetlift-validate-bench-{}", std::process::id()));
    let dir = |d: &str| format!("--{d}={}", conf.join(d).display());
    let t = Instant::now();
    Command::new("puppet")
        .args([
            "parser",
            "validate",
            "--color=false",
            &dir("confdir"),
            &dir("vardir"),
            &dir("codedir"),
        ])
        .args(&manifests)
        .output()
        .ok()?;
    for m in &metadata {
        Command::new("metadata-json-lint").arg(m).output().ok()?;
    }
    let took = t.elapsed();
    let _ = std::fs::remove_dir_all(&conf);
    Some(took)
}

fn main() {
    let mut c = Criterion::default().sample_size(10).configure_from_args();
    let paths = [PathBuf::from(CORPUS)];
    if !Path::new(CORPUS).is_dir() {
        println!("no corpus at {CORPUS}: install the oracles first");
        return;
    }
    let options = options();
    c.bench_function("validate/corpus-manifests-and-metadata", |b| {
        b.iter(|| validate::run(&paths, &options))
    });
    let runs: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            validate::run(&paths, &options);
            t.elapsed()
        })
        .collect();
    let ours = runs.iter().min().copied().unwrap_or_default();
    match ruby_tools() {
        Some(theirs) => println!(
            "\ncorpus: puppetlift validate {:.3} s (best of 5), puppet parser validate + metadata-json-lint {:.1} s: {:.0}x",
            ours.as_secs_f64(),
            theirs.as_secs_f64(),
            theirs.as_secs_f64() / ours.as_secs_f64()
        ),
        None => println!("\npuppet or metadata-json-lint is missing: install the oracles to compare"),
    }
    c.final_summary();
}
