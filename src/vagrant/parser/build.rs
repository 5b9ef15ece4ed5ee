//! Statements, expressions, operands and arguments.

use super::*;
use std::rc::Rc;

impl Builder<'_> {
    pub(super) fn compstmt(&self, p: Pair<Rule>) -> Built<Vec<Node>> {
        p.into_inner()
            .filter(|s| s.as_rule() == Rule::stmt)
            .map(|s| self.stmt(s))
            .collect()
    }

    pub(super) fn stmt(&self, p: Pair<Rule>) -> Built<Node> {
        let mut it = p.into_inner();
        let head = it.next().ok_or_else(|| self.bug(Span::new(0, 0), "empty statement"))?;
        let mut node = self.stmt_head(head)?;
        for m in it {
            node = self.modifier(node, m)?;
        }
        Ok(node)
    }

    /// `stmt if cond`, `stmt while cond`, `stmt rescue other`.
    fn modifier(&self, node: Node, p: Pair<Rule>) -> Built<Node> {
        let sp = node.span.to(self.span(&p));
        let mut it = p.into_inner();
        let kw = it.next().ok_or_else(|| self.bug(sp, "modifier"))?;
        let kind = self.kind(&kw);
        let rest = it.next().ok_or_else(|| self.bug(sp, "modifier operand"))?;
        Ok(match kind {
            T::kRESCUE_MOD => {
                let handler = self.stmt_head(rest)?;
                rescue_mod(node, handler, sp)
            }
            _ => {
                let cond = self.expr(rest)?;
                let e = match kind {
                    T::kIF_MOD => Expr::If(Box::new(cond), vec![node], vec![]),
                    T::kUNLESS_MOD => Expr::If(Box::new(cond), vec![], vec![node]),
                    T::kWHILE_MOD | T::kUNTIL_MOD => {
                        let until = kind == T::kUNTIL_MOD;
                        // `begin ... end while c` tests after the body.
                        match node.expr {
                            Expr::Begin(ref b, ref r, None, None) if r.is_empty() => {
                                Expr::DoWhile(Box::new(cond), b.clone(), until)
                            }
                            _ => Expr::While(Box::new(cond), vec![node], until),
                        }
                    }
                    _ => return Err(self.bug(sp, "modifier keyword")),
                };
                Node::new(e, sp)
            }
        })
    }

    pub(super) fn stmt_head(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        match p.as_rule() {
            Rule::expr => self.expr(p),
            Rule::masgn => self.masgn(p),
            Rule::alias_stmt => {
                let names: Vec<String> = p
                    .into_inner()
                    .filter(|f| f.as_rule() == Rule::fitem)
                    .map(|f| self.fitem(f))
                    .collect::<Built<_>>()?;
                match names.as_slice() {
                    [new, old] => Ok(Node::new(Expr::Alias(new.clone(), old.clone()), sp)),
                    _ => Err(self.bug(sp, "alias")),
                }
            }
            Rule::undef_stmt => {
                let names = p
                    .into_inner()
                    .filter(|f| f.as_rule() == Rule::fitem)
                    .map(|f| self.fitem(f))
                    .collect::<Built<_>>()?;
                Ok(Node::new(Expr::Undef(names), sp))
            }
            Rule::begin_block | Rule::end_block => {
                let end = p.as_rule() == Rule::end_block;
                let body = p.into_inner().find(|x| x.as_rule() == Rule::compstmt);
                let stmts = match body {
                    Some(b) => self.compstmt(b)?,
                    None => vec![],
                };
                Ok(Node::new(Expr::Hook(stmts, end), sp))
            }
            _ => Err(self.bug(sp, "statement")),
        }
    }

    /// A method name after `alias`/`undef` (`foo`, `:foo`, `:"foo"`, `$g`).
    fn fitem(&self, p: Pair<Rule>) -> Built<String> {
        let inner = first(p, self)?;
        Ok(match inner.as_rule() {
            Rule::fname => self.tok_text(&inner).to_string(),
            Rule::dsym => {
                let parts = self.str_parts(inner)?;
                parts
                    .iter()
                    .map(|p| match p {
                        StrPart::Text(t, _) => t.clone(),
                        StrPart::Code(_) => String::new(),
                    })
                    .collect()
            }
            _ => {
                let t = self.tok_text(&inner);
                t.strip_prefix(':').unwrap_or(t).to_string()
            }
        })
    }

    /// `a, (b, c), *d = values`
    fn masgn(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut targets = None;
        let mut value = None;
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::mlhs => targets = Some(self.mlhs(x)?),
                Rule::mrhs => {
                    let list = first(x, self)?;
                    let vsp = self.span(&list);
                    let args = self.call_list(list)?;
                    value = Some(match args.as_slice() {
                        [Arg::Pos(n)] => n.clone(),
                        _ => Node::new(Expr::Array(args), vsp),
                    });
                }
                _ => {}
            }
        }
        match (targets, value) {
            (Some(t), Some(v)) => Ok(Node::new(Expr::MultiAssign(t, Box::new(v)), sp)),
            _ => Err(self.bug(sp, "multiple assignment")),
        }
    }

    pub(super) fn mlhs(&self, p: Pair<Rule>) -> Built<Vec<Node>> {
        p.into_inner()
            .filter(|x| x.as_rule() == Rule::mlhs_item)
            .map(|item| {
                let sp = self.span(&item);
                let mut it = item.into_inner().peekable();
                let Some(f) = it.next() else {
                    return Err(self.bug(sp, "target"));
                };
                match f.as_rule() {
                    Rule::lhs => self.lhs(f),
                    Rule::mlhs => Ok(Node::new(Expr::Group(self.mlhs(f)?), sp)),
                    _ if self.kind(&f) == T::tSTAR => {
                        let target = match it.next() {
                            Some(l) => Some(Box::new(self.lhs(l)?)),
                            None => None,
                        };
                        Ok(Node::new(Expr::Splat(target), sp))
                    }
                    _ => {
                        // `(` mlhs `)`
                        let inner = it
                            .find(|x| x.as_rule() == Rule::mlhs)
                            .ok_or_else(|| self.bug(sp, "group"))?;
                        Ok(Node::new(Expr::Group(self.mlhs(inner)?), sp))
                    }
                }
            })
            .collect()
    }

    /// An assignment target: a variable, constant, attribute or index.
    pub(super) fn lhs(&self, p: Pair<Rule>) -> Built<Node> {
        let chain = first(p, self)?;
        let n = self.operand_chain(chain)?;
        self.assignable(n)
    }

    /// What a call chain means on the left of `=`.
    pub(super) fn assignable(&self, n: Node) -> Built<Node> {
        let ok = match &n.expr {
            Expr::Ident(_) | Expr::IVar(_) | Expr::GVar(_) | Expr::CVar(_) | Expr::Const(..) | Expr::TopConst(_) => {
                true
            }
            Expr::VCall(name) => {
                // A name assigned here is a local from now on.
                return Ok(Node::new(Expr::Ident(name.clone()), n.span));
            }
            Expr::Index(..) => true,
            Expr::Call {
                recv: Some(_),
                args,
                block: None,
                parens: false,
                ..
            } => args.is_empty(),
            Expr::Splat(_) | Expr::Group(_) => true,
            _ => false,
        };
        if ok {
            Ok(n)
        } else {
            Err(self.error(n.span, "this cannot be assigned to"))
        }
    }

    /// `expr`: `and`/`or` over `not` and operator expressions.
    pub(super) fn expr(&self, p: Pair<Rule>) -> Built<Node> {
        let mut it = p.into_inner();
        let f = it.next().ok_or_else(|| self.bug(Span::new(0, 0), "empty expression"))?;
        let mut node = self.expr_not(f)?;
        while let Some(op) = it.next() {
            let is_and = self.kind(&op) == T::kAND;
            let rhs = match it.next() {
                Some(r) => self.expr_not(r)?,
                None => return Err(self.bug(node.span, "and/or operand")),
            };
            let sp = node.span.to(rhs.span);
            node = Node::new(
                if is_and {
                    Expr::And(Box::new(node), Box::new(rhs))
                } else {
                    Expr::Or(Box::new(node), Box::new(rhs))
                },
                sp,
            );
        }
        Ok(node)
    }

    fn expr_not(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut it = p.into_inner();
        let f = it.next().ok_or_else(|| self.bug(sp, "empty expression"))?;
        if f.as_rule() == Rule::expr_not {
            return Err(self.bug(sp, "not"));
        }
        if self.kind(&f) == T::kNOT {
            let operand = it.next().ok_or_else(|| self.bug(sp, "not operand"))?;
            return Ok(Node::new(Expr::Not(Box::new(self.expr_not(operand)?)), sp));
        }
        let value = self.arg(f)?;
        match it.next() {
            Some(tail) => {
                let mut t = tail.into_inner();
                let op = t.next().ok_or_else(|| self.bug(sp, "pattern"))?;
                let is_in = self.kind(&op) == T::kIN;
                let pat = t.next().ok_or_else(|| self.bug(sp, "pattern"))?;
                let pattern = self.pattern(pat)?;
                Ok(Node::new(Expr::Match(Box::new(value), Box::new(pattern), is_in), sp))
            }
            None => Ok(value),
        }
    }

    /// An operand: the chain, then a command's arguments and block.
    pub(super) fn operand(&self, p: Pair<Rule>) -> Built<(Node, bool)> {
        let sp = self.span(&p);
        let mut it = p.into_inner();
        let chain = it.next().ok_or_else(|| self.bug(sp, "operand"))?;
        let node = self.operand_chain(chain)?;
        let Some(args) = it.next() else {
            return Ok((node, false));
        };
        let list = first(args, self)?;
        let mut args = self.call_list(list)?;
        let mut block = None;
        let mut rest = Vec::new();
        for x in it {
            match x.as_rule() {
                Rule::cmd_block => block = Some(self.block(x)?),
                Rule::block_call_rest => rest.push(x),
                _ => {}
            }
        }
        // A command's `do` binds to the outermost command: take it from the
        // command that is its last argument.
        if block.is_none() {
            if let Some(Arg::Pos(last)) = args.last_mut() {
                block = take_command_block(last);
            }
        }
        let mut node = self.with_command_args(node, args, block, sp)?;
        for r in rest {
            node = self.block_call_rest(node, r)?;
        }
        Ok((node, true))
    }

    /// Give the last call of a chain a command's arguments (and block).
    fn with_command_args(&self, node: Node, args: Vec<Arg>, block: Option<Rc<Body>>, sp: Span) -> Built<Node> {
        let span = node.span.to(sp);
        // Ruby takes a command (a call without parentheses) as the only
        // argument of another, never beside others: `foo a, bar b` is refused
        // at `b`.
        if args.len() > 1 {
            for arg in &args {
                let (Arg::Pos(n) | Arg::Pair(_, n)) = arg else { continue };
                if let Expr::Call {
                    args: inner,
                    parens: false,
                    ..
                } = &n.expr
                {
                    if let Some(Arg::Pos(first) | Arg::Pair(first, _)) = inner.first() {
                        return Err(self.error(
                            first.span,
                            "a command's arguments need parentheses beside other arguments",
                        ));
                    }
                }
            }
        }
        let e = match node.expr {
            Expr::VCall(name) => Expr::Call {
                recv: None,
                name,
                args,
                block,
                safe: false,
                name_at: node.span,
                parens: false,
            },
            Expr::Const(None, name) => Expr::Call {
                recv: None,
                name,
                args,
                block,
                safe: false,
                name_at: node.span,
                parens: false,
            },
            Expr::Call {
                recv,
                name,
                args: a,
                block: None,
                safe,
                name_at,
                parens: false,
            } if a.is_empty() => Expr::Call {
                recv,
                name,
                args,
                block,
                safe,
                name_at,
                parens: false,
            },
            Expr::Const(Some(scope), name) => Expr::Call {
                recv: Some(scope),
                name_at: Span::new(
                    (node.span.end as usize).saturating_sub(name.len()),
                    node.span.end as usize,
                ),
                name,
                args,
                block,
                safe: false,
                parens: false,
            },
            Expr::Yield(a) if a.is_empty() && block.is_none() => Expr::Yield(args),
            Expr::ZSuper(b) => Expr::Super(args, block.or(b)),
            // Ruby reads `x "y"` as a call of the method `x` even where `x` is a local.
            Expr::Ident(name) => Expr::Call {
                recv: None,
                name,
                args,
                block,
                safe: false,
                name_at: node.span,
                parens: false,
            },
            _ => {
                // Ruby stops at the first token of the arguments, not at what they follow.
                let end = (node.span.end as usize).min(self.src.len());
                let after = self.src.get(end..).unwrap_or_default();
                let gap = after.len() - after.trim_start().len();
                let at = Span::new(end + gap, (sp.end as usize).max(end + gap));
                return Err(self.error(at, "unexpected argument"));
            }
        };
        Ok(Node::new(e, span))
    }

    /// `.meth args` after a command's block (`foo x do ... end.bar`).
    fn block_call_rest(&self, recv: Node, p: Pair<Rule>) -> Built<Node> {
        let sp = recv.span.to(self.span(&p));
        let mut it = p.into_inner();
        let op = it.next().ok_or_else(|| self.bug(sp, "call"))?;
        let safe = self.kind(&op) == T::tANDDOT;
        let name_p = it.next().ok_or_else(|| self.bug(sp, "call name"))?;
        let name_at = self.span(&name_p);
        let name = self.tok_text(&name_p).to_string();
        let mut args = Vec::new();
        let mut parens = false;
        let mut block = None;
        for x in it {
            match x.as_rule() {
                Rule::paren_args => {
                    parens = true;
                    args = self.paren_args(x)?;
                }
                Rule::command_args => args = self.call_list(first(x, self)?)?,
                Rule::brace_block | Rule::do_block => block = Some(self.block(x)?),
                _ => {}
            }
        }
        Ok(Node::new(
            Expr::Call {
                recv: Some(Box::new(recv)),
                name,
                args,
                block,
                safe,
                name_at,
                parens,
            },
            sp,
        ))
    }

    /// A primary and its postfixes: `.calls`, `::Consts`, `[indexes]`.
    pub(super) fn operand_chain(&self, p: Pair<Rule>) -> Built<Node> {
        let mut it = p.into_inner();
        let prim = it.next().ok_or_else(|| self.bug(Span::new(0, 0), "chain"))?;
        let mut node = self.primary(prim)?;
        for post in it {
            node = self.postfix(node, post)?;
        }
        Ok(node)
    }

    fn postfix(&self, recv: Node, p: Pair<Rule>) -> Built<Node> {
        let sp = recv.span.to(self.span(&p));
        match p.as_rule() {
            Rule::colon2 => {
                let name = p
                    .into_inner()
                    .last()
                    .map(|c| self.tok_text(&c).to_string())
                    .unwrap_or_default();
                Ok(Node::new(Expr::Const(Some(Box::new(recv)), name), sp))
            }
            Rule::index => {
                let mut args = vec![];
                let mut block = None;
                for x in p.into_inner() {
                    match x.as_rule() {
                        Rule::call_list => args = self.call_list(x)?,
                        Rule::brace_block | Rule::do_block => block = Some(self.block(x)?),
                        _ => {}
                    }
                }
                if let Some(b) = block {
                    // `a[1] { }`: a call of `[]` with a block.
                    return Ok(Node::new(
                        Expr::Call {
                            recv: Some(Box::new(recv)),
                            name: "[]".into(),
                            args,
                            block: Some(b),
                            safe: false,
                            name_at: sp,
                            parens: true,
                        },
                        sp,
                    ));
                }
                Ok(Node::new(Expr::Index(Box::new(recv), args), sp))
            }
            Rule::call | Rule::colon2_call => {
                let mut safe = false;
                // `.()` is `.call()`, with no name written.
                let mut name = "call".to_string();
                let mut name_at = Span::new(0, 0);
                let mut args = Vec::new();
                let mut parens = false;
                let mut block = None;
                for x in p.into_inner() {
                    match x.as_rule() {
                        Rule::call_op | Rule::dot_op => safe = self.kind(&x) == T::tANDDOT,
                        Rule::method_name | Rule::op_name | Rule::reswords => {
                            name = self.tok_text(&x).to_string();
                            name_at = self.span(&x);
                        }
                        Rule::paren_args => {
                            parens = true;
                            args = self.paren_args(x)?;
                        }
                        Rule::brace_block | Rule::do_block => block = Some(self.block(x)?),
                        _ => {
                            // A name token directly (`::name`).
                            let k = self.kind(&x);
                            if matches!(k, T::tIDENTIFIER | T::tFID | T::tCONSTANT) {
                                name = self.tok_text(&x).to_string();
                                name_at = self.span(&x);
                            }
                        }
                    }
                }
                Ok(Node::new(
                    Expr::Call {
                        recv: Some(Box::new(recv)),
                        name,
                        args,
                        block,
                        safe,
                        name_at,
                        parens,
                    },
                    sp,
                ))
            }
            _ => Err(self.bug(sp, "postfix")),
        }
    }

    pub(super) fn paren_args(&self, p: Pair<Rule>) -> Built<Vec<Arg>> {
        match p.into_inner().find(|x| x.as_rule() == Rule::call_list) {
            Some(list) => self.call_list(list),
            None => Ok(vec![]),
        }
    }

    pub(super) fn call_list(&self, p: Pair<Rule>) -> Built<Vec<Arg>> {
        let mut out = Vec::new();
        for item in p.into_inner() {
            let sp = self.span(&item);
            match item.as_rule() {
                Rule::tCOMMA | Rule::tNL => {}
                Rule::assoc_or_arg => {
                    let mut it = item.into_inner().filter(|x| x.as_rule() == Rule::arg);
                    let k = it.next().ok_or_else(|| self.bug(sp, "argument"))?;
                    let key = self.arg(k)?;
                    match it.next() {
                        Some(v) => out.push(Arg::Pair(key, self.arg(v)?)),
                        // Ruby wants `=>` after a plain argument that follows pairs.
                        None if out.iter().any(|a| matches!(a, Arg::Pair(..))) => {
                            return Err(self.error(
                                Span::new(sp.end as usize, sp.end as usize),
                                "an argument after `key => value` pairs must be one too (expecting `=>`)",
                            ))
                        }
                        None => out.push(Arg::Pos(key)),
                    }
                }
                Rule::label_pair | Rule::dq_label_pair => {
                    let (k, v) = self.label_pair(item)?;
                    out.push(Arg::Pair(k, v));
                }
                Rule::splat | Rule::dsplat | Rule::block_pass => {
                    let rule = item.as_rule();
                    let value = match item.into_inner().find(|x| x.as_rule() == Rule::arg) {
                        Some(a) => self.arg(a)?,
                        None => Node::new(Expr::Nil, sp),
                    };
                    out.push(match rule {
                        Rule::splat => Arg::Splat(value),
                        Rule::dsplat => Arg::DoubleSplat(value),
                        _ => Arg::Block(value),
                    });
                }
                Rule::fwd_args => out.push(Arg::Forward),
                _ => return Err(self.bug(sp, "argument")),
            }
        }
        Ok(out)
    }

    /// `key: value`, `"key": value`, `key:` (the value is the local or call `key`).
    pub(super) fn label_pair(&self, p: Pair<Rule>) -> Built<(Node, Node)> {
        let sp = self.span(&p);
        let rule = p.as_rule();
        let mut it = p.into_inner().peekable();
        let key = if rule == Rule::label_pair {
            let l = it.next().ok_or_else(|| self.bug(sp, "label"))?;
            let t = self.tok_text(&l);
            Node::new(Expr::Sym(t.trim_end_matches(':').to_string()), self.span(&l))
        } else {
            // tDLABEL_BEG parts tLABEL_END
            let mut parts = Vec::new();
            let mut first_tok = None;
            while let Some(x) = it.peek() {
                if x.as_rule() == Rule::arg {
                    break;
                }
                let x = it.next().ok_or_else(|| self.bug(sp, "label"))?;
                if first_tok.is_none() {
                    first_tok = Some(self.token(&x));
                }
                if matches!(x.as_rule(), Rule::tSTRING_CONTENT | Rule::interp | Rule::dvar) {
                    self.str_part(x, &mut parts)?;
                }
            }
            Node::new(self.dsym_of(parts), sp)
        };
        let value = match it.find(|x| x.as_rule() == Rule::arg) {
            Some(v) => self.arg(v)?,
            None => {
                // `{x:}`: the value is what `x` names.
                let name = match &key.expr {
                    Expr::Sym(s) => s.clone(),
                    _ => String::new(),
                };
                Node::new(Expr::VCall(name), key.span)
            }
        };
        Ok((key, value))
    }
}

