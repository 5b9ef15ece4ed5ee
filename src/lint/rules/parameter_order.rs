//! ## What it does
//! Finds class and defined type parameters without a default listed after one
//! with a default (`Optional` parameters count as having one).
//!
//! ## Why is this bad?
//! Required parameters first is the order readers (and puppet-strings) expect:
//! what must be passed comes before what may be.
//!
//! ## Example
//! ```puppet
//! class ntp (
//!   $service = 'ntpd',
//!   $servers,
//! ) { }
//! ```
//! Use instead:
//! ```puppet
//! class ntp (
//!   $servers,
//!   $service = 'ntpd',
//! ) { }
//! ```
//!
//! ## References
//! puppet-lint `parameter_order`; the Puppet style guide, "Display order of parameters".

use crate::lint::tokens::{LintKind, LintToken, LintTokens};
use crate::lint::{lint_definitions, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "parameter_order",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("parameter_order.rs"),
    check,
};

/// puppet-lint's TYPE tokens: data types and the keyword `type`.
fn is_type(t: &LintToken) -> bool {
    t.kind == LintKind::Type || t.is("type")
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in lint_definitions(ctx) {
        let Some(params) = d.params else { continue };
        let (mut parens, mut nesting) = (0usize, 0usize);
        for i in params.clone() {
            let t = lt.get(i);
            match t.value {
                "(" if t.kind == LintKind::Punct => parens += 1,
                ")" if t.kind == LintKind::Punct => parens = parens.saturating_sub(1),
                "{" | "[" if t.kind == LintKind::Punct => nesting += 1,
                "}" | "]" if t.kind == LintKind::Punct => nesting = nesting.saturating_sub(1),
                _ => {}
            }
            if parens > 0 || nesting > 0 || !is_parameter(lt, i) || !is_required(lt, i) {
                continue;
            }
            // Only after some default (any `=` so far in the list).
            if !(params.start..=i).any(|j| lt.get(j).is("=")) {
                continue;
            }
            out.push(ctx.problem(
                RULE.name,
                Kind::Warning,
                "optional parameter listed before required parameter",
                t.start,
            ));
        }
    }
    out
}

/// A variable that starts a parameter: after `(`, `,` or its type.
fn is_parameter(lt: &LintTokens, i: usize) -> bool {
    lt.get(i).kind == LintKind::Variable
        && lt.prev_code(i).is_some_and(|p| {
            let p = lt.get(p);
            p.is("(") || p.is(",") || p.is("]") || is_type(p)
        })
}

/// No default and not `Optional`. puppet-lint looks for the type backwards
/// from the variable, stepping over brackets, as far as it must.
fn is_required(lt: &LintTokens, i: usize) -> bool {
    if lt
        .prev_token_of(i, &is_type)
        .is_some_and(|t| lt.get(t).value == "Optional")
    {
        return false;
    }
    match lt.next_code(i).map(|n| lt.get(n)) {
        None => !lt.prev_code(i).is_some_and(|p| lt.get(p).is("=")),
        Some(n) if n.is(",") || n.is(")") => !lt.prev_code(i).is_some_and(|p| lt.get(p).is("=")),
        Some(_) => false,
    }
}
