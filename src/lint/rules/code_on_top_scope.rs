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
    plugin: None,
    fix: None,
    doc: include_str!("code_on_top_scope.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    // How many bodies open at each token minus how many closed before it.
    let mut opens = vec![0i32; lt.tokens.len() + 1];
    for d in lint_definitions(ctx) {
        opens[d.start] += 1;
        opens[d.end + 1] -= 1;
    }
    let inside: Vec<bool> = opens
        .iter()
        .scan(0, |depth, d| {
            *depth += d;
            Some(*depth > 0)
        })
        .collect();
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
