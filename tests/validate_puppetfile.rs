//! `Puppetfile` validation, by example and against `r10k puppetfile check`.
//!
//! By example: each case under `fixtures/validate/puppetfile/<case>/` is one
//! Puppetfile, named for its first finding (a suffix saying how); its findings
//! are the snapshot `validate_puppetfile__puppetfile-<case>.snap`. A case whose
//! name starts with `clean` has none; one whose name ends with `-warning` has
//! warnings only (r10k says them and passes the file).
//!
//! Against the oracle: the fixtures, deterministic mutations of each
//! (truncations, a removed comma or quote, a duplicated line, an unknown
//! option, swapped symbols, …), and the Puppetfiles found on this machine
//! outside the repository (measured, never copied), written under the target
//! directory. r10k 3.15.4 judges each (`tests/oracle/r10k_puppetfile_check.rb`
//! does what `r10k puppetfile check` does, in one Ruby process; a sample goes
//! through the command itself too). The files each rejects must agree on at
//! least 99.5%, the first error's line (where r10k gives one) on 95%. Ignored in
//! plain `cargo test`, run by `.ci/run`, failing loudly without r10k.

use puppetlift::validate::puppetfile;
use puppetlift::{Severity, SourceFile};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

mod common;
use common::{rendered, root};

fn cases() -> Vec<PathBuf> {
    let dir = root().join("fixtures/validate/puppetfile");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/validate/puppetfile")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() > 10, "fixtures under {}", dir.display());
    cases
}

#[test]
fn fixtures() {
    for case in cases() {
        let name = case.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let path = format!("fixtures/validate/puppetfile/{name}/Puppetfile");
        let text = std::fs::read_to_string(root().join(&path)).expect("fixture");
        let found = puppetfile::validate(&path, &text);
        let errors = found.iter().filter(|d| d.severity == Severity::Error).count();
        if name.starts_with("clean") {
            assert!(found.is_empty(), "{}", rendered(&path, &text, &found));
        } else if name.ends_with("-warning") {
            assert!(errors == 0 && !found.is_empty(), "{}", rendered(&path, &text, &found));
        } else {
            assert!(errors > 0, "{name}: no errors\n{}", rendered(&path, &text, &found));
        }
        for d in &found {
            let span = d.span.expect("every finding has a place").range();
            assert!(
                span.end <= text.len() && text.is_char_boundary(span.start),
                "{name}: {span:?}"
            );
        }
        insta::assert_snapshot!(format!("puppetfile-{name}"), rendered(&path, &text, &found));
    }
}

/// Hostile input: every prefix of every fixture, and a few cut constructs,
/// give findings, never a panic.
#[test]
fn every_prefix_is_validated_without_panic() {
    let mut texts: Vec<String> = cases()
        .iter()
        .map(|c| std::fs::read_to_string(c.join("Puppetfile")).expect("fixture"))
        .collect();
    texts.extend(
        [
            "mod",
            "mod 'a', {",
            "mod 'a', :git => <<~EOS\n",
            "mod \"#{",
            "mod 'a', :install_path => '/'",
            "mod 'a', :install_path => ''",
            "mod 'é/ü', '1.0.0'",
            "mod 'a', :type => 'forge', :version => \"1.0.0\\n\"",
            "loop { mod 'a' }",
            "def mod(*) = 1\nmod",
        ]
        .map(String::from),
    );
    for text in &texts {
        for (at, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            let _ = puppetfile::validate("Puppetfile", &text[..at]);
        }
    }
}

// ------------------------------------------------------------ conformance

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The `n`th line (from 0) removed, or duplicated.
fn line_edit(text: &str, n: usize, duplicate: bool) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line = lines.get(n)?;
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i != n || duplicate {
            out.push_str(l);
        }
        if i == n && duplicate {
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    Some(out)
}

/// The `k`th occurrence of `from` replaced by `to`.
fn replace_nth(text: &str, from: &str, to: &str, k: usize) -> Option<String> {
    let (i, _) = text.match_indices(from).nth(k)?;
    Some(format!("{}{to}{}", &text[..i], &text[i + from.len()..]))
}

