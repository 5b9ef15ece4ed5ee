//! ## What it does
//! Finds classes and defined types defined inside a class.
//!
//! ## Why is this bad?
//! A nested definition is loaded only after its outer class and hides from the
//! autoloader; each class belongs in its own file.
//!
//! ## Example
//! ```puppet
//! class apache {
//!   class ssl { }
//! }
//! ```
//! Use instead:
//! ```puppet
//! # apache/manifests/ssl.pp
//! class apache::ssl { }
//! ```
//!
//! ## References
//! puppet-lint `nested_classes_or_defines`; the Puppet style guide, "Classes and defined types".

use crate::lint::{definitions, Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "nested_classes_or_defines",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("nested_classes_or_defines.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let mut out = Vec::new();
    for outer in definitions(ctx).into_iter().filter(|d| d.what == "class") {
        for i in outer.keyword + 1..=outer.end {
            let t = &ctx.tokens[i];
            let what = match (t.kind, ctx.text(t)) {
                (TokenKind::Name, "class") => "class",
                (TokenKind::Name, "define") => "defined type",
                _ => continue,
            };
            let next = ctx.tokens[i + 1..].iter().find(|n| !n.kind.is_trivia());
            if next.is_some_and(|n| ctx.text(n) == "{") {
                continue;
            }
            let message = format!("{what} defined inside a class");
            out.push(ctx.problem(RULE.name, Kind::Warning, &message, t.span.start as usize));
        }
    }
    out
}
