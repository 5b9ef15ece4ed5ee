//! ## What it does
//! Finds `file` resources whose `ensure` is `present` (bare or quoted)
//! (`file_ensure`), at the value.
//!
//! ## Why is this bad?
//! `present` accepts whatever is there: a file, a directory or a symlink. The
//! resource then says nothing of what it manages; `file`, `directory` or
//! `link` says it, and Puppet enforces it.
//!
//! ## Example
//! ```puppet
//! file { '/etc/motd':
//!   ensure => present,
//! }
//! ```
//! Use instead:
//! ```puppet
//! file { '/etc/motd':
//!   ensure => file,
//! }
//! ```
//! Only the first `ensure =>` of each resource body is read.
//!
//! ## Fix
//! `present` becomes `file`, or `link` when the body has a `target`, quoted
//! as it was. This changes what Puppet enforces (a directory that was
//! accepted no longer is), which is the point.
//!
//! ## References
//! The `puppet-lint-file_ensure-check` gem (Vox Pupuli), check `file_ensure`.

use crate::lint::fix::{Fix, FixAt, Fixer, NoFix};
use crate::lint::{resources, Context, Kind, Problem, Rule};

/// `file_ensure`.
pub const RULE: Rule = Rule {
    name: "file_ensure",
    enabled_by_default: true,
    plugin: Some("puppet-lint-file_ensure-check"),
    fix: Some(Fix {
        apply: fix,
        changes_meaning: true,
    }),
    doc: include_str!("file_ensure.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let (Some(lt), Some(resources)) = (ctx.lint(), resources(ctx)) else {
        return Vec::new();
    };
    resources
        .iter()
        .filter(|r| lt.get(r.type_token).value == "file")
        .filter_map(|r| r.attribute_is(lt, "ensure", "present"))
        .map(|v| {
            ctx.problem(
                RULE.name,
                Kind::Warning,
                "ensure set to present on file resource",
                lt.get(v).start,
            )
        })
        .collect()
}

fn fix(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let i = at.token.ok_or(NoFix)?;
    let resources = resources(at.ctx).ok_or(NoFix)?;
    // The body holding the value: the last one starting before it.
    let k = resources.partition_point(|r| r.colon < i);
    let r = k
        .checked_sub(1)
        .and_then(|k| resources.get(k))
        .filter(|r| i <= r.end)
        .ok_or(NoFix)?;
    let target = r.attribute(at.lt, "target").is_some();
    let p = f.pos(i).ok_or(NoFix)?;
    f.set_word(p, if target { "link" } else { "file" });
    Ok(())
}
