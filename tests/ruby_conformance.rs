//! The Ruby front end against Ruby 3.1 itself, on the Ruby that Debian
//! installs: Puppet modules' code and specs, Vagrant 2.3.4's source and its
//! plugins, Ruby's standard library. Three measures, each per corpus:
//!
//! - acceptance: we parse every file `ruby -c` accepts, reject every file it
//!   rejects, and agree with it on mutations of accepted files;
//! - lexer: on every accepted file, our tokens' places, kinds and lexer
//!   states, and which newlines end a statement, equal Ripper.lex's;
//! - structure: the normal form of our tree (`vagrant::parser::normal`)
//!   equals the one `tests/oracle/ruby_normal_form.rb` prints from Ripper's.
//!
//! Needs Ruby and the corpora (`bash ../shared/oracles/install.sh`): ignored
//! in plain `cargo test`, run by `.ci/run`, failing loudly without them.

use puppetlift::vagrant::parser::{self, lexer, normal, tokens::T};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CORPORA: [(&str, &str); 3] = [
    ("puppet modules", "/usr/share/puppet/modules.available"),
    (
        "vagrant 2.3.4",
        "/usr/share/rubygems-integration/all/gems/vagrant-2.3.4",
    ),
    ("ruby 3.1 stdlib", "/usr/lib/ruby/3.1.0"),
];

fn rb_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rb"))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

fn corpus(dir: &str) -> Vec<PathBuf> {
    let files = rb_files(Path::new(dir));
    assert!(
        files.len() > 100,
        "{dir} has {} Ruby files: run `bash ../shared/oracles/install.sh`",
        files.len()
    );
    files
}

/// Run an oracle script with `paths` on stdin; its output split per `FILE` block.
fn oracle(script: &str, paths: &[PathBuf]) -> HashMap<PathBuf, Vec<String>> {
    let ok = Command::new("ruby")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "ruby is not installed: run `bash ../shared/oracles/install.sh`");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle").join(script);
    let mut child = Command::new("ruby")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ruby runs");
    let list: String = paths.iter().map(|p| format!("{}\n", p.display())).collect();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(list.as_bytes()));
    let out = child.wait_with_output().expect("oracle output");
    writer.join().expect("writer").expect("paths written");
    assert!(out.status.success(), "{} failed", script.display());
    let mut map: HashMap<PathBuf, Vec<String>> = HashMap::new();
    let mut cur: Option<PathBuf> = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some(f) = line.strip_prefix("FILE ") {
            cur = Some(PathBuf::from(f));
            map.entry(PathBuf::from(f)).or_default();
        } else if let Some(f) = &cur {
            map.entry(f.clone()).or_default().push(line.to_string());
        }
    }
    map
}

fn read(p: &Path) -> Option<String> {
    String::from_utf8(std::fs::read(p).ok()?).ok()
}

/// Ripper's event for one of our tokens (None: a token Ripper does not list,
/// or one the comparison leaves out).
fn ripper_event(t: T, heredoc: bool) -> Option<&'static str> {
    use T::*;
    Some(match t {
        tIDENTIFIER | tFID | tSETTER => "on_ident",
        tCONSTANT => "on_const",
        tIVAR => "on_ivar",
        tCVAR => "on_cvar",
        tGVAR => "on_gvar",
        tNTH_REF | tBACK_REF => "on_backref",
        tLABEL => "on_label",
        tINTEGER => "on_int",
        tFLOAT => "on_float",
        tRATIONAL => "on_rational",
        tIMAGINARY => "on_imaginary",
        tCHAR => "on_CHAR",
        tSYMBOL | tDSYM_BEG => "on_symbeg",
        tSTRING_BEG | tXSTRING_BEG if heredoc => "on_heredoc_beg",
        tSTRING_BEG | tDLABEL_BEG => "on_tstring_beg",
        tXSTRING_BEG => "on_backtick",
        tREGEXP_BEG => "on_regexp_beg",
        tWORDS_BEG => "on_words_beg",
        tQWORDS_BEG => "on_qwords_beg",
        tSYMBOLS_BEG => "on_symbols_beg",
        tQSYMBOLS_BEG => "on_qsymbols_beg",
        tSTRING_END if heredoc => return None,
        tSTRING_END => "on_tstring_end",
        tREGEXP_END => "on_regexp_end",
        tLABEL_END => "on_label_end",
        tSTRING_DBEG => "on_embexpr_beg",
        tSTRING_DEND => "on_embexpr_end",
        tSTRING_DVAR => "on_embvar",
        tSTRING_CONTENT | tWORDS_SEP | tMLHS | tCMDARG | tSEMI | tNL => return None,
        tCOMMA => "on_comma",
        tDOT => "on_period",
        tLPAREN | tLPAREN_ARG | tLPAREN2 => "on_lparen",
        tRPAREN => "on_rparen",
        tLBRACK | tLBRACK2 => "on_lbracket",
        tRBRACK => "on_rbracket",
        tLBRACE | tLBRACE2 | tLBRACE_ARG => "on_lbrace",
        tLAMBEG => "on_tlambeg",
        tRBRACE => "on_rbrace",
        tLAMBDA => "on_tlambda",
        tERROR => "error",
        _ if (t as u16) < 60 => "on_kw",
        _ => "on_op",
    })
}

