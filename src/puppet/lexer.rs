//! A lossless view of a manifest: every byte belongs to exactly one token, trivia
//! (blanks, newlines, comments) included, so later checks (puppet-lint's are token
//! based) read positions and spacing without lexing again.
//!
//! It also finds heredoc bodies. Puppet's lexer reads a heredoc's text from the
//! line after `@(TAG)`, and a second heredoc opened on the same line continues
//! after the first one's end tag; a PEG cannot jump like that, so the bodies are
//! recorded here and blanked in the text the grammar sees (offsets stay true).

use crate::diagnostic::Span;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Spaces, tabs, carriage returns.
    Whitespace,
    /// One `\n`.
    Newline,
    /// `# ...` up to the end of the line.
    Comment,
    /// `/* ... */`
    MlComment,
    /// `$name`
    Variable,
    /// A lower-case name (or keyword).
    Name,
    /// A bare word that is not a name (`foo-bar`, `_x`): a string to Puppet.
    Word,
    /// A capitalised reference (`File`).
    ClassRef,
    /// A number.
    Number,
    /// `'...'`
    SqString,
    /// `"..."`, interpolations included.
    DqString,
    /// `/.../` in operand position.
    Regex,
    /// `@(TAG...)`
    HeredocOpen,
    /// The lines of a heredoc, its end tag line included.
    HeredocBody,
    /// An operator or punctuation.
    Punct,
    /// Anything Puppet's lexer would not accept.
    Other,
}

impl TokenKind {
    /// Whether the token is whitespace, a newline or a comment.
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            TokenKind::Whitespace
                | TokenKind::Newline
                | TokenKind::Comment
                | TokenKind::MlComment
                | TokenKind::HeredocBody
        )
    }
}

/// One token: its kind and bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}

/// A heredoc found in the source: the opener and its raw lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeredocBody {
    /// The `@(...)` opener.
    pub open: Span,
    /// The text lines (each with its line break), end tag line excluded.
    pub lines: Span,
    /// The whole body, end tag line included.
    pub body: Span,
    /// The blanks before the end tag's `|`, `-` or tag.
    pub leading: String,
    /// Whether the end tag line had a `|` margin marker.
    pub has_margin: bool,
    /// Whether the end tag line had `-` (remove the last line break).
    pub remove_break: bool,
}

/// The result of lexing a manifest.
#[derive(Debug, Default)]
pub struct Lexed {
    /// Every token in order; their spans tile the source.
    pub tokens: Vec<Token>,
    /// The heredocs, in the order of their openers.
    pub heredocs: Vec<HeredocBody>,
}

const MULTI_PUNCT: [&str; 21] = [
    "<<|", "|>>", "->", "~>", "<-", "<~", "==", "!=", "=~", "!~", ">=", "<=", "=>", "+>", "+=", "-=", "<<", ">>", "<|",
    "|>", "@@",
];

struct Pending {
    open: Span,
    tag: String,
}

/// Lexes `src` into tokens and heredoc bodies.
const KEYWORDS: [&str; 20] = [
    "case", "class", "default", "define", "if", "elsif", "else", "inherits", "node", "and", "or", "undef", "false",
    "true", "in", "unless", "function", "type", "attr", "private",
];

/// Whether `word` is one of Puppet's keywords.
/// A string token's text without its quotes (one left open at the end of the
/// file has only its opening quote).
pub fn unquote(text: &str) -> &str {
    let mut chars = text.chars();
    let Some(q) = chars.next() else { return text };
    let rest = chars.as_str();
    rest.strip_suffix(q).unwrap_or(rest)
}

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

