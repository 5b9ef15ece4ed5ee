//! ## What it does
//! Finds double-quoted strings that hold one variable and nothing else
//! (`"${port}"`, `"$name"`, `"${facts['fqdn']}"`), except as hash keys.
//!
//! ## Why is this bad?
//! The quotes only turn the value into a string: a number, array or boolean
//! stops being one, silently. Write the variable itself.
//!
//! ## Example
//! ```puppet
//! $listen = "${port}"
//! ```
//! Use instead:
//! ```puppet
//! $listen = $port
//! ```
//!
//! ## References
//! puppet-lint `only_variable_string`; the Puppet style guide, "Quoting".

use crate::lint::tokens::LintKind;
use crate::lint::{Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "only_variable_string",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("only_variable_string.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let toks = &lt.tokens;
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != LintKind::DqPre || !t.value.is_empty() {
            continue;
        }
        let Some(var) = toks.get(i + 1) else { continue };
        if !matches!(var.kind, LintKind::Variable | LintKind::UnencVariable) {
            continue;
        }
        // The string must end right after the variable and its `[index]`es
        // (puppet-lint steps over `[`, one token, `]`).
        let mut end = i + 2;
        while toks.get(end).is_some_and(|t| t.is("[")) {
            end += 3;
        }
        let Some(post) = toks.get(end) else { continue };
        if post.kind != LintKind::DqPost || !post.value.is_empty() {
            continue;
        }
        // A hash key may be a string built from a variable.
        if lt.next_code(end).is_some_and(|n| lt.get(n).is("=>")) {
            continue;
        }
        out.push(ctx.problem(RULE.name, Kind::Warning, "string containing only a variable", var.start));
    }
    out
}
