//! Primaries: literals (numbers, strings with their escapes and interpolation,
//! symbols, `%w` lists, regexps, heredocs, arrays, hashes, ranges), variables,
//! constants and the keyword expressions that stand where a value does.

use super::*;

/// Move a node's top span (nested spans are left as parsed; only diagnostics use them).
fn shift(n: &mut Node, by: usize) {
    n.span = Span::new(n.span.start as usize + by, n.span.end as usize + by);
}

fn push_text(parts: &mut Vec<StrPart>, s: &str) {
    if let Some(StrPart::Text(t)) = parts.last_mut() {
        t.push_str(s);
    } else {
        parts.push(StrPart::Text(s.to_string()));
    }
}

/// The text between a `%w[...]`-style literal's delimiters.
fn pct_inner(raw: &str) -> &str {
    let open = raw.find(['(', '[', '{', '<', '|', '!']).unwrap_or(0);
    raw.get(open + 1..raw.len().saturating_sub(1)).unwrap_or("")
}

fn unescape_single(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.peek() {
                Some('\\') | Some('\'') => out.push(it.next().unwrap_or('\\')),
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unescape_double(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('e') => out.push('\x1b'),
            Some('s') => out.push(' '),
            Some('0') => out.push('\0'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('\n') => {}
            Some('u') => {
                let mut hex = String::new();
                if it.peek() == Some(&'{') {
                    it.next();
                    for h in it.by_ref() {
                        if h == '}' {
                            break;
                        }
                        hex.push(h);
                    }
                } else {
                    for _ in 0..4 {
                        if let Some(h) = it.next() {
                            hex.push(h);
                        }
                    }
                }
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

impl Builder<'_> {
    pub(in crate::vagrant) fn primary(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = span(&p);
        let e = match p.as_rule() {
            Rule::kw_nil => Expr::Nil,
            Rule::kw_true => Expr::True,
            Rule::kw_false => Expr::False,
            Rule::kw_self => Expr::SelfRef,
            Rule::file_kw => Expr::File,
            Rule::dir_kw => Expr::DirKw,
            Rule::line_kw => Expr::Line,
            Rule::integer => Expr::Int(self.integer(&p)?),
            Rule::float => Expr::Float(
                p.as_str()
                    .replace('_', "")
                    .parse()
                    .map_err(|_| self.bug(sp, "float literal"))?,
            ),
            Rule::string_seq => {
                let mut parts = Vec::new();
                for s in p.into_inner() {
                    parts.extend(self.string(s)?);
                }
                Expr::Str(parts)
            }
            Rule::sq_string | Rule::dq_string => Expr::Str(self.string(p)?),
            Rule::xstring => Expr::XStr(p.as_str().to_string()),
            Rule::heredoc => return self.heredoc(p),
            Rule::percent_words | Rule::percent_syms => {
                let syms = p.as_rule() == Rule::percent_syms;
                let body = pct_inner(p.as_str());
                let items = body
                    .split_whitespace()
                    .map(|w| {
                        let e = if syms {
                            Expr::Sym(w.to_string())
                        } else {
                            Expr::Str(vec![StrPart::Text(w.to_string())])
                        };
                        Arg::Pos(Node::new(e, sp))
                    })
                    .collect();
                Expr::Array(items)
            }
            Rule::percent_string => {
                let raw = p.as_str();
                let body = pct_inner(raw);
                if raw.starts_with("%q") {
                    Expr::Str(vec![StrPart::Text(unescape_single(body))])
                } else {
                    Expr::Str(self.interpolated(body, sp.start as usize + (raw.len() - body.len() - 1), sp)?)
                }
            }
            Rule::percent_regex => {
                let raw = p.as_str();
                let flags_len = raw.len() - raw.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
                let core = &raw[..raw.len() - flags_len];
                let body = pct_inner(core);
                let parts = self.regex_parts(body, sp)?;
                Expr::Regex(parts, raw[raw.len() - flags_len..].to_string())
            }
            Rule::regex => {
                let mut parts = Vec::new();
                let mut flags = String::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::regex_text => parts.push(StrPart::Text(c.as_str().to_string())),
                        Rule::interp => parts.push(StrPart::Code(self.interp(c)?)),
                        Rule::regex_flags => flags = c.as_str().to_string(),
                        _ => {}
                    }
                }
                Expr::Regex(parts, flags)
            }
            Rule::symbol => {
                let inner = first_inner(p, self)?;
                match inner.as_rule() {
                    Rule::sym_name => Expr::Sym(inner.as_str().to_string()),
                    _ => {
                        let parts = self.string(inner)?;
                        match parts.as_slice() {
                            [StrPart::Text(t)] => Expr::Sym(t.clone()),
                            [] => Expr::Sym(String::new()),
                            _ => Expr::DSym(parts),
                        }
                    }
                }
            }
            Rule::array => Expr::Array(self.args(p)?),
            Rule::hash => Expr::Hash(self.args(p)?),
            Rule::lambda_lit => {
                let mut params = Vec::new();
                let mut body = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::lambda_params => params = self.params(c)?,
                        _ => body = Some(self.block(c)?),
                    }
                }
                let b = body.ok_or_else(|| self.bug(sp, "lambda body"))?;
                if params.is_empty() {
                    params = b.params.clone();
                }
                Expr::Lambda(Rc::new(Body {
                    params,
                    stmts: b.stmts.clone(),
                    span: sp,
                    is_lambda: true,
                }))
            }
            Rule::paren => Expr::Seq(self.body(first_inner(p, self)?)?),
            Rule::if_expr => return self.if_expr(p),
            Rule::unless_expr => {
                let mut it = p.into_inner();
                it.next();
                let cond = self.expr(it.next().ok_or_else(|| self.bug(sp, "unless condition"))?)?;
                let body = self.body(it.next().ok_or_else(|| self.bug(sp, "unless body"))?)?;
                let els = match it.next() {
                    Some(e) if e.as_rule() == Rule::else_clause => self.else_clause(e)?,
                    _ => vec![],
                };
                Expr::If(Box::new(cond), els, body)
            }
            Rule::while_expr => {
                let mut it = p.into_inner();
                let until = it.next().is_some_and(|k| k.as_rule() == Rule::kw_until);
                let cond = self.expr(it.next().ok_or_else(|| self.bug(sp, "while condition"))?)?;
                let body = it
                    .find(|c| c.as_rule() == Rule::body)
                    .ok_or_else(|| self.bug(sp, "while body"))?;
                Expr::While(Box::new(cond), self.body(body)?, until)
            }
            Rule::case_expr => {
                let mut subject = None;
                let mut whens = Vec::new();
                let mut els = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::expr => subject = Some(Box::new(self.expr(c)?)),
                        Rule::when_clause => {
                            let mut values = Vec::new();
                            let mut body = Vec::new();
                            for w in c.into_inner() {
                                match w.as_rule() {
                                    Rule::kw_when | Rule::kw_then => {}
                                    Rule::body => body = self.body(w)?,
                                    _ => values.push(self.arg(w)?),
                                }
                            }
                            whens.push((values, body));
                        }
                        Rule::else_clause => els = Some(self.else_clause(c)?),
                        _ => {}
                    }
                }
                Expr::Case(subject, whens, els)
            }
            Rule::def_stmt => {
                let mut name = String::new();
                let mut params = Vec::new();
                let mut stmts = Vec::new();
                let mut rescues = Vec::new();
                let mut on_self = false;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::kw_self => on_self = true,
                        Rule::def_name if on_self => name = format!("self.{}", c.as_str()),
                        Rule::def_name => name = c.as_str().to_string(),
                        Rule::param => params.push(self.param(c)?),
                        Rule::body => stmts = self.body(c)?,
                        Rule::rescue_clause => rescues.push(self.rescue(c)?),
                        _ => {}
                    }
                }
                if !rescues.is_empty() {
                    stmts = vec![Node::new(Expr::Begin(stmts, rescues, None, None), sp)];
                }
                Expr::Def(
                    name,
                    Rc::new(Body {
                        params,
                        stmts,
                        span: sp,
                        is_lambda: true,
                    }),
                )
            }
            Rule::begin_expr => {
                let mut body = Vec::new();
                let mut rescues = Vec::new();
                let mut els = None;
                let mut ensure = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::body => body = self.body(c)?,
                        Rule::rescue_clause => rescues.push(self.rescue(c)?),
                        Rule::else_clause => els = Some(self.else_clause(c)?),
                        Rule::ensure_clause => {
                            ensure = Some(
                                self.body(
                                    c.into_inner()
                                        .find(|x| x.as_rule() == Rule::body)
                                        .ok_or_else(|| self.bug(sp, "ensure"))?,
                                )?,
                            )
                        }
                        _ => {}
                    }
                }
                Expr::Begin(body, rescues, els, ensure)
            }
            Rule::module_stmt => {
                let mut name = String::new();
                let mut body = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::constant => name = c.as_str().to_string(),
                        Rule::body => body = self.body(c)?,
                        _ => {}
                    }
                }
                Expr::Module(name, body)
            }
            Rule::class_stmt => Expr::Unsupported(p.as_str().lines().next().unwrap_or("").trim().to_string()),
            Rule::return_stmt | Rule::next_stmt | Rule::break_stmt => {
                let rule = p.as_rule();
                let mut value = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::expr => value = Some(Box::new(self.expr(c)?)),
                        Rule::args_list => {
                            let s = span(&c);
                            value = Some(Box::new(Node::new(Expr::Array(self.args(c)?), s)));
                        }
                        _ => {}
                    }
                }
                match rule {
                    Rule::return_stmt => Expr::Return(value),
                    Rule::next_stmt => Expr::Next(value),
                    _ => Expr::Break(value),
                }
            }
            Rule::defined_expr => Expr::Defined(Box::new(self.expr(first_inner(p, self)?)?)),
            Rule::yield_expr => {
                let args = match p.into_inner().find(|c| c.as_rule() == Rule::paren_args) {
                    Some(a) => self.args(a)?,
                    None => vec![],
                };
                Expr::Yield(args)
            }
            Rule::gvar => Expr::GVar(p.as_str().to_string()),
            Rule::ivar => Expr::IVar(p.as_str().to_string()),
            Rule::cvar => Expr::CVar(p.as_str().to_string()),
            Rule::constant => Expr::Const(None, p.as_str().trim_start_matches("::").to_string()),
            Rule::const_call => {
                let mut it = p.into_inner();
                let name = it.next().ok_or_else(|| self.bug(sp, "constant"))?.as_str().to_string();
                let args = self.args(it.next().ok_or_else(|| self.bug(sp, "arguments"))?)?;
                Expr::Call {
                    recv: None,
                    name,
                    args,
                    block: None,
                    safe: false,
                }
            }
            Rule::bare_call => {
                let mut name = String::new();
                let mut args = None;
                let mut block = None;
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::call_name => name = c.as_str().to_string(),
                        Rule::paren_args => args = Some(self.args(c)?),
                        Rule::brace_block => block = Some(self.block(c)?),
                        _ => {}
                    }
                }
                if args.is_none() && block.is_none() {
                    Expr::Ident(name)
                } else {
                    Expr::Call {
                        recv: None,
                        name,
                        args: args.unwrap_or_default(),
                        block,
                        safe: false,
                    }
                }
            }
            _ => return Err(self.bug(sp, "primary")),
        };
        Ok(Node::new(e, sp))
    }

    fn integer(&self, p: &Pair<Rule>) -> Built<i64> {
        let s = p.as_str().replace('_', "");
        let (neg, s) = match s.strip_prefix('-') {
            Some(r) => (true, r.to_string()),
            None => (false, s),
        };
        let v = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            i64::from_str_radix(h, 16)
        } else if let Some(b) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
            i64::from_str_radix(b, 2)
        } else if s.len() > 1 && s.starts_with('0') {
            i64::from_str_radix(&s[1..], 8)
        } else {
            s.parse()
        };
        let v = v.map_err(|_| {
            Box::new(Diagnostic::error(
                "unsupported",
                self.file,
                Some(span(p)),
                "this integer is too large for puppetlift to evaluate",
            ))
        })?;
        Ok(if neg { -v } else { v })
    }

    pub(in crate::vagrant) fn string(&self, p: Pair<Rule>) -> Built<Vec<StrPart>> {
        match p.as_rule() {
            Rule::sq_string => {
                let inner = p.into_inner().next().map(|t| t.as_str()).unwrap_or("");
                Ok(vec![StrPart::Text(unescape_single(inner))])
            }
            Rule::dq_string => {
                let mut parts = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::dq_text => push_text(&mut parts, &unescape_double(c.as_str())),
                        Rule::interp => parts.push(StrPart::Code(self.interp(c)?)),
                        _ => {}
                    }
                }
                Ok(parts)
            }
            _ => Err(self.bug(span(&p), "string")),
        }
    }

    fn interp(&self, p: Pair<Rule>) -> Built<Vec<Node>> {
        let sp = span(&p);
        let body = p
            .into_inner()
            .find(|c| c.as_rule() == Rule::body)
            .ok_or_else(|| self.bug(sp, "interpolation"))?;
        self.body(body)
    }

    pub(in crate::vagrant) fn heredoc(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = span(&p);
        let h = self
            .bodies
            .get(&(sp.start as usize))
            .ok_or_else(|| self.bug(sp, "heredoc body"))?;
        let text = heredoc::body_text(self.src, h);
        let parts = if h.raw {
            vec![StrPart::Text(text)]
        } else {
            // Spans inside a `<<~` body are approximate (indentation removed).
            self.interpolated(&text, h.start, sp)?
        };
        Ok(Node::new(Expr::Str(parts), sp))
    }

    /// Text with `#{}` and escapes, parsed on its own, spans offset to `base`.
    fn interpolated(&self, text: &str, base: usize, at: Span) -> Built<Vec<StrPart>> {
        let pairs = RubyGrammar::parse(Rule::heredoc_body, text).map_err(|e| {
            let mut d = syntax_error(self.file, text, e);
            d.span = Some(at);
            d
        })?;
        let mut parts = Vec::new();
        for p in pairs.flatten() {
            match p.as_rule() {
                Rule::hd_text => push_text(&mut parts, &unescape_double(p.as_str())),
                Rule::interp => {
                    let sub = Builder {
                        file: self.file,
                        src: text,
                        bodies: self.bodies,
                    };
                    let mut code = sub.interp(p)?;
                    for n in &mut code {
                        shift(n, base);
                    }
                    parts.push(StrPart::Code(code));
                }
                _ => {}
            }
        }
        Ok(parts)
    }

    fn regex_parts(&self, body: &str, at: Span) -> Built<Vec<StrPart>> {
        if !body.contains("#{") {
            return Ok(vec![StrPart::Text(body.to_string())]);
        }
        let parts = self.interpolated(body, at.start as usize, at)?;
        Ok(parts)
    }
}
