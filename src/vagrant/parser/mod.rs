//! Pest pairs -> the Ruby-subset AST. One small function per grammar rule; where
//! grammar and builder disagree the result is a diagnostic, never a panic.

pub mod ast;
mod heredoc;
pub mod lexer;
mod literals;
pub mod tokens;

use crate::diagnostic::{Diagnostic, Span};
use ast::*;
use heredoc::Heredoc;
use pest::iterators::Pair;
use pest::Parser as _;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/vagrantfile.pest"]
struct RubyGrammar;

/// Files larger than this are not read as Vagrantfiles.
pub const MAX_SOURCE_BYTES: usize = 1 << 20;
/// Deepest bracket/block nesting accepted (pest recurses per level).
const MAX_NESTING: usize = 64;

type Built<T> = Result<T, Box<Diagnostic>>;

/// Parse one Ruby file into statements.
pub fn parse(file: &str, src: &str) -> Result<Vec<Node>, Box<Diagnostic>> {
    if src.len() > MAX_SOURCE_BYTES {
        return Err(Box::new(
            Diagnostic::error(
                "file-too-large",
                file,
                None,
                format!(
                    "{} bytes is more than the {} a Vagrantfile may have",
                    src.len(),
                    MAX_SOURCE_BYTES
                ),
            )
            .with_help("Vagrantfiles this large are generated; point puppetlift at the generator's input"),
        ));
    }
    if let Some(at) = too_deep(src) {
        return Err(Box::new(Diagnostic::error(
            "nesting-too-deep",
            file,
            Some(Span::new(at, at + 1)),
            format!("brackets and blocks nest more than {MAX_NESTING} deep here"),
        )));
    }
    let (blanked, bodies, unterminated) = heredoc::lift(src);
    if let Some(&at) = unterminated.first() {
        return Err(Box::new(
            Diagnostic::error(
                "syntax-error",
                file,
                Some(Span::new(at, at + 2)),
                "this heredoc is never terminated",
            )
            .with_help("end the heredoc with its tag alone on a line (indented only with <<- or <<~)"),
        ));
    }
    let mut pairs = RubyGrammar::parse(Rule::program, &blanked).map_err(|e| syntax_error(file, &blanked, e))?;
    let b = Builder {
        file,
        src,
        bodies: &bodies,
    };
    let program = pairs.next().ok_or_else(|| b.bug(Span::new(0, 0), "empty parse"))?;
    let body = program
        .into_inner()
        .find(|p| p.as_rule() == Rule::body)
        .ok_or_else(|| b.bug(Span::new(0, 0), "program without body"))?;
    b.body(body)
}

