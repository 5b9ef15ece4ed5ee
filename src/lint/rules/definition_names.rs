//! ## What it does
//! `names_containing_dash` finds class and defined type names with a dash;
//! `names_containing_uppercase` finds names with an uppercase letter.
//!
//! ## Why is this bad?
//! Puppet 4+ rejects both: class names are lowercase letters, digits and
//! underscores in `::`-separated segments, and the autoloader maps them to files.
//!
//! ## Example
//! ```puppet
//! class my-app { }
//! class MyApp { }
//! ```
//! Use instead:
//! ```puppet
//! class my_app { }
//! ```
//!
//! ## References
//! puppet-lint `names_containing_dash` and `names_containing_uppercase`; the
//! Puppet language reference, "Reserved words and acceptable names".

use crate::lint::{definitions, Context, Kind, Problem, Rule};

/// Dashes in class and define names.
pub const DASH: Rule = Rule {
    name: "names_containing_dash",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("definition_names.rs"),
    check: check_dash,
};

/// Uppercase letters in class and define names.
pub const UPPERCASE: Rule = Rule {
    name: "names_containing_uppercase",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("definition_names.rs"),
    check: check_uppercase,
};

fn check_dash(ctx: &Context) -> Vec<Problem> {
    definitions(ctx)
        .into_iter()
        .filter(|d| ctx.text(&ctx.tokens[d.name]).contains('-'))
        .map(|d| {
            let at = ctx.tokens[d.name].span.start as usize;
            ctx.problem(
                DASH.name,
                Kind::Error,
                &format!("{} name containing a dash", d.what),
                at,
            )
        })
        .collect()
}

fn check_uppercase(ctx: &Context) -> Vec<Problem> {
    definitions(ctx)
        .into_iter()
        .filter(|d| ctx.text(&ctx.tokens[d.name]).bytes().any(|c| c.is_ascii_uppercase()))
        .map(|d| {
            let name = ctx.text(&ctx.tokens[d.name]);
            let at = ctx.tokens[d.name].span.start as usize;
            let message = format!("{} '{name}' contains illegal uppercase", d.what);
            ctx.problem(UPPERCASE.name, Kind::Error, &message, at)
        })
        .collect()
}
