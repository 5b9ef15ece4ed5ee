//! puppet-lint's other outputs: `--with-context`, `--json`, `--sarif`, its
//! GitHub Actions annotations (byte for byte as 3.0.1 prints them) and 4+'s
//! Code Climate report.

use crate::lint::{descriptions, Problem};
use serde_json::{json, Map, Value};
use std::path::{Component, Path, PathBuf};

/// One problem to report, in the file `path` (as given on the command line).
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The file.
    pub path: &'a str,
    /// The problem.
    pub problem: &'a Problem,
    /// Whether `--fix` fixed it.
    pub fixed: bool,
}

impl Entry<'_> {
    /// puppet-lint's `kind`: `fixed`, `ignored`, `warning` or `error`.
    pub fn kind(&self) -> &'static str {
        if self.fixed {
            "fixed"
        } else if self.problem.ignored.is_some() {
            "ignored"
        } else {
            self.problem.kind.as_str()
        }
    }
}

/// Ruby's `File.expand_path(path, ENV['PWD'])`: absolute, `.` and `..`
/// resolved without touching the file system.
pub fn expand_path(path: &str) -> String {
    let p = Path::new(path);
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        let cwd = std::env::var_os("PWD")
            .map(PathBuf::from)
            .filter(|d| d.is_absolute())
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        cwd.join(p)
    };
    let mut out = PathBuf::from("/");
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(s) => out.push(s),
            _ => {}
        }
    }
    out.display().to_string()
}

/// The file name of `path`, as Ruby's `File.basename`.
pub fn basename(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// Ruby's `String#strip` (ASCII blanks and NUL).
fn ruby_strip(s: &str) -> &str {
    s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | '\0'))
}

/// puppet-lint's `get_context`: the problem's line, stripped.
pub fn context_line(source: &str, line: usize) -> &str {
    ruby_strip(source.split('\n').nth(line.saturating_sub(1)).unwrap_or(""))
}

/// What `--with-context` prints after a problem (puppet-lint's
/// `print_context`): a blank line, the stripped line indented by two, a caret
/// at the problem's column plus two (puppet-lint does not allow for the
/// indentation it stripped), a blank line. Nothing for fixed problems.
pub fn context(source: &str, e: &Entry) -> String {
    if e.fixed {
        return String::new();
    }
    let line = context_line(source, e.problem.line);
    let offset = if line.is_empty() { 1 } else { 0 };
    let width = (e.problem.column + 2).saturating_sub(offset);
    format!("\n  {line}\n{:>width$}\n\n", "^")
}

/// puppet-lint's GitHub Actions annotation for a problem (printed after the
/// problem's line): a blank line, then `::KIND file=...,line=...,col=...::...`.
pub fn github(e: &Entry) -> String {
    let escaped = e
        .problem
        .message
        .replace('%', "%25")
        .replace('\n', "%0A")
        .replace('\r', "%0D");
    format!(
        "\n::{} file={},line={},col={}::{} (check: {})\n",
        e.kind(),
        e.path,
        e.problem.line,
        e.problem.column,
        escaped,
        e.problem.check
    )
}

/// One problem as puppet-lint's `--json` has it (without its internal
/// `token` and per-check fields).
pub fn json_problem(e: &Entry, context: Option<&str>) -> Value {
    let p = e.problem;
    let mut m = Map::new();
    let kind = e.kind();
    let fullpath = expand_path(e.path);
    if p.check == "syntax" {
        m.insert("kind".into(), json!(kind));
        m.insert("check".into(), json!(p.check));
        m.insert("message".into(), json!(p.message));
        m.insert("line".into(), json!(p.line));
        m.insert("column".into(), json!(p.column));
    } else {
        m.insert("message".into(), json!(p.message));
        m.insert("line".into(), json!(p.line));
        m.insert("column".into(), json!(p.column));
        m.insert("kind".into(), json!(kind));
        m.insert("check".into(), json!(p.check));
    }
    m.insert("fullpath".into(), json!(fullpath));
    m.insert("path".into(), json!(e.path));
    m.insert("filename".into(), json!(basename(e.path)));
    if let Some(reason) = &p.ignored {
        m.insert("reason".into(), json!(reason));
    }
    m.insert("KIND".into(), json!(kind.to_uppercase()));
    if let Some(c) = context {
        m.insert("context".into(), json!(c));
    }
    Value::Object(m)
}

