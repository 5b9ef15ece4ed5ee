//! ## What it does
//! Finds indentation that is not a whole number of two-space steps.
//!
//! ## Why is this bad?
//! The Puppet style guide indents by two spaces; odd indentation is usually a
//! slip that makes nesting hard to read.
//!
//! ## Example
//! ```puppet
//! class a {
//!    $x = 1
//! }
//! ```
//! Use instead:
//! ```puppet
//! class a {
//!   $x = 1
//! }
//! ```
//!
//! ## References
//! puppet-lint `2sp_soft_tabs`; the Puppet style guide, "Spacing, indentation and whitespace".

use crate::lint::{Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "2sp_soft_tabs",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("two_space_soft_tabs.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    ctx.blanks()
        .filter(|(_, text, indent, _)| *indent && text.chars().count() % 2 == 1)
        .map(|(at, _, _, _)| ctx.problem(RULE.name, Kind::Error, "two-space soft tabs not used", at))
        .collect()
}
