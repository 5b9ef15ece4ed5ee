//! Primaries: literals, variables, brackets, control structures, definitions,
//! blocks and their parameters, and patterns.

use super::*;
use std::rc::Rc;

impl Builder<'_> {
    pub(super) fn primary(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let e = match p.as_rule() {
            Rule::numeric => return self.numeric(p),
            Rule::strings => return self.strings(p),
            Rule::xstring => Expr::XStr(self.str_parts(p)?),
            Rule::regexp => {
                let end = p
                    .clone()
                    .into_inner()
                    .last()
                    .map(|e| self.tok_text(&e).to_string())
                    .unwrap_or_default();
                let flags: String = end.chars().skip(1).collect();
                let parts = self.str_parts(p)?;
                // Ruby compiles a literal regexp as it parses; an invalid one is a syntax error.
                if let [StrPart::Text(src, at)] = parts.as_slice() {
                    if let Some(why) = strings::regexp_error(src) {
                        return Err(self.error(*at, format!("invalid regexp: {why}")));
                    }
                }
                Expr::Regex(parts, flags)
            }
            Rule::words => return self.words(p),
            Rule::dsym => {
                let parts = self.str_parts(p)?;
                self.dsym_of(parts)
            }
            Rule::tSYMBOL => Expr::Sym(self.tok_text(&p).trim_start_matches(':').to_string()),
            Rule::tCHAR => Expr::Char(self.char_literal(self.tok_text(&p))),
            Rule::array => {
                let args = match p.into_inner().find(|x| x.as_rule() == Rule::call_list) {
                    Some(l) => self.call_list(l)?,
                    None => vec![],
                };
                Expr::Array(args)
            }
            Rule::hash => {
                let mut items = Vec::new();
                for a in p.into_inner().filter(|x| x.as_rule() == Rule::assoc) {
                    let asp = self.span(&a);
                    let mut it = a.into_inner().filter(|x| x.as_rule() != Rule::tNL);
                    let inner = it.next().ok_or_else(|| self.bug(asp, "hash entry"))?;
                    match inner.as_rule() {
                        Rule::label_pair | Rule::dq_label_pair => {
                            let (k, v) = self.label_pair(inner)?;
                            items.push(Arg::Pair(k, v));
                        }
                        Rule::dsplat => {
                            let v = match inner.into_inner().find(|x| x.as_rule() == Rule::arg) {
                                Some(v) => self.arg(v)?,
                                None => Node::new(Expr::Nil, asp),
                            };
                            items.push(Arg::DoubleSplat(v));
                        }
                        Rule::arg => {
                            let key = self.arg(inner)?;
                            let value = it
                                .find(|x| x.as_rule() == Rule::arg)
                                .ok_or_else(|| self.bug(asp, "hash value"))?;
                            items.push(Arg::Pair(key, self.arg(value)?));
                        }
                        _ => return Err(self.bug(asp, "hash entry")),
                    }
                }
                Expr::Hash(items)
            }
            Rule::paren => {
                let body = p.into_inner().find(|x| x.as_rule() == Rule::compstmt);
                let stmts = match body {
                    Some(b) => self.compstmt(b)?,
                    None => vec![],
                };
                Expr::Seq(stmts)
            }
            Rule::paren_arg => {
                let stmts = match p.into_inner().find(|x| x.as_rule() == Rule::stmt) {
                    Some(s) => vec![self.stmt(s)?],
                    None => vec![],
                };
                Expr::Seq(stmts)
            }
            Rule::top_const => Expr::TopConst(
                p.into_inner()
                    .last()
                    .map(|c| self.tok_text(&c).to_string())
                    .unwrap_or_default(),
            ),
            Rule::lambda => return self.lambda(p),
            Rule::if_expr | Rule::unless_expr => return self.if_expr(p),
            Rule::while_expr | Rule::until_expr => {
                let until = p.as_rule() == Rule::until_expr;
                let mut cond = None;
                let mut body = vec![];
                for x in p.into_inner() {
                    match x.as_rule() {
                        Rule::expr => cond = Some(self.expr(x)?),
                        Rule::compstmt => body = self.compstmt(x)?,
                        _ => {}
                    }
                }
                Expr::While(Box::new(cond.ok_or_else(|| self.bug(sp, "while"))?), body, until)
            }
            Rule::case_expr => return self.case_expr(p),
            Rule::for_expr => {
                let mut targets = vec![];
                let mut iter = None;
                let mut body = vec![];
                for x in p.into_inner() {
                    match x.as_rule() {
                        Rule::mlhs => targets = self.mlhs(x)?,
                        Rule::expr => iter = Some(self.expr(x)?),
                        Rule::compstmt => body = self.compstmt(x)?,
                        _ => {}
                    }
                }
                Expr::For(targets, Box::new(iter.ok_or_else(|| self.bug(sp, "for"))?), body)
            }
            Rule::begin_expr => {
                let b = p
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::bodystmt)
                    .ok_or_else(|| self.bug(sp, "begin"))?;
                let (stmts, rescues, els, ensure) = self.bodystmt_parts(b)?;
                Expr::Begin(stmts, rescues, els, ensure)
            }
            Rule::def_stmt => return self.def_stmt(p),
            Rule::class_stmt => return self.class_stmt(p),
            Rule::module_stmt => {
                let mut name = String::new();
                let mut body = vec![];
                for x in p.into_inner() {
                    match x.as_rule() {
                        Rule::cpath => name = self.cpath_name(&x),
                        Rule::bodystmt => body = self.bodystmt(x)?,
                        _ => {}
                    }
                }
                Expr::Module(name, body)
            }
            Rule::defined_paren => {
                let e = p
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::expr)
                    .ok_or_else(|| self.bug(sp, "defined?"))?;
                Expr::Defined(Box::new(self.expr(e)?))
            }
            Rule::not_paren => match p.into_inner().find(|x| x.as_rule() == Rule::expr) {
                Some(e) => Expr::Not(Box::new(self.expr(e)?)),
                None => Expr::Not(Box::new(Node::new(Expr::Nil, sp))),
            },
            Rule::jump => return self.jump(p),
            Rule::kREDO => Expr::Redo,
            Rule::kRETRY => Expr::Retry,
            Rule::yield_call => match p.into_inner().find(|x| x.as_rule() == Rule::paren_args) {
                Some(a) => Expr::Yield(self.paren_args(a)?),
                None => Expr::Yield(vec![]),
            },
            Rule::super_call => {
                let mut args = None;
                let mut block = None;
                for x in p.into_inner() {
                    match x.as_rule() {
                        Rule::paren_args => args = Some(self.paren_args(x)?),
                        Rule::brace_block | Rule::do_block => block = Some(self.block(x)?),
                        _ => {}
                    }
                }
                match args {
                    Some(a) => Expr::Super(a, block),
                    None => Expr::ZSuper(block),
                }
            }
            Rule::var_or_call => return self.var_or_call(p),
            _ => return Err(self.bug(sp, "primary")),
        };
        Ok(Node::new(e, sp))
    }

    /// A name: a local, a call without arguments, a call with `(...)` or a
    /// block, a constant; or a keyword value.
    fn var_or_call(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut it = p.into_inner();
        let head = it.next().ok_or_else(|| self.bug(sp, "name"))?;
        if head.as_rule() == Rule::var_ref {
            let t = self.token(&first(head, self)?);
            let text = self.text(&t);
            let e = match t.kind {
                T::tIVAR => Expr::IVar(text.to_string()),
                T::tCVAR => Expr::CVar(text.to_string()),
                T::tGVAR => Expr::GVar(text.to_string()),
                T::tNTH_REF => Expr::NthRef(text[1..].parse().unwrap_or(0)),
                T::tBACK_REF => Expr::BackRef(text.chars().nth(1).unwrap_or('&')),
                T::kSELF => Expr::SelfRef,
                T::kNIL => Expr::Nil,
                T::kTRUE => Expr::True,
                T::kFALSE => Expr::False,
                T::k__FILE__ => Expr::File,
                T::k__LINE__ => Expr::Line,
                T::k__ENCODING__ => Expr::Encoding,
                _ => return Err(self.bug(sp, "variable")),
            };
            return Ok(Node::new(e, sp));
        }
        let t = self.token(&head);
        let name = self.text(&t).to_string();
        let mut args = None;
        let mut block = None;
        for x in it {
            match x.as_rule() {
                Rule::paren_args => args = Some(self.paren_args(x)?),
                Rule::brace_block | Rule::do_block => block = Some(self.block(x)?),
                _ => {}
            }
        }
        if args.is_none() && block.is_none() {
            let e = match t.kind {
                T::tCONSTANT => Expr::Const(None, name),
                T::tIDENTIFIER if t.has(tokens::flags::LOCAL) => Expr::Ident(name),
                _ if name == "__dir__" => Expr::DirKw,
                _ => Expr::VCall(name),
            };
            return Ok(Node::new(e, sp));
        }
        if t.has(tokens::flags::LOCAL) && args.is_none() {
            return Err(self.error(sp, format!("`{name}` is a local variable here; it takes no block")));
        }
        let parens = args.is_some();
        Ok(Node::new(
            Expr::Call {
                recv: None,
                name,
                args: args.unwrap_or_default(),
                block,
                safe: false,
                name_at: t.span,
                parens,
            },
            sp,
        ))
    }

    /// `return`, `break`, `next`, with their value (several: an array).
    fn jump(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut it = p.into_inner();
        let kw = it.next().ok_or_else(|| self.bug(sp, "jump"))?;
        let kind = self.kind(&kw);
        let value = match it.next() {
            Some(args) => {
                let list = first(args, self)?;
                let lsp = self.span(&list);
                let mut a = self.call_list(list)?;
                Some(Box::new(if a.len() == 1 && matches!(a[0], Arg::Pos(_)) {
                    match a.pop() {
                        Some(Arg::Pos(n)) => n,
                        _ => return Err(self.bug(sp, "jump value")),
                    }
                } else {
                    Node::new(Expr::Array(a), lsp)
                }))
            }
            None => None,
        };
        let e = match kind {
            T::kRETURN => Expr::Return(value),
            T::kBREAK => Expr::Break(value),
            _ => Expr::Next(value),
        };
        Ok(Node::new(e, sp))
    }

    fn if_expr(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let unless = p.as_rule() == Rule::unless_expr;
        let mut cond = None;
        let mut then = vec![];
        let mut elsifs = vec![];
        let mut els = vec![];
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::expr => cond = Some(self.expr(x)?),
                Rule::compstmt => then = self.compstmt(x)?,
                Rule::elsif_clause => elsifs.push(x),
                Rule::else_clause => els = self.else_clause(x)?,
                _ => {}
            }
        }
        // `elsif` chains nest as `if`s in the else branch, last first.
        for e in elsifs.into_iter().rev() {
            let esp = self.span(&e);
            let mut c = None;
            let mut body = vec![];
            for x in e.into_inner() {
                match x.as_rule() {
                    Rule::expr => c = Some(self.expr(x)?),
                    Rule::compstmt => body = self.compstmt(x)?,
                    _ => {}
                }
            }
            let c = c.ok_or_else(|| self.bug(esp, "elsif"))?;
            els = vec![Node::new(Expr::If(Box::new(c), body, els), esp)];
        }
        let cond = cond.ok_or_else(|| self.bug(sp, "if"))?;
        let e = if unless {
            Expr::If(Box::new(cond), els, then)
        } else {
            Expr::If(Box::new(cond), then, els)
        };
        Ok(Node::new(e, sp))
    }

    fn else_clause(&self, p: Pair<Rule>) -> Built<Vec<Node>> {
        match p.into_inner().find(|x| x.as_rule() == Rule::compstmt) {
            Some(c) => self.compstmt(c),
            None => Ok(vec![]),
        }
    }

    fn case_expr(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut subject = None;
        let mut whens = vec![];
        let mut ins = vec![];
        let mut els = None;
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::expr => subject = Some(Box::new(self.expr(x)?)),
                Rule::when_clause => {
                    let mut values = vec![];
                    let mut body = vec![];
                    for y in x.into_inner() {
                        match y.as_rule() {
                            Rule::call_list => values = self.call_list(y)?,
                            Rule::compstmt => body = self.compstmt(y)?,
                            _ => {}
                        }
                    }
                    whens.push(When { values, body });
                }
                Rule::in_clause => {
                    let isp = self.span(&x);
                    let mut pattern = None;
                    let mut guard = None;
                    let mut body = vec![];
                    for y in x.into_inner() {
                        match y.as_rule() {
                            Rule::p_top => pattern = Some(self.pattern(y)?),
                            Rule::guard => {
                                let mut g = y.into_inner();
                                let kw = g.next().ok_or_else(|| self.bug(isp, "guard"))?;
                                let unless = self.kind(&kw) == T::kUNLESS_MOD;
                                let c = g.next().ok_or_else(|| self.bug(isp, "guard"))?;
                                guard = Some((Box::new(self.expr(c)?), unless));
                            }
                            Rule::compstmt => body = self.compstmt(y)?,
                            _ => {}
                        }
                    }
                    ins.push(InArm {
                        pattern: pattern.ok_or_else(|| self.bug(isp, "in"))?,
                        guard,
                        body,
                    });
                }
                Rule::else_clause => els = Some(self.else_clause(x)?),
                _ => {}
            }
        }
        if !ins.is_empty() {
            let subject = subject.ok_or_else(|| self.error(sp, "`case ... in` needs a value to match"))?;
            return Ok(Node::new(Expr::CaseIn(subject, ins, els), sp));
        }
        Ok(Node::new(Expr::Case(subject, whens, els), sp))
    }

    /// A pattern: kept as its parts in order (values, constants, bindings).
    pub(super) fn pattern(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut parts = Vec::new();
        self.pattern_parts(p, &mut parts)?;
        Ok(Node::new(Expr::Pattern(parts), sp))
    }

    fn pattern_parts(&self, p: Pair<Rule>, out: &mut Vec<Node>) -> Built<()> {
        for x in p.into_inner() {
            let sp = self.span(&x);
            match x.as_rule() {
                Rule::p_value => {
                    for v in x.into_inner() {
                        if v.as_rule() == Rule::operand_chain {
                            out.push(self.operand_chain(v)?);
                        }
                    }
                }
                Rule::p_const => out.push(Node::new(Expr::Const(None, x.as_str().to_string()), sp)),
                Rule::expr => out.push(self.expr(x)?),
                Rule::tIDENTIFIER => out.push(Node::new(Expr::Ident(self.tok_text(&x).to_string()), sp)),
                Rule::tLABEL => out.push(Node::new(
                    Expr::Sym(self.tok_text(&x).trim_end_matches(':').to_string()),
                    sp,
                )),
                Rule::dq_label_pair_p => self.pattern_parts(x, out)?,
                Rule::tSTRING_CONTENT => {
                    let mut parts = vec![];
                    self.str_part(x, &mut parts)?;
                    out.push(Node::new(Expr::Str(parts), sp));
                }
                _ => self.pattern_parts(x, out)?,
            }
        }
        Ok(())
    }

    fn lambda(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut params = vec![];
        let mut locals = vec![];
        let mut stmts = vec![];
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::lambda_params => {
                    if let Some(ps) = x.into_inner().find(|y| y.as_rule() == Rule::params) {
                        params = self.params(ps)?;
                    }
                }
                Rule::block_body => {
                    let (ps, ls, body) = self.block_body(x)?;
                    if !ps.is_empty() {
                        params = ps;
                    }
                    locals = ls;
                    stmts = body;
                }
                _ => {}
            }
        }
        Ok(Node::new(
            Expr::Lambda(Rc::new(Body {
                params,
                locals,
                stmts,
                cmd_block: false,
                span: sp,
                is_lambda: true,
            })),
            sp,
        ))
    }

    /// `{ |params| body }`, `do |params| body end`, a command's block.
    pub(super) fn block(&self, p: Pair<Rule>) -> Built<Rc<Body>> {
        let sp = self.span(&p);
        let cmd_block = p.as_rule() == Rule::cmd_block;
        let body = p
            .into_inner()
            .find(|x| x.as_rule() == Rule::block_body)
            .ok_or_else(|| self.bug(sp, "block"))?;
        let (params, locals, stmts) = self.block_body(body)?;
        Ok(Rc::new(Body {
            params,
            locals,
            stmts,
            cmd_block,
            span: sp,
            is_lambda: false,
        }))
    }

    fn block_body(&self, p: Pair<Rule>) -> Built<(Vec<Param>, Vec<String>, Vec<Node>)> {
        let mut params = vec![];
        let mut locals = vec![];
        let mut stmts = vec![];
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::block_params => {
                    for y in x.into_inner() {
                        match y.as_rule() {
                            Rule::params | Rule::bparams => params = self.params(y)?,
                            Rule::tIDENTIFIER => locals.push(self.tok_text(&y).to_string()),
                            _ => {}
                        }
                    }
                }
                Rule::bodystmt => stmts = self.bodystmt(x)?,
                _ => {}
            }
        }
        Ok((params, locals, stmts))
    }

    /// A body with its `rescue`/`else`/`ensure`: plain statements when it has none.
    pub(super) fn bodystmt(&self, p: Pair<Rule>) -> Built<Vec<Node>> {
        let sp = self.span(&p);
        let (stmts, rescues, els, ensure) = self.bodystmt_parts(p)?;
        if rescues.is_empty() && els.is_none() && ensure.is_none() {
            return Ok(stmts);
        }
        Ok(vec![Node::new(Expr::Begin(stmts, rescues, els, ensure), sp)])
    }

    #[allow(clippy::type_complexity)]
    fn bodystmt_parts(&self, p: Pair<Rule>) -> Built<(Vec<Node>, Vec<Rescue>, Option<Vec<Node>>, Option<Vec<Node>>)> {
        let mut stmts = vec![];
        let mut rescues = vec![];
        let mut els = None;
        let mut ensure = None;
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::compstmt => stmts = self.compstmt(x)?,
                Rule::rescue_clause => rescues.push(self.rescue_clause(x)?),
                Rule::else_clause => els = Some(self.else_clause(x)?),
                Rule::ensure_clause => {
                    ensure = Some(match x.into_inner().find(|y| y.as_rule() == Rule::compstmt) {
                        Some(c) => self.compstmt(c)?,
                        None => vec![],
                    })
                }
                _ => {}
            }
        }
        Ok((stmts, rescues, els, ensure))
    }

    fn rescue_clause(&self, p: Pair<Rule>) -> Built<Rescue> {
        let mut r = Rescue {
            classes: vec![],
            var: None,
            target: None,
            body: vec![],
        };
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::exc_list => {
                    for item in x.into_inner() {
                        match item.as_rule() {
                            Rule::arg => r.classes.push(self.arg(item)?),
                            Rule::splat => {
                                if let Some(a) = item.into_inner().find(|y| y.as_rule() == Rule::arg) {
                                    r.classes.push(self.arg(a)?);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Rule::exc_var => {
                    if let Some(a) = x.into_inner().find(|y| y.as_rule() == Rule::arg) {
                        let t = self.assignable(self.arg(a)?)?;
                        match t.expr {
                            Expr::Ident(name) => r.var = Some(name),
                            _ => r.target = Some(Box::new(t)),
                        }
                    }
                }
                Rule::compstmt => r.body = self.compstmt(x)?,
                _ => {}
            }
        }
        Ok(r)
    }

    fn def_stmt(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut recv = None;
        let mut name = String::new();
        let mut name_at = sp;
        let mut params = vec![];
        let mut stmts = vec![];
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::def_name => {
                    for y in x.into_inner() {
                        match y.as_rule() {
                            Rule::singleton => {
                                let ysp = self.span(&y);
                                let inner = first(y, self)?;
                                recv = Some(match inner.as_rule() {
                                    Rule::expr => self.expr(inner)?,
                                    _ => {
                                        let t = self.token(&inner);
                                        let text = self.text(&t).to_string();
                                        Node::new(
                                            match t.kind {
                                                T::kSELF => Expr::SelfRef,
                                                T::tCONSTANT => Expr::Const(None, text),
                                                T::tIVAR => Expr::IVar(text),
                                                T::tGVAR => Expr::GVar(text),
                                                T::tCVAR => Expr::CVar(text),
                                                T::kNIL => Expr::Nil,
                                                T::kTRUE => Expr::True,
                                                T::kFALSE => Expr::False,
                                                _ if t.has(tokens::flags::LOCAL) => Expr::Ident(text),
                                                _ => Expr::VCall(text),
                                            },
                                            ysp,
                                        )
                                    }
                                });
                            }
                            Rule::fname => {
                                name = self.tok_text(&y).to_string();
                                name_at = self.span(&y);
                            }
                            _ => {}
                        }
                    }
                }
                Rule::def_params => {
                    if let Some(ps) = x.into_inner().find(|y| y.as_rule() == Rule::params) {
                        params = self.params(ps)?;
                    }
                }
                Rule::bodystmt => stmts = self.bodystmt(x)?,
                Rule::endless_body => {
                    if let Some(a) = x.into_inner().find(|y| y.as_rule() == Rule::arg) {
                        stmts = vec![self.arg(a)?];
                    }
                }
                _ => {}
            }
        }
        let body = Rc::new(Body {
            params,
            locals: vec![],
            stmts,
            cmd_block: false,
            span: sp,
            is_lambda: false,
        });
        let e = match recv {
            Some(r) => Expr::SingletonDef(Box::new(r), name, body, name_at),
            None => Expr::Def(name, body, name_at),
        };
        Ok(Node::new(e, sp))
    }

    fn class_stmt(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut path = None;
        let mut superclass = None;
        let mut singleton = None;
        let mut body = vec![];
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::cpath => path = Some(self.cpath(x)?),
                Rule::expr => {
                    let e = self.expr(x)?;
                    if path.is_some() {
                        superclass = Some(Box::new(e));
                    } else {
                        singleton = Some(Box::new(e));
                    }
                }
                Rule::bodystmt => body = self.bodystmt(x)?,
                _ => {}
            }
        }
        let e = match (singleton, path) {
            (Some(obj), _) => Expr::SClass(obj, body),
            (None, Some(path)) => Expr::Class(Box::new(path), superclass, body),
            _ => return Err(self.bug(sp, "class")),
        };
        Ok(Node::new(e, sp))
    }

    /// `A::B::C` as a constant node.
    fn cpath(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut node: Option<Node> = None;
        let mut top = false;
        for x in p.into_inner() {
            let t = self.token(&x);
            match t.kind {
                T::tCOLON3 => top = true,
                T::tCONSTANT | T::tIDENTIFIER => {
                    let name = self.text(&t).to_string();
                    node = Some(match node {
                        None if top => Node::new(Expr::TopConst(name), t.span),
                        None => Node::new(Expr::Const(None, name), t.span),
                        Some(scope) => {
                            let s = scope.span.to(t.span);
                            Node::new(Expr::Const(Some(Box::new(scope)), name), s)
                        }
                    });
                }
                _ => {}
            }
        }
        node.ok_or_else(|| self.bug(sp, "class path"))
    }

    /// The path's names, joined as written (`A::B`).
    fn cpath_name(&self, p: &Pair<Rule>) -> String {
        p.clone()
            .into_inner()
            .map(|x| {
                let t = self.token(&x);
                match t.kind {
                    T::tCOLON3 | T::tCOLON2 => "::".to_string(),
                    _ => self.text(&t).to_string(),
                }
            })
            .collect()
    }

    /// Parameters of a method, block or lambda.
    pub(super) fn params(&self, p: Pair<Rule>) -> Built<Vec<Param>> {
        let mut out = Vec::new();
        for param in p
            .into_inner()
            .filter(|x| matches!(x.as_rule(), Rule::param | Rule::bparam))
        {
            let sp = self.span(&param);
            let inner = first(param, self)?;
            let name_in = |x: &Pair<Rule>| -> String {
                x.clone()
                    .into_inner()
                    .find(|y| matches!(y.as_rule(), Rule::tIDENTIFIER | Rule::kNIL))
                    .map(|y| self.tok_text(&y).to_string())
                    .unwrap_or_default()
            };
            out.push(match inner.as_rule() {
                Rule::tIDENTIFIER => Param::Required(self.tok_text(&inner).to_string()),
                Rule::fwd_param => Param::Forward,
                Rule::rest_param => Param::Rest(name_in(&inner)),
                Rule::kwrest_param => Param::KeywordRest(name_in(&inner)),
                Rule::block_param => Param::Block(name_in(&inner)),
                Rule::kw_param | Rule::bkw_param => {
                    let mut it = inner.into_inner();
                    let l = it.next().ok_or_else(|| self.bug(sp, "keyword parameter"))?;
                    let name = self.tok_text(&l).trim_end_matches(':').to_string();
                    let default = match it.next() {
                        Some(d) => Some(self.default_value(d)?),
                        None => None,
                    };
                    Param::Keyword(name, default)
                }
                Rule::opt_param | Rule::bopt_param => {
                    let mut it = inner.into_inner();
                    let n = it.next().ok_or_else(|| self.bug(sp, "parameter"))?;
                    let name = self.tok_text(&n).to_string();
                    let d = it
                        .find(|y| matches!(y.as_rule(), Rule::arg | Rule::operand_chain))
                        .ok_or_else(|| self.bug(sp, "default"))?;
                    Param::Optional(name, self.default_value(d)?)
                }
                Rule::group_param => {
                    let mut names = Vec::new();
                    collect_names(self, inner, &mut names);
                    Param::Destructure(names)
                }
                _ => return Err(self.bug(sp, "parameter")),
            });
        }
        Ok(out)
    }
}

impl Builder<'_> {
    /// A parameter's default: an `arg` (methods) or a primary (blocks).
    fn default_value(&self, p: Pair<Rule>) -> Built<Node> {
        match p.as_rule() {
            Rule::operand_chain => self.operand_chain(p),
            _ => self.arg(p),
        }
    }
}

/// The names bound by a nested parameter list `(a, (b, *c))`.
fn collect_names(b: &Builder, p: Pair<Rule>, out: &mut Vec<String>) {
    for x in p.into_inner() {
        if x.as_rule() == Rule::tIDENTIFIER {
            out.push(b.tok_text(&x).to_string());
        } else {
            collect_names(b, x, out);
        }
    }
}
