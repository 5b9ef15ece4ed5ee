//! ## What it does
//! Finds an attribute given twice in one resource body (or a key twice in one
//! hash inside it).
//!
//! ## Why is this bad?
//! Puppet refuses the catalog (`Duplicate parameter`); in a hash the last
//! value wins silently.
//!
//! ## Example
//! ```puppet
//! file { '/etc/motd':
//!   ensure => file,
//!   mode   => '0644',
//!   mode   => '0640',
//! }
//! ```
//! Use instead:
//! ```puppet
//! file { '/etc/motd':
//!   ensure => file,
//!   mode   => '0640',
//! }
//! ```
//!
//! ## References
//! puppet-lint `duplicate_params`.

use crate::lint::tokens::LintKind;
use crate::lint::{resources, Context, Kind, Problem, Rule};
use std::collections::{HashMap, HashSet};

/// The rule.
pub const RULE: Rule = Rule {
    name: "duplicate_params",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("duplicate_params.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let (Some(lt), Some(resources)) = (ctx.lint(), resources(ctx)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in resources {
        // The names seen at each brace depth of the body (a hash is one deeper).
        let mut seen: HashMap<i32, HashSet<&str>> = HashMap::new();
        let mut level = 0i32;
        for i in r.colon..=r.end {
            let t = lt.get(i);
            if t.is("{") {
                level += 1;
            } else if t.is("}") {
                seen.remove(&level);
                level -= 1;
            } else if t.is("=>") {
                let Some(name) = lt.prev_code(i).map(|p| lt.get(p)) else {
                    continue;
                };
                if name.kind == LintKind::Name && !seen.entry(level).or_default().insert(name.value) {
                    out.push(ctx.problem(
                        RULE.name,
                        Kind::Error,
                        "duplicate parameter found in resource",
                        name.start,
                    ));
                }
            }
        }
    }
    out
}
