//! ## What it does
//! Finds `lookup()` called inside a class's or defined type's parameter list
//! (typically as a parameter's default).
//!
//! ## Why is this bad?
//! Class parameters already get their values from Hiera by automatic
//! parameter lookup; an explicit `lookup()` in a default hides that, and in a
//! defined type it binds every instance to one Hiera key. Pass the value in,
//! or read it with automatic lookup.
//!
//! ## Example
//! ```puppet
//! define site::vhost (
//!   String $docroot = lookup('site::docroot'),
//! ) { }
//! ```
//! Use instead:
//! ```puppet
//! define site::vhost (
//!   String $docroot,
//! ) { }
//! ```
//!
//! ## References
//! The `puppet-lint-lookup_in_parameter-check` gem (3.0.0), part of
//! voxpupuli-puppet-lint-plugins.

use crate::lint::tokens::LintKind;
use crate::lint::{Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "lookup_in_parameter",
    enabled_by_default: true,
    plugin: Some("puppet-lint-lookup_in_parameter-check"),
    fix: None,
    doc: include_str!("lookup_in_parameter.rs"),
    check,
};

const MESSAGE: &str = "lookup used to set the default value of a parameter";

/// One pass: a `class`/`define` keyword followed by a name and `(` opens a
/// parenthesis count; every `lookup(` while it is open is reported.
fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // The parenthesis depth inside a parameter list, `None` outside one.
    let mut active: Option<i64> = None;
    for (i, t) in lt.tokens.iter().enumerate() {
        match t.kind {
            LintKind::Keyword if t.value == "class" || t.value == "define" => {
                let name = lt.next_code(i).filter(|&n| lt.get(n).kind == LintKind::Name);
                if name.and_then(|n| lt.next_code(n)).is_some_and(|p| lt.get(p).is("(")) {
                    active = Some(0);
                }
            }
            LintKind::Punct if t.value == "(" => {
                if let Some(depth) = active.as_mut() {
                    *depth += 1;
                }
            }
            LintKind::Punct if t.value == ")" => {
                if let Some(depth) = active {
                    active = Some(depth - 1).filter(|&d| d != 0);
                }
            }
            LintKind::FunctionName if t.value == "lookup" && active.is_some() => {
                out.push(ctx.problem(RULE.name, Kind::Warning, MESSAGE, t.start));
            }
            _ => {}
        }
    }
    out
}
