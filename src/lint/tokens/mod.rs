//! puppet-lint's view of a manifest's tokens, built from our lossless tokens.
//!
//! puppet-lint's checks read a token list that differs from ours in ways their
//! findings depend on: a double-quoted string is split into `DQPRE`, the
//! interpolated expressions' own tokens, `DQMID` and `DQPOST`; a `$name[...]`
//! index is folded into the `VARIABLE`; `name(` is a `FUNCTION_NAME`; keywords,
//! data types (`String`) and `//` comments have their own kinds; a heredoc body
//! is a code token. The checks that walk resources and definitions the way
//! puppet-lint does (its `resource_indexes`, `title_tokens`, `class_indexes`)
//! use this view; every token keeps its offset in the source, which is where
//! puppet-lint puts its line and column.

use super::Compat;
use crate::puppet::lexer::{self, Token, TokenKind};

/// A token kind as puppet-lint's lexer names it (punctuation and keywords are
/// told apart by their text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintKind {
    /// Blanks (`WHITESPACE` or `INDENT`).
    Whitespace,
    /// A line break.
    Newline,
    /// `# ...`
    Comment,
    /// `/* ... */`
    MlComment,
    /// `// ...`
    SlashComment,
    /// A bare word (`NAME`), dashes allowed.
    Name,
    /// A name directly followed by `(`.
    FunctionName,
    /// A reserved word (`class`, `default`, `undef`, `type`...): its own kind in puppet-lint.
    Keyword,
    /// One of Puppet's data types (`String`, `Optional`...).
    Type,
    /// Any other capitalised reference.
    ClassRef,
    /// A number.
    Number,
    /// `$name` (value without the `$`, index included) or an interpolated name.
    Variable,
    /// `$name` inside a double-quoted string.
    UnencVariable,
    /// `'...'` (value: the content).
    SString,
    /// `"..."` without interpolation (value: the content).
    String,
    /// The text of a double-quoted string before its first interpolation.
    DqPre,
    /// Text between two interpolations.
    DqMid,
    /// The text after the last interpolation.
    DqPost,
    /// `/.../`
    Regex,
    /// `@(TAG)` (value: what is inside the parentheses)
    HeredocOpen,
    /// A heredoc's text without interpolation.
    Heredoc,
    /// A heredoc's text before its first interpolation.
    HeredocPre,
    /// A heredoc's text between interpolations.
    HeredocMid,
    /// A heredoc's text after its last interpolation.
    HeredocPost,
    /// An operator or punctuation (`LBRACE`, `FARROW`, `COLON`... by text).
    Punct,
}

impl LintKind {
    /// puppet-lint's formatting tokens (never a `next_code_token`).
    pub fn is_formatting(self) -> bool {
        matches!(
            self,
            LintKind::Whitespace | LintKind::Newline | LintKind::Comment | LintKind::MlComment | LintKind::SlashComment
        )
    }
}

/// One token of puppet-lint's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LintToken<'a> {
    /// Its kind.
    pub kind: LintKind,
    /// Its value as puppet-lint has it (a string's content, a variable's name...).
    pub value: &'a str,
    /// The byte offset where puppet-lint places it (its line and column).
    pub start: usize,
}

impl LintToken<'_> {
    /// Whether it is punctuation or a keyword written `text`.
    pub fn is(&self, text: &str) -> bool {
        matches!(self.kind, LintKind::Punct | LintKind::Keyword) && self.value == text
    }
}

/// puppet-lint's token list with its code-token links.
#[derive(Debug, Default)]
pub struct LintTokens<'a> {
    /// The tokens in order.
    pub tokens: Vec<LintToken<'a>>,
    next_code: Vec<Option<usize>>,
    prev_code: Vec<Option<usize>>,
}

