//! ## What it does
//! Finds `/* */` comments.
//!
//! ## Why is this bad?
//! The Puppet style guide uses `#` comments only; mixed styles are harder to scan
//! and `/*` blocks hide code easily.
//!
//! ## Example
//! ```puppet
//! /* the web tier */
//! include role::web
//! ```
//! Use instead:
//! ```puppet
//! # the web tier
//! include role::web
//! ```
//!
//! ## References
//! puppet-lint `star_comments`; the Puppet style guide, "Comments".

use crate::lint::{Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "star_comments",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("star_comments.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    ctx.tokens
        .iter()
        .filter(|t| t.kind == TokenKind::MlComment)
        .map(|t| ctx.problem(RULE.name, Kind::Warning, "/* */ comment found", t.span.start as usize))
        .collect()
}
