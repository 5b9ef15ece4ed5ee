//! What several checks look for the same way: string literals of a manifest,
//! every expression of its AST, resources and their attributes, lines of text.

use crate::puppet::ast::{AttributeOp, Expr, ExprKind, ResourceBody};
use crate::puppet::lexer::TokenKind;
use crate::puppet::{visit, Manifest};

/// Each string literal of a manifest (quoted strings, heredoc bodies) with the
/// offset of its first byte. Comments are never strings.
pub fn strings(m: &Manifest) -> impl Iterator<Item = (usize, &str)> {
    m.tokens()
        .tokens
        .iter()
        .filter(|t| {
            matches!(
                t.kind,
                TokenKind::SqString | TokenKind::DqString | TokenKind::HeredocBody
            )
        })
        .map(move |t| (t.span.start as usize, &m.source.text[t.span.range()]))
}

/// Calls `f` on every expression of the manifest, outermost first.
pub fn walk<'a>(m: &'a Manifest, f: &mut dyn FnMut(&'a Expr)) {
    fn go<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
        stacker::maybe_grow(64 << 10, 4 << 20, || {
            f(e);
            visit::for_each_child(e, |c| go(c, f));
        })
    }
    if let Ok(body) = &m.body {
        go(body, f);
    }
}

/// A resource body with its type name (lower case, `class` for class resources).
pub struct Resource<'a> {
    /// `file`, `exec`, `apt::source`, `class`, ...
    pub type_name: String,
    /// The title and attributes.
    pub body: &'a ResourceBody,
}

impl<'a> Resource<'a> {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&'a Expr> {
        self.body.ops.iter().find_map(|op| match op {
            AttributeOp::Set { name: n, value, .. } if n == name => Some(value),
            _ => None,
        })
    }
}

/// Every resource body of the manifest.
pub fn resources(m: &Manifest) -> Vec<Resource<'_>> {
    let mut out = Vec::new();
    walk(m, &mut |e| {
        if let ExprKind::Resource { type_name, bodies, .. } = &e.kind {
            let name = match &type_name.kind {
                ExprKind::QualifiedName(n) | ExprKind::QualifiedReference(n) => n.to_ascii_lowercase(),
                _ => return,
            };
            for b in bodies {
                out.push(Resource {
                    type_name: name.trim_start_matches("::").to_string(),
                    body: b,
                });
            }
        }
    });
    out
}

/// The text of a string expression (plain, a bare word, or the literal parts
/// of an interpolated one).
pub fn literal(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Str(s) | ExprKind::QualifiedName(s) => Some(s.clone()),
        ExprKind::Concat(parts) => Some(
            parts
                .iter()
                .map(|p| match &p.kind {
                    ExprKind::Str(s) => s.as_str(),
                    _ => "${}",
                })
                .collect(),
        ),
        ExprKind::Heredoc { text, .. } => literal(text),
        _ => None,
    }
}

/// The strings of a value: itself, or the items of an array.
pub fn literals(e: &Expr) -> Vec<(String, &Expr)> {
    match &e.kind {
        ExprKind::List(items) => items.iter().filter_map(|i| literal(i).map(|s| (s, i))).collect(),
        _ => literal(e).map(|s| vec![(s, e)]).unwrap_or_default(),
    }
}

/// Each line of `text` with its offset, skipping comment lines (`#` first).
pub fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split_inclusive('\n').filter_map(move |l| {
        let start = at;
        at += l.len();
        let line = l.trim_end_matches(['\n', '\r']);
        (!line.trim_start().starts_with('#')).then_some((start, line))
    })
}

/// Image names for a message: `ubuntu-22.04`, `ubuntu-22.04 and rocky-9`.
pub fn image_names(targets: &[&super::TargetImage]) -> String {
    let names: Vec<&str> = targets.iter().map(|t| t.image.os.as_str()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.to_string(),
        None => String::new(),
    }
}
