//! ## What it does
//! Finds tab characters in indentation and between tokens (not inside strings).
//!
//! ## Why is this bad?
//! Tabs render at different widths in different editors; the Puppet style guide
//! asks for two-space soft tabs.
//!
//! ## Example
//! ```puppet
//! ⇥$x = 1
//! ```
//! Use instead:
//! ```puppet
//!   $x = 1
//! ```
//!
//! ## References
//! puppet-lint `hard_tabs`; the Puppet style guide, "Spacing, indentation and whitespace".

use crate::lint::{Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "hard_tabs",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("hard_tabs.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    ctx.blanks()
        .filter(|(_, text, _, _)| text.contains('\t'))
        .map(|(at, _, _, _)| ctx.problem(RULE.name, Kind::Error, "tab character found", at))
        .collect()
}
