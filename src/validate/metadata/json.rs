//! JSON as Ruby's `JSON.parse` (json 2.6) reads it, with every value's place.
//!
//! serde_json parses; Ruby's parser also takes comments (`/* … */`, and
//! `// …` ending in a newline), any character escaped with a backslash
//! (`\'` is `'`), surrogate escapes that are not pairs, and numbers too large
//! for a float, and it refuses nesting deeper than 100. So the text is first
//! made into JSON serde_json reads the same way: comments become spaces, a
//! lone escape becomes a `\u` one (the only change of length, undone when
//! places are reported), a surrogate escape Ruby takes becomes one serde_json
//! takes, and a number out of range becomes 0 padded with spaces. A small
//! scanner then finds where each key and value is.
use crate::diagnostic::{Diagnostic, Span};
use serde_json::Value;
use std::ops::Range;

/// Ruby's `JSON.parse` default `max_nesting`.
const MAX_NESTING: usize = 100;

/// A parsed document.
pub(super) struct Document {
    text: String,
    value: Value,
    node: Node,
    edits: Vec<Edit>,
}

/// An escape rewritten at `original` of the user's text, `compat` of ours.
struct Edit {
    compat: Range<usize>,
    original: Range<usize>,
}

/// Where a value is, and where its parts are.
pub(super) struct Node {
    pub(super) span: Span,
    pub(super) kind: Kind,
}

pub(super) enum Kind {
    Object(Vec<MemberNode>),
    Array(Vec<Node>),
    Scalar,
}

pub(super) struct MemberNode {
    pub(super) key: String,
    pub(super) key_span: Span,
    pub(super) value: Node,
}

/// Why the text is not JSON, and where.
pub(super) struct SyntaxError {
    pub(super) span: Span,
    pub(super) message: String,
}

impl Document {
    pub(super) fn parse(original: &str) -> Result<Document, SyntaxError> {
        let (text, edits) = compatible(original);
        let mut doc = Document {
            text,
            value: Value::Null,
            node: Node {
                span: Span::default(),
                kind: Kind::Scalar,
            },
            edits,
        };
        match serde_json::from_str::<Value>(&doc.text) {
            Ok(value) => doc.value = value,
            Err(e) => {
                let at = if e.is_eof() {
                    doc.text.len()
                } else {
                    offset_of(&doc.text, e.line(), e.column())
                };
                let at = doc.original_offset(at);
                let mut at = at.min(original.len());
                while !original.is_char_boundary(at) {
                    at -= 1;
                }
                let end = original[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                let message = e.to_string();
                let message = match message.rfind(" at line ") {
                    Some(i) => message[..i].to_string(),
                    None => message,
                };
                return Err(SyntaxError {
                    span: Span::new(at, end),
                    message,
                });
            }
        }
        let mut scanner = Scanner { text: &doc.text, at: 0 };
        match scanner.value(0) {
            Ok(node) => doc.node = node,
            Err(at) => {
                let at = doc.original_offset(at);
                return Err(SyntaxError {
                    span: Span::new(at, at + 1),
                    message: format!(
                        "arrays and objects nest more than {MAX_NESTING} deep, which Ruby's JSON parser refuses"
                    ),
                });
            }
        }
        Ok(doc)
    }

    pub(super) fn root(&self) -> super::At<'_> {
        super::At {
            value: &self.value,
            node: &self.node,
            text: &self.text,
        }
    }

    /// `d` with its places in the user's text.
    pub(super) fn to_original(&self, mut d: Diagnostic) -> Diagnostic {
        if self.edits.is_empty() {
            return d;
        }
        let map = |s: Span| {
            Span::new(
                self.original_offset(s.start as usize),
                self.original_offset(s.end as usize),
            )
        };
        d.span = d.span.map(map);
        for label in &mut d.labels {
            label.span = map(label.span);
        }
        d
    }

    fn original_offset(&self, at: usize) -> usize {
        let mut shift = 0isize;
        for e in &self.edits {
            if at >= e.compat.end {
                shift += e.original.len() as isize - e.compat.len() as isize;
            } else if at >= e.compat.start {
                return e.original.start;
            } else {
                break;
            }
        }
        (at as isize + shift).max(0) as usize
    }
}

/// The byte offset of serde_json's 1-based line and column (a column
/// counts bytes; 0 is before the line's first).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// `text` made into JSON serde_json reads as Ruby reads `text`, and the
/// escapes rewritten on the way.
fn compatible(text: &str) -> (String, Vec<Edit>) {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut edits = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => i = string(text, i, &mut out, &mut edits),
            b'/' if b.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(len) => {
                    blank(&mut out, &text[i..i + 2 + len + 2]);
                    i += 2 + len + 2;
                }
                None => {
                    out.push('/');
                    i += 1;
                }
            },
            b'/' if b.get(i + 1) == Some(&b'/') => match text[i..].find('\n') {
                Some(len) => {
                    blank(&mut out, &text[i..i + len]);
                    i += len;
                }
                None => {
                    out.push('/');
                    i += 1;
                }
            },
            b'-' | b'0'..=b'9' => {
                let len = text[i..]
                    .find(|c: char| !matches!(c, '-' | '+' | '.' | 'e' | 'E' | '0'..='9'))
                    .unwrap_or(text.len() - i);
                let literal = &text[i..i + len];
                if literal.parse::<f64>().is_ok_and(f64::is_infinite) {
                    let zero = if literal.contains(['.', 'e', 'E']) { "0.0" } else { "0" };
                    out.push_str(zero);
                    out.push_str(&" ".repeat(len.saturating_sub(zero.len())));
                } else {
                    out.push_str(literal);
                }
                i += len;
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    (out, edits)
}

