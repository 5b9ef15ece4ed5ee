//! The part of Puppet's validation pass (and the few evaluation errors that
//! the text alone decides) that `puppet apply` stops on before applying
//! anything: names Puppet refuses, values produced and forgotten, hash and
//! empty titles, and under `strict=error` duplicate hash keys and numbers in
//! strings.

use super::Finding;
use crate::diagnostic::Span;
use crate::puppet::ast::{BinaryOp, Definition, Expr, ExprKind, Parameter};
use crate::puppet::visit;

/// Type names Puppet keeps for itself; a class or define may not take them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "type",
    "any",
    "unit",
    "scalar",
    "boolean",
    "numeric",
    "integer",
    "float",
    "collection",
    "array",
    "hash",
    "tuple",
    "struct",
    "variant",
    "optional",
    "enum",
    "regexp",
    "pattern",
    "runtime",
    "init",
    "object",
    "sensitive",
    "semver",
    "semverrange",
    "string",
    "timestamp",
    "timespan",
    "typeset",
];

/// Every finding of the validation pass in the program `body`.
pub(super) fn check(body: &Expr, out: &mut Vec<Finding>) {
    stacker::maybe_grow(64 << 10, 4 << 20, || {
        node(body, out);
        visit::for_each_child(body, |c| check(c, out));
    })
}

fn node(e: &Expr, out: &mut Vec<Finding>) {
    match &e.kind {
        ExprKind::Class { def, .. } => definition(def, "Host Class Definition", "a Host Class Definition", out),
        ExprKind::Define(def) => definition(def, "'define' expression", "A 'define' expression", out),
        ExprKind::Function { def, .. } => {
            definition_name(def, "Function Definition", out);
            params(&def.params, out);
            forgotten_value(def.body.as_deref().unwrap_or_default(), out);
        }
        ExprKind::Node { body, .. } => {
            forgotten_value(body.as_deref().unwrap_or_default(), out);
            last_has_effect(body.as_deref(), "A Node Definition", out);
        }
        ExprKind::Lambda(l) => {
            params(&l.params, out);
            forgotten_value(l.body.as_deref().unwrap_or_default(), out);
        }
        ExprKind::CallNamed { lambda, .. } | ExprKind::CallMethod { lambda, .. } => {
            if let Some(l) = lambda {
                params(&l.params, out);
                forgotten_value(l.body.as_deref().unwrap_or_default(), out);
            }
        }
        ExprKind::Case { options, .. } => {
            for o in options {
                forgotten_value(o.body.as_deref().unwrap_or_default(), out);
            }
        }
        ExprKind::Block(statements) => forgotten_value(statements, out),
        ExprKind::Variable(name) => variable_name(e.span, name, out),
        ExprKind::Resource { bodies, .. } => {
            for b in bodies {
                if let ExprKind::Hash(_) = &b.title.kind {
                    out.push(Finding::always(
                        b.title.span,
                        "Illegal title type at index 0. Expected String, got Hash".into(),
                        "a title is a string (or an array of strings): name the resource, and put the hash's \
                         values in its attributes",
                    ));
                }
                let titles = match &b.title.kind {
                    ExprKind::List(items) => items.iter().collect(),
                    _ => vec![&b.title],
                };
                for (i, t) in titles.into_iter().enumerate() {
                    if matches!(&t.kind, ExprKind::Str(s) if s.is_empty()) {
                        out.push(Finding::always(
                            t.span,
                            format!("Empty string title at {i}. Title strings must have a length greater than zero."),
                            "give the resource its name (the user, file or package it manages)",
                        ));
                    }
                }
            }
        }
        ExprKind::Hash(entries) => {
            let mut seen: Vec<&str> = Vec::new();
            for en in entries {
                let key = match &en.key.kind {
                    ExprKind::Str(s) | ExprKind::QualifiedName(s) => s.as_str(),
                    _ => continue,
                };
                if seen.contains(&key) {
                    out.push(Finding::strict(
                        en.span,
                        format!("The key '{key}' is declared more than once"),
                        "keep one entry per key: the later one was the value Puppet 7 used",
                    ));
                }
                seen.push(key);
            }
        }
        ExprKind::Binary { op, left, right } => {
            if matches!(
                op,
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod
            ) {
                for side in [left, right] {
                    numeric_string(side, out);
                }
            }
        }
        _ => {}
    }
}

