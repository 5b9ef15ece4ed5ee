//! ## What it does
//! Finds bare numbers that start with a zero followed by a digit (`010`,
//! `0755`) (`leading_zero`).
//!
//! ## Why is this bad?
//! Puppet reads such a number as octal: `010` is eight. Someone who wrote it
//! as a zero-padded decimal, or as a string (an id, a mode), gets another
//! value than meant.
//!
//! ## Example
//! ```puppet
//! $zone_id = 010
//! ```
//! Use instead:
//! ```puppet
//! $zone_id = '010'
//! ```
//!
//! ## Fix
//! The number is quoted as a string, `'010'`. That changes its value and its
//! type (octal 8 becomes the string `010`), which is the point.
//!
//! ## References
//! The `puppet-lint-leading_zero-check` gem (Vox Pupuli), check
//! `leading_zero`.

use crate::lint::fix::{Fix, FixAt, Fixer, NoFix};
use crate::lint::tokens::LintKind;
use crate::lint::{Context, Kind, Problem, Rule};

/// `leading_zero`.
pub const RULE: Rule = Rule {
    name: "leading_zero",
    enabled_by_default: true,
    plugin: Some("puppet-lint-leading_zero-check"),
    fix: Some(Fix {
        apply: fix,
        changes_meaning: true,
    }),
    doc: include_str!("leading_zero.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    lt.tokens
        .iter()
        .filter(|t| t.kind == LintKind::Number && leading_zero(t.value))
        .map(|t| ctx.problem(RULE.name, Kind::Warning, "unquoted number with leading zero", t.start))
        .collect()
}

/// A zero, then a digit.
fn leading_zero(value: &str) -> bool {
    let b = value.as_bytes();
    b.first() == Some(&b'0') && b.get(1).is_some_and(u8::is_ascii_digit)
}

fn fix(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let p = f.pos(at.token.ok_or(NoFix)?).ok_or(NoFix)?;
    if f.toks[p].kind != LintKind::Number {
        return Err(NoFix);
    }
    f.make_sstring(p);
    Ok(())
}
