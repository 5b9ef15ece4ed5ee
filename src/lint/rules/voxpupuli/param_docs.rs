//! ## What it does
//! Finds class and defined type parameters without documentation in the
//! comments before the definition, documentation for parameters that do not
//! exist, and parameters documented twice. Three styles are read: Puppet
//! Strings' `@param name` (optionally `@param [Type] name`), kafo's
//! `$name:: text` and the old rdoc `[*name*]`. A definition marked
//! `@api private` is not required to document its parameters.
//!
//! The comments read are those between the definition before it (or the
//! top of the file) and the definition. The upstream gem reads every `#`
//! comment from the top of the file, so in a file of several definitions a
//! later one is told of the earlier ones' `@param`s (and `@api private`),
//! reports that grow as the square of the definitions: not copied.
//!
//! ## Why is this bad?
//! Parameters are a module's interface; Puppet Strings (and the reference
//! documentation built from it) only knows what the comments say.
//!
//! ## Example
//! ```puppet
//! # @summary Manages NTP.
//! class ntp (
//!   Array[String] $servers,
//! ) { }
//! ```
//! Use instead:
//! ```puppet
//! # @summary Manages NTP.
//! # @param servers The NTP servers to use.
//! class ntp (
//!   Array[String] $servers,
//! ) { }
//! ```
//!
//! ## References
//! The `puppet-lint-param-docs` gem (measured against 2.0.0; the plugin set
//! asks for 3.0.0), part of voxpupuli-puppet-lint-plugins.

use super::params::params;
use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{lint_definitions, Context, Kind, Problem, Rule};
use std::collections::HashMap;

/// The rule.
pub const RULE: Rule = Rule {
    name: "parameter_documentation",
    enabled_by_default: true,
    plugin: Some("puppet-lint-param-docs"),
    fix: None,
    doc: include_str!("param_docs.rs"),
    check,
};

/// A `#` comment that documents a parameter, or marks the API private.
enum Doc<'a> {
    /// `@api private`.
    Private,
    /// A parameter's documentation: its name and the offset of the problem
    /// (after the `#`, the blanks and any `@param`).
    Param(&'a str, usize),
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let docs = docs(lt);
    let mut out = Vec::new();
    let defs = lint_definitions(ctx);
    let mut starts: Vec<usize> = defs.iter().map(|d| d.start).collect();
    starts.sort_unstable();
    for d in defs {
        let define = lt.get(d.start).value == "define";
        let what = if define { "defined type" } else { "class" };
        let name = lt.get(d.name).value;
        // The comments before the keyword, nearest first: the nearest
        // documentation of a name counts, the others are duplicates.
        let before = docs.partition_point(|(i, _)| *i < d.start);
        // From the definition before it (upstream reads from the top of the
        // file: every later definition is told again of the earlier ones'
        // documentation, findings that grow as the square of the definitions).
        let previous = starts[..starts.partition_point(|&k| k < d.start)].last().copied();
        let first = previous.map_or(0, |p| docs.partition_point(|(i, _)| *i < p));
        let mut private = false;
        let mut found: Vec<(&str, usize)> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut duplicates: Vec<(&str, Vec<usize>)> = Vec::new();
        let mut dup_index: HashMap<&str, usize> = HashMap::new();
        for (_, doc) in docs[first..before].iter().rev() {
            let (param, at) = match doc {
                Doc::Private => {
                    private = true;
                    continue;
                }
                Doc::Param(param, at) => (*param, *at),
            };
            let param = if define && (param == "name" || param == "title") {
                "name/title"
            } else {
                param
            };
            match index.get(param) {
                Some(&k) => {
                    let slot = *dup_index.entry(param).or_insert_with(|| {
                        duplicates.push((param, vec![found[k].1]));
                        duplicates.len() - 1
                    });
                    duplicates[slot].1.push(at);
                }
                None => {
                    index.insert(param, found.len());
                    found.push((param, at));
                }
            }
        }
        let vars: Vec<&str> = d
            .params
            .clone()
            .map(|list| params(lt, list, true).into_iter().map(|v| lt.get(v).value).collect())
            .unwrap_or_default();
        for (param, ats) in &duplicates {
            for &at in ats {
                let message = format!("Duplicate {what} parameter documentation for {name}::{param}");
                out.push(ctx.problem(RULE.name, Kind::Warning, &message, at));
            }
        }
        for &(param, at) in &found {
            if (define && param == "name/title") || vars.contains(&param) {
                continue;
            }
            let message = format!("No matching {what} parameter for documentation of {name}::{param}");
            out.push(ctx.problem(RULE.name, Kind::Warning, &message, at));
        }
        if private {
            continue;
        }
        if let Some(list) = d.params.clone() {
            for v in params(lt, list, true) {
                let t = lt.get(v);
                if !index.contains_key(t.value) {
                    let message = format!("missing documentation for {what} parameter {name}::{}", t.value);
                    out.push(ctx.problem(RULE.name, Kind::Warning, &message, t.start));
                }
            }
        }
    }
    out
}

