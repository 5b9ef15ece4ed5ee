//! The values of literals: numbers, strings (escapes, interpolation,
//! adjacent strings, heredocs and `<<~`'s indentation), word lists, symbols
//! and character literals.

use super::tokens::{LitKind, Literal};
use super::*;

impl Builder<'_> {
    pub(super) fn numeric(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut negative = false;
        let mut value = None;
        for x in p.into_inner() {
            let t = self.token(&x);
            match t.kind {
                T::tUMINUS_NUM => negative = true,
                _ => value = Some(t),
            }
        }
        let t = value.ok_or_else(|| self.bug(sp, "number"))?;
        let text = self.text(&t).replace('_', "");
        let text = text.strip_prefix('+').unwrap_or(&text).to_string();
        let e = match t.kind {
            T::tINTEGER => match parse_int(&text) {
                Some(v) => Expr::Int(if negative { v.wrapping_neg() } else { v }),
                None => Expr::BigInt(if negative { format!("-{text}") } else { text }),
            },
            T::tFLOAT => {
                let v: f64 = text
                    .parse()
                    .map_err(|_| self.error(t.span, "this float is not a number"))?;
                Expr::Float(if negative { -v } else { v })
            }
            T::tRATIONAL => Expr::Rational(if negative { format!("-{text}") } else { text }),
            _ => Expr::Imaginary(if negative { format!("-{text}") } else { text }),
        };
        Ok(Node::new(e, sp))
    }

    /// Adjacent string literals are one string.
    pub(super) fn strings(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut parts = Vec::new();
        for s in p.into_inner() {
            for x in s.into_inner() {
                if matches!(x.as_rule(), Rule::tSTRING_CONTENT | Rule::interp | Rule::dvar) {
                    self.str_part(x, &mut parts)?;
                }
            }
        }
        Ok(Node::new(Expr::Str(parts), sp))
    }

    /// The parts of one literal (string, xstring, regexp, dsym).
    pub(super) fn str_parts(&self, p: Pair<Rule>) -> Built<Vec<StrPart>> {
        let mut parts = Vec::new();
        for x in p.into_inner() {
            if matches!(x.as_rule(), Rule::tSTRING_CONTENT | Rule::interp | Rule::dvar) {
                self.str_part(x, &mut parts)?;
            }
        }
        Ok(parts)
    }

    pub(super) fn str_part(&self, x: Pair<Rule>, parts: &mut Vec<StrPart>) -> Built<()> {
        let sp = self.span(&x);
        match x.as_rule() {
            Rule::tSTRING_CONTENT => {
                let t = self.token(&x);
                let lit = self.lx.literals.get(t.literal as usize).copied();
                let text = self.literal_text(&t, lit);
                parts.push(StrPart::Text(text, t.span));
            }
            Rule::interp => {
                let body = x.into_inner().find(|y| y.as_rule() == Rule::compstmt);
                let stmts = match body {
                    Some(b) => self.compstmt(b)?,
                    None => vec![],
                };
                parts.push(StrPart::Code(stmts));
            }
            Rule::dvar => {
                let v = x.into_inner().last().ok_or_else(|| self.bug(sp, "variable"))?;
                let t = self.token(&v);
                let name = self.text(&t).to_string();
                let e = match t.kind {
                    T::tIVAR => Expr::IVar(name),
                    T::tCVAR => Expr::CVar(name),
                    T::tNTH_REF => Expr::NthRef(name[1..].parse().unwrap_or(0)),
                    T::tBACK_REF => Expr::BackRef(name.chars().nth(1).unwrap_or('&')),
                    _ => Expr::GVar(name),
                };
                parts.push(StrPart::Code(vec![Node::new(e, t.span)]));
            }
            _ => {}
        }
        Ok(())
    }

    /// A content token's text with its literal's escapes applied (and, in a
    /// `<<~` heredoc, the body's common indentation removed).
    fn literal_text(&self, t: &Token, lit: Option<Literal>) -> String {
        // Ruby reads `\r\n` in source as `\n`.
        let owned = self.text(t).replace("\r\n", "\n");
        let raw = owned.as_str();
        let Some(lit) = lit else {
            return raw.to_string();
        };
        let raw = if lit.squiggly {
            let indent = self.heredoc_indent(t.literal);
            dedent(raw, indent, self.at_line_start(t.span.start as usize))
        } else {
            raw.to_string()
        };
        match lit.kind {
            LitKind::Single => unescape_single(&raw, lit.term, lit.paren, lit.heredoc),
            LitKind::Double => unescape_double(&raw),
            LitKind::Regexp => raw,
        }
    }

    fn at_line_start(&self, at: usize) -> bool {
        at == 0 || self.src.as_bytes().get(at - 1) == Some(&b'\n')
    }

    /// The indentation `<<~` removes: the least of the body's lines that are
    /// not blank (a tab counts to the next multiple of 8).
    fn heredoc_indent(&self, literal: u32) -> usize {
        let toks = self.lx.tokens.iter().filter(|t| t.literal == literal);
        let mut start = None;
        let mut end = None;
        for t in toks {
            match t.kind {
                T::tSTRING_CONTENT => {
                    start.get_or_insert(t.span.start as usize);
                }
                T::tSTRING_END => end = Some(t.span.start as usize),
                _ => {}
            }
        }
        let (Some(start), Some(end)) = (start, end) else {
            return 0;
        };
        let body = self.src.get(start..end).unwrap_or("");
        let mut least = usize::MAX;
        for line in body.split_inclusive('\n') {
            let mut col = 0;
            let mut blank = true;
            for c in line.chars() {
                match c {
                    ' ' => col += 1,
                    '\t' => col = (col / 8 + 1) * 8,
                    '\n' | '\r' => break,
                    _ => {
                        blank = false;
                        break;
                    }
                }
            }
            if !blank {
                least = least.min(col);
            }
        }
        if least == usize::MAX {
            0
        } else {
            least
        }
    }

    /// A symbol: plain when it has no interpolation.
    pub(super) fn dsym_of(&self, parts: Vec<StrPart>) -> Expr {
        if parts.iter().all(|p| matches!(p, StrPart::Text(..))) {
            Expr::Sym(
                parts
                    .iter()
                    .map(|p| match p {
                        StrPart::Text(t, _) => t.as_str(),
                        StrPart::Code(_) => "",
                    })
                    .collect(),
            )
        } else {
            Expr::DSym(parts)
        }
    }

    /// `%w[a b]`, `%W`, `%i`, `%I`: an array of strings or symbols.
    pub(super) fn words(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut it = p.into_inner();
        let beg = it.next().ok_or_else(|| self.bug(sp, "word list"))?;
        let symbols = matches!(self.kind(&beg), T::tSYMBOLS_BEG | T::tQSYMBOLS_BEG);
        let mut items = Vec::new();
        for w in it.filter(|x| x.as_rule() == Rule::word) {
            let wsp = self.span(&w);
            let mut parts = Vec::new();
            for x in w.into_inner() {
                self.str_part(x, &mut parts)?;
            }
            let e = if symbols { self.dsym_of(parts) } else { Expr::Str(parts) };
            items.push(Arg::Pos(Node::new(e, wsp)));
        }
        Ok(Node::new(Expr::Array(items), sp))
    }

    /// `?a`, `?\n`: a one-character string.
    pub(super) fn char_literal(&self, text: &str) -> String {
        let body = text.strip_prefix('?').unwrap_or(text);
        if body.starts_with('\\') {
            unescape_double(body)
        } else {
            body.to_string()
        }
    }
}

