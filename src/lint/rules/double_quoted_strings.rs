//! ## What it does
//! Finds double-quoted strings with nothing that needs double quotes: no
//! interpolation, no escape such as `\n`, `\t`, `\$`, `\"`, `\\`, no single quote,
//! tab or line break.
//!
//! ## Why is this bad?
//! The Puppet style guide quotes static text with single quotes, so that a `$`
//! or `\` in it is never read as interpolation or an escape by surprise.
//!
//! ## Example
//! ```puppet
//! $greeting = "hello"
//! ```
//! Use instead:
//! ```puppet
//! $greeting = 'hello'
//! ```
//!
//! ## References
//! puppet-lint `double_quoted_strings`; the Puppet style guide, "Quoting".

use crate::lint::{string_value, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "double_quoted_strings",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("double_quoted_strings.rs"),
    check,
};

/// What justifies double quotes (puppet-lint's `ESCAPE_CHAR_RE`).
const NEEDS_DOUBLE_QUOTES: [&str; 11] = ["\\$", "\\\"", "\\'", "'", "\r", "\t", "\\t", "\\s", "\n", "\\n", "\\\\"];

fn check(ctx: &Context) -> Vec<Problem> {
    ctx.tokens
        .iter()
        .filter(|t| t.kind == crate::puppet::lexer::TokenKind::DqString)
        .filter_map(|t| {
            let (value, whole) = string_value(ctx, t)?;
            let needs = NEEDS_DOUBLE_QUOTES.iter().any(|e| value.contains(e));
            (whole && !needs).then(|| {
                ctx.problem(
                    RULE.name,
                    Kind::Warning,
                    "double quoted string containing no variables",
                    t.span.start as usize,
                )
            })
        })
        .collect()
}
