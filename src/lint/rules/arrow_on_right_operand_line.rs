//! ## What it does
//! Finds `->` and `~>` left at the end of a line, apart from their right operand.
//!
//! ## Why is this bad?
//! A chain reads best when each line starts with the arrow that ties it to the
//! line before; an arrow at a line's end is easy to miss.
//!
//! ## Example
//! ```puppet
//! Package['nginx'] ->
//! Service['nginx']
//! ```
//! Use instead:
//! ```puppet
//! Package['nginx']
//! -> Service['nginx']
//! ```
//!
//! ## References
//! puppet-lint `arrow_on_right_operand_line`; the Puppet style guide, "Relationship declarations".

use crate::lint::{Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "arrow_on_right_operand_line",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("arrow_on_right_operand_line.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, t) in ctx.tokens.iter().enumerate() {
        if t.kind != TokenKind::Punct || !matches!(ctx.text(t), "->" | "~>") {
            continue;
        }
        let Some(next) = ctx.tokens[i + 1..].iter().find(|n| !n.kind.is_trivia()) else {
            continue;
        };
        let (line, _) = ctx.line_col(t.span.start as usize);
        if ctx.line_col(next.span.start as usize).0 != line {
            out.push(ctx.problem(
                RULE.name,
                Kind::Warning,
                "arrow should be on the right operand's line",
                t.span.start as usize,
            ));
        }
    }
    out
}
