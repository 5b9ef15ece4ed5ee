//! Control flow (if, unless, case) and definitions (class, define, function,
//! node, type aliases), with Puppet's nested class naming.

use super::text::regex_value;
use super::*;

impl<'a> Builder<'a> {
    pub(super) fn if_rest(&self, p: Pair<Rule>, span: Span) -> Result<Expr> {
        let rspan = span_of(&p);
        let mut inner = p.into_inner();
        let head = self.next(&mut inner, rspan)?;
        let hspan = span_of(&head);
        let mut hi = head.into_inner();
        let test = self.expression(self.next(&mut hi, hspan)?)?;
        let then_expr = self.branch(self.next(&mut hi, hspan)?)?;
        let else_expr = match inner.next() {
            None => None,
            Some(tail) => {
                let tspan = span_of(&tail);
                let mut ti = tail.into_inner();
                let kw = self.next(&mut ti, tspan)?;
                let rest = self.next(&mut ti, tspan)?;
                if kw.as_rule() == Rule::kw_elsif {
                    let espan = span_of(&kw).to(span_of(&rest));
                    Some(boxed(self.if_rest(rest, espan)?))
                } else {
                    self.branch(rest)?
                }
            }
        };
        Ok(Expr::new(
            ExprKind::If {
                test: boxed(test),
                then_expr,
                else_expr,
            },
            span,
        ))
    }

    /// A then/else block: one statement, a block of several, or nothing.
    pub(super) fn branch(&self, block: Pair<Rule>) -> Result<Option<Box<Expr>>> {
        let bspan = span_of(&block);
        Ok(self.block(block)?.map(|s| boxed(block_or_expression(s, bspan))))
    }

    pub(super) fn unless(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let head = self.next(&mut inner, span)?;
        let hspan = span_of(&head);
        let mut hi = head.into_inner().skip(1);
        let test = self.expression(self.next(&mut hi, hspan)?)?;
        let then_expr = self.branch(self.next(&mut hi, hspan)?)?;
        let else_expr = match inner.next() {
            Some(tail) => {
                let tspan = span_of(&tail);
                self.branch(self.next(&mut tail.into_inner().skip(1), tspan)?)?
            }
            None => None,
        };
        Ok(Expr::new(
            ExprKind::Unless {
                test: boxed(test),
                then_expr,
                else_expr,
            },
            span,
        ))
    }

    pub(super) fn case(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut inner = p.into_inner().skip(1);
        let test = self.expression(self.next(&mut inner, span)?)?;
        let mut options = Vec::new();
        for opt in inner {
            let ospan = span_of(&opt);
            let mut values = Vec::new();
            let mut body = None;
            for part in opt.into_inner() {
                match part.as_rule() {
                    Rule::expression => values.push(self.expression(part)?),
                    Rule::block => body = self.block(part)?,
                    _ => return Err(self.unexpected(&part)),
                }
            }
            options.push(CaseOption {
                values,
                body,
                span: ospan,
            });
        }
        Ok(Expr::new(
            ExprKind::Case {
                test: boxed(test),
                options,
            },
            span,
        ))
    }

    /// A class or define name with the enclosing classes' names before it.
    fn qualified(&self, name: &str) -> String {
        let stack = self.namestack.borrow();
        if stack.is_empty() {
            return name.to_string();
        }
        let joined = format!("{}::{}", stack.join("::"), name);
        joined.strip_prefix("::").map(str::to_string).unwrap_or(joined)
    }

