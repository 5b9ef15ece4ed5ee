//! `puppetlift lint`, by example: fixtures in, snapshots out.

use puppetlift::lint;
use puppetlift::Manifest;
use std::path::Path;

fn lint_fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lint").join(name);
    let m = Manifest::parse(
        format!("fixtures/lint/{name}"),
        std::fs::read_to_string(path).expect("fixture"),
    );
    // puppet-lint's own checks: the plugins' have their own fixtures.
    let all: Vec<&lint::Rule> = lint::registry().iter().filter(|r| r.plugin.is_none()).collect();
    let (problems, warnings) = lint::run(&m, &all);
    let mut out: Vec<String> = problems
        .iter()
        .map(|p| {
            let line = puppetlift::report::log_format::render("%{line}:%{column}:%{check}:%{kind}:%{message}", name, p);
            match &p.ignored {
                Some(reason) => format!("{line} (ignored: {reason:?})"),
                None => line,
            }
        })
        .collect();
    out.extend(warnings);
    out.join("\n")
}

#[test]
fn whitespace_checks_and_control_comments() {
    insta::assert_snapshot!(lint_fixture("whitespace.pp"));
}

#[test]
fn string_and_comment_checks() {
    insta::assert_snapshot!(lint_fixture("strings_and_comments.pp"));
}

#[test]
fn interpolation_checks() {
    insta::assert_snapshot!(lint_fixture("interpolation.pp"));
}

#[test]
fn variable_and_relationship_checks() {
    insta::assert_snapshot!(lint_fixture("variables.pp"));
}

#[test]
fn node_and_arrow_checks() {
    insta::assert_snapshot!(lint_fixture("nodes_and_arrows.pp"));
}

#[test]
fn case_checks() {
    insta::assert_snapshot!(lint_fixture("case.pp"));
}

#[test]
fn documentation_checks() {
    insta::assert_snapshot!(lint_fixture("documentation.pp"));
}

#[test]
fn definition_checks() {
    insta::assert_snapshot!(lint_fixture("definitions.pp"));
}

#[test]
fn inheritance_checks() {
    insta::assert_snapshot!(lint_fixture("inheritance.pp"));
}

#[test]
fn resource_checks() {
    insta::assert_snapshot!(lint_fixture("resources.pp"));
}

#[test]
fn quoting_checks() {
    insta::assert_snapshot!(lint_fixture("quoting.pp"));
}

#[test]
fn parameter_and_scope_checks() {
    insta::assert_snapshot!(lint_fixture("parameters.pp"));
}

#[test]
fn later_upstream_checks() {
    insta::assert_snapshot!(lint_fixture("later_checks.pp"));
}

#[test]
fn every_rule_fires_on_the_fixtures() {
    let report = [
        "whitespace.pp",
        "strings_and_comments.pp",
        "interpolation.pp",
        "variables.pp",
        "nodes_and_arrows.pp",
        "case.pp",
        "documentation.pp",
        "definitions.pp",
        "inheritance.pp",
        "resources.pp",
        "quoting.pp",
        "parameters.pp",
        "later_checks.pp",
    ]
    .map(lint_fixture)
    .join("\n");
    for rule in lint::registry().iter().filter(|r| r.plugin.is_none()) {
        assert!(
            report.contains(&format!(":{}:", rule.name)),
            "{} never fires",
            rule.name
        );
    }
}

/// `line:column:check` of every problem all rules find in `text`.
fn lint_text(text: &str) -> Vec<String> {
    let m = Manifest::parse("t.pp", text);
    let all: Vec<&lint::Rule> = lint::registry().iter().collect();
    lint::run(&m, &all)
        .0
        .iter()
        .map(|p| format!("{}:{}:{}", p.line, p.column, p.check))
        .collect()
}

#[test]
fn syntax_errors_as_puppet_lint_reports_them() {
    // Its lexer stops (a backtick): the syntax error, then only line lengths.
    let long = format!("$a = `x` # {}\n", "y".repeat(140));
    assert_eq!(lint_text(&long), ["1:6:syntax", "1:140:140chars", "1:80:80chars"]);
    // It cannot find a resource body's end: the syntax error replaces the rest.
    assert_eq!(lint_text("file { 'x':\n  mode => 644,\n"), ["1:11:syntax"]);
    // A node without a body.
    assert_eq!(
        lint_text("# n\nnode x\n"),
        ["2:1:code_on_top_scope", "2:6:code_on_top_scope", "2:1:syntax"]
    );
}

