//! ## What it does
//! Around an opening `{` or `[`, finds:
//! - before a `{`: anything but one space after the previous token (a `{`
//!   first on its line after a comma, a comment or a `:` is fine; so is one
//!   right after `(` or `[`, or on a later line than it);
//! - after a `{`: anything but one space or one line break (`{'a' => 1}`,
//!   a blank line right after it);
//! - before a `[`: anything but one space where the `[` opens an array (an
//!   index right after a name, variable or reference is fine; so is a `[`
//!   first on its line after `,`, `;`, `:`, a name or a closing bracket);
//! - after a `[`: blanks, or a blank line.
//!
//! ## Why is this bad?
//! Opening brackets laid out one way read and diff best; `class foo\n{`,
//! `=>{` and blank lines after a `{` are noise.
//!
//! ## Example
//! ```puppet
//! $h ={
//!
//!   'a' => [ 1],
//! }
//! ```
//! Use instead:
//! ```puppet
//! $h = {
//!   'a' => [1],
//! }
//! ```
//!
//! ## Fix safety
//! `--fix` removes the blanks and line breaks before the bracket and puts one
//! space there (none after `(`, `[`, or for a `[` after `{`), makes the blanks
//! after a `{` one space or adds one, and removes blanks and extra line breaks
//! after a `[`. Layout only; a fix that would make a `[` after a line break an
//! index of what precedes it changes the program, and the safety net refuses it.
//!
//! ## References
//! `manifest_whitespace_opening_brace_before`,
//! `manifest_whitespace_opening_brace_after`,
//! `manifest_whitespace_opening_bracket_before` and
//! `manifest_whitespace_opening_bracket_after` of the gem
//! puppet-lint-manifest_whitespace-check 2.0.0 (voxpupuli).

use super::manifest_whitespace::{fprev_non_space, fty, now, set_single_space, single_space, View, GEM, T};
use crate::lint::fix::{Fix, FixAt, Fixer, NoFix};
use crate::lint::{Context, Problem, Rule};

/// `manifest_whitespace_opening_brace_before`.
pub const OPENING_BRACE_BEFORE: Rule = Rule {
    name: "manifest_whitespace_opening_brace_before",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_brace_before,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_opening.rs"),
    check: check_brace_before,
};

/// `manifest_whitespace_opening_brace_after`.
pub const OPENING_BRACE_AFTER: Rule = Rule {
    name: "manifest_whitespace_opening_brace_after",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_brace_after,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_opening.rs"),
    check: check_brace_after,
};

/// `manifest_whitespace_opening_bracket_before`.
pub const OPENING_BRACKET_BEFORE: Rule = Rule {
    name: "manifest_whitespace_opening_bracket_before",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_bracket_before,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_opening.rs"),
    check: check_bracket_before,
};

/// `manifest_whitespace_opening_bracket_after`.
pub const OPENING_BRACKET_AFTER: Rule = Rule {
    name: "manifest_whitespace_opening_bracket_after",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_bracket_after,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_opening.rs"),
    check: check_bracket_before_after,
};

fn check_brace_before(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in v.all(T::LBrace) {
        let (Some(prev), Some(pc)) = (b.checked_sub(1), v.prev_non_space(b)) else {
            continue;
        };
        let line_break_between = || (pc..b).any(|j| v.ty(j) == T::Newline);
        let one_space = pc + 2 == b && v.single_space(prev);
        let ok = match v.ty(pc) {
            T::Comma if matches!(v.ty(prev), T::Indent | T::Newline) => true,
            T::Comment | T::Colon => true,
            T::LParen | T::LBrack => pc + 1 == b || line_break_between(),
            T::LBrace => line_break_between() || one_space,
            _ => one_space,
        };
        if !ok {
            out.push(v.error(
                OPENING_BRACE_BEFORE.name,
                "there should be a single space before an opening brace",
                b,
            ));
        }
    }
    out
}

