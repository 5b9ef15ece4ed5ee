//! Hostile input, measured: each shape that once crashed, hung or took
//! gigabytes (deep nesting, constructs never closed, values that double,
//! arrays that hold themselves) gets its diagnostic within a time and a
//! memory bound. Memory is what this test binary's allocator saw at its
//! peak, so the cases run one after another in one test.

use puppetlift::files::Root;
use puppetlift::lint;
use puppetlift::puppet::{parser, Manifest};
use puppetlift::vagrant::{self, Options};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                let now = NOW.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                NOW.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Under 1 s in an optimised build; unoptimised builds (plain `cargo test`)
/// run the same code ten to thirty times slower.
fn time_bound() -> Duration {
    Duration::from_secs(if cfg!(debug_assertions) { 30 } else { 1 })
}

const MEMORY_BOUND: usize = 200 << 20;

/// Runs `f`, asserts the bounds, and returns what it found.
fn bounded<T>(name: &str, input_len: usize, f: impl FnOnce() -> T) -> T {
    assert!(
        input_len < 1 << 20,
        "{name}: the input should be under 1 MB, is {input_len}"
    );
    let base = NOW.load(Relaxed);
    PEAK.store(base, Relaxed);
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    let used = PEAK.load(Relaxed).saturating_sub(base);
    eprintln!("{name}: {input_len} bytes, {took:?}, {} KiB at the peak", used >> 10);
    assert!(took < time_bound(), "{name}: took {took:?}");
    assert!(used < MEMORY_BOUND, "{name}: {} MiB at the peak", used >> 20);
    out
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("puppetlift-bounds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

/// The diagnostic codes evaluating `text` as a Vagrantfile gives.
fn vagrantfile(dir: &std::path::Path, name: &str, text: &str, extra: &[(&str, &str)]) -> Vec<String> {
    let project = dir.join(name);
    std::fs::create_dir_all(&project).expect("project");
    std::fs::write(project.join("Vagrantfile"), text).expect("Vagrantfile");
    for (file, body) in extra {
        std::fs::write(project.join(file), body).expect("extra file");
    }
    let root = Root::new(&project, std::slice::from_ref(&project));
    let size = text.len() + extra.iter().map(|(_, b)| b.len()).sum::<usize>();
    let ev = bounded(name, size, || {
        vagrant::evaluate(&project.join("Vagrantfile"), &root, Options::default())
    });
    ev.diagnostics.iter().map(|d| d.code.to_string()).collect()
}

fn manifest_parse(name: &str, text: &str) -> Result<(), String> {
    bounded(name, text.len(), || {
        parser::parse(name, text)
            .map(|_| ())
            .map_err(|d| format!("{}: {}", d.code, d.message))
    })
}

fn manifest_lint(name: &str, text: &str) -> usize {
    let rules: Vec<&lint::Rule> = lint::registry().iter().collect();
    bounded(name, text.len(), || {
        lint::run(&Manifest::unparsed(name, text), &rules).0.len()
    })
}

#[test]
fn hostile_input_is_refused_within_bounds() {
    let dir = scratch();
    let configured = "\nVagrant.configure(\"2\") { |c| c.vm.box = \"b\" }\n";

    // The Ruby grammar: nesting past the limit, and constructs never closed.
    for (name, text) in [
        (
            "nested-begin",
            format!("{}1\n{}", "begin\n".repeat(1071), "end\n".repeat(1071)),
        ),
        (
            "nested-if",
            format!("{}1\n{}", "if true\n".repeat(1071), "end\n".repeat(1071)),
        ),
        (
            "nested-each",
            format!("{}1\n{}", "[1].each do |x|\n".repeat(5000), "end\n".repeat(5000)),
        ),
    ] {
        let codes = vagrantfile(&dir, name, &text, &[]);
        assert!(codes.contains(&"nesting-too-deep".to_string()), "{name}: {codes:?}");
    }
    for opener in [
        "begin",
        "if true",
        "def f",
        "while true",
        "class A",
        "module M",
        "case 1",
        "unless false",
        "until false",
        "(",
        "\"#{",
    ] {
        for n in [20, 2000] {
            let name = format!("unclosed-{}-{n}", opener.len());
            let codes = vagrantfile(&dir, &name, &format!("{opener}\n").repeat(n), &[]);
            assert!(
                codes.iter().any(|c| c == "syntax-error" || c == "nesting-too-deep"),
                "{opener:?} x{n}: {codes:?}"
            );
        }
    }
    // Commands nested in a command's arguments, each line's `do` block
    // failing (never closed, or an error inside): the block was tried once
    // per nested command, three times a line (found by fuzzing).
    for (name, text) in [
        ("command-blocks-unclosed", "a b c d.e do |i|\n".repeat(40)),
        (
            "command-blocks-error-inside",
            format!("{}1 +\n{}", "a b c d.e do |i|\n".repeat(40), "end\n".repeat(40)),
        ),
    ] {
        let codes = vagrantfile(&dir, name, &text, &[]);
        assert!(codes.contains(&"syntax-error".to_string()), "{name}: {codes:?}");
    }
    // Long chains the grammar reads without recursing past its limit.
    for (name, text) in [
        (
            "ternaries",
            format!("x = {}1{}{configured}", "true ? ".repeat(5000), " : 2".repeat(5000)),
        ),
        ("assignments", format!("{}1{configured}", "x = ".repeat(7000))),
    ] {
        let codes = vagrantfile(&dir, name, &text, &[]);
        assert!(
            codes.iter().all(|c| c != "syntax-error") || codes.contains(&"nesting-too-deep".to_string()),
            "{name}: {codes:?}"
        );
    }

    // The evaluator: values that double, arrays shared or holding themselves,
    // data nested by a loop (letting it go must not recurse either).
    for (name, text) in [
        ("s-plus-s", format!("s = \"x\"\n30.times {{ s = s + s }}{configured}")),
        ("s-plus-equals", format!("s = \"x\"\nloop {{ s += s }}{configured}")),
        (
            "shared-flatten",
            format!("a = [1]\n40.times {{ a = [a, a] }}\nn = a.flatten.size{configured}"),
        ),
        (
            "holds-itself",
            format!("a = [1]\na << a\nx = a.inspect + a.flatten.to_s{configured}"),
        ),
    ] {
        let codes = vagrantfile(&dir, name, &text, &[]);
        assert!(codes.contains(&"vagrant-size".to_string()), "{name}: {codes:?}");
    }
    let codes = vagrantfile(
        &dir,
        "deep-data",
        &format!("a = []\n200000.times {{ a = [a] }}{configured}"),
        &[],
    );
    assert!(!codes.contains(&"vagrant-size".to_string()), "deep-data: {codes:?}");

    // YAML: a billion laughs through aliases, and nesting past Psych's stack.
    let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..30 {
        laughs.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    let codes = vagrantfile(
        &dir,
        "yaml-laughs",
        &format!("require 'yaml'\nb = YAML.load_file('b.yaml', aliases: true)\nx = b['a29'].flatten.size{configured}"),
        &[("b.yaml", &laughs)],
    );
    assert!(codes.contains(&"vagrant-size".to_string()), "yaml-laughs: {codes:?}");
    let deep = format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let codes = vagrantfile(
        &dir,
        "yaml-deep",
        &format!("require 'yaml'\nd = YAML.load_file('d.yaml'){configured}"),
        &[("d.yaml", &deep)],
    );
    assert!(codes.contains(&"vagrant-raise".to_string()), "yaml-deep: {codes:?}");

    // A byte-order mark: Ruby reads past it.
    let codes = vagrantfile(&dir, "bom", &format!("\u{feff}{configured}"), &[]);
    assert!(codes.is_empty(), "bom: {codes:?}");

    // The Puppet parser: shapes that each tried their nested rest twice per level.
    for (name, text) in [
        ("type-alias-unclosed", "type A=S[".repeat(18)),
        ("selector-unclosed", "$x ? { 1 => ".repeat(20)),
        ("selector-brace-unclosed", "$x ? {".repeat(20)),
        ("struct-unclosed", "type T = Struct[{a => ".repeat(20)),
        ("class-unclosed", "class a {\n".repeat(20_000)),
        (
            "case-nested",
            format!("{}{}", "case $x { default: {\n".repeat(20_000), "}}\n".repeat(20_000)),
        ),
    ] {
        let got = manifest_parse(name, &text);
        assert!(got.is_err(), "{name}: parsed");
    }
    let bom = manifest_parse("bom.pp", "\u{feff}notice('x')\n");
    assert!(
        bom.is_err_and(|e| e.contains("Byte Order mark")),
        "a BOM is refused as Puppet refuses it"
    );
    assert!(
        parser::too_large("big.pp", 3 << 20).is_some(),
        "the size limit every command shares"
    );

    // lint: walks from every keyword, inner loops over arrows, one long line.
    for (name, text) in [
        ("lint-class-unclosed", "class a {\n".repeat(20_000)),
        ("lint-define-unclosed", "define a::b($x = 1) {\n".repeat(20_000)),
        (
            "lint-case-nested",
            format!("{}{}", "case $x { 'a': {\n".repeat(20_000), "}}\n".repeat(20_000)),
        ),
        (
            "lint-arrows",
            format!(
                "file {{ '/a':\n{}}}\n",
                (0..20_000).map(|i| format!("  a{i} => {i},\n")).collect::<String>()
            ),
        ),
        (
            "lint-chain-one-line",
            format!("{}Service['b']\n", "Package['a'] -> ".repeat(40_000)),
        ),
    ] {
        let found = manifest_lint(name, &text);
        assert!(found > 0, "{name}: no findings");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