fn definition(def: &Definition, label: &str, container: &str, out: &mut Vec<Finding>) {
    definition_name(def, label, out);
    params(&def.params, out);
    forgotten_value(def.body.as_deref().unwrap_or_default(), out);
    last_has_effect(def.body.as_deref(), container, out);
}

fn definition_name(def: &Definition, label: &str, out: &mut Vec<Finding>) {
    let name = def.name.trim_start_matches("::");
    let valid = name.split("::").all(|seg| {
        let mut cs = seg.chars();
        cs.next().is_some_and(|c| c.is_ascii_lowercase()) && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    if !valid {
        out.push(Finding::always(
            def.name_span,
            format!("Unacceptable name. The name '{name}' is unacceptable as the name of a {label}"),
            format!(
                "name it `{}` (lower-case letters, digits and `_`; the file name follows it)",
                name.replace('-', "_").to_ascii_lowercase()
            ),
        ));
    } else if RESERVED_TYPE_NAMES.contains(&name) {
        out.push(Finding::always(
            def.name_span,
            format!("The name: '{name}' is already defined by Puppet and can not be used as the name of a {label}."),
            match name {
                "init" => "a module's init.pp defines the class named after the module: `class MODULE { ... }`".into(),
                _ => format!("rename it (e.g. `{name}_config`) and its declarations"),
            },
        ));
    }
}

fn params(ps: &[Parameter], out: &mut Vec<Finding>) {
    for p in ps {
        let name = p.name.as_str();
        let numeric = name.strip_prefix("0x").unwrap_or(name);
        if !numeric.is_empty() && numeric.chars().all(|c| c.is_ascii_digit()) {
            out.push(Finding::always(
                p.span,
                format!(
                    "The numeric parameter name '${name}' cannot be used (clashes with numeric match result variables)"
                ),
                "name the parameter with a letter first",
            ));
        } else if !param_name(name) {
            out.push(Finding::always(
                p.span,
                format!("Illegal parameter name. The given name '{name}' does not conform to the naming rule /^[a-z_]\\w*$/"),
                format!("name it `${}` (and its uses)", lower_name(name)),
            ));
        }
    }
}

/// `/^[a-z_]\w*$/`
fn param_name(name: &str) -> bool {
    let mut cs = name.chars();
    cs.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_') && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A name Puppet accepts: lower case, `_` for other characters, a letter first.
fn lower_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    match s.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("v{s}"),
        _ => s,
    }
}

/// `$Upper`, `$a::B`: Puppet's VAR_NAME (digits only are match results).
fn variable_name(span: Span, name: &str, out: &mut Vec<Finding>) {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return; // `$1`: a match result; `$1abc` is a syntax error the parser reports
    }
    let segs: Vec<&str> = name.trim_start_matches("::").split("::").collect();
    let Some((last, scope)) = segs.split_last() else {
        return;
    };
    let ok_scope = scope.iter().all(|s| {
        let mut cs = s.chars();
        cs.next().is_some_and(|c| c.is_ascii_lowercase()) && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    if !(ok_scope && param_name(last)) {
        out.push(Finding::always(
            span,
            format!(
                "Illegal variable name, The given name '{name}' does not conform to the naming rule \
                 /^((::)?[a-z]\\w*)*((::)?[a-z_]\\w*)$/"
            ),
            format!("name it `${}` everywhere it is used", name.to_ascii_lowercase()),
        ));
    }
}

/// `'1' + 1`: under `strict=error` a string is no longer turned into a number.
fn numeric_string(e: &Expr, out: &mut Vec<Finding>) {
    let ExprKind::Str(s) = &e.kind else { return };
    let t = s.trim();
    let number = !t.is_empty()
        && (t.parse::<i64>().is_ok()
            || t.parse::<f64>()
                .is_ok_and(|_| t.chars().all(|c| c.is_ascii_digit() || ".-+eE".contains(c)))
            || t.strip_prefix("0x").is_some_and(|h| i64::from_str_radix(h, 16).is_ok()));
    if number {
        out.push(Finding::strict(
            e.span,
            format!("The string '{s}' was automatically coerced to the numerical value {t}"),
            format!("write the number without quotes (`{t}`), or convert it: `Integer('{t}')`"),
        ));
    }
}

/// Puppet's "idem" expressions: ones that only produce a value.
fn idem(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Nop
        | ExprKind::Undef
        | ExprKind::Default
        | ExprKind::Boolean(_)
        | ExprKind::Integer { .. }
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Concat(_)
        | ExprKind::Heredoc { .. }
        | ExprKind::Regex(_)
        | ExprKind::QualifiedName(_)
        | ExprKind::QualifiedReference(_)
        | ExprKind::Variable(_)
        | ExprKind::List(_)
        | ExprKind::Hash(_)
        | ExprKind::Access { .. }
        | ExprKind::Not(_)
        | ExprKind::UnaryMinus(_)
        | ExprKind::Unfold(_)
        | ExprKind::Selector { .. } => true,
        ExprKind::Binary { op, .. } => !matches!(
            op,
            BinaryOp::Assign
                | BinaryOp::AddAssign
                | BinaryOp::SubAssign
                | BinaryOp::InEdge
                | BinaryOp::InEdgeSub
                | BinaryOp::OutEdge
                | BinaryOp::OutEdgeSub
                | BinaryOp::Match
                | BinaryOp::NotMatch
        ),
        ExprKind::Paren(x) => idem(x),
        ExprKind::Block(v) => v.iter().all(idem),
        ExprKind::If {
            test,
            then_expr,
            else_expr,
        } => idem(test) && [then_expr, else_expr].iter().all(|b| b.as_deref().is_none_or(idem)),
        ExprKind::Case { test, options } => {
            idem(test)
                && options
                    .iter()
                    .all(|o| o.values.iter().all(idem) && o.body.iter().flatten().all(idem))
        }
        _ => false,
    }
}

/// Puppet's label for an expression, as its messages name it.
fn label(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Variable(_) => "Variable".into(),
        ExprKind::Str(_) => "String".into(),
        ExprKind::QualifiedName(_) => "Name".into(),
        ExprKind::Integer { .. } => "Literal Integer".into(),
        ExprKind::Float(_) => "Literal Float".into(),
        ExprKind::Boolean(_) => "Boolean".into(),
        ExprKind::Concat(_) => "Double Quoted String".into(),
        ExprKind::List(_) => "Array Expression".into(),
        ExprKind::Hash(_) => "Hash Expression".into(),
        ExprKind::Access { .. } => "'[]' expression".into(),
        ExprKind::Binary { op, .. } => format!("'{}' expression", op.as_str()),
        ExprKind::Selector { .. } => "Selector Expression".into(),
        ExprKind::If { .. } => "'if' statement".into(),
        ExprKind::Case { .. } => "'case' statement".into(),
        ExprKind::Not(_) => "'not' expression".into(),
        ExprKind::UnaryMinus(_) => "Unary Minus".into(),
        ExprKind::Paren(_) => "Parenthesized Expression".into(),
        ExprKind::QualifiedReference(_) => "Type-Name".into(),
        _ => "Expression".into(),
    }
}

