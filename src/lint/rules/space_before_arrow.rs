//! ## What it does
//! In a resource whose `=>` arrows are all on one line, finds an arrow not
//! preceded by exactly one space (`foo  => 'bar'`, `foo=> 'bar'`). Resources
//! with arrows on several lines are `arrow_alignment`'s business.
//! puppet-lint's `space_before_arrow` (after 3.0.1); on by default there and
//! here, off with `--compat 3` as in puppet-lint 3.0.1.
//!
//! ## Why is this bad?
//! One space before `=>` is the style guide's layout; extra or missing blanks
//! make one-line resources harder to read and diff.
//!
//! ## Example
//! ```puppet
//! file { '/tmp/x': ensure  => file }
//! ```
//! Use instead:
//! ```puppet
//! file { '/tmp/x': ensure => file }
//! ```
//!
//! ## Fix safety
//! `--fix` makes the blank before the arrow a single space: layout only.
//!
//! ## References
//! puppet-lint `space_before_arrow` (puppetlabs/puppet-lint, after 3.0.1);
//! the Puppet style guide, "Arrangement of attributes".

use crate::lint::tokens::LintKind;
use crate::lint::{resources, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "space_before_arrow",
    enabled_by_default: false,
    plugin: None,
    fix: None,
    doc: include_str!("space_before_arrow.rs"),
    check,
};

/// The tokens before arrows that are not a single space: (token index, arrow index).
pub fn offenders(ctx: &Context) -> Vec<(usize, usize)> {
    let (Some(lt), Some(res)) = (ctx.lint(), resources(ctx)) else {
        return Vec::new();
    };
    let line = |i: usize| ctx.line_col(lt.get(i).start).0;
    let mut out = Vec::new();
    for r in res {
        let arrows: Vec<usize> = (r.colon..=r.end).filter(|&i| lt.get(i).is("=>")).collect();
        let (Some(&first), Some(&last)) = (arrows.first(), arrows.last()) else {
            continue;
        };
        if line(first) != line(last) {
            continue;
        }
        for a in arrows {
            // puppet-lint's prev_token, comments dropped from the resource's tokens.
            let Some(prev) = (r.colon..a).rev().find(|&j| {
                !matches!(
                    lt.get(j).kind,
                    LintKind::Comment | LintKind::MlComment | LintKind::SlashComment
                )
            }) else {
                continue;
            };
            let p = lt.get(prev);
            if p.kind == LintKind::Whitespace && p.value == " " {
                continue;
            }
            out.push((prev, a));
        }
    }
    out
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    offenders(ctx)
        .into_iter()
        .map(|(prev, _)| {
            let (l, c) = ctx.line_col(lt.get(prev).start);
            ctx.problem(
                RULE.name,
                Kind::Warning,
                &format!("there should be a single space before '=>' on line {l}, column {c}"),
                lt.get(prev).start,
            )
        })
        .collect()
}
