//! What each fuzz target does with its input, shared by the targets
//! (`fuzz_targets/`) and by the regression test that replays every input
//! the fuzzers ever failed on (`tests/fuzz_regressions.rs`).
#![allow(dead_code)]

mod build;
mod gen;

use puppetlift::files::Root;
use puppetlift::lint;
use puppetlift::puppet::Manifest;
use puppetlift::vagrant::{self, Options};
use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The repository (the fuzz crate lives in `fuzz/`).
fn repo() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if here.ends_with("fuzz") {
        here.parent().map(PathBuf::from).unwrap_or(here)
    } else {
        here
    }
}

/// The Puppet parser and the PN printer: any text is parsed or refused with
/// a diagnostic, never a panic, a hang or a stack overflow.
pub fn puppet_parse(data: &[u8]) {
    let text = gen::text(data, gen::PUPPET);
    // As a manifest, and as a Bolt plan (tasks mode), each with Puppet's
    // validation pass.
    let plan = puppetlift::validate::plan("plans/fuzz.pp", &text);
    let m = Manifest::parse("fuzz.pp", text);
    let _ = m.pn();
    let _ = m.puppet_error_message();
    let source = puppetlift::diagnostic::SourceFile::new("fuzz.pp", m.source.text.clone());
    let checked = match &m.body {
        Ok(body) => puppetlift::puppet::checker::check(body, &source.text, "fuzz.pp"),
        Err(_) => Vec::new(),
    };
    for d in m.diagnostics().chain(&checked).chain(&plan) {
        if let Some(span) = d.span {
            assert!(
                span.start <= span.end && span.end as usize <= source.text.len(),
                "{d:?} is outside the file"
            );
        }
        let _ = d.render(Some(&source));
    }
}

/// Every lint rule over any text, and `--fix` with its safety net: findings
/// or a refusal, never a panic; a fix that is applied parses to the same PN.
pub fn lint(data: &[u8]) {
    let text = gen::text(data, gen::PUPPET);
    let m = Manifest::parse("fuzz.pp", text);
    let rules: Vec<&lint::Rule> = lint::registry().iter().collect();
    let (problems, _) = lint::run(&m, &rules);
    if let Some(fixed) = lint::fix::apply(&m, &problems) {
        let _ = lint::fix::verify(&m, &problems, &fixed);
    }
}

/// The Ruby lexer, grammar and evaluator over any Vagrantfile (with a YAML
/// file and a text file beside it to read): a model and diagnostics, never a
/// panic, a hang or a stack overflow, within the evaluator's allowance.
pub fn vagrantfile(data: &[u8]) {
    let dir = project();
    let file = dir.join("Vagrantfile");
    std::fs::write(&file, gen::text(data, gen::RUBY)).expect("Vagrantfile");
    let root = Root::new(dir, std::slice::from_ref(dir));
    let ev = vagrant::evaluate(&file, &root, Options::default());
    // Every diagnostic renders against the file it names, at a real place.
    for d in &ev.diagnostics {
        let source = ev.sources.iter().find(|s| s.path == d.file);
        if let (Some(s), Some(span)) = (source, d.span) {
            assert!(
                span.start <= span.end && span.end as usize <= s.text.len(),
                "{d:?} is outside {}",
                s.path
            );
        }
        let _ = d.render(source);
    }
}

/// `puppetlift.toml`, any text, over the demo project, through the plan and
/// every target: settings are read or refused with a diagnostic, and the
/// build they steer stays inside the project and `--out`.
pub fn settings(data: &[u8]) {
    let (dir, out) = demo_copy();
    std::fs::write(dir.join("puppetlift.toml"), data).expect("settings");
    build::build_and_check(dir, out);
}

/// Paths and names from a Vagrantfile, hostile ones, through the plan and
/// every target: machine names with `/`, `..` and absolute paths, and
/// manifests, modules, shell scripts and synced folders that are links out
/// of the project (to a file, a directory, `/dev/zero`, a FIFO), `..`
/// chains and absolute paths. Nothing outside the project may be read into
/// an artifact, nothing written outside `--out`, and nothing may hang.
pub fn paths(data: &[u8]) {
    let (project, out) = hostile_tree();
    let name = |i| pick(NAMES, data, i);
    let path = |i| pick(PATHS, data, i);
    let vagrantfile = format!(
        "Vagrant.configure(\"2\") do |c|\n  c.vm.box = \"debian/bookworm64\"\n  \
         [{:?}, {:?}].each do |n|\n    c.vm.define n do |m|\n      \
         m.vm.provision \"puppet\" do |p|\n        p.manifests_path = {:?}\n        \
         p.manifest_file = {:?}\n        p.module_path = [{:?}]\n        p.hiera_config_path = {:?}\n      end\n      \
         m.vm.provision \"shell\", path: {:?}\n      m.vm.provision \"file\", source: {:?}, destination: \"/tmp/f\"\n      \
         m.vm.synced_folder {:?}, \"/etc/puppet/modules\"\n    end\n  end\nend\n",
        name(0), name(1), path(2), path(3), path(4), path(5), path(6), path(7), path(8)
    );
    std::fs::write(project.join("Vagrantfile"), vagrantfile).expect("Vagrantfile");
    build::build_and_check(project, out);
}