/// Literal delimiters' states are the surrounding code's to Ripper; not compared.
const STATELESS: [&str; 15] = [
    "on_tstring_beg",
    "on_tstring_end",
    "on_embexpr_beg",
    "on_embexpr_end",
    "on_label_end",
    "on_regexp_beg",
    "on_regexp_end",
    "on_embvar",
    "on_heredoc_beg",
    "on_words_beg",
    "on_qwords_beg",
    "on_symbols_beg",
    "on_qsymbols_beg",
    "on_backtick",
    "on_symbeg",
];

const KEYWORDS: [&str; 41] = [
    "class",
    "module",
    "def",
    "undef",
    "begin",
    "rescue",
    "ensure",
    "end",
    "if",
    "unless",
    "then",
    "elsif",
    "else",
    "case",
    "when",
    "while",
    "until",
    "for",
    "break",
    "next",
    "redo",
    "retry",
    "in",
    "do",
    "return",
    "yield",
    "super",
    "self",
    "nil",
    "true",
    "false",
    "and",
    "or",
    "not",
    "alias",
    "defined?",
    "BEGIN",
    "END",
    "__LINE__",
    "__FILE__",
    "__ENCODING__",
];

/// Where our tokens first disagree with Ripper's (None: they agree).
fn lexer_difference(src: &str, ripper: &[String]) -> Option<String> {
    let lx = match lexer::lex(src) {
        Ok(l) => l,
        Err(e) => return Some(format!("lex error at {}: {}", e.at, e.message)),
    };
    let starts: Vec<usize> = std::iter::once(0)
        .chain(src.bytes().enumerate().filter(|(_, c)| *c == b'\n').map(|(i, _)| i + 1))
        .collect();
    let place = |at: usize| {
        let line = starts.partition_point(|&s| s <= at);
        (line, at - starts[line - 1])
    };
    let mut ours: Vec<(usize, usize, String)> = Vec::new();
    let mut newlines: Vec<(usize, usize)> = Vec::new();
    for t in &lx.tokens {
        let at = t.span.start as usize;
        let (line, col) = place(at);
        if t.kind == T::tNL {
            newlines.push((line, col));
            continue;
        }
        let heredoc = lx.literals.get(t.literal as usize).is_some_and(|l| l.heredoc)
            && matches!(t.kind, T::tSTRING_BEG | T::tXSTRING_BEG | T::tSTRING_END);
        let Some(mut ev) = ripper_event(t.kind, heredoc) else {
            continue;
        };
        let text = &src[at..(t.span.end as usize).min(src.len())];
        if matches!(t.kind, T::tIDENTIFIER | T::tFID | T::tCONSTANT) && t.state == 8 && KEYWORDS.contains(&text) {
            ev = "on_kw";
        }
        let shown = match ev {
            "on_symbeg" => ":",
            "on_op" | "on_kw" => text,
            _ => "",
        };
        let state = if STATELESS.contains(&ev) {
            String::new()
        } else {
            t.state.to_string()
        };
        ours.push((line, col, format!("{ev}\t{shown}\t{state}")));
    }
    ours.sort_by_key(|x| (x.0, x.1));
    let mut theirs = Vec::new();
    for r in ripper {
        let f: Vec<&str> = r.split('\t').collect();
        let (Some(l), Some(c)) = (
            f.first().and_then(|x| x.parse().ok()),
            f.get(1).and_then(|x| x.parse().ok()),
        ) else {
            continue;
        };
        if f.get(2) == Some(&"NL") {
            let significant = f.get(3) == Some(&"1");
            if significant != newlines.contains(&(l, c)) {
                return Some(format!(
                    "{l}:{c}: newline {} by Ruby",
                    if significant {
                        "ends a statement"
                    } else {
                        "does not end a statement"
                    }
                ));
            }
            continue;
        }
        let ev = f.get(2).copied().unwrap_or("");
        let state = if STATELESS.contains(&ev) {
            ""
        } else {
            f.get(4).copied().unwrap_or("")
        };
        theirs.push((l, c, format!("{ev}\t{}\t{state}", f.get(3).copied().unwrap_or(""))));
    }
    for (i, t) in theirs.iter().enumerate() {
        match ours.get(i) {
            Some(o) if o == t => {}
            Some(o) => {
                return Some(format!(
                    "{}:{}: Ruby has {:?}, we have {}:{} {:?}",
                    t.0, t.1, t.2, o.0, o.1, o.2
                ))
            }
            None => return Some(format!("{}:{}: Ruby has {:?}, we have nothing", t.0, t.1, t.2)),
        }
    }
    (ours.len() > theirs.len()).then(|| format!("we have more tokens: {:?}", ours[theirs.len()]))
}

