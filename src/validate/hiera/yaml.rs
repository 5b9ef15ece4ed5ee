//! A Hiera file's YAML as `YAML.load_file` in Ruby 3.1 (Psych 4.0) reads it:
//! libyaml's events for the first document, as a tree with the place of every
//! node, then what Psych 4's safe loading refuses (any alias, and plain
//! scalars that would become a `Date` or `Time`, or a `!ruby/` tag).

use crate::diagnostic::Span;
use libyaml_safer::{EventData, Mark, Parser, ScalarStyle};

/// Deeper than this, Psych's recursive builder would run out of stack.
const MAX_DEPTH: usize = 1000;

/// One YAML node with its place.
#[derive(Debug)]
pub(super) enum Node {
    /// A scalar: its text, whether it was written plain, its tag.
    Scalar {
        value: String,
        plain: bool,
        tag: Option<String>,
        span: Span,
    },
    /// A sequence.
    Seq(Vec<Node>, Span),
    /// A mapping, pairs in the order written.
    Map(Vec<(Node, Node)>, Span),
    /// `*name`.
    Alias(String, Span),
}

impl Node {
    /// Where the node is written.
    pub(super) fn span(&self) -> Span {
        match self {
            Node::Scalar { span, .. } | Node::Seq(_, span) | Node::Map(_, span) | Node::Alias(_, span) => *span,
        }
    }

    /// The scalar's text when Ruby would read it as a `String`.
    pub(super) fn as_string(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, plain, tag, .. } => match tag.as_deref() {
                Some("tag:yaml.org,2002:str") | Some("!str") => Some(value),
                Some(_) => None,
                None if !plain => Some(value),
                None => (resolve_plain(value) == Plain::String).then_some(value.as_str()),
            },
            _ => None,
        }
    }

    /// Whether Ruby reads the scalar as `nil` or `false`.
    pub(super) fn is_falsey(&self) -> bool {
        match self {
            Node::Scalar {
                value,
                plain: true,
                tag: None,
                ..
            } => {
                matches!(resolve_plain(value), Plain::Null | Plain::Bool(false))
            }
            _ => false,
        }
    }

    /// Whether the scalar is a plain `:symbol`.
    pub(super) fn is_symbol(&self) -> bool {
        matches!(self, Node::Scalar { value, plain: true, tag: None, .. } if resolve_plain(value) == Plain::Symbol)
    }

    /// How Ruby's `to_s` writes the scalar (a key in a message): its text, or
    /// nothing for `null`.
    pub(super) fn display(&self) -> String {
        match self {
            Node::Scalar {
                value,
                plain: true,
                tag: None,
                ..
            } => match resolve_plain(value) {
                Plain::Null => String::new(),
                Plain::Symbol => value[1..].to_string(),
                Plain::Bool(b) => b.to_string(),
                _ => value.clone(),
            },
            Node::Scalar { value, .. } => value.clone(),
            _ => String::new(),
        }
    }
}

/// Why Psych refuses the file.
#[derive(Debug)]
pub(super) struct LoadError {
    /// `hiera-yaml-syntax`, `hiera-yaml-alias` or `hiera-yaml-class`.
    pub code: &'static str,
    /// Where.
    pub span: Span,
    /// Psych's words.
    pub message: String,
}

/// The first document of `text` (`None` when there is none), or why Psych
/// refuses it.
pub(super) fn load(text: &str) -> Result<Option<Node>, LoadError> {
    let doc = parse(text)?;
    if let Some(node) = &doc {
        refused(node)?;
    }
    Ok(doc)
}