#[test]
fn every_rule_is_documented() {
    for rule in lint::registry() {
        for section in ["## What it does", "## Why is this bad?", "## Example", "## References"] {
            assert!(rule.doc.contains(section), "{} lacks {section}", rule.name);
        }
    }
}

#[test]
fn log_format_placeholders() {
    let p = lint::Problem {
        check: "hard_tabs",
        kind: lint::Kind::Error,
        message: "tab character found".into(),
        line: 3,
        column: 7,
        ignored: None,
    };
    let out = puppetlift::report::log_format::render(
        "%{filename}|%{path}|%{line}|%{column}|%{kind}|%{KIND}|%{check}|%{message}|%{other}",
        "dir/a.pp",
        &p,
    );
    assert_eq!(
        out,
        "a.pp|dir/a.pp|3|7|error|ERROR|hard_tabs|tab character found|%{other}"
    );
}

fn opts(args: &[&str]) -> Result<lint::options::LintOptions, lint::options::OptError> {
    let places = lint::options::ConfigPlaces {
        system: "/nonexistent/puppet-lint.rc".into(),
        home: None,
        cwd: "/nonexistent".into(),
    };
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    lint::options::parse(&args, &places)
}

#[test]
fn options_read_as_puppet_lint_reads_them() {
    use lint::options::{ErrorLevel, OptError};
    // Check switches apply in order; prefixes complete; values after `=` or apart.
    let o = opts(&[
        "--only-checks",
        "hard_tabs,documentation",
        "x.pp",
        "--no-documentation-check",
        "--fail-on",
    ])
    .unwrap();
    let on: Vec<&str> = o.checks.iter().filter(|c| o.enabled(c.0)).map(|c| c.0).collect();
    assert_eq!(on, ["hard_tabs"]);
    assert!(o.fail_on_warnings);
    assert_eq!(o.paths, [std::path::PathBuf::from("x.pp")]);
    let o = opts(&["--error-level=w", "--80chars-check", "-f", "--ignore-paths", "a/*,b"]).unwrap();
    assert_eq!(o.error_level, ErrorLevel::Warning);
    assert!(o.enabled("80chars") && o.fix);
    assert_eq!(o.ignore_paths, ["a/*", "b"]);
    assert_eq!(opts(&["--bogus"]).unwrap_err(), OptError::Invalid("--bogus".into()));
    assert_eq!(opts(&["--f"]).unwrap_err(), OptError::Ambiguous("--f".into()));
    assert_eq!(
        opts(&["--error-level", "loud"]).unwrap_err(),
        OptError::InvalidArgument("--error-level loud".into())
    );
    assert_eq!(
        opts(&["--log-format"]).unwrap_err(),
        OptError::MissingArgument("--log-format".into())
    );
}

