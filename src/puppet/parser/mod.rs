//! Pest pairs -> typed AST. One small function per grammar rule; where the grammar
//! and this builder disagree, a `Diagnostic` comes back instead of a panic.
//!
//! The builder also does what Puppet's parser does while it reduces (factory.rb,
//! parser_support.rb): statement calls without parentheses (`include a, b`),
//! resource shapes (defaults, overrides, the title-less form), nested class names,
//! type alias rewriting, unfolded hash arguments and string interpolation.

use super::ast::*;
use super::lexer::{self, is_keyword, HeredocBody};
use super::strings::{self, Escapes};
use crate::diagnostic::{Diagnostic, Span};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use std::cell::RefCell;
use std::sync::OnceLock;

mod build;
mod definitions;
mod epp;
#[cfg(test)]
mod grammars;
mod text;

pub use epp::parse_epp;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/puppet.pest"]
#[grammar = "../grammar/fast.pest"]
struct PuppetGrammar;

/// The same grammar without the quick rejects of grammar/fast.pest, which pest
/// would record among the tokens it tried (grammar/exact.pest): parses only to
/// explain a syntax error, from that record.
mod exact {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/puppet.pest"]
    #[grammar = "../grammar/exact.pest"]
    pub(super) struct ExactGrammar;
}

/// Deepest nesting of brackets, parentheses and braces accepted; deeper input gets
/// a "nesting too deep" diagnostic instead of exhausting the stack.
pub const MAX_NESTING: usize = 100;

/// Functions Puppet lets a statement call without parentheses (`include a, b`).
const STATEMENT_CALLS: [&str; 15] = [
    "require", "realize", "include", "contain", "tag", "debug", "info", "notice", "warning", "err", "fail", "import",
    "break", "next", "return",
];

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
            .op(Op::postfix(call) | Op::postfix(access) | Op::postfix(method_call) | Op::postfix(collect))
    })
}

