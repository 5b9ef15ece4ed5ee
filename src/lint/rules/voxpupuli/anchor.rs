//! ## What it does
//! Finds `anchor` resources (`anchor_resource`), at the resource's type.
//!
//! ## Why is this bad?
//! Anchors were the stdlib workaround, from before Puppet 3.4, for classes
//! declared inside a class escaping its ordering. `contain` does that job
//! directly; the anchors are only noise in the catalog and a dependency on
//! stdlib.
//!
//! ## Example
//! ```puppet
//! anchor { 'app::begin': }
//! -> class { 'app::install': }
//! -> anchor { 'app::end': }
//! ```
//! Use instead:
//! ```puppet
//! contain app::install
//! ```
//!
//! ## References
//! The `puppet-lint-anchor-check` gem (Vox Pupuli), check `anchor_resource`.

use crate::lint::{resources, Context, Kind, Problem, Rule};

/// `anchor_resource`.
pub const RULE: Rule = Rule {
    name: "anchor_resource",
    enabled_by_default: true,
    plugin: Some("puppet-lint-anchor-check"),
    fix: None,
    doc: include_str!("anchor.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let (Some(lt), Some(resources)) = (ctx.lint(), resources(ctx)) else {
        return Vec::new();
    };
    // One problem per resource body: `anchor { 'a': ; 'b': }` gives two, both
    // at the type.
    resources
        .iter()
        .map(|r| lt.get(r.type_token))
        .filter(|t| t.value == "anchor")
        .map(|t| ctx.problem(RULE.name, Kind::Warning, "manifest includes anchor resource", t.start))
        .collect()
}
