//! ## What it does
//! Finds `puppet://` URLs whose path does not start with `modules/`.
//!
//! ## Why is this bad?
//! Files served from a module are addressed as `puppet:///modules/NAME/FILE`;
//! other mount points depend on the server's fileserver configuration, which a
//! new (EC2) puppetmaster does not have.
//!
//! ## Example
//! ```puppet
//! file { '/etc/motd': source => 'puppet:///files/motd' }
//! ```
//! Use instead:
//! ```puppet
//! file { '/etc/motd': source => 'puppet:///modules/motd/motd' }
//! ```
//!
//! ## References
//! puppet-lint `puppet_url_without_modules`; the Puppet docs, "The Puppet file server".

use crate::lint::{string_value, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "puppet_url_without_modules",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("puppet_url_without_modules.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    ctx.tokens
        .iter()
        .filter(|t| {
            let Some((value, _)) = string_value(ctx, t) else {
                return false;
            };
            let Some(rest) = value.strip_prefix("puppet://") else {
                return false;
            };
            // puppet-lint: the text after the first `/` that follows `puppet://`.
            let path = rest.find('/').map(|i| &rest[i + 1..]).filter(|p| !p.is_empty());
            !path.is_some_and(|p| p.starts_with("modules/"))
        })
        .map(|t| {
            ctx.problem(
                RULE.name,
                Kind::Warning,
                "puppet:// URL without modules/ found",
                t.span.start as usize,
            )
        })
        .collect()
}
