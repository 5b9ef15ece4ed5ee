//! EPP templates (Embedded Puppet): text with Puppet in `<% %>` tags, parsed
//! by the same grammar as manifests (`epp_program` in grammar/puppet.pest)
//! into the AST Puppet's EPP parser makes: a lambda (the template's
//! parameters) whose body is an `Epp` of text, rendered expressions and code.
//!
//! The grammar finds the tags and decides which text renders nothing; what
//! the text renders (trimming, `<%%`, `%%>`, comments) is worked out here the
//! way Puppet's `EppScanner` does it (epp_support.rb), and so are the errors
//! its scanner raises: a comment or an opening tag that never closes.

use super::*;

/// Parses the EPP template `src` (named `file` in diagnostics).
pub fn parse_epp(file: &str, src: &str) -> Result<Parsed> {
    parse_bounded(file, src, parse_epp_here)
}

fn parse_epp_here(file: &str, src: &str) -> Result<Parsed> {
    refuse_before_parsing(file, src)?;
    let mut pairs = match PuppetGrammar::parse(Rule::epp_program, src) {
        Ok(pairs) => pairs,
        Err(e) => return Err(epp_syntax_error(file, src, e)),
    };
    let program = pairs.next().ok_or_else(|| internal(file, None, "empty EPP parse"))?;
    if !ends_in_text(&program, src) {
        let message = if src.ends_with("<%") {
            "Unbalanced embedded expression - opening <% and reaching end of input"
        } else {
            "Unbalanced epp tag, reached <eof> without closing tag."
        };
        return Err(epp_error(file, src.len(), message));
    }
    let builder = Builder {
        file,
        src,
        heredocs: Vec::new(),
        namestack: RefCell::new(Vec::new()),
        warnings: RefCell::new(Vec::new()),
    };
    let body = builder.epp_program(program)?;
    Ok(Parsed {
        body,
        warnings: builder.warnings.into_inner(),
    })
}

/// Whether the template ends in text (Puppet's lexer otherwise reports the
/// tag it is still inside): it is empty, ends with a closing tag, or its last
/// text runs to the end without opening a tag.
fn ends_in_text(program: &Pair<Rule>, src: &str) -> bool {
    src.is_empty()
        || program.clone().into_inner().flatten().any(|p| {
            p.as_span().end() == src.len()
                && match p.as_rule() {
                    Rule::epp_final => true,
                    Rule::render_string => !p.clone().into_inner().any(|t| t.as_rule() == Rule::epp_open),
                    _ => false,
                }
        })
}

fn epp_error(file: &str, at: usize, message: &str) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(
        "syntax-error",
        file,
        Some(Span::new(at, at)),
        message,
    ))
}

/// A failed parse in Puppet's words: an unclosed `<%#` comment where the
/// scanner meets it first, else `Syntax error at 'TOKEN'` at the furthest
/// point the grammar reached.
fn epp_syntax_error(file: &str, src: &str, err: pest::error::Error<Rule>) -> Box<Diagnostic> {
    let fallback = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let (pos, expected) = furthest_attempt(src, Rule::epp_program).unwrap_or((fallback, true));
    if let Some(at) = unclosed_comment(src).filter(|&at| at <= pos + 3) {
        return epp_error(file, at, "Reaching end after opening <%# without seeing %>");
    }
    // The grammar ran out of input inside a tag: Puppet's lexer says so
    // before its parser sees the end.
    if src[pos.min(src.len())..].trim().is_empty() && open_at_end(src) {
        return epp_error(
            file,
            src.len(),
            "Unbalanced epp tag, reached <eof> without closing tag.",
        );
    }
    // The grammar read text as a value and failed after it: Puppet's parser
    // refuses the text itself (its grammar takes text in fewer places).
    if let Some(at) = text_start(src, pos) {
        return Box::new(Diagnostic::error(
            "syntax-error",
            file,
            Some(Span::new(at, at)),
            "Syntax error at ''",
        ));
    }
    let token = if expected {
        next_token(src, pos)
    } else {
        previous_token(src, pos).or_else(|| next_token(src, pos))
    };
    match token {
        Some((span, shown)) => Box::new(Diagnostic::error(
            "syntax-error",
            file,
            Some(span),
            format!("Syntax error at '{shown}'"),
        )),
        None => Box::new(Diagnostic::error(
            "syntax-error",
            file,
            Some(Span::new(src.len(), src.len())),
            "Syntax error at end of input",
        )),
    }
}

/// Whether the last tag of the template opens one (`<%`, `<%-`, `<%=`, not `<%%`).
fn open_at_end(src: &str) -> bool {
    let close = src.rfind("%>");
    let mut from = src.len();
    while let Some(i) = src[..from].rfind("<%") {
        if !src[i..].starts_with("<%%") {
            return close.is_none_or(|c| c < i);
        }
        from = i;
    }
    false
}