pub fn lex(src: &str) -> Lexed {
    let b = src.as_bytes();
    let mut out = Lexed::default();
    let mut pending: Vec<Pending> = Vec::new();
    let mut last_sig: Option<(TokenKind, usize, usize)> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let kind = match c {
            b'\n' => {
                i += 1;
                out.tokens.push(Token {
                    kind: TokenKind::Newline,
                    span: Span::new(start, i),
                });
                // Heredocs opened on the line just ended: their bodies follow, one after
                // the other, in the order they were opened.
                if !pending.is_empty() {
                    for p in pending.drain(..) {
                        let (body, next) = heredoc_body(src, i, p);
                        out.tokens.push(Token {
                            kind: TokenKind::HeredocBody,
                            span: body.body,
                        });
                        out.heredocs.push(body);
                        i = next;
                    }
                }
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r') {
                    i += 1;
                }
                TokenKind::Whitespace
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                TokenKind::Comment
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = src[i + 2..].find("*/").map(|k| i + 2 + k + 2).unwrap_or(b.len());
                TokenKind::MlComment
            }
            b'/' if regex_acceptable(src, last_sig) => match regex_end(b, i) {
                Some(end) => {
                    i = end;
                    TokenKind::Regex
                }
                None => {
                    i += 1;
                    TokenKind::Punct
                }
            },
            b'\'' => {
                i = quoted_end(b, i, b'\'');
                TokenKind::SqString
            }
            b'"' => {
                i = dq_end(b, i);
                TokenKind::DqString
            }
            b'@' if b.get(i + 1) == Some(&b'(') => match src[i..].find(')') {
                Some(k) if !src[i..i + k].contains('\n') => {
                    i += k + 1;
                    if let Some(tag) = heredoc_tag(&src[start..i]) {
                        pending.push(Pending {
                            open: Span::new(start, i),
                            tag,
                        });
                    }
                    TokenKind::HeredocOpen
                }
                _ => {
                    i += 1;
                    TokenKind::Punct
                }
            },
            b'$' => {
                i += 1 + var_name_len(&b[i + 1..]);
                TokenKind::Variable
            }
            b'0'..=b'9' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                        i += 1;
                    }
                }
                if matches!(b.get(i - 1), Some(b'e' | b'E')) && b.get(i) == Some(&b'-') {
                    i += 1;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                TokenKind::Number
            }
            b'a'..=b'z' | b'_' => {
                i += bare_word_len(&b[i..]);
                if is_name(&src[start..i]) {
                    TokenKind::Name
                } else {
                    TokenKind::Word
                }
            }
            b':' if b.get(i + 1) == Some(&b':')
                && b.get(i + 2).is_some_and(|c| c.is_ascii_lowercase() || *c == b'_') =>
            {
                i += bare_word_len(&b[i..]);
                if is_name(&src[start..i]) {
                    TokenKind::Name
                } else {
                    TokenKind::Word
                }
            }
            b'A'..=b'Z' => {
                i += classref_len(&b[i..]);
                TokenKind::ClassRef
            }
            b':' if b.get(i + 1) == Some(&b':') && b.get(i + 2).is_some_and(u8::is_ascii_uppercase) => {
                i += classref_len(&b[i..]);
                TokenKind::ClassRef
            }
            _ if c >= 0x80 => {
                let ch = src[i..].chars().next().unwrap_or(' ');
                i += ch.len_utf8();
                if is_unicode_blank(ch) {
                    TokenKind::Whitespace
                } else {
                    TokenKind::Other
                }
            }
            _ => {
                let rest = &src[i..];
                let len = MULTI_PUNCT
                    .iter()
                    .find(|p| rest.starts_with(**p))
                    .map(|p| p.len())
                    .unwrap_or(1);
                i += len;
                if c.is_ascii_punctuation() {
                    TokenKind::Punct
                } else {
                    TokenKind::Other
                }
            }
        };
        out.tokens.push(Token {
            kind,
            span: Span::new(start, i),
        });
        if !kind.is_trivia() {
            last_sig = Some((kind, start, i));
        }
    }
    // Heredocs opened on the last line have no body; Puppet reports that.
    out
}

/// The first error Puppet's lexer would stop at: an unclosed quote or comment, or
/// a heredoc without its end line. `(offset, message)` in Puppet's wording.
pub fn first_lex_error(src: &str) -> Option<(usize, String)> {
    first_lex_error_in(&lex(src), src)
}

/// [`first_lex_error`] over tokens already lexed from `src`.
pub fn first_lex_error_in(lexed: &Lexed, src: &str) -> Option<(usize, String)> {
    for t in &lexed.tokens {
        let text = &src[t.span.range()];
        let start = t.span.start as usize;
        match t.kind {
            TokenKind::MlComment if !text.ends_with("*/") || text.len() < 4 => {
                return Some((start, "Unclosed multiline comment".to_string()))
            }
            TokenKind::SqString if !closes(text, '\'') => {
                return Some((start + 1, unclosed_quote(src, start + 1, "'")))
            }
            TokenKind::DqString => {
                if let Err((pos, after)) = scan_dq(src.as_bytes(), start) {
                    return Some((pos, unclosed_quote(src, pos, &after)));
                }
            }
            _ => {}
        }
    }
    for h in &lexed.heredocs {
        if h.lines == h.body && h.body.end as usize == src.len() {
            return Some((h.lines.start as usize, "Heredoc without end-tagged line".to_string()));
        }
    }
    None
}

fn closes(text: &str, q: char) -> bool {
    text.len() >= 2 && text.ends_with(q) && {
        let inner = &text[1..text.len() - 1];
        inner.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 0
    }
}

