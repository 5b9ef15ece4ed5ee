//! Pest pairs -> typed AST. One small function per grammar rule; where the grammar
//! and this builder disagree, a `Diagnostic` comes back instead of a panic.
//!
//! The builder also does what Puppet's parser does while it reduces (factory.rb,
//! parser_support.rb): statement calls without parentheses (`include a, b`),
//! resource shapes (defaults, overrides, the title-less form), nested class names,
//! type alias rewriting, unfolded hash arguments and string interpolation.

use super::ast::*;
use super::lexer::{self, HeredocBody};
use super::strings::{self, Escapes};
use crate::diagnostic::{Diagnostic, Span};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use std::cell::RefCell;
use std::sync::OnceLock;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/puppet.pest"]
struct PuppetGrammar;

/// Deepest nesting of brackets, parentheses and braces accepted; deeper input gets
/// a "nesting too deep" diagnostic instead of exhausting the stack.
pub const MAX_NESTING: usize = 100;

const KEYWORDS: [&str; 20] = [
    "case", "class", "default", "define", "if", "elsif", "else", "inherits", "node", "and", "or", "undef", "false",
    "true", "in", "unless", "function", "type", "attr", "private",
];

/// Functions Puppet lets a statement call without parentheses (`include a, b`).
const STATEMENT_CALLS: [&str; 15] = [
    "require", "realize", "include", "contain", "tag", "debug", "info", "notice", "warning", "err", "fail", "import",
    "break", "next", "return",
];

/// Whether `word` is one of Puppet's keywords.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// The operator precedence table (lowest first), as egrammar.ra's `prechigh` lists it.
fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        use Rule::*;
        PrattParser::new()
            .op(Op::infix(op_or, Assoc::Left))
            .op(Op::infix(op_and, Assoc::Left))
            .op(Op::postfix(selector))
            .op(Op::infix(op_ge, Assoc::Left)
                | Op::infix(op_gt, Assoc::Left)
                | Op::infix(op_le, Assoc::Left)
                | Op::infix(op_lt, Assoc::Left))
            .op(Op::infix(op_ne, Assoc::Left) | Op::infix(op_eq, Assoc::Left))
            .op(Op::infix(op_lshift, Assoc::Left) | Op::infix(op_rshift, Assoc::Left))
            .op(Op::infix(op_sub, Assoc::Left) | Op::infix(op_add, Assoc::Left))
            .op(Op::infix(op_mul, Assoc::Left) | Op::infix(op_div, Assoc::Left) | Op::infix(op_mod, Assoc::Left))
            .op(Op::infix(op_match, Assoc::Left) | Op::infix(op_nomatch, Assoc::Left))
            .op(Op::infix(op_in, Assoc::Left))
            .op(Op::prefix(op_neg))
            .op(Op::prefix(op_splat))
            .op(Op::prefix(op_not))
    })
}

/// What parsing a manifest gives: the program body and warnings (or the first error).
#[derive(Debug)]
pub struct Parsed {
    /// The program's body: one expression, a `Block`, or `Nop` for an empty file.
    pub body: Expr,
    /// Warnings found while building (legacy syntax and the like).
    pub warnings: Vec<Diagnostic>,
}

type Result<T> = std::result::Result<T, Box<Diagnostic>>;

/// Deepest AST accepted. Deeper trees (thousands of chained operators) get a
/// diagnostic, so that everything that walks an AST can recurse on an ordinary stack.
pub const MAX_DEPTH: usize = 400;

/// Stack the parser may need per byte of input, at worst (`!!!!...` recurses once
/// per byte); pest and the builder recurse with the input's nesting, and a user's
/// file must never overflow a pre-commit hook's stack. Unoptimised builds (the
/// tests) use far bigger frames.
/// (Measured: 1.3 KiB a byte for 120 KB of `!!!...`, the deepest case.)
const STACK_PER_BYTE: usize = if cfg!(debug_assertions) { 32 << 10 } else { 4 << 10 };

/// Largest manifest parsed: its worst-case stack must stay reservable.
pub const MAX_MANIFEST_BYTES: usize = 2 << 20;