/// Where the first `<%#` that no `%>` closes is, as Puppet reports it (after
/// the `<%`).
fn unclosed_comment(src: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = src[from..].find("<%#") {
        let at = from + i + 2;
        // Closed by the first `%>` after a character other than `%`.
        let closed = src[at..]
            .char_indices()
            .any(|(k, c)| c != '%' && src[at + k + c.len_utf8()..].starts_with("%>"));
        if !closed {
            return Some(at);
        }
        from = at;
    }
    None
}

/// The Puppet token at `pos` (or the first after it), as its message shows it.
fn next_token(src: &str, pos: usize) -> Option<(Span, String)> {
    let rest = src.get(pos..)?;
    let skipped = rest.len() - rest.trim_start().len();
    let at = pos + skipped;
    let rest = &src[at..];
    for tag in ["-%>", "%>", "<%=", "<%-", "<%"] {
        if !rest.starts_with(tag) {
            continue;
        }
        let shown = match tag {
            // In code, a closing tag is no token: the text after it is.
            "-%>" | "%>" if !in_render(src, at) => {
                let after = at + tag.len();
                return Some((Span::new(after, after), String::new()));
            }
            "-%>" | "%>" => tag,
            _ => "<",
        };
        return Some((Span::new(at, at + tag.len()), shown.to_string()));
    }
    let tokens = lexer::lex(rest).tokens;
    let t = tokens.iter().find(|t| !t.kind.is_trivia())?;
    let text = &rest[t.span.range()];
    let shown: String = token_value(text, t.kind).chars().take(40).collect();
    Some((Span::new(at + t.span.start as usize, at + t.span.end as usize), shown))
}

/// Where the text starts that Puppet's parser refuses, when the grammar
/// stopped at its start (after a closing tag and blanks) or read all of it
/// and stopped at the tag after it.
fn text_start(src: &str, pos: usize) -> Option<usize> {
    let pos = pos.min(src.len());
    if src[pos..].trim().is_empty() {
        // Blanks to the end: what Puppet refuses is the end.
        return None;
    }
    let before = &src[..pos];
    // Blanks after a closing tag are text too.
    let trimmed = before.trim_end();
    let close = if trimmed.ends_with("%>") {
        trimmed.len() - 2
    } else if src[pos..].starts_with("<%") {
        before.rfind("%>")?
    } else {
        return None;
    };
    // `<%>` opens a tag; a `%>` after a `#` on its line is inside a Puppet comment.
    let line = &src[src[..close].rfind('\n').map_or(0, |i| i + 1)..close];
    if src[..close].ends_with('<') || line.replace("<%#", "").contains('#') {
        return None;
    }
    let start = close + 2;
    // Only text between: no tag opened in it.
    let text = &src[start..pos];
    let opens = text
        .match_indices("<%")
        .any(|(i, _)| !matches!(text[i + 2..].chars().next(), Some('%' | '#')));
    (!opens).then_some(start)
}

/// Whether the tag last opened before `at` is `<%=` (a closing tag at `at`
/// then ends a rendered expression).
fn in_render(src: &str, at: usize) -> bool {
    let mut to = at;
    while let Some(i) = src[..to].rfind("<%") {
        if !src[i..].starts_with("<%%") {
            return src[i..].starts_with("<%=");
        }
        to = i;
    }
    false
}

/// The last Puppet token before `pos` on its line.
fn previous_token(src: &str, pos: usize) -> Option<(Span, String)> {
    let pos = pos.min(src.len());
    let line_start = src[..pos].rfind(['\n', '>']).map_or(0, |i| i + 1);
    let line = &src[line_start..pos];
    let tokens = lexer::lex(line).tokens;
    let t = tokens.iter().rev().find(|t| !t.kind.is_trivia())?;
    let text = &line[t.span.range()];
    let shown: String = token_value(text, t.kind).chars().take(40).collect();
    Some((
        Span::new(line_start + t.span.start as usize, line_start + t.span.end as usize),
        shown,
    ))
}

/// What a stretch of template text renders, as Puppet's `EppScanner#scan`
/// computes it: `text` starts after a closing tag (`trim` when it was `-%>`)
/// or at the start of the template, and ends at the next tag.
pub(super) fn render_text(text: &str, trim: bool) -> String {
    let mut out = String::new();
    let mut rest = text;
    let mut skip_leading = trim;
    loop {
        let (part, found) = match rest.find("<%") {
            Some(i) => (&rest[..i + 2], true),
            None => (rest, false),
        };
        rest = &rest[part.len()..];
        let part = if std::mem::take(&mut skip_leading) {
            trim_leading(part)
        } else {
            part
        };
        out.push_str(&part.replace("%%>", "%>"));
        if !found {
            return out;
        }
        match rest.chars().next() {
            Some('%') => rest = &rest[1..],
            Some('#') => {
                out.truncate(out.len() - 2);
                // The comment runs to the first `%>` after a character other than `%`.
                let end = rest
                    .char_indices()
                    .find(|&(k, c)| c != '%' && rest[k + c.len_utf8()..].starts_with("%>"))
                    .map(|(k, c)| (k, k + c.len_utf8() + 2, c));
                let Some((_, after, last)) = end else {
                    return out;
                };
                if rest[1..].starts_with('-') {
                    out.truncate(out.trim_end_matches([' ', '\t']).len());
                }
                skip_leading = last == '-';
                rest = &rest[after..];
            }
            Some('-') => {
                out.truncate(out.len() - 2);
                out.truncate(out.trim_end_matches([' ', '\t']).len());
                return out;
            }
            _ => {
                out.truncate(out.len() - 2);
                return out;
            }
        }
    }
}

