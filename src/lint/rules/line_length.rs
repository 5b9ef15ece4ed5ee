//! ## What it does
//! Finds lines longer than 140 characters (`140chars`, on by default) or 80
//! characters (`80chars`, off by default). Lines with a URL (`://`) or a
//! `template(` call are exempt: splitting them would hurt more than help.
//!
//! ## Why is this bad?
//! Long lines are hard to read in reviews and terminals.
//!
//! ## Example
//! ```puppet
//! $packages = ['a-very-long-package-name', 'another-very-long-package-name', ...]
//! ```
//! Use instead:
//! ```puppet
//! $packages = [
//!   'a-very-long-package-name',
//!   'another-very-long-package-name',
//! ]
//! ```
//!
//! ## References
//! puppet-lint `140chars` and `80chars`; the Puppet style guide, "Spacing, indentation and whitespace".

use crate::lint::{Context, Kind, Problem, Rule};

/// Lines over 140 characters.
pub const CHARS_140: Rule = Rule {
    name: "140chars",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("line_length.rs"),
    check: check_140,
};

/// Lines over 80 characters.
pub const CHARS_80: Rule = Rule {
    name: "80chars",
    enabled_by_default: false,
    plugin: None,
    fix: None,
    doc: include_str!("line_length.rs"),
    check: check_80,
};

fn check_140(ctx: &Context) -> Vec<Problem> {
    longer_than(ctx, CHARS_140.name, 140)
}

fn check_80(ctx: &Context) -> Vec<Problem> {
    longer_than(ctx, CHARS_80.name, 80)
}

fn longer_than(ctx: &Context, check: &'static str, limit: usize) -> Vec<Problem> {
    let message = format!("line has more than {limit} characters");
    ctx.manifest
        .source
        .text
        .split('\n')
        .enumerate()
        .filter(|(_, line)| !line.contains("://") && !line.contains("template(") && line.chars().count() > limit)
        .map(|(i, _)| Problem {
            check,
            kind: Kind::Warning,
            message: message.clone(),
            line: i + 1,
            column: limit,
            ignored: None,
        })
        .collect()
}
