//! Hiera data and `hiera.yaml` validation, by example and against puppet-syntax.
//!
//! By example: each case under `fixtures/validate/hiera/<case>/` holds one
//! file: `data.yaml` (checked as Hiera data; with `keys` in the case's name,
//! with puppet-syntax's optional key check on) or `hiera.yaml` (checked as a
//! Hiera config). Its findings are the snapshot `validate_hiera__hiera-<case>.snap`.
//! A case whose name starts with `clean` has none.
//!
//! Against the oracle: every YAML file under the `data/` directories of
//! Debian's Puppet modules and every `hiera*.yaml` among them, and mutations
//! of each (truncation, bad indentation, a tab, an unclosed quote or bracket,
//! odd keys, bad interpolations, malformed eyaml blocks, a date, an alias, …),
//! written under the target directory. puppet-syntax 3.2.1's Hiera check
//! judges each file, all in one Ruby process. The files each rejects must
//! agree on at least 99.5%; the first finding (its line for a YAML syntax
//! error, its words otherwise) on at least 95% of those both reject. Only the
//! findings puppet-syntax also makes count: the Hiera 5 schema of
//! `hiera.yaml` (`hiera-config-*`) is ours alone. Ignored in plain
//! `cargo test`, run by `.ci/run`, failing loudly without the oracle.

use puppetlift::validate::hiera::{self, Options};
use puppetlift::{Diagnostic, SourceFile};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;
use common::{rendered, root};

#[test]
fn fixtures() {
    let dir = root().join("fixtures/validate/hiera");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/validate/hiera")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() > 10, "fixtures under {}", dir.display());
    for case in cases {
        let name = case.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let config = case.join("hiera.yaml").exists();
        let file = if config { "hiera.yaml" } else { "data.yaml" };
        let path = format!("fixtures/validate/hiera/{name}/{file}");
        let text = std::fs::read_to_string(root().join(&path)).expect("fixture");
        let found = if config {
            hiera::validate_config(&path, &text)
        } else {
            let options = Options {
                check_hiera_keys: name.contains("keys"),
            };
            hiera::validate_data_with(&path, &text, options)
        };
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
        insta::assert_snapshot!(format!("hiera-{name}"), rendered(&path, &text, &found));
    }
}

#[test]
fn syntax_error_is_placed_where_psych_says() {
    // Psych: "mapping values are not allowed in this context at line 2 column 3".
    let text = "a: 1\n b: 2\n";
    let found = hiera::validate_data("d.yaml", text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, "hiera-yaml-syntax");
    assert_eq!(found[0].span.map(|s| s.start), Some(7));
}

#[test]
fn empty_and_comment_only_files_are_clean() {
    for text in ["", "---\n", "# nothing\n", "~\n", "false\n"] {
        assert!(hiera::validate_data("d.yaml", text).is_empty(), "{text:?}");
    }
}

// ------------------------------------------------------------ conformance

const CORPUS: &str = "/usr/share/puppet/modules.available";

/// The corpus: YAML under each module's `data/`, and each `hiera*.yaml`.
fn corpus() -> Vec<PathBuf> {
    fn walk(dir: &Path, in_data: bool, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().unwrap_or_default().to_string_lossy().into_owned();
            if p.is_dir() {
                walk(&p, in_data || name == "data", out);
            } else if (in_data && (name.ends_with(".yaml") || name.ends_with(".yml")))
                || (name.starts_with("hiera") && name.ends_with(".yaml"))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(CORPUS), false, &mut out);
    out
}

