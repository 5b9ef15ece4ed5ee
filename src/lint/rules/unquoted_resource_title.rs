//! ## What it does
//! Finds resource titles written as bare words (`file { motd: }`).
//!
//! ## Why is this bad?
//! A bare word title reads like a keyword or a function call and cannot hold
//! a `/`, a space or a variable; quoted titles look alike everywhere.
//!
//! ## Example
//! ```puppet
//! service { nginx:
//!   ensure => running,
//! }
//! ```
//! Use instead:
//! ```puppet
//! service { 'nginx':
//!   ensure => running,
//! }
//! ```
//!
//! ## References
//! puppet-lint `unquoted_resource_title`; the Puppet style guide, "Resource names".

use crate::lint::tokens::LintKind;
use crate::lint::{title_tokens, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "unquoted_resource_title",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("unquoted_resource_title.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    title_tokens(ctx)
        .into_iter()
        .map(|i| lt.get(i))
        .filter(|t| t.kind == LintKind::Name)
        .map(|t| ctx.problem(RULE.name, Kind::Warning, "unquoted resource title", t.start))
        .collect()
}
