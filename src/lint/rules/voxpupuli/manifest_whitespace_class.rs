//! ## What it does
//! In a class or define header, finds anything but one space between the
//! keyword and the name (`class  foo`), between the name and what follows it
//! (`class foo{`, `define foo::bar(`), and between `inherits` and the parent
//! class's name (`inherits  foo::params`).
//!
//! ## Why is this bad?
//! Headers written one way are easy to grep and to read; extra blanks, line
//! breaks or none at all in them are noise.
//!
//! ## Example
//! ```puppet
//! class  foo inherits  foo::params{
//! }
//! ```
//! Use instead:
//! ```puppet
//! class foo inherits foo::params {
//! }
//! ```
//!
//! ## Fix safety
//! `--fix` makes the blanks one space (a line break between the keyword and
//! the name is left alone); after the name, the blanks and line breaks up to
//! the next token become one space: layout only.
//!
//! ## References
//! `manifest_whitespace_class_name_single_space_before`,
//! `manifest_whitespace_class_name_single_space_after` and
//! `manifest_whitespace_inherits_name_single_space_before` of the gem
//! puppet-lint-manifest_whitespace-check 2.0.0 (voxpupuli).

use super::manifest_whitespace::{fnext_non_space, fty, now, set_single_space, single_space, View, GEM, T};
use crate::lint::fix::{Fix, FixAt, Fixer, NoFix};
use crate::lint::tokens::LintKind;
use crate::lint::{lint_definitions, Context, Problem, Rule};

/// `manifest_whitespace_inherits_name_single_space_before`.
pub const INHERITS_NAME_SINGLE_SPACE_BEFORE: Rule = Rule {
    name: "manifest_whitespace_inherits_name_single_space_before",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_single_space_before,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_class.rs"),
    check: check_inherits,
};

/// `manifest_whitespace_class_name_single_space_before`.
pub const CLASS_NAME_SINGLE_SPACE_BEFORE: Rule = Rule {
    name: "manifest_whitespace_class_name_single_space_before",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_single_space_before,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_class.rs"),
    check: check_name_before,
};

/// `manifest_whitespace_class_name_single_space_after`.
pub const CLASS_NAME_SINGLE_SPACE_AFTER: Rule = Rule {
    name: "manifest_whitespace_class_name_single_space_after",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_name_after,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_class.rs"),
    check: check_name_after,
};

/// The next NAME or FUNCTION_NAME after `i`, whole blocks skipped.
fn name_after(v: &View, i: usize) -> Option<usize> {
    v.lt.next_token_of(i, &|t| matches!(t.kind, LintKind::Name | LintKind::FunctionName))
}

/// Whether the token after `keyword` is not one space followed by `name`.
fn not_one_space_before(v: &View, keyword: usize, name: usize) -> bool {
    name != keyword + 2 || !v.single_space(keyword + 1)
}

fn check_inherits(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    v.all(T::Inherits)
        .filter(|&k| name_after(&v, k).is_some_and(|n| not_one_space_before(&v, k, n)))
        .map(|k| {
            v.error(
                INHERITS_NAME_SINGLE_SPACE_BEFORE.name,
                "there should be a single space between the inherits statement and the name",
                k + 1,
            )
        })
        .collect()
}

/// The keywords of puppet-lint's classes then defines.
fn keywords(ctx: &Context) -> Vec<usize> {
    lint_definitions(ctx).into_iter().map(|d| d.start).collect()
}

fn check_name_before(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    keywords(ctx)
        .into_iter()
        .filter(|&k| name_after(&v, k).is_some_and(|n| not_one_space_before(&v, k, n)))
        .map(|k| {
            v.error(
                CLASS_NAME_SINGLE_SPACE_BEFORE.name,
                "there should be a single space between the class or defined resource statement and the name",
                k + 1,
            )
        })
        .collect()
}

/// Makes the blanks after the keyword one space; anything else is left.
fn fix_single_space_before(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let Some(i) = now(f, at) else {
        // Removed by an earlier fix: upstream sets the value of a token no
        // longer in the list.
        return Ok(());
    };
    if fty(f, i) != T::Whitespace {
        return Err(NoFix);
    }
    set_single_space(f, i);
    Ok(())
}

fn check_name_after(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    keywords(ctx)
        .into_iter()
        .filter_map(|k| name_after(&v, k))
        .filter(|&n| match v.next_non_space(n) {
            Some(c) => n + 2 != c || !v.single_space(n + 1),
            None => false,
        })
        .map(|n| {
            v.error(
                CLASS_NAME_SINGLE_SPACE_AFTER.name,
                "there should be a single space between the class or resource name and the next item",
                n,
            )
        })
        .collect()
}

/// Replaces the blanks and line breaks after the name with one space.
fn fix_name_after(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let Some(n) = now(f, at) else {
        return Err(NoFix);
    };
    let Some(c) = fnext_non_space(f, n) else {
        return Err(NoFix);
    };
    f.toks.drain(n + 1..c);
    f.toks.insert(n + 1, single_space());
    Ok(())
}
