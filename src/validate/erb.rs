//! ERB templates as `erb -P -x -T - FILE | ruby -c` judges them (Ruby 3.1,
//! ERB 2.2.3): the template is compiled to Ruby as ERB compiles it with trim
//! mode `-` and no `%` lines, and that Ruby must parse.
//!
//! ERB's compiler turns text into `_erbout.<< "...".freeze` (the text's line
//! breaks written after it, so lines stay in step), `<%= x %>` into
//! `_erbout.<<((x).to_s)`, and `<% x %>` into `x` itself; statements on one
//! line are joined with `; `. `<%# %>` is dropped, line breaks and all;
//! `<%%` and `%%>` are the literal `<%` and `%>`; `-%>` also eats the line
//! break after it and `<%-` the blanks before it at the start of a line. A
//! tag left open is text. A first line of `<%# coding: ... %>` or
//! `<%# frozen_string_literal: ... %>` comments adds a line of its own above.
//! Ruby's parser then reads the result; its complaint is placed back in the
//! template through the map kept while compiling.

use crate::diagnostic::{Diagnostic, Span};
use crate::vagrant::parser::{self, lexer};

/// Every problem in one ERB template: the first place its Ruby does not parse.
pub fn validate(name: &str, text: &str) -> Vec<Diagnostic> {
    let ruby = compile(text);
    if ruby.code.len() > parser::MAX_SOURCE_BYTES {
        return vec![Diagnostic::error(
            "erb-too-large",
            name,
            None,
            format!(
                "the Ruby this template compiles to is {} bytes, more than the {} puppetlift reads",
                ruby.code.len(),
                parser::MAX_SOURCE_BYTES
            ),
        )
        .with_help("templates this large are generated; validate the generator's input")];
    }
    match parser::parse(name, &ruby.code) {
        Ok(_) => Vec::new(),
        Err(e) => vec![ruby.placed(name, text, first_error(name, &ruby.code, *e))],
    }
}

/// The parser's error in the code before `cut`, when it is before the
/// last token there: the code cannot go on, whatever follows. A `;` after
/// it makes the parser judge the last token rather than the end of the
/// input; a cut inside a literal moves back to before the literal (the
/// lexer's offset may be inside a token, as in a `%` literal's delimiter).
fn error_before(name: &str, code: &str, cut: usize) -> Option<Diagnostic> {
    let mut cut = floor_boundary(code, cut);
    for _ in 0..4 {
        let before = format!("{};", &code[..cut]);
        match lexer::lex(&before) {
            Ok(_) => {
                let last = code[..cut].trim_end().len();
                let d = parser::parse(name, &before).err()?;
                return d.span.is_some_and(|s| (s.start as usize) < last).then_some(*d);
            }
            Err(again) => cut = floor_boundary(code, again.at.min(cut.saturating_sub(1))),
        }
    }
    None
}

