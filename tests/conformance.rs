//! Conformance with the oracles (Puppet 7.23 itself). These need the oracles that
//! `bash ../shared/oracles/install.sh` installs, so plain `cargo test` skips them
//! and `.ci/run` runs them with `--include-ignored`; without the oracles they fail
//! loudly rather than pass on nothing.

mod common;
use common::Rng;
use std::path::{Path, PathBuf};
use std::process::Command;

const CORPUS: &str = "/usr/share/puppet/modules.available";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn oracle_script(name: &str) -> PathBuf {
    let p = root().join("../shared/oracles").join(name);
    assert!(
        p.exists(),
        "oracle script {} missing: is ../shared checked out?",
        p.display()
    );
    p
}

fn require_tool(tool: &str) {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "{tool} is not installed: run `bash ../shared/oracles/install.sh`");
}

fn puppetlift() -> Command {
    Command::new(env!("CARGO_BIN_EXE_puppetlift"))
}

/// Runs puppet-pn.rb and `puppetlift parse --pn` on `paths`, then pn-agreement.py.
fn pn_agreement(paths: &[PathBuf], min: &str, work: &Path) -> String {
    require_tool("ruby");
    require_tool("puppet");
    let list: String = paths.iter().map(|p| format!("{}\n", p.display())).collect();
    let oracle = work.join("oracle.jsonl");
    let ours = work.join("ours.jsonl");
    let mut child = Command::new("ruby")
        .arg(oracle_script("puppet-pn.rb"))
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::fs::File::create(&oracle).expect("oracle output"))
        .spawn()
        .expect("ruby runs");
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(list.as_bytes())
            .expect("paths written");
    }
    assert!(child.wait().expect("oracle finished").success(), "puppet-pn.rb failed");
    let out = puppetlift()
        .arg("parse")
        .arg("--pn")
        .args(paths)
        .output()
        .expect("puppetlift runs");
    std::fs::write(&ours, &out.stdout).expect("our output");
    let cmp = Command::new("python3")
        .arg(oracle_script("pn-agreement.py"))
        .args([&oracle, &ours])
        .arg(min)
        .output()
        .expect("python3 runs");
    let report = String::from_utf8_lossy(&cmp.stdout).into_owned();
    assert!(cmp.status.success(), "PN agreement below {min}:\n{report}");
    report
}

fn pp_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "pp"))
        .collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.expect("entry").path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A test's scratch directory, removed when the test ends, passed or failed
/// (what it holds, the oracles' answers and generated files, is made again
/// on the next run).
struct Workdir(PathBuf);

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl std::ops::Deref for Workdir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

fn workdir(name: &str) -> Workdir {
    let d = std::env::temp_dir().join(format!("puppetlift-conformance-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("work dir");
    Workdir(d)
}

#[test]
#[ignore = "needs puppet 7.23 and the corpus (oracles): run by .ci/run"]
fn pn_agrees_with_puppet_on_the_corpus() {
    let files = pp_files(Path::new(CORPUS));
    assert!(
        files.len() >= 1800,
        "corpus has {} manifests: run the oracle install",
        files.len()
    );
    let report = pn_agreement(&files, "0.995", &workdir("corpus"));
    println!("{report}");
}

#[test]
#[ignore = "needs puppet 7.23 (oracle): run by .ci/run"]
fn pn_agrees_with_puppet_on_our_fixtures() {
    let mut files = pp_files(&root().join("fixtures/puppet/syntax"));
    files.extend(pp_files(&root().join("fixtures/demo")));
    let report = pn_agreement(&files, "1.0", &workdir("fixtures"));
    println!("{report}");
}

/// `Syntax error at end of input` carries no position in Puppet's message.
fn position(message: &str) -> Option<(u32, u32)> {
    let at = message.rfind("line: ")?;
    let rest = &message[at + 6..];
    let (line, rest) = rest.split_once(", column: ")?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, col.parse().ok()?))
}

#[test]
#[ignore = "needs puppet 7.23 (oracle): run by .ci/run"]
fn syntax_errors_are_where_puppet_parser_validate_puts_them() {
    require_tool("puppet");
    let files = pp_files(&root().join("fixtures/puppet/errors"));
    assert!(files.len() >= 25);
    let mut mismatches = Vec::new();
    for f in &files {
        let validate = Command::new("puppet")
            .args(["parser", "validate", "--color=false"])
            .arg(f)
            .output()
            .expect("puppet runs");
        // `puppet parser validate` exits 0 on syntax errors: read stderr.
        let theirs = String::from_utf8_lossy(&validate.stderr);
        let theirs = theirs.lines().find(|l| l.contains("Error:")).unwrap_or("").to_string();
        assert!(!theirs.is_empty(), "{}: puppet found no error", f.display());
        let ours = puppetlift()
            .args(["parse", "--pn"])
            .arg(f)
            .output()
            .expect("puppetlift runs");
        let ours: serde_json::Value = serde_json::from_slice(&ours.stdout).expect("one JSON line");
        let ours = ours["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: we found no error", f.display()));
        let agree = match position(&theirs) {
            Some(pos) => position(ours) == Some(pos),
            None => theirs.contains("end of input") && ours.contains("end of input"),
        };
        if !agree {
            mismatches.push(format!("{}\n  puppet: {theirs}\n  ours:   {ours}", f.display()));
        }
    }
    assert!(mismatches.is_empty(), "positions differ:\n{}", mismatches.join("\n"));
    println!("{} syntax errors at Puppet's line and column", files.len());
}

