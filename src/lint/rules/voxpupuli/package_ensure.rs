//! ## What it does
//! Finds `package` resources whose `ensure` is `latest` (bare or quoted)
//! (`package_ensure`), at the value.
//!
//! ## Why is this bad?
//! `latest` upgrades the package whenever the repository has a newer one:
//! upgrades happen on Puppet's schedule, on each node at a different time,
//! untested. Pin a version, or ensure `installed` and upgrade on purpose.
//!
//! ## Example
//! ```puppet
//! package { 'openssl':
//!   ensure => latest,
//! }
//! ```
//! Use instead:
//! ```puppet
//! package { 'openssl':
//!   ensure => installed,
//! }
//! ```
//! Only the first `ensure =>` of each resource body is read.
//!
//! ## Fix
//! `latest` becomes `installed`, quoted as it was; this changes what Puppet
//! does (no more upgrades), which is the point.
//!
//! ## References
//! The `puppet-lint-package_ensure-check` gem (danzilio), check
//! `package_ensure`.

use crate::lint::fix::{Fix, FixAt, Fixer, NoFix};
use crate::lint::{resources, Context, Kind, Problem, Rule};

/// `package_ensure`.
pub const RULE: Rule = Rule {
    name: "package_ensure",
    enabled_by_default: true,
    plugin: Some("puppet-lint-package_ensure-check"),
    fix: Some(Fix {
        apply: fix,
        changes_meaning: true,
    }),
    doc: include_str!("package_ensure.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let (Some(lt), Some(resources)) = (ctx.lint(), resources(ctx)) else {
        return Vec::new();
    };
    resources
        .iter()
        .filter(|r| lt.get(r.type_token).value == "package")
        .filter_map(|r| r.attribute_is(lt, "ensure", "latest"))
        .map(|v| {
            ctx.problem(
                RULE.name,
                Kind::Warning,
                "ensure set to latest on a package resource",
                lt.get(v).start,
            )
        })
        .collect()
}

fn fix(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let p = f.pos(at.token.ok_or(NoFix)?).ok_or(NoFix)?;
    f.set_word(p, "installed");
    Ok(())
}