/// A mutation: its name and what it makes of a file's text (`None` when it does not apply).
type Mutation = (&'static str, fn(&str) -> Option<String>);

fn cut_at_char(text: &str, mut at: usize) -> &str {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

/// The index of the first line that is indented content.
fn first_indented(lines: &[&str]) -> Option<usize> {
    lines
        .iter()
        .position(|l| l.starts_with("  ") && !l.trim_start().starts_with('#') && !l.trim().is_empty())
}

fn edit_lines(text: &str, f: impl FnOnce(&mut Vec<String>) -> Option<()>) -> Option<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    f(&mut lines)?;
    Some(lines.join("\n") + "\n")
}

const MUTATIONS: [Mutation; 22] = [
    ("truncated-half", |t| {
        (t.len() > 8).then(|| cut_at_char(t, t.len() / 2).to_string())
    }),
    ("truncated-third", |t| {
        (t.len() > 8).then(|| cut_at_char(t, t.len() / 3).to_string())
    }),
    ("bad-indent", |t| {
        edit_lines(t, |l| {
            let i = first_indented(&l.iter().map(String::as_str).collect::<Vec<_>>())?;
            l[i].insert(0, ' ');
            Some(())
        })
    }),
    ("dedent", |t| {
        edit_lines(t, |l| {
            let i = first_indented(&l.iter().map(String::as_str).collect::<Vec<_>>())?;
            l[i].remove(0);
            Some(())
        })
    }),
    ("tab", |t| {
        edit_lines(t, |l| {
            let i = first_indented(&l.iter().map(String::as_str).collect::<Vec<_>>())?;
            l[i] = format!("\t{}", l[i].trim_start());
            Some(())
        })
    }),
    ("unclosed-quote", |t| {
        Some(format!("{t}\nbroken::quote: \"never closed\n"))
    }),
    ("unclosed-single-quote", |t| {
        Some(format!("{t}\nbroken::quote: 'never closed\n"))
    }),
    ("unclosed-bracket", |t| Some(format!("{t}\nbroken::list: [a, b\n"))),
    ("unclosed-brace", |t| Some(format!("{t}\nbroken::hash: {{a: 1\n"))),
    ("leading-colons-key", |t| Some(format!("{t}\n::profile::param: 1\n"))),
    ("single-colon-key", |t| Some(format!("{t}\n\"profile:param\": 1\n"))),
    ("bad-interpolation", |t| {
        Some(format!(
            "{t}\nprofile::path: \"%{{facts.os\"\nprofile::other: \"%{{lookup('x'}}\"\n"
        ))
    }),
    ("eyaml-unterminated", |t| {
        Some(format!("{t}\nprofile::secret: ENC[PKCS7,TWFuTWFu\n"))
    }),
    ("eyaml-method", |t| {
        Some(format!("{t}\nprofile::secret: ENC[RSA,TWFuTWFu]\n"))
    }),
    ("eyaml-unpadded", |t| {
        Some(format!("{t}\nprofile::secret: ENC[PKCS7,TWFuTWF]\n"))
    }),
    ("eyaml-corrupt", |t| {
        Some(format!("{t}\nprofile::secret: ENC[PKCS7,TW!uTW*u]\n"))
    }),
    ("eyaml-nested", |t| {
        Some(format!(
            "{t}\nprofile::users:\n  alice:\n    - ok\n    - ENC[GPG,TWFuT=Fu]\n"
        ))
    }),
    ("eyaml-block", |t| {
        Some(format!(
            "{t}\nprofile::key: >\n  ENC[PKCS7,TWFu\n  TWFuTWF]\nprofile::good: ENC[PKCS7,TWFu]\n"
        ))
    }),
    ("date-value", |t| Some(format!("{t}\nprofile::since: 2024-02-29\n"))),
    ("alias", |t| {
        Some(format!("{t}\nprofile::a: &shared [1]\nprofile::b: *shared\n"))
    }),
    ("scalar-document", |_| Some("just a string\n".to_string())),
    ("duplicate-key-fixed", |t| {
        Some(format!("{t}\nprofile::dup: ENC[PKCS7,TWFu\nprofile::dup: fine\n"))
    }),
];

/// One file's verdict: rejected, and the first finding's line (syntax
/// errors) or words (everything else).
#[derive(Debug, Clone, PartialEq)]
struct Verdict {
    rejected: bool,
    first: Option<String>,
}

fn ours(path: &Path) -> Verdict {
    let text = std::fs::read_to_string(path).expect("read");
    let name = path.to_string_lossy();
    let is_config = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("hiera"));
    let found: Vec<Diagnostic> = if is_config {
        hiera::validate_config(&name, &text)
            .into_iter()
            .filter(|d| !d.code.starts_with("hiera-config-"))
            .collect()
    } else {
        hiera::validate_data(&name, &text)
    };
    let first = found.first().map(|d| {
        if d.code == "hiera-yaml-syntax" {
            let source = SourceFile::new(&*name, &*text);
            let (line, _) = source.line_col(d.span.map_or(0, |s| s.start as usize));
            format!("line {line}")
        } else if d.code == "hiera-not-a-hash" || (d.code == "hiera-eyaml" && d.message.contains("empty eyaml")) {
            // puppet-syntax itself stops on these.
            "crash".to_string()
        } else {
            // The words puppet-syntax uses.
            let m = d.message.trim_start_matches("failed to parse YAML: ");
            m.split(" (Psych").next().unwrap_or(m).to_string()
        }
    });
    Verdict {
        rejected: !found.is_empty(),
        first,
    }
}