/// Puppet's punctuation and keywords, inserted by the mutation tests.
const PUPPET_PIECES: [&str; 38] = [
    "{", "}", "[", "]", "(", ")", "\"", "'", "$", "@", "|", "<", ">", "-", "=", "~", "!", "?", ":", ";", ",", ".", "#",
    "/", "*", "\\", "\n", " ", "${", "@(", "/*", "<|", "|>", "=>", "->", "if ", "case ", "\u{e9}",
];

/// Random edits of every fifth corpus manifest, five each (deletions,
/// insertions of Puppet's punctuation and keywords, duplicated slices),
/// written under `dir`: the same files on every run.
fn write_mutants(dir: &Path) -> Vec<PathBuf> {
    let corpus = pp_files(Path::new(CORPUS));
    assert!(corpus.len() >= 1800, "run the oracle install first");
    let chosen: Vec<PathBuf> = corpus.into_iter().step_by(5).collect();
    mutate(&chosen, 5, &PUPPET_PIECES, dir, "pp")
}

/// `per_file` random edits of each of `files` (deletions, insertions of
/// `pieces`, duplicated slices) written under `dir` with extension `ext`.
fn mutate(files: &[PathBuf], per_file: usize, pieces: &[&str], dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let src = std::fs::read_to_string(f).expect("corpus file");
        let chars: Vec<char> = src.chars().collect();
        for k in 0..per_file {
            let mut s = chars.clone();
            for _ in 0..1 + rng.below(6) {
                if s.is_empty() {
                    break;
                }
                let at = rng.below(s.len());
                match rng.below(10) {
                    0..=3 => {
                        let end = (at + 1 + rng.below(20)).min(s.len());
                        s.drain(at..end);
                    }
                    4..=7 => {
                        let piece = pieces[rng.below(pieces.len())];
                        s.splice(at..at, piece.chars());
                    }
                    _ => {
                        let from = rng.below(s.len());
                        let slice: Vec<char> = s[from..(from + 1 + rng.below(40)).min(s.len())].to_vec();
                        s.splice(at..at, slice);
                    }
                }
            }
            let path = dir.join(format!("m{i:04}-{k}.{ext}"));
            std::fs::write(&path, s.into_iter().collect::<String>()).expect("written");
            out.push(path);
        }
    }
    out
}

/// Random edits of real manifests ([`write_mutants`]): where Puppet accepts
/// the result we must too, with the same PN; what Puppet rejects we mostly reject.
#[test]
#[ignore = "needs puppet 7.23 and the corpus (oracles): run by .ci/run"]
fn mutated_corpus_agrees_with_puppet() {
    let dir = workdir("mutated");
    let files = write_mutants(&dir);
    // Both sides, then compare acceptance and PN.
    let report = pn_agreement(&files, "0", &dir);
    let load = |name: &str| -> std::collections::HashMap<String, serde_json::Value> {
        std::fs::read_to_string(dir.join(name))
            .expect("results")
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| (v["file"].as_str().unwrap_or_default().to_string(), v))
            .collect()
    };
    let (theirs, ours) = (load("oracle.jsonl"), load("ours.jsonl"));
    let (mut accepted, mut same, mut we_reject, mut we_accept_more, mut rejected) = (0, 0, 0, 0, 0);
    for (f, t) in &theirs {
        let o = &ours[f];
        match (t.get("pn"), o.get("pn")) {
            (Some(a), Some(b)) => {
                accepted += 1;
                same += usize::from(a == b);
            }
            (Some(_), None) => {
                accepted += 1;
                we_reject += 1;
            }
            (None, theirs_pn) => {
                // Puppet's PN printer crashing is not a rejection.
                if t["error"].as_str().is_some_and(|e| e.starts_with("oracle:")) {
                    continue;
                }
                rejected += 1;
                we_accept_more += usize::from(theirs_pn.is_some());
            }
        }
    }
    println!(
        "{report}mutated: puppet accepts {accepted}, we agree on {same} (we reject {we_reject}); \
         puppet rejects {rejected}, we accept {we_accept_more}"
    );
    assert!(
        same * 1000 >= accepted * 995,
        "PN agreement on accepted mutants below 99.5%"
    );
    assert!(
        we_accept_more * 100 <= rejected * 2,
        "we accept over 2% of what Puppet rejects"
    );
}

/// `puppet parser validate`'s verdict on each of `files`, from Puppet's parser
/// and validation pass in one process (tests/oracle/puppet_validate.rb: the
/// command itself gives up on the first file that makes Puppet raise): for
/// each file it rejects, the line of the first error (0 when Puppet gives
/// none, as at the end of the input).
fn parser_validate(files: &[PathBuf]) -> std::collections::HashMap<String, u32> {
    puppet_validate_rb(files, &[])
        .into_iter()
        .filter_map(|(file, v)| error_line(&v).map(|line| (file, line)))
        .collect()
}

