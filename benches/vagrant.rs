//! Evaluating each Vagrantfile fixture (parse + safe interpretation + Vagrant's
//! config model), one benchmark per fixture; the target is under 1 ms each.
//!
//!     cargo bench --bench vagrant
//!
//! The budget case (`loop do end`, two million steps) is measured too: it must
//! end in well under a second.

use criterion::{criterion_group, criterion_main, Criterion};
use puppetlift::files::Root;
use puppetlift::vagrant::{evaluate, vagrantfile_path, Options};
use std::path::PathBuf;
use std::time::Duration;

fn fixtures() -> Vec<PathBuf> {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/vagrant");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&base)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.join("Vagrantfile").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("evaluate");
    g.warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(600))
        .sample_size(20);
    for dir in fixtures() {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        g.bench_function(&name, |b| {
            b.iter(|| evaluate(&vagrantfile_path(&dir), &Root::new(&dir, &[]), Options::default()))
        });
    }
    g.finish();
    let mut budget = c.benchmark_group("budget");
    budget.sample_size(10).measurement_time(Duration::from_secs(3));
    let endless = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/vagrant-unsupported/loop-empty");
    budget.bench_function("loop-empty", |b| {
        b.iter(|| {
            evaluate(
                &vagrantfile_path(&endless),
                &Root::new(&endless, &[]),
                Options::default(),
            )
        })
    });
    budget.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
