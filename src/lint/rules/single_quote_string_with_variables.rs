//! ## What it does
//! Finds single-quoted strings that contain `${`, outside `inline_epp` and
//! `inline_template` calls (whose templates rightly hold them).
//!
//! ## Why is this bad?
//! Single quotes never interpolate: `'${name}.conf'` is those eleven characters,
//! not the name. It is almost always meant to be a double-quoted string.
//!
//! ## Example
//! ```puppet
//! file { '/etc/${name}.conf': }
//! ```
//! Use instead:
//! ```puppet
//! file { "/etc/${name}.conf": }
//! ```
//!
//! ## References
//! puppet-lint `single_quote_string_with_variables`; the Puppet style guide, "Quoting".

use crate::lint::{Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "single_quote_string_with_variables",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("single_quote_string_with_variables.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    ctx.tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.kind == TokenKind::SqString && ctx.text(t).contains("${") && !ctx.in_variable_index(t.span.start as usize)
        })
        // puppet-lint looks two tokens back (trivia included) for the template call.
        .filter(|(i, _)| {
            !i.checked_sub(2)
                .map(|j| ctx.text(&ctx.tokens[j]))
                .is_some_and(|w| w.contains("inline_epp") || w.contains("inline_template"))
        })
        .map(|(_, t)| {
            ctx.problem(
                RULE.name,
                Kind::Error,
                "single quoted string containing a variable found",
                t.span.start as usize,
            )
        })
        .collect()
}