impl<'a> LintTokens<'a> {
    /// puppet-lint's tokens for `src` (lexed by us as `tokens`), or where
    /// puppet-lint's lexer stops on it (it then reports a syntax error).
    pub fn new(src: &'a str, tokens: &[Token], compat: Compat) -> Result<Self, LexError> {
        let mut out = Vec::new();
        match slash_comments_as_hashes(src, tokens) {
            Some(patched) => convert_all(src, 0, &patched, &mut out)?,
            None => convert_all(src, 0, tokens, &mut out)?,
        }
        if compat == Compat::V5 {
            // puppet-lint 5's lexer knows more data types: a reference
            // starting with one of them is its TYPE token.
            for t in out.iter_mut().filter(|t| t.kind == LintKind::ClassRef) {
                let word = t.value.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next();
                if word.is_some_and(|w| LATER_TYPES.contains(&w)) {
                    t.kind = LintKind::Type;
                }
            }
        }
        let mut next_code = vec![None; out.len()];
        let mut prev_code = vec![None; out.len()];
        let mut last = None;
        for (i, t) in out.iter().enumerate() {
            prev_code[i] = last;
            if !t.kind.is_formatting() {
                last = Some(i);
            }
        }
        let mut next = None;
        for (i, t) in out.iter().enumerate().rev() {
            next_code[i] = next;
            if !t.kind.is_formatting() {
                next = Some(i);
            }
        }
        Ok(LintTokens {
            tokens: out,
            next_code,
            prev_code,
        })
    }

    /// The token at `i`.
    pub fn get(&self, i: usize) -> &LintToken<'a> {
        &self.tokens[i]
    }

    /// Whether token `i` is puppet-lint's INDENT: blanks right after a line
    /// break (its WHITESPACE otherwise).
    pub fn is_indent(&self, i: usize) -> bool {
        i > 0
            && self.tokens.get(i).is_some_and(|t| t.kind == LintKind::Whitespace)
            && self.tokens[i - 1].kind == LintKind::Newline
    }

    /// Whether token `i` is the punctuation `p` (false past the end).
    pub fn punct(&self, i: usize, p: &str) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind == LintKind::Punct && t.value == p)
    }

    /// The next token that is not formatting.
    pub fn next_code(&self, i: usize) -> Option<usize> {
        self.next_code.get(i).copied().flatten()
    }

    /// The previous token that is not formatting.
    pub fn prev_code(&self, i: usize) -> Option<usize> {
        self.prev_code.get(i).copied().flatten()
    }

    /// puppet-lint's `next_token_of(types)`: the first token after `i` that
    /// `wanted` accepts, stepping over whole `{}`, `[]` and `()` blocks.
    pub fn next_token_of(&self, i: usize, wanted: &dyn Fn(&LintToken) -> bool) -> Option<usize> {
        self.token_of(i, true, wanted)
    }

    /// puppet-lint's `prev_token_of(types)`: the same, backwards.
    pub fn prev_token_of(&self, i: usize, wanted: &dyn Fn(&LintToken) -> bool) -> Option<usize> {
        self.token_of(i, false, wanted)
    }

    fn token_of(&self, i: usize, forward: bool, wanted: &dyn Fn(&LintToken) -> bool) -> Option<usize> {
        let step = |j: usize| if forward { j.checked_add(1) } else { j.checked_sub(1) };
        let mut j = step(i)?;
        while j < self.tokens.len() {
            let t = &self.tokens[j];
            if wanted(t) {
                return Some(j);
            }
            let pairs = [("{", "}"), ("[", "]"), ("(", ")")];
            let close = pairs.iter().find_map(|&(open, close)| {
                let (from, to) = if forward { (open, close) } else { (close, open) };
                (t.kind == LintKind::Punct && t.value == from).then_some(to)
            });
            if let Some(close) = close {
                j = self.token_of(j, forward, &|t: &LintToken| {
                    t.kind == LintKind::Punct && t.value == close
                })?;
            }
            j = step(j)?;
        }
        None
    }
}

/// puppet-lint's data types (its `TYPE` token, matched before `CLASSREF`).
mod strings;

use strings::*;

const TYPES: [&str; 28] = [
    "Integer",
    "Float",
    "Boolean",
    "Regexp",
    "String",
    "Array",
    "Hash",
    "Resource",
    "Class",
    "Collection",
    "Scalar",
    "Numeric",
    "CatalogEntry",
    "Data",
    "Tuple",
    "Struct",
    "Optional",
    "NotUndef",
    "Variant",
    "Enum",
    "Pattern",
    "Any",
    "Callable",
    "Type",
    "Runtime",
    "Undef",
    "Default",
    "Sensitive",
];

/// The data types puppet-lint's lexer learnt after 3.0.1 (5.x knows these too).
const LATER_TYPES: [&str; 8] = [
    "Binary",
    "Error",
    "Iterable",
    "Iterator",
    "RichData",
    "ScalarData",
    "SemVer",
    "SemVerRange",
];

