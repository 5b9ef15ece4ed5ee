//! ## What it does
//! Finds blank lines where they do not belong: a line break that ends a
//! second blank line in a row, line breaks before the first line of a
//! manifest, more than one line break at its end, and a manifest whose last
//! line has no line break.
//!
//! ## Why is this bad?
//! Runs of blank lines and ragged file ends are noise in diffs; tools that
//! read files line by line expect the last line to end with a line break.
//!
//! ## Example
//! ```puppet
//!
//! include foo
//!
//!
//! include bar
//!
//! ```
//! Use instead:
//! ```puppet
//! include foo
//!
//! include bar
//! ```
//!
//! ## Fix safety
//! `--fix` removes the extra line breaks, or adds the missing last one:
//! layout only.
//!
//! ## References
//! `manifest_whitespace_two_empty_lines`,
//! `manifest_whitespace_newline_beginning_of_file`,
//! `manifest_whitespace_missing_newline_end_of_file` and
//! `manifest_whitespace_double_newline_end_of_file` of the gem
//! puppet-lint-manifest_whitespace-check 2.0.0 (voxpupuli).

use super::manifest_whitespace::{now, View, GEM, T};
use crate::lint::fix::{Fix, FixAt, Fixer, NoFix, Tok};
use crate::lint::tokens::LintKind;
use crate::lint::{Context, Problem, Rule};

/// `manifest_whitespace_two_empty_lines`.
pub const TWO_EMPTY_LINES: Rule = Rule {
    name: "manifest_whitespace_two_empty_lines",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_remove,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_lines.rs"),
    check: check_two_empty_lines,
};

/// `manifest_whitespace_newline_beginning_of_file`.
pub const NEWLINE_BEGINNING_OF_FILE: Rule = Rule {
    name: "manifest_whitespace_newline_beginning_of_file",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_remove,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_lines.rs"),
    check: check_beginning,
};

/// `manifest_whitespace_missing_newline_end_of_file`.
pub const MISSING_NEWLINE_END_OF_FILE: Rule = Rule {
    name: "manifest_whitespace_missing_newline_end_of_file",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_missing,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_lines.rs"),
    check: check_missing,
};

/// `manifest_whitespace_double_newline_end_of_file`.
pub const DOUBLE_NEWLINE_END_OF_FILE: Rule = Rule {
    name: "manifest_whitespace_double_newline_end_of_file",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_remove,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_lines.rs"),
    check: check_double,
};

fn check_two_empty_lines(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // Line breaks in the run of blanks and line breaks so far.
    let mut breaks = 0;
    for (i, &t) in v.t.iter().enumerate() {
        if t == T::Newline && breaks >= 2 {
            out.push(v.error(
                TWO_EMPTY_LINES.name,
                "there should be no two consecutive empty lines",
                i,
            ));
        }
        match t {
            T::Newline => breaks += 1,
            T::Whitespace | T::Indent => {}
            _ => breaks = 0,
        }
    }
    out
}

/// Removes the line break the problem is at.
fn fix_remove(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    if let Some(i) = now(f, at) {
        f.remove(i);
    }
    Ok(())
}

fn check_beginning(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    v.t.iter()
        .take_while(|&&t| t == T::Newline)
        .enumerate()
        .map(|(i, _)| {
            v.error(
                NEWLINE_BEGINNING_OF_FILE.name,
                "there should not be a newline at the beginning of a manifest",
                i,
            )
        })
        .collect()
}

fn check_missing(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    match v.t.len().checked_sub(1) {
        Some(last) if v.ty(last) != T::Newline => vec![v.error(
            MISSING_NEWLINE_END_OF_FILE.name,
            "there should be a single newline at the end of a manifest",
            last,
        )],
        _ => Vec::new(),
    }
}

/// Adds a line break after the last token.
fn fix_missing(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let i = now(f, at).ok_or(NoFix)?;
    f.toks.insert(i + 1, Tok::new(LintKind::Newline, "\n", false));
    Ok(())
}

fn check_double(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let Some(mut last) = v.t.len().checked_sub(1) else {
        return out;
    };
    if v.ty(last) != T::Newline {
        return out;
    }
    while last > 0 && v.ty(last - 1) == T::Newline {
        out.push(v.error(
            DOUBLE_NEWLINE_END_OF_FILE.name,
            "there should be a single newline at the end of a manifest",
            last,
        ));
        last -= 1;
    }
    out
}
