//! ## What it does
//! Finds node names written as bare words (`node web01 { }`) instead of strings.
//!
//! ## Why is this bad?
//! Bare node names are limited (no dashes, each dotted part a separate word) and
//! read like class names; quoted names say exactly which certname matches.
//!
//! ## Example
//! ```puppet
//! node web01 { }
//! ```
//! Use instead:
//! ```puppet
//! node 'web01' { }
//! ```
//!
//! ## References
//! puppet-lint `unquoted_node_name`; the Puppet language reference, "Node definitions".

use crate::lint::{Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "unquoted_node_name",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("unquoted_node_name.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, t) in ctx.tokens.iter().enumerate() {
        if t.kind != TokenKind::Name || ctx.text(t) != "node" {
            continue;
        }
        // A node without a body: puppet-lint reports a syntax error in its name.
        if !ctx.tokens[i + 1..].iter().any(|n| ctx.text(n) == "{") {
            out.push(ctx.problem(
                "syntax",
                Kind::Error,
                "Syntax error (try running `puppet parser validate <file>`)",
                t.span.start as usize,
            ));
            continue;
        }
        // Every bare word up to the body's `{`, but `default` and keywords.
        for n in ctx.tokens[i + 1..].iter().take_while(|n| ctx.text(n) != "{") {
            let word = ctx.text(n);
            let bare = matches!(n.kind, TokenKind::Name | TokenKind::Word);
            if bare && word != "default" && !crate::puppet::lexer::is_keyword(word) {
                out.push(ctx.problem(
                    RULE.name,
                    Kind::Warning,
                    "unquoted node name found",
                    n.span.start as usize,
                ));
            }
        }
    }
    out
}
