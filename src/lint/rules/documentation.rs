//! ## What it does
//! Finds classes and defined types with no comment directly above them.
//!
//! ## Why is this bad?
//! A class is an interface: what it manages and what its parameters mean belong
//! next to it, where puppet-strings and the next reader find them.
//!
//! ## Example
//! ```puppet
//! class ntp ($servers) { }
//! ```
//! Use instead:
//! ```puppet
//! # Manages NTP.
//! #
//! # @param servers The NTP servers to use.
//! class ntp ($servers) { }
//! ```
//!
//! ## References
//! puppet-lint `documentation`; the Puppet style guide, "Module documentation".

use crate::lint::{definitions, Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "documentation",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("documentation.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    definitions(ctx)
        .into_iter()
        .filter(|d| !has_comment_above(ctx, d.keyword))
        .map(|d| {
            let at = ctx.tokens[d.keyword].span.start as usize;
            ctx.problem(RULE.name, Kind::Warning, &format!("{} not documented", d.what), at)
        })
        .collect()
}

/// A comment on the lines directly above (blank lines break the link).
fn has_comment_above(ctx: &Context, at: usize) -> bool {
    let mut newlines = 0;
    for t in ctx.tokens[..at].iter().rev() {
        match t.kind {
            TokenKind::Whitespace => {}
            TokenKind::Newline => {
                newlines += 1;
                if newlines > 1 {
                    return false;
                }
            }
            TokenKind::Comment | TokenKind::MlComment => return true,
            _ => return false,
        }
    }
    false
}
