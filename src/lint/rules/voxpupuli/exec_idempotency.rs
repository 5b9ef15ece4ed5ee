//! ## What it does
//! Finds `exec` resources with none of the attributes that make them
//! idempotent: `onlyif`, `unless`, `creates` or `refreshonly`
//! (`exec_idempotency`). The problem is placed at the colon after the title.
//!
//! ## Why is this bad?
//! Such an exec runs its command on every Puppet run: the node never reaches
//! a state where nothing changes, and reports show a change each time.
//!
//! ## Example
//! ```puppet
//! exec { '/usr/bin/make install':
//!   cwd => '/opt/app',
//! }
//! ```
//! Use instead:
//! ```puppet
//! exec { '/usr/bin/make install':
//!   cwd     => '/opt/app',
//!   creates => '/usr/local/bin/app',
//! }
//! ```
//! Attributes are read in the body only, at its own level (not inside
//! brackets or braces): a resource default (`default: refreshonly => true`)
//! in the same block does not count.
//!
//! ## References
//! The `puppet-lint-exec_idempotency-check` gem (Vox Pupuli), check
//! `exec_idempotency`.

use crate::lint::tokens::{LintKind, LintToken, LintTokens};
use crate::lint::{resources, Context, Kind, Problem, Rule};

/// `exec_idempotency`.
pub const RULE: Rule = Rule {
    name: "exec_idempotency",
    enabled_by_default: true,
    plugin: Some("puppet-lint-exec_idempotency-check"),
    fix: None,
    doc: include_str!("exec_idempotency.rs"),
    check,
};

/// The attributes that make an exec idempotent.
const IDEMPOTENT: [&str; 4] = ["onlyif", "unless", "creates", "refreshonly"];

fn check(ctx: &Context) -> Vec<Problem> {
    let (Some(lt), Some(resources)) = (ctx.lint(), resources(ctx)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in resources.iter().filter(|r| lt.get(r.type_token).value == "exec") {
        if !idempotent(lt, r.colon, r.end) {
            out.push(ctx.problem(
                RULE.name,
                Kind::Warning,
                "exec without idempotency. set at least one of the attributes: onlyif, unless, creates, refreshonly",
                lt.get(r.colon).start,
            ));
        }
    }
    out
}

/// Whether a body (`colon..=end`) sets one of the idempotency attributes: a
/// word (or `unless`) followed by `=>`, at the body's own level (brackets,
/// braces and parentheses stepped over, as puppet-lint's `next_token_of`
/// does). The walk never leaves the body: its blocks all close inside it.
fn idempotent(lt: &LintTokens, colon: usize, end: usize) -> bool {
    let mut j = colon + 1;
    while j <= end {
        let t = lt.get(j);
        let word = t.kind == LintKind::Name || (t.kind == LintKind::Keyword && t.value == "unless");
        if word && IDEMPOTENT.contains(&t.value) && lt.next_code(j).is_some_and(|n| lt.get(n).is("=>")) {
            return true;
        }
        let close = match (t.kind, t.value) {
            (LintKind::Punct, "{") => Some("}"),
            (LintKind::Punct, "[") => Some("]"),
            (LintKind::Punct, "(") => Some(")"),
            _ => None,
        };
        if let Some(close) = close {
            match lt.next_token_of(j, &|u: &LintToken| u.kind == LintKind::Punct && u.value == close) {
                Some(k) => j = k,
                None => return false,
            }
        }
        j += 1;
    }
    false
}
