//! ## What it does
//! Finds right-to-left relationship arrows (`<-`).
//!
//! ## Why is this bad?
//! Relationships read in order of application; `a <- b` makes the reader reverse
//! it. Write `b -> a`.
//!
//! ## Example
//! ```puppet
//! Service['nginx'] <- Package['nginx']
//! ```
//! Use instead:
//! ```puppet
//! Package['nginx'] -> Service['nginx']
//! ```
//!
//! ## References
//! puppet-lint `right_to_left_relationship`; the Puppet style guide, "Relationship declarations".

use crate::lint::{Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "right_to_left_relationship",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("right_to_left_relationship.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    ctx.tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Punct && ctx.text(t) == "<-")
        .map(|t| {
            ctx.problem(
                RULE.name,
                Kind::Warning,
                "right-to-left (<-) relationship",
                t.span.start as usize,
            )
        })
        .collect()
}