/// `a rescue b` as a `begin`: for an assignment, its value is rescued
/// (`x = y rescue z` is `x = (y rescue z)`).
pub(super) fn rescue_mod(node: Node, handler: Node, sp: Span) -> Node {
    let rescue = |body: Node, h: Node, sp: Span| {
        Node::new(
            Expr::Begin(
                vec![body],
                vec![Rescue {
                    classes: vec![],
                    var: None,
                    target: None,
                    body: vec![h],
                }],
                None,
                None,
            ),
            sp,
        )
    };
    match node.expr {
        Expr::Assign(t, v) => {
            let vsp = v.span.to(handler.span);
            Node::new(Expr::Assign(t, Box::new(rescue(*v, handler, vsp))), sp)
        }
        Expr::OpAssign(t, op, v) => {
            let vsp = v.span.to(handler.span);
            Node::new(Expr::OpAssign(t, op, Box::new(rescue(*v, handler, vsp))), sp)
        }
        other => rescue(Node::new(other, node.span), handler, sp),
    }
}

/// The `do` block of the command that ends `n` (its last argument, or the
/// value assigned), taken out: it belongs to the command around it.
fn take_command_block(n: &mut Node) -> Option<Rc<Body>> {
    match &mut n.expr {
        Expr::Call { args, block, .. } if !args.is_empty() => {
            if block.as_ref().is_some_and(|b| b.cmd_block) {
                return block.take();
            }
            match args.last_mut() {
                Some(Arg::Pos(last)) => take_command_block(last),
                _ => None,
            }
        }
        Expr::Super(args, block) if !args.is_empty() => {
            if block.as_ref().is_some_and(|b| b.cmd_block) {
                return block.take();
            }
            None
        }
        _ => None,
    }
}
