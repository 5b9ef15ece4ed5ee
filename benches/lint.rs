//! `puppetlift lint` in-process: the whole corpus (1,891 manifests under
//! /usr/share/puppet/modules.available, installed by ../shared/oracles/install.sh),
//! one typical 200-line manifest (`fixtures/bench/typical.pp`, ceph's
//! `manifests/rgw.pp`), and generated manifests of 512 to 4,096 resources
//! (the time should grow linearly). Reading plus puppet-lint's default checks,
//! one core; then the corpus and the 4,096 resources with the Vox Pupuli
//! plugin checks on too (`--plugins voxpupuli`).
//!
//!     cargo bench --bench lint

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use puppetlift::lint::{self, Rule};
use puppetlift::Manifest;
use std::path::{Path, PathBuf};

const CORPUS: &str = "/usr/share/puppet/modules.available";

/// The corpus manifests with their text, walked as `puppetlift` walks paths.
fn corpus() -> Vec<(String, String)> {
    let (paths, _) = puppetlift::files::manifest_paths(&[PathBuf::from(CORPUS)]);
    paths
        .into_iter()
        .filter_map(|p| {
            std::fs::read_to_string(&p)
                .ok()
                .map(|text| (p.display().to_string(), text))
        })
        .collect()
}

/// A manifest of `n` resources in one class, each with a few attributes.
pub fn generated(n: usize) -> String {
    let mut s = String::from("# Generated for benchmarks.\nclass bench {\n");
    for i in 0..n {
        s.push_str(&format!(
            "  file {{ '/etc/bench/{i}.conf':\n    ensure  => file,\n    owner   => 'root',\n    mode    => '0644',\n    content => \"value ${{i}} {i}\\n\",\n  }}\n"
        ));
    }
    s.push_str("}\n");
    s
}

fn lint(rules: &[&Rule], path: &str, text: &str) -> usize {
    // As `puppetlift lint` reads files: lexed, not parsed (the checks read tokens).
    let m = Manifest::unparsed(path.to_string(), text.to_string());
    lint::run(&m, rules).0.len()
}

fn bench(c: &mut Criterion) {
    let rules: Vec<&Rule> = lint::registry()
        .iter()
        .filter(|r| r.enabled_by_default && r.plugin.is_none())
        .collect();
    let files = corpus();
    assert!(
        !files.is_empty(),
        "no corpus under {CORPUS}: run bash ../shared/oracles/install.sh"
    );
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let mut g = c.benchmark_group("lint");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("corpus", |b| {
        b.iter(|| files.iter().map(|(p, t)| lint(&rules, p, t)).sum::<usize>())
    });
    let typical = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bench/typical.pp");
    let typical = std::fs::read_to_string(typical).expect("fixtures/bench/typical.pp");
    g.throughput(Throughput::Bytes(typical.len() as u64));
    g.sample_size(50);
    g.bench_function("typical_200_lines", |b| {
        b.iter(|| lint(&rules, "ceph/manifests/rgw.pp", &typical))
    });
    g.sample_size(10);
    for n in [512, 1024, 2048, 4096] {
        let text = generated(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("generated_resources", n), &text, |b, text| {
            b.iter(|| lint(&rules, "bench/manifests/init.pp", text))
        });
    }
    g.finish();
    // As `puppetlift lint --plugins voxpupuli`: puppet-lint 5's default checks and the plugins'.
    let with_plugins: Vec<&Rule> = lint::registry()
        .iter()
        .filter(|r| match r.plugin {
            Some(_) => r.enabled_by_default,
            None => lint::Compat::V5.on_by_default(r),
        })
        .collect();
    let mut g = c.benchmark_group("lint_with_plugins");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("corpus", |b| {
        b.iter(|| files.iter().map(|(p, t)| lint(&with_plugins, p, t)).sum::<usize>())
    });
    let text = generated(4096);
    g.throughput(Throughput::Elements(4096));
    g.bench_function("generated_resources_4096", |b| {
        b.iter(|| lint(&with_plugins, "bench/manifests/init.pp", &text))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