/// [`validate`] for a file's bytes, which need not be UTF-8: `erb` reads
/// the template as UTF-8 without checking, writes text as escapes, and
/// Ruby refuses an invalid byte in its code only inside a token (a string,
/// a name), not in a comment. Findings are placed in the bytes; the text
/// they are shown against is the bytes with each invalid one read as `?`.
pub fn validate_bytes(name: &str, bytes: &[u8]) -> (String, Vec<Diagnostic>) {
    let mut invalid = Vec::new();
    let mut text = Vec::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.extend_from_slice(chunk.valid().as_bytes());
        for _ in chunk.invalid() {
            invalid.push(text.len());
            text.push(b'?');
        }
    }
    let text = String::from_utf8(text).unwrap_or_default();
    if invalid.is_empty() {
        let found = validate(name, &text);
        return (text, found);
    }
    let ruby = compile(&text);
    let tokens = lexer::lex(&ruby.code).map(|l| l.tokens).unwrap_or_default();
    let in_token = |at: usize| {
        tokens
            .iter()
            .any(|t| (t.span.start as usize) <= at && at < t.span.end as usize)
    };
    // Copied runs in template order, for finding where a byte went.
    let copied: Vec<Place> = ruby.places.iter().copied().filter(|p| p.same > 0).collect();
    let code_offset = |b: usize| {
        let i = copied.partition_point(|p| p.template <= b).checked_sub(1)?;
        let p = copied[i];
        (b < p.template + p.same).then(|| p.code + (b - p.template))
    };
    let refused = invalid.iter().copied().find(|&b| code_offset(b).is_some_and(in_token));
    let mut found = validate(name, &text);
    if let Some(at) = refused {
        let earlier = found
            .first()
            .and_then(|d| d.span)
            .is_some_and(|s| (s.start as usize) < at);
        if !earlier {
            found = vec![Diagnostic::error(
                "erb-encoding",
                name,
                Some(Span::new(at, at + 1)),
                "invalid multibyte char (UTF-8): this byte in the template's Ruby is not UTF-8",
            )
            .with_help("write the text in UTF-8, or only in comments and outside tags")];
        }
    }
    (text, found)
}

/// The error Ruby reports first. Our lexer reads the whole file before the
/// grammar does, where Ruby's parser reads one token at a time: a grammar
/// error before the place the lexer stopped comes first, and a literal left
/// open is reported where the file ends.
fn first_error(name: &str, code: &str, e: Diagnostic) -> Diagnostic {
    let Err(stop) = lexer::lex(code) else { return e };
    if let Some(earlier) = error_before(name, code, stop.at) {
        return earlier;
    }
    let left_open = [
        "literal is never closed",
        "interpolation is never closed",
        "comment is never closed",
    ];
    if left_open.iter().any(|m| e.message.contains(m)) {
        return Diagnostic {
            span: Some(Span::new(code.len(), code.len())),
            ..e
        };
    }
    e
}

/// The Ruby ERB makes of a template, with where each part of it came from.
#[derive(Debug, Default)]
pub struct Compiled {
    /// The generated Ruby, as `erb -x` prints it (with the final line break `puts` adds).
    pub code: String,
    /// Runs of the code and the template offsets they came from, in code order.
    places: Vec<Place>,
    /// How many statements the current line holds (ERB joins them with `; `).
    statements: usize,
    template_len: usize,
}

/// A run of generated code starting at `code`, made from the template at
/// `template`: its first `same` bytes are the template's own, the rest stand
/// for that place.
#[derive(Debug, Clone, Copy)]
struct Place {
    code: usize,
    template: usize,
    same: usize,
}

/// A part of a tag's or a text's content: template text, or what `<%%`/`%%>` stand for.
#[derive(Debug, Clone, Copy)]
struct Piece<'a> {
    text: &'a str,
    at: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    /// `<%` and `<%-`: Ruby statements.
    Code,
    /// `<%=`: an expression whose value is written.
    Insert,
    /// `<%#`: dropped.
    Comment,
}

/// What ends a run of text outside tags.
enum Opening {
    Tag(Tag),
    /// `<%%`: a literal `<%`.
    Literal,
}

/// What ends a run inside a tag.
enum Closing {
    /// `%>`, or `-%>` (`trim`).
    Tag { trim: bool },
    /// `%%>`: a literal `%>`.
    Literal,
}

impl Compiled {
    /// Append `s`, made from the template at `at`; its first `same` bytes are the template's own.
    fn write(&mut self, s: &str, at: usize, same: usize) {
        if s.is_empty() {
            return;
        }
        self.places.push(Place {
            code: self.code.len(),
            template: at,
            same,
        });
        self.code.push_str(s);
    }

    /// Start one statement on the current line (ERB's `Buffer#push`).
    fn statement(&mut self, at: usize) {
        if self.statements > 0 {
            self.write("; ", at, 0);
        }
        self.statements += 1;
    }