/// puppet-lint's reserved words.
const KEYWORDS: [&str; 21] = [
    "case", "class", "default", "define", "import", "if", "elsif", "else", "inherits", "node", "and", "or", "undef",
    "false", "true", "in", "unless", "function", "type", "attr", "private",
];

/// puppet-lint's punctuation, in the order its lexer tries them.
const PUNCT: [&str; 42] = [
    "[", "]", "{", "}", "(", ")", "==", "=~", "=>", "=", "+=", "+>", "+", ">=", ">>", ">", "<=", "<<|", "<-", "<~",
    "<|", "<<", "<", "!~", "!=", "!", "|>>", "|>", "->", "~>", "-", ",", ".", ":", ";", "?", "\\", "*", "%", "|", "/",
    "@",
];

/// Converts our tokens (lexed from `src[base..]`, spans relative to `base`)
/// into puppet-lint's, appending to `out`; `src` ends where puppet-lint's lexer
/// stops (an interpolation's end). `None`: puppet-lint's lexer fails. Where
/// puppet-lint's lexer and ours part ways (a `//` comment, a string that ends
/// elsewhere), the rest is lexed again from there.
fn convert_all<'a>(src: &'a str, base: usize, tokens: &[Token], out: &mut Vec<LintToken<'a>>) -> Result<(), LexError> {
    // The tokens of this lexer (an interpolation's has its own).
    let this = Lexer { first: out.len(), base };
    let mut next = convert(src, base, tokens, out, this)?;
    while let Some(at) = next {
        let lexed = lexer::lex(&src[at..]);
        next = convert(src, at, &lexed.tokens, out, this)?;
    }
    Ok(())
}

/// Where puppet-lint's lexer stops: a byte offset, its lexer's start (an
/// interpolation is lexed on its own, and counts lines and columns from its
/// start) and the reason it gives, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexError {
    /// The offending character.
    pub at: usize,
    /// Where the lexer that stopped started.
    pub base: usize,
    /// `unterminated string`, or nothing.
    pub reason: Option<&'static str>,
}

impl LexError {
    /// Line and column as puppet-lint reports them (counted from `base`).
    pub fn line_col(&self, src: &str) -> (usize, usize) {
        let text = src.get(self.base..self.at).unwrap_or("");
        let line = 1 + text.matches('\n').count();
        let last = text.rfind('\n').map_or(text, |k| &text[k + 1..]);
        (line, last.chars().count() + 1)
    }
}

/// One lexer's place in the output.
#[derive(Clone, Copy)]
struct Lexer {
    /// Its first token in the output.
    first: usize,
    /// Its first byte in the source.
    base: usize,
}

/// The end of a regex opened by the `/` at `start`: after the next `/` not
/// escaped by a backslash.
fn regex_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'/' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// puppet-lint's `possible_regex?`: a `/` starts a regex only first or after
/// `node`, `if`, `elsif`, `{`, `}`, `[`, `(`, `,`, `=`, `=~`, `!~`.
fn regex_allowed(before: &[LintToken]) -> bool {
    before.iter().rev().find(|t| !t.kind.is_formatting()).is_none_or(|t| {
        matches!(
            (t.kind, t.value),
            (LintKind::Keyword, "node" | "if" | "elsif")
                | (LintKind::Punct, "{" | "}" | "[" | "(" | "," | "=" | "=~" | "!~")
        )
    })
}

/// Whether a token of ours starts a `//` comment for puppet-lint.
fn starts_slash_comment(src: &[u8], t: &Token) -> bool {
    let at = t.span.start as usize;
    matches!(t.kind, TokenKind::Regex | TokenKind::Punct) && src.get(at..at + 2) == Some(b"//")
}