/// `part` without what `-%>` trims after itself: blanks, then one line break.
fn trim_leading(part: &str) -> &str {
    let p = part.trim_start_matches([' ', '\t']);
    let p = p.strip_prefix('\r').unwrap_or(p);
    p.strip_prefix('\n').unwrap_or(p)
}

impl Builder<'_> {
    /// The template's program: a lambda of its parameters around the `Epp` body.
    fn epp_program(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut params = None;
        let mut stmts = Vec::new();
        for part in p.into_inner().flat_map(|c| match c.as_rule() {
            Rule::epp_code | Rule::epp_code_with_params => c.into_inner().collect::<Vec<_>>(),
            _ => vec![c],
        }) {
            match part.as_rule() {
                Rule::epp_params => params = Some(self.parameters(part)?),
                Rule::render_string => {
                    let e = self.render_string(part)?;
                    match e.kind {
                        ExprKind::Block(parts) if super::build::is_rendered_text(&parts) => stmts.extend(parts),
                        kind => stmts.push(Expr { kind, ..e }),
                    }
                }
                Rule::statements => stmts.extend(self.statements(part)?),
                _ => {}
            }
        }
        let body_span = match (stmts.first(), stmts.last()) {
            (Some(a), Some(b)) => a.span.to(b.span),
            _ => Span::new(self.src.len(), self.src.len()),
        };
        let body = (!stmts.is_empty()).then(|| boxed(block_or_expression(stmts, body_span)));
        let epp = Expr::new(
            ExprKind::Epp {
                parameters_specified: params.is_some(),
                body,
            },
            span,
        );
        Ok(Expr::new(
            ExprKind::Lambda(Box::new(Lambda {
                params: params.unwrap_or_default(),
                return_type: None,
                body: Some(vec![epp]),
                span,
            })),
            span,
        ))
    }

    /// Text between tags, as it renders, and the expression rendered after
    /// it (`<%=`): a block of the two (split into statements by
    /// `statements`), or the expression alone after text that renders nothing.
    pub(super) fn render_string(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let Some(render) = p.clone().into_inner().find(|c| c.as_rule() == Rule::render_expr) else {
            return Ok(self.render_text(span, p.as_str()));
        };
        let text_span = Span::new(span.start as usize, render.as_span().start());
        let text = self.render_text(text_span, &self.src[text_span.range()]);
        let render = self.render_expr(render)?;
        Ok(match &text.kind {
            ExprKind::RenderString(s) if s.is_empty() => render,
            _ => Expr::new(ExprKind::Block(vec![text, render]), span),
        })
    }

    fn render_text(&self, span: Span, text: &str) -> Expr {
        let (text, trim) = if span.start == 0 {
            (text, false)
        } else if let Some(t) = text.strip_prefix("-%>") {
            (t, true)
        } else {
            (text.strip_prefix("%>").unwrap_or(text), false)
        };
        Expr::new(ExprKind::RenderString(render_text(text, trim)), span)
    }

    /// `<%= expression %>` or `<%= { statements } %>`.
    fn render_expr(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let inner = self.next(&mut p.into_inner(), span)?;
        let value = match inner.as_rule() {
            Rule::render_block => {
                let block_span = span_of(&inner);
                let stmts = match inner.into_inner().find(|s| s.as_rule() == Rule::statements) {
                    Some(st) => self.statements(st)?,
                    None => Vec::new(),
                };
                block_or_expression(stmts, block_span)
            }
            _ => self.expression(inner)?,
        };
        Ok(Expr::new(ExprKind::Render(boxed(value)), span))
    }
}

#[cfg(test)]
mod tests {
    use super::render_text;

    #[test]
    fn text_renders_as_puppets_scanner_renders_it() {
        assert_eq!(render_text("plain", false), "plain");
        assert_eq!(render_text("  \nnext<%", true), "next");
        assert_eq!(render_text("a  <%-", false), "a");
        assert_eq!(render_text("a <%% b %%> c<%", false), "a <% b %> c");
        assert_eq!(render_text("a<%# note -%>\n  b<%", false), "a  b");
        assert_eq!(render_text("a  <%#- note %>b", false), "ab");
        assert_eq!(render_text("a<%# 100%%> still %>b", false), "ab");
    }
}
