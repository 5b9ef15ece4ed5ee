//! ## What it does
//! Finds `case` statements without a `default:` option.
//!
//! ## Why is this bad?
//! A value no option matches does nothing, silently: on a new target (an EC2
//! image whose facts differ from the Vagrant box's) that is where surprises
//! hide. A `default:` that fails says so.
//!
//! ## Example
//! ```puppet
//! case $facts['os']['family'] {
//!   'Debian': { $pkg = 'apache2' }
//! }
//! ```
//! Use instead:
//! ```puppet
//! case $facts['os']['family'] {
//!   'Debian': { $pkg = 'apache2' }
//!   default:  { fail("unsupported OS family ${facts['os']['family']}") }
//! }
//! ```
//!
//! ## References
//! puppet-lint `case_without_default`; the Puppet style guide, "Defaults for case statements and selectors".

use crate::lint::{Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "case_without_default",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("case_without_default.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    // Code tokens only, as puppet-lint's token list has them.
    let code: Vec<_> = ctx.tokens.iter().filter(|t| !t.kind.is_trivia()).collect();
    let is = |i: usize, s: &str| ctx.text(code[i]) == s && code[i].kind != TokenKind::SqString;
    let cases = case_ranges(
        code.len(),
        |i| is(i, "{"),
        |i| is(i, "}"),
        |i| code[i].kind == TokenKind::Name && is(i, "case"),
    );
    // puppet-lint takes the tokens of every later case out of a case's own,
    // then looks for `default` at brace depth one in what is left. A token is
    // left to the latest-starting case that holds it, and to no other.
    let mut owner: Vec<Option<usize>> = vec![None; code.len()];
    let mut by_end = std::collections::BinaryHeap::new();
    let mut next = 0;
    for (t, slot) in owner.iter_mut().enumerate() {
        while next < cases.len() && cases[next].0 == t {
            by_end.push((cases[next].0, std::cmp::Reverse(cases[next].1), next));
            next += 1;
        }
        // The latest start whose range still holds `t` (ranges past are dropped lazily).
        while by_end.peek().is_some_and(|&(_, std::cmp::Reverse(end), _)| end < t) {
            by_end.pop();
        }
        *slot = by_end.peek().map(|&(_, _, k)| k);
    }
    let mut depth = vec![0i32; cases.len()];
    let mut found = vec![false; cases.len()];
    for (t, k) in owner.iter().enumerate() {
        let Some(k) = *k else { continue };
        if is(t, "{") {
            depth[k] += 1;
        } else if is(t, "}") {
            depth[k] -= 1;
        } else if depth[k] == 1 && code[t].kind == TokenKind::Name && is(t, "default") {
            found[k] = true;
        }
    }
    cases
        .iter()
        .zip(found)
        .filter(|(_, found)| !found)
        .map(|(&(start, _), _)| {
            ctx.problem(
                RULE.name,
                Kind::Warning,
                "case statement without a default case",
                code[start].span.start as usize,
            )
        })
        .collect()
}

/// Each `case` keyword with the `}` that brings the brace count back to what
/// it was at the keyword (puppet-lint's walk from each), found in one pass;
/// `(start, end)` in the order of the starts.
fn case_ranges(
    len: usize,
    open: impl Fn(usize) -> bool,
    close: impl Fn(usize) -> bool,
    keyword: impl Fn(usize) -> bool,
) -> Vec<(usize, usize)> {
    let mut waiting: std::collections::HashMap<i64, Vec<usize>> = std::collections::HashMap::new();
    let mut ends = Vec::new();
    let mut depth = 0i64;
    for i in 0..len {
        if keyword(i) {
            waiting.entry(depth).or_default().push(ends.len());
            ends.push((i, None));
        } else if open(i) {
            depth += 1;
        } else if close(i) {
            depth -= 1;
            for k in waiting.remove(&depth).unwrap_or_default() {
                ends[k].1 = Some(i);
            }
        }
    }
    ends.into_iter().filter_map(|(s, e)| Some((s, e?))).collect()
}
