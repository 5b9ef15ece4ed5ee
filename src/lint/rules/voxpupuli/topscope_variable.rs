//! ## What it does
//! In a manifest that defines a class or a defined type, finds variables of
//! another class read with a leading `::` (`$::apache::params::user`,
//! `"${::ntp::server}"`). Top-scope facts (`$::osfamily`, no second `::`)
//! are left to `legacy_facts` and `top_scope_facts`; a `$::name` in a string
//! without braces is not looked at.
//!
//! ## Why is this bad?
//! Since Puppet 4 a qualified name is always absolute: the leading `::` adds
//! nothing and hints at Puppet 3's relative lookups.
//!
//! ## Example
//! ```puppet
//! class site::web { $user = $::apache::params::user }
//! ```
//! Use instead:
//! ```puppet
//! class site::web { $user = $apache::params::user }
//! ```
//!
//! ## Fix safety
//! `--fix` drops the leading `::`. Puppet resolves both spellings to the same
//! variable; the program's AST differs only in that name.
//!
//! ## References
//! The `puppet-lint-topscope-variable-check` gem (3.0.0), part of Vox Pupuli's
//! plugin set.

use crate::lint::fix::set_variable;
use crate::lint::fix::{Fix, FixAt, Fixer, NoFix};
use crate::lint::tokens::LintKind;
use crate::lint::{lint_definitions, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "topscope_variable",
    enabled_by_default: true,
    plugin: Some("puppet-lint-topscope-variable-check"),
    fix: Some(Fix {
        apply: fix,
        changes_meaning: true,
    }),
    doc: include_str!("topscope_variable.rs"),
    check,
};

/// Whether a variable's value is `::` then a namespace of at least two
/// characters (lowercase, digit or `_` first; letters, digits, `_` after)
/// then `::`.
fn qualified_top_scope(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("::") else {
        return false;
    };
    let Some(end) = rest.find("::") else {
        return false;
    };
    let first = &rest[..end];
    first.len() >= 2
        && first.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && first.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    // Upstream looks only where a class or defined type is defined.
    if lint_definitions(ctx).is_empty() {
        return Vec::new();
    }
    lt.tokens
        .iter()
        .filter(|t| t.kind == LintKind::Variable && qualified_top_scope(t.value))
        .map(|t| {
            let message = format!("use ${} instead of ${}", &t.value[2..], t.value);
            ctx.problem(RULE.name, Kind::Warning, &message, t.start)
        })
        .collect()
}

fn fix(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let i = at.token.ok_or(NoFix)?;
    let pos = f.pos(i).ok_or(NoFix)?;
    let t = &f.toks[pos];
    // An earlier fix may have rewritten the token already.
    if t.kind != LintKind::Variable {
        return Err(NoFix);
    }
    let value = t.value.strip_prefix("::").ok_or(NoFix)?.to_string();
    set_variable(f, pos, value);
    Ok(())
}
