//! ## What it does
//! Finds variables whose name has a capital letter (`$myVar`, `"${portNumber}"`).
//! A hash index written after the name (`$conf['Key']`) does not count: only
//! the name is looked at.
//!
//! ## Why is this bad?
//! Puppet's style guide asks for lowercase variable names; mixed case makes
//! `$portnumber` and `$portNumber` two different variables that look alike.
//!
//! ## Example
//! ```puppet
//! $webRoot = '/srv/www'
//! ```
//! Use instead:
//! ```puppet
//! $webroot = '/srv/www'
//! ```
//!
//! ## Fix safety
//! `--fix` lowercases the variable token as upstream does, index included
//! (`$myHash['Key']` becomes `$myhash['key']`), and only the flagged token:
//! a class parameter renamed this way changes the class's interface. The fix
//! means to change the program.
//!
//! ## References
//! The `puppet-lint-variable_contains_upcase` gem (3.0.0), part of Vox
//! Pupuli's plugin set.

use crate::lint::fix::{set_variable, Fix, FixAt, Fixer, NoFix};
use crate::lint::tokens::LintKind;
use crate::lint::{Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "variable_contains_upcase",
    enabled_by_default: true,
    plugin: Some("puppet-lint-variable_contains_upcase"),
    fix: Some(Fix {
        apply: fix,
        changes_meaning: true,
    }),
    doc: include_str!("variable_contains_upcase.rs"),
    check,
};

/// Whether a variable token's value has a capital letter outside its
/// `[...]` indexes (upstream drops each `[` to the nearest `]`, at least one
/// character between them, before looking).
fn has_capital(value: &str) -> bool {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'[' {
            // `\[.+?\]`: the nearest `]` after at least one character, not
            // across a line break.
            let after = i + 2;
            if let Some(k) = b
                .get(i + 1)
                .filter(|&&c| c != b'\n')
                .and_then(|_| b.get(after..))
                .and_then(|rest| rest.iter().position(|&c| c == b']' || c == b'\n'))
            {
                if b[after + k] == b']' {
                    i = after + k + 1;
                    continue;
                }
            }
        }
        if b[i].is_ascii_uppercase() {
            return true;
        }
        i += 1;
    }
    false
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    lt.tokens
        .iter()
        .filter(|t| matches!(t.kind, LintKind::Variable | LintKind::UnencVariable) && has_capital(t.value))
        .map(|t| ctx.problem(RULE.name, Kind::Warning, "variable contains a capital letter", t.start))
        .collect()
}

fn fix(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let i = at.token.ok_or(NoFix)?;
    let pos = f.pos(i).ok_or(NoFix)?;
    if !matches!(f.toks[pos].kind, LintKind::Variable | LintKind::UnencVariable) {
        return Err(NoFix);
    }
    let value = f.toks[pos].value.to_lowercase();
    set_variable(f, pos, value);
    Ok(())
}