/// libyaml's events as a tree; a syntax error at the place Psych names.
fn parse(text: &str) -> Result<Option<Node>, LoadError> {
    let lines = LineIndex::new(text);
    let fed = crate::yaml::input(text);
    let mut input = fed.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    // Open collections: their items, the start, whether it is a mapping.
    let mut stack: Vec<(Vec<Node>, usize, bool)> = Vec::new();
    let mut doc = None;
    loop {
        let event = parser.parse().map_err(|e| {
            // Psych names the context's place when there is one, else the problem's.
            let at = e.context_mark().or(e.problem_mark()).unwrap_or_default();
            let context = e.context().map(|c| format!(" {c}")).unwrap_or_default();
            let start = lines.offset(at);
            let (line, column) = crate::yaml::place(text, at);
            LoadError {
                code: "hiera-yaml-syntax",
                span: Span::new(start, lines.char_end(start)),
                message: format!("{}{context} at line {} column {}", e.problem(), line + 1, column + 1),
            }
        })?;
        let event = crate::yaml::as_given(event, text);
        let span = Span::new(lines.offset(event.start_mark), lines.offset(event.end_mark));
        let node = match event.data {
            // `load` reads the first document; what follows it is not parsed.
            EventData::StreamEnd | EventData::DocumentEnd { .. } => break,
            EventData::StreamStart { .. } | EventData::DocumentStart { .. } => continue,
            EventData::Scalar { value, tag, style, .. } => Node::Scalar {
                value,
                plain: style == ScalarStyle::Plain,
                tag,
                span,
            },
            EventData::Alias { anchor } => Node::Alias(anchor, span),
            EventData::SequenceStart { .. } | EventData::MappingStart { .. } => {
                if stack.len() >= MAX_DEPTH {
                    return Err(LoadError {
                        code: "hiera-yaml-syntax",
                        span,
                        message: format!("nesting deeper than {MAX_DEPTH}: Ruby runs out of stack"),
                    });
                }
                let map = matches!(event.data, EventData::MappingStart { .. });
                stack.push((Vec::new(), span.start as usize, map));
                continue;
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
                let Some((items, start, map)) = stack.pop() else {
                    continue;
                };
                let span = Span::new(start, span.end as usize);
                if map {
                    let mut pairs = Vec::with_capacity(items.len() / 2);
                    let mut items = items.into_iter();
                    while let (Some(k), Some(v)) = (items.next(), items.next()) {
                        pairs.push((k, v));
                    }
                    Node::Map(pairs, span)
                } else {
                    Node::Seq(items, span)
                }
            }
        };
        match stack.last_mut() {
            Some((items, _, _)) => items.push(node),
            None => doc = Some(node),
        }
    }
    Ok(doc)
}

/// The first node, in the order Psych builds them (a key before its value),
/// that safe loading refuses.
fn refused(node: &Node) -> Result<(), LoadError> {
    match node {
        Node::Alias(name, span) => Err(LoadError {
            code: "hiera-yaml-alias",
            span: *span,
            message: format!("Unknown alias: {name} (Psych 4's YAML.load_file reads no aliases)"),
        }),
        Node::Seq(items, _) => items.iter().try_for_each(refused),
        Node::Map(pairs, _) => pairs.iter().try_for_each(|(k, v)| {
            refused(k)?;
            refused(v)
        }),
        Node::Scalar {
            value,
            plain,
            tag,
            span,
        } => {
            let class = match tag.as_deref() {
                Some("tag:yaml.org,2002:timestamp") => Some("Time"),
                Some(t) if t.starts_with("!ruby/") => Some(t.rsplit([':', '/']).next().unwrap_or(t)),
                Some(_) => None,
                None if *plain => match resolve_plain(value) {
                    Plain::Time => Some("Time"),
                    Plain::Date => Some("Date"),
                    _ => None,
                },
                None => None,
            };
            match class {
                Some(class) => Err(LoadError {
                    code: "hiera-yaml-class",
                    span: *span,
                    message: format!("Tried to load unspecified class: {class}"),
                }),
                None => Ok(()),
            }
        }
    }
}

/// What a scalar becomes when Ruby's `YAML.safe_load` reads it with Symbols
/// permitted (as puppet-lint reads Hiera data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loaded {
    /// A `String`.
    String,
    /// A `Symbol` (`:name`).
    Symbol,
    /// A class safe loading refuses (`Date`, `Time`, `!ruby/...`): the load fails.
    Refused,
    /// Anything else (`nil`, booleans, numbers).
    Other,
}

/// [`Loaded`] for a scalar written `plain` or not, with its tag.
pub(crate) fn loaded_as(value: &str, plain: bool, tag: Option<&str>) -> Loaded {
    match tag {
        Some("tag:yaml.org,2002:str") | Some("!str") => Loaded::String,
        Some("!ruby/symbol") | Some("!ruby/sym") => Loaded::Symbol,
        Some("tag:yaml.org,2002:timestamp") => Loaded::Refused,
        Some(t) if t.starts_with("!ruby/") => Loaded::Refused,
        Some(_) => Loaded::Other,
        None if !plain => Loaded::String,
        None => match resolve_plain(value) {
            Plain::String => Loaded::String,
            Plain::Symbol => Loaded::Symbol,
            Plain::Date | Plain::Time => Loaded::Refused,
            Plain::Null | Plain::Bool(_) | Plain::Other => Loaded::Other,
        },
    }
}

/// What Psych's scalar scanner makes of a plain scalar, as far as Hiera's
/// checks care.
#[derive(Debug, PartialEq)]
enum Plain {
    String,
    Null,
    Bool(bool),
    Symbol,
    Date,
    Time,
    Other,
}

