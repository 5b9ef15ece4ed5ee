//! ## What it does
//! Finds blanks at the end of a line (or of the file).
//!
//! ## Why is this bad?
//! Trailing whitespace is invisible noise in diffs and merges.
//!
//! ## Example
//! ```puppet
//! $x = 1␠␠
//! ```
//! Use instead:
//! ```puppet
//! $x = 1
//! ```
//!
//! ## References
//! puppet-lint `trailing_whitespace`; the Puppet style guide, "Spacing, indentation and whitespace".

use crate::lint::{Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "trailing_whitespace",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("trailing_whitespace.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    ctx.blanks()
        .filter(|(_, _, _, next)| next.is_none_or(|n| n.kind == TokenKind::Newline))
        .map(|(at, _, _, _)| ctx.problem(RULE.name, Kind::Error, "trailing whitespace found", at))
        .collect()
}
