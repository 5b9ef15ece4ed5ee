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
use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{resources, Context, Kind, Problem, Resource, Rule};

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
        .filter_map(|r| latest(lt, r))
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

/// The value of a body's first `ensure =>` (anywhere in its tokens, nested
/// ones included), when it is the word or plain string `latest`.
fn latest(lt: &LintTokens, r: &Resource) -> Option<usize> {
    let ensure = (r.colon..=r.end).find(|&i| {
        let t = lt.get(i);
        t.kind == LintKind::Name && t.value == "ensure" && lt.next_code(i).is_some_and(|n| lt.get(n).is("=>"))
    })?;
    let value = lt.next_code(lt.next_code(ensure)?)?;
    let t = lt.get(value);
    (t.value == "latest" && matches!(t.kind, LintKind::Name | LintKind::String | LintKind::SString)).then_some(value)
}

fn fix(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let p = f.pos(at.token.ok_or(NoFix)?).ok_or(NoFix)?;
    let t = &mut f.toks[p];
    t.value = "installed".to_string();
    t.text = match t.kind {
        LintKind::SString => "'installed'".to_string(),
        LintKind::String => "\"installed\"".to_string(),
        _ => t.value.clone(),
    };
    Ok(())
}
