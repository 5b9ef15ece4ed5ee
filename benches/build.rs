//! `puppetlift build fixtures/demo` in-process: evaluate the Vagrantfile, read
//! puppetlift.toml, plan, archive the code and render all three targets.
//! The target is under 50 ms.
//!
//!     cargo bench --bench build

use criterion::{criterion_group, criterion_main, Criterion};
use puppetlift::project::Project;
use puppetlift::{emit, plan};
use std::path::PathBuf;

fn bench(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut g = c.benchmark_group("build");
    g.sample_size(30);
    for name in [
        "fixtures/demo",
        "fixtures/projects/jammy-web-db",
        "fixtures/projects/rocky-env-cluster",
    ] {
        let dir = root.join(name);
        g.bench_function(name.rsplit('/').next().unwrap_or(name), |b| {
            b.iter(|| {
                let project = Project::load(&dir, Default::default());
                let planned = plan::build(&project);
                emit::render_all(&planned.plan, &project.root, emit::Target::All)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
