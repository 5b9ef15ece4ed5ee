//! Cost against input size: `parse`, `lint` and `inspect` on generated inputs
//! of 1x, 10x and 100x, each in four shapes: valid code, deep nesting (as deep
//! as the limits allow, repeated), a construct never closed (a list to the end
//! of the file), and one long line. (Shapes the limits refuse early, such as
//! 8,000 unclosed `class a {`, cost less than linear and are left out.)
//! After criterion's figures it prints, per shape, the time ratio between
//! sizes divided by the size ratio: 1.00 is linear; the target is at most ~1.3.
//!
//!     cargo bench --bench scaling
//!
//! (The README's table is this output.)

use criterion::{BenchmarkId, Criterion, Throughput};
use puppetlift::files::Root;
use puppetlift::lint;
use puppetlift::puppet::{parser, Manifest};
use puppetlift::vagrant::{self, Options};
use std::path::{Path, PathBuf};
use std::time::Duration;

const SIZES: [usize; 3] = [1, 10, 100];

/// A Puppet manifest of `n` units in `shape`.
fn puppet(shape: &str, n: usize) -> String {
    let unit = |i: usize| match shape {
        "valid" => format!(
            "class app{i}::web (String $root = '/srv/{i}', Integer $port = {i}) {{\n  \
             package {{ 'nginx{i}': ensure => installed }}\n  \
             file {{ \"${{root}}/index.html\":\n    ensure  => file,\n    content => \"port ${{port}}\\n\",\n    \
             require => Package['nginx{i}'],\n  }}\n  \
             if $facts['os']['family'] == 'Debian' {{ notice(\"debian ${{i}}\") }}\n}}\n"
        ),
        "deep" => format!("{}notice({i})\n{}", "if $x {\n".repeat(90), "}\n".repeat(90)),
        "unclosed" => format!("  'a{i}', {i}, $v{i}, {{ k => {i} }},\n"),
        "long" => (0..40).map(|j| format!("'{i}-{j}', ")).collect(),
        _ => unreachable!(),
    };
    let body: String = (0..n).map(unit).collect();
    match shape {
        "long" => format!("$x = [{body}]\n"),
        "unclosed" => format!("$x = [\n{body}"),
        _ => body,
    }
}

/// A Vagrantfile of `n` units in `shape`.
fn ruby(shape: &str, n: usize) -> String {
    let unit = |i: usize| match shape {
        "valid" => format!(
            "  config.vm.define \"m{i}\" do |m|\n    m.vm.hostname = \"m{i}.example.test\"\n    \
             m.vm.network \"private_network\", ip: \"10.0.{}.{}\"\n    \
             m.vm.provider \"virtualbox\" do |vb|\n      vb.memory = {}\n    end\n    \
             m.vm.provision \"puppet\" do |p|\n      p.manifest_file = \"site.pp\"\n      \
             p.facter = {{ \"role\" => \"r{i}\" }}\n    end\n  end\n",
            i / 250,
            i % 250 + 2,
            512 + i % 4 * 256
        ),
        "deep" => format!("{}x = {i}\n{}", "if true\n".repeat(200), "end\n".repeat(200)),
        "unclosed" => format!("  {i}, \"{i}\", :s{i},\n"),
        "long" => (0..40).map(|j| format!("\"{i}-{j}\", ")).collect(),
        _ => unreachable!(),
    };
    let body: String = (0..n).map(unit).collect();
    match shape {
        "valid" => {
            format!("Vagrant.configure(\"2\") do |config|\n  config.vm.box = \"debian/bookworm64\"\n{body}end\n")
        }
        "unclosed" => format!("x = [\n{body}"),
        "long" => format!("x = [{body}].join(\",\")\n"),
        _ => body,
    }
}

fn shapes() -> [&'static str; 4] {
    ["valid", "deep", "unclosed", "long"]
}

/// Base units of each shape: 1x is a few KiB, 100x under the size limits.
fn base(shape: &str) -> usize {
    if shape == "deep" {
        1
    } else {
        20
    }
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("puppetlift-scaling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

fn bench(c: &mut Criterion) {
    let rules: Vec<&lint::Rule> = lint::registry().iter().collect();
    let dir = scratch();
    for shape in shapes() {
        for (what, make) in [
            ("parse", puppet as fn(&str, usize) -> String),
            ("lint", puppet),
            ("inspect", ruby),
        ] {
            let mut g = c.benchmark_group(format!("{what}-{shape}"));
            g.warm_up_time(Duration::from_millis(300))
                .measurement_time(Duration::from_secs(1))
                .sample_size(10);
            for x in SIZES {
                let text = make(shape, base(shape) * x);
                g.throughput(Throughput::Bytes(text.len() as u64));
                match what {
                    "parse" => {
                        g.bench_with_input(BenchmarkId::from_parameter(x), &text, |b, t| {
                            b.iter(|| parser::parse("scaling.pp", t).is_ok())
                        });
                    }
                    "lint" => {
                        g.bench_with_input(BenchmarkId::from_parameter(x), &text, |b, t| {
                            b.iter(|| lint::run(&Manifest::unparsed("scaling.pp", t.as_str()), &rules).0.len())
                        });
                    }
                    _ => {
                        let project = dir.join(format!("{shape}-{x}"));
                        std::fs::create_dir_all(&project).expect("project");
                        let file = project.join("Vagrantfile");
                        std::fs::write(&file, &text).expect("Vagrantfile");
                        let root = Root::new(&project, std::slice::from_ref(&project));
                        g.bench_with_input(BenchmarkId::from_parameter(x), &file, |b, f| {
                            b.iter(|| vagrant::evaluate(f, &root, Options::default()).diagnostics.len())
                        });
                    }
                }
            }
            g.finish();
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Criterion's mean estimate for one benchmark, in nanoseconds.
fn mean(group: &str, x: usize) -> Option<f64> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/criterion")
        .join(group)
        .join(x.to_string())
        .join("new/estimates.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["mean"]["point_estimate"].as_f64()
}

/// Per shape: time at 10x over 1x, and at 100x over 10x, each divided by 10.
fn report() {
    println!("\n| command | shape | 1x | 10x/1x ÷ 10 | 100x/10x ÷ 10 |");
    println!("|---|---|---|---|---|");
    for what in ["parse", "lint", "inspect"] {
        for shape in shapes() {
            let group = format!("{what}-{shape}");
            let m: Vec<Option<f64>> = SIZES.iter().map(|&x| mean(&group, x)).collect();
            let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => format!("{:.2}", b / a / 10.0),
                _ => "-".into(),
            };
            let first = m[0].map_or("-".into(), |t| format!("{:.1} µs", t / 1e3));
            println!(
                "| {what} | {shape} | {first} | {} | {} |",
                ratio(m[0], m[1]),
                ratio(m[1], m[2])
            );
        }
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
    report();
}