/// Deterministic mutations of one Puppetfile, by name.
fn mutations(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![("original".into(), text.to_string())];
    for (i, frac) in [(1, 4), (1, 2), (2, 3), (9, 10)].iter().enumerate() {
        let at = floor_boundary(text, text.len() * frac.0 / frac.1);
        out.push((format!("truncated-{i}"), text[..at].to_string()));
    }
    let lines = text.lines().count();
    for n in 0..lines.min(12) {
        if let Some(t) = line_edit(text, n, true) {
            out.push((format!("line-{n}-twice"), t));
        }
        if let Some(t) = line_edit(text, n, false) {
            out.push((format!("line-{n}-removed"), t));
        }
    }
    let swaps: &[(&str, &str, &str)] = &[
        ("no-comma", ",", ""),
        ("no-quote", "'", ""),
        ("no-double-quote", "\"", ""),
        ("no-arrow", "=>", ""),
        ("colon-removed", ":", ""),
        ("git-to-svn", ":git", ":svn"),
        ("git-to-string", ":git", "'git'"),
        ("git-to-typo", ":git", ":gti"),
        ("branch-to-tag", ":branch", ":tag"),
        ("branch-to-typo", ":branch", ":brnch"),
        ("ref-to-version", ":ref", ":version"),
        ("tag-to-checksum", ":tag", ":checksum"),
        ("local-to-false", ":local => true", ":local => false"),
        ("latest-to-newest", ":latest", ":newest"),
        ("slash-to-dot", "/", "."),
        ("slash-to-dash", "/", "-"),
        ("mod-to-module", "mod ", "module "),
        ("mod-to-mods", "mod ", "mods "),
        ("forge-to-source", "forge ", "source "),
        ("version-short", ".0'", "'"),
        ("version-v", "'1", "'v1"),
        ("version-leading-zero", "'2", "'02"),
        ("moduledir-number", "moduledir 'modules'", "moduledir 7"),
        ("type-to-hg", ":type => 'tarball'", ":type => 'hg'"),
        ("do-removed", " do", ""),
        ("end-removed", "end", ""),
        ("paren-added", "mod ", "mod("),
    ];
    for (name, from, to) in swaps {
        for k in [0, 1, 3] {
            if let Some(t) = replace_nth(text, from, to, k) {
                out.push((format!("{name}-{k}"), t));
            }
        }
    }
    let added: &[(&str, &str)] = &[
        (
            "unknown-option",
            "mod 'extra', :git => 'https://git.example.test/extra.git', :colour => 'blue'\n",
        ),
        (
            "tarball-unknown-option",
            "mod 'extra', :type => 'tarball', :source => 'x', :colour => 'blue'\n",
        ),
        ("forge-no-owner", "mod 'extra', '1.0.0'\n"),
        ("metadata", "metadata\n"),
        (
            "install-path-up",
            "mod 'extra', :local => true, :install_path => '../x'\n",
        ),
        (
            "install-path-absolute",
            "mod 'extra', :local => true, :install_path => '/opt/x'\n",
        ),
        (
            "install-path-inside",
            "mod 'extra', :local => true, :install_path => 'vendor/x'\n",
        ),
        ("three-arguments", "mod 'extra/x', '1.0.0', {}\n"),
        ("no-arguments", "mod\n"),
        ("name-symbol", "mod :extra, :local => true\n"),
        ("version-number", "mod 'extra/x', 1\n"),
        ("version-symbol", "mod 'extra/x', :present\n"),
        ("git-nil", "mod 'extra', :git => nil\n"),
        (
            "kwargs",
            "mod 'extra', git: 'https://git.example.test/extra.git', default_branch: 'main'\n",
        ),
        ("pattern-line", "mod 'extra', :local => true,\n:colour => 'blue'\n"),
        ("raise", "raise ArgumentError, 'stop'\n"),
    ];
    for (name, line) in added {
        out.push((format!("added-{name}"), format!("{text}{line}")));
        out.push((format!("prepended-{name}"), format!("{line}{text}")));
    }
    let mut seen = BTreeSet::new();
    out.retain(|(_, t)| seen.insert(t.clone()));
    out
}

/// What r10k said of one file.
#[derive(Debug)]
struct Verdict {
    ok: bool,
    class: String,
    message: String,
    line: Option<usize>,
}

fn oracle(files: &[PathBuf]) -> BTreeMap<PathBuf, Verdict> {
    let script = root().join("tests/oracle/r10k_puppetfile_check.rb");
    let mut child = Command::new("ruby")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("ruby runs (install the oracles: bash ../shared/oracles/install.sh)");
    let list: String = files.iter().map(|p| format!("{}\n", p.display())).collect();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(list.as_bytes()));
    let out = child.wait_with_output().expect("oracle output");
    writer.join().expect("writer").expect("paths written");
    assert!(out.status.success(), "the r10k driver failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("a driver line is JSON");
            let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            (
                PathBuf::from(text("file")),
                Verdict {
                    ok: v["ok"].as_bool().unwrap_or(false),
                    class: text("class"),
                    message: text("message"),
                    line: v["line"].as_u64().map(|l| l as usize),
                },
            )
        })
        .collect()
}