/// The string starting at `start` (its quote) copied to `out` with the
/// escapes only Ruby takes rewritten; where it ends.
fn string(text: &str, start: usize, out: &mut String, edits: &mut Vec<Edit>) -> usize {
    let b = text.as_bytes();
    let mut end = start + 1;
    while end < b.len() && b[end] != b'"' {
        end += if b[end] == b'\\' { 2 } else { 1 };
    }
    let end = end.min(b.len());
    let hex = |at: usize| {
        text.get(at..at + 4)
            .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
            .and_then(|h| u16::from_str_radix(h, 16).ok())
    };
    let surrogate = |u: u16| (0xD800..0xE000).contains(&u);
    out.push('"');
    let mut i = start + 1;
    while i < end {
        let next = b.get(i + 1).copied().unwrap_or(0);
        if b[i] == b'\\' && next == b'u' && hex(i + 2).is_some_and(surrogate) {
            // Ruby's surrogates: a high one takes the next `\u` escape as
            // its low half, whatever it is; one with no escape after it
            // (and 6 bytes left in the string) is '?'; a lone low one
            // stays (as bytes that are not UTF-8; U+FFFD here).
            // serde_json takes only real pairs.
            let high = hex(i + 2).is_some_and(|u| u < 0xDC00);
            let pair = b.get(i + 6) == Some(&b'\\') && b.get(i + 7) == Some(&b'u') && hex(i + 8).is_some();
            if !high {
                out.push_str("\\ufffd");
                i += 6;
            } else if end.saturating_sub(i + 6) < 6 {
                out.push_str(&text[i..i + 6]); // Ruby refuses it too
                i += 6;
            } else if pair {
                out.push_str(&text[i..i + 6]);
                let low = hex(i + 8).is_some_and(|u| (0xDC00..0xE000).contains(&u));
                out.push_str(if low { &text[i + 6..i + 12] } else { "\\udc00" });
                i += 12;
            } else {
                out.push_str("\\u003f");
                i += 6;
            }
        } else if b[i] == b'\\' && i + 1 < end && lone_escape(next) {
            let c = text[i + 1..].chars().next().unwrap_or(' ');
            let at = out.len();
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
            edits.push(Edit {
                compat: at..out.len(),
                original: i..i + 1 + c.len_utf8(),
            });
            i += 1 + c.len_utf8();
        } else {
            let len = if b[i] == b'\\' {
                2
            } else {
                text[i..].chars().next().map_or(1, char::len_utf8)
            };
            let len = len.min(b.len() - i);
            out.push_str(&text[i..i + len]);
            i += len;
        }
    }
    if end < b.len() {
        out.push('"');
    }
    (end + 1).min(b.len())
}

/// Whether `\c` is an escape only Ruby takes (it stands for `c` itself).
fn lone_escape(c: u8) -> bool {
    c >= 0x20 && !matches!(c, b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' | b'u')
}

/// A comment's bytes as spaces, its newlines kept.
fn blank(out: &mut String, comment: &str) {
    out.extend(comment.bytes().map(|b| if b == b'\n' { '\n' } else { ' ' }));
}

/// Finds where each value of JSON that serde_json accepted is.
struct Scanner<'t> {
    text: &'t str,
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> u8 {
        self.text.as_bytes().get(self.at).copied().unwrap_or(0)
    }

    fn space(&mut self) {
        while matches!(self.peek(), b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }

    /// The value here; `Err` with the place of a bracket nested too deep.
    fn value(&mut self, depth: usize) -> Result<Node, usize> {
        self.space();
        let start = self.at;
        let kind = match self.peek() {
            open @ (b'{' | b'[') => {
                if depth + 1 > MAX_NESTING {
                    return Err(start);
                }
                self.at += 1;
                let close = if open == b'{' { b'}' } else { b']' };
                let mut members = Vec::new();
                let mut items = Vec::new();
                self.space();
                while self.at < self.text.len() && self.peek() != close {
                    if open == b'{' {
                        let key_start = self.at;
                        self.string();
                        let key_span = Span::new(key_start, self.at);
                        let key = self
                            .text
                            .get(key_start..self.at)
                            .and_then(|k| serde_json::from_str(k).ok())
                            .unwrap_or_default();
                        self.space();
                        self.at += 1; // ':'
                        let value = self.value(depth + 1)?;
                        members.push(MemberNode { key, key_span, value });
                    } else {
                        items.push(self.value(depth + 1)?);
                    }
                    self.space();
                    if self.peek() == b',' {
                        self.at += 1;
                        self.space();
                    }
                }
                self.at += 1;
                if open == b'{' {
                    Kind::Object(members)
                } else {
                    Kind::Array(items)
                }
            }
            b'"' => {
                self.string();
                Kind::Scalar
            }
            _ => {
                while self.at < self.text.len()
                    && !matches!(self.peek(), b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    self.at += 1;
                }
                Kind::Scalar
            }
        };
        let end = self.at.min(self.text.len());
        Ok(Node {
            span: Span::new(start, end),
            kind,
        })
    }

    fn string(&mut self) {
        let b = self.text.as_bytes();
        self.at += 1;
        while self.at < b.len() && b[self.at] != b'"' {
            self.at += if b[self.at] == b'\\' { 2 } else { 1 };
        }
        self.at = (self.at + 1).min(b.len());
    }
}