fn oracle_verdict(line: &Value) -> Verdict {
    let path = line["path"].as_str().unwrap_or_default();
    let errors: Vec<&str> = line["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let crashed = !line["crash"].is_null();
    let first = if crashed && errors.is_empty() {
        Some("crash".to_string())
    } else {
        errors.first().map(|e| {
            let e = e
                .trim_start_matches(&format!("ERROR: Failed to parse {path}: "))
                .trim_start_matches(&format!("WARNING: {path}: "));
            match e.rfind(" at line ") {
                Some(i) if e.starts_with('(') => {
                    let n: String = e[i + 9..].chars().take_while(char::is_ascii_digit).collect();
                    format!("line {n}")
                }
                _ => e.to_string(),
            }
        })
    };
    Verdict {
        rejected: !errors.is_empty() || crashed,
        first,
    }
}

#[test]
#[ignore = "needs puppet-syntax (oracle): run by .ci/run"]
fn conformance_with_puppet_syntax() {
    let probe = Command::new("ruby")
        .args(["-e", "require 'puppet-syntax'; print PuppetSyntax::VERSION"])
        .output()
        .expect("ruby is needed for the oracle");
    assert!(
        probe.status.success(),
        "puppet-syntax is needed for the oracle: {}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let originals = corpus();
    assert!(originals.len() > 40, "corpus under {CORPUS}: {}", originals.len());
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hiera-conformance");
    let _ = std::fs::remove_dir_all(&out);
    let mut files = Vec::new();
    for (i, original) in originals.iter().enumerate() {
        let text = std::fs::read_to_string(original).expect("corpus file");
        let file_name = original.file_name().unwrap_or_default().to_string_lossy().into_owned();
        files.push(original.clone());
        for (name, mutate) in MUTATIONS {
            let Some(mutated) = mutate(&text) else { continue };
            let dir = out.join(format!("{i:03}-{name}"));
            std::fs::create_dir_all(&dir).expect("mkdir");
            let path = dir.join(&file_name);
            std::fs::write(&path, mutated).expect("write");
            files.push(path);
        }
    }
    let mut child = Command::new("ruby")
        .arg(root().join("tests/oracle/puppet_syntax_hiera.rb"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("ruby");
    // Paths are written from a thread: the oracle answers while it reads.
    let mut stdin = child.stdin.take().expect("stdin");
    let paths: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
    let writer = std::thread::spawn(move || stdin.write_all(paths.as_bytes()));
    let output = child.wait_with_output().expect("oracle");
    writer.join().expect("writer").expect("write paths");
    assert!(output.status.success(), "oracle failed");
    let oracle: BTreeMap<String, Verdict> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| (v["path"].as_str().unwrap_or_default().to_string(), oracle_verdict(&v)))
        .collect();
    assert_eq!(oracle.len(), files.len(), "one oracle line per file");
    let (mut same_verdict, mut both, mut same_first) = (0, 0, 0);
    let mut differences = Vec::new();
    for f in &files {
        let theirs = &oracle[&f.display().to_string()];
        let mine = ours(f);
        if mine.rejected == theirs.rejected {
            same_verdict += 1;
        } else {
            differences.push(format!(
                "verdict {}: ours {mine:?}, puppet-syntax {theirs:?}",
                f.display()
            ));
        }
        if mine.rejected && theirs.rejected {
            both += 1;
            if mine.first == theirs.first {
                same_first += 1;
            } else {
                differences.push(format!(
                    "first {}: ours {:?}, puppet-syntax {:?}",
                    f.display(),
                    mine.first,
                    theirs.first
                ));
            }
        }
    }
    let rejected = oracle.values().filter(|v| v.rejected).count();
    let verdicts = same_verdict as f64 / files.len() as f64;
    let firsts = if both == 0 {
        1.0
    } else {
        same_first as f64 / both as f64
    };
    println!(
        "{} files ({} originals), puppet-syntax rejects {rejected}; same verdict {same_verdict} ({:.2}%); \
         first finding agrees on {same_first} of {both} both reject ({:.2}%)",
        files.len(),
        originals.len(),
        verdicts * 100.0,
        firsts * 100.0
    );
    for d in &differences {
        println!("  {d}");
    }
    assert!(verdicts >= 0.995, "verdicts agree on {:.2}%", verdicts * 100.0);
    assert!(firsts >= 0.95, "first findings agree on {:.2}%", firsts * 100.0);
}

/// Hostile input: every prefix of every fixture, data and config, gives
/// findings, never a panic.
#[test]
fn every_prefix_is_validated_without_panic() {
    let dir = root().join("fixtures/validate/hiera");
    for case in std::fs::read_dir(&dir).expect("fixtures").flatten() {
        for file in ["data.yaml", "hiera.yaml"] {
            let Ok(text) = std::fs::read_to_string(case.path().join(file)) else {
                continue;
            };
            for (at, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                let _ = hiera::validate_data("data.yaml", &text[..at]);
                let _ = hiera::validate_config("hiera.yaml", &text[..at]);
            }
        }
    }
    for odd in [
        "\t",
        "- [",
        "a: &x [*x]",
        "? ",
        "!!binary x",
        "a: |\n b\n\tc",
        "%YAML 1.2\n---",
        "\u{feff}a: 1",
    ] {
        let _ = hiera::validate_data("data.yaml", odd);
        let _ = hiera::validate_config("hiera.yaml", odd);
    }
}
