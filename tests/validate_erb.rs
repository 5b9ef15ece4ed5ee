//! ERB template validation, by example and against `erb -P -x -T - | ruby -c`.
//!
//! By example: each `fixtures/validate/erb/<case>.erb` is validated; its
//! findings are the snapshot `validate_erb__erb-<case>.snap`. A case whose
//! name starts with `clean` has none.
//!
//! Against the oracle: every `.erb` file of Debian's Puppet modules, and
//! mutations of each (truncated, a tag left open or closed twice, an `end`
//! dropped, `<%` and `%>` swapped, `-%>` doubled, ...), written under the
//! target directory. Ruby 3.1's ERB compiles each and Ruby's parser reads the
//! result, all in one process (`tests/oracle/erb_ruby_c.rb`), checked against
//! the real command line on a sample. Verdicts must agree on at least 99.5%
//! of the files, the first error's template line on at least 95% of those
//! both reject. Ignored in plain `cargo test`, run by `.ci/run`, failing
//! loudly without the oracle.

use puppetlift::validate::erb;
use puppetlift::{Diagnostic, SourceFile};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;
use common::{rendered, root};

fn fixtures() -> Vec<PathBuf> {
    let dir = root().join("fixtures/validate/erb");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/validate/erb")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "erb"))
        .collect();
    cases.sort();
    cases
}

#[test]
fn fixtures_snapshots() {
    let cases = fixtures();
    assert!(cases.len() > 10, "fixtures under fixtures/validate/erb");
    for case in cases {
        let name = case.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let path = format!("fixtures/validate/erb/{name}.erb");
        let text = std::fs::read_to_string(&case).expect("fixture");
        let found = erb::validate(&path, &text);
        if name.starts_with("clean") {
            assert!(found.is_empty(), "{}", rendered(&path, &text, &found));
        } else {
            assert!(!found.is_empty(), "{name}: no findings");
        }
        for d in &found {
            let span = d.span.expect("every finding has a place").range();
            assert!(
                span.end <= text.len() && text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{name}: {span:?}"
            );
        }
        insta::assert_snapshot!(format!("erb-{name}"), rendered(&path, &text, &found));
    }
}

/// The line of the first finding, 1-based, in the template.
fn first_line(text: &str, found: &[Diagnostic]) -> Option<usize> {
    let d = found.first()?;
    let source = SourceFile::new("t.erb", text);
    Some(source.line_col(d.span.map_or(0, |s| s.start as usize)).0)
}

#[test]
fn errors_are_placed_in_the_template() {
    // The `#coding` line ERB adds and a comment's dropped lines are undone.
    let text = "<%# two\n lines %>\n<% if a %>\n<%= b %>\n<% else x %>\n<% end %>\n<% end %>\n";
    let found = erb::validate("t.erb", text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, "erb-syntax-error");
    assert_eq!(first_line(text, &found), Some(7));
}

#[test]
fn trimmed_and_literal_tags_are_clean() {
    for text in [
        "",
        "plain text\n",
        "<%% not code %%>\n",
        "  <%- if x -%>\n  y\n  <%- end -%>\n",
        "<%= [1,\n 2].join %>\n",
        "<% a = '%%>' %><%= a %>",
        "<% if x -%>",
    ] {
        let found = erb::validate("t.erb", text);
        if text == "<% if x -%>" {
            assert_eq!(first_line(text, &found), Some(1), "{text:?}");
        } else {
            assert!(found.is_empty(), "{text:?}: {found:?}");
        }
    }
}

/// Hostile input: every prefix of every fixture gives findings, never a panic.
#[test]
fn every_prefix_is_validated_without_panic() {
    for case in fixtures() {
        let text = std::fs::read_to_string(&case).expect("fixture");
        for (at, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            let _ = erb::validate("t.erb", &text[..at]);
        }
    }
    for odd in [
        "<%",
        "%>",
        "<%-",
        "-%>",
        "<%%",
        "%%>",
        "<%#",
        "<%=",
        "<%#%>",
        "<%# coding: x %>",
        "<%#-*- coding: é -*-%>",
        "\r\n<%- x -%>\r\n",
        "\u{feff}<% é %>",
        "<%= \"#{\" %>",
        "<%= <<X %>\nX\n",
    ] {
        let _ = erb::validate("t.erb", odd);
    }
}

// ------------------------------------------------------------ conformance

const CORPUS: &str = "/usr/share/puppet/modules.available";

