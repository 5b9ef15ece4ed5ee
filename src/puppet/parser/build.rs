//! The builder's core: statements, resources, expressions and their parts.

use super::text::regex_value;
use super::*;
use std::iter::Peekable;

impl<'a> Builder<'a> {
    pub(super) fn internal(&self, span: Span, what: &str) -> Box<Diagnostic> {
        internal(self.file, Some(span), what)
    }

    /// Attribute and method names are NAMEs or keywords; a WORD (`_x`, `a-b`) there
    /// is a syntax error in Puppet.
    pub(super) fn require_name(&self, p: &Pair<Rule>) -> Result<()> {
        let text = p.as_str();
        if lexer::is_name(text) || is_keyword(text) {
            return Ok(());
        }
        Err(Box::new(Diagnostic::error(
            "syntax-error",
            self.file,
            Some(span_of(p)),
            format!("Syntax error at '{text}'"),
        )))
    }

    pub(super) fn unexpected(&self, p: &Pair<Rule>) -> Box<Diagnostic> {
        self.internal(span_of(p), &format!("unexpected {:?}", p.as_rule()))
    }

    pub(super) fn next<'i>(
        &self,
        pairs: &mut impl Iterator<Item = Pair<'i, Rule>>,
        parent: Span,
    ) -> Result<Pair<'i, Rule>> {
        pairs.next().ok_or_else(|| self.internal(parent, "missing element"))
    }

    pub(super) fn program(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        match p.into_inner().find(|p| p.as_rule() == Rule::statements) {
            Some(st) => Ok(block_or_expression(self.statements(st)?, span)),
            None => Ok(Expr::new(ExprKind::Nop, Span::new(self.src.len(), self.src.len()))),
        }
    }

    /// `statements`: the statement list with Puppet's `transform_calls` applied.
    pub(super) fn statements(&self, p: Pair<Rule>) -> Result<Vec<Expr>> {
        let mut list = Vec::new();
        for st in p.into_inner() {
            if st.as_rule() != Rule::statement {
                continue;
            }
            let mut exprs = st
                .into_inner()
                .map(|a| self.assignment(a))
                .collect::<Result<Vec<_>>>()?;
            list.push(if exprs.len() == 1 {
                let e = exprs.pop().unwrap_or_else(|| Expr::new(ExprKind::Nop, Span::default()));
                match e.kind {
                    // EPP text and the expression rendered after it: two statements.
                    ExprKind::Block(parts) if is_rendered_text(&parts) => {
                        list.extend(parts.into_iter().map(Statement::One));
                        continue;
                    }
                    kind => Statement::One(Expr { kind, ..e }),
                }
            } else {
                Statement::List(exprs)
            });
        }
        self.transform_calls(list)
    }

    pub(super) fn transform_calls(&self, list: Vec<Statement>) -> Result<Vec<Expr>> {
        let mut memo: Vec<Expr> = Vec::with_capacity(list.len());
        for st in list {
            let after_statement_call = memo
                .last()
                .and_then(Expr::as_qualified_name)
                .is_some_and(|n| STATEMENT_CALLS.contains(&n));
            if after_statement_call {
                let name = memo
                    .pop()
                    .ok_or_else(|| self.internal(Span::default(), "statement call"))?;
                let args = match st {
                    Statement::One(e) => vec![e],
                    Statement::List(v) => v,
                };
                let span = name.span.to(args.last().map_or(name.span, |a| a.span));
                if name.as_qualified_name() == Some("import") {
                    self.legacy_import(span);
                }
                memo.push(Expr::new(
                    ExprKind::CallNamed {
                        functor: boxed(name),
                        args,
                        lambda: None,
                        rval_required: false,
                    },
                    span,
                ));
                continue;
            }
            match st {
                Statement::One(mut e) => {
                    if let ExprKind::CallNamed { rval_required, .. } = &mut e.kind {
                        *rval_required = false;
                    }
                    memo.push(e);
                }
                Statement::List(v) => {
                    let first = v.first().map_or(Span::default(), |e| e.span);
                    let comma = self.src[first.end as usize..]
                        .find(',')
                        .map(|k| first.end as usize + k)
                        .unwrap_or(first.end as usize);
                    let message = match memo.last().and_then(Expr::as_qualified_name) {
                        Some(n) => format!(
                            "attempt to pass argument list to the function '{n}' which cannot be called without parentheses"
                        ),
                        None => "illegal comma separated argument list".to_string(),
                    };
                    return Err(Box::new(
                        Diagnostic::error("syntax-error", self.file, Some(Span::new(comma, comma + 1)), message)
                            .with_help("put the arguments in parentheses: `name(a, b)`"),
                    ));
                }
            }
        }
        Ok(memo)
    }

    pub(super) fn legacy_import(&self, span: Span) {
        self.warnings.borrow_mut().push(
            Diagnostic::warning(
                "legacy-syntax",
                self.file,
                Some(span),
                "'import' was removed in Puppet 4: the manifest it names is not loaded",
            )
            .with_help("put the imported manifests in the environment's manifests directory (or a module) and delete the import"),
        );
    }

    pub(super) fn optional_statements(&self, p: Option<Pair<Rule>>) -> Result<Option<Vec<Expr>>> {
        match p {
            Some(st) if st.as_rule() == Rule::statements => Ok(Some(self.statements(st)?)),
            _ => Ok(None),
        }
    }

    /// A `{ statements }` block: its statements, or `None` when empty.
    pub(super) fn block(&self, p: Pair<Rule>) -> Result<Option<Vec<Expr>>> {
        self.optional_statements(p.into_inner().next())
    }

    /// `resource (edge resource)* (= assignment)?`: relationships, then assignment.
    pub(super) fn assignment(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut inner = p.into_inner().peekable();
        let mut left = self.resource(&mut inner, span)?;
        while let Some(op) = inner.next() {
            let op = match op.as_rule() {
                Rule::edge_op => match op.as_str() {
                    "->" => BinaryOp::InEdge,
                    "~>" => BinaryOp::InEdgeSub,
                    "<-" => BinaryOp::OutEdge,
                    _ => BinaryOp::OutEdgeSub,
                },
                _ => {
                    let op = match op.as_str() {
                        "+=" => BinaryOp::AddAssign,
                        "-=" => BinaryOp::SubAssign,
                        _ => BinaryOp::Assign,
                    };
                    let right = self.assignment(self.next(&mut inner, span)?)?;
                    return Ok(binary(op, left, right));
                }
            };
            let right = self.resource(&mut inner, span)?;
            left = binary(op, left, right);
        }
        Ok(left)
    }

    /// The pairs of one `resource` (a silent rule) from an assignment's pairs:
    /// `@`/`@@` forms, then a class resource or an expression with its bodies.
    pub(super) fn resource(&self, inner: &mut Peekable<Pairs<Rule>>, span: Span) -> Result<Expr> {
        let first = self.next(inner, span)?;
        match first.as_rule() {
            Rule::resource_form => {
                let form = if first.as_str() == "@@" {
                    ResourceForm::Exported
                } else {
                    ResourceForm::Virtual
                };
                let mut e = self.resource(inner, span)?;
                let ok = match &mut e.kind {
                    ExprKind::Resource { form: f, .. }
                    | ExprKind::ResourceDefaults { form: f, .. }
                    | ExprKind::ResourceOverride { form: f, .. } => {
                        *f = form;
                        true
                    }
                    _ => false,
                };
                if !ok {
                    let what = if form == ResourceForm::Virtual {
                        "Virtual (@)"
                    } else {
                        "Exported (@@)"
                    };
                    return Err(Box::new(Diagnostic::error(
                        "syntax-error",
                        self.file,
                        Some(span_of(&first)),
                        format!("{what} can only be applied to a Resource Expression"),
                    )));
                }
                e.span = span_of(&first).to(e.span);
                Ok(e)
            }
            Rule::class_resource => {
                let cspan = span_of(&first);
                let mut ci = first.into_inner();
                let kw = self.next(&mut ci, cspan)?;
                let bodies = self.resource_bodies(self.next(&mut ci, cspan)?)?;
                Ok(Expr::new(
                    ExprKind::Resource {
                        type_name: boxed(Expr::new(ExprKind::QualifiedName("class".into()), span_of(&kw))),
                        bodies,
                        form: ResourceForm::Regular,
                    },
                    cspan,
                ))
            }
            Rule::expression => {
                let mut e = self.expression(first)?;
                while let Some(tail) = inner.next_if(|t| t.as_rule() == Rule::resource_tail) {
                    let whole = e.span.to(span_of(&tail));
                    e = self.resource_tail(e, tail, whole)?;
                }
                Ok(e)
            }
            _ => Err(self.unexpected(&first)),
        }
    }

    pub(super) fn resource_tail(&self, left: Expr, tail: Pair<Rule>, span: Span) -> Result<Expr> {
        let tspan = span_of(&tail);
        let body = self.next(&mut tail.into_inner(), tspan)?;
        if body.as_rule() == Rule::resource_bodies {
            let bodies = self.resource_bodies(body)?;
            return Ok(Expr::new(
                ExprKind::Resource {
                    type_name: boxed(left),
                    bodies,
                    form: ResourceForm::Regular,
                },
                span,
            ));
        }
        let ops_pair = self.next(&mut body.into_inner(), tspan)?;
        let ops = self.attribute_operations(ops_pair)?;
        match &left.kind {
            ExprKind::QualifiedName(_) => self.resource_without_title(left, ops, tspan),
            ExprKind::QualifiedReference(_) => Ok(Expr::new(
                ExprKind::ResourceDefaults {
                    type_ref: boxed(left),
                    ops,
                    form: ResourceForm::Regular,
                },
                span,
            )),
            // Puppet's factory means `Resource[T] { }` to be defaults, but compares
            // a key the reference does not set, so every access is an override in
            // Puppet 7 (factory.rb `resource_shape`); we build what Puppet evaluates.
            ExprKind::Access { .. } => Ok(Expr::new(
                ExprKind::ResourceOverride {
                    resources: boxed(left),
                    ops,
                    form: ResourceForm::Regular,
                },
                span,
            )),
            _ => Err(Box::new(Diagnostic::error(
                "syntax-error",
                self.file,
                Some(left.span),
                "Expression is not valid as a resource, resource-default, or resource-override",
            ))),
        }
    }

    /// `name { a => 1 }`: Puppet reads it as a call with a hash (or a name and a hash).
    pub(super) fn resource_without_title(&self, left: Expr, ops: Vec<AttributeOp>, braces: Span) -> Result<Expr> {
        let mut entries = Vec::with_capacity(ops.len());
        for op in ops {
            match op {
                AttributeOp::Set {
                    name,
                    op: "=>",
                    value,
                    span,
                } => {
                    let key = Expr::new(ExprKind::Str(name), span);
                    entries.push(Entry { key, value, span });
                }
                _ => {
                    return Err(Box::new(
                        Diagnostic::error(
                            "syntax-error",
                            self.file,
                            Some(braces),
                            "Syntax error resource body without title or hash with +>",
                        )
                        .with_help("give the resource a title: `type { 'title': attr => value }`"),
                    ))
                }
            }
        }
        let hash = Expr::new(ExprKind::Hash(entries), braces);
        let span = left.span.to(braces);
        let stmts = self.transform_calls(vec![Statement::One(left), Statement::One(hash)])?;
        Ok(block_or_expression(stmts, span))
    }

    pub(super) fn resource_bodies(&self, p: Pair<Rule>) -> Result<Vec<ResourceBody>> {
        p.into_inner()
            .filter(|b| b.as_rule() == Rule::resource_body)
            .map(|b| {
                let span = span_of(&b);
                let mut inner = b.into_inner();
                let title = self.expression(self.next(&mut inner, span)?)?;
                let ops = self.attribute_operations(self.next(&mut inner, span)?)?;
                Ok(ResourceBody { title, ops, span })
            })
            .collect()
    }

    /// The operations' pairs: a splat, or a name, an arrow and a value each
    /// (`attribute_operation` is a silent rule).
    pub(super) fn attribute_operations(&self, p: Pair<Rule>) -> Result<Vec<AttributeOp>> {
        let all = span_of(&p);
        let mut inner = p.into_inner();
        let mut ops = Vec::new();
        while let Some(first) = inner.next() {
            if first.as_rule() == Rule::attribute_splat {
                let span = span_of(&first);
                let value = self.expression(self.next(&mut first.into_inner(), span)?)?;
                ops.push(AttributeOp::Splat { value, span });
                continue;
            }
            self.require_name(&first)?;
            let op_pair = self.next(&mut inner, all)?;
            let op = if op_pair.as_str() == "+>" { "+>" } else { "=>" };
            let value_pair = self.next(&mut inner, all)?;
            let span = span_of(&first).to(span_of(&value_pair));
            let value = self.expression(value_pair)?;
            let name = first.as_str().to_string();
            ops.push(AttributeOp::Set { name, op, value, span });
        }
        Ok(ops)
    }

    // ------------------------------------------------------------ expressions

    pub(super) fn expression(&self, p: Pair<Rule>) -> Result<Expr> {
        // Most expressions are one operand with its postfixes (`$x`, `$x['k']`,
        // `f(1)`): no need for the precedence climb.
        let mut inner = p.clone().into_inner();
        let first = self.next(&mut inner, span_of(&p))?;
        let prefixed = matches!(first.as_rule(), Rule::op_not | Rule::op_splat | Rule::op_neg);
        if !prefixed && inner.clone().all(|c| is_postfix(c.as_rule())) {
            let operand = self.operand(first)?;
            return inner.try_fold(operand, |e, post| self.postfix(e, post));
        }
        pratt()
            .map_primary(|t| self.operand(t))
            .map_prefix(|op, e| {
                let e = e?;
                let span = span_of(&op).to(e.span);
                let kind = match op.as_rule() {
                    Rule::op_not => ExprKind::Not(boxed(e)),
                    Rule::op_splat => ExprKind::Unfold(boxed(e)),
                    _ => ExprKind::UnaryMinus(boxed(e)),
                };
                Ok(Expr::new(kind, span))
            })
            .map_postfix(|e, sel| {
                let e = e?;
                if sel.as_rule() != Rule::selector {
                    return self.postfix(e, sel);
                }
                let span = e.span.to(span_of(&sel));
                let entries = sel
                    .into_inner()
                    .map(|entry| self.entry(entry, Self::expression))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Expr::new(
                    ExprKind::Selector {
                        left: boxed(e),
                        entries,
                    },
                    span,
                ))
            })
            .map_infix(|l, op, r| {
                let (l, r) = (l?, r?);
                use BinaryOp::*;
                let op = match op.as_rule() {
                    Rule::op_or => Or,
                    Rule::op_and => And,
                    Rule::op_ge => Ge,
                    Rule::op_gt => Gt,
                    Rule::op_le => Le,
                    Rule::op_lt => Lt,
                    Rule::op_ne => Ne,
                    Rule::op_eq => Eq,
                    Rule::op_lshift => Shl,
                    Rule::op_rshift => Shr,
                    Rule::op_sub => Sub,
                    Rule::op_add => Add,
                    Rule::op_mul => Mul,
                    Rule::op_div => Div,
                    Rule::op_mod => Mod,
                    Rule::op_match => Match,
                    Rule::op_nomatch => NotMatch,
                    Rule::op_in => In,
                    _ => return Err(self.unexpected(&op)),
                };
                Ok(binary(op, l, r))
            })
            .parse(p.into_inner())
    }

    /// `key => value` pairs of hashes and selectors.
    pub(super) fn entry(&self, p: Pair<Rule>, side: fn(&Self, Pair<Rule>) -> Result<Expr>) -> Result<Entry> {
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let key = side(self, self.next(&mut inner, span)?)?;
        let value = side(self, self.next(&mut inner, span)?)?;
        Ok(Entry { key, value, span })
    }

    /// An operand: one of `primary`'s alternatives, or a `dq_term` (`term` is
    /// silent: its postfixes are the expression's own pairs).
    pub(super) fn operand(&self, p: Pair<Rule>) -> Result<Expr> {
        if p.as_rule() != Rule::dq_term {
            return self.primary(p);
        }
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let name = self.next(&mut inner, span)?;
        let var = Expr::new(ExprKind::Variable(name.as_str().to_string()), span_of(&name));
        inner.try_fold(var, |e, post| self.postfix(e, post))
    }

    /// `e` with one postfix applied: a call, an access, a method call or a collection.
    pub(super) fn postfix(&self, e: Expr, post: Pair<Rule>) -> Result<Expr> {
        let pspan = span_of(&post);
        let whole = Span::new(e.span.start as usize, pspan.end as usize);
        Ok(match post.as_rule() {
            Rule::call => self.call(e, post, whole)?,
            Rule::access => {
                let keys = self.argument_list(post.into_inner())?;
                Expr::new(ExprKind::Access { left: boxed(e), keys }, whole)
            }
            Rule::method_call => self.method_call(e, post, whole)?,
            Rule::collect => self.collect(e, post, whole)?,
            _ => return Err(self.unexpected(&post)),
        })
    }

    /// `functor(args) |params| { }`
    pub(super) fn call(&self, functor: Expr, p: Pair<Rule>, whole: Span) -> Result<Expr> {
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let args = self.call_args(self.next(&mut inner, span)?)?;
        let lambda = inner.next().map(|l| self.lambda(l)).transpose()?.map(Box::new);
        Ok(Expr::new(
            ExprKind::CallNamed {
                functor: boxed(functor),
                args,
                lambda,
                rval_required: true,
            },
            whole,
        ))
    }

    /// `( arguments )`: `arguments` is a silent rule.
    pub(super) fn call_args(&self, p: Pair<Rule>) -> Result<Vec<Expr>> {
        self.argument_list(p.into_inner())
    }

    /// Arguments, array elements and access keys: `k => v` pairs in a row become
    /// one unbraced hash (Puppet's `ARGUMENTS`).
    pub(super) fn argument_list<'i>(&self, args: impl IntoIterator<Item = Pair<'i, Rule>>) -> Result<Vec<Expr>> {
        let mut out: Vec<Expr> = Vec::new();
        let mut last_unfolded = false;
        for arg in args {
            let span = span_of(&arg);
            let mut inner = arg.into_inner();
            let key = self.hash_entry(self.next(&mut inner, span)?)?;
            match inner.next() {
                None => {
                    out.push(key);
                    last_unfolded = false;
                }
                Some(v) => {
                    let value = self.hash_entry(v)?;
                    let entry = Entry { key, value, span };
                    match out.last_mut() {
                        Some(Expr {
                            kind: ExprKind::Hash(entries),
                            span: hspan,
                        }) if last_unfolded => {
                            *hspan = hspan.to(span);
                            entries.push(entry);
                        }
                        _ => out.push(Expr::new(ExprKind::Hash(vec![entry]), span)),
                    }
                    last_unfolded = true;
                }
            }
        }
        Ok(out)
    }

    /// A hash key or value, array element or argument (`hash_entry`, a silent rule).
    pub(super) fn hash_entry(&self, p: Pair<Rule>) -> Result<Expr> {
        match p.as_rule() {
            Rule::collection_keyword => {
                let span = span_of(&p);
                let kw = self.next(&mut p.into_inner(), span)?;
                Ok(Expr::new(ExprKind::Str(kw.as_str().to_string()), span_of(&kw)))
            }
            _ => self.assignment(p),
        }
    }

    pub(super) fn method_call(&self, recv: Expr, p: Pair<Rule>, whole: Span) -> Result<Expr> {
        let pspan = span_of(&p);
        let mut inner = p.into_inner();
        let name = self.next(&mut inner, pspan)?;
        self.require_name(&name)?;
        let name_expr = Expr::new(ExprKind::QualifiedName(name.as_str().to_string()), span_of(&name));
        let access_span = recv.span.to(name_expr.span);
        let functor = Expr::new(
            ExprKind::NamedAccess {
                left: boxed(recv),
                name: boxed(name_expr),
            },
            access_span,
        );
        let mut args = Vec::new();
        let mut lambda = None;
        for rest in inner {
            match rest.as_rule() {
                Rule::call_args => args = self.call_args(rest)?,
                Rule::lambda => lambda = Some(Box::new(self.lambda(rest)?)),
                _ => return Err(self.unexpected(&rest)),
            }
        }
        Ok(Expr::new(
            ExprKind::CallMethod {
                functor: boxed(functor),
                args,
                lambda,
            },
            whole,
        ))
    }

    pub(super) fn collect(&self, type_expr: Expr, p: Pair<Rule>, whole: Span) -> Result<Expr> {
        let pspan = span_of(&p);
        let mut inner = p.into_inner();
        let q = self.next(&mut inner, pspan)?;
        let query_kind = if q.as_rule() == Rule::collect_exported {
            QueryKind::Exported
        } else {
            QueryKind::Virtual
        };
        let query = q
            .into_inner()
            .next()
            .map(|e| self.expression(e))
            .transpose()?
            .map(boxed);
        let ops = match inner.next() {
            Some(ops) => self.attribute_operations(self.next(&mut ops.into_inner(), pspan)?)?,
            None => Vec::new(),
        };
        Ok(Expr::new(
            ExprKind::Collect {
                type_expr: boxed(type_expr),
                query_kind,
                query,
                ops,
            },
            whole,
        ))
    }

    pub(super) fn lambda(&self, p: Pair<Rule>) -> Result<Lambda> {
        let span = span_of(&p);
        let mut params = Vec::new();
        let mut return_type = None;
        let mut body = None;
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::lambda_params => params = self.parameters(part)?,
                Rule::return_type => return_type = Some(self.return_type(part)?),
                Rule::statements => body = Some(self.statements(part)?),
                _ => return Err(self.unexpected(&part)),
            }
        }
        Ok(Lambda {
            params,
            return_type,
            body,
            span,
        })
    }

    pub(super) fn return_type(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        self.parameter_type(self.next(&mut p.into_inner(), span)?)
    }

    pub(super) fn parameters(&self, p: Pair<Rule>) -> Result<Vec<Parameter>> {
        p.into_inner().map(|param| self.parameter(param)).collect()
    }

    pub(super) fn parameter(&self, p: Pair<Rule>) -> Result<Parameter> {
        let span = span_of(&p);
        let mut param = Parameter {
            name: String::new(),
            type_expr: None,
            captures_rest: false,
            value: None,
            span,
        };
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::parameter_type => param.type_expr = Some(self.parameter_type(part)?),
                Rule::splat_marker => param.captures_rest = true,
                Rule::variable => param.name = part.as_str()[1..].to_string(),
                Rule::expression => param.value = Some(self.expression(part)?),
                _ => return Err(self.unexpected(&part)),
            }
        }
        Ok(param)
    }

    pub(super) fn parameter_type(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let r = self.next(&mut inner, span)?;
        let reference = Expr::new(ExprKind::QualifiedReference(r.as_str().to_string()), span_of(&r));
        match inner.next() {
            None => Ok(reference),
            Some(access) => {
                let keys = self.argument_list(access.into_inner())?;
                Ok(Expr::new(
                    ExprKind::Access {
                        left: boxed(reference),
                        keys,
                    },
                    span,
                ))
            }
        }
    }

    /// One of `primary`'s alternatives (`primary` is a silent rule).
    pub(super) fn primary(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let text = p.as_str();
        let kind = match p.as_rule() {
            Rule::variable => ExprKind::Variable(text[1..].to_string()),
            Rule::word => {
                if lexer::is_name(text) {
                    ExprKind::QualifiedName(text.to_string())
                } else {
                    ExprKind::Str(text.to_string())
                }
            }
            Rule::classref => ExprKind::QualifiedReference(text.to_string()),
            Rule::number => return self.number(text, span),
            Rule::sq_string => ExprKind::Str(strings::unescape_sq(&text[1..text.len() - 1])),
            Rule::dq_string => return self.dq_string(p),
            Rule::heredoc => return self.heredoc(p),
            Rule::regex => ExprKind::Regex(regex_value(text)),
            Rule::literal => match text {
                "true" => ExprKind::Boolean(true),
                "false" => ExprKind::Boolean(false),
                "undef" => ExprKind::Undef,
                _ => ExprKind::Default,
            },
            Rule::reserved_word => ExprKind::Reserved(text.to_string()),
            Rule::type_call => ExprKind::QualifiedName("type".to_string()),
            Rule::paren => {
                let inner = self.assignment(self.next(&mut p.into_inner(), span)?)?;
                ExprKind::Paren(boxed(inner))
            }
            Rule::array => ExprKind::List(self.argument_list(p.into_inner())?),
            Rule::hash => ExprKind::Hash(
                p.into_inner()
                    .map(|e| self.entry(e, Self::hash_entry))
                    .collect::<Result<Vec<_>>>()?,
            ),
            Rule::if_expr => {
                let rest = self.next(&mut p.into_inner().skip(1), span)?;
                return self.if_rest(rest, span);
            }
            Rule::unless_expr => return self.unless(p),
            Rule::case_expr => return self.case(p),
            Rule::class_definition => return self.class_definition(p),
            Rule::define_definition => return self.define_definition(p),
            Rule::function_definition => return self.function_definition(p),
            Rule::node_definition => return self.node_definition(p),
            Rule::plan_definition => return self.plan_definition(p),
            Rule::apply_expr => return self.apply(p),
            Rule::type_alias => return self.type_alias(p),
            Rule::type_definition => return self.type_definition(p),
            Rule::render_string => return self.render_string(p),
            _ => return Err(self.unexpected(&p)),
        };
        Ok(Expr::new(kind, span))
    }

    pub(super) fn number(&self, text: &str, span: Span) -> Result<Expr> {
        let bad = |what: &str| {
            Diagnostic::error(
                "syntax-error",
                self.file,
                Some(span),
                format!("Not a valid {what} number: '{text}'"),
            )
        };
        let kind = if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            ExprKind::Integer {
                value: i128::from_str_radix(hex, 16).map_err(|_| bad("hex"))?,
                radix: 16,
            }
        } else if text.contains(['.', 'e', 'E']) {
            ExprKind::Float(text.parse::<f64>().map_err(|_| bad("decimal"))?)
        } else if text.len() > 1 && text.starts_with('0') {
            ExprKind::Integer {
                value: i128::from_str_radix(&text[1..], 8).map_err(|_| bad("octal"))?,
                radix: 8,
            }
        } else {
            ExprKind::Integer {
                value: text.parse::<i128>().map_err(|_| bad("decimal"))?,
                radix: 10,
            }
        };
        Ok(Expr::new(kind, span))
    }
}

/// A block an EPP `render_string` makes of text and the expression rendered after it.
pub(super) fn is_rendered_text(parts: &[Expr]) -> bool {
    matches!(parts, [text, render] if matches!(text.kind, ExprKind::RenderString(_)) && matches!(render.kind, ExprKind::Render(_)))
}
