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

/// The `{` and `}` tokens by brace level: a `{` under the level it opens, a
/// `}` under the level it closes (a level's list alternates, in order).
struct Levels {
    /// For each token, the brace depth before it.
    depth: Vec<i64>,
    /// Level (shifted by `shift` to be an index) to brace token indexes.
    by_level: Vec<Vec<usize>>,
    shift: i64,
}

impl Levels {
    fn new(lt: &LintTokens) -> Levels {
        let mut depth = Vec::with_capacity(lt.tokens.len());
        let mut d = 0i64;
        let mut events = Vec::new();
        for (i, t) in lt.tokens.iter().enumerate() {
            depth.push(d);
            if t.kind != LintKind::Punct {
                continue;
            }
            match t.value {
                "{" => {
                    d += 1;
                    events.push((d, i));
                }
                "}" => {
                    events.push((d, i));
                    d -= 1;
                }
                _ => {}
            }
        }
        let shift = 1 - events.iter().map(|e| e.0).min().unwrap_or(1);
        let top = events.iter().map(|e| e.0).max().unwrap_or(0);
        let mut by_level = vec![Vec::new(); (top + shift + 1).max(0) as usize];
        for (level, i) in events {
            by_level[(level + shift) as usize].push(i);
        }
        Levels { depth, by_level, shift }
    }

    /// The brace tokens of `level` after token `after`.
    fn after(&self, level: i64, after: usize) -> &[usize] {
        let Some(list) = usize::try_from(level + self.shift)
            .ok()
            .and_then(|l| self.by_level.get(l))
        else {
            return &[];
        };
        &list[list.partition_point(|&k| k <= after)..]
    }
}

/// The stretches of a `case`'s (or selector's) tokens at its body's first
/// brace level, as the plugin cuts them: from the keyword (or from the `}`
/// closing a nested block) to the next `{` opening a nested block, and the
/// last one to the `}` that brings the brace count back to zero. Where a `}`
/// comes before the body opens (the count goes below zero) there is none:
/// upstream reads on through the rest of the manifest, which only costs time
/// on code no case or selector is written like. Read by brace level, so that
/// nested cases do not each walk the blocks inside them.
fn stretches(levels: &Levels, from: usize, out: &mut Vec<(usize, usize)>) {
    let base = levels.depth[from];
    // The body's `{` (the first at the next level), unless a `}` closing the
    // opener's own level comes first.
    let Some(&open) = levels.after(base + 1, from).first() else {
        return;
    };
    if levels.after(base, from).first().is_some_and(|&close| close < open) {
        return;
    }
    let close = levels.after(base + 1, open).first().copied();
    let mut start = from;
    for &idx in levels.after(base + 2, open) {
        if close.is_some_and(|c| idx > c) {
            break;
        }
        // A level's braces alternate: `{` opens a nested block, `}` ends it.
        if levels.depth[idx] == base + 1 {
            out.push((start, idx));
        } else {
            start = idx;
        }
    }
    if let Some(close) = close {
        out.push((start, close));
    }
}

fn find(ctx: &Context, check: &'static str, kind: LintKind, opener: &str, sep: &str, message: &str) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let levels = Levels::new(lt);
    let mut parts = Vec::new();
    for (i, t) in lt.tokens.iter().enumerate() {
        if t.kind == kind && t.value == opener {
            stretches(&levels, i, &mut parts);
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
