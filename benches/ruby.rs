//! The Ruby front end's speed: parsing the three Ruby corpora (the Debian
//! modules' Ruby, Vagrant 2.3.4's source, Ruby 3.1's standard library;
//! installed by ../shared/oracles/install.sh) beside Ruby's own parser over
//! the same files in one `ruby` process (`RubyVM::AbstractSyntaxTree`,
//! what `ruby -c` runs, without a process per file); then `inspect`'s
//! evaluation of every real Vagrantfile unpacked under `$PUPPETLIFT_REALWORLD`
//! (default /tmp/realworld; ../shared/realworld/extract.sh), whose slowest
//! must stay under 5 ms.
//!
//!     cargo bench --bench ruby

use criterion::{Criterion, Throughput};
use puppetlift::files::Root;
use puppetlift::vagrant::{self, Options};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CORPORA: &[(&str, &str)] = &[
    ("puppet-modules", "/usr/share/puppet/modules.available"),
    (
        "vagrant-2.3.4",
        "/usr/share/rubygems-integration/all/gems/vagrant-2.3.4",
    ),
    ("ruby-3.1-stdlib", "/usr/lib/ruby/3.1.0"),
];

fn rb_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rb") && p.is_file())
        .collect();
    out.sort();
    out
}

/// Seconds Ruby's parser takes over `files`, by Ruby's own clock.
fn ruby_parse_seconds(files: &[PathBuf]) -> Option<f64> {
    let list = std::env::temp_dir().join(format!("puppetlift-ruby-bench-{}", std::process::id()));
    std::fs::write(
        &list,
        files.iter().map(|p| format!("{}\n", p.display())).collect::<String>(),
    )
    .ok()?;
    let script = "files = File.readlines(ARGV[0], chomp: true); best = nil; \
                  3.times { t = Process.clock_gettime(Process::CLOCK_MONOTONIC); \
                  files.each { |f| begin; RubyVM::AbstractSyntaxTree.parse_file(f); rescue SyntaxError; end }; \
                  d = Process.clock_gettime(Process::CLOCK_MONOTONIC) - t; best = d if best.nil? || d < best }; \
                  puts best";
    let out = Command::new("ruby").args(["-e", script]).arg(&list).output().ok()?;
    let _ = std::fs::remove_file(&list);
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn bench(c: &mut Criterion) {
    let mut rows = Vec::new();
    for (name, dir) in CORPORA {
        let files: Vec<(PathBuf, String)> = rb_files(Path::new(dir))
            .into_iter()
            .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
            .collect();
        assert!(files.len() > 100, "{dir}: run bash ../shared/oracles/install.sh");
        let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
        let mut g = c.benchmark_group("ruby-parse");
        g.throughput(Throughput::Bytes(bytes as u64))
            .sample_size(10)
            .measurement_time(Duration::from_secs(5));
        g.bench_function(*name, |b| {
            b.iter(|| {
                files
                    .iter()
                    .filter(|(p, t)| vagrant::parser::parse(&p.to_string_lossy(), t).is_ok())
                    .count()
            })
        });
        g.finish();
        let start = Instant::now();
        for (p, t) in &files {
            let _ = vagrant::parser::parse(&p.to_string_lossy(), t);
        }
        let ours = start.elapsed().as_secs_f64();
        let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
        rows.push((*name, files.len(), bytes, ours, ruby_parse_seconds(&paths)));
    }
    println!("\n| corpus | files | MB | puppetlift | Ruby 3.1's parser | Ruby's time / ours |");
    println!("|---|---|---|---|---|---|");
    for (name, n, bytes, ours, ruby) in rows {
        let mib = bytes as f64 / (1 << 20) as f64;
        let ruby = ruby.map_or("-".into(), |r| format!("{:.0} MiB/s | {:.2}x", mib / r, r / ours));
        println!(
            "| {name} | {n} | {:.1} | {:.0} MiB/s | {ruby} |",
            bytes as f64 / 1e6,
            mib / ours
        );
    }

    // Real Vagrantfiles: each evaluated as `inspect` does, the slowest reported.
    let base = PathBuf::from(std::env::var("PUPPETLIFT_REALWORLD").unwrap_or_else(|_| "/tmp/realworld".into()));
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&base)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.join("Vagrantfile").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    if dirs.is_empty() {
        println!(
            "\nno real projects under {} (../shared/realworld/extract.sh unpacks them)",
            base.display()
        );
        return;
    }
    let mut times: Vec<(Duration, PathBuf)> = dirs
        .iter()
        .map(|d| {
            let root = Root::new(d, std::slice::from_ref(d));
            let file = d.join("Vagrantfile");
            let mut runs: Vec<Duration> = (0..7)
                .map(|_| {
                    let t = Instant::now();
                    let _ = vagrant::evaluate(&file, &root, Options::default());
                    t.elapsed()
                })
                .collect();
            runs.sort();
            (runs[3], d.clone())
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2].0;
    let (slowest, which) = times.last().cloned().unwrap_or_default();
    println!(
        "\nreal Vagrantfiles: {} evaluated; median {:.2} ms, slowest {:.2} ms ({}); target under 5 ms",
        times.len(),
        median.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3,
        which.display()
    );
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