/// One file's verdicts: Ruby accepts it; we parse it (when read); where our
/// tokens and our structure differ from Ruby's.
type Verdict = (bool, Option<bool>, Option<String>, Option<String>);

struct Tally {
    accepted: usize,
    parsed: usize,
    rejected: usize,
    rejected_too: usize,
    lexer_equal: usize,
    structure_equal: usize,
    differences: Vec<String>,
}

/// Acceptance, lexer and structure on every file of every corpus.
#[test]
#[ignore = "needs ruby 3.1 and the Ruby corpora (oracles): run by .ci/run"]
fn ruby_front_end_agrees_with_ruby() {
    let mut report = String::new();
    let mut all_ok = true;
    for (name, dir) in CORPORA {
        let files = corpus(dir);
        let structure = oracle("ruby_normal_form.rb", &files);
        let tokens = oracle("ruby_tokens.rb", &files);
        let results: Vec<Verdict> = files
            .par_iter()
            .map(|f| {
                let theirs = &structure[f];
                let ruby_accepts = !theirs.first().is_some_and(|l| l.starts_with("ERROR"));
                let Some(src) = read(f) else {
                    return (ruby_accepts, None, None, None);
                };
                let parsed = parser::parse(&f.display().to_string(), &src);
                if !ruby_accepts {
                    return (false, Some(parsed.is_ok()), None, None);
                }
                let stmts = match parsed {
                    Ok(s) => s,
                    Err(d) => return (true, Some(false), None, Some(format!("{}: {}", f.display(), d.message))),
                };
                let lex = lexer_difference(&src, &tokens[f]).map(|d| format!("{}: lexer: {d}", f.display()));
                let ours = normal::normal_form(&src, &stmts);
                let structure = (ours != *theirs).then(|| {
                    let i = ours
                        .iter()
                        .zip(theirs.iter())
                        .position(|(a, b)| a != b)
                        .unwrap_or(ours.len().min(theirs.len()));
                    format!(
                        "{}: structure: Ruby has {:?}, we have {:?}",
                        f.display(),
                        theirs.get(i).map_or("<end>", String::as_str),
                        ours.get(i).map_or("<end>", String::as_str)
                    )
                });
                (true, Some(true), lex, structure)
            })
            .collect();
        let mut t = Tally {
            accepted: 0,
            parsed: 0,
            rejected: 0,
            rejected_too: 0,
            lexer_equal: 0,
            structure_equal: 0,
            differences: Vec::new(),
        };
        for (accepted, parsed, lex, structure) in results {
            if accepted {
                t.accepted += 1;
                if parsed == Some(true) {
                    t.parsed += 1;
                    match lex {
                        None => t.lexer_equal += 1,
                        Some(d) => t.differences.push(d),
                    }
                    match structure {
                        None => t.structure_equal += 1,
                        Some(d) => t.differences.push(d),
                    }
                } else if let Some(d) = structure {
                    t.differences.push(d);
                }
            } else {
                t.rejected += 1;
                if parsed == Some(false) {
                    t.rejected_too += 1;
                }
            }
        }
        let share = |n: usize| 100.0 * n as f64 / t.accepted.max(1) as f64;
        report.push_str(&format!(
            "{name}: {} files Ruby accepts: parsed {} ({:.2}%), lexer equal {} ({:.2}%), structure equal {} ({:.2}%); Ruby rejects {}, we reject {}\n",
            t.accepted,
            t.parsed,
            share(t.parsed),
            t.lexer_equal,
            share(t.lexer_equal),
            t.structure_equal,
            share(t.structure_equal),
            t.rejected,
            t.rejected_too
        ));
        for d in t.differences.iter().take(10) {
            report.push_str(&format!("  {d}\n"));
        }
        all_ok &= share(t.parsed) >= 99.5
            && share(t.structure_equal) >= 99.0
            && share(t.lexer_equal) >= 99.0
            && t.rejected_too == t.rejected;
    }
    eprintln!("{report}");
    assert!(
        all_ok,
        "below target (parse 99.5%, lexer and structure 99%, every rejection):\n{report}"
    );
}

