//! ## What it does
//! Finds a list written over several lines whose last element has no comma
//! after it: a resource's attributes, an array, a hash, resource defaults
//! (`Exec { ... }`).
//!
//! ## Why is this bad?
//! With a comma after every element, adding or moving one changes one line,
//! not two, and diffs stay small; it is the Vox Pupuli style.
//!
//! ## Example
//! ```puppet
//! file { '/etc/motd':
//!   ensure  => file,
//!   content => 'hi'
//! }
//! ```
//! Use instead:
//! ```puppet
//! file { '/etc/motd':
//!   ensure  => file,
//!   content => 'hi',
//! }
//! ```
//!
//! ## How it reads the code
//! As the upstream plugin does: a resource body from its title's `:` to the
//! `;` or `}` that ends it (a body ended by `;` is never reported); an array
//! from a `[` not after a type or reference to the first `]` after it; a hash
//! from a `{` after `=`, `==`, `=>` or `(` to its `}`; resource defaults from
//! a capitalised name before `{` to the first `}` after it. The last code
//! token before the end must be directly followed by a line break (a comment
//! between them hides it); a heredoc counts from its `@(TAG)`.
//! The problem is placed at that line break.
//!
//! ## Fix safety
//! `--fix` inserts the comma before the line break: layout only. Where the
//! plugin's reading is wrong (the first `}` after `Foo {` closing a nested
//! block, `class x inherits Y {`) the comma can break the code; the safety
//! net then refuses the fix.
//!
//! ## References
//! The `puppet-lint-trailing_comma-check` gem (Vox Pupuli), 2.0.0 (the plugin
//! set asks for 3.x, which has no source here).

use crate::lint::fix::{Fix, FixAt, Fixer, NoFix, Tok};
use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "trailing_comma",
    enabled_by_default: true,
    plugin: Some("puppet-lint-trailing_comma-check"),
    fix: Some(Fix {
        apply: add_comma,
        changes_meaning: false,
    }),
    doc: include_str!("trailing_comma.rs"),
    check,
};

const MESSAGE: &str = "missing trailing comma after last element";

/// puppet-lint 4.3's `classref?` for every token: walking back over code
/// tokens, a capitalised reference comes before any bare word (one pass).
fn classref_before(lt: &LintTokens) -> Vec<bool> {
    let mut out = Vec::with_capacity(lt.tokens.len());
    let mut last = false;
    for t in &lt.tokens {
        out.push(last);
        match t.kind {
            LintKind::ClassRef => last = true,
            LintKind::Name => last = false,
            _ => {}
        }
    }
    out
}

/// puppet-lint 4.3's `resource_indexes`: the end of each resource body, or
/// the offset of the colon where it raises its syntax error.
fn resource_ends(lt: &LintTokens) -> Result<Vec<usize>, usize> {
    let mut out = Vec::new();
    let mut marker = 0;
    let classref = classref_before(lt);
    for colon in (0..lt.tokens.len()).filter(|&i| lt.punct(i, ":")) {
        match lt.next_code(colon) {
            Some(n) if !lt.punct(n, "{") => {}
            _ => continue,
        }
        if classref[colon] {
            continue;
        }
        if colon < marker {
            break;
        }
        let end = lt
            .next_token_of(colon, &|t| t.kind == LintKind::Punct && matches!(t.value, ";" | "}"))
            .ok_or(lt.get(colon).start)?;
        marker = end;
        out.push(end);
    }
    Ok(out)
}