fn too_deep(src: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in src.bytes().enumerate() {
        match c {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn syntax_error(file: &str, src: &str, e: pest::error::Error<Rule>) -> Box<Diagnostic> {
    let at = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let found: String = src[at..].chars().take_while(|c| !c.is_whitespace()).take(20).collect();
    let what = if found.is_empty() {
        if at >= src.len() {
            "unexpected end of file".to_string()
        } else {
            "unexpected end of line".to_string()
        }
    } else {
        format!("unexpected `{found}`")
    };
    Box::new(
        Diagnostic::error("syntax-error", file, Some(Span::new(at, (at + found.len()).max(at + 1))), what)
            .with_help("puppetlift reads the Ruby that Vagrantfiles use; check the line, or report the construct if it is valid Ruby"),
    )
}

struct Builder<'a> {
    file: &'a str,
    src: &'a str,
    bodies: &'a HashMap<usize, Heredoc>,
}

fn span(p: &Pair<Rule>) -> Span {
    Span::new(p.as_span().start(), p.as_span().end())
}

impl<'a> Builder<'a> {
    fn bug(&self, at: Span, what: &str) -> Box<Diagnostic> {
        Box::new(Diagnostic::error(
            "internal-error",
            self.file,
            Some(at),
            format!("puppetlift's Vagrantfile reader could not build this ({what})"),
        ))
    }

    fn body(&self, p: Pair<Rule>) -> Built<Vec<Node>> {
        p.into_inner().map(|s| self.stmt(s)).collect()
    }

    fn stmt(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = span(&p);
        let mut it = p.into_inner().peekable();
        // stmt_nomod: not_expr (logic_word not_expr)*
        let first = it.next().ok_or_else(|| self.bug(sp, "empty statement"))?;
        let mut node = self.not_expr(first)?;
        while let Some(next) = it.next() {
            match next.as_rule() {
                Rule::logic_word => {
                    let word = next.as_str().to_string();
                    let rhs = it
                        .next()
                        .ok_or_else(|| self.bug(sp, "logic operator without operand"))?;
                    let rhs = self.not_expr(rhs)?;
                    let s = node.span.to(rhs.span);
                    node = if word == "and" {
                        Node::new(Expr::And(Box::new(node), Box::new(rhs)), s)
                    } else {
                        Node::new(Expr::Or(Box::new(node), Box::new(rhs)), s)
                    };
                }
                Rule::modifier => node = self.modifier(node, next)?,
                _ => return Err(self.bug(span(&next), "unexpected statement part")),
            }
        }
        Ok(node)
    }

    fn modifier(&self, node: Node, p: Pair<Rule>) -> Built<Node> {
        let sp = span(&p);
        let mut it = p.into_inner();
        let kw = it.next().ok_or_else(|| self.bug(sp, "modifier"))?;
        let kw_rule = kw.as_rule();
        let mut cond = self.stmt_parts(it, sp)?;
        let s = node.span.to(sp);
        Ok(match kw_rule {
            Rule::kw_if => Node::new(Expr::If(Box::new(cond), vec![node], vec![]), s),
            Rule::kw_unless => Node::new(Expr::If(Box::new(cond), vec![], vec![node]), s),
            Rule::kw_while => Node::new(Expr::While(Box::new(cond), vec![node], false), s),
            Rule::kw_until => Node::new(Expr::While(Box::new(cond), vec![node], true), s),
            _ => {
                // `x rescue y`
                cond.span = cond.span.to(cond.span);
                Node::new(
                    Expr::Begin(
                        vec![node],
                        vec![Rescue {
                            classes: vec![],
                            var: None,
                            body: vec![cond],
                        }],
                        None,
                        None,
                    ),
                    s,
                )
            }
        })
    }

    /// `not_expr (logic_word not_expr)*` inside a modifier.
    fn stmt_parts(&self, mut it: pest::iterators::Pairs<Rule>, sp: Span) -> Built<Node> {
        let first = it.next().ok_or_else(|| self.bug(sp, "modifier without condition"))?;
        let mut node = self.not_expr(first)?;
        while let Some(w) = it.next() {
            let rhs = self.not_expr(it.next().ok_or_else(|| self.bug(sp, "logic operand"))?)?;
            let s = node.span.to(rhs.span);
            node = if w.as_str() == "and" {
                Node::new(Expr::And(Box::new(node), Box::new(rhs)), s)
            } else {
                Node::new(Expr::Or(Box::new(node), Box::new(rhs)), s)
            };
        }
        Ok(node)
    }

    fn not_expr(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = span(&p);
        match p.as_rule() {
            Rule::not_expr => {
                let mut it = p.into_inner();
                let first = it.next().ok_or_else(|| self.bug(sp, "not"))?;
                if first.as_rule() == Rule::kw_not {
                    let inner = self.not_expr(it.next().ok_or_else(|| self.bug(sp, "not operand"))?)?;
                    Ok(Node::new(Expr::Not(Box::new(inner)), sp))
                } else {
                    self.not_expr(first)
                }
            }
            Rule::multi_assign => self.multi_assign(p),
            Rule::chain_stmt => self.chain_stmt(p),
            Rule::expr => self.expr(p),
            Rule::kw_not => Err(self.bug(sp, "stray not")),
            _ => Err(self.bug(sp, "expected an expression")),
        }
    }

    fn multi_assign(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = span(&p);
        let mut targets = Vec::new();
        let mut value = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::simple_lhs => {
                    let t = first_inner(c, self)?;
                    targets.push(match t.as_rule() {
                        Rule::ident => Node::new(Expr::Ident(t.as_str().to_string()), span(&t)),
                        _ => self.primary(t)?,
                    });
                }
                Rule::args_list => {
                    let s = span(&c);
                    let args = c.into_inner().map(|a| self.arg(a)).collect::<Built<Vec<_>>>()?;
                    value = Some(Node::new(Expr::Array(args), s));
                }
                _ => value = Some(self.not_expr(c)?),
            }
        }
        let value = value.ok_or_else(|| self.bug(sp, "multiple assignment without value"))?;
        Ok(Node::new(Expr::MultiAssign(targets, Box::new(value)), sp))
    }

    /// A statement that starts with a method chain: an assignment to it, a call
    /// with arguments and no parentheses, a call with a `do` block, or an expression.
    fn chain_stmt(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = span(&p);
        let mut it = p.into_inner();
        let head = self.chain(it.next().ok_or_else(|| self.bug(sp, "statement head"))?)?;
        let Some(tail) = it.next() else { return Ok(head) };
        match tail.as_rule() {
            Rule::assign_tail => {
                let mut t = tail.into_inner();
                let op = t
                    .next()
                    .ok_or_else(|| self.bug(sp, "assignment operator"))?
                    .as_str()
                    .to_string();
                let value = self.not_expr(t.next().ok_or_else(|| self.bug(sp, "assignment value"))?)?;
                if op == "=" {
                    Ok(Node::new(Expr::Assign(Box::new(head), Box::new(value)), sp))
                } else {
                    let op = op.trim_end_matches('=').to_string();
                    Ok(Node::new(Expr::OpAssign(Box::new(head), op, Box::new(value)), sp))
                }
            }
            Rule::command_args => {
                let args = tail.into_inner().map(|a| self.arg(a)).collect::<Built<Vec<_>>>()?;
                let block = match it.next() {
                    Some(b) => Some(self.block(b)?),
                    None => None,
                };
                self.with_args(head, args, block, sp)
            }
            Rule::do_block => {
                let b = self.block(tail)?;
                self.attach_block(head, b)
            }
            Rule::expr_tail => self.expr_parts(vec![head], tail.into_inner(), sp),
            _ => Err(self.bug(sp, "statement tail")),
        }
    }

    /// Turn the head of a command into a call that takes `args`.
    fn with_args(&self, head: Node, mut args: Vec<Arg>, block: Option<Rc<Body>>, sp: Span) -> Built<Node> {
        match head.expr {
            Expr::Call {
                recv,
                name,
                args: mut existing,
                block: b0,
                safe,
            } if existing.is_empty() || b0.is_none() => {
                existing.append(&mut args);
                Ok(Node::new(
                    Expr::Call {
                        recv,
                        name,
                        args: existing,
                        block: block.or(b0),
                        safe,
                    },
                    sp,
                ))
            }
            Expr::Ident(name) => Ok(Node::new(
                Expr::Call {
                    recv: None,
                    name,
                    args,
                    block,
                    safe: false,
                },
                sp,
            )),
            Expr::Yield(mut existing) => {
                existing.append(&mut args);
                Ok(Node::new(Expr::Yield(existing), sp))
            }
            _ => Err(Box::new(Diagnostic::error(
                "syntax-error",
                self.file,
                Some(head.span),
                "arguments follow something that is not a method",
            ))),
        }
    }

    fn expr(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = span(&p);
        self.expr_parts(Vec::new(), p.into_inner(), sp)
    }

    /// `prefix* chain (infix prefix* chain)* ternary?` after `operands` already read;
    /// precedence climbing over the flat list.
    fn expr_parts(&self, mut operands: Vec<Node>, parts: pest::iterators::Pairs<Rule>, sp: Span) -> Built<Node> {
        let mut ops: Vec<(String, Span)> = Vec::new();
        let mut prefixes: Vec<(Rule, Span)> = Vec::new();
        let mut ternary = None;
        for c in parts {
            match c.as_rule() {
                Rule::op_not | Rule::op_neg | Rule::op_pos | Rule::op_bnot => prefixes.push((c.as_rule(), span(&c))),
                Rule::postfix_chain => {
                    let mut node = self.chain(c)?;
                    for (r, s) in prefixes.drain(..).rev() {
                        let whole = s.to(node.span);
                        node = match r {
                            Rule::op_not => Node::new(Expr::Not(Box::new(node)), whole),
                            Rule::op_neg => Node::new(Expr::Unary("-".into(), Box::new(node)), whole),
                            Rule::op_pos => Node::new(Expr::Unary("+".into(), Box::new(node)), whole),
                            _ => Node::new(Expr::Unary("~".into(), Box::new(node)), whole),
                        };
                    }
                    operands.push(node);
                }
                Rule::ternary => ternary = Some(c),
                _ => ops.push((c.as_str().to_string(), span(&c))),
            }
        }
        let mut node = climb(operands, ops).ok_or_else(|| self.bug(sp, "operator without operand"))?;
        if let Some(t) = ternary {
            let ts = span(&t);
            let mut arms = t.into_inner();
            let yes = self.ternary_arm(arms.next().ok_or_else(|| self.bug(ts, "ternary"))?)?;
            let no = self.ternary_arm(arms.next().ok_or_else(|| self.bug(ts, "ternary"))?)?;
            let s = node.span.to(ts);
            node = Node::new(Expr::If(Box::new(node), vec![yes], vec![no]), s);
        }
        Ok(node)
    }

    fn ternary_arm(&self, p: Pair<Rule>) -> Built<Node> {
        let inner = first_inner(p, self)?;
        self.not_expr(inner)
    }

    fn attach_block(&self, node: Node, b: Rc<Body>) -> Built<Node> {
        let sp = node.span.to(b.span);
        match node.expr {
            Expr::Call {
                recv,
                name,
                args,
                block: None,
                safe,
            } => Ok(Node::new(
                Expr::Call {
                    recv,
                    name,
                    args,
                    block: Some(b),
                    safe,
                },
                sp,
            )),
            Expr::Ident(name) => Ok(Node::new(
                Expr::Call {
                    recv: None,
                    name,
                    args: vec![],
                    block: Some(b),
                    safe: false,
                },
                sp,
            )),
            _ => Err(Box::new(Diagnostic::error(
                "syntax-error",
                self.file,
                Some(b.span),
                "a block follows something that is not a method call",
            ))),
        }
    }

    fn chain(&self, p: Pair<Rule>) -> Built<Node> {
        let mut it = p.into_inner();
        let first = it.next().ok_or_else(|| self.bug(Span::new(0, 0), "empty chain"))?;
        let mut node = self.primary(first)?;
        for post in it {
            let ps = span(&post);
            let whole = node.span.to(ps);
            node = match post.as_rule() {
                Rule::method_call => {
                    let safe = post.as_str().trim_start().starts_with("&.");
                    let mut name = "call".to_string();
                    let mut args = Vec::new();
                    let mut block = None;
                    for c in post.into_inner() {
                        match c.as_rule() {
                            Rule::method_name => name = c.as_str().to_string(),
                            Rule::paren_args => args = self.args(c)?,
                            Rule::brace_block => block = Some(self.block(c)?),
                            _ => return Err(self.bug(ps, "method call part")),
                        }
                    }
                    Node::new(
                        Expr::Call {
                            recv: Some(Box::new(node)),
                            name,
                            args,
                            block,
                            safe,
                        },
                        whole,
                    )
                }
                Rule::index => {
                    let args = post.into_inner().map(|a| self.arg(a)).collect::<Built<Vec<_>>>()?;
                    // `vb.customize ["modifyvm", ...]`: a blank before `[` after a
                    // method name makes the list the method's argument.
                    let blank_before = ps.start > 0 && self.src.as_bytes()[ps.start as usize - 1].is_ascii_whitespace();
                    match node.expr {
                        Expr::Call {
                            recv,
                            name,
                            args: ref a,
                            block: None,
                            safe,
                        } if blank_before && a.is_empty() => Node::new(
                            Expr::Call {
                                recv,
                                name,
                                args: vec![Arg::Pos(Node::new(Expr::Array(args), ps))],
                                block: None,
                                safe,
                            },
                            whole,
                        ),
                        _ => Node::new(Expr::Index(Box::new(node), args), whole),
                    }
                }
                Rule::scope_const => {
                    let name = post.as_str().trim_start_matches("::").trim().to_string();
                    Node::new(Expr::Const(Some(Box::new(node)), name), whole)
                }
                _ => return Err(self.bug(ps, "postfix")),
            };
        }
        Ok(node)
    }

    fn args(&self, p: Pair<Rule>) -> Built<Vec<Arg>> {
        p.into_inner().map(|a| self.arg(a)).collect()
    }

    fn arg(&self, p: Pair<Rule>) -> Built<Arg> {
        let sp = span(&p);
        match p.as_rule() {
            Rule::arg_value => {
                let mut negate = false;
                let mut exprs = Vec::new();
                for c in p.into_inner() {
                    match c.as_rule() {
                        Rule::kw_not => negate = true,
                        _ => exprs.push(self.expr(c)?),
                    }
                }
                let mut it = exprs.into_iter();
                let mut first = it.next().ok_or_else(|| self.bug(sp, "argument value"))?;
                if negate {
                    first = Node::new(Expr::Not(Box::new(first)), sp);
                }
                Ok(match it.next() {
                    Some(v) => Arg::Pair(first, v),
                    None => Arg::Pos(first),
                })
            }
            Rule::expr => Ok(Arg::Pos(self.expr(p)?)),
            Rule::kw_not => Err(self.bug(sp, "not in argument")),
            Rule::splat => Ok(Arg::Splat(self.expr(first_inner(p, self)?)?)),
            Rule::dsplat => Ok(Arg::DoubleSplat(self.expr(first_inner(p, self)?)?)),
            Rule::block_pass => Ok(Arg::Block(self.expr(first_inner(p, self)?)?)),
            Rule::pair | Rule::label_pair => {
                let mut it = p.into_inner();
                let k = it.next().ok_or_else(|| self.bug(sp, "pair key"))?;
                let key = match k.as_rule() {
                    Rule::label => {
                        let s = k.as_str();
                        Node::new(Expr::Sym(s[..s.len() - 1].to_string()), span(&k))
                    }
                    Rule::dq_label => {
                        let ks = span(&k);
                        let inner = first_inner(k, self)?;
                        match self.primary(inner)?.expr {
                            Expr::Str(parts) => Node::new(Expr::DSym(parts), ks),
                            other => Node::new(other, ks),
                        }
                    }
                    _ => self.expr(k)?,
                };
                let v = self.expr(it.next().ok_or_else(|| self.bug(sp, "pair value"))?)?;
                Ok(Arg::Pair(key, v))
            }
            _ => Err(self.bug(sp, "argument")),
        }
    }

    fn block(&self, p: Pair<Rule>) -> Built<Rc<Body>> {
        let sp = span(&p);
        let mut params = Vec::new();
        let mut stmts = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::block_params | Rule::lambda_params => params = self.params(c)?,
                Rule::body => stmts = self.body(c)?,
                _ => {}
            }
        }
        Ok(Rc::new(Body {
            params,
            stmts,
            span: sp,
            is_lambda: false,
        }))
    }

    fn params(&self, p: Pair<Rule>) -> Built<Vec<Param>> {
        p.into_inner()
            .filter(|c| c.as_rule() == Rule::param)
            .map(|c| self.param(c))
            .collect()
    }

    fn param(&self, p: Pair<Rule>) -> Built<Param> {
        let sp = span(&p);
        let c = first_inner(p, self)?;
        Ok(match c.as_rule() {
            Rule::ident => Param::Required(c.as_str().to_string()),
            Rule::destructure => Param::Destructure(c.into_inner().map(|x| x.as_str().to_string()).collect()),
            Rule::rest_param => Param::Rest(
                c.into_inner()
                    .next()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
            ),
            Rule::block_param => Param::Block(
                c.into_inner()
                    .next()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
            ),
            Rule::kwparam => {
                let mut it = c.into_inner();
                let l = it.next().ok_or_else(|| self.bug(sp, "keyword parameter"))?.as_str();
                let default = match it.next() {
                    Some(e) => Some(self.expr(e)?),
                    None => None,
                };
                Param::Keyword(l[..l.len() - 1].to_string(), default)
            }
            Rule::opt_param => {
                let mut it = c.into_inner();
                let name = it
                    .next()
                    .ok_or_else(|| self.bug(sp, "parameter name"))?
                    .as_str()
                    .to_string();
                let default = self.expr(it.next().ok_or_else(|| self.bug(sp, "parameter default"))?)?;
                Param::Optional(name, default)
            }
            _ => return Err(self.bug(sp, "parameter")),
        })
    }

    fn if_expr(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = span(&p);
        let mut it = p.into_inner();
        it.next();
        let cond = self.expr(it.next().ok_or_else(|| self.bug(sp, "if condition"))?)?;
        let body = self.body(it.next().ok_or_else(|| self.bug(sp, "if body"))?)?;
        let rest: Vec<Pair<Rule>> = it.collect();
        let els = self.elsif_chain(&rest)?;
        Ok(Node::new(Expr::If(Box::new(cond), body, els), sp))
    }

    fn elsif_chain(&self, rest: &[Pair<Rule>]) -> Built<Vec<Node>> {
        let Some(first) = rest.first() else { return Ok(vec![]) };
        match first.as_rule() {
            Rule::elsif_clause => {
                let sp = span(first);
                let mut it = first.clone().into_inner();
                it.next();
                let cond = self.expr(it.next().ok_or_else(|| self.bug(sp, "elsif condition"))?)?;
                let body = self.body(it.next().ok_or_else(|| self.bug(sp, "elsif body"))?)?;
                let els = self.elsif_chain(&rest[1..])?;
                Ok(vec![Node::new(Expr::If(Box::new(cond), body, els), sp)])
            }
            Rule::else_clause => self.else_clause(first.clone()),
            _ => Ok(vec![]),
        }
    }

    fn else_clause(&self, p: Pair<Rule>) -> Built<Vec<Node>> {
        let sp = span(&p);
        let body = p
            .into_inner()
            .find(|c| c.as_rule() == Rule::body)
            .ok_or_else(|| self.bug(sp, "else body"))?;
        self.body(body)
    }

    fn rescue(&self, p: Pair<Rule>) -> Built<Rescue> {
        let mut classes = Vec::new();
        let mut var = None;
        let mut body = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::expr => classes.push(self.expr(c)?),
                Rule::ident => var = Some(c.as_str().to_string()),
                Rule::body => body = self.body(c)?,
                _ => {}
            }
        }
        Ok(Rescue { classes, var, body })
    }
}

