//! Strings: double-quoted strings and heredocs with their interpolation, as
//! Puppet's lexer and `Factory#interpolate` treat them.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn dq_string(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let segments = self.string_segments(p.into_inner(), strings::DQ)?;
        Ok(concat_or_string(segments, span))
    }

    /// The parts of an interpolating string: text (escapes applied), `$var`, `${expr}`.
    pub(super) fn string_segments(&self, parts: Pairs<Rule>, escapes: Escapes) -> Result<Vec<Expr>> {
        let mut segments = Vec::new();
        for part in parts {
            let span = span_of(&part);
            match part.as_rule() {
                Rule::dq_text | Rule::uq_text | Rule::uq_text_ne => segments.push(Expr::new(
                    ExprKind::Str(strings::unescape(part.as_str(), escapes)),
                    span,
                )),
                Rule::dq_var => {
                    let var = Expr::new(ExprKind::Variable(part.as_str()[1..].to_string()), span);
                    segments.push(Expr::new(ExprKind::Text(boxed(var)), span));
                }
                Rule::dq_expr => {
                    let inner = self.next(&mut part.into_inner(), span)?;
                    let e = self.interpolation(inner)?;
                    segments.push(Expr::new(ExprKind::Text(boxed(e)), span));
                }
                Rule::EOI => {}
                _ => return Err(self.unexpected(&part)),
            }
        }
        Ok(segments)
    }

    /// `${expr}`: Puppet's `interpolate` rewrites names on the left into variables.
    pub(super) fn interpolation(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        match p.as_rule() {
            Rule::dq_lone => {
                let word = self.next(&mut p.into_inner(), span).map(|w| w.as_str().to_string());
                let name = word.unwrap_or_else(|_| span_text(self.src, span).trim().to_string());
                Ok(Expr::new(ExprKind::Variable(name), span))
            }
            Rule::dq_expression => Ok(interpolate(self.expression(p)?)),
            _ => Ok(interpolate(self.assignment(p)?)),
        }
    }

    pub(super) fn heredoc(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let spec = p.as_str();
        let body = self
            .heredocs
            .iter()
            .find(|h| h.open.start == span.start)
            .ok_or_else(|| {
                Diagnostic::error(
                    "syntax-error",
                    self.file,
                    Some(span),
                    "Heredoc without any following lines of text",
                )
            })?;
        let parsed = HeredocSpec::parse(spec).ok_or_else(|| {
            Diagnostic::error(
                "syntax-error",
                self.file,
                Some(span),
                "Invalid syntax in heredoc expected @(endtag[:syntax][/escapes])",
            )
        })?;
        if body.body.end as usize == self.src.len()
            && !self.src[body.lines.range()].is_empty()
            && body.lines == body.body
        {
            return Err(Box::new(Diagnostic::error(
                "syntax-error",
                self.file,
                Some(Span::new(body.lines.start as usize, body.lines.start as usize)),
                format!("Heredoc without end-tagged line: no line ends with '{}'", parsed.tag),
            )));
        }
        let text = heredoc_text(&self.src[body.lines.range()], body);
        let escapes = Escapes::heredoc(parsed.escapes.as_deref());
        let text_span = body.lines;
        let text_expr = if parsed.interpolate {
            let escapes_dollar = escapes.is_some_and(|e| e.has('$'));
            let rule = if escapes_dollar {
                Rule::heredoc_text
            } else {
                Rule::heredoc_text_ne
            };
            let pairs = PuppetGrammar::parse(rule, &text).map_err(|e| {
                let mut d = syntax_error(self.file, &text, rule, e);
                d.span = Some(text_span);
                d
            })?;
            let root = pairs
                .into_iter()
                .next()
                .ok_or_else(|| self.internal(text_span, "heredoc text"))?;
            let esc = escapes.unwrap_or(strings::NONE);
            let segs = self.with_source(&text, |b| b.string_segments(root.into_inner(), esc))?;
            let segs = segs.into_iter().map(|s| relocate(s, text_span)).collect();
            concat_or_string(segs, text_span)
        } else {
            let value = match escapes {
                Some(e) => strings::unescape(&text, e),
                None => text,
            };
            Expr::new(ExprKind::Str(value), text_span)
        };
        Ok(Expr::new(
            ExprKind::Heredoc {
                syntax: parsed.syntax,
                text: boxed(text_expr),
            },
            span,
        ))
    }

    /// Runs `f` with a builder over other text (a heredoc's processed body).
    fn with_source<T>(&self, text: &str, f: impl FnOnce(&Builder) -> Result<T>) -> Result<T> {
        let sub = Builder {
            file: self.file,
            src: text,
            heredocs: Vec::new(),
            namestack: RefCell::new(self.namestack.borrow().clone()),
            warnings: RefCell::new(Vec::new()),
        };
        let r = f(&sub);
        self.warnings.borrow_mut().extend(sub.warnings.into_inner());
        r
    }
}