/// Mutations of accepted files (truncated, an `end` dropped, a `(` made `[`,
/// a stray `}`): we accept exactly what Ruby accepts.
#[test]
#[ignore = "needs ruby 3.1 and the Ruby corpora (oracles): run by .ci/run"]
fn mutated_ruby_is_judged_as_ruby_judges_it() {
    let work = std::env::temp_dir().join(format!("puppetlift-ruby-mutations-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("work dir");
    let mut paths = Vec::new();
    for (_, dir) in CORPORA {
        for (i, f) in corpus(dir).iter().enumerate().step_by(7) {
            let Some(s) = read(f) else {
                continue;
            };
            let mid = s[..s.len() / 2].rfind('\n').map_or(0, |i| i + 1);
            let mut muts: Vec<(&str, String)> = vec![("trunc", s[..mid].to_string())];
            if let Some(k) = s.rfind("\nend") {
                muts.push(("noend", format!("{}{}", &s[..k], &s[k + 4..])));
            }
            if let Some(k) = s.find('(') {
                muts.push(("paren", format!("{}[{}", &s[..k], &s[k + 1..])));
            }
            muts.push(("brace", format!("{}}}\n{}", &s[..mid], &s[mid..])));
            for (kind, text) in muts {
                let p = work.join(format!("{}-{i:05}-{kind}.rb", paths.len()));
                std::fs::write(&p, text).expect("mutation");
                paths.push(p);
            }
        }
    }
    let judged = oracle("ruby_normal_form.rb", &paths);
    let differ: Vec<String> = paths
        .par_iter()
        .filter_map(|p| {
            let ruby_accepts = !judged[p].first().is_some_and(|l| l.starts_with("ERROR"));
            let src = read(p)?;
            let ours = parser::parse(&p.display().to_string(), &src).is_ok();
            (ours != ruby_accepts).then(|| format!("{}: Ruby {}, we {}", p.display(), ruby_accepts, ours))
        })
        .collect();
    let agree = paths.len() - differ.len();
    eprintln!("mutations: {agree}/{} judged as Ruby judges them", paths.len());
    let _ = std::fs::remove_dir_all(&work);
    assert!(
        agree as f64 >= 0.995 * paths.len() as f64,
        "{agree}/{} mutations agree:\n{}",
        paths.len(),
        differ.join("\n")
    );
}