/// An integer literal's value (`0x1f`, `0b101`, `0o17`, `017`, `0d9`, `42`).
fn parse_int(t: &str) -> Option<i64> {
    let lower = t.to_ascii_lowercase();
    let (digits, radix) = if let Some(h) = lower.strip_prefix("0x") {
        (h.to_string(), 16)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b.to_string(), 2)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (o.to_string(), 8)
    } else if let Some(d) = lower.strip_prefix("0d") {
        (d.to_string(), 10)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (lower[1..].to_string(), 8)
    } else {
        (lower, 10)
    };
    i64::from_str_radix(&digits, radix).ok()
}

/// Remove up to `indent` columns of leading whitespace from each line of a
/// `<<~` body piece (its first line only when it starts a line).
fn dedent(raw: &str, indent: usize, starts_line: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, line) in raw.split_inclusive('\n').enumerate() {
        if i == 0 && !starts_line {
            out.push_str(line);
            continue;
        }
        let mut col = 0;
        let mut cut = 0;
        for (j, c) in line.char_indices() {
            let next = match c {
                ' ' => col + 1,
                '\t' => (col / 8 + 1) * 8,
                _ => break,
            };
            if next > indent {
                break;
            }
            col = next;
            cut = j + c.len_utf8();
        }
        out.push_str(&line[cut..]);
    }
    out
}

