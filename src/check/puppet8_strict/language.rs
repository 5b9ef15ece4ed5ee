//! What `puppet apply` stops on before applying anything: Puppet's
//! validation pass (the front end's [`checker`]: names Puppet refuses,
//! values produced and forgotten, ...), and the few evaluation errors that
//! the text alone decides: hash and empty titles, and under `strict=error`
//! duplicate hash keys and numbers in strings.

use super::{Finding, When};
use crate::diagnostic::Severity;
use crate::puppet::ast::{BinaryOp, Expr, ExprKind};
use crate::puppet::{checker, visit, Manifest};

/// Every finding of the validation pass in the manifest `m`, then the
/// evaluation errors its text decides.
pub(super) fn check(m: &Manifest, body: &Expr, out: &mut Vec<Finding>) {
    for d in checker::check(body, &m.source.text, &m.source.path) {
        let when = match (d.severity, d.code) {
            // legacy-puppet-syntax says what to do instead.
            (_, "illegal-node-inheritance") => continue,
            (Severity::Error, _) => When::Always,
            // A warning in Puppet 7, an error under `strict=error`.
            (_, "duplicate-key") => When::Strict,
            _ => continue,
        };
        let span = d.span.unwrap_or_default();
        out.push(Finding::new(when, span, d.message, d.help.unwrap_or_default()));
    }
    evaluation(body, out);
}

fn evaluation(e: &Expr, out: &mut Vec<Finding>) {
    stacker::maybe_grow(64 << 10, 4 << 20, || {
        node(e, out);
        visit::for_each_child(e, |c| evaluation(c, out));
    })
}

fn node(e: &Expr, out: &mut Vec<Finding>) {
    match &e.kind {
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