/// Puppet's `Unclosed quote after X followed by Y` message.
fn unclosed_quote(src: &str, pos: usize, after: &str) -> String {
    let rest = &src[pos.min(src.len())..];
    let followed = if rest.is_empty() {
        "<eof>".to_string()
    } else {
        let five: String = rest.chars().take(5).collect();
        format!("{five}...")
            .replace('\t', "\\t")
            .replace('\n', "\\n")
            .replace('\r', "\\r")
    };
    let after = if after == "'" {
        "\"'\"".to_string()
    } else {
        format!("'{after}'")
    };
    format!("Unclosed quote after {after} followed by '{followed}'")
}

/// Scans a double-quoted string at `start` as Puppet does; on an unclosed quote,
/// where the lexer stopped and the text it matched last.
fn scan_dq(b: &[u8], start: usize) -> Result<usize, (usize, String)> {
    let mut i = start + 1;
    let mut resume = i;
    let mut last = "\"".to_string();
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            b'$' if b.get(i + 1) == Some(&b'{') => {
                let mut depth = 1;
                i += 2;
                while i < b.len() && depth > 0 {
                    match b[i] {
                        b'{' => depth += 1,
                        b'}' => depth -= 1,
                        b'"' => {
                            i = scan_dq(b, i)?;
                            continue;
                        }
                        b'\'' => {
                            let end = quoted_end(b, i, b'\'');
                            if end >= b.len() && !(end - i >= 2 && b[end - 1] == b'\'') {
                                return Err((i + 1, "'".to_string()));
                            }
                            i = end;
                            continue;
                        }
                        _ => {}
                    }
                    i += 1;
                }
                resume = i;
                last = "}".to_string();
            }
            b'$' => {
                let n = var_name_len(&b[i + 1..]);
                if n > 0 {
                    last = String::from_utf8_lossy(&b[i + 1..i + 1 + n]).into_owned();
                    i += 1 + n;
                    resume = i;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    Err((resume, last))
}

/// Whether a `/` at this point starts a regex (Puppet's `regexp_acceptable?`).
fn regex_acceptable(src: &str, last: Option<(TokenKind, usize, usize)>) -> bool {
    match last {
        None => true,
        Some((kind, s, e)) => match kind {
            TokenKind::Name => is_keyword(&src[s..e]) && !matches!(&src[s..e], "true" | "false"),
            TokenKind::Word
            | TokenKind::ClassRef
            | TokenKind::Number
            | TokenKind::SqString
            | TokenKind::DqString
            | TokenKind::HeredocOpen
            | TokenKind::Regex
            | TokenKind::Variable => false,
            TokenKind::Punct => !matches!(&src[s..e], ")" | "]" | "|>" | "|>>"),
            _ => true,
        },
    }
}

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

fn quoted_end(b: &[u8], start: usize, q: u8) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The end of a double-quoted string, stepping over `${...}` with nested strings
/// (the end of the input when it is not closed).
fn dq_end(b: &[u8], start: usize) -> usize {
    scan_dq(b, start).unwrap_or(b.len())
}

/// Length of `(::)?(\w+::)*\w+` at the start of `b` (0 when none).
pub fn var_name_len(b: &[u8]) -> usize {
    let w = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    if b.starts_with(b"::") && b.get(2).is_some_and(|&c| w(c)) {
        i = 2;
    }
    let mut last_good = 0;
    loop {
        let s = i;
        while i < b.len() && w(b[i]) {
            i += 1;
        }
        if i == s {
            break;
        }
        last_good = i;
        if b[i..].starts_with(b"::") && b.get(i + 2).is_some_and(|&c| w(c)) {
            i += 2;
        } else {
            break;
        }
    }
    last_good
}

fn bare_word_len(b: &[u8]) -> usize {
    let w = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    loop {
        let seg_start = if b[i..].starts_with(b"::") { i + 2 } else { i };
        if !b.get(seg_start).is_some_and(|&c| c.is_ascii_lowercase() || c == b'_') {
            return i;
        }
        let mut j = seg_start + 1;
        loop {
            if j < b.len() && w(b[j]) {
                j += 1;
            } else if j < b.len() && b[j] == b'-' {
                let mut k = j;
                while k < b.len() && b[k] == b'-' {
                    k += 1;
                }
                if k < b.len() && w(b[k]) {
                    j = k;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        i = j;
        if !b[i..].starts_with(b"::") {
            return i;
        }
    }
}

fn classref_len(b: &[u8]) -> usize {
    let mut i = 0;
    loop {
        let s = if b[i..].starts_with(b"::") { i + 2 } else { i };
        if !b.get(s).is_some_and(u8::is_ascii_uppercase) {
            return i.max(1);
        }
        i = s + 1;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
    }
}

/// Whether a bare word is a NAME (segments start with a-z, no dashes).
pub fn is_name(word: &str) -> bool {
    let w = word.strip_prefix("::").unwrap_or(word);
    !w.is_empty()
        && w.split("::").all(|seg| {
            let mut cs = seg.bytes();
            cs.next().is_some_and(|c| c.is_ascii_lowercase()) && cs.all(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
}

/// Whether `ch` is a blank Puppet skips (`[[:blank:]]`).
pub fn is_unicode_blank(ch: char) -> bool {
    matches!(
        ch,
        '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// The end tag of a heredoc opener `@(TAG:syntax/escapes)`, without quotes.
pub fn heredoc_tag(open: &str) -> Option<String> {
    let inner = open.strip_prefix("@(")?.strip_suffix(')')?;
    let tag = inner.split([':', '/']).next()?.trim();
    let tag = tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .map(str::trim)
        .unwrap_or(tag);
    (!tag.is_empty()).then(|| tag.to_string())
}

/// Reads a heredoc body starting at `from`; returns it and where lexing resumes.
fn heredoc_body(src: &str, from: usize, p: Pending) -> (HeredocBody, usize) {
    let mut pos = from;
    while pos < src.len() {
        let line_end = src[pos..].find('\n').map(|k| pos + k + 1).unwrap_or(src.len());
        let line = &src[pos..line_end];
        if let Some((leading, has_margin, remove_break)) = end_tag_line(line, &p.tag) {
            let body = HeredocBody {
                open: p.open,
                lines: Span::new(from, pos),
                body: Span::new(from, line_end),
                leading,
                has_margin,
                remove_break,
            };
            return (body, line_end);
        }
        pos = line_end;
    }
    // No end tag: the body runs to the end; the parser reports it.
    let body = HeredocBody {
        open: p.open,
        lines: Span::new(from, src.len()),
        body: Span::new(from, src.len()),
        leading: String::new(),
        has_margin: false,
        remove_break: false,
    };
    (body, src.len())
}

/// Puppet's end line pattern, `[blank]*(|[blank]*)?(-[blank]*)?TAG[blank]*\r?(\n|\z)`,
/// searched (not anchored) in one line: `(leading, margin, remove_break)`.
fn end_tag_line(line: &str, tag: &str) -> Option<(String, bool, bool)> {
    let body = line.strip_suffix('\n').unwrap_or(line);
    let body = body.strip_suffix('\r').unwrap_or(body);
    let trimmed = body.trim_end_matches(|c: char| c == ' ' || c == '\t' || is_unicode_blank(c));
    let before = trimmed.strip_suffix(tag)?;
    let is_blank = |c: char| c == ' ' || c == '\t' || is_unicode_blank(c);
    let mut rest = before.trim_end_matches(is_blank);
    let mut remove_break = false;
    let mut has_margin = false;
    if let Some(r) = rest.strip_suffix('-') {
        remove_break = true;
        rest = r.trim_end_matches(is_blank);
    }
    if let Some(r) = rest.strip_suffix('|') {
        has_margin = true;
        rest = r;
    } else if remove_break {
        // `-` without `|`: the blanks between them belong to `leading`.
        rest = before.trim_end_matches(is_blank).strip_suffix('-').unwrap_or(rest);
    } else {
        rest = before;
    }
    let leading_start = rest.trim_end_matches(is_blank).len();
    Some((rest[leading_start..].to_string(), has_margin, remove_break))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_tile_the_source() {
        let src = "class a { $x = \"${y} z\" # c\n  file { '/x': mode => 0644 } }\n";
        let lexed = lex(src);
        let mut at = 0;
        for t in &lexed.tokens {
            assert_eq!(t.span.start as usize, at);
            at = t.span.end as usize;
        }
        assert_eq!(at, src.len());
    }

    #[test]
    fn two_heredocs_on_one_line() {
        let src = "notice(@(A), @(B))\na\n|A\nb\n|-B\nnotice(1)\n";
        let lexed = lex(src);
        assert_eq!(lexed.heredocs.len(), 2);
        assert_eq!(&src[lexed.heredocs[0].lines.range()], "a\n");
        assert_eq!(&src[lexed.heredocs[1].lines.range()], "b\n");
        assert!(lexed.heredocs[1].remove_break);
    }

    #[test]
    fn end_tag_forms() {
        assert_eq!(end_tag_line("  | END\n", "END"), Some(("  ".into(), true, false)));
        assert_eq!(end_tag_line("  |- END\n", "END"), Some(("  ".into(), true, true)));
        assert_eq!(end_tag_line("END", "END"), Some(("".into(), false, false)));
        assert_eq!(end_tag_line("  - END \n", "END"), Some(("  ".into(), false, true)));
        assert_eq!(end_tag_line("the END\n", "END"), Some((" ".into(), false, false)));
        assert_eq!(end_tag_line("ENDING\n", "END"), None);
    }
}