/// Our tokens for `src` with puppet-lint's `//` comments lexed as `#` ones (the
/// same length: spans stay valid), or `None` when there are none (or when
/// finding them does not settle; [`convert`] then lexes again after each).
/// Each round writes `##` over every `//` our lexer sees in code and undoes
/// those that an earlier comment's end moved into a string, until the `//`s
/// in code and the comments agree.
fn slash_comments_as_hashes(src: &str, tokens: &[Token]) -> Option<Vec<Token>> {
    let mut text = src.as_bytes().to_vec();
    let mut lexed = tokens.to_vec();
    let mut comments = std::collections::BTreeSet::new();
    for _ in 0..16 {
        let found: Vec<usize> = lexed
            .iter()
            .filter(|t| starts_slash_comment(&text, t))
            .map(|t| t.span.start as usize)
            .collect();
        let is_comment = |at: usize| {
            lexed
                .binary_search_by_key(&at, |t| t.span.start as usize)
                .is_ok_and(|i| lexed[i].kind == TokenKind::Comment)
        };
        let wrong: Vec<usize> = comments.iter().copied().filter(|&at| !is_comment(at)).collect();
        if found.is_empty() && wrong.is_empty() {
            return (!comments.is_empty()).then_some(lexed);
        }
        for at in found {
            text[at..at + 2].copy_from_slice(b"##");
            comments.insert(at);
        }
        for at in wrong {
            text[at..at + 2].copy_from_slice(b"//");
            comments.remove(&at);
        }
        lexed = lexer::lex(std::str::from_utf8(&text).ok()?).tokens;
    }
    None
}

