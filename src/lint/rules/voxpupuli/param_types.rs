//! ## What it does
//! Finds class and defined type parameters without a data type.
//!
//! ## Why is this bad?
//! A data type documents what a parameter takes and makes Puppet reject a
//! wrong value where it is passed, not somewhere deep in the catalog.
//!
//! ## Example
//! ```puppet
//! class mysql (
//!   $service_ensure,
//! ) { }
//! ```
//! Use instead:
//! ```puppet
//! class mysql (
//!   Enum['running', 'stopped'] $service_ensure,
//! ) { }
//! ```
//!
//! ## References
//! The `puppet-lint-param-types` gem (3.0.0), part of
//! voxpupuli-puppet-lint-plugins.

use crate::lint::tokens::LintKind;
use crate::lint::{lint_definitions, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "parameter_types",
    enabled_by_default: true,
    plugin: Some("puppet-lint-param-types"),
    fix: None,
    doc: include_str!("param_types.rs"),
    check,
};

/// Where the walk over a parameter list is.
#[derive(PartialEq)]
enum State {
    /// Before a parameter: a type or a variable comes.
    Begin,
    /// In the data type, up to the variable.
    Type,
    /// After the variable, up to the comma outside brackets.
    Rest,
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in lint_definitions(ctx) {
        let Some(list) = d.params.clone() else { continue };
        let name = lt.get(d.name).value;
        let mut state = State::Begin;
        let (mut parens, mut brackets) = (0usize, 0usize);
        for i in list.filter(|&i| i < lt.tokens.len()) {
            let t = lt.get(i);
            if t.kind.is_formatting() {
                continue;
            }
            match state {
                State::Begin => {
                    (parens, brackets) = (0, 0);
                    if t.kind == LintKind::Type || starts_capitalised_line(t.value) {
                        state = State::Type;
                    } else if t.kind == LintKind::Variable {
                        out.push(ctx.problem(
                            RULE.name,
                            Kind::Warning,
                            &format!("missing datatype for parameter {name}::{}", t.value),
                            t.start,
                        ));
                        state = State::Rest;
                    }
                }
                State::Type => {
                    if t.kind == LintKind::Variable {
                        state = State::Rest;
                    }
                }
                State::Rest if t.kind == LintKind::Punct => match t.value {
                    "(" => parens += 1,
                    ")" => parens = parens.saturating_sub(1),
                    "{" | "[" => brackets += 1,
                    "}" | "]" => brackets = brackets.saturating_sub(1),
                    "," if parens == 0 && brackets == 0 => state = State::Begin,
                    _ => {}
                },
                State::Rest => {}
            }
        }
    }
    out
}

/// Ruby's `/^[A-Z]/`: a capital letter first on some line of the value.
fn starts_capitalised_line(value: &str) -> bool {
    value
        .split('\n')
        .any(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
}
