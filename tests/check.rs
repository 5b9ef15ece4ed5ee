//! `puppetlift check`, by example: every migration check has fixture projects
//! under `fixtures/checks/<name>/` that trigger it (`trigger-*`) and close ones
//! that must not (`clean-*`); each case's findings are a snapshot.

use puppetlift::check;
use puppetlift::project::Project;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The findings for a project (relative to the crate, so file names are stable),
/// one per paragraph: `file:line:col: severity[code]: message` and its help.
fn findings(rel: &Path, image: Option<&str>) -> (String, Vec<puppetlift::Diagnostic>) {
    let cwd = std::env::current_dir().expect("cwd");
    assert_eq!(cwd, root(), "tests run from the crate root");
    let project = Project::load(rel, Default::default());
    let report = check::check_project(&project, image).expect("loads");
    let text = report
        .findings
        .iter()
        .map(|d| {
            let line = d.one_line(report.source(&d.file).map(|s| s.as_ref()));
            match &d.help {
                Some(h) => format!("{line}\n  help: {h}"),
                None => line,
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    (text, report.findings)
}

fn sorted_dirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn every_check_has_fixtures_that_trigger_it_and_close_ones_that_do_not() {
    for check in check::ALL {
        let dir = root().join("fixtures/checks").join(check.name);
        let cases = sorted_dirs(&dir);
        let (mut triggers, mut cleans) = (0, 0);
        for case in cases {
            let name = case.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let rel = case.strip_prefix(root()).expect("under the crate");
            let (text, found) = findings(rel, None);
            let hits = found.iter().filter(|d| d.code == check.name).count();
            if name.starts_with("trigger-") {
                triggers += 1;
                assert!(
                    hits > 0,
                    "{}/{name}: expected `{}` findings, got:\n{text}",
                    check.name,
                    check.name
                );
            } else {
                cleans += 1;
                assert_eq!(
                    hits, 0,
                    "{}/{name}: expected no `{}` finding, got:\n{text}",
                    check.name, check.name
                );
            }
            let mut settings = insta::Settings::clone_current();
            settings.set_prepend_module_to_snapshot(false);
            settings.set_snapshot_suffix(&name);
            settings.bind(|| insta::assert_snapshot!(format!("check-{}", check.name), text));
        }
        assert!(
            triggers >= 2 && cleans >= 2,
            "{}: {triggers} trigger and {cleans} clean cases",
            check.name
        );
    }
}

#[test]
fn every_check_is_documented_in_the_fixed_sections() {
    for check in check::ALL {
        let doc = check::doc(check.name).expect("doc");
        for section in [
            "## What it does",
            "## Why is this bad on EC2?",
            "## Example",
            "Use instead:",
            "## References",
        ] {
            assert!(doc.contains(section), "{}: no `{section}`", check.name);
        }
    }
}

/// `puppetlift explain` says what a check's errors do to `build`.
#[test]
fn explain_says_whether_a_check_stops_the_build() {
    for check in check::ALL {
        let text = puppetlift::explain::explain_any(check.name).expect("explain");
        let says = if check.stops_build {
            format!("stop `build` and `convert` (`--allow {}` builds anyway)", check.name)
        } else {
            "report them and write the artifacts (`--strict` stops on them)".to_string()
        };
        assert!(text.contains(&says), "{}:\n{text}", check.name);
    }
}

#[test]
fn the_demo_is_clean() {
    let (text, _) = findings(Path::new("fixtures/demo"), None);
    assert_eq!(text, "");
}

/// A 2011-era Vagrant v1 + Puppet 2.7 project moving to an Ubuntu AMI: each
/// check it should trip, once.
#[test]
fn the_pitfalls_project_trips_each_check_once() {
    let (text, found) = findings(Path::new("fixtures/pitfalls"), None);
    let mut codes: Vec<&str> = found.iter().map(|d| d.code).collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            "cfn-helpers-need-amazon-linux",
            "legacy-puppet-syntax",
            "previous-generation-instance",
            "public-admin-port",
            "rubylib-missing",
            "secret-in-user-data",
            "service-provider-mismatch",
            "vagrant-path",
            "vagrant-user",
        ],
        "{text}"
    );
    insta::assert_snapshot!("check-pitfalls", text);
}

/// `--image` asks "what if": every machine on another image, even one AWS
/// publishes no AMI parameter for (its publisher's newest AMI is looked up).
#[test]
fn another_image_changes_what_is_found() {
    let (text, found) = findings(Path::new("fixtures/pitfalls"), Some("rocky-9"));
    // AWS publishes no SSM parameter for Rocky: the launch scripts look up
    // the publisher's newest AMI instead, so nothing asks for one.
    assert!(!found.iter().any(|d| d.code == "image-needs-ami"), "{text}");
    // On Rocky the login user is `rocky` and cfn helpers are still missing.
    assert!(text.contains("`rocky` on rocky-9"), "{text}");
    assert!(
        found.iter().any(|d| d.code == "cfn-helpers-need-amazon-linux"),
        "{text}"
    );
    let (_, on_amazon) = findings(Path::new("fixtures/pitfalls"), Some("amazon-linux-2023"));
    assert!(!on_amazon.iter().any(|d| d.code == "cfn-helpers-need-amazon-linux"));
}

/// `--json`: the diagnostic's fields plus 1-based line and column.
#[test]
fn json_output_has_line_and_column() {
    let project = Project::load(Path::new("fixtures/pitfalls"), Default::default());
    let report = check::check_project(&project, None).expect("loads");
    let d = report
        .findings
        .iter()
        .find(|d| d.code == "vagrant-user")
        .expect("vagrant-user");
    let v = check::json(d, report.source(&d.file).map(|s| s.as_ref()));
    assert_eq!(v["file"], "fixtures/pitfalls/modules/app/manifests/init.pp");
    assert_eq!((v["line"].as_u64(), v["column"].as_u64()), (Some(12), Some(15)));
    assert_eq!(v["severity"], "error");
}

fn puppetlift(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_puppetlift"))
        .args(args)
        .output()
        .expect("puppetlift runs")
}

/// `build` runs the checks first. An error of a check about the artifacts
/// (a secret in user data) stops it, nothing written, unless `--allow` names
/// the check; errors that predict how the project's own code fails on EC2 are
/// reported and the artifacts written, unless `--strict`; a name that is no
/// check stops it too.
#[test]
fn build_stops_on_an_artifact_error_and_reports_predictions() {
    let out = std::env::temp_dir().join(format!("puppetlift-gate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = out.to_str().expect("utf-8");
    let secret = "fixtures/checks/secret-in-user-data/trigger-facter";
    let stopped = puppetlift(&["build", secret, "--out", o]);
    let stderr = String::from_utf8_lossy(&stopped.stderr);
    assert_eq!(stopped.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("build anyway with --allow secret-in-user-data"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written");
    let allowed = puppetlift(&["build", secret, "--out", o, "--allow", "secret-in-user-data"]);
    assert!(allowed.status.success(), "{}", String::from_utf8_lossy(&allowed.stderr));
    let _ = std::fs::remove_dir_all(&out);

    let legacy = "fixtures/projects/precise-legacy-v1";
    let strict = puppetlift(&["build", legacy, "--out", o, "--strict"]);
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert_eq!(strict.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--allow legacy-puppet-syntax --allow package-not-in-image"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written");
    let half = puppetlift(&[
        "convert",
        legacy,
        "--out",
        o,
        "--strict",
        "--allow",
        "legacy-puppet-syntax",
    ]);
    assert_eq!(half.status.code(), Some(1), "{}", String::from_utf8_lossy(&half.stderr));
    let built = puppetlift(&["build", legacy, "--out", o]);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "{stderr}");
    // The predictions and the warnings are shown, then what they mean for the artifacts.
    assert!(
        stderr.contains("legacy-puppet-syntax") && stderr.contains("public-admin-port"),
        "{stderr}"
    );
    let errors = stderr.matches("\n  × ").count();
    assert!(
        stderr.contains(&format!(
            "{errors} errors above predict how the project's code will fail on EC2"
        )),
        "{stderr}"
    );
    assert!(out.join("stack.json").is_file());
    let typo = puppetlift(&["build", "fixtures/demo", "--out", o, "--allow", "legacy-syntax"]);
    assert_eq!(typo.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("no migration check `legacy-syntax`"));
    let demo = puppetlift(&["build", "fixtures/demo", "--out", o, "--force"]);
    assert!(
        demo.status.success() && demo.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let _ = std::fs::remove_dir_all(&out);
}