struct HeredocSpec {
    tag: String,
    syntax: String,
    escapes: Option<String>,
    interpolate: bool,
}

impl HeredocSpec {
    fn parse(spec: &str) -> Option<HeredocSpec> {
        let inner = spec.strip_prefix("@(")?.strip_suffix(')')?;
        let tag_end = inner.find([':', '/']).unwrap_or(inner.len());
        let raw_tag = inner[..tag_end].trim();
        let mut rest = &inner[tag_end..];
        let mut syntax = String::new();
        if let Some(r) = rest.strip_prefix(':') {
            let end = r.find('/').unwrap_or(r.len());
            syntax = r[..end].trim().to_string();
            let valid = syntax.len() >= 2
                && syntax.as_bytes()[0].is_ascii_lowercase()
                && syntax
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'+');
            if !valid {
                return None;
            }
            rest = &r[end..];
        }
        let escapes = match rest.strip_prefix('/') {
            Some(e) => {
                let e = e.trim();
                if !e.chars().all(|c| "trnsuL$".contains(c)) {
                    return None;
                }
                Some(e.to_string())
            }
            None if rest.trim().is_empty() => None,
            None => return None,
        };
        let (tag, interpolate) = match raw_tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(t) => (t.trim().to_string(), true),
            None => (raw_tag.to_string(), false),
        };
        if tag.is_empty() {
            return None;
        }
        Some(HeredocSpec {
            tag,
            syntax,
            escapes,
            interpolate,
        })
    }
}

fn heredoc_text(lines: &str, body: &HeredocBody) -> String {
    let mut out = String::with_capacity(lines.len());
    for line in lines.split_inclusive('\n') {
        if body.has_margin && !body.leading.is_empty() {
            out.push_str(line.strip_prefix(body.leading.as_str()).unwrap_or(line));
        } else {
            out.push_str(line);
        }
    }
    if body.remove_break {
        if out.ends_with("\r\n") {
            out.truncate(out.len() - 2);
        } else if out.ends_with('\n') {
            out.pop();
        }
    }
    out
}

fn relocate(mut e: Expr, base: Span) -> Expr {
    let start = base.start;
    e.span = Span {
        start: (e.span.start + start).min(base.end),
        end: (e.span.end + start).min(base.end),
    };
    e
}

pub(super) fn interpolate(e: Expr) -> Expr {
    let Expr { span, kind } = e;
    let kind = match kind {
        ExprKind::QualifiedName(n) => ExprKind::Variable(n),
        ExprKind::Integer { value, radix: 10 } => ExprKind::Variable(value.to_string()),
        ExprKind::Access { left, keys } if rewritable(&left) => ExprKind::Access {
            left: boxed(interpolate(*left)),
            keys,
        },
        ExprKind::NamedAccess { left, name } if rewritable(&left) => ExprKind::NamedAccess {
            left: boxed(interpolate(*left)),
            name,
        },
        ExprKind::CallMethod { functor, args, lambda } if rewritable(&functor) => ExprKind::CallMethod {
            functor: boxed(interpolate(*functor)),
            args,
            lambda,
        },
        other => other,
    };
    Expr { span, kind }
}

fn rewritable(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Access { .. }
            | ExprKind::QualifiedName(_)
            | ExprKind::NamedAccess { .. }
            | ExprKind::CallMethod { .. }
            | ExprKind::Integer { radix: 10, .. }
    )
}

/// A string without interpolation is a plain string; otherwise a concatenation of
/// its non-empty segments.
pub(super) fn concat_or_string(segments: Vec<Expr>, span: Span) -> Expr {
    if segments.iter().all(|s| matches!(s.kind, ExprKind::Str(_))) {
        let value: String = segments
            .into_iter()
            .map(|s| match s.kind {
                ExprKind::Str(v) => v,
                _ => String::new(),
            })
            .collect();
        return Expr::new(ExprKind::Str(value), span);
    }
    let segments = segments
        .into_iter()
        .filter(|s| !matches!(&s.kind, ExprKind::Str(v) if v.is_empty()))
        .collect();
    Expr::new(ExprKind::Concat(segments), span)
}

/// A regex literal's pattern: delimiters stripped, `\/` unescaped.
pub(super) fn regex_value(text: &str) -> String {
    text[1..text.len() - 1].replace("\\/", "/")
}
