//! Parse throughput on the corpus (the 1,891 Debian-packaged manifests under
//! /usr/share/puppet/modules.available, installed by ../shared/oracles/install.sh):
//! puppetlift's parser beside the `tree-sitter-puppet` crate, one core each.
//!
//!     cargo bench --bench parse
//!
//! Prints, before criterion's figures, how many corpus files tree-sitter-puppet
//! parses with errors (ours: how many we reject).

use criterion::{criterion_group, Criterion, Throughput};
use std::path::{Path, PathBuf};

const CORPUS: &str = "/usr/share/puppet/modules.available";

/// The corpus manifests with their text, walked as `puppetlift` walks paths.
fn corpus() -> Vec<(PathBuf, String)> {
    let (paths, _) = puppetlift::files::manifest_paths(&[PathBuf::from(CORPUS)]);
    paths
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|text| (p, text)))
        .collect()
}

fn tree_sitter_parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_puppet::LANGUAGE.into())
        .expect("tree-sitter-puppet grammar loads");
    parser
}

fn bench(c: &mut Criterion) {
    let files = corpus();
    assert!(
        !files.is_empty(),
        "no corpus under {CORPUS}: run bash ../shared/oracles/install.sh"
    );
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();

    let mut ts = tree_sitter_parser();
    let ts_errors = files
        .iter()
        .filter(|(_, t)| ts.parse(t, None).is_none_or(|tree| tree.root_node().has_error()))
        .count();
    let ours_errors = files
        .iter()
        .filter(|(p, t)| puppetlift::Manifest::parse(display(p), t.as_str()).body.is_err())
        .count();
    println!(
        "corpus: {} files, {:.2} MB; parse errors: puppetlift {ours_errors}, tree-sitter-puppet {ts_errors}",
        files.len(),
        bytes as f64 / 1e6
    );

    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("puppetlift", |b| {
        b.iter(|| {
            for (p, t) in &files {
                std::hint::black_box(puppetlift::Manifest::parse(display(p), t.as_str()));
            }
        })
    });
    group.bench_function("tree-sitter-puppet", |b| {
        b.iter(|| {
            for (_, t) in &files {
                std::hint::black_box(ts.parse(t, None));
            }
        })
    });
    group.finish();
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

criterion_group!(benches, bench);

/// Runs the benchmarks on a thread with the stack `puppetlift parse` and `lint`
/// give their rayon workers (1 GiB, src/main.rs). On the main thread's 8 MiB,
/// `parser::parse` would take a fresh stack for every file over ~1.8 KB (its
/// worst-case budget is 4 KiB a byte), work the CLI never does.
fn main() {
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(|| {
            benches();
            Criterion::default().configure_from_args().final_summary();
        })
        .expect("bench thread starts")
        .join()
        .expect("bench thread ends");
}
