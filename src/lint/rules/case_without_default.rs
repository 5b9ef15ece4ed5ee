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
    doc: include_str!("case_without_default.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    // Code tokens only, as puppet-lint's token list has them.
    let code: Vec<_> = ctx.tokens.iter().filter(|t| !t.kind.is_trivia()).collect();
    let is = |i: usize, s: &str| ctx.text(code[i]) == s && code[i].kind != TokenKind::SqString;
    // Each case: from `case` to the `}` that brings the brace depth back to zero.
    let cases: Vec<(usize, usize)> = (0..code.len())
        .filter(|&i| code[i].kind == TokenKind::Name && is(i, "case"))
        .filter_map(|start| {
            let mut depth = 0i32;
            (start + 1..code.len()).find_map(|j| {
                if is(j, "{") {
                    depth += 1;
                } else if is(j, "}") {
                    depth -= 1;
                    if depth == 0 {
                        return Some((start, j));
                    }
                }
                None
            })
        })
        .collect();
    let mut out = Vec::new();
    for (k, &(start, end)) in cases.iter().enumerate() {
        // The tokens of later (nested) cases do not count for this one.
        let inner: Vec<(usize, usize)> = cases[k + 1..].to_vec();
        let mut depth = 0i32;
        let mut found = false;
        for (i, t) in code.iter().enumerate().take(end + 1).skip(start) {
            if inner.iter().any(|&(s, e)| (s..=e).contains(&i)) {
                continue;
            }
            if is(i, "{") {
                depth += 1;
            } else if is(i, "}") {
                depth -= 1;
            } else if depth == 1 && t.kind == TokenKind::Name && is(i, "default") {
                found = true;
                break;
            }
        }
        if !found {
            out.push(ctx.problem(
                RULE.name,
                Kind::Warning,
                "case statement without a default case",
                code[start].span.start as usize,
            ));
        }
    }
    out
}
