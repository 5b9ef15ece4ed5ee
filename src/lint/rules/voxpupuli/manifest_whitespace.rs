//! The `puppet-lint-manifest_whitespace-check` gem's checks share this: its
//! view of token kinds (blanks first on a line are INDENT, other blanks
//! WHITESPACE; braces, brackets and a few punctuation marks by name), its
//! "single space" test and its walks over blanks, on the tokens as written
//! (the checks) and on the token list being fixed (the fixes).
//!
//! The checks themselves are in `manifest_whitespace_*.rs`, one file per file
//! of the gem.

use crate::lint::fix::{Fixer, Tok};
use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{Context, Kind, Problem};

/// The gem the checks come from.
pub const GEM: &str = "puppet-lint-manifest_whitespace-check";

/// A token kind as the gem tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T {
    /// Blanks not first on a line.
    Whitespace,
    /// Blanks first on a line.
    Indent,
    /// A line break.
    Newline,
    /// A `#` comment.
    Comment,
    LBrace,
    RBrace,
    LBrack,
    RBrack,
    LParen,
    RParen,
    Comma,
    Semic,
    Colon,
    Dot,
    FArrow,
    Pipe,
    Name,
    FunctionName,
    ClassRef,
    Variable,
    Type,
    Inherits,
    DqMid,
    DqPost,
    HeredocMid,
    HeredocPost,
    /// Anything else.
    Other,
}

impl T {
    /// The gem's "space" tokens: WHITESPACE, INDENT, NEWLINE.
    pub fn space(self) -> bool {
        matches!(self, T::Whitespace | T::Indent | T::Newline)
    }

    /// What may follow a closing brace or bracket directly.
    pub fn after_bracket(self) -> bool {
        matches!(
            self,
            T::RBrack
                | T::RParen
                | T::Semic
                | T::Comma
                | T::Colon
                | T::Dot
                | T::Newline
                | T::DqMid
                | T::DqPost
                | T::LBrack
                | T::HeredocMid
                | T::HeredocPost
        )
    }
}

/// The kind of a token of kind `kind` and value `value`; `indent`: first on its line.
pub fn kind_of(kind: LintKind, value: &str, indent: bool) -> T {
    match kind {
        LintKind::Whitespace if indent => T::Indent,
        LintKind::Whitespace => T::Whitespace,
        LintKind::Newline => T::Newline,
        LintKind::Comment => T::Comment,
        LintKind::Name => T::Name,
        LintKind::FunctionName => T::FunctionName,
        LintKind::ClassRef => T::ClassRef,
        LintKind::Variable => T::Variable,
        LintKind::Type => T::Type,
        LintKind::DqMid => T::DqMid,
        LintKind::DqPost => T::DqPost,
        LintKind::HeredocMid => T::HeredocMid,
        LintKind::HeredocPost => T::HeredocPost,
        LintKind::Keyword if value == "inherits" => T::Inherits,
        LintKind::Punct => match value {
            "{" => T::LBrace,
            "}" => T::RBrace,
            "[" => T::LBrack,
            "]" => T::RBrack,
            "(" => T::LParen,
            ")" => T::RParen,
            "," => T::Comma,
            ";" => T::Semic,
            ":" => T::Colon,
            "." => T::Dot,
            "=>" => T::FArrow,
            "|" => T::Pipe,
            _ => T::Other,
        },
        _ => T::Other,
    }
}

/// The tokens as written, with the gem's kinds.
pub struct View<'c, 'a> {
    /// The manifest.
    pub ctx: &'c Context<'a>,
    /// puppet-lint's tokens.
    pub lt: &'c LintTokens<'a>,
    /// Each token's kind.
    pub t: Vec<T>,
}

impl<'c, 'a> View<'c, 'a> {
    /// The view of `ctx`'s tokens (`None` when puppet-lint's lexer fails).
    pub fn new(ctx: &'c Context<'a>) -> Option<Self> {
        let lt = ctx.lint()?;
        let t = lt
            .tokens
            .iter()
            .enumerate()
            .map(|(i, tok)| kind_of(tok.kind, tok.value, lt.is_indent(i)))
            .collect();
        Some(View { ctx, lt, t })
    }

    /// The kind of token `i` (`Other` past the end).
    pub fn ty(&self, i: usize) -> T {
        self.t.get(i).copied().unwrap_or(T::Other)
    }

    /// Whether token `i` is WHITESPACE of exactly one space.
    pub fn single_space(&self, i: usize) -> bool {
        self.ty(i) == T::Whitespace && self.lt.tokens.get(i).is_some_and(|t| t.value == " ")
    }

    /// The nearest token before `i` that is not a space token.
    pub fn prev_non_space(&self, i: usize) -> Option<usize> {
        (0..i).rev().find(|&j| !self.t[j].space())
    }

    /// The nearest token after `i` that is not a space token.
    pub fn next_non_space(&self, i: usize) -> Option<usize> {
        (i + 1..self.t.len()).find(|&j| !self.t[j].space())
    }

    /// The indexes of the tokens of kind `kind`.
    pub fn all(&self, kind: T) -> impl Iterator<Item = usize> + '_ {
        self.t
            .iter()
            .enumerate()
            .filter(move |(_, &k)| k == kind)
            .map(|(i, _)| i)
    }

    /// An error of check `name` at token `i`.
    pub fn error(&self, name: &'static str, message: &str, i: usize) -> Problem {
        let at = self.lt.tokens.get(i).map_or(0, |t| t.start);
        self.ctx.problem(name, Kind::Error, message, at)
    }
}

/// The kind of a token being fixed.
pub fn tok_kind(t: &Tok) -> T {
    kind_of(t.kind, &t.value, t.indent)
}

/// The kind of the token at `at` in the list being fixed (`Other` past the end).
pub fn fty(f: &Fixer, at: usize) -> T {
    f.toks.get(at).map_or(T::Other, tok_kind)
}

/// The nearest token before `at` being fixed that is not a space token.
pub fn fprev_non_space(f: &Fixer, at: usize) -> Option<usize> {
    (0..at.min(f.toks.len())).rev().find(|&j| !tok_kind(&f.toks[j]).space())
}

/// The nearest token after `at` being fixed that is not a space token.
pub fn fnext_non_space(f: &Fixer, at: usize) -> Option<usize> {
    (at + 1..f.toks.len()).find(|&j| !tok_kind(&f.toks[j]).space())
}

/// A single space, as the fixes add it.
pub fn single_space() -> Tok {
    Tok::new(LintKind::Whitespace, " ", false)
}

/// Makes the blanks at `at` a single space.
pub fn set_single_space(f: &mut Fixer, at: usize) {
    if let Some(t) = f.toks.get_mut(at) {
        t.value = " ".to_string();
        t.text = " ".to_string();
    }
}

/// Where the original token the problem is placed at is now (`None`: a fix
/// before removed it, or there is none).
pub fn now(f: &Fixer, at: &crate::lint::fix::FixAt) -> Option<usize> {
    at.token.and_then(|i| f.pos(i))
}