    /// End the current line (ERB's `Buffer#cr`).
    fn line_break(&mut self, at: usize) {
        self.write("\n", at, 0);
        self.statements = 0;
    }

    /// A text run: `_erbout.<< "...".freeze`, then its line breaks.
    fn text(&mut self, content: &[Piece]) {
        let Some(first) = content.first() else { return };
        let mut s = String::from("_erbout.<< \"");
        let mut breaks = 0;
        for p in content {
            breaks += p.text.bytes().filter(|&b| b == b'\n').count();
            dump_into(&mut s, p.text);
        }
        s.push_str("\".freeze");
        s.extend(std::iter::repeat_n('\n', breaks));
        self.statement(first.at);
        self.write(&s, first.at, 0);
    }

    /// The template offset that code offset `at` came from.
    fn template_offset(&self, at: usize) -> usize {
        let i = self.places.partition_point(|p| p.code <= at);
        match i.checked_sub(1).and_then(|i| self.places.get(i)) {
            Some(p) => (p.template + (at - p.code).min(p.same)).min(self.template_len),
            None => 0,
        }
    }

    /// The parser's finding about the code, placed in the template.
    fn placed(&self, name: &str, text: &str, e: Diagnostic) -> Diagnostic {
        let span = e.span.map(|s| {
            let start = floor_boundary(text, self.template_offset(s.start as usize));
            let end = floor_boundary(text, self.template_offset(s.end as usize)).max(start);
            Span::new(start, end)
        });
        let code = if e.code == "syntax-error" {
            "erb-syntax-error"
        } else {
            e.code
        };
        let d = Diagnostic::error(code, name, span, e.message);
        d.with_help("`erb -P -x -T - FILE | ruby -c` shows the Ruby ERB makes of this template")
    }
}

fn floor_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `String#dump` of text: a double-quoted literal on one line (the Ruby it
/// makes never matters, only that it is one literal).
fn dump_into(out: &mut String, text: &str) {
    for b in text.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'#' => out.push_str("\\#"),
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02X}")),
        }
    }
}

/// Compile a template to Ruby as ERB does with trim mode `-` and no `%` lines.
pub fn compile(text: &str) -> Compiled {
    let b = text.as_bytes();
    let mut ruby = Compiled {
        template_len: text.len(),
        ..Compiled::default()
    };
    for line in magic_comment_lines(text) {
        ruby.write(&line, 0, 0);
        ruby.write("\n", 0, 0);
    }
    ruby.statement(0);
    ruby.write("_erbout = +''", 0, 0);
    let mut content: Vec<Piece> = Vec::new();
    let mut open: Option<(Tag, usize)> = None;
    let mut p = 0;
    while p < b.len() {
        match open {
            None => {
                let (q, found) = next_opening(b, p);
                if q > p {
                    content.push(Piece {
                        text: &text[p..q],
                        at: p,
                    });
                }
                let Some((opening, len)) = found else {
                    p = q;
                    continue;
                };
                p = q + len;
                match opening {
                    Opening::Literal => content.push(Piece { text: "<%", at: q }),
                    Opening::Tag(tag) => {
                        ruby.text(&content);
                        content.clear();
                        open = Some((tag, q));
                    }
                }
            }
            Some((tag, tag_at)) => {
                let (q, found) = next_closing(b, p);
                if q > p {
                    content.push(Piece {
                        text: &text[p..q],
                        at: p,
                    });
                }
                match found {
                    None => p = q,
                    Some(Closing::Literal) => {
                        content.push(Piece { text: "%>", at: q });
                        p = q + 3;
                    }
                    Some(Closing::Tag { trim }) => {
                        close_tag(&mut ruby, tag, tag_at, &mut content, q);
                        content.clear();
                        open = None;
                        p = q + if trim { 3 } else { 2 };
                        if trim {
                            // `-%>` takes the line break after it; at the end,
                            // it still ends the line.
                            if b[p..].starts_with(b"\n") {
                                ruby.line_break(p);
                                p += 1;
                            } else if b[p..].starts_with(b"\r\n") {
                                ruby.line_break(p);
                                p += 2;
                            } else if p == b.len() {
                                ruby.line_break(p);
                            }
                        }
                    }
                }
            }
        }
    }
    // Whatever is left, even an open tag's code, is text.
    ruby.text(&content);
    ruby.statement(text.len());
    ruby.write("_erbout", text.len(), 0);
    if !ruby.code.ends_with('\n') {
        ruby.write("\n", text.len(), 0);
    }
    ruby
}