fn corpus() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(CORPUS)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "erb"))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// A mutation: its name and what it makes of a template (`None` when it does not apply).
type Mutation = (&'static str, fn(&str) -> Option<String>);

fn cut_at_char(text: &str, mut at: usize) -> &str {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

/// `text` with the `n`-th (from 0) occurrence of `from` replaced by `to`.
fn replace_nth(text: &str, from: &str, to: &str, n: usize) -> Option<String> {
    let (i, _) = text.match_indices(from).nth(n)?;
    Some(format!("{}{to}{}", &text[..i], &text[i + from.len()..]))
}

/// `text` with the last occurrence of `from` replaced by `to`.
fn replace_last(text: &str, from: &str, to: &str) -> Option<String> {
    let i = text.rfind(from)?;
    Some(format!("{}{to}{}", &text[..i], &text[i + from.len()..]))
}

const MUTATIONS: [Mutation; 16] = [
    ("truncated-half", |t| {
        (t.len() > 8).then(|| cut_at_char(t, t.len() / 2).to_string())
    }),
    ("truncated-third", |t| {
        (t.len() > 8).then(|| cut_at_char(t, t.len() / 3).to_string())
    }),
    ("no-last-end", |t| replace_last(t, "end", "")),
    ("no-first-end", |t| replace_nth(t, "end", "", 0)),
    ("first-close-dropped", |t| replace_nth(t, "%>", "", 0)),
    ("last-close-dropped", |t| replace_last(t, "%>", "")),
    ("first-open-dropped", |t| replace_nth(t, "<%", "", 0)),
    ("tags-swapped", |t| {
        let a = replace_nth(t, "<%", "\u{0}", 0)?;
        let b = replace_nth(&a, "%>", "<%", 0)?;
        Some(b.replacen('\u{0}', "%>", 1))
    }),
    ("trim-doubled", |t| replace_nth(t, "-%>", "-%> -%>", 0)),
    ("insert-as-code", |t| replace_nth(t, "<%=", "<%", 0)),
    ("code-as-insert", |t| replace_nth(t, "<% ", "<%= ", 0)),
    ("comment-opened", |t| replace_nth(t, "<% ", "<%# ", 0)),
    ("extra-end", |t| Some(format!("{t}<% end %>\n"))),
    ("unclosed-paren", |t| replace_nth(t, "<%= ", "<%= (", 0)),
    ("unclosed-string", |t| replace_nth(t, "<%= ", "<%= \"", 0)),
    ("stray-do", |t| replace_nth(t, "%>", " do %>", 0)),
];

/// One file's verdict: rejected, and the template line of the first error.
#[derive(Debug, Clone, PartialEq)]
struct Verdict {
    rejected: bool,
    line: Option<usize>,
}

fn ours(path: &Path) -> Verdict {
    let text = std::fs::read_to_string(path).expect("read");
    let found = erb::validate(&path.to_string_lossy(), &text);
    Verdict {
        rejected: !found.is_empty(),
        line: first_line(&text, &found),
    }
}

/// The oracle's answers per file: (rejected, template line, generated line, message).
fn oracle(files: &[PathBuf], pipeline: bool) -> BTreeMap<String, (bool, String, String, String)> {
    let mut command = Command::new("ruby");
    command.arg(root().join("tests/oracle/erb_ruby_c.rb"));
    if pipeline {
        command.arg("--pipeline");
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ruby");
    // Paths are written from a thread: the oracle answers while it reads.
    let mut stdin = child.stdin.take().expect("stdin");
    let paths: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
    let writer = std::thread::spawn(move || stdin.write_all(paths.as_bytes()));
    let output = child.wait_with_output().expect("oracle");
    writer.join().expect("writer").expect("write paths");
    assert!(output.status.success(), "oracle failed");
    let mut out = BTreeMap::new();
    let mut file = String::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Some(f) = line.strip_prefix("FILE ") {
            file = f.to_string();
        } else if line == "OK" {
            out.insert(file.clone(), (false, String::new(), String::new(), String::new()));
        } else if let Some(rest) = line.strip_prefix("ERROR\t") {
            let mut parts = rest.splitn(3, '\t');
            let mut next = || parts.next().unwrap_or_default().to_string();
            let (template, generated, message) = (next(), next(), next());
            out.insert(file.clone(), (true, template, generated, message));
        }
    }
    out
}

#[test]
#[ignore = "needs ruby 3.1 and erb (oracles): run by .ci/run"]
fn conformance_with_erb_and_ruby_c() {
    for tool in ["ruby", "erb"] {
        let ok = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success() || !o.stderr.is_empty());
        assert!(
            ok,
            "{tool} is needed for the oracle: run `bash ../shared/oracles/install.sh`"
        );
    }
    let originals = corpus();
    assert!(originals.len() > 300, "corpus under {CORPUS}: {}", originals.len());
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("erb-conformance");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("mkdir");
    let mut files = Vec::new();
    for (i, original) in originals.iter().enumerate() {
        let text = std::fs::read_to_string(original).expect("corpus file");
        files.push(original.clone());
        for (name, mutate) in MUTATIONS {
            let Some(mutated) = mutate(&text) else { continue };
            if mutated == text {
                continue;
            }
            let path = out.join(format!("{i:03}-{name}.erb"));
            std::fs::write(&path, mutated).expect("write");
            files.push(path);
        }
    }
    let theirs = oracle(&files, false);
    assert_eq!(theirs.len(), files.len(), "one oracle answer per file");

    // The one-process oracle against the real command line, on a sample.
    let sample: Vec<PathBuf> = files.iter().step_by(25).cloned().collect();
    let real = oracle(&sample, true);
    let unfaithful: Vec<String> = sample
        .iter()
        .filter_map(|f| {
            let key = f.display().to_string();
            let (a, b) = (&theirs[&key], &real[&key]);
            (a.0 != b.0 || a.2 != b.2).then(|| format!("{key}: in process {a:?}, command line {b:?}"))
        })
        .collect();
    assert!(
        unfaithful.is_empty(),
        "the oracle differs from `erb | ruby -c`:\n{}",
        unfaithful.join("\n")
    );

    let (mut same_verdict, mut both, mut same_line) = (0, 0, 0);
    let mut differences = Vec::new();
    for f in &files {
        let key = f.display().to_string();
        let (rejected, line, _, message) = &theirs[&key];
        let mine = ours(f);
        if mine.rejected == *rejected {
            same_verdict += 1;
        } else {
            differences.push(format!(
                "verdict {key}: ours {mine:?}, Ruby {rejected} line {line} {message}"
            ));
        }
        if mine.rejected && *rejected {
            both += 1;
            if mine.line.map(|l| l.to_string()).as_deref() == Some(line.as_str()) {
                same_line += 1;
            } else {
                differences.push(format!("line {key}: ours {:?}, Ruby {line} {message}", mine.line));
            }
        }
    }
    let rejected = theirs.values().filter(|v| v.0).count();
    let verdicts = same_verdict as f64 / files.len() as f64;
    let lines = if both == 0 { 1.0 } else { same_line as f64 / both as f64 };
    println!(
        "{} files ({} originals), Ruby rejects {rejected}; same verdict {same_verdict} ({:.2}%); \
         first error's line agrees on {same_line} of {both} both reject ({:.2}%); \
         oracle = command line on {} sampled",
        files.len(),
        originals.len(),
        verdicts * 100.0,
        lines * 100.0,
        sample.len()
    );
    for d in &differences {
        println!("  {d}");
    }
    assert!(verdicts >= 0.995, "verdicts agree on {:.2}%", verdicts * 100.0);
    assert!(lines >= 0.95, "first error lines agree on {:.2}%", lines * 100.0);
}

/// Large and deep templates finish, with a finding or none, never a crash.
/// Nesting deeper than the Ruby front end's limit is a finding of its own
/// (`nesting-too-deep`), though Ruby accepts it.
#[test]
fn large_and_deep_templates_are_bounded() {
    let many_tags = "<%= x %>\n".repeat(2_000);
    assert!(erb::validate("t.erb", &many_tags).is_empty());
    let deep = format!("{}{}", "<% if x %>".repeat(5_000), "<% end %>".repeat(5_000));
    let found = erb::validate("t.erb", &deep);
    assert_eq!(found.first().map(|d| d.code), Some("nesting-too-deep"));
    let huge_text = "é\"#{}\\ text\n".repeat(100_000);
    let found = erb::validate("t.erb", &huge_text);
    assert_eq!(found.first().map(|d| d.code), Some("erb-too-large"));
    let never_closed = "<% x = \"".repeat(50_000);
    assert!(erb::validate("t.erb", &never_closed).is_empty());
}