/// Single-quoted text: `\\` and an escaped delimiter lose their backslash.
fn unescape_single(s: &str, term: u8, paren: u8, heredoc: bool) -> String {
    if heredoc {
        // `<<'EOS'` bodies are taken as written.
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.peek() {
                Some(&n) if n == '\\' || (n as u32) == term as u32 || (paren != 0 && (n as u32) == paren as u32) => {
                    out.push(n);
                    it.next();
                }
                Some(' ') => {
                    // `%w[a\ b]`: an escaped space is part of the word.
                    out.push(' ');
                    it.next();
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Double-quoted text: Ruby's escapes.
pub(super) fn unescape_double(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('e') => out.push('\x1b'),
            Some('s') => out.push(' '),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('v') => out.push('\x0b'),
            Some('f') => out.push('\x0c'),
            Some('\n') => {}
            Some('\r') if it.peek() == Some(&'\n') => {
                it.next();
            }
            Some('u') => {
                let mut hexes: Vec<String> = Vec::new();
                if it.peek() == Some(&'{') {
                    it.next();
                    let mut cur = String::new();
                    for h in it.by_ref() {
                        match h {
                            '}' => break,
                            ' ' | '\t' => {
                                if !cur.is_empty() {
                                    hexes.push(std::mem::take(&mut cur));
                                }
                            }
                            _ => cur.push(h),
                        }
                    }
                    if !cur.is_empty() {
                        hexes.push(cur);
                    }
                } else {
                    let mut cur = String::new();
                    for _ in 0..4 {
                        if let Some(h) = it.next_if(|h| h.is_ascii_hexdigit()) {
                            cur.push(h);
                        }
                    }
                    hexes.push(cur);
                }
                for hex in hexes {
                    if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(ch);
                    }
                }
            }
            Some('x') => {
                let mut hex = String::new();
                for _ in 0..2 {
                    if let Some(h) = it.next_if(|h| h.is_ascii_hexdigit()) {
                        hex.push(h);
                    }
                }
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(d @ '0'..='7') => {
                let mut oct = String::from(d);
                for _ in 0..2 {
                    if let Some(o) = it.next_if(|o| ('0'..='7').contains(o)) {
                        oct.push(o);
                    }
                }
                if let Some(ch) = u32::from_str_radix(&oct, 8).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// What makes a regexp's source invalid to Onigmo, as far as brackets go:
/// an unterminated character class, an unmatched parenthesis.
pub(super) fn regexp_error(src: &str) -> Option<&'static str> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut groups = 0i32;
    let mut class = 0i32;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' => {
                // `[[:alpha:]]` and nested classes count.
                class += 1;
                if b.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b']' if class > 0 => class -= 1,
            b'(' if class == 0 => groups += 1,
            b')' if class == 0 => {
                groups -= 1;
                if groups < 0 {
                    return Some("unmatched close parenthesis");
                }
            }
            _ => {}
        }
        i += 1;
    }
    if class > 0 {
        return Some("premature end of char-class");
    }
    if groups > 0 {
        return Some("end pattern with unmatched parenthesis");
    }
    None
}