/// Puppetfiles on this machine outside the repository (real projects under
/// /tmp/realworld, installed software): measured in place, never copied.
fn found_on_this_machine() -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack: Vec<(PathBuf, usize)> = ["/tmp/realworld", "/usr/share", "/opt", "/srv", "/home", "/root"]
        .iter()
        .map(|p| (PathBuf::from(p), 0))
        .collect();
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() && depth < 8 && !p.starts_with(root()) {
                stack.push((p, depth + 1));
            } else if kind.is_file() && e.file_name() == "Puppetfile" {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

#[test]
#[ignore = "needs r10k 3.15.4 (oracles): run by .ci/run"]
fn agrees_with_r10k_puppetfile_check() {
    let version = Command::new("r10k").arg("version").output();
    let version = version.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    assert!(
        version.as_deref().is_ok_and(|v| v.contains("3.15.4")),
        "r10k 3.15.4 is not installed ({version:?}): install the oracles (bash ../shared/oracles/install.sh)"
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("validate-puppetfile");
    let _ = std::fs::remove_dir_all(&dir);
    let mut sources: Vec<(String, String)> = cases()
        .iter()
        .map(|c| {
            let name = c.file_name().unwrap_or_default().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(c.join("Puppetfile")).expect("fixture"))
        })
        .collect();
    let real = found_on_this_machine();
    for (i, p) in real.iter().enumerate() {
        if let Ok(text) = std::fs::read_to_string(p) {
            sources.push((format!("real-{i}"), text));
        }
    }
    // Each file in a directory of its own: r10k reads the Puppetfile's directory.
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut written = BTreeSet::new();
    for (case, text) in &sources {
        for (mutation, mutated) in mutations(text) {
            if !written.insert(mutated.clone()) {
                continue;
            }
            let file = dir.join(case).join(&mutation).join("Puppetfile");
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mutation dir");
            std::fs::write(&file, &mutated).expect("mutation written");
            files.push((file, mutated));
        }
    }
    let list: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let verdicts = oracle(&list);
    assert_eq!(verdicts.len(), list.len(), "a verdict per file");
    // Ten files, spread over the mutations, through the command itself.
    for (file, _) in files.iter().step_by(files.len() / 10 + 1) {
        let out = Command::new("r10k")
            .args(["puppetfile", "check"])
            .current_dir(file.parent().expect("dir"))
            .output()
            .expect("r10k runs");
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            said.contains("Syntax OK"),
            verdicts[file].ok,
            "{}: the command says {said:?}",
            file.display()
        );
    }
    let (mut same, mut lines_compared, mut lines_same, mut rejected_r10k, mut rejected_us) = (0, 0, 0, 0, 0);
    let mut differences = Vec::new();
    for (file, text) in &files {
        let v = &verdicts[file];
        let found = puppetfile::validate(&file.display().to_string(), text);
        let first = found.iter().find(|d| d.severity == Severity::Error);
        let ours = first.is_some();
        rejected_r10k += usize::from(!v.ok);
        rejected_us += usize::from(ours);
        same += usize::from(ours != v.ok);
        let source = SourceFile::new(file.display().to_string(), text.as_str());
        let our_line = first.and_then(|d| d.span).map(|s| source.line_col(s.start as usize).0);
        let line_differs = match (v.line, our_line) {
            (Some(theirs), Some(ours)) => {
                lines_compared += 1;
                lines_same += usize::from(theirs == ours);
                theirs != ours
            }
            _ => false,
        };
        if ours == v.ok || line_differs {
            let rel = file.strip_prefix(&dir).unwrap_or(file);
            differences.push(format!(
                "{}\n  r10k: {}\n  ours: {}",
                rel.display(),
                if v.ok {
                    "Syntax OK".to_string()
                } else {
                    format!("{} at line {:?}: {}", v.class, v.line, v.message)
                },
                first.map_or("no error".to_string(), |d| format!(
                    "[{}] at line {:?}: {}",
                    d.code, our_line, d.message
                )),
            ));
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    let verdicts_pct = pct(same, files.len());
    let lines_pct = pct(lines_same, lines_compared);
    let report = format!(
        "{} Puppetfiles ({} fixtures, {} found on this machine, and their mutations): rejected by r10k {}, by us {}; \
         verdicts agree {:.2}% ({} differ); first error's line {}/{} ({:.2}%)",
        files.len(),
        cases().len(),
        real.len(),
        rejected_r10k,
        rejected_us,
        verdicts_pct,
        files.len() - same,
        lines_same,
        lines_compared,
        lines_pct,
    );
    println!("{report}");
    for d in &differences {
        println!("{d}");
    }
    assert!(
        verdicts_pct >= 99.5,
        "verdict agreement {verdicts_pct:.2}% < 99.5%:\n{report}"
    );
    assert!(
        lines_pct >= 95.0,
        "first-error line agreement {lines_pct:.2}% < 95%:\n{report}"
    );
}

/// A command (a call without parentheses) beside other arguments is Ruby's
/// syntax error; in parentheses, or alone, it is an argument.
#[test]
fn commands_beside_arguments_as_ruby_judges_them() {
    let syntax = |text: &str| {
        puppetfile::validate("Puppetfile", text)
            .iter()
            .any(|d| d.code == "puppetfile-syntax-error")
    };
    for bad in [
        "mod 'a/b', mod 'c/d'\n",
        "mod 'a', :git => x 'u'\n",
        "mod 'a', 'b'.c 'd'\n",
    ] {
        assert!(syntax(bad), "{bad}");
    }
    for good in [
        "mod 'a/b', (format '%s', '1.0.0')\n",
        "mod format '%s', 'a/b'\n",
        "mod 'a/b', format('%s', '1.0.0')\n",
        "[1].each do |v| mod 'a/b', '1.0.0' end\n",
    ] {
        assert!(!syntax(good), "{good}");
    }
}
