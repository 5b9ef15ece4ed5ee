//! Ruby source -> the syntax tree: the lexer ([`lexer`]) makes parse.y's
//! tokens, pest reads them with `grammar/ruby.pest`, and this module builds
//! the tree, one small function per rule. Where grammar and builder disagree
//! the result is a diagnostic, never a panic.

pub mod ast;
mod build;
pub mod lexer;
pub mod normal;
mod operators;
mod primary;
mod strings;
pub mod tokens;

use crate::diagnostic::{Diagnostic, Span};
use ast::*;
use pest::iterators::Pair;
use pest::Parser as _;
use tokens::{Lexed, Token, T};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/ruby.pest"]
struct RubyGrammar;

/// Files larger than this are not read as Ruby.
pub const MAX_SOURCE_BYTES: usize = 1 << 20;

/// The stack the grammar and the builder run on. At the lexer's
/// [`lexer::MAX_DEPTH`], the deepest shape (`begin`, `if`, `->`, `#{`
/// nested 250 deep) measured 3 MiB in an optimised build and 12 MiB in an
/// unoptimised one (examples of every shape at the limit, in threads of
/// growing stack); a fresh segment of this size is only touched as deep as
/// the file goes.
pub const PARSE_STACK: usize = 64 << 20;

type Built<T> = Result<T, Box<Diagnostic>>;

/// Parse one Ruby file into statements.
pub fn parse(file: &str, src: &str) -> Result<Vec<Node>, Box<Diagnostic>> {
    stacker::maybe_grow(PARSE_STACK / 4, PARSE_STACK, || parse_here(file, src))
}

fn parse_here(file: &str, src: &str) -> Result<Vec<Node>, Box<Diagnostic>> {
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
    let lexed = lexer::lex(src).map_err(|e| {
        // The character the lexer stopped at (its offset may fall inside one).
        let mut at = e.at.min(src.len());
        while !src.is_char_boundary(at) {
            at -= 1;
        }
        let end = at + src[at..].chars().next().map_or(0, char::len_utf8);
        let code = if e.message.contains("nest more than") {
            "nesting-too-deep"
        } else {
            "syntax-error"
        };
        let mut d = Diagnostic::error(code, file, Some(Span::new(at, end)), e.message.clone());
        if e.message.contains("heredoc") {
            d = d.with_help("end the heredoc with its tag alone on a line (indented only with <<- or <<~)");
        }
        Box::new(d)
    })?;
    let mut pairs =
        RubyGrammar::parse(Rule::program, &lexed.encoded).map_err(|e| syntax_error(file, src, &lexed, e))?;
    let b = Builder { file, src, lx: &lexed };
    let program = pairs.next().ok_or_else(|| b.bug(Span::new(0, 0), "empty parse"))?;
    let body = program
        .into_inner()
        .find(|p| p.as_rule() == Rule::compstmt)
        .ok_or_else(|| b.bug(Span::new(0, 0), "program without statements"))?;
    b.compstmt(body)
}

/// A pest error at a token: "unexpected `end`" at that token's place in the source.
fn syntax_error(file: &str, src: &str, lx: &Lexed, e: pest::error::Error<Rule>) -> Box<Diagnostic> {
    let at = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let (span, what) = match lx.at(at) {
        Some(t) if t.kind == T::tNL => (t.span, "unexpected end of line".to_string()),
        Some(t) => {
            let text = &src[t.span.start as usize..t.span.end as usize];
            let shown: String = text.chars().take(20).collect();
            (
                t.span,
                if shown.is_empty() {
                    "unexpected token".to_string()
                } else {
                    format!("unexpected `{shown}`")
                },
            )
        }
        None => (Span::new(src.len(), src.len()), "unexpected end of file".to_string()),
    };
    Box::new(
        Diagnostic::error("syntax-error", file, Some(span), what)
            .with_help("check the line; puppetlift reads Ruby as Ruby 3.1 does (report it if Ruby accepts this file)"),
    )
}

/// Builds the tree from pest's pairs; knows the tokens and the source.
struct Builder<'a> {
    file: &'a str,
    src: &'a str,
    lx: &'a Lexed,
}

impl<'a> Builder<'a> {
    fn bug(&self, at: Span, what: &str) -> Box<Diagnostic> {
        Box::new(Diagnostic::error(
            "internal-error",
            self.file,
            Some(at),
            format!("puppetlift's Ruby reader could not build this ({what})"),
        ))
    }

    /// A syntax error Ruby reports too, that the grammar lets through.
    fn error(&self, at: Span, what: impl Into<String>) -> Box<Diagnostic> {
        Box::new(Diagnostic::error("syntax-error", self.file, Some(at), what.into()))
    }

    /// The source span of a pair.
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        if s.start() == s.end() {
            let at = self.lx.at(s.start()).map_or(self.src.len(), |t| t.span.start as usize);
            return Span::new(at, at);
        }
        self.lx.span(s.start(), s.end())
    }

    /// The first token of a pair.
    fn token(&self, p: &Pair<Rule>) -> Token {
        self.lx.at(p.as_span().start()).copied().unwrap_or(Token {
            kind: T::tERROR,
            span: Span::new(self.src.len(), self.src.len()),
            flags: 0,
            state: 0,
            literal: 0,
        })
    }

    /// The kind of a terminal pair's token.
    fn kind(&self, p: &Pair<Rule>) -> T {
        self.token(p).kind
    }

    /// The source text of a token.
    fn text(&self, t: &Token) -> &'a str {
        self.src.get(t.span.start as usize..t.span.end as usize).unwrap_or("")
    }

    /// The source text of a pair's first token.
    fn tok_text(&self, p: &Pair<Rule>) -> &'a str {
        let t = self.token(p);
        self.text(&t)
    }
}

/// The first inner pair, or a builder bug.
fn first<'i>(p: Pair<'i, Rule>, b: &Builder) -> Built<Pair<'i, Rule>> {
    let sp = b.span(&p);
    p.into_inner().next().ok_or_else(|| b.bug(sp, "an empty rule"))
}
