//! ## What it does
//! Finds the strings `'true'` and `'false'` (off by default, as in puppet-lint).
//!
//! ## Why is this bad?
//! A quoted boolean is a string, and every non-empty string is true: `'false'`
//! in a condition is true.
//!
//! ## Example
//! ```puppet
//! service { 'nginx': enable => 'true' }
//! ```
//! Use instead:
//! ```puppet
//! service { 'nginx': enable => true }
//! ```
//!
//! ## References
//! puppet-lint `quoted_booleans`; the Puppet style guide, "Quoting".

use crate::lint::{string_value, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "quoted_booleans",
    enabled_by_default: false,
    plugin: None,
    fix: None,
    doc: include_str!("quoted_booleans.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    ctx.tokens
        .iter()
        .filter(|t| matches!(string_value(ctx, t), Some((v, true)) if v == "true" || v == "false"))
        .map(|t| {
            ctx.problem(
                RULE.name,
                Kind::Warning,
                "quoted boolean value found",
                t.span.start as usize,
            )
        })
        .collect()
}
