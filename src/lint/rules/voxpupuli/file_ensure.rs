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
use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{resources, Context, Kind, Problem, Resource, Rule};

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
        .filter_map(|r| ensure_value(lt, r, "present"))
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

/// The value of a body's first `ensure =>` (anywhere in its tokens, nested
/// ones included), when it is the word or plain string `wanted`.
fn ensure_value(lt: &LintTokens, r: &Resource, wanted: &str) -> Option<usize> {
    let ensure = (r.colon..=r.end).find(|&i| attribute(lt, i, "ensure"))?;
    let value = lt.next_code(lt.next_code(ensure)?)?;
    let t = lt.get(value);
    (t.value == wanted && matches!(t.kind, LintKind::Name | LintKind::String | LintKind::SString)).then_some(value)
}

/// Whether token `i` is the word `name` followed by `=>`.
fn attribute(lt: &LintTokens, i: usize, name: &str) -> bool {
    let t = lt.get(i);
    t.kind == LintKind::Name && t.value == name && lt.next_code(i).is_some_and(|n| lt.get(n).is("=>"))
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
    let target = (r.colon..=r.end).any(|j| attribute(at.lt, j, "target"));
    let p = f.pos(i).ok_or(NoFix)?;
    let t = &mut f.toks[p];
    t.value = if target { "link" } else { "file" }.to_string();
    t.text = match t.kind {
        LintKind::SString => format!("'{}'", t.value),
        LintKind::String => format!("\"{}\"", t.value),
        _ => t.value.clone(),
    };
    Ok(())
}
