//! ## What it does
//! `variable_is_lowercase` finds variable names with an uppercase letter;
//! `variable_contains_dash` finds names with a dash (`$foo-bar`, which Puppet
//! reads as `$foo - bar`). Both look at variables in code and at `$name`
//! interpolated in strings.
//!
//! ## Why is this bad?
//! Puppet variable names are lowercase letters, digits and underscores; other
//! spellings are errors in Puppet 4+ or silently mean something else.
//!
//! ## Example
//! ```puppet
//! $Port = 80
//! $log-dir = '/var/log'
//! ```
//! Use instead:
//! ```puppet
//! $port = 80
//! $log_dir = '/var/log'
//! ```
//!
//! ## References
//! puppet-lint `variable_is_lowercase` and `variable_contains_dash`; the Puppet
//! language reference, "Variables".

use crate::lint::{lint_variable_len, unenclosed_variables, Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// Uppercase letters in variable names.
pub const LOWERCASE: Rule = Rule {
    name: "variable_is_lowercase",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("variable_names.rs"),
    check: check_lowercase,
};

/// Dashes in variable names.
pub const DASH: Rule = Rule {
    name: "variable_contains_dash",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("variable_names.rs"),
    check: check_dash,
};

fn check_lowercase(ctx: &Context) -> Vec<Problem> {
    names(ctx)
        .into_iter()
        .filter(|(_, name)| name.bytes().any(|c| c.is_ascii_uppercase()))
        .map(|(at, _)| {
            ctx.problem(
                LOWERCASE.name,
                Kind::Warning,
                "variable contains an uppercase letter",
                at,
            )
        })
        .collect()
}

fn check_dash(ctx: &Context) -> Vec<Problem> {
    names(ctx)
        .into_iter()
        .filter(|(_, name)| name.contains('-'))
        .map(|(at, _)| ctx.problem(DASH.name, Kind::Warning, "variable contains a dash", at))
        .collect()
}

/// Every variable puppet-lint sees, as (offset of the `$`, name): in code (its
/// pattern takes dashes), and unenclosed in double-quoted strings and heredocs.
fn names<'a>(ctx: &Context<'a>) -> Vec<(usize, &'a str)> {
    let text = ctx.manifest.source.text.as_str();
    let mut out = Vec::new();
    for t in ctx.tokens {
        let start = t.span.start as usize;
        match t.kind {
            TokenKind::Variable if !ctx.in_variable_index(start) => {
                let n = lint_variable_len(&text.as_bytes()[start + 1..]);
                out.push((start, &text[start + 1..start + 1 + n]));
            }
            TokenKind::DqString if !ctx.in_variable_index(start) => {
                let body = crate::puppet::lexer::unquote(ctx.text(t));
                for (at, n) in unenclosed_variables(body) {
                    out.push((start + 1 + at, &body[at + 1..at + 1 + n]));
                }
            }
            _ => {}
        }
    }
    out
}