/// Every `#` comment that documents a parameter or says `@api private`, by
/// token index.
fn docs<'a>(lt: &LintTokens<'a>) -> Vec<(usize, Doc<'a>)> {
    let mut out = Vec::new();
    for (i, t) in lt.tokens.iter().enumerate() {
        if t.kind != LintKind::Comment {
            continue;
        }
        // puppet-lint's comment ends before a carriage return.
        let value = t.value.strip_suffix('\r').unwrap_or(t.value);
        if is_api_private(value) {
            out.push((i, Doc::Private));
        } else if let Some(param) = documented_param(value) {
            out.push((i, Doc::Param(param, t.start + 1 + lead_len(value))));
        }
    }
    out
}

/// Ruby's `\s`.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\x0b')
}

fn skip_spaces(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_ascii() && is_space(c as u8))
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The length of a name (`[a-zA-Z0-9_]+`) at the start of `s`.
fn name_len(s: &str) -> usize {
    s.bytes().take_while(|&c| is_name_char(c)).count()
}

/// `@api private` alone on the comment (blanks around allowed).
fn is_api_private(value: &str) -> bool {
    let Some(rest) = skip_spaces(value).strip_prefix("@api") else {
        return false;
    };
    let words = rest.trim_start_matches(' ');
    words.len() < rest.len()
        && words
            .strip_prefix("private")
            .is_some_and(|end| end.bytes().all(is_space))
}

/// The parameter a comment documents, in the first style that matches: rdoc
/// `[*name*]`, kafo `$name:: text` (a blank after the `::`), Puppet Strings
/// `@param name` or `@param [Type] name` (the name followed by a blank or the
/// end).
fn documented_param(value: &str) -> Option<&str> {
    let s = skip_spaces(value);
    if let Some(rest) = s.strip_prefix("[*") {
        let n = name_len(rest);
        if n > 0 && rest[n..].starts_with("*]") {
            return Some(&rest[..n]);
        }
    }
    if let Some(rest) = s.strip_prefix('$') {
        let n = name_len(rest);
        if n > 0 && rest[n..].starts_with(":: ") {
            return Some(&rest[..n]);
        }
    }
    let rest = s.strip_prefix("@param ")?;
    // `[.+] `: the greedy match tries the last `] ` first.
    if rest.starts_with('[') {
        let b = rest.as_bytes();
        for k in (2..b.len().saturating_sub(1)).rev() {
            if b[k] == b']' && b[k + 1] == b' ' {
                if let Some(name) = rest.get(k + 2..).and_then(named) {
                    return Some(name);
                }
            }
        }
    }
    named(rest)
}

/// A name at the start of `at`, followed by a blank or the end.
fn named(at: &str) -> Option<&str> {
    let n = name_len(at);
    (n > 0 && matches!(at.as_bytes().get(n), None | Some(b' ' | b'\n'))).then(|| &at[..n])
}

/// The length of `\s*(@param\s*)?` at the start of the comment.
fn lead_len(value: &str) -> usize {
    let s = skip_spaces(value);
    let mut n = value.len() - s.len();
    if let Some(rest) = s.strip_prefix("@param") {
        n += 6 + (rest.len() - skip_spaces(rest).len());
    }
    n
}
