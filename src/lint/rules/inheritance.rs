//! ## What it does
//! `inherits_across_namespaces` finds classes inheriting from a class of another
//! module; `class_inherits_from_params_class` (off by default) finds classes
//! inheriting from a `::params` class.
//!
//! ## Why is this bad?
//! Inheritance ties a class to another's internals; across modules that coupling
//! breaks when either module changes. The params-class pattern predates Hiera
//! module data, which replaces it.
//!
//! ## Example
//! ```puppet
//! class nginx inherits apache::params { }
//! ```
//! Use instead:
//! ```puppet
//! class nginx (String $user = 'www-data') { }
//! ```
//!
//! ## References
//! puppet-lint `inherits_across_namespaces` and `class_inherits_from_params_class`;
//! the Puppet style guide, "Class inheritance".

use crate::lint::{definitions, Context, Kind, Problem, Rule};

/// Inheriting from another module's class.
pub const ACROSS_NAMESPACES: Rule = Rule {
    name: "inherits_across_namespaces",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("inheritance.rs"),
    check: check_across,
};

/// Inheriting from a `::params` class.
pub const FROM_PARAMS: Rule = Rule {
    name: "class_inherits_from_params_class",
    enabled_by_default: false,
    plugin: None,
    fix: None,
    doc: include_str!("inheritance.rs"),
    check: check_params,
};

fn module(name: &str) -> Option<&str> {
    name.split("::").find(|s| !s.is_empty())
}

fn check_across(ctx: &Context) -> Vec<Problem> {
    definitions(ctx)
        .into_iter()
        .filter(|d| d.what == "class")
        .filter_map(|d| {
            let parent = &ctx.tokens[d.inherited?];
            let own = ctx.text(&ctx.tokens[d.name]);
            (module(own) != module(ctx.text(parent))).then(|| {
                let at = parent.span.start as usize;
                ctx.problem(
                    ACROSS_NAMESPACES.name,
                    Kind::Warning,
                    "class inherits across module namespaces",
                    at,
                )
            })
        })
        .collect()
}

fn check_params(ctx: &Context) -> Vec<Problem> {
    definitions(ctx)
        .into_iter()
        .filter(|d| d.what == "class")
        .filter_map(|d| {
            let parent = &ctx.tokens[d.inherited?];
            ctx.text(parent).ends_with("::params").then(|| {
                ctx.problem(
                    FROM_PARAMS.name,
                    Kind::Warning,
                    "class inheriting from params class",
                    parent.span.start as usize,
                )
            })
        })
        .collect()
}