/// Parses the manifest `src` (named `file` in diagnostics).
pub fn parse(file: &str, src: &str) -> Result<Parsed> {
    if src.len() > MAX_MANIFEST_BYTES {
        return Err(Box::new(
            Diagnostic::error(
                "file-too-large",
                file,
                None,
                format!(
                    "{} bytes is more than the {} MiB a manifest may have",
                    src.len(),
                    MAX_MANIFEST_BYTES >> 20
                ),
            )
            .with_help("split the manifest into classes in several files"),
        ));
    }
    let need = src.len() * STACK_PER_BYTE + (1 << 20);
    if stacker::remaining_stack().is_some_and(|left| left > need) {
        parse_checked(file, src)
    } else {
        // A fresh stack is costly (its pages are new): only when this one is short.
        stacker::grow(need.max(64 << 20), || parse_checked(file, src))
    }
}

fn parse_checked(file: &str, src: &str) -> Result<Parsed> {
    {
        let parsed = parse_on_this_stack(file, src)?;
        let (depth, deepest) = super::visit::deepest(&parsed.body);
        if depth > MAX_DEPTH {
            let span = deepest.span;
            // Dropping the tree recurses too: do it here, with the stack we were given.
            drop(parsed);
            return Err(Box::new(
                Diagnostic::error(
                    "nesting-too-deep",
                    file,
                    Some(span),
                    format!("nesting too deep: the expression is more than {MAX_DEPTH} levels deep"),
                )
                .with_help("split the expression into variables or smaller statements"),
            ));
        }
        Ok(parsed)
    }
}