/// The line of the first error tests/oracle/puppet_validate.rb reports (0
/// when Puppet gives none), if it reports one.
fn error_line(v: &serde_json::Value) -> Option<u32> {
    let error = v.get("error")?;
    // Errors raised outside the issue system carry their place in the message.
    let from_message = position(error.as_str().unwrap_or_default()).map(|(l, _)| l);
    Some(v["line"].as_u64().map(|l| l as u32).or(from_message).unwrap_or(0))
}

/// What tests/oracle/puppet_validate.rb prints for each of `files`, by name.
fn puppet_validate_rb(files: &[PathBuf], flags: &[&str]) -> std::collections::HashMap<String, serde_json::Value> {
    require_tool("ruby");
    require_tool("puppet");
    let list: String = files.iter().map(|p| format!("{}\n", p.display())).collect();
    let mut child = Command::new("ruby")
        .arg(root().join("tests/oracle/puppet_validate.rb"))
        .args(flags)
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("ruby runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(list.as_bytes()).expect("paths written");
    });
    let out = child.wait_with_output().expect("oracle finished");
    writer.join().expect("writer");
    assert!(out.status.success(), "puppet_validate.rb failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| (v["file"].as_str().unwrap_or_default().to_string(), v))
        .collect()
}

/// The oracle script decides as the command does: a sample of files each
/// through `puppet parser validate` itself.
fn parser_validate_command_agrees(sample: &[&PathBuf], rejected: &std::collections::HashMap<String, u32>) {
    for f in sample {
        let out = Command::new("puppet")
            .args(["parser", "validate", "--color=false"])
            .arg(f)
            .output()
            .expect("puppet runs");
        let rejects = String::from_utf8_lossy(&out.stderr).contains("Error:");
        let name = f.display().to_string();
        assert_eq!(
            rejects,
            rejected.contains_key(&name),
            "{name}: `puppet parser validate` and puppet_validate.rb disagree"
        );
    }
}

/// Our first error in `findings` (of `name`, whose text is `text`): its line and message.
fn first_error(name: &str, text: &str, findings: Vec<puppetlift::Diagnostic>) -> Option<(u32, String)> {
    let source = puppetlift::SourceFile::new(name, text);
    findings
        .into_iter()
        .find(|d| d.severity == puppetlift::Severity::Error)
        .map(|d| {
            (
                d.span.map_or(0, |s| source.line_col(s.start as usize).0 as u32),
                d.message,
            )
        })
}

/// Verdicts compared file by file with an oracle's: how many agree, how many
/// both reject and with the first error on the same line, and each difference.
#[derive(Default)]
struct Verdicts {
    agree: usize,
    both: usize,
    same_line: usize,
    differences: Vec<String>,
}

impl Verdicts {
    /// One file: the oracle's first-error line (0 for none given) and its
    /// message (may be empty), and ours. True when both accept it.
    fn add(&mut self, name: &str, theirs: Option<u32>, message: &str, ours: &Option<(u32, String)>) -> bool {
        let said = if message.is_empty() {
            String::new()
        } else {
            format!(": {message}")
        };
        match (theirs, ours) {
            (None, None) => {
                self.agree += 1;
                return true;
            }
            (Some(line), Some((our_line, ours))) => {
                self.agree += 1;
                self.both += 1;
                // Puppet gives no line at the end of the input.
                if line == *our_line || (line == 0 && ours.contains("end of input")) {
                    self.same_line += 1;
                } else {
                    let d = format!("{name}: first error on line {line}{said}, ours on {our_line}: {ours}");
                    self.differences.push(d);
                }
            }
            (Some(line), None) => self
                .differences
                .push(format!("{name}: the oracle rejects (line {line}{said}), we accept")),
            (None, Some((line, ours))) => self
                .differences
                .push(format!("{name}: the oracle accepts, we reject (line {line}): {ours}")),
        }
        false
    }
}