fn resolve_plain(s: &str) -> Plain {
    if s.is_empty() {
        return Plain::Null;
    }
    let lower = s.to_ascii_lowercase();
    if looks_like_word(s) || s.contains('\n') {
        if s.chars().count() > 5 {
            return Plain::String;
        }
        return match lower.as_str() {
            "~" | "null" => Plain::Null,
            "yes" | "true" | "on" => Plain::Bool(true),
            "no" | "false" | "off" => Plain::Bool(false),
            _ => Plain::String,
        };
    }
    if is_time(s) {
        return Plain::Time;
    }
    if is_date(s) {
        return Plain::Date;
    }
    if matches!(lower.as_str(), ".inf" | "+.inf" | "-.inf" | ".nan") {
        return Plain::Other;
    }
    if s.starts_with(':') && s.chars().count() > 1 {
        return Plain::Symbol;
    }
    if is_number(s) {
        return Plain::Other;
    }
    Plain::String
}

/// Psych's first test: an optional non-digit, then letters and punctuation.
fn looks_like_word(s: &str) -> bool {
    let word = |c: char| c.is_alphabetic() || c.is_whitespace() || "_!@#$%^&*(){}<>|/\\~;=".contains(c);
    let mut chars = s.chars();
    let Some(first) = chars.next() else { return false };
    if word(first) {
        return true;
    }
    !(first.is_ascii_digit() || ".:-".contains(first)) && chars.next().is_some_and(word)
}

fn digits(s: &str, min: usize, max: usize) -> Option<(&str, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (min..=max).contains(&n).then(|| s.split_at(n))
}

/// `YYYY-M-D` followed by `T` or spaces and `H:MM:SS`, fraction, zone.
fn is_time(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some(rest) = date_prefix(s) else { return false };
    let rest = match rest.strip_prefix(['T', 't']) {
        Some(r) => r,
        None => {
            let r = rest.trim_start_matches(char::is_whitespace);
            if r.len() == rest.len() {
                return false;
            }
            r
        }
    };
    let Some((_, r)) = digits(rest, 1, 2) else { return false };
    let Some(r) = r.strip_prefix(':').and_then(|r| digits(r, 2, 2)).map(|x| x.1) else {
        return false;
    };
    let Some(mut r) = r.strip_prefix(':').and_then(|r| digits(r, 2, 2)).map(|x| x.1) else {
        return false;
    };
    if let Some(f) = r.strip_prefix('.') {
        r = f.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let r = r.trim_start_matches(char::is_whitespace);
    if r.is_empty() || r == "Z" {
        return true;
    }
    let Some(z) = r.strip_prefix(['+', '-']) else {
        return false;
    };
    let Some((_, z)) = digits(z, 1, 2) else { return false };
    let z = z.strip_prefix(':').unwrap_or(z);
    z.is_empty() || (z.len() == 2 && z.bytes().all(|b| b.is_ascii_digit()))
}

/// `YYYY-M-D` at the start, the rest after it.
fn date_prefix(s: &str) -> Option<&str> {
    let (_, r) = digits(s, 4, 4)?;
    let (_, r) = digits(r.strip_prefix('-')?, 1, 2)?;
    let (_, r) = digits(r.strip_prefix('-')?, 1, 2)?;
    Some(r)
}

/// `YYYY-MM-DD` with a month and day in range, nothing after.
fn is_date(s: &str) -> bool {
    let Some((_, r)) = digits(s, 4, 4) else { return false };
    let Some((m, r)) = r.strip_prefix('-').and_then(|r| digits(r, 1, 2)) else {
        return false;
    };
    let Some((d, r)) = r.strip_prefix('-').and_then(|r| digits(r, 1, 2)) else {
        return false;
    };
    let month_ok = m.len() == 1 || m.starts_with('0') || matches!(m, "10" | "11" | "12");
    let day_ok = d.len() == 1 || d.starts_with(['0', '1', '2']) || matches!(d, "30" | "31");
    r.is_empty() && month_ok && day_ok
}

/// Integers and floats in Psych's forms (close enough: only "not a string" matters).
fn is_number(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let body = t.replace(['_', ','], "");
    if let Some(bin) = body.strip_prefix("0b") {
        return !bin.is_empty() && bin.bytes().all(|b| b == b'0' || b == b'1');
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    // Sexagesimal `1:30:00`.
    if t.split(':').count() > 1
        && t.split(':')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit() || b == b'_'))
    {
        return true;
    }
    body.parse::<f64>().is_ok() && !body.contains(['i', 'I', 'n', 'N'])
}

/// Byte offsets of libyaml's marks (line and column in characters).
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut i = 0;
        // libyaml breaks lines at `\n`, `\r\n` and a lone `\r`.
        while i < bytes.len() {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 2;
                    continue;
                }
                b'\n' | b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { text, starts }
    }

    /// One past the character at `offset` (the end of the text stays put).
    fn char_end(&self, offset: usize) -> usize {
        self.text[offset..]
            .chars()
            .next()
            .map_or(offset, |c| offset + c.len_utf8())
    }

    fn offset(&self, mark: Mark) -> usize {
        let Some(&start) = self.starts.get(mark.line as usize) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        rest.char_indices()
            .nth(mark.column as usize)
            .map_or(self.text.len(), |(i, _)| start + i)
    }
}