/// `file { mode => '0644' }`: a name then a hash, which Puppet reads as a
/// resource without a title.
fn resource_without_title(statements: &[Expr]) -> Option<&str> {
    match statements {
        [name, hash] => match (&name.kind, &hash.kind) {
            (ExprKind::QualifiedName(n), ExprKind::Hash(_)) => Some(n),
            _ => None,
        },
        _ => None,
    }
}

/// A value produced and forgotten before the end of a block (the first only, as Puppet).
fn forgotten_value(statements: &[Expr], out: &mut Vec<Finding>) {
    if let Some(name) = resource_without_title(statements) {
        out.push(Finding::always(
            statements[0].span,
            format!("This expression is invalid. Did you try declaring a '{name}' resource without a title?"),
            format!("give it a title: `{name} {{ 'TITLE': ... }}`"),
        ));
        return;
    }
    let Some((_, rest)) = statements.split_last() else {
        return;
    };
    if let Some(s) = rest.iter().find(|s| idem(s)) {
        out.push(Finding::always(
            s.span,
            format!(
                "This {} has no effect. A value was produced and then forgotten (one or more preceding \
                 expressions may have the wrong form)",
                label(s)
            ),
            "remove it, or make it a statement (an assignment, a resource, a function call); a line \
             break inside a call or a missing comma often splits one expression into two",
        ));
    }
}

/// A class, define or node whose last statement only produces a value.
fn last_has_effect(body: Option<&[Expr]>, container: &str, out: &mut Vec<Finding>) {
    let Some(last) = body.and_then(|b| b.last()) else {
        return;
    };
    let statements = body.unwrap_or_default();
    if idem(last) && resource_without_title(statements).is_none() {
        out.push(Finding::always(
            last.span,
            format!(
                "This {} has no effect. {container} can not end with a value-producing expression without \
                 other effect",
                label(last)
            ),
            "remove it, or make it a statement",
        ));
    }
}
