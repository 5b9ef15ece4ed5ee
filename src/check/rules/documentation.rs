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

use crate::check::{Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "documentation",
    enabled_by_default: true,
    doc: include_str!("documentation.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let tokens = ctx.tokens;
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let what = match (t.kind, ctx.text(t)) {
            (TokenKind::Name, "class") => "class",
            (TokenKind::Name, "define") => "defined type",
            _ => continue,
        };
        if !is_definition(ctx, i) || has_comment_above(ctx, i) {
            continue;
        }
        out.push(ctx.problem(
            RULE.name,
            Kind::Warning,
            &format!("{what} not documented"),
            t.span.start as usize,
        ));
    }
    out
}

/// puppet-lint's `definition_indexes`: a closing brace at depth zero, outside the
/// parameter list, follows, and the keyword is not a `class { 'x': }` resource.
fn is_definition(ctx: &Context, at: usize) -> bool {
    let code = ctx.tokens[at + 1..].iter().filter(|t| !t.kind.is_trivia());
    if code.clone().next().is_some_and(|t| ctx.text(t) == "{") {
        return false;
    }
    let (mut braces, mut parens, mut in_params) = (0i32, 0i32, false);
    for t in code.filter(|t| t.kind == TokenKind::Punct) {
        match ctx.text(t) {
            "(" => {
                in_params |= parens == 0;
                parens += 1;
            }
            ")" => {
                if parens == 1 {
                    in_params = false;
                }
                parens -= 1;
            }
            "{" => braces += 1,
            "}" => {
                braces -= 1;
                if braces == 0 && !in_params {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
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
