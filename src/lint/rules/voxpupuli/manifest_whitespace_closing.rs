//! ## What it does
//! Around a closing `}` or `]`, finds:
//! - before a `}`: anything but one space or one line break (with its
//!   indentation) after the last token, and a blank in an empty `{ }`;
//! - before a `]`: any blank, or more than one line break;
//! - after a `}` or `]`: a token stuck to it that is not one of `]`, `)`, `;`,
//!   `,`, `:`, `.`, `[`, a string's rest or a line break (`}else`, `]foo`),
//!   or blanks before one of those (`} ,`).
//!
//! ## Why is this bad?
//! Closing brackets laid out one way read and diff best; blank lines and
//! stray blanks around them are noise.
//!
//! ## Example
//! ```puppet
//! $a = [ 'x', 'y' ]
//! if $a {
//!   notice($a)
//!
//! } ,
//! ```
//! Use instead:
//! ```puppet
//! $a = [ 'x', 'y']
//! if $a {
//!   notice($a)
//! },
//! ```
//!
//! ## Fix safety
//! `--fix` removes the blanks and extra line breaks (a `}` right after a
//! token gets one space before it); a token stuck after the bracket is left
//! alone. Blanks before `;` are removed though the problem stays, as the gem
//! does. Layout only.
//!
//! ## References
//! `manifest_whitespace_closing_brace_before`,
//! `manifest_whitespace_closing_brace_after`,
//! `manifest_whitespace_closing_bracket_before` and
//! `manifest_whitespace_closing_bracket_after` of the gem
//! puppet-lint-manifest_whitespace-check 2.0.0 (voxpupuli).

use super::manifest_whitespace::{fty, now, single_space, View, GEM, T};
use crate::lint::fix::{Fix, FixAt, Fixer, NoFix};
use crate::lint::{Context, Problem, Rule};

/// `manifest_whitespace_closing_brace_before`.
pub const CLOSING_BRACE_BEFORE: Rule = Rule {
    name: "manifest_whitespace_closing_brace_before",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_brace_before,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_closing.rs"),
    check: check_brace_before,
};

/// `manifest_whitespace_closing_brace_after`.
pub const CLOSING_BRACE_AFTER: Rule = Rule {
    name: "manifest_whitespace_closing_brace_after",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_after,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_closing.rs"),
    check: check_brace_after,
};

/// `manifest_whitespace_closing_bracket_before`.
pub const CLOSING_BRACKET_BEFORE: Rule = Rule {
    name: "manifest_whitespace_closing_bracket_before",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_bracket_before,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_closing.rs"),
    check: check_bracket_before,
};

/// `manifest_whitespace_closing_bracket_after`.
pub const CLOSING_BRACKET_AFTER: Rule = Rule {
    name: "manifest_whitespace_closing_bracket_after",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_after,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_closing.rs"),
    check: check_bracket_after,
};

fn check_brace_before(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in v.all(T::RBrace) {
        let (Some(prev), Some(pc)) = (b.checked_sub(1), v.prev_non_space(b)) else {
            continue;
        };
        let ok = v.ty(prev) == T::LBrace
            || (v.ty(pc) != T::LBrace && v.single_space(prev) && pc + 2 == b)
            || (v.ty(prev) == T::Indent && pc + 3 == b)
            || (v.ty(prev) == T::Newline && pc + 2 == b);
        if !ok {
            out.push(v.error(
                CLOSING_BRACE_BEFORE.name,
                "there should be a single space or newline before a closing brace",
                pc + 1,
            ));
        }
    }
    out
}

/// Removes the blanks before the `}` but a last line break (and its
/// indentation); a `}` then right after a token gets one space.
fn fix_brace_before(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let Some(i) = now(f, at) else {
        return Err(NoFix);
    };
    loop {
        match (fty(f, i), fty(f, i + 1), fty(f, i + 2)) {
            _ if i >= f.toks.len() => return Err(NoFix),
            (T::RBrace, _, _) | (T::Newline, T::RBrace, _) | (T::Newline, T::Indent, T::RBrace) => break,
            _ => {
                f.remove(i);
            }
        }
    }
    let before = i.checked_sub(1).map(|p| fty(f, p));
    if fty(f, i) == T::RBrace && !matches!(before, Some(T::LBrace | T::Newline | T::Indent)) {
        f.toks.insert(i, single_space());
    }
    Ok(())
}

/// After a closing `kind`: a token stuck to it that may not be there, or
/// blanks before one that should be stuck to it.
fn check_after(ctx: &Context, kind: T, name: &'static str, message: &str) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in v.all(kind) {
        let n = b + 1;
        if n >= v.t.len() || v.ty(n).after_bracket() {
            continue;
        }
        if v.ty(n) == T::Whitespace && !v.next_non_space(b).is_some_and(|c| v.ty(c).after_bracket()) {
            continue;
        }
        out.push(v.error(name, message, n));
    }
    out
}

fn check_brace_after(ctx: &Context) -> Vec<Problem> {
    check_after(
        ctx,
        T::RBrace,
        CLOSING_BRACE_AFTER.name,
        "there should be either a bracket, punctuation mark, closing quote or a newline after a closing brace, or whitespace and none of the aforementioned",
    )
}

fn check_bracket_after(ctx: &Context) -> Vec<Problem> {
    check_after(
        ctx,
        T::RBrack,
        CLOSING_BRACKET_AFTER.name,
        "there should be either a bracket, punctuation mark, closing quote or a newline after a closing bracket, or whitespace and none of the aforementioned",
    )
}

/// Removes blanks after the bracket up to a closing bracket, comma or line
/// break; anything else there cannot be fixed (the blanks before it are gone
/// all the same, as upstream leaves them).
fn fix_after(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let Some(i) = now(f, at) else {
        return Err(NoFix);
    };
    loop {
        match fty(f, i) {
            _ if i >= f.toks.len() => return Err(NoFix),
            T::RBrace | T::RBrack | T::RParen | T::Comma | T::Newline => return Ok(()),
            T::Whitespace => {
                f.remove(i);
            }
            _ => return Err(NoFix),
        }
    }
}

fn check_bracket_before(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in v.all(T::RBrack) {
        let (Some(prev), Some(pc)) = (b.checked_sub(1), v.prev_non_space(b)) else {
            continue;
        };
        let ok = !v.ty(prev).space()
            || (v.ty(prev) == T::Indent && pc + 3 == b)
            || (v.ty(prev) == T::Newline && pc + 2 == b);
        if !ok {
            out.push(v.error(
                CLOSING_BRACKET_BEFORE.name,
                "there should be no whitespace or a single newline before a closing bracket",
                pc + 1,
            ));
        }
    }
    out
}

/// Removes blanks before the `]`, or the line breaks after the first one
/// (the last indentation kept).
fn fix_bracket_before(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let Some(i) = now(f, at) else {
        return Ok(());
    };
    if fty(f, i) == T::Whitespace {
        f.remove(i);
        return Ok(());
    }
    let n = i + 1;
    loop {
        match (fty(f, n), fty(f, n + 1)) {
            _ if n >= f.toks.len() => return Err(NoFix),
            (T::RBrack, _) | (T::Indent, T::RBrack) => return Ok(()),
            _ => {
                f.remove(n);
            }
        }
    }
}
