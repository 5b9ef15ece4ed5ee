//! ## What it does
//! Finds code outside any class or defined type (off by default).
//!
//! ## Why is this bad?
//! In a module, code at the top of a manifest runs whenever the file happens to
//! be loaded, and cannot be included or parameterised.
//!
//! ## Example
//! ```puppet
//! package { 'ntp': }
//! ```
//! Use instead:
//! ```puppet
//! class ntp {
//!   package { 'ntp': }
//! }
//! ```
//!
//! ## References
//! puppet-lint `code_on_top_scope`.

use crate::lint::{lint_definitions, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "code_on_top_scope",
    enabled_by_default: false,
    doc: include_str!("code_on_top_scope.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let mut inside = vec![false; lt.tokens.len()];
    for d in lint_definitions(ctx) {
        inside[d.start..=d.end].iter_mut().for_each(|x| *x = true);
    }
    lt.tokens
        .iter()
        .zip(inside)
        .filter(|(t, inside)| !inside && !t.kind.is_formatting())
        .map(|(t, _)| {
            ctx.problem(
                RULE.name,
                Kind::Warning,
                &format!("code outside of class or define block - {}", t.value),
                t.start,
            )
        })
        .collect()
}
