//! ## What it does
//! Finds `file` resources whose `ensure` is a path (`ensure => '/etc/x'`).
//!
//! ## Why is this bad?
//! An `ensure` that names a path makes a symlink, but says so only to those
//! who know the shorthand; `ensure => link` with `target` says it outright.
//!
//! ## Example
//! ```puppet
//! file { '/etc/localtime':
//!   ensure => '/usr/share/zoneinfo/UTC',
//! }
//! ```
//! Use instead:
//! ```puppet
//! file { '/etc/localtime':
//!   ensure => link,
//!   target => '/usr/share/zoneinfo/UTC',
//! }
//! ```
//!
//! ## References
//! puppet-lint `ensure_not_symlink_target`; the Puppet style guide, "Symbolic links".

use crate::lint::{resources, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "ensure_not_symlink_target",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("ensure_not_symlink_target.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let (Some(lt), Some(resources)) = (ctx.lint(), resources(ctx)) else {
        return Vec::new();
    };
    resources
        .iter()
        .filter(|r| lt.get(r.type_token).value == "file")
        .flat_map(|r| r.params.iter().filter(|&&p| lt.get(p).value == "ensure"))
        .filter_map(|&p| lt.next_code(p).and_then(|arrow| lt.next_code(arrow)))
        .map(|v| lt.get(v))
        .filter(|v| v.value.starts_with('/'))
        .map(|v| {
            ctx.problem(
                RULE.name,
                Kind::Warning,
                "symlink target specified in ensure attr",
                v.start,
            )
        })
        .collect()
}