    fn definition_parts<'i>(&self, inner: Pairs<'i, Rule>, span: Span) -> Result<DefinitionParts<'i>> {
        let mut parts = DefinitionParts::default();
        for part in inner {
            match part.as_rule() {
                Rule::kw_class | Rule::kw_define | Rule::kw_function | Rule::kw_plan => {}
                Rule::classname => {
                    if part.as_str() == "class" {
                        return Err(Box::new(Diagnostic::error(
                            "syntax-error",
                            self.file,
                            Some(span_of(&part)),
                            "'class' keyword not allowed at this location",
                        )));
                    }
                    parts.name = part.as_str().to_string();
                    parts.name_span = span_of(&part);
                }
                Rule::parameter_list => parts.params = self.parameters(part)?,
                Rule::class_parent => {
                    let parent = self.next(&mut part.into_inner().skip(1), span)?;
                    parts.parent = Some(parent.as_str().to_string());
                }
                Rule::return_type => parts.return_type = Some(boxed(self.return_type(part)?)),
                Rule::block => parts.block = Some(part),
                _ => return Err(self.unexpected(&part)),
            }
        }
        Ok(parts)
    }

    /// A class's or a plan's definition (egrammar's `stacked_classname`):
    /// its name qualified by the enclosing ones', and the definitions in its
    /// body named under it. Also returns the parent class.
    fn stacked_definition(&self, p: Pair<Rule>, span: Span) -> Result<(Definition, Option<String>)> {
        let parts = self.definition_parts(p.into_inner(), span)?;
        let name = self.qualified(&parts.name);
        self.namestack.borrow_mut().push(parts.name.clone());
        let body = parts.block.map(|b| self.block(b)).transpose();
        self.namestack.borrow_mut().pop();
        let def = Definition {
            name,
            name_span: parts.name_span,
            params: parts.params,
            body: body?.flatten(),
        };
        Ok((def, parts.parent))
    }

    pub(super) fn class_definition(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let (def, parent) = self.stacked_definition(p, span)?;
        Ok(Expr::new(ExprKind::Class { def, parent }, span))
    }

    pub(super) fn plan_definition(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let (def, _) = self.stacked_definition(p, span)?;
        Ok(Expr::new(ExprKind::Plan(def), span))
    }

    pub(super) fn define_definition(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let parts = self.definition_parts(p.into_inner(), span)?;
        let body = parts.block.map(|b| self.block(b)).transpose()?.flatten();
        Ok(Expr::new(
            ExprKind::Define(Definition {
                name: self.qualified(&parts.name),
                name_span: parts.name_span,
                params: parts.params,
                body,
            }),
            span,
        ))
    }

    pub(super) fn function_definition(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let parts = self.definition_parts(p.into_inner(), span)?;
        let body = parts.block.map(|b| self.block(b)).transpose()?.flatten();
        Ok(Expr::new(
            ExprKind::Function {
                def: Definition {
                    name: parts.name,
                    name_span: parts.name_span,
                    params: parts.params,
                    body,
                },
                return_type: parts.return_type,
            },
            span,
        ))
    }

    /// `apply(args) { statements }`.
    pub(super) fn apply(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let rest = self.next(&mut p.into_inner().skip(1), span)?;
        let (blocks, args): (Vec<_>, Vec<_>) = rest.into_inner().partition(|part| part.as_rule() == Rule::block);
        let block = self.next(&mut blocks.into_iter(), span)?;
        Ok(Expr::new(
            ExprKind::Apply {
                args: self.argument_list(args)?,
                body: self.block(block)?.unwrap_or_default(),
            },
            span,
        ))
    }

    pub(super) fn node_definition(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut matches = Vec::new();
        let mut parent = None;
        let mut body = None;
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::kw_node => {}
                Rule::hostname => matches.push(self.hostname(part)?),
                Rule::node_parent => {
                    let pspan = span_of(&part);
                    let h = self.next(&mut part.into_inner().skip(1), pspan)?;
                    parent = Some(boxed(self.hostname(h)?));
                    self.warnings.borrow_mut().push(
                        Diagnostic::warning(
                            "legacy-syntax",
                            self.file,
                            Some(pspan),
                            "node inheritance was removed in Puppet 4: this node does not get its parent's classes",
                        )
                        .with_help(
                            "declare the shared classes in a class (a role or profile) and include it in each node",
                        ),
                    );
                }
                Rule::block => body = self.block(part)?,
                _ => return Err(self.unexpected(&part)),
            }
        }
        Ok(Expr::new(ExprKind::Node { matches, parent, body }, span))
    }

    pub(super) fn hostname(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let h = self.next(&mut p.into_inner(), span)?;
        let hspan = span_of(&h);
        match h.as_rule() {
            Rule::literal_default => Ok(Expr::new(ExprKind::Default, hspan)),
            Rule::dotted_name => Ok(Expr::new(ExprKind::Str(h.as_str().to_string()), hspan)),
            Rule::sq_string => Ok(Expr::new(
                ExprKind::Str(strings::unescape_sq(&h.as_str()[1..h.as_str().len() - 1])),
                hspan,
            )),
            Rule::dq_string => self.dq_string(h),
            Rule::heredoc => self.heredoc(h),
            Rule::regex => Ok(Expr::new(ExprKind::Regex(regex_value(h.as_str())), hspan)),
            _ => Err(self.unexpected(&h)),
        }
    }

    pub(super) fn type_alias(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut inner = p.into_inner().skip(1);
        let lhs = self.parameter_type(self.next(&mut inner, span)?)?;
        let rhs_pair = self.next(&mut inner, span)?;
        let rspan = span_of(&rhs_pair);
        let rhs = match rhs_pair.as_rule() {
            Rule::type_with_hash => {
                let mut ri = rhs_pair.into_inner();
                let r = self.next(&mut ri, rspan)?;
                let parent = Expr::new(ExprKind::QualifiedReference(r.as_str().to_string()), span_of(&r));
                let hash_pair = self.next(&mut ri, rspan)?;
                let hspan = span_of(&hash_pair);
                let mut entries = hash_pair
                    .into_inner()
                    .map(|e| self.entry(e, Self::hash_entry))
                    .collect::<Result<Vec<_>>>()?;
                let parent_name = r.as_str();
                let base = if parent_name == "Object" || parent_name == "TypeSet" {
                    parent
                } else {
                    let key = Expr::new(ExprKind::QualifiedName("parent".into()), parent.span);
                    entries.push(Entry {
                        key,
                        span: parent.span,
                        value: parent,
                    });
                    Expr::new(ExprKind::QualifiedReference("Object".into()), rspan)
                };
                let hash = Expr::new(ExprKind::Hash(entries), hspan);
                Expr::new(
                    ExprKind::Access {
                        left: boxed(base),
                        keys: vec![hash],
                    },
                    rspan,
                )
            }
            Rule::parameter_type => self.parameter_type(rhs_pair)?,
            Rule::hash => {
                let entries = rhs_pair
                    .into_inner()
                    .map(|e| self.entry(e, Self::hash_entry))
                    .collect::<Result<Vec<_>>>()?;
                let hash = Expr::new(ExprKind::Hash(entries), rspan);
                Expr::new(
                    ExprKind::Access {
                        left: boxed(Expr::new(ExprKind::QualifiedReference("Object".into()), rspan)),
                        keys: vec![hash],
                    },
                    rspan,
                )
            }
            Rule::array => Expr::new(ExprKind::List(self.argument_list(rhs_pair.into_inner())?), rspan),
            _ => return Err(self.unexpected(&rhs_pair)),
        };
        let kind = match lhs.kind {
            ExprKind::QualifiedReference(name) => ExprKind::TypeAlias {
                name,
                type_expr: boxed(rhs),
            },
            _ => ExprKind::TypeMapping {
                type_expr: boxed(lhs),
                mapping: boxed(rhs),
            },
        };
        Ok(Expr::new(kind, span))
    }

    pub(super) fn type_definition(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut name = String::new();
        let mut parent = None;
        let mut body = None;
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::classref if name.is_empty() => name = part.as_str().to_string(),
                Rule::classref => parent = Some(part.as_str().to_string()),
                Rule::statements => {
                    let bspan = span_of(&part);
                    body = Some(boxed(Expr::new(ExprKind::Block(self.statements(part)?), bspan)));
                }
                _ => {}
            }
        }
        Ok(Expr::new(ExprKind::TypeDefinition { name, parent, body }, span))
    }
}

#[derive(Default)]
struct DefinitionParts<'i> {
    name: String,
    name_span: Span,
    params: Vec<Parameter>,
    parent: Option<String>,
    return_type: Option<Box<Expr>>,
    block: Option<Pair<'i, Rule>>,
}
