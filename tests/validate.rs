//! `puppetlift validate`, by example: each validator's fixtures in, every
//! finding out (snapshots), and the command's output formats.

use puppetlift::validate::{self, Validator};
use puppetlift::SourceFile;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every finding of `validator` on the fixture `rel`, one line each.
fn findings(validator: Validator, rel: &str) -> String {
    let text = std::fs::read_to_string(root().join(rel)).expect("readable fixture");
    let source = SourceFile::new(rel, text.clone());
    validate::validate_text(validator, rel, &text, &validate::Options::default())
        .iter()
        .map(|d| d.one_line(Some(&source)) + "\n")
        .collect()
}

#[test]
fn each_manifest_fixture_shows_its_finding() {
    each_fixture_shows_its_finding(Validator::Manifests, "manifests", "pp", 30);
}

/// Bolt plans: their place (`plans/`) makes them read in tasks mode.
#[test]
fn each_plan_fixture_shows_its_finding() {
    each_fixture_shows_its_finding(Validator::Manifests, "plans", "pp", 14);
}

#[test]
fn each_epp_fixture_shows_its_finding() {
    each_fixture_shows_its_finding(Validator::Epp, "epp", "epp", 7);
}

/// Each fixture under `fixtures/validate/DIR` is named for its first finding
/// (`clean` has none); its findings are the snapshot `DIR__NAME`.
fn each_fixture_shows_its_finding(validator: Validator, dir: &str, ext: &str, at_least: usize) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/validate").join(dir))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= at_least, "a fixture per finding");
    for f in files {
        let stem = f.file_stem().and_then(|s| s.to_str()).expect("name").to_string();
        let rel = format!("fixtures/validate/{dir}/{stem}.{ext}");
        let out = findings(validator, &rel);
        if stem == "clean" {
            assert_eq!(out, "", "the clean fixture has findings");
            continue;
        }
        // Each fixture is named for the first finding it shows (then, maybe, how).
        let first_code = out.split('[').nth(1).and_then(|s| s.split(']').next()).unwrap_or("");
        assert!(
            !first_code.is_empty() && stem.starts_with(first_code),
            "{rel}: first finding is {first_code}:\n{out}"
        );
        let snapshot = if dir == "manifests" { "manifest" } else { dir };
        insta::assert_snapshot!(format!("{snapshot}__{stem}"), out);
    }
}

#[test]
fn each_environment_conf_fixture_shows_its_finding() {
    each_fixture_shows_its_finding(Validator::EnvironmentConf, "environment-conf", "conf", 8);
}

fn run(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_puppetlift"))
        .current_dir(root())
        .env_remove("GITHUB_ACTIONS")
        .arg("validate")
        .args(args)
        .output()
        .expect("puppetlift runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_module_checkout_in_every_output_format() {
    let repo = "fixtures/validate/repo";
    for (name, flags) in [
        ("human", vec![]),
        ("json", vec!["--json"]),
        ("sarif", vec!["--sarif"]),
        ("junit", vec!["--junit"]),
        ("codeclimate", vec!["--codeclimate"]),
        ("github", vec!["--github", "--json"]),
    ] {
        let mut args = flags.clone();
        args.push(repo);
        let (out, code) = run(&args);
        assert_eq!(code, 1, "{name}: an invalid manifest fails the run");
        insta::assert_snapshot!(format!("repo__{name}"), out);
    }
}

/// YAML outside `data/` and `hieradata/` is Hiera data where a hiera.yaml
/// names its directory (Hiera 5's `datadir`, also `../`, Hiera 3's
/// `:datadir:` written for the guest), and only there; a file named on the command line finds
/// the hiera.yaml above it.
#[test]
fn the_data_a_hiera_yaml_names_is_validated() {
    let dir = "fixtures/validate/hiera-datadir";
    let (out, code) = run(&["--json", dir]);
    assert_eq!(code, 1, "{out}");
    let files: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a JSON line")["file"].to_string())
        .collect();
    assert_eq!(
        files,
        [
            "\"fixtures/validate/hiera-datadir/puppet/hiera/common.yaml\"",
            "\"fixtures/validate/hiera-datadir/shared-data/common.yaml\"",
            "\"fixtures/validate/hiera-datadir/site-data/common.yaml\""
        ],
        "{out}"
    );
    let named = Command::new(env!("CARGO_BIN_EXE_puppetlift"))
        .current_dir(root().join(dir))
        .args(["validate", "site-data/common.yaml", "notes/todo.yaml"])
        .output()
        .expect("puppetlift runs");
    let said = String::from_utf8_lossy(&named.stdout).into_owned() + &String::from_utf8_lossy(&named.stderr);
    assert!(
        said.contains("site-data/common.yaml") && !said.contains("todo.yaml"),
        "{said}"
    );
    // However the file or its directory is named: by an absolute path, or the
    // data directory alone.
    let absolute = root().join(dir).join("site-data/common.yaml").display().to_string();
    for arg in [absolute.as_str(), "site-data"] {
        let out = Command::new(env!("CARGO_BIN_EXE_puppetlift"))
            .current_dir(root().join(dir))
            .args(["validate", "--json", arg])
            .output()
            .expect("puppetlift runs");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("hiera-yaml-syntax"), "{arg}: {said}");
        assert_eq!(out.status.code(), Some(1), "{arg}");
    }
}

#[test]
fn validators_can_be_chosen() {
    let repo = "fixtures/validate/repo";
    let (out, code) = run(&["--only", "environment-conf", repo]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("environment_timeout") && !out.contains("declared more than once"));
    let none = [
        "--skip",
        "manifests",
        "--skip",
        "epp",
        "--skip",
        "erb",
        "--skip",
        "puppetfile",
        "--skip",
        "metadata",
        "--skip",
        "hiera",
        "--skip",
        "environment-conf",
    ];
    let (out, code) = run(&[&none[..], &[repo]].concat());
    assert_eq!((out.as_str(), code), ("", 0));
    let (out, code) = run(&["--only", "yaml", repo]);
    assert_eq!(code, 2);
    assert!(
        out.contains(
            "unknown validator 'yaml' (known: manifests, epp, erb, puppetfile, metadata, hiera, environment-conf"
        ),
        "{out}"
    );
    // A file named on the command line is validated even in a skipped directory.
    let (out, code) = run(&["fixtures/validate/repo/spec/fixtures/modules/other/manifests/init.pp"]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn the_deepest_program_the_parser_takes_validates_on_a_small_stack() {
    let deep = format!("$x = {}\n", vec!["1"; 390].join(" + "));
    let found = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || validate::manifest("deep.pp", &deep))
        .expect("thread")
        .join()
        .expect("no stack overflow");
    assert!(found.is_empty(), "{found:?}");
}
