//! ## What it does
//! Finds `//` comments.
//!
//! ## Why is this bad?
//! Puppet 4 and later do not accept `//` comments at all; the Puppet style guide
//! uses `#` comments only.
//!
//! ## Example
//! ```puppet
//! // the web tier
//! include role::web
//! ```
//! Use instead:
//! ```puppet
//! # the web tier
//! include role::web
//! ```
//!
//! ## References
//! puppet-lint `slash_comments`; the Puppet style guide, "Comments".

use crate::lint::tokens::LintKind;
use crate::lint::{Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "slash_comments",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("slash_comments.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    lt.tokens
        .iter()
        .filter(|t| t.kind == LintKind::SlashComment)
        .map(|t| ctx.problem(RULE.name, Kind::Warning, "// comment found", t.start))
        .collect()
}