fn first_inner<'i>(p: Pair<'i, Rule>, b: &Builder) -> Built<Pair<'i, Rule>> {
    let sp = span(&p);
    p.into_inner().next().ok_or_else(|| b.bug(sp, "missing part"))
}

/// Ruby's binary operator precedence, tightest first.
fn precedence(op: &str) -> u8 {
    match op {
        "**" => 12,
        "*" | "/" | "%" => 11,
        "+" | "-" => 10,
        "<<" | ">>" => 9,
        "&" => 8,
        "|" | "^" => 7,
        ">" | ">=" | "<" | "<=" => 6,
        "<=>" | "==" | "===" | "!=" | "=~" | "!~" => 5,
        "&&" => 4,
        "||" => 3,
        ".." | "..." => 2,
        _ => 1,
    }
}

/// Operator-precedence climbing over a flat operand/operator list.
fn climb(operands: Vec<Node>, ops: Vec<(String, Span)>) -> Option<Node> {
    let mut out: Vec<Node> = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut operands = operands.into_iter();
    out.push(operands.next()?);
    fn reduce(out: &mut Vec<Node>, op: String) -> Option<()> {
        let r = out.pop()?;
        let l = out.pop()?;
        let s = l.span.to(r.span);
        let e = match op.as_str() {
            "&&" => Expr::And(Box::new(l), Box::new(r)),
            "||" => Expr::Or(Box::new(l), Box::new(r)),
            ".." => Expr::Range(Box::new(l), Box::new(r), false),
            "..." => Expr::Range(Box::new(l), Box::new(r), true),
            "!=" => Expr::Not(Box::new(Node::new(
                Expr::Binary("==".into(), Box::new(l), Box::new(r)),
                s,
            ))),
            "!~" => Expr::Not(Box::new(Node::new(
                Expr::Binary("=~".into(), Box::new(l), Box::new(r)),
                s,
            ))),
            _ => Expr::Binary(op, Box::new(l), Box::new(r)),
        };
        out.push(Node::new(e, s));
        Some(())
    }
    for (op, _) in ops {
        let p = precedence(&op);
        while let Some(top) = stack.last() {
            let tp = precedence(top);
            // `**` is right-associative.
            if tp > p || (tp == p && op != "**") {
                let t = stack.pop()?;
                reduce(&mut out, t)?;
            } else {
                break;
            }
        }
        stack.push(op);
        out.push(operands.next()?);
    }
    while let Some(t) = stack.pop() {
        reduce(&mut out, t)?;
    }
    out.pop()
}