/// `puppetlift validate`'s manifests validator and `puppet parser validate` on
/// the corpus and its mutants: the same files rejected (at least 99.5%), the
/// first error on the same line (at least 95% of the files both reject).
#[test]
#[ignore = "needs puppet 7.23 and the corpus (oracles): run by .ci/run"]
fn validate_rejects_what_puppet_parser_validate_rejects() {
    let dir = workdir("validate");
    let mut files = pp_files(Path::new(CORPUS));
    files.extend(write_mutants(&dir));
    let theirs = parser_validate(&files);
    let (rejected, accepted): (Vec<&PathBuf>, Vec<&PathBuf>) = files
        .iter()
        .partition(|f| theirs.contains_key(&f.display().to_string()));
    let sample: Vec<&PathBuf> = rejected
        .iter()
        .step_by(rejected.len() / 8 + 1)
        .chain(accepted.iter().step_by(accepted.len() / 8 + 1))
        .copied()
        .collect();
    parser_validate_command_agrees(&sample, &theirs);
    let mut tally = Verdicts::default();
    for f in &files {
        let name = f.display().to_string();
        let text = String::from_utf8_lossy(&std::fs::read(f).expect("readable")).into_owned();
        let ours = first_error(&name, &text, puppetlift::validate::manifest(&name, &text));
        tally.add(&name, theirs.get(&name).copied(), "", &ours);
    }
    let Verdicts {
        agree,
        both,
        same_line,
        differences,
    } = tally;
    println!(
        "validate: {} files, puppet rejects {}; same verdict on {agree} ({:.2}%); \
         first error on the same line for {same_line}/{both} ({:.2}%)",
        files.len(),
        theirs.len(),
        agree as f64 * 100.0 / files.len() as f64,
        same_line as f64 * 100.0 / both.max(1) as f64
    );
    for d in &differences {
        println!("  {d}");
    }
    assert!(agree * 1000 >= files.len() * 995, "verdicts agree on under 99.5%");
    assert!(same_line * 100 >= both * 95, "first error lines agree on under 95%");
}

