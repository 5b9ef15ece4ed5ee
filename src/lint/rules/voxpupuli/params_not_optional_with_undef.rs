//! ## What it does
//! Finds class and defined type parameters with a data type other than
//! `Optional...` whose default is `undef`.
//!
//! ## Why is this bad?
//! A type that does not accept undef with an `undef` default fails as soon as
//! the parameter is left out (or passes only because the type is looser than
//! it reads, like `Any`). Say `Optional[...]` when undef is allowed.
//!
//! ## Example
//! ```puppet
//! class backup (
//!   String[1] $target = undef,
//! ) { }
//! ```
//! Use instead:
//! ```puppet
//! class backup (
//!   Optional[String[1]] $target = undef,
//! ) { }
//! ```
//!
//! ## References
//! The `puppet-lint-params_not_optional_with_undef-check` gem (1.0.0), part of
//! voxpupuli-puppet-lint-plugins.

use super::params::{has_call, read};
use crate::lint::tokens::LintKind;
use crate::lint::{lint_definitions, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "params_not_optional_with_undef",
    enabled_by_default: true,
    plugin: Some("puppet-lint-params_not_optional_with_undef-check"),
    fix: None,
    doc: include_str!("params_not_optional_with_undef.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let defs = lint_definitions(ctx);
    for params in read(lt, &defs) {
        for p in params {
            let var = p.var;
            let (Some(ty), Some(value)) = (p.ty, p.default.clone()) else {
                continue;
            };
            let ty = lt.get(*ty.start());
            if ty.kind == LintKind::Type
                && ty.value != "Optional"
                && !has_call(lt, &value)
                && lt.get(*value.start()).is("undef")
            {
                out.push(ctx.problem(
                    RULE.name,
                    Kind::Warning,
                    "Not optional parameter defaults to undef",
                    lt.get(var).start,
                ));
            }
        }
    }
    out
}