#[test]
fn option_files_are_read_before_the_command_line() {
    let dir = std::env::temp_dir().join(format!("puppetlift-rc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(".puppet-lint.rc"),
        "--with-filename\n# a comment\n--error-level=error\n",
    )
    .unwrap();
    std::fs::write(dir.join("more.rc"), "--json\n").unwrap();
    let places = lint::options::ConfigPlaces {
        system: "/nonexistent/puppet-lint.rc".into(),
        home: None,
        cwd: dir.clone(),
    };
    let args = [
        "--error-level=all".to_string(),
        "-c".into(),
        dir.join("more.rc").display().to_string(),
    ];
    let o = lint::options::parse(&args, &places).unwrap();
    assert!(o.with_filename && o.json);
    assert_eq!(o.error_level, lint::options::ErrorLevel::All);
    let o = lint::options::parse(&["--no-config".to_string()], &places).unwrap();
    assert!(!o.with_filename);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ignore_paths_match_as_ruby_fnmatch() {
    use lint::options::fnmatch;
    assert!(!fnmatch("vendor/**/*.pp", "vendor/a.pp"));
    assert!(fnmatch("vendor/**/*.pp", "vendor/x/a.pp"));
    assert!(fnmatch("*.pp", "x/.a.pp"));
    assert!(!fnmatch("*.pp", ".a.pp"));
    assert!(fnmatch("[ab]*", "b/c"));
    assert!(fnmatch("a?c", "a/c"));
}

#[test]
fn json_is_pretty_printed_as_ruby_does() {
    let v = serde_json::json!({"a": {}, "b": [], "c": [[]], "d": "é\u{1}"});
    assert_eq!(
        puppetlift::report::formats::ruby_pretty(&v),
        "{\n  \"a\": {\n  },\n  \"b\": [\n\n  ],\n  \"c\": [\n    [\n\n    ]\n  ],\n  \"d\": \"é\\u0001\"\n}"
    );
}

#[test]
fn explain_knows_every_check_and_suggests_close_names() {
    for r in lint::registry() {
        let text = puppetlift::explain::explain_name(r.name).unwrap();
        assert!(text.starts_with(r.name) && text.contains("What it does"), "{}", r.name);
    }
    let err = puppetlift::explain::explain_name("hard_tab").unwrap_err();
    assert!(err.contains("`hard_tabs`"), "{err}");
    assert!(puppetlift::explain::explain_name("--no-trailing_whitespace-check").is_ok());
}

/// `--fix` on `text` with every check: the fixed text, or why it was refused.
fn fix_text(text: &str) -> Result<String, String> {
    let m = Manifest::parse("t.pp", text);
    // puppet-lint's own checks (a plugin's fix may legitimately mend what
    // these cases show refused).
    let all: Vec<&lint::Rule> = lint::registry().iter().filter(|r| r.plugin.is_none()).collect();
    let (found, _) = lint::run(&m, &all);
    let fixed = lint::fix::apply(&m, &found).ok_or("not fixable")?;
    lint::fix::verify(&m, &found, &fixed).map_err(|e| e.to_string())?;
    Ok(fixed.text)
}

#[test]
fn fixes_that_keep_the_program_are_kept() {
    let fixed = fix_text("# x\nclass x {\n  file { \"/a\":\n    mode => 644,\n    ensure => file,\n  }\n}\n").unwrap();
    assert_eq!(
        fixed,
        "# x\nclass x {\n  file { '/a':\n    ensure => file,\n    mode   => '0644',\n  }\n}\n"
    );
}

#[test]
fn fixes_that_change_the_program_are_refused() {
    // puppet-lint quotes each word of a dotted node name: no longer Puppet.
    let err = fix_text("node web01.example.com {\n}\n").unwrap_err();
    assert!(err.contains("would not parse"), "{err}");
    // `"$Port"` is not interpolated by Puppet; puppet-lint's `${Port}` is a type.
    let err = fix_text("$msg = \"port $Port\"\n").unwrap_err();
    assert!(err.contains("different program"), "{err}");
}

/// Runs the puppetlift binary in a fresh directory holding a copy of
/// `fixtures/lint/FIXTURE` (as `$PWD` `/project`, so full paths do not depend
/// on the machine), with `env` set; stdout, stderr, exit code and the file
/// afterwards.
fn run_cli(fixture: &str, args: &[&str], env: &[(&str, &str)]) -> (String, String, i32, String) {
    let dir = std::env::temp_dir().join(format!(
        "puppetlift-cli-{}-{}-{}",
        std::process::id(),
        fixture,
        args.join("_").replace(['/', '-'], "")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lint")
        .join(fixture);
    std::fs::copy(&src, dir.join(fixture)).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_puppetlift"));
    cmd.current_dir(&dir)
        .env("PWD", "/project")
        .env("HOME", &dir)
        .env_remove("GITHUB_ACTION")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let after = std::fs::read_to_string(dir.join(fixture)).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
        after,
    )
}

#[test]
fn json_output() {
    let (out, _, code, _) = run_cli("fix.pp", &["lint", "--no-config", "--json", "fix.pp"], &[]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn sarif_output() {
    let (out, _, _, _) = run_cli("fix.pp", &["lint", "--no-config", "--sarif", "fix.pp"], &[]);
    insta::assert_snapshot!(out);
}

#[test]
fn with_context_output() {
    let (out, _, _, _) = run_cli("fix.pp", &["lint", "--no-config", "--with-context", "fix.pp"], &[]);
    insta::assert_snapshot!(out);
}

#[test]
fn github_actions_annotations() {
    let (out, _, _, _) = run_cli(
        "fix.pp",
        &["lint", "--no-config", "--error-level", "error", "fix.pp"],
        &[("GITHUB_ACTION", "__run")],
    );
    insta::assert_snapshot!(out);
}

#[test]
fn explain_output() {
    let (out, _, code, _) = run_cli("fix.pp", &["explain", "ensure_first_param"], &[]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
    let (_, err, code, _) = run_cli("fix.pp", &["explain", "trailing_whitespaces"], &[]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("explain_unknown", err);
}

#[test]
fn fix_output_and_result() {
    let (out, err, code, after) = run_cli("fix.pp", &["lint", "--no-config", "--fix", "fix.pp"], &[]);
    insta::assert_snapshot!(format!(
        "exit {code}\n--- stdout\n{out}--- stderr\n{err}--- fix.pp\n{after}"
    ));
}

/// The later upstream checks' fixes (their specs' cases), with every default
/// check's; the later checks are off by default (puppet-lint 3.0.1's defaults), so on here.
#[test]
fn later_checks_fix_output_and_result() {
    let (out, err, code, after) = run_cli(
        "later_checks.pp",
        &[
            "lint",
            "--no-config",
            "--legacy_facts-check",
            "--top_scope_facts-check",
            "--space_before_arrow-check",
            "--fix",
            "later_checks.pp",
        ],
        &[],
    );
    insta::assert_snapshot!(format!(
        "exit {code}\n--- stdout\n{out}--- stderr\n{err}--- later_checks.pp\n{after}"
    ));
}

/// The binary in `dir` with `args`, `input` on standard input: stdout,
/// stderr, exit code.
fn run_stdin(dir: &Path, args: &[&str], input: &str) -> (String, String, i32) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_puppetlift"))
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("GITHUB_ACTION")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// `lint --stdin --stdin-filename F < F` says what `lint F` says, and
/// `lint --fix --stdin` writes what `lint --fix F` leaves in F (the report on
/// stderr then), for every lint fixture with every check on.
#[test]
fn stdin_lints_and_fixes_as_the_file_would_be() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let all: Vec<String> = lint::registry().iter().map(|r| format!("--{}-check", r.name)).collect();
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let mut fixtures: Vec<String> = std::fs::read_dir(root.join("fixtures/lint"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pp"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 10);
    for fixture in &fixtures {
        let text = std::fs::read_to_string(root.join("fixtures/lint").join(fixture)).unwrap();
        let dir = std::env::temp_dir().join(format!("puppetlift-stdin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let on_file = |extra: &[&str]| {
            std::fs::write(dir.join(fixture), &text).unwrap();
            let args: Vec<&str> = [&["lint", "--no-config"][..], &all, extra, &[fixture.as_str()]].concat();
            let (out, err, code) = run_stdin(&dir, &args, "");
            (out, err, code, std::fs::read_to_string(dir.join(fixture)).unwrap())
        };
        let on_stdin = |extra: &[&str]| {
            let args: Vec<&str> = [
                &["lint", "--no-config"][..],
                &all,
                extra,
                &["--stdin", "--stdin-filename", fixture],
            ]
            .concat();
            run_stdin(&dir, &args, &text)
        };
        let (file_out, _, file_code, _) = on_file(&[]);
        let (out, _, code) = on_stdin(&[]);
        assert_eq!((out, code), (file_out, file_code), "{fixture}: lint --stdin");
        let (fix_out, fix_err, fix_code, fixed) = on_file(&["--fix"]);
        let (out, err, code) = on_stdin(&["--fix"]);
        assert_eq!(out, fixed, "{fixture}: lint --fix --stdin writes the fixed manifest");
        let report = fix_err + &fix_out;
        assert_eq!(
            (err, code),
            (report, fix_code),
            "{fixture}: the report of --fix, on stderr"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The option file nearest above `--stdin-filename`, not the working
/// directory's; `--ignore-paths` covers that name; the arguments it refuses.
#[test]
fn stdin_filename_places_the_manifest() {
    let dir = std::env::temp_dir().join(format!("puppetlift-stdin-rc-{}", std::process::id()));
    let module = dir.join("site/profile/manifests");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(dir.join("site/.puppet-lint.rc"), "--no-documentation-check\n").unwrap();
    let text = "class profile::base {\n  notify { 'hi': }\n}\n";
    let elsewhere = std::env::temp_dir();
    let (out, _, _) = run_stdin(&elsewhere, &["lint", "--stdin"], text);
    assert!(out.contains("(check: documentation)"), "without a name: {out}");
    let name = module.join("base.pp").display().to_string();
    let (out, _, _) = run_stdin(&elsewhere, &["lint", "--stdin", "--stdin-filename", &name], text);
    assert_eq!(out, "", "the project's option file turns documentation off");
    let vendored = dir.join("vendor/x/manifests/init.pp").display().to_string();
    let (out, _, code) = run_stdin(
        &elsewhere,
        &[
            "lint",
            "--stdin",
            "--ignore-paths",
            "*/vendor/*",
            "--stdin-filename",
            &vendored,
        ],
        "class x { $a = \"b\" }\n",
    );
    assert_eq!((out.as_str(), code), ("", 0), "an ignored path is not linted");
    let (out, _, code) = run_stdin(&elsewhere, &["lint", "--stdin", "init.pp"], text);
    assert_eq!(code, 1);
    assert!(out.contains("--stdin reads no PATH"), "{out}");
    let (out, _, code) = run_stdin(&elsewhere, &["lint", "--stdin-filename", "x.pp"], text);
    assert_eq!(code, 1);
    assert!(out.contains("names the manifest --stdin reads"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compat_and_plugins_decide_the_defaults_wherever_they_stand() {
    // puppet-lint 5 runs the checks it took in from plugins; 3.0.1 does not.
    let five = opts(&[]).unwrap();
    assert!(five.enabled("legacy_facts") && five.enabled("top_scope_facts"));
    let three = opts(&["--legacy_facts-check", "--compat", "3"]).unwrap();
    assert!(three.enabled("legacy_facts"), "a check named stays on");
    assert!(!three.enabled("top_scope_facts"));
    assert_eq!(
        opts(&["--compat", "4"]).unwrap_err(),
        lint::options::OptError::InvalidArgument("--compat 4 (3 or 5)".into())
    );
    // A plugin's check runs with its set, or when named; --only-checks leaves
    // only what it names, whatever turns the set on after it.
    for plugin in lint::registry().iter().filter(|r| r.plugin.is_some()) {
        assert!(!five.enabled(plugin.name), "{} on without --plugins", plugin.name);
        let set = opts(&["--plugins", "voxpupuli"]).unwrap();
        assert_eq!(set.enabled(plugin.name), plugin.enabled_by_default);
        let named = opts(&[&format!("--{}-check", plugin.name)]).unwrap();
        assert!(named.enabled(plugin.name));
        let only = opts(&["--only-checks", "hard_tabs", "--plugins", "voxpupuli"]).unwrap();
        assert!(!only.enabled(plugin.name));
    }
}

/// Each fixture of `fixtures/lint/voxpupuli` (one or more per plugin gem):
/// what the plugin checks find in it, and what their fixes make of it (held
/// by the safety net, as `--fix` does). Every plugin check fires somewhere.
#[test]
fn voxpupuli_plugin_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lint/voxpupuli");
    let plugins: Vec<&lint::Rule> = lint::registry().iter().filter(|r| r.plugin.is_some()).collect();
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "pp"))
                .collect()
        })
        .unwrap_or_default();
    fixtures.sort();
    let mut fired = std::collections::BTreeSet::new();
    for path in &fixtures {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let name = format!("fixtures/lint/voxpupuli/{stem}.pp");
        let m = Manifest::parse_file(name.clone(), std::fs::read_to_string(path).expect("fixture"));
        let (problems, warnings) = lint::run(&m, &plugins);
        let mut out: Vec<String> = problems
            .iter()
            .map(|p| {
                fired.insert(p.check);
                let line =
                    puppetlift::report::log_format::render("%{line}:%{column}:%{check}:%{kind}:%{message}", &name, p);
                match &p.ignored {
                    Some(reason) => format!("{line} (ignored: {reason:?})"),
                    None => line,
                }
            })
            .collect();
        out.extend(warnings);
        let found: Vec<_> = problems.into_iter().map(|p| (p, false)).collect();
        out.push("--- fixed".to_string());
        out.push(match lint::fix::checked(&m, &found) {
            Ok(Some(fixed)) if fixed.text != m.source.text => fixed.text,
            Ok(_) => "(nothing fixed)".to_string(),
            Err(why) => format!("(refused: {why})"),
        });
        insta::assert_snapshot!(format!("voxpupuli_{stem}"), out.join("\n"));
    }
    for rule in &plugins {
        assert!(
            fired.contains(rule.name),
            "{} never fires on fixtures/lint/voxpupuli",
            rule.name
        );
    }
}

/// puppet-lint 4.3 and later lint Hiera data under a directory for legacy
/// facts read by interpolation (`--compat 5`, the default); 3.0.1 does not.
/// Hidden files, YAML that does not load, and `--fix` leave it alone.
#[test]
fn hiera_data_is_linted_for_legacy_facts() {
    let lint = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_puppetlift"))
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lint"))
            .args(["lint", "--no-config", "--only-checks", "legacy_facts"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let found = lint(&["--show-ignored", "hiera"]);
    insta::assert_snapshot!(found);
    assert_eq!(lint(&["--compat", "3", "hiera"]), "");
}

#[test]
fn top_scope_variables_are_allowed_as_named() {
    let o = opts(&["--top-scope-variables", "role,zone"]).unwrap();
    assert_eq!(o.top_scope_variables, ["role", "zone"]);
    let m = Manifest::parse("t.pp", "class t {\n  notify { [$::role, $::roles, $::tier]: }\n}\n");
    let rule = lint::rule("top_scope_facts").unwrap();
    let settings = lint::Settings {
        top_scope_variables: o.top_scope_variables.into(),
        ..Default::default()
    };
    let found: Vec<usize> = lint::run_with(&m, &[rule], &settings)
        .0
        .iter()
        .map(|p| p.column)
        .collect();
    // A name starting with an allowed one is allowed (puppet-lint's pattern is a prefix).
    assert_eq!(found, [32]);
}

/// `--codeclimate-report-file`: puppet-lint 4+'s Code Climate report, next to
/// the usual output (fingerprints ours: puppet-lint's hash Ruby's Marshal).
#[test]
fn codeclimate_report_file() {
    let dir = std::env::temp_dir().join(format!("puppetlift-codeclimate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lint/fix.pp");
    std::fs::copy(fixture, dir.join("fix.pp")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_puppetlift"))
        .current_dir(&dir)
        .args(["lint", "--no-config", "--codeclimate-report-file", "cc.json", "fix.pp"])
        .output()
        .unwrap();
    assert!(!out.stdout.is_empty(), "the usual report is printed too");
    let report = std::fs::read_to_string(dir.join("cc.json")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    insta::assert_snapshot!(report);
}

/// `legacy_facts` and `top_scope_facts` both fix `$::sshdsakey`: the legacy
/// fact's structured replacement is kept (puppet-lint 4.3.0 writes
/// `$facts['facts']['ssh']['dsa']['key']`, undef on any Facter), in code and
/// in strings.
#[test]
fn fact_fixes_compose_on_one_variable() {
    let text =
        "class k {\n  if $::sshdsakey {\n    notify { \"key ${::sshdsakey}\": message => \"$::sshrsakey\" }\n  }\n}\n";
    let m = Manifest::parse_file("k.pp", text);
    let rules: Vec<&lint::Rule> = ["legacy_facts", "top_scope_facts", "variables_not_enclosed"]
        .iter()
        .map(|n| lint::rule(n).unwrap())
        .collect();
    let found: Vec<_> = lint::run(&m, &rules).0.into_iter().map(|p| (p, false)).collect();
    let fixed = lint::fix::checked(&m, &found).unwrap().unwrap();
    assert_eq!(
        fixed.text,
        "class k {\n  if $facts['ssh']['dsa']['key'] {\n    notify { \"key ${facts['ssh']['dsa']['key']}\": message => \"${facts['ssh']['rsa']['key']}\" }\n  }\n}\n"
    );
    assert!(fixed.fixed.iter().all(|&f| f), "every problem is fixed");
}