/// One stretch of [`convert_all`]: `Some(Some(at))` asks to lex again from `at`.
fn convert<'a>(
    src: &'a str,
    base: usize,
    tokens: &[Token],
    out: &mut Vec<LintToken<'a>>,
    lx: Lexer,
) -> Result<Option<usize>, LexError> {
    let fail = |at: usize| LexError {
        at,
        base: lx.base,
        reason: None,
    };
    let b = src.as_bytes();
    // Where puppet-lint's lexer has got to: our tokens before it are covered.
    let mut consumed = base;
    // Heredoc bodies follow their openers in order.
    let (opens_from, mut bodies) = (out.len(), 0);
    for t in tokens {
        let (start, end) = (base + t.span.start as usize, base + t.span.end as usize);
        if start < consumed {
            if end <= consumed {
                continue;
            }
            // puppet-lint's token ends inside ours: lex the rest again from there.
            return Ok(Some(consumed));
        }
        let text = &src[start..end];
        let push =
            |out: &mut Vec<LintToken<'a>>, kind, value: &'a str, at| out.push(LintToken { kind, value, start: at });
        match t.kind {
            TokenKind::Whitespace => push(out, LintKind::Whitespace, text, start),
            TokenKind::Newline => push(out, LintKind::Newline, text, start),
            TokenKind::Comment if text.starts_with("//") => {
                let eol = src[start..].find(['\r', '\n']).map_or(src.len(), |k| start + k);
                push(out, LintKind::SlashComment, &src[start + 2..eol], start);
                consumed = eol;
                continue;
            }
            TokenKind::Comment => push(out, LintKind::Comment, &text[1..], start),
            TokenKind::MlComment if text.len() < 4 || !text.ends_with("*/") => {
                // Not closed: puppet-lint reads a regex up to the next `/` where
                // one may start, else a `/`, and lexes on.
                match regex_end(b, start).filter(|_| regex_allowed(&out[lx.first..])) {
                    Some(e) => {
                        push(out, LintKind::Regex, &src[start + 1..e - 1], start);
                        return Ok(Some(e));
                    }
                    None => {
                        push(out, LintKind::Punct, "/", start);
                        return Ok(Some(start + 1));
                    }
                }
            }
            TokenKind::MlComment => push(out, LintKind::MlComment, text, start),
            TokenKind::Regex | TokenKind::Punct if text.starts_with('/') && b.get(start + 1) == Some(&b'/') => {
                // puppet-lint reads `//` to the end of the line as a comment.
                let eol = src[start..].find(['\r', '\n']).map_or(src.len(), |k| start + k);
                push(out, LintKind::SlashComment, &src[start + 2..eol], start);
                return Ok(Some(eol));
            }
            TokenKind::Regex if !regex_allowed(&out[lx.first..]) => {
                // puppet-lint reads a regex after fewer tokens than Puppet: a `/` then.
                push(out, LintKind::Punct, "/", start);
                return Ok(Some(start + 1));
            }
            TokenKind::Regex => push(out, LintKind::Regex, &text[1..text.len() - 1], start),
            TokenKind::Variable => {
                let name_len = super::lint_variable_len(&b[start + 1..]);
                if name_len == 0 {
                    return Err(fail(start));
                }
                let end = start + 1 + name_len;
                let end = end + variable_index_len(src, end);
                push(out, LintKind::Variable, &src[start + 1..end], start);
                consumed = end;
                continue;
            }
            TokenKind::Name | TokenKind::Word => {
                // puppet-lint's NAME takes dashes and capitals: `[_a-z0-9][-\w]*`.
                let after_colons = start + if text.starts_with("::") { 2 } else { 0 };
                let end = word_end(b, after_colons + 1, |c| c.is_ascii_lowercase() || c.is_ascii_digit()).max(end);
                let text = &src[start..end];
                let kind = if b.get(end) == Some(&b'(') {
                    LintKind::FunctionName
                } else if KEYWORDS.contains(&text) {
                    LintKind::Keyword
                } else {
                    LintKind::Name
                };
                push(out, kind, text, start);
                consumed = end;
                continue;
            }
            TokenKind::ClassRef => {
                let word_end_at = text
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(text.len());
                let (kind, end) = if TYPES.contains(&&text[..word_end_at]) {
                    (LintKind::Type, end)
                } else {
                    // `((::)?[A-Z][-\w]*)+`: dashes too.
                    let after_colons = start + if text.starts_with("::") { 2 } else { 0 };
                    let e = word_end(b, after_colons + 1, |c| c.is_ascii_uppercase()).max(end);
                    (LintKind::ClassRef, e)
                };
                push(out, kind, &src[start..end], start);
                consumed = end;
                continue;
            }
            // `7zip` is a name to puppet-lint: its NUMBER must end at a word boundary.
            TokenKind::Number if !is_lint_number(text) => push(out, LintKind::Name, text, start),
            TokenKind::Number => push(out, LintKind::Number, text, start),
            TokenKind::SqString => {
                if text.len() < 2 || !text.ends_with('\'') || text[1..text.len() - 1].ends_with_odd_backslashes() {
                    return Err(fail(start));
                }
                push(out, LintKind::SString, &text[1..text.len() - 1], start);
            }
            TokenKind::DqString => {
                let close = slurp(src, start + 1, src.len(), false, out).map_err(|e| LexError {
                    base: if e.base == usize::MAX { lx.base } else { e.base },
                    ..e
                })?;
                if close != end {
                    return Ok(Some(close));
                }
            }
            TokenKind::HeredocOpen => push(out, LintKind::HeredocOpen, &text[2..text.len() - 1], start),
            TokenKind::HeredocBody => {
                // The body as a code token; the end tag's line break stays a NEWLINE.
                let (body_end, nl) = match text.strip_suffix('\n') {
                    Some(s) => (start + s.len(), true),
                    None => (end, false),
                };
                let open = out[opens_from..]
                    .iter()
                    .filter(|t| t.kind == LintKind::HeredocOpen)
                    .nth(bodies)
                    .map(|t| t.value);
                bodies += 1;
                let interpolates = open.is_some_and(|v| v.starts_with('"'));
                let lines_end = src[start..body_end].rfind('\n').map_or(start, |k| start + k + 1);
                let tag = open.and_then(|v| lexer::heredoc_tag(&format!("@({v})")));
                // puppet-lint's end line `^\|?\s*-?\s*TAG$`; without one it
                // reads to the end and makes no token.
                let end_line = src[lines_end..body_end].trim_end_matches('\r').trim_start();
                let end_line = end_line.strip_prefix('|').unwrap_or(end_line).trim_start();
                let end_line = end_line.strip_prefix('-').unwrap_or(end_line).trim_start();
                if tag.is_none_or(|tag| end_line != tag) {
                    consumed = end;
                    continue;
                }
                if interpolates {
                    slurp(src, start, lines_end, true, out)?;
                } else {
                    push(out, LintKind::Heredoc, &src[start..lines_end], start);
                }
                if nl {
                    push(out, LintKind::Newline, "\n", body_end);
                }
            }
            TokenKind::Punct => {
                let mut at = start;
                while at < end {
                    let p = PUNCT.iter().find(|p| src[at..end].starts_with(**p)).ok_or(fail(at))?;
                    push(out, LintKind::Punct, &src[at..at + p.len()], at);
                    at += p.len();
                }
            }
            TokenKind::Other => return Err(fail(start)),
        }
        consumed = end;
    }
    Ok(None)
}