fn project() -> &'static PathBuf {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let dir = gen::scratch("vagrantfile");
        std::fs::write(dir.join("y.yaml"), "a: &a [1, 2]\nb: *a\nc: {d: yes}\n").expect("y.yaml");
        std::fs::write(dir.join("x"), "text\n").expect("x");
        dir
    })
}

fn demo_copy() -> &'static (PathBuf, PathBuf) {
    static P: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    P.get_or_init(|| {
        let base = gen::scratch("settings");
        let demo = repo().join("fixtures/demo");
        let ok = std::process::Command::new("cp")
            .arg("-a")
            .arg(demo)
            .arg(base.join("demo"))
            .status();
        assert!(ok.is_ok_and(|s| s.success()), "copy the demo");
        std::fs::write(base.join("secret"), build::SECRET).expect("secret");
        (base.join("demo"), base.join("out"))
    })
}

const NAMES: &[&str] = &[
    "web",
    "../../x",
    "/tmp/x",
    "a/b",
    "..",
    ".",
    ".hidden",
    "con:",
    "a\\\\b",
    "",
    " ",
    "é",
    "\\u202e",
    "a..b",
    "-rf",
    "~",
    "$HOME",
    "a\\nb",
    "x/../../y",
    "//",
    "aux",
    "web.example.com",
    "default",
];
const PATHS: &[&str] = &[
    "manifests",
    "modules",
    "manifests/site.pp",
    "site.pp",
    "out-file",
    "out-dir",
    "zero",
    "fifo",
    "loop",
    "../secret",
    "../../etc/passwd",
    "/etc/passwd",
    "/dev/zero",
    "out-dir/secret",
    "chain/../../secret",
    "inner-link",
    "inner-link/site.pp",
    "./",
    ".",
    "",
    "modules/../../secret",
    "~/.ssh/id_rsa",
    "provision.sh",
    "manifests/../out-file",
    "dir-to-root",
];

fn hostile_tree() -> &'static (PathBuf, PathBuf) {
    static P: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    P.get_or_init(|| {
        let base = gen::scratch("paths");
        let project = base.join("project");
        std::fs::create_dir_all(project.join("manifests")).expect("manifests");
        std::fs::create_dir_all(project.join("modules/m/manifests")).expect("modules");
        std::fs::create_dir_all(base.join("outside")).expect("outside");
        std::fs::write(base.join("secret"), build::SECRET).expect("secret");
        std::fs::write(base.join("outside/secret"), build::SECRET).expect("secret");
        std::fs::write(project.join("manifests/site.pp"), "class { 'm': }\n").expect("site.pp");
        std::fs::write(project.join("modules/m/manifests/init.pp"), "class m { notice('m') }\n").expect("init.pp");
        std::fs::write(project.join("provision.sh"), "#!/bin/sh\necho hi\n").expect("provision.sh");
        let _ = symlink(base.join("secret"), project.join("out-file"));
        let _ = symlink(base.join("outside"), project.join("out-dir"));
        let _ = symlink("/dev/zero", project.join("zero"));
        let _ = symlink("loop", project.join("loop"));
        let _ = symlink("manifests", project.join("inner-link"));
        let _ = symlink("/", project.join("dir-to-root"));
        let fifo = std::ffi::CString::new(project.join("fifo").as_os_str().as_encoded_bytes()).expect("path");
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
        unsafe { libc_mkfifo(fifo.as_ptr(), 0o600) };
        (project, base.join("out"))
    })
}

extern "C" {
    #[link_name = "mkfifo"]
    fn libc_mkfifo(path: *const std::ffi::c_char, mode: u32) -> i32;
}

fn pick<'a>(table: &[&'a str], data: &[u8], i: usize) -> &'a str {
    table[*data.get(i).unwrap_or(&0) as usize % table.len()]
}
