//! ## What it does
//! Finds class and defined type parameters typed `String...` or `Variant...`
//! whose default is the empty string `''`.
//!
//! ## Why is this bad?
//! An empty string used as "not set" is what `Optional` and `undef` are for;
//! a `String` parameter should default to a meaningful value (and is usually
//! better typed `String[1]`).
//!
//! ## Example
//! ```puppet
//! class motd (
//!   String $banner = '',
//! ) { }
//! ```
//! Use instead:
//! ```puppet
//! class motd (
//!   Optional[String[1]] $banner = undef,
//! ) { }
//! ```
//!
//! ## References
//! The `puppet-lint-params_empty_string-check` gem (3.0.0), part of
//! voxpupuli-puppet-lint-plugins.

use super::params::read;
use crate::lint::tokens::LintKind;
use crate::lint::{lint_definitions, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "params_empty_string_assignment",
    enabled_by_default: true,
    plugin: Some("puppet-lint-params_empty_string-check"),
    fix: None,
    doc: include_str!("params_empty_string.rs"),
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
            let value = lt.get(*value.start());
            if ty.kind == LintKind::Type
                && (ty.value.starts_with("String") || ty.value.starts_with("Variant"))
                && value.kind == LintKind::SString
                && value.value.is_empty()
            {
                out.push(ctx.problem(
                    RULE.name,
                    Kind::Warning,
                    "class parameter with String type defaults to empty string",
                    lt.get(var).start,
                ));
            }
        }
    }
    out
}