/// The end of `[-\w]*(::F[-\w]*)*` from `at`, `F` being `first`.
fn word_end(b: &[u8], mut at: usize, first: fn(u8) -> bool) -> usize {
    let w = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    at = at.min(b.len());
    loop {
        while at < b.len() && w(b[at]) {
            at += 1;
        }
        if b[at..].starts_with(b"::") && b.get(at + 2).is_some_and(|&c| first(c)) {
            at += 3;
        } else {
            return at;
        }
    }
}

/// Whether all of `text` is puppet-lint's NUMBER:
/// `0[xX][0-9A-Fa-f]+|0?\d+(\.\d+)?([eE]-?\d+)?`.
fn is_lint_number(text: &str) -> bool {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return !hex.is_empty() && hex.bytes().all(|c| c.is_ascii_hexdigit());
    }
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let mut rest = text;
    let n = digits(rest);
    if n == 0 {
        return false;
    }
    rest = &rest[n..];
    if let Some(r) = rest.strip_prefix('.') {
        let n = digits(r);
        if n == 0 {
            return false;
        }
        rest = &r[n..];
    }
    if let Some(r) = rest.strip_prefix(['e', 'E']) {
        let r = r.strip_prefix('-').unwrap_or(r);
        let n = digits(r);
        if n == 0 {
            return false;
        }
        rest = &r[n..];
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(LintKind, &str)> {
        let lexed = lexer::lex(src);
        let lt = LintTokens::new(src, &lexed.tokens, Compat::V3).expect("lexes");
        lt.tokens
            .iter()
            .filter(|t| !t.kind.is_formatting())
            .map(|t| (t.kind, t.value))
            .collect()
    }

    #[test]
    fn strings_are_split_as_puppet_lint_does() {
        use LintKind::*;
        assert_eq!(
            kinds(r#"$a = "x${b['c']}y$d-e""#),
            vec![
                (Variable, "a"),
                (Punct, "="),
                (DqPre, "x"),
                (Variable, "b"),
                (Punct, "["),
                (SString, "c"),
                (Punct, "]"),
                (DqMid, "y"),
                (UnencVariable, "d-e"),
                (DqPost, ""),
            ]
        );
        assert_eq!(kinds(r#""a\"b\\""#), vec![(String, r#"a\"b\\"#)]);
        assert_eq!(kinds(r#""\${x}""#), vec![(String, r#"\${x}"#)]);
    }

    #[test]
    fn variables_keep_their_index_and_names_their_kind() {
        use LintKind::*;
        assert_eq!(
            kinds("foo($x['a'][1]) if String // c\n/r/"),
            vec![
                (FunctionName, "foo"),
                (Punct, "("),
                (Variable, "x['a'][1]"),
                (Punct, ")"),
                (Keyword, "if"),
                (Type, "String"),
                (Punct, "/"),
                (Name, "r"),
                (Punct, "/"),
            ]
        );
    }

    #[test]
    fn lexer_state_follows_puppet_lint() {
        use LintKind::*;
        // A regex only where puppet-lint expects one; `//` comments to the line end.
        assert_eq!(
            kinds("default /a/ // b 'c\n$d"),
            vec![
                (Keyword, "default"),
                (Punct, "/"),
                (Name, "a"),
                (Punct, "/"),
                (Variable, "d")
            ]
        );
        // An unclosed `/*` after a comma is a regex up to the next `/`.
        assert_eq!(
            kinds("f(1, /* x /, 2)"),
            vec![
                (FunctionName, "f"),
                (Punct, "("),
                (Number, "1"),
                (Punct, ","),
                (Regex, "* x "),
                (Punct, ","),
                (Number, "2"),
                (Punct, ")")
            ]
        );
        // puppet-lint's NAME takes dashes; `7zip` is no number.
        assert_eq!(kinds("7zip foo-bar"), vec![(Name, "7zip"), (Name, "foo-bar")]);
    }

    #[test]
    fn lexer_errors_give_nothing() {
        let lexed = lexer::lex("$a = `x`");
        assert!(LintTokens::new("$a = `x`", &lexed.tokens, Compat::V3).is_err());
        let lexed = lexer::lex("$a = \"x");
        assert!(LintTokens::new("$a = \"x", &lexed.tokens, Compat::V3).is_err());
    }
}