/// The statements a closed tag makes.
fn close_tag(ruby: &mut Compiled, tag: Tag, tag_at: usize, content: &mut [Piece], close_at: usize) {
    match tag {
        Tag::Comment => {}
        Tag::Insert => {
            ruby.statement(tag_at);
            ruby.write("_erbout.<<((", tag_at, 0);
            for p in content.iter() {
                ruby.write(p.text, p.at, p.text.len());
            }
            ruby.write(").to_s)", close_at, 0);
        }
        Tag::Code => {
            // Code ending in a line break ends the line there (`String#chop`
            // takes a `\r\n` whole).
            let mut break_at = None;
            if let Some(last) = content.last_mut() {
                if let Some(rest) = last.text.strip_suffix('\n') {
                    let rest = rest.strip_suffix('\r').unwrap_or(rest);
                    break_at = Some(last.at + rest.len());
                    last.text = rest;
                }
            }
            ruby.statement(content.first().map_or(tag_at, |p| p.at));
            for p in content.iter() {
                ruby.write(p.text, p.at, p.text.len());
            }
            if let Some(at) = break_at {
                ruby.line_break(at);
            }
        }
    }
}

/// Where the text from `p` ends: the next opening tag (and its length) or the end.
/// `<%-` also takes the blanks before it when they start a line, or start the
/// scan (ERB's scanner anchors `^` there too).
fn next_opening(b: &[u8], p: usize) -> (usize, Option<(Opening, usize)>) {
    for q in p..b.len() {
        if q == p || b[q - 1] == b'\n' {
            let mut r = q;
            while r < b.len() && (b[r] == b' ' || b[r] == b'\t') {
                r += 1;
            }
            if b[r..].starts_with(b"<%-") {
                return (q, Some((Opening::Tag(Tag::Code), r + 3 - q)));
            }
        }
        if b[q..].starts_with(b"<%") {
            let found = match b.get(q + 2) {
                Some(b'-') => (Opening::Tag(Tag::Code), 3),
                Some(b'%') => (Opening::Literal, 3),
                Some(b'=') => (Opening::Tag(Tag::Insert), 3),
                Some(b'#') => (Opening::Tag(Tag::Comment), 3),
                _ => (Opening::Tag(Tag::Code), 2),
            };
            return (q, Some(found));
        }
    }
    (b.len(), None)
}

/// Where a tag's content from `p` ends: the next closing (`-%>`, `%%>`, `%>`) or the end.
fn next_closing(b: &[u8], p: usize) -> (usize, Option<Closing>) {
    for q in p..b.len() {
        let rest = &b[q..];
        if rest.starts_with(b"-%>") {
            return (q, Some(Closing::Tag { trim: true }));
        }
        if rest.starts_with(b"%%>") {
            return (q, Some(Closing::Literal));
        }
        if rest.starts_with(b"%>") {
            return (q, Some(Closing::Tag { trim: false }));
        }
    }
    (b.len(), None)
}