fn parse_on_this_stack(file: &str, src: &str) -> Result<Parsed> {
    if let Some(diag) = check_nesting(file, src) {
        return Err(Box::new(diag));
    }
    // A `/*` that never closes ends Puppet's lexer wherever it is; the grammar
    // would read a lone `/` as a division instead.
    if src.contains("/*") {
        if let Some((pos, message)) = lexer::first_lex_error(src).filter(|(_, m)| m.starts_with("Unclosed multiline")) {
            return Err(Box::new(Diagnostic::error(
                "syntax-error",
                file,
                Some(Span::new(pos, pos)),
                message,
            )));
        }
    }
    let heredocs = if src.contains("@(") {
        lexer::lex(src).heredocs
    } else {
        Vec::new()
    };
    let masked;
    let text: &str = if heredocs.is_empty() {
        src
    } else {
        let mut bytes = src.as_bytes().to_vec();
        for h in &heredocs {
            for b in &mut bytes[h.body.range()] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
        // Only ASCII bytes were replaced by spaces inside whole lines, but a line may
        // hold multi-byte characters: blank them whole so the text stays UTF-8.
        masked = String::from_utf8(bytes).unwrap_or_else(|e| {
            let mut v = e.into_bytes();
            for b in &mut v {
                if *b >= 0x80 {
                    *b = b' ';
                }
            }
            String::from_utf8_lossy(&v).into_owned()
        });
        &masked
    };
    let mut pairs =
        PuppetGrammar::parse(Rule::program, text).map_err(|e| syntax_error(file, text, Rule::program, e))?;
    let builder = Builder {
        file,
        src,
        heredocs,
        namestack: RefCell::new(Vec::new()),
        warnings: RefCell::new(Vec::new()),
    };
    let program = pairs
        .next()
        .ok_or_else(|| builder.internal(Span::default(), "empty parse"))?;
    let body = builder.program(program)?;
    Ok(Parsed {
        body,
        warnings: builder.warnings.into_inner(),
    })
}

/// A quick scan for nesting deeper than [`MAX_NESTING`]; exact only when it matters.
fn check_nesting(file: &str, src: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut max = 0usize;
    for b in src.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if max <= MAX_NESTING {
        return None;
    }
    // Brackets inside strings and comments do not count: look again with the lexer.
    let mut depth = 0usize;
    for t in lexer::lex(src).tokens {
        if t.kind != lexer::TokenKind::Punct {
            continue;
        }
        match &src[t.span.range()] {
            "(" | "[" | "{" => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(
                        Diagnostic::error(
                            "nesting-too-deep",
                            file,
                            Some(t.span),
                            format!(
                                "nesting too deep: more than {MAX_NESTING} levels of brackets, parentheses or braces"
                            ),
                        )
                        .with_help("split the expression into variables"),
                    );
                }
            }
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Turns a failed parse into Puppet's wording and position: a lexical error
/// (unclosed quote or comment, heredoc without end) where Puppet's lexer would
/// stop, else `Syntax error at 'TOKEN'` at the furthest point the grammar reached.
fn syntax_error(file: &str, src: &str, rule: Rule, err: pest::error::Error<Rule>) -> Box<Diagnostic> {
    if let Some((pos, message)) = lexer::first_lex_error(src) {
        return Box::new(Diagnostic::error(
            "syntax-error",
            file,
            Some(Span::new(pos, pos)),
            message,
        ));
    }
    let fallback = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let tokens = lexer::lex(src).tokens;
    let significant = |t: &&lexer::Token| !t.kind.is_trivia();
    let token = match furthest_attempt(src, rule) {
        // The grammar gave up inside trivia after a token it had accepted without
        // expecting anything more: that token is the offending one.
        Some((pos, false)) => tokens
            .iter()
            .filter(significant)
            .take_while(|t| (t.span.start as usize) < pos)
            .last(),
        Some((pos, true)) => tokens.iter().filter(significant).find(|t| t.span.end as usize > pos),
        None => tokens
            .iter()
            .filter(significant)
            .find(|t| t.span.end as usize > fallback),
    }
    .copied();
    let diag = match token {
        Some(t) => {
            let shown: String = token_value(&src[t.span.range()], t.kind).chars().take(40).collect();
            Diagnostic::error("syntax-error", file, Some(t.span), format!("Syntax error at '{shown}'"))
        }
        None => Diagnostic::error(
            "syntax-error",
            file,
            Some(Span::new(src.len(), src.len())),
            "Syntax error at end of input",
        ),
    };
    Box::new(diag)
}

/// The furthest offset any token was tried at (pest's detailed attempt tracking,
/// switched on only to explain a failure), and whether a token was expected there.
fn furthest_attempt(src: &str, rule: Rule) -> Option<(usize, bool)> {
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = DETAIL.lock().unwrap_or_else(|e| e.into_inner());
    pest::set_error_detail(true);
    let result = PuppetGrammar::parse(rule, src);
    pest::set_error_detail(false);
    result.err()?.parse_attempts().map(|a| {
        (
            a.max_position,
            !a.expected_tokens().is_empty() || !a.call_stacks().is_empty(),
        )
    })
}

/// A token as Puppet's messages show it: strings without quotes, variables without `$`.
fn token_value(text: &str, kind: lexer::TokenKind) -> &str {
    use lexer::TokenKind::*;
    match kind {
        SqString | DqString if text.len() >= 2 => &text[1..text.len() - 1],
        Variable => &text[1..],
        _ => text,
    }
}

/// One statement before `transform_calls`: an expression, or a comma list.
enum Statement {
    One(Expr),
    List(Vec<Expr>),
}

struct Builder<'a> {
    file: &'a str,
    src: &'a str,
    heredocs: Vec<HeredocBody>,
    namestack: RefCell<Vec<String>>,
    warnings: RefCell<Vec<Diagnostic>>,
}

fn span_of(p: &Pair<Rule>) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl<'a> Builder<'a> {
    fn internal(&self, span: Span, what: &str) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(
                "internal-parser-error",
                self.file,
                Some(span),
                format!("the parser could not build this construct ({what})"),
            )
            .with_help("this is a bug in puppetlift; please report it with the manifest"),
        )
    }

    /// Attribute and method names are NAMEs or keywords; a WORD (`_x`, `a-b`) there
    /// is a syntax error in Puppet.
    fn require_name(&self, p: &Pair<Rule>) -> Result<()> {
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

    fn unexpected(&self, p: &Pair<Rule>) -> Box<Diagnostic> {
        self.internal(span_of(p), &format!("unexpected {:?}", p.as_rule()))
    }

    fn next<'i>(&self, pairs: &mut impl Iterator<Item = Pair<'i, Rule>>, parent: Span) -> Result<Pair<'i, Rule>> {
        pairs.next().ok_or_else(|| self.internal(parent, "missing element"))
    }

    fn program(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        match p.into_inner().find(|p| p.as_rule() == Rule::statements) {
            Some(st) => Ok(block_or_expression(self.statements(st)?, span)),
            None => Ok(Expr::new(ExprKind::Nop, Span::new(self.src.len(), self.src.len()))),
        }
    }

    /// `statements`: the statement list with Puppet's `transform_calls` applied.
    fn statements(&self, p: Pair<Rule>) -> Result<Vec<Expr>> {
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
                Statement::One(exprs.pop().unwrap_or_else(|| Expr::new(ExprKind::Nop, Span::default())))
            } else {
                Statement::List(exprs)
            });
        }
        self.transform_calls(list)
    }

    fn transform_calls(&self, list: Vec<Statement>) -> Result<Vec<Expr>> {
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

    fn legacy_import(&self, span: Span) {
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

    fn optional_statements(&self, p: Option<Pair<Rule>>) -> Result<Option<Vec<Expr>>> {
        match p {
            Some(st) if st.as_rule() == Rule::statements => Ok(Some(self.statements(st)?)),
            _ => Ok(None),
        }
    }

    /// A `{ statements }` block: its statements, or `None` when empty.
    fn block(&self, p: Pair<Rule>) -> Result<Option<Vec<Expr>>> {
        self.optional_statements(p.into_inner().next())
    }

    /// `resource (edge resource)* (= assignment)?`: relationships, then assignment.
    fn assignment(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let mut left = self.resource(self.next(&mut inner, span)?)?;
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
            let right = self.resource(self.next(&mut inner, span)?)?;
            left = binary(op, left, right);
        }
        Ok(left)
    }

    fn resource(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let first = self.next(&mut inner, span)?;
        match first.as_rule() {
            Rule::resource_form => {
                let form = if first.as_str() == "@@" {
                    ResourceForm::Exported
                } else {
                    ResourceForm::Virtual
                };
                let mut e = self.resource(self.next(&mut inner, span)?)?;
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
                e.span = span;
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
                for tail in inner {
                    let whole = e.span.to(span_of(&tail));
                    e = self.resource_tail(e, tail, whole)?;
                }
                Ok(e)
            }
            _ => Err(self.unexpected(&first)),
        }
    }

    fn resource_tail(&self, left: Expr, tail: Pair<Rule>, span: Span) -> Result<Expr> {
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
    fn resource_without_title(&self, left: Expr, ops: Vec<AttributeOp>, braces: Span) -> Result<Expr> {
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

    fn resource_bodies(&self, p: Pair<Rule>) -> Result<Vec<ResourceBody>> {
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

    fn attribute_operations(&self, p: Pair<Rule>) -> Result<Vec<AttributeOp>> {
        p.into_inner()
            .map(|op| {
                let span = span_of(&op);
                let mut inner = op.into_inner();
                let first = self.next(&mut inner, span)?;
                if first.as_rule() == Rule::attribute_splat {
                    let value = self.expression(self.next(&mut first.into_inner(), span)?)?;
                    return Ok(AttributeOp::Splat { value, span });
                }
                let name = first.as_str().to_string();
                self.require_name(&first)?;
                let op_pair = self.next(&mut inner, span)?;
                let op = if op_pair.as_str() == "+>" { "+>" } else { "=>" };
                let value = self.expression(self.next(&mut inner, span)?)?;
                Ok(AttributeOp::Set { name, op, value, span })
            })
            .collect()
    }

    // ------------------------------------------------------------ expressions

    fn expression(&self, p: Pair<Rule>) -> Result<Expr> {
        // Most expressions are a single term: no need for the precedence climb.
        let mut inner = p.clone().into_inner();
        if let (Some(only), None) = (inner.next(), inner.next()) {
            return match only.as_rule() {
                Rule::term | Rule::dq_term => self.term(only),
                _ => Err(self.unexpected(&only)),
            };
        }
        pratt()
            .map_primary(|t| match t.as_rule() {
                Rule::term | Rule::dq_term => self.term(t),
                _ => Err(self.unexpected(&t)),
            })
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
    fn entry(&self, p: Pair<Rule>, side: fn(&Self, Pair<Rule>) -> Result<Expr>) -> Result<Entry> {
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let key = side(self, self.next(&mut inner, span)?)?;
        let value = side(self, self.next(&mut inner, span)?)?;
        Ok(Entry { key, value, span })
    }

    fn term(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let first = self.next(&mut inner, span)?;
        let mut e = match first.as_rule() {
            Rule::dq_name_var => Expr::new(ExprKind::Variable(first.as_str().to_string()), span_of(&first)),
            Rule::primary => self.primary(first)?,
            _ => return Err(self.unexpected(&first)),
        };
        for post in inner {
            let pspan = span_of(&post);
            let whole = Span::new(e.span.start as usize, pspan.end as usize);
            e = match post.as_rule() {
                Rule::call => self.call(e, post, whole)?,
                Rule::access => {
                    let keys = self.arguments(self.next(&mut post.into_inner(), pspan)?)?;
                    Expr::new(ExprKind::Access { left: boxed(e), keys }, whole)
                }
                Rule::method_call => self.method_call(e, post, whole)?,
                Rule::collect => self.collect(e, post, whole)?,
                _ => return Err(self.unexpected(&post)),
            };
        }
        Ok(e)
    }

    /// `functor(args) |params| { }`
    fn call(&self, functor: Expr, p: Pair<Rule>, whole: Span) -> Result<Expr> {
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

    fn call_args(&self, p: Pair<Rule>) -> Result<Vec<Expr>> {
        match p.into_inner().next() {
            Some(args) => self.arguments(args),
            None => Ok(Vec::new()),
        }
    }

    /// Arguments, array elements and access keys: `k => v` pairs in a row become
    /// one unbraced hash (Puppet's `ARGUMENTS`).
    fn arguments(&self, p: Pair<Rule>) -> Result<Vec<Expr>> {
        self.argument_list(p.into_inner())
    }

    fn argument_list(&self, args: Pairs<Rule>) -> Result<Vec<Expr>> {
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

    fn hash_entry(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let inner = self.next(&mut p.into_inner(), span)?;
        match inner.as_rule() {
            Rule::collection_keyword => {
                let kw = self.next(&mut inner.into_inner(), span)?;
                Ok(Expr::new(ExprKind::Str(kw.as_str().to_string()), span_of(&kw)))
            }
            _ => self.assignment(inner),
        }
    }

    fn method_call(&self, recv: Expr, p: Pair<Rule>, whole: Span) -> Result<Expr> {
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

    fn collect(&self, type_expr: Expr, p: Pair<Rule>, whole: Span) -> Result<Expr> {
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

    fn lambda(&self, p: Pair<Rule>) -> Result<Lambda> {
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

    fn return_type(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        self.parameter_type(self.next(&mut p.into_inner(), span)?)
    }

    fn parameters(&self, p: Pair<Rule>) -> Result<Vec<Parameter>> {
        p.into_inner().map(|param| self.parameter(param)).collect()
    }

    fn parameter(&self, p: Pair<Rule>) -> Result<Parameter> {
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

    fn parameter_type(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let mut inner = p.into_inner();
        let r = self.next(&mut inner, span)?;
        let reference = Expr::new(ExprKind::QualifiedReference(r.as_str().to_string()), span_of(&r));
        match inner.next() {
            None => Ok(reference),
            Some(access) => {
                let keys = self.arguments(self.next(&mut access.into_inner(), span)?)?;
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

    fn primary(&self, p: Pair<Rule>) -> Result<Expr> {
        let pspan = span_of(&p);
        let p = self.next(&mut p.into_inner(), pspan)?;
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
            Rule::type_alias => return self.type_alias(p),
            Rule::type_definition => return self.type_definition(p),
            _ => return Err(self.unexpected(&p)),
        };
        Ok(Expr::new(kind, span))
    }

    fn number(&self, text: &str, span: Span) -> Result<Expr> {
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

    fn dq_string(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let segments = self.string_segments(p.into_inner(), strings::DQ)?;
        Ok(concat_or_string(segments, span))
    }

    /// The parts of an interpolating string: text (escapes applied), `$var`, `${expr}`.
    fn string_segments(&self, parts: Pairs<Rule>, escapes: Escapes) -> Result<Vec<Expr>> {
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
    fn interpolation(&self, p: Pair<Rule>) -> Result<Expr> {
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

    fn heredoc(&self, p: Pair<Rule>) -> Result<Expr> {
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

    fn if_rest(&self, p: Pair<Rule>, span: Span) -> Result<Expr> {
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
    fn branch(&self, block: Pair<Rule>) -> Result<Option<Box<Expr>>> {
        let bspan = span_of(&block);
        Ok(self.block(block)?.map(|s| boxed(block_or_expression(s, bspan))))
    }

    fn unless(&self, p: Pair<Rule>) -> Result<Expr> {
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

    fn case(&self, p: Pair<Rule>) -> Result<Expr> {
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
                Rule::kw_class | Rule::kw_define | Rule::kw_function => {}
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

    fn class_definition(&self, p: Pair<Rule>) -> Result<Expr> {
        let span = span_of(&p);
        let parts = self.definition_parts(p.into_inner(), span)?;
        let name = self.qualified(&parts.name);
        self.namestack.borrow_mut().push(parts.name.clone());
        let body = parts.block.map(|b| self.block(b)).transpose();
        self.namestack.borrow_mut().pop();
        Ok(Expr::new(
            ExprKind::Class {
                def: Definition {
                    name,
                    name_span: parts.name_span,
                    params: parts.params,
                    body: body?.flatten(),
                },
                parent: parts.parent,
            },
            span,
        ))
    }

    fn define_definition(&self, p: Pair<Rule>) -> Result<Expr> {
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

    fn function_definition(&self, p: Pair<Rule>) -> Result<Expr> {
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

    fn node_definition(&self, p: Pair<Rule>) -> Result<Expr> {
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

    fn hostname(&self, p: Pair<Rule>) -> Result<Expr> {
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

    fn type_alias(&self, p: Pair<Rule>) -> Result<Expr> {
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

    fn type_definition(&self, p: Pair<Rule>) -> Result<Expr> {
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

/// `@(TAG:syntax/escapes)`, as Puppet's `PATTERN_HEREDOC` reads it.
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

/// A heredoc's text: the margin removed from each line, the last break removed on `-`.
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

/// Moves spans of a heredoc's inner expressions into the heredoc's body (approximately:
/// the margin is not counted back).
fn relocate(mut e: Expr, base: Span) -> Expr {
    let start = base.start;
    e.span = Span {
        start: (e.span.start + start).min(base.end),
        end: (e.span.end + start).min(base.end),
    };
    e
}

fn span_text(src: &str, span: Span) -> &str {
    src.get(span.range()).unwrap_or("")
}

/// Puppet's `Factory#interpolate`: names on the left of an interpolated
/// expression are variables.
fn interpolate(e: Expr) -> Expr {
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

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.to(right.span);
    Expr::new(
        ExprKind::Binary {
            op,
            left: boxed(left),
            right: boxed(right),
        },
        span,
    )
}

/// Puppet's `block_or_expression`: one statement stands alone, several form a block.
fn block_or_expression(mut stmts: Vec<Expr>, span: Span) -> Expr {
    match stmts.len() {
        0 => Expr::new(ExprKind::Nop, span),
        1 => stmts.pop().unwrap_or_else(|| Expr::new(ExprKind::Nop, span)),
        _ => {
            let span = stmts[0].span.to(stmts[stmts.len() - 1].span);
            Expr::new(ExprKind::Block(stmts), span)
        }
    }
}

/// A string without interpolation is a plain string; otherwise a concatenation of
/// its non-empty segments.
fn concat_or_string(segments: Vec<Expr>, span: Span) -> Expr {
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
fn regex_value(text: &str) -> String {
    text[1..text.len() - 1].replace("\\/", "/")
}
