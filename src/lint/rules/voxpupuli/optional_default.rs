//! ## What it does
//! Finds `Optional` class and defined type parameters whose default is a
//! value other than `undef` (a literal, not a variable or a function call),
//! and `Optional` defined type parameters with no default at all.
//!
//! ## Why is this bad?
//! `Optional` says "may be undef"; a default that is never undef makes the
//! `Optional` misleading (no caller can get undef by leaving it out). A defined
//! type's `Optional` parameter without a default must always be passed, which
//! is what `Optional` was meant to avoid (a class's may come from Hiera).
//!
//! ## Example
//! ```puppet
//! class ntp (
//!   Optional[String[1]] $pool = 'pool.ntp.org',
//! ) { }
//! ```
//! Use instead:
//! ```puppet
//! class ntp (
//!   String[1] $pool = 'pool.ntp.org',
//! ) { }
//! ```
//!
//! ## References
//! The `puppet-lint-optional_default-check` gem (3.0.0), part of
//! voxpupuli-puppet-lint-plugins.

use super::params::{has_call, read};
use crate::lint::tokens::LintKind;
use crate::lint::{lint_definitions, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "optional_default",
    enabled_by_default: true,
    plugin: Some("puppet-lint-optional_default-check"),
    fix: None,
    doc: include_str!("optional_default.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let defs = lint_definitions(ctx);
    for (d, params) in defs.iter().zip(read(lt, &defs)) {
        let define = lt.get(d.start).value == "define";
        for p in params {
            let var = p.var;
            let optional = p.ty.is_some_and(|ty| {
                let first = lt.get(*ty.start());
                first.kind == LintKind::Type && first.value == "Optional"
            });
            if !optional {
                continue;
            }
            let at = lt.get(var).start;
            match p.default {
                Some(value) => {
                    let first = lt.get(*value.start());
                    if !has_call(lt, &value) && !first.is("undef") && first.kind != LintKind::Variable {
                        out.push(ctx.problem(
                            RULE.name,
                            Kind::Warning,
                            "Optional parameter defaults to something other than undef",
                            at,
                        ));
                    }
                }
                None if define => out.push(ctx.problem(
                    RULE.name,
                    Kind::Warning,
                    "Optional defined type parameter doesn't have a default",
                    at,
                )),
                None => {}
            }
        }
    }
    out
}
