//! ## What it does
//! Finds selectors (`$x ? { ... }`) used as attribute values in a resource.
//!
//! ## Why is this bad?
//! The resource stops being a plain list of what is managed: the decision
//! hides inside it. Choose the value in a variable first.
//!
//! ## Example
//! ```puppet
//! package { 'httpd':
//!   name => $facts['os']['family'] ? {
//!     'Debian' => 'apache2',
//!     default  => 'httpd',
//!   },
//! }
//! ```
//! Use instead:
//! ```puppet
//! $pkg = $facts['os']['family'] ? {
//!   'Debian' => 'apache2',
//!   default  => 'httpd',
//! }
//! package { 'httpd':
//!   name => $pkg,
//! }
//! ```
//!
//! ## References
//! puppet-lint `selector_inside_resource`; the Puppet style guide, "Keep resource declarations simple".

use crate::lint::tokens::LintKind;
use crate::lint::{resources, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "selector_inside_resource",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("selector_inside_resource.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let (Some(lt), Some(resources)) = (ctx.lint(), resources(ctx)) else {
        return Vec::new();
    };
    resources
        .iter()
        .flat_map(|r| r.colon..=r.end)
        .filter(|&i| {
            let var = lt.next_code(i).filter(|&v| lt.get(v).kind == LintKind::Variable);
            lt.get(i).is("=>") && var.and_then(|v| lt.next_code(v)).is_some_and(|q| lt.get(q).is("?"))
        })
        .map(|i| {
            ctx.problem(
                RULE.name,
                Kind::Warning,
                "selector inside resource block",
                lt.get(i).start,
            )
        })
        .collect()
}
