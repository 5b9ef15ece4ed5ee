//! ## What it does
//! Finds resources whose `ensure` attribute is not the first one (class
//! declarations `class { 'x': }` excepted).
//!
//! ## Why is this bad?
//! `ensure` says whether the resource exists at all, which changes what every
//! other attribute means: it is what a reader needs first.
//!
//! ## Example
//! ```puppet
//! file { '/etc/motd':
//!   owner  => 'root',
//!   ensure => file,
//! }
//! ```
//! Use instead:
//! ```puppet
//! file { '/etc/motd':
//!   ensure => file,
//!   owner  => 'root',
//! }
//! ```
//!
//! ## References
//! puppet-lint `ensure_first_param`; the Puppet style guide, "Attribute ordering".

use crate::lint::{resources, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "ensure_first_param",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("ensure_first_param.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let (Some(lt), Some(resources)) = (ctx.lint(), resources(ctx)) else {
        return Vec::new();
    };
    resources
        .iter()
        .filter(|r| !lt.get(r.type_token).is("class"))
        .filter_map(|r| {
            let at = r.params.iter().position(|&p| lt.get(p).value == "ensure")?;
            (at > 0).then(|| {
                ctx.problem(
                    RULE.name,
                    Kind::Warning,
                    "ensure found on line but it's not the first attribute",
                    lt.get(r.params[at]).start,
                )
            })
        })
        .collect()
}