/// Each validation fixture (one per Puppet issue) fails as Puppet says: the
/// first error's message, line and column exactly as Puppet's.
#[test]
#[ignore = "needs puppet 7.23 (oracle): run by .ci/run"]
fn validate_fixtures_fail_with_puppets_message_at_puppets_place() {
    require_tool("ruby");
    let mut files = pp_files(&root().join("fixtures/validate/manifests"));
    assert!(files.len() >= 30);
    let templates = walk(&root().join("fixtures/validate/epp"));
    assert!(templates.len() >= 7);
    files.extend(templates);
    let plans = pp_files(&root().join("fixtures/validate/plans"));
    assert!(plans.len() >= 14);
    let oracle = |files: &[PathBuf], flags: &[&str]| {
        let out = Command::new("ruby")
            .arg(root().join("tests/oracle/puppet_validate.rb"))
            .args(flags)
            .args(files)
            .output()
            .expect("ruby runs");
        assert!(out.status.success(), "puppet_validate.rb failed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Plans as `puppet parser validate --tasks` reads them.
    let answers = oracle(&files, &[]) + &oracle(&plans, &["--tasks"]);
    files.extend(plans);
    let mut mismatches = Vec::new();
    for (f, line) in files.iter().zip(answers.lines()) {
        let theirs: serde_json::Value = serde_json::from_str(line).expect("one JSON line per file");
        let name = f.display().to_string();
        let text = std::fs::read_to_string(f).expect("fixture");
        let source = puppetlift::SourceFile::new(name.clone(), text.clone());
        // By its path, a plan is validated as one.
        let findings = match name.ends_with(".epp") {
            true => puppetlift::validate::epp(&name, &text),
            false => puppetlift::validate::manifest(&name, &text),
        };
        let ours = findings
            .into_iter()
            .find(|d| d.severity == puppetlift::Severity::Error)
            .map(|d| match d.message == "Syntax error at end of input" {
                // Puppet gives no place for the end of the input.
                true => serde_json::json!({ "file": name, "error": d.message }),
                false => {
                    let (l, c) = source.line_col(d.span.map_or(0, |s| s.start as usize));
                    serde_json::json!({ "file": name, "error": d.message, "line": l, "column": c })
                }
            })
            .unwrap_or_else(|| serde_json::json!({ "file": name }));
        if ours != theirs {
            mismatches.push(format!("puppet: {theirs}\n  ours:   {ours}"));
        }
    }
    assert!(mismatches.is_empty(), "validation differs:\n{}", mismatches.join("\n"));
    println!("{} validation fixtures fail as Puppet says", files.len());
}

/// `puppetlift lint` and `puppet-lint` with the same arguments, over the corpus
/// and our lint fixtures, for every check puppetlift has: the same multiset of
/// `path:line:column:check` lines (lint-agreement.py, F1 >= 0.99).
#[test]
#[ignore = "needs puppet-lint 3.0.1 and the corpus (oracles): run by .ci/run"]
fn lint_agrees_with_puppet_lint() {
    require_tool("puppet-lint");
    // Only the checks puppet-lint 3.0.1 has (it knows nothing of the later ones).
    let checks: Vec<&str> = puppetlift::lint::puppet_lint_3_0_1().iter().map(|r| r.name).collect();
    let only = checks.join(",");
    let format = "%{fullpath}:%{line}:%{column}:%{check}";
    let work = workdir("lint");
    let targets = [CORPUS.to_string(), root().join("fixtures/lint").display().to_string()];
    // puppet-lint 3.0.1 lints only its first PATH (bin.rb reads `@args[0]`): one run each.
    let mut theirs_out = Vec::new();
    for t in &targets {
        let run = Command::new("puppet-lint")
            .args(["--only-checks", &only, "--log-format", format, t])
            .output()
            .expect("puppet-lint runs");
        theirs_out.extend(run.stdout);
    }
    let ours = puppetlift()
        .args(["lint", "--compat", "3", "--only-checks", &only, "--log-format", format])
        .args(&targets)
        .output()
        .expect("puppetlift runs");
    std::fs::write(work.join("pl.txt"), &theirs_out).expect("written");
    std::fs::write(work.join("ours.txt"), &ours.stdout).expect("written");
    assert!(
        !theirs_out.is_empty(),
        "puppet-lint found nothing: is the corpus installed?"
    );
    let cmp = Command::new("python3")
        .arg(oracle_script("lint-agreement.py"))
        .args([work.join("pl.txt"), work.join("ours.txt")])
        .arg("0.99")
        .output()
        .expect("python3 runs");
    let report = String::from_utf8_lossy(&cmp.stdout).into_owned();
    println!("checks {only}\n{report}");
    assert!(cmp.status.success(), "lint agreement below 0.99:\n{report}");
}

/// Every Vagrantfile fixture: what Vagrant 2.3.4 itself sees (vagrant-dump.rb)
/// equals what `puppetlift inspect --json` sees (vagrant-compare.py).
#[test]
#[ignore = "needs vagrant 2.3.4 (oracles): run by .ci/run"]
fn vagrant_sees_what_puppetlift_sees() {
    require_tool("ruby");
    require_tool("vagrant");
    let work = workdir("vagrant");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/vagrant"))
        .expect("fixtures/vagrant")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Vagrantfile").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 40, "only {} Vagrantfile fixtures", dirs.len());
    let mut different = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let theirs = work.join(format!("{name}.vagrant.json"));
        let ours = work.join(format!("{name}.ours.json"));
        // A clean environment: ENV[...] defaults are taken on both sides.
        let dump = Command::new("ruby")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", std::env::var("HOME").unwrap_or_default())
            .arg(oracle_script("vagrant-dump.rb"))
            .arg(dir)
            .output()
            .expect("ruby runs");
        assert!(
            dump.status.success(),
            "vagrant-dump.rb failed on {name}:\n{}",
            String::from_utf8_lossy(&dump.stderr)
        );
        std::fs::write(&theirs, &dump.stdout).expect("oracle output written");
        let inspect = puppetlift()
            .env_clear()
            .args(["inspect", "--json"])
            .arg(dir)
            .output()
            .expect("puppetlift runs");
        std::fs::write(&ours, &inspect.stdout).expect("our output written");
        let cmp = Command::new("python3")
            .arg(oracle_script("vagrant-compare.py"))
            .args([&theirs, &ours])
            .output()
            .expect("python3 runs");
        if !cmp.status.success() {
            different.push(format!("{name}:\n{}", String::from_utf8_lossy(&cmp.stdout)));
        }
    }
    eprintln!(
        "vagrant agreement: {}/{} fixtures equal",
        dirs.len() - different.len(),
        dirs.len()
    );
    assert!(
        different.is_empty(),
        "{} of {} fixtures differ:\n{}",
        different.len(),
        dirs.len(),
        different.join("\n")
    );
}

/// Every fixture project (fixtures/demo and fixtures/projects/*): its artifacts
/// pass cfn-lint (no errors or warnings), `cloud-init schema`, `shellcheck -s bash`
/// (the user-data and every step script the cloud-config stages) and `bash -n`.
#[test]
#[ignore = "needs cfn-lint, cloud-init, shellcheck (oracles): run by .ci/run"]
fn artifacts_pass_cfn_lint_cloud_init_schema_and_shellcheck() {
    for tool in ["cfn-lint", "cloud-init", "shellcheck", "bash"] {
        require_tool(tool);
    }
    let mut projects = vec![root().join("fixtures/demo")];
    let mut more: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/projects"))
        .expect("fixtures/projects")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Vagrantfile").is_file())
        .collect();
    more.sort();
    projects.extend(more);
    assert!(projects.len() >= 8, "only {} projects", projects.len());
    let work = workdir("artifacts");
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut run = |what: &str, cmd: &mut Command| {
        checked += 1;
        let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
        if !out.status.success() {
            failures.push(format!(
                "{what}:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    };
    for dir in &projects {
        let name = dir.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let out = work.join(&name);
        let _ = std::fs::remove_dir_all(&out);
        // `convert` writes what `build` writes plus the handoff's launch scripts,
        // the legacy project too: its checks' errors predict how its code fails.
        let build = puppetlift()
            .args(["convert", "--force", "--out"])
            .arg(&out)
            .arg(dir)
            .output()
            .expect("convert runs");
        assert!(
            build.status.success(),
            "{name}: convert failed:\n{}",
            String::from_utf8_lossy(&build.stderr)
        );
        for script in ["deploy-stack.sh", "run-instances.sh", "destroy.sh"] {
            run(
                &format!("{name}: shellcheck {script}"),
                Command::new("shellcheck").args(["-s", "bash"]).arg(out.join(script)),
            );
            run(
                &format!("{name}: bash -n {script}"),
                Command::new("bash").arg("-n").arg(out.join(script)),
            );
        }
        run(
            &format!("{name}: cfn-lint"),
            Command::new("cfn-lint").arg(out.join("stack.json")),
        );
        for entry in std::fs::read_dir(&out)
            .expect("out")
            .flatten()
            .filter(|e| e.path().is_dir())
        {
            let machine = entry.path();
            let ud = machine.join("user-data.sh");
            run(
                &format!("{name}: shellcheck {}", ud.display()),
                Command::new("shellcheck").args(["-s", "bash"]).arg(&ud),
            );
            run(
                &format!("{name}: bash -n {}", ud.display()),
                Command::new("bash").arg("-n").arg(&ud),
            );
            let cc = machine.join("cloud-config.yaml");
            run(
                &format!("{name}: cloud-init schema {}", cc.display()),
                Command::new("cloud-init").args(["schema", "--config-file"]).arg(&cc),
            );
            let yaml = std::fs::read_to_string(&cc).expect("cloud-config");
            let docs = yaml_rust2::YamlLoader::load_from_str(&yaml).expect("YAML");
            for (i, f) in docs[0]["write_files"].as_vec().expect("write_files").iter().enumerate() {
                let Some(content) = f["content"].as_str() else { continue };
                if !f["path"].as_str().unwrap_or("").ends_with(".sh") {
                    continue;
                }
                let staged = machine.join(format!("staged-{i}.sh"));
                std::fs::write(&staged, content).expect("staged script");
                run(
                    &format!("{name}: shellcheck staged {}", f["path"].as_str().unwrap_or("")),
                    Command::new("shellcheck").args(["-s", "bash"]).arg(&staged),
                );
                run(
                    &format!("{name}: bash -n staged"),
                    Command::new("bash").arg("-n").arg(&staged),
                );
            }
        }
    }
    eprintln!("artifact checks: {checked} run, {} failed", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Copies `from` to `to` (symlinks as symlinks), passing each `.pp` file's
/// text through `edit`.
fn copy_tree(from: &Path, to: &Path, edit: &dyn Fn(&str) -> String) {
    std::fs::create_dir_all(to).expect("copy dir");
    for e in std::fs::read_dir(from).expect("readable corpus") {
        let e = e.expect("entry");
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let ft = e.file_type().expect("file type");
        if ft.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src).expect("link"), &dst).expect("symlink");
        } else if ft.is_dir() {
            copy_tree(&src, &dst, edit);
        } else {
            let bytes = std::fs::read(&src).expect("readable file");
            let out = match (
                src.extension().is_some_and(|x| x == "pp"),
                String::from_utf8(bytes.clone()),
            ) {
                (true, Ok(text)) => edit(&text).into_bytes(),
                _ => bytes,
            };
            std::fs::write(&dst, out).expect("copy written");
        }
    }
}

/// Deterministic style damage every fix can repair: double quotes for plain
/// single-quoted strings, squeezed arrows, tabs in indentation, trailing blanks.
fn dirty(text: &str) -> String {
    let sq = regex::Regex::new(r"'([A-Za-z0-9_ ./:-]*)'").expect("regex");
    let arrow = regex::Regex::new(r"\s+=>").expect("regex");
    text.split('\n')
        .enumerate()
        .map(|(i, l)| {
            let mut l = l.to_string();
            if i % 3 == 0 && !l.contains('"') && !l.contains('#') && l.matches('\'').count() == 2 {
                l = sq.replace_all(&l, "\"$1\"").into_owned();
            }
            if i % 4 == 2 {
                l = arrow.replace_all(&l, " =>").into_owned();
            }
            if i % 5 == 1 && l.starts_with("    ") {
                l = format!("\t{}", &l[2..]);
            }
            if i % 7 == 3 && !l.trim().is_empty() {
                l.push_str("  ");
            }
            l
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `.pp` files whose bytes differ between two trees of the same files.
fn changed(a: &Path, b: &Path) -> Vec<PathBuf> {
    pp_files(a)
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(a).expect("inside").to_path_buf();
            (std::fs::read(&p).ok() != std::fs::read(b.join(&rel)).ok()).then_some(rel)
        })
        .collect()
}

/// Runs `puppet-lint --fix` and `puppetlift lint --fix` on two copies of
/// `source` (damaged by `edit`); returns a report and asserts the agreement.
fn fix_agreement(name: &str, edit: &dyn Fn(&str) -> String) -> String {
    let work = workdir(&format!("fix-{name}"));
    let (orig, theirs, ours) = (work.join("orig"), work.join("theirs"), work.join("ours"));
    for d in [&orig, &theirs, &ours] {
        let _ = std::fs::remove_dir_all(d);
        copy_tree(Path::new(CORPUS), d, edit);
    }
    // puppet-lint stops the whole run on a file its lexer crashes on ("Whoops!"):
    // such files leave all three copies, and it runs again.
    let mut dropped = Vec::new();
    for _ in 0..5 {
        let run = Command::new("puppet-lint")
            .arg("--fix")
            .arg(&theirs)
            .output()
            .expect("puppet-lint runs");
        let out = String::from_utf8_lossy(&run.stdout).into_owned();
        let Some(crashed) = out.lines().find_map(|l| l.strip_prefix("file path: ")) else {
            break;
        };
        let rel = Path::new(crashed).strip_prefix(&theirs).expect("inside").to_path_buf();
        for d in [&orig, &theirs] {
            std::fs::remove_file(d.join(&rel)).expect("dropped");
        }
        let _ = std::fs::remove_file(ours.join(&rel));
        // Its fixes up to the crash were written: start again from the original.
        let _ = std::fs::remove_dir_all(&theirs);
        copy_tree(&orig, &theirs, &|t: &str| t.to_string());
        dropped.push(rel);
    }
    // The later upstream checks' fixes are not puppet-lint 3.0.1's: off.
    let later: Vec<String> = puppetlift::lint::registry()[puppetlift::lint::puppet_lint_3_0_1().len()..]
        .iter()
        .map(|r| format!("--no-{}-check", r.name))
        .collect();
    let run = puppetlift()
        .args(["lint", "--compat", "3", "--fix"])
        .args(&later)
        .arg(&ours)
        .output()
        .expect("puppetlift runs");
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    let theirs_changed = changed(&orig, &theirs);
    let ours_changed = changed(&orig, &ours);
    let identical = theirs_changed
        .iter()
        .filter(|rel| std::fs::read(theirs.join(rel)).ok() == std::fs::read(ours.join(rel)).ok())
        .count();
    let differing: Vec<String> = changed(&theirs, &ours)
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    // Every file we wrote parses.
    let broken: Vec<String> = ours_changed
        .iter()
        .filter(|rel| {
            let text = std::fs::read_to_string(ours.join(rel)).expect("readable");
            puppetlift::Manifest::parse(rel.display().to_string(), text)
                .pn()
                .is_err()
        })
        .map(|p| p.display().to_string())
        .collect();
    // And Puppet agrees, on every tenth.
    let sample: Vec<PathBuf> = ours_changed.iter().step_by(10).map(|rel| ours.join(rel)).collect();
    let validate = Command::new("puppet")
        .args(["parser", "validate"])
        .args(&sample)
        .output()
        .expect("puppet runs");
    let share = identical as f64 / theirs_changed.len().max(1) as f64;
    let report = format!(
        "{name}: puppet-lint changed {} files, puppetlift {}; {identical} of puppet-lint's byte-identical ({:.2}%); \
         dropped (puppet-lint crashes) {dropped:?}; differing {differing:?}; refused:\n{stderr}\
         puppet parser validate on {} of ours: {}",
        theirs_changed.len(),
        ours_changed.len(),
        share * 100.0,
        sample.len(),
        if validate.status.success() { "ok" } else { "FAILED" },
    );
    println!("{report}");
    assert!(broken.is_empty(), "fixed files that do not parse: {broken:?}\n{report}");
    assert!(
        validate.status.success(),
        "puppet parser validate rejects fixed files: {}\n{report}",
        String::from_utf8_lossy(&validate.stderr)
    );
    assert!(
        !theirs_changed.is_empty(),
        "puppet-lint fixed nothing: is the corpus installed?"
    );
    assert!(share >= 0.99, "fix agreement below 99%\n{report}");
    report
}

/// `--fix` agrees with puppet-lint's on the corpus as it is and on a
/// deterministically damaged copy (every default fix exercised), and every
/// file it writes parses (ours and `puppet parser validate`).
#[test]
#[ignore = "needs puppet-lint 3.0.1, puppet and the corpus (oracles): run by .ci/run"]
fn fix_agrees_with_puppet_lint() {
    require_tool("puppet-lint");
    require_tool("puppet");
    fix_agreement("corpus", &|t: &str| t.to_string());
    fix_agreement("damaged", &dirty);
}

/// EPP tags and Puppet's punctuation, inserted by the EPP mutation test.
const PLAN_PIECES: [&str; 24] = [
    "apply(",
    "apply($targets) {",
    "plan ",
    "plan x::y(",
    "}",
    "{",
    "(",
    ")",
    "$",
    "'",
    "\"",
    "\n",
    ",",
    "->",
    "@@",
    "<| |>",
    "<<| |>>",
    "file { '/x': }",
    "class c { }",
    "node default { }",
    "=>",
    "|",
    "Package['p']",
    "function f() { }",
];

/// `puppetlift validate` on Bolt plans and `puppet parser validate --tasks`:
/// the plan fixtures, mutations of each (apply blocks nested, resources
/// moved out of them, keywords cut), and every corpus manifest read as a
/// plan (tasks mode's rules on real code: resources outside `apply`,
/// `plan` and `apply` used as names). The same files rejected (at least
/// 99.5%), the first error on the same line (at least 95% of the files both
/// reject), the same PN where both accept and Puppet can print one.
#[test]
#[ignore = "needs puppet 7.23 and the corpus (oracles): run by .ci/run"]
fn validate_plans_agrees_with_puppet_parser_validate_tasks() {
    // Under a `plans` directory, where a plan is read as one by its path.
    let work = workdir("validate-plans");
    let dir = work.join("plans");
    std::fs::create_dir_all(&dir).expect("work dir");
    let fixtures = pp_files(&root().join("fixtures/validate/plans"));
    assert!(fixtures.len() >= 14, "plan fixtures: {}", fixtures.len());
    let mut files = fixtures.clone();
    files.extend(mutate(&fixtures, 150, &PLAN_PIECES, &dir, "pp"));
    let corpus = pp_files(Path::new(CORPUS));
    assert!(corpus.len() >= 1800, "run the oracle install first");
    files.extend(corpus);
    puppet_validator_agrees(
        "validate plans (fixtures, their mutations, the corpus read as plans)",
        &files,
        &["--tasks"],
        &["parser", "validate", "--tasks"],
        puppetlift::validate::plan,
        puppetlift::Manifest::parse_plan,
    );
}

const EPP_PIECES: [&str; 24] = [
    "<%", "%>", "-%>", "<%-", "<%=", "<%#", "<%%", "%%>", "|", "$", "{", "}", "(", ")", "[", "'", "\"", "\n", " ", "=",
    ",", "if ", "} else {", "#",
];

/// `puppetlift validate`'s EPP validator and `puppet epp validate` on the
/// corpus's templates and mutations of each (tags cut, swapped, unbalanced):
/// the same files rejected (at least 99.5%), the first error on the same line
/// (at least 95% of the files both reject), and where both accept, the same
/// PN as `puppet epp dump --format pn`.
#[test]
#[ignore = "needs puppet 7.23 and the corpus (oracles): run by .ci/run"]
fn validate_epp_agrees_with_puppet_epp_validate() {
    let dir = workdir("validate-epp");
    let mut files: Vec<PathBuf> = walk(Path::new(CORPUS))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "epp"))
        .collect();
    assert!(
        files.len() >= 40,
        "{} corpus templates: run the oracle install first",
        files.len()
    );
    let mutants = mutate(&files, 40, &EPP_PIECES, &dir, "epp");
    files.extend(mutants);
    puppet_validator_agrees(
        "validate epp",
        &files,
        &[],
        &["epp", "validate"],
        puppetlift::validate::epp,
        puppetlift::Manifest::parse_epp,
    );
}

/// One of Puppet's validating commands (`command`, e.g. `epp validate`) and
/// ours (`validate`) on `files`: tests/oracle/puppet_validate.rb run with
/// `flags` gives Puppet's verdicts (checked against the command itself on a
/// sample) and PN. The same files rejected (at least 99.5%), the first error on
/// the same line (at least 95% of the files both reject), and where both
/// accept and Puppet prints PN, the same PN (`parse` gives ours).
fn puppet_validator_agrees(
    what: &str,
    files: &[PathBuf],
    flags: &[&str],
    command: &[&str],
    validate: fn(&str, &str) -> Vec<puppetlift::Diagnostic>,
    parse: fn(String, String) -> puppetlift::Manifest,
) {
    let theirs = puppet_validate_rb(files, &[flags, &["--pn"]].concat());
    // The script decides as the command does, on a sample.
    for f in files.iter().step_by(files.len() / 25 + 1) {
        let out = Command::new("puppet")
            .args(command)
            .arg("--color=false")
            .arg(f)
            .output()
            .expect("puppet runs");
        let rejects = String::from_utf8_lossy(&out.stderr).contains("Error:");
        let name = f.display().to_string();
        assert_eq!(
            rejects,
            theirs.get(&name).is_some_and(|v| v.get("error").is_some()),
            "{name}: `puppet {}` and puppet_validate.rb disagree",
            command.join(" ")
        );
    }
    let (mut tally, mut rejected, mut same_pn, mut printed) = (Verdicts::default(), 0, 0, 0);
    for f in files {
        let name = f.display().to_string();
        let text = String::from_utf8_lossy(&std::fs::read(f).expect("readable")).into_owned();
        let ours = first_error(&name, &text, validate(&name, &text));
        let verdict = theirs.get(&name).expect("the oracle answers for every file");
        rejected += usize::from(verdict.get("error").is_some());
        let message = verdict["error"].to_string();
        // Puppet 7 prints no PN for some of what it accepts (`apply`).
        if tally.add(&name, error_line(verdict), &message, &ours) && verdict.get("pn").is_some() {
            printed += 1;
            let pn = parse(name.clone(), text).pn().ok();
            if pn.as_deref() == verdict["pn"].as_str() {
                same_pn += 1;
            } else {
                let theirs = &verdict["pn"];
                tally
                    .differences
                    .push(format!("{name}: PN differs: ours {pn:?}, Puppet's {theirs}"));
            }
        }
    }
    let Verdicts {
        agree,
        both,
        same_line,
        differences,
    } = tally;
    println!(
        "{what}: {} files, puppet rejects {rejected}; same verdict on {agree} ({:.2}%); \
         first error on the same line for {same_line}/{both} ({:.2}%); same PN for {same_pn}/{printed}",
        files.len(),
        agree as f64 * 100.0 / files.len() as f64,
        same_line as f64 * 100.0 / both.max(1) as f64
    );
    for d in &differences {
        println!("  {d}");
    }
    assert!(agree * 1000 >= files.len() * 995, "verdicts agree on under 99.5%");
    assert!(same_line * 100 >= both * 95, "first error lines agree on under 95%");
    assert_eq!(same_pn, printed, "PN differs where both accept");
}
