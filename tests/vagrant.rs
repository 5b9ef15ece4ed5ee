//! The Vagrantfile front end: every fixture evaluates to the machines in its
//! snapshot; every construct puppetlift does not evaluate, and every broken
//! Vagrantfile, gets the diagnostic in its snapshot.

use puppetlift::vagrant::{self, Options};
use puppetlift::Severity;
use std::path::{Path, PathBuf};

/// The Vagrantfile of project `dir` evaluated, as `Project::load` does.
fn evaluate(dir: &Path, opts: Options) -> vagrant::Evaluation {
    let root = puppetlift::files::Root::new(dir, &[]);
    vagrant::evaluate(&vagrant::vagrantfile_path(dir), &root, opts)
}

fn fixture_dirs(group: &str) -> Vec<PathBuf> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(group);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&base)
        .expect("fixture group")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Vagrantfile").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Fixture paths relative to the repository (the form diagnostics show).
fn rel(dir: &Path) -> PathBuf {
    dir.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| dir.to_path_buf())
}

/// One line per diagnostic: `file:line:col: severity[code]: message`, then help.
fn diagnostics(ev: &vagrant::Evaluation) -> String {
    let mut out = String::new();
    for d in &ev.diagnostics {
        let src = ev.sources.iter().find(|s| s.path == d.file);
        out.push_str(&d.one_line(src.map(|s| &**s)));
        out.push('\n');
        if let Some(h) = &d.help {
            out.push_str(&format!("  help: {h}\n"));
        }
    }
    out
}

fn name(dir: &Path) -> String {
    dir.file_name().unwrap_or_default().to_string_lossy().into_owned()
}

#[test]
fn every_fixture_evaluates_to_its_machines() {
    let dirs = fixture_dirs("vagrant");
    assert!(dirs.len() >= 40, "only {} fixtures", dirs.len());
    for dir in dirs {
        let ev = evaluate(&rel(&dir), Options::default());
        let errors: Vec<_> = ev
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", name(&dir));
        assert!(!ev.model.machines.is_empty(), "{}: no machines", name(&dir));
        let abs = std::path::absolute(&dir).expect("absolute path").display().to_string();
        let json = serde_json::to_string_pretty(&ev.model.normal_form())
            .expect("json")
            .replace(&abs, "<project>");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(name(&dir));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| {
            insta::assert_snapshot!("machines", format!("{json}\n---\n{}", diagnostics(&ev)));
        });
    }
}

#[test]
fn unsupported_constructs_are_diagnosed_not_guessed() {
    let dirs = fixture_dirs("vagrant-unsupported");
    assert!(dirs.len() >= 15);
    for dir in dirs {
        let ev = evaluate(&rel(&dir), Options::default());
        let text = diagnostics(&ev);
        assert!(!text.is_empty(), "{}: nothing was diagnosed", name(&dir));
        // Whatever was not evaluated must not appear in the model as a value.
        let json = serde_json::to_string(&ev.model.normal_form()).expect("json");
        assert!(
            !json.contains("<unknown"),
            "{}: an unknown value leaked into the model: {json}",
            name(&dir)
        );
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(name(&dir));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!("unsupported", text));
    }
}

#[test]
fn broken_vagrantfiles_get_a_located_error() {
    for dir in fixture_dirs("vagrant-errors") {
        let ev = evaluate(&rel(&dir), Options::default());
        assert!(!ev.diagnostics.is_empty(), "{}: no diagnostic", name(&dir));
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(name(&dir));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!("error", diagnostics(&ev)));
    }
}

#[test]
fn an_endless_loop_ends_with_the_budget_diagnostic() {
    let dir = Path::new("fixtures/vagrant-unsupported/loop-empty");
    let ev = evaluate(dir, Options::default());
    assert!(
        ev.diagnostics.iter().any(|d| d.code == "vagrant-budget"),
        "{:?}",
        ev.diagnostics
    );
    // What was configured before the loop is kept.
    assert_eq!(
        ev.model.machines.first().and_then(|m| m.box_name.as_deref()),
        Some("debian/bookworm64")
    );
}

#[test]
fn env_values_come_only_from_the_caller() {
    let dir = Path::new("fixtures/vagrant/globals-env-defaults");
    let default = evaluate(dir, Options::default());
    assert!(default.diagnostics.iter().any(|d| d.code == "vagrant-env"));
    let mut opts = Options::default();
    let keys: Vec<String> = default
        .diagnostics
        .iter()
        .filter(|d| d.code == "vagrant-env")
        .filter_map(|d| d.message.split('"').nth(1).map(str::to_string))
        .collect();
    for k in &keys {
        opts.env.push((k.clone(), "from-the-caller".into()));
    }
    let given = evaluate(dir, opts);
    assert!(
        !given.diagnostics.iter().any(|d| d.code == "vagrant-env"),
        "{:?}",
        given.diagnostics
    );
}

#[test]
fn plugins_are_absent_unless_named() {
    let dir = Path::new("fixtures/vagrant/hostmanager-plugin-guard");
    let without = evaluate(dir, Options::default());
    let about = |ev: &vagrant::Evaluation| {
        ev.diagnostics
            .iter()
            .any(|d| d.code == "vagrant-plugin" && d.message.contains("vagrant-hostmanager"))
    };
    assert!(about(&without));
    let with = evaluate(
        dir,
        Options {
            plugins: vec!["vagrant-hostmanager".into()],
            ..Default::default()
        },
    );
    assert!(!about(&with));
}

/// Where Vagrant finds the Vagrantfile (`--vagrantfile`, `VAGRANT_VAGRANTFILE`,
/// `Vagrantfile` then `vagrantfile`) and what it may read beside it (`--root`).
#[test]
fn vagrantfile_names_and_project_roots() {
    use puppetlift::project::{Options as ProjectOptions, Project};
    let layouts = rel(Path::new("fixtures/vagrant-layouts"));
    let load = |dir: &str, vagrantfile: Option<&str>, root: Option<&str>| {
        Project::load(
            &layouts.join(dir),
            ProjectOptions {
                vagrantfile: vagrantfile.map(str::to_string),
                root: root.map(|r| layouts.join(r)),
                ..Default::default()
            },
        )
    };
    let names = |p: &Project| p.machines().iter().map(|m| m.name.clone()).collect::<Vec<_>>();
    let named = load("named-file", Some("Vagrantfile.cluster"), None);
    assert_eq!(names(&named), ["node1", "node2"]);
    let lower = load("lowercase", None, None);
    assert_eq!(lower.machines()[0].box_name.as_deref(), Some("ubuntu/jammy64"));
    // With the root at the Vagrantfile, `../settings.yml` is outside: not read.
    let confined = load("nested/vagrant", None, Some("nested/vagrant"));
    assert_eq!(confined.machines()[0].box_name, None);
    assert!(confined
        .evaluation
        .diagnostics
        .iter()
        .any(|d| d.message.contains("outside the project")));
    let rooted = load("nested/vagrant", None, Some("nested"));
    assert_eq!(rooted.machines()[0].box_name.as_deref(), Some("rockylinux/9"));
    // By default the root is the enclosing git work tree (this checkout).
    let default = load("nested/vagrant", None, None);
    assert_eq!(default.machines()[0].box_name.as_deref(), Some("rockylinux/9"));
}
