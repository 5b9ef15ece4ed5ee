//! `puppetlift validate` over the corpus (the Debian modules installed by
//! ../shared/oracles/install.sh: manifests, EPP and ERB templates,
//! `metadata.json`, Hiera data), beside the Ruby tools it replaces run as a CI
//! job runs them: `puppet parser validate` over every manifest and `puppet epp
//! validate` over every template in one process each, `erb -P -x -T - | ruby
//! -c` per ERB template (as the usual pre-commit hook does), metadata-json-lint
//! per module, puppet-syntax's Hiera check over the data in one process. The
//! Ruby tools run once (they take minutes); the ratio is printed.
//!
//!     cargo bench --bench validate

use criterion::Criterion;
use puppetlift::validate::{self, Options, Validator};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CORPUS: &str = "/usr/share/puppet/modules.available";

/// The corpus's files that `validator` checks, as `puppetlift validate` finds them.
fn files_of(validator: Validator) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(CORPUS)
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .filter(|p| p.is_file() && Validator::of(p) == Some(validator))
        // As `puppetlift validate` walks: fixtures copied in for tests are skipped.
        .filter(|p| !p.to_string_lossy().contains("/spec/fixtures/"))
        .collect();
    files.sort();
    files
}

/// The Ruby tools over the corpus, once: their wall time.
fn ruby_tools() -> Option<Duration> {
    let conf = std::env::temp_dir().join(format!("puppetlift-validate-bench-{}", std::process::id()));
    let dir = |d: &str| format!("--{d}={}", conf.join(d).display());
    let puppet = |face: &str, files: &[PathBuf]| {
        Command::new("puppet")
            .args([
                face,
                "validate",
                "--color=false",
                &dir("confdir"),
                &dir("vardir"),
                &dir("codedir"),
            ])
            .args(files)
            .output()
    };
    let (manifests, epp, erb) = (
        files_of(Validator::Manifests),
        files_of(Validator::Epp),
        files_of(Validator::Erb),
    );
    let (metadata, hiera) = (files_of(Validator::Metadata), files_of(Validator::Hiera));
    let hiera_check = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/puppet_syntax_hiera.rb");
    let t = Instant::now();
    puppet("parser", &manifests).ok()?;
    puppet("epp", &epp).ok()?;
    for f in &erb {
        Command::new("sh")
            .args(["-c", "erb -P -x -T - \"$1\" | ruby -c", "erb"])
            .arg(f)
            .output()
            .ok()?;
    }
    for m in &metadata {
        Command::new("metadata-json-lint").arg(m).output().ok()?;
    }
    let mut child = Command::new("ruby")
        .arg(hiera_check)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .ok()?;
    let list: String = hiera.iter().map(|p| format!("{}\n", p.display())).collect();
    child.stdin.take()?.write_all(list.as_bytes()).ok()?;
    child.wait().ok()?;
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
    let options = Options {
        validators: vec![
            Validator::Manifests,
            Validator::Epp,
            Validator::Erb,
            Validator::Metadata,
            Validator::Hiera,
        ],
        ..Options::default()
    };
    c.bench_function("validate/corpus", |b| b.iter(|| validate::run(&paths, &options)));
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
            "\ncorpus: puppetlift validate {:.3} s (best of 5), the Ruby tools {:.1} s: {:.0}x",
            ours.as_secs_f64(),
            theirs.as_secs_f64(),
            theirs.as_secs_f64() / ours.as_secs_f64()
        ),
        None => println!("\npuppet, erb, ruby or metadata-json-lint is missing: install the oracles to compare"),
    }
    c.final_summary();
}