/// The lines ERB writes above the code: `#coding:` always (UTF-8, or what a
/// leading `<%# coding: ... %>` names), and `#frozen-string-literal:` when a
/// leading comment sets it. ERB reads only comments that follow each other
/// from the first byte, each up to the last `%>` of its line.
fn magic_comment_lines(text: &str) -> Vec<String> {
    let mut coding = String::from("UTF-8");
    let mut frozen = None;
    let mut p = 0;
    while text[p..].starts_with("<%#") {
        let line_end = text[p..].find('\n').map_or(text.len(), |i| p + i);
        let Some(close) = text[p + 3..line_end].rfind("%>") else {
            break;
        };
        let comment = emacs_style(&text[p + 3..p + 3 + close]);
        let name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if let Some(name) = setting(comment, &["coding"], &['=', ':'], name_char) {
            coding = name.to_string();
        } else if let Some(value) = setting(comment, &["frozen", "string", "literal"], &[':'], |c| {
            c.is_ascii_alphanumeric()
        }) {
            frozen = Some(value.to_string());
        }
        p = p + 3 + close + 2;
    }
    let mut lines = vec![format!("#coding:{coding}")];
    if let Some(v) = frozen {
        lines.push(format!("#frozen-string-literal:{v}"));
    }
    lines
}

/// The part of a comment between `-*-` and a closing `-*-` at its end, when it has them.
fn emacs_style(comment: &str) -> &str {
    let Some(i) = comment.find("-*-") else { return comment };
    let rest = comment[i + 3..].trim_start();
    let Some(body) = rest.strip_suffix('-') else {
        return comment;
    };
    body.trim_end_matches('-').trim_end()
}

/// The value after `words` (joined by `-` or `_`), blanks, one of `separators`
/// and blanks, as ERB's `coding\s*[=:]\s*(...)` and
/// `frozen[-_]string[-_]literal\s*:\s*(...)` find it.
fn setting<'a>(
    comment: &'a str,
    words: &[&str],
    separators: &[char],
    value_char: impl Fn(char) -> bool,
) -> Option<&'a str> {
    let blank = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r');
    let (first, more) = words.split_first()?;
    'found: for (i, _) in comment.match_indices(first) {
        let mut rest = &comment[i + first.len()..];
        for w in more {
            match rest.strip_prefix(['-', '_']).and_then(|r| r.strip_prefix(w)) {
                Some(r) => rest = r,
                None => continue 'found,
            }
        }
        let Some(r) = rest.trim_start_matches(blank).strip_prefix(separators) else {
            continue;
        };
        let r = r.trim_start_matches(blank);
        let end = r.find(|c: char| !value_char(c)).unwrap_or(r.len());
        if end > 0 {
            return Some(&r[..end]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_code_is_what_erb_prints() {
        let c = compile(
            "<% if x -%>\nhello <%= y %>\n<%# a\ncomment\n%>\n<%- z.each do |q| -%>\n  <%% lit %%>\n<% end %>\n",
        );
        assert_eq!(
            c.code,
            "#coding:UTF-8\n_erbout = +'';  if x \n_erbout.<< \"hello \".freeze; _erbout.<<(( y ).to_s); _erbout.<< \"\\n\".freeze\n; _erbout.<< \"\\n\".freeze\n;  z.each do |q| \n_erbout.<< \"  <% lit %%>\\n\".freeze\n;  end ; _erbout.<< \"\\n\".freeze\n; _erbout\n"
        );
    }

    #[test]
    fn bytes_not_utf8_are_refused_only_in_ruby_tokens() {
        let refused = |b: &[u8]| validate_bytes("t.erb", b).1.first().map(|d| d.code);
        assert_eq!(refused(b"text \xfe\n<% # \xff note %>\n"), None);
        assert_eq!(refused(b"<%= \"\xff\" %>\n"), Some("erb-encoding"));
        assert_eq!(refused(b"<%# \xff %><% if x %>\n"), Some("erb-syntax-error"));
    }

    #[test]
    fn blanks_before_a_trimming_tag_go_at_the_scan_start_too() {
        let c = compile("<% x %>  <%- y %>\n");
        assert_eq!(
            c.code,
            "#coding:UTF-8\n_erbout = +'';  x ;  y ; _erbout.<< \"\\n\".freeze\n; _erbout\n"
        );
    }
}