/// Removes the blanks and line breaks before the bracket at `at` and puts
/// one space there unless the token before is one of `no_space_after`.
fn fix_before(f: &mut Fixer, at: &FixAt, no_space_after: &[T]) -> Result<(), NoFix> {
    let mut i = now(f, at).ok_or(NoFix)?;
    let pc = fprev_non_space(f, i).ok_or(NoFix)?;
    while i > pc + 1 {
        if !fty(f, i - 1).space() {
            return Err(NoFix);
        }
        f.remove(i - 1);
        i -= 1;
    }
    if !no_space_after.contains(&fty(f, pc)) {
        f.toks.insert(i, single_space());
    }
    Ok(())
}

fn fix_brace_before(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    fix_before(f, at, &[T::LParen, T::LBrack])
}

fn check_brace_after(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in v.all(T::LBrace) {
        let mut n = b + 1;
        if n >= v.t.len() || v.single_space(n) || matches!(v.ty(n), T::RBrace | T::LBrack | T::LBrace) {
            continue;
        }
        if v.ty(n) == T::Newline {
            n += 1;
            if v.ty(n) != T::Newline || n >= v.t.len() {
                continue;
            }
        }
        out.push(v.error(
            OPENING_BRACE_AFTER.name,
            "there should be a single space or single newline after an opening brace",
            n,
        ));
    }
    out
}

/// One space after the `{`: blanks made one, extra line breaks removed, or
/// a space added before the token stuck to it.
fn fix_brace_after(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let Some(i) = now(f, at) else {
        // Removed by an earlier fix (blanks in `{ }`, extra line breaks).
        return Ok(());
    };
    match fty(f, i) {
        T::Whitespace => set_single_space(f, i),
        T::Newline => {
            while fty(f, i) == T::Newline && i < f.toks.len() {
                f.remove(i);
            }
        }
        _ => f.toks.insert(i, single_space()),
    }
    Ok(())
}

fn check_bracket_before(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in v.all(T::LBrack) {
        let Some(prev) = b.checked_sub(1) else {
            continue;
        };
        if matches!(v.ty(prev), T::ClassRef | T::Variable | T::Name) {
            continue;
        }
        let Some(pc) = v.prev_non_space(b) else {
            continue;
        };
        let (tp, tpc) = (v.ty(prev), v.ty(pc));
        let line_start = matches!(tp, T::Indent | T::Newline);
        let one_space = pc + 2 == b && v.single_space(prev);
        if (matches!(tpc, T::Semic | T::Comma | T::Colon) && line_start)
            || tpc == T::Comment
            || (line_start && matches!(tpc, T::Name | T::RBrack | T::RBrace))
        {
            continue;
        }
        let closing_or_opening = matches!(
            tpc,
            T::RBrack | T::RBrace | T::RParen | T::LParen | T::LBrack | T::LBrace | T::Type
        );
        if closing_or_opening {
            if pc == prev || line_start {
                continue;
            }
        } else if !matches!(tpc, T::ClassRef | T::Variable) && one_space {
            continue;
        }
        if tpc == T::LBrace {
            let Some(ppct) = v.prev_non_space(pc) else {
                continue;
            };
            if matches!(v.ty(ppct), T::Name | T::Pipe) && (line_start || one_space) {
                continue;
            }
        }
        out.push(v.error(
            OPENING_BRACKET_BEFORE.name,
            "there should be a single space before an opening bracket",
            b,
        ));
    }
    out
}

fn fix_bracket_before(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    fix_before(f, at, &[T::LParen, T::LBrack, T::LBrace])
}

fn check_bracket_before_after(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in v.all(T::LBrack) {
        let mut n = b + 1;
        if n >= v.t.len() || !v.ty(n).space() {
            continue;
        }
        if v.ty(n) == T::Newline {
            n += 1;
            if v.ty(n) != T::Newline || n >= v.t.len() {
                continue;
            }
        }
        out.push(v.error(
            OPENING_BRACKET_AFTER.name,
            "there should be no whitespace or a single newline after an opening bracket",
            n,
        ));
    }
    out
}

/// Removes the blanks after the `[`, or the extra line breaks.
fn fix_bracket_after(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let Some(i) = now(f, at) else {
        return Ok(());
    };
    if fty(f, i) == T::Whitespace {
        f.remove(i);
        return Ok(());
    }
    while i < f.toks.len()
        && (fty(f, i + 1) == T::Newline || (fty(f, i + 1) == T::Indent && fty(f, i + 2) != T::Newline))
    {
        f.remove(i);
    }
    Ok(())
}
