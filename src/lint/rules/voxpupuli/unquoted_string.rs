//! ## What it does
//! `unquoted_string_in_case` finds bare words (and one-part capitalised names)
//! used as the options of a `case`; `unquoted_string_in_selector` finds them
//! as the options of a selector (`$x ? { ... }`).
//!
//! ## Why is this bad?
//! A bare word matches as a string, but reads like a keyword, a function or
//! a type; a capitalised one is a type reference and matches values of that
//! type, not the text. Quoting says a string is meant.
//!
//! ## Example
//! ```puppet
//! case $facts['os']['family'] {
//!   debian: { $pkg = 'apache2' }
//!   default: { $pkg = 'httpd' }
//! }
//! $svc = $facts['os']['family'] ? { redhat => 'httpd', default => 'apache2' }
//! ```
//! Use instead:
//! ```puppet
//! case $facts['os']['family'] {
//!   'debian': { $pkg = 'apache2' }
//!   default: { $pkg = 'httpd' }
//! }
//! $svc = $facts['os']['family'] ? { 'redhat' => 'httpd', default => 'apache2' }
//! ```
//!
//! ## How it reads the code
//! As the upstream plugin does: for each `case` (or `?`), the code at the
//! first brace level of its body (nested blocks skipped); for each `:` (or
//! `=>`) there, every bare word and capitalised name without `::` from it
//! back to the start of its line or the nearest `{`. A word before two arrows
//! on one line is reported twice, as upstream does.
//!
//! ## Fix safety
//! `--fix` quotes the word (`debian` becomes `'debian'`). For a bare word the
//! match is the same; for a capitalised name it is not (a type no longer
//! matches): the fix means the string.
//!
//! ## References
//! The `puppet-lint-unquoted_string-check` gem (Vox Pupuli), 4.1.0.

use crate::lint::fix::{Fix, FixAt, Fixer, NoFix};
use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{Context, Kind, Problem, Rule};

/// Bare words as `case` options.
pub const IN_CASE: Rule = Rule {
    name: "unquoted_string_in_case",
    enabled_by_default: true,
    plugin: Some("puppet-lint-unquoted_string-check"),
    fix: Some(Fix {
        apply: quote,
        changes_meaning: true,
    }),
    doc: include_str!("unquoted_string.rs"),
    check: check_case,
};

/// Bare words as selector options.
pub const IN_SELECTOR: Rule = Rule {
    name: "unquoted_string_in_selector",
    enabled_by_default: true,
    plugin: Some("puppet-lint-unquoted_string-check"),
    fix: Some(Fix {
        apply: quote,
        changes_meaning: true,
    }),
    doc: include_str!("unquoted_string.rs"),
    check: check_selector,
};

fn check_case(ctx: &Context) -> Vec<Problem> {
    find(
        ctx,
        IN_CASE.name,
        LintKind::Keyword,
        "case",
        ":",
        "unquoted string in case",
    )
}

fn check_selector(ctx: &Context) -> Vec<Problem> {
    find(
        ctx,
        IN_SELECTOR.name,
        LintKind::Punct,
        "?",
        "=>",
        "unquoted string in selector",
    )
}

/// The stretches of a `case`'s (or selector's) tokens at its body's first
/// brace level, as the plugin cuts them: from the keyword (or from the `}`
/// closing a nested block) to the next `{` opening a nested block, and the
/// last one to the `}` that brings the brace count back to zero. `braces`
/// are the indexes of the `{` and `}` tokens. Where a `}` comes before the
/// body opens (the count goes below zero) the search ends: upstream reads on
/// through the rest of the manifest, which only costs time on code no case
/// or selector is written like.
fn stretches(lt: &LintTokens, braces: &[usize], from: usize, out: &mut Vec<(usize, usize)>) {
    let mut depth = 0i64;
    let mut start = from;
    for &idx in &braces[braces.partition_point(|&b| b <= from)..] {
        if lt.get(idx).value == "{" {
            depth += 1;
            if depth == 2 {
                out.push((start, idx));
            }
        } else {
            if depth == 2 {
                start = idx;
            }
            depth -= 1;
            if depth == 0 {
                out.push((start, idx));
                return;
            }
            if depth < 0 {
                return;
            }
        }
    }
}

fn find(ctx: &Context, check: &'static str, kind: LintKind, opener: &str, sep: &str, message: &str) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let braces: Vec<usize> = (0..lt.tokens.len())
        .filter(|&i| lt.get(i).kind == LintKind::Punct && matches!(lt.get(i).value, "{" | "}"))
        .collect();
    let mut parts = Vec::new();
    for (i, t) in lt.tokens.iter().enumerate() {
        if t.kind == kind && t.value == opener {
            stretches(lt, &braces, i, &mut parts);
        }
    }
    // Upstream walks back from every separator to the line's start or the
    // nearest `{`, reporting each bare word on the way: a word before several
    // separators of one line is reported once per separator, which grows as
    // the square of a one-line selector. Each word is reported once here (the
    // first time upstream reports it), and no token is walked twice.
    let mut reported = vec![false; lt.tokens.len()];
    let mut out = Vec::new();
    for &(start, end) in &parts {
        // The last separator walked back from in this stretch.
        let mut walked: Option<usize> = None;
        for r in start..=end {
            let t = lt.get(r);
            if t.kind != LintKind::Punct || t.value != sep {
                continue;
            }
            let mut s = r;
            while let Some(p) = s.checked_sub(1) {
                s = p;
                let t = lt.get(s);
                if t.kind == LintKind::Newline || t.is("{") && t.kind == LintKind::Punct {
                    break;
                }
                if (t.kind == LintKind::Name || t.kind == LintKind::ClassRef && !t.value.contains("::"))
                    && !std::mem::replace(&mut reported[s], true)
                {
                    out.push(ctx.problem(check, Kind::Warning, message, t.start));
                }
                if walked.is_some_and(|w| s <= w) {
                    break;
                }
            }
            walked = Some(r);
        }
    }
    out
}

/// Writes the word as a single-quoted string.
fn quote(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let pos = at.token.and_then(|i| f.pos(i)).ok_or(NoFix)?;
    if !matches!(
        f.toks[pos].kind,
        LintKind::Name | LintKind::ClassRef | LintKind::SString
    ) {
        return Err(NoFix);
    }
    f.make_sstring(pos);
    Ok(())
}