/// For each token, the first token at or after it satisfying `is`.
fn first_from(lt: &LintTokens, is: impl Fn(usize) -> bool) -> Vec<Option<usize>> {
    let mut out = vec![None; lt.tokens.len()];
    let mut next = None;
    for i in (0..lt.tokens.len()).rev() {
        if is(i) {
            next = Some(i);
        }
        out[i] = next;
    }
    out
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let n = lt.tokens.len();
    if n == 0 {
        return Vec::new();
    }
    let resources = match resource_ends(lt) {
        Ok(r) => r,
        Err(at) => return vec![ctx.problem("syntax", Kind::Error, "Syntax error", at)],
    };
    let kind_is = |i: usize, k: LintKind| lt.get(i).kind == k;
    let next_rbrack = first_from(lt, |i| lt.punct(i, "]"));
    let next_rbrace = first_from(lt, |i| lt.punct(i, "}"));
    // The plugin's end of a scan from `i` that finds nothing: the last token
    // (or, for the last token itself, the first one).
    let end_after = |found: &Vec<Option<usize>>, i: usize| {
        if i + 1 >= n {
            None
        } else {
            Some(found[i + 1].unwrap_or(n - 1))
        }
    };
    // Each list as (end token, the kind of token that may end it empty).
    let mut lists: Vec<(usize, &str)> = resources.into_iter().map(|e| (e, ":")).collect();
    for i in (0..n).filter(|&i| lt.punct(i, "[")) {
        let Some(end) = end_after(&next_rbrack, i) else {
            continue;
        };
        if lt
            .prev_code(i)
            .is_some_and(|p| matches!(lt.get(p).kind, LintKind::ClassRef | LintKind::Type))
        {
            continue;
        }
        lists.push((end, "["));
    }
    // Matching braces (unclosed: the last token).
    let mut close = vec![n - 1; n];
    let mut open = Vec::new();
    for i in 0..n {
        if lt.punct(i, "{") {
            open.push(i);
        } else if lt.punct(i, "}") {
            if let Some(o) = open.pop() {
                close[o] = i;
            }
        }
    }
    for i in (0..n).filter(|&i| lt.punct(i, "{")) {
        let after = lt.prev_code(i).is_some_and(|p| {
            let t = lt.get(p);
            t.kind == LintKind::Punct && matches!(t.value, "=" | "==" | "=>" | "(")
        });
        if after && i + 1 < n {
            lists.push((close[i], "{"));
        }
    }
    for i in (0..n).filter(|&i| kind_is(i, LintKind::ClassRef)) {
        let defaults = lt.next_code(i).is_some_and(|x| lt.punct(x, "{"))
            && lt.prev_code(i).is_some_and(|p| {
                let t = lt.get(p);
                !(t.kind == LintKind::Punct && matches!(t.value, ">>" | "=~" | "!~"))
            });
        if !defaults {
            continue;
        }
        if let Some(end) = end_after(&next_rbrace, i) {
            lists.push((end, "{"));
        }
    }
    let mut out = Vec::new();
    for (end, except) in lists {
        let Some(mut lbo) = lt.prev_code(end) else { continue };
        if matches!(lt.get(lbo).kind, LintKind::Heredoc | LintKind::HeredocPost) {
            let mut at = Some(lbo);
            while let Some(k) = at.filter(|&k| lt.get(k).kind != LintKind::HeredocOpen) {
                at = lt.prev_code(k);
            }
            let Some(k) = at else { continue };
            lbo = k;
        }
        let t = lt.get(lbo);
        let ends_empty = t.kind == LintKind::Punct && t.value == except;
        if ends_empty || lt.punct(end, ";") || lt.punct(lbo, ",") {
            continue;
        }
        if lbo + 1 < n && kind_is(lbo + 1, LintKind::Newline) {
            out.push(ctx.problem(RULE.name, Kind::Warning, MESSAGE, lt.get(lbo + 1).start));
        }
    }
    out
}

/// Inserts a comma before the line break the problem is placed at.
fn add_comma(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let from = at.token.ok_or(NoFix)?;
    let start = at.lt.get(from).start;
    let orig = (from..at.lt.tokens.len())
        .take_while(|&i| at.lt.get(i).start == start)
        .find(|&i| at.lt.get(i).kind == LintKind::Newline)
        .ok_or(NoFix)?;
    let pos = f.pos(orig).ok_or(NoFix)?;
    f.toks.insert(pos, Tok::new(LintKind::Punct, ",", false));
    Ok(())
}