/// Whether `rule` is a postfix of an operand (tighter than any prefix operator).
fn is_postfix(rule: Rule) -> bool {
    matches!(rule, Rule::call | Rule::access | Rule::method_call | Rule::collect)
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

/// The diagnostic for a manifest larger than any command reads (`parse`,
/// `lint` and the rest alike).
pub fn too_large(file: &str, len: usize) -> Option<Box<Diagnostic>> {
    (len > MAX_MANIFEST_BYTES).then(|| {
        Box::new(
            Diagnostic::error(
                "file-too-large",
                file,
                None,
                format!(
                    "{len} bytes is more than the {} MiB a manifest may have",
                    MAX_MANIFEST_BYTES >> 20
                ),
            )
            .with_help("split the manifest into classes in several files"),
        )
    })
}

/// Parses the manifest `src` (named `file` in diagnostics).
pub fn parse(file: &str, src: &str) -> Result<Parsed> {
    parse_bounded(file, src, |file, src| parse_on_this_stack(file, src, Rule::program))
}

/// Parses the Bolt plan `src` in Puppet's tasks mode (`--tasks`), where
/// `plan` and `apply` are keywords.
pub fn parse_plan(file: &str, src: &str) -> Result<Parsed> {
    parse_bounded(file, src, |file, src| {
        parse_on_this_stack(file, src, Rule::tasks_program)
    })
}

/// Runs `parse_here` (a manifest's or a template's parser) within the bounds
/// every parse keeps: the file's size, a stack deep enough for it, the
/// tree's depth.
fn parse_bounded(file: &str, src: &str, parse_here: fn(&str, &str) -> Result<Parsed>) -> Result<Parsed> {
    if let Some(d) = too_large(file, src.len()) {
        return Err(d);
    }
    let need = src.len() * STACK_PER_BYTE + (1 << 20);
    if stacker::remaining_stack().is_some_and(|left| left > need) {
        parse_checked(file, src, parse_here)
    } else {
        // A fresh stack is costly (its pages are new): only when this one is short.
        stacker::grow(need.max(64 << 20), || parse_checked(file, src, parse_here))
    }
}

fn parse_checked(file: &str, src: &str, parse_here: fn(&str, &str) -> Result<Parsed>) -> Result<Parsed> {
    {
        let parsed = parse_here(file, src)?;
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

/// `rule` is the program's: a manifest's, or a plan's (tasks mode).
fn parse_on_this_stack(file: &str, src: &str, rule: Rule) -> Result<Parsed> {
    refuse_before_parsing(file, src)?;
    // The lossless lexer runs only when the grammar needs its help: heredoc bodies
    // (lifted out, see lexer.rs) and `/*` that never closes, which ends Puppet's
    // lexer wherever it is (the grammar would read a lone `/` as a division).
    let block_comment = src.contains("/*");
    let lexed = (block_comment || src.contains("@(")).then(|| lexer::lex(src));
    if let Some((pos, message)) = lexed
        .as_ref()
        .filter(|_| block_comment)
        .and_then(|l| lexer::first_lex_error_in(l, src))
        .filter(|(_, m)| m.starts_with("Unclosed multiline"))
    {
        // Puppet's parser meets the comment only if what comes before parses.
        let before = &src[..pos];
        if let Err(e) = PuppetGrammar::parse(rule, before) {
            let earlier = grammar_error(file, before, rule, e);
            if earlier.span.is_some_and(|s| (s.start as usize) < pos) {
                return Err(earlier);
            }
        }
        return Err(Box::new(Diagnostic::error(
            "syntax-error",
            file,
            Some(Span::new(pos, pos)),
            message,
        )));
    }
    let heredocs = lexed.map(|l| l.heredocs).unwrap_or_default();
    let masked;
    let text: &str = if heredocs.is_empty() {
        src
    } else {
        // Blank the bodies, line breaks kept: offsets stay true, and every byte
        // replaced (continuation bytes included) becomes ASCII, so this stays UTF-8.
        let mut bytes = src.as_bytes().to_vec();
        for h in &heredocs {
            for b in &mut bytes[h.body.range()] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
        masked = String::from_utf8(bytes).map_err(|_| internal(file, None, "heredoc masking"))?;
        &masked
    };
    let mut pairs = PuppetGrammar::parse(rule, text).map_err(|e| syntax_error(file, text, rule, e))?;
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

/// What is refused before any grammar runs, in manifests and templates alike:
/// a byte order mark, nesting deeper than [`MAX_NESTING`].
fn refuse_before_parsing(file: &str, src: &str) -> Result<()> {
    if src.starts_with('\u{feff}') {
        // Puppet refuses it too, with these words.
        return Err(Box::new(
            Diagnostic::error(
                "syntax-error",
                file,
                Some(Span::new(0, 3)),
                "Illegal UTF-8 Byte Order mark at beginning of input: [EF BB BF] - remove these from the puppet source",
            )
            .with_help("save the file as UTF-8 without a byte order mark"),
        ));
    }
    match check_nesting(file, src) {
        Some(diag) => Err(Box::new(diag)),
        None => Ok(()),
    }
}

/// A quick scan for nesting deeper than [`MAX_NESTING`]; exact only when it matters.
/// A bug of ours, reported instead of a panic.
fn internal(file: &str, span: Option<Span>, what: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "internal-parser-error",
            file,
            span,
            format!("the parser could not build this construct ({what})"),
        )
        .with_help("this is a bug in puppetlift; please report it with the manifest"),
    )
}

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

/// Turns a failed parse into Puppet's wording and position: `Syntax error at
/// 'TOKEN'` at the furthest point the grammar reached, or a lexical error
/// (unclosed quote or comment, heredoc without end) when it comes first or
/// lies inside that token: Puppet's parser pulls tokens from its lexer one at
/// a time, so it stops at whichever it meets first.
fn syntax_error(file: &str, src: &str, rule: Rule, err: pest::error::Error<Rule>) -> Box<Diagnostic> {
    let lexical = lexer::first_lex_error(src);
    let grammar = grammar_error(file, src, rule, err);
    match lexical {
        // Inside the token the grammar stopped at, or before it: the lexer fails first.
        Some((pos, message)) if grammar.span.is_none_or(|s| pos <= s.end as usize) => Box::new(Diagnostic::error(
            "syntax-error",
            file,
            Some(Span::new(pos, pos)),
            message,
        )),
        _ => grammar,
    }
}

/// `Syntax error at 'TOKEN'` at the furthest point the grammar reached.
fn grammar_error(file: &str, src: &str, rule: Rule, err: pest::error::Error<Rule>) -> Box<Diagnostic> {
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
    let rule = match rule {
        Rule::heredoc_text => exact::Rule::heredoc_text,
        Rule::heredoc_text_ne => exact::Rule::heredoc_text_ne,
        Rule::epp_program => exact::Rule::epp_program,
        Rule::tasks_program => exact::Rule::tasks_program,
        _ => exact::Rule::program,
    };
    let result = exact::ExactGrammar::parse(rule, src);
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
        SqString | DqString => lexer::unquote(text),
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

/// `@(TAG:syntax/escapes)`, as Puppet's `PATTERN_HEREDOC` reads it.
/// A heredoc's text: the margin removed from each line, the last break removed on `-`.
/// Moves spans of a heredoc's inner expressions into the heredoc's body (approximately:
/// the margin is not counted back).
fn span_text(src: &str, span: Span) -> &str {
    src.get(span.range()).unwrap_or("")
}

/// Puppet's `Factory#interpolate`: names on the left of an interpolated
/// expression are variables.
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