/// puppet-lint 4+'s Code Climate report (`--codeclimate-report-file`): an
/// issue per warning or error shown (not fixed, not ignored), with the check's
/// description and help page when puppet-lint has them. puppet-lint's
/// fingerprint is an MD5 of Ruby's `Marshal` of the issue; this one hashes
/// the path, check, message and line: as stable, not equal.
pub fn codeclimate(entries: &[Entry]) -> Value {
    let issues = entries
        .iter()
        .filter(|e| matches!(e.kind(), "warning" | "error"))
        .map(|e| {
            let p = e.problem;
            let line = p.line.to_string();
            let mut issue = json!({
                "type": "issue",
                "check_name": p.check,
                "description": p.message,
                "categories": ["Style"],
                "severity": if e.kind() == "error" { "major" } else { "minor" },
                "location": { "path": e.path, "lines": { "begin": p.line, "end": p.line } },
                "fingerprint": super::diagnostics::fingerprint(&[e.path, p.check, &p.message, &line]),
            });
            // puppet-lint links an empty page when the check has no help URI.
            if let Some((description, help)) = descriptions::describe(p.check) {
                let help = help.unwrap_or_default();
                issue["content"] = Value::String(format!(
                    "{}. See [this page]({help}) for more information about the `{}` check.",
                    description.strip_suffix('.').unwrap_or(description),
                    p.check
                ));
            }
            issue
        })
        .collect();
    Value::Array(issues)
}

/// puppet-lint's SARIF report: `base` is the first path's directory (the path
/// itself when it is one), made absolute.
pub fn sarif(entries: &[Entry], base: &str) -> Value {
    let mut uri = format!("file://{}", if base.starts_with('/') { "" } else { "/" });
    uri.push_str(base);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    let mut rules: Vec<Value> = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    let mut results = Vec::new();
    for e in entries {
        let p = e.problem;
        let index = match ids.iter().position(|&id| id == p.check) {
            Some(i) => i,
            None => {
                let mut rule = Map::new();
                rule.insert("id".into(), json!(p.check));
                let described = descriptions::describe(p.check);
                if let Some((text, _)) = described {
                    rule.insert("fullDescription".into(), json!({ "text": text }));
                }
                if matches!(e.kind(), "error" | "warning") {
                    rule.insert("defaultConfiguration".into(), json!({ "level": e.kind() }));
                }
                if let Some((_, Some(help))) = described {
                    rule.insert("helpUri".into(), json!(help));
                }
                rules.push(Value::Object(rule));
                ids.push(p.check);
                ids.len() - 1
            }
        };
        results.push(json!({
            "ruleId": p.check,
            "ruleIndex": index,
            "message": { "text": p.message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": relative_path(&expand_path(e.path), base),
                        "uriBaseId": "ROOTPATH"
                    },
                    "region": { "startLine": p.line, "startColumn": p.column }
                }
            }]
        }));
    }
    json!({
        "$schema": "https://www.schemastore.org/schemas/json/sarif-2.1.0-rtm.5.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "Puppet Lint",
                    "informationUri": "https://github.com/puppetlabs/puppet-lint",
                    "version": "0.15.0",
                    "rules": rules
                }
            },
            "results": results,
            "columnKind": "utf16CodeUnits",
            "originalUriBaseIds": { "ROOTPATH": { "uri": uri } }
        }]
    })
}

/// Ruby's `Pathname#relative_path_from` for two absolute, clean paths.
fn relative_path(path: &str, base: &str) -> String {
    let p: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let b: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<&str> = vec![".."; b.len() - common];
    parts.extend(&p[common..]);
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Ruby's `JSON.pretty_generate` (json 2.6): two-space indents, and empty
/// arrays and objects spread over lines as it spreads them.
pub fn ruby_pretty(v: &Value) -> String {
    let mut out = String::new();
    write_pretty(v, 0, &mut out);
    out
}

fn write_pretty(v: &Value, depth: usize, out: &mut String) {
    let pad = |n: usize| "  ".repeat(n);
    match v {
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                write_pretty(item, depth + 1, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            if items.is_empty() {
                out.push('\n');
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (k, item)) in map.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                out.push_str(&Value::String(k.clone()).to_string());
                out.push_str(": ");
                write_pretty(item, depth + 1, out);
                if i + 1 < map.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(depth));
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}
