//! Literals with a body: strings, backticks, regexps, `%` literals, symbols,
//! character literals and heredocs. A body is read up to its closing
//! delimiter (brackets nest), its text as `tSTRING_CONTENT` and each `#{...}`
//! lexed as code in place.

use super::*;

/// How a body is read.
#[derive(Clone, Copy)]
struct Body {
    literal: usize,
    /// The closing delimiter (none for a heredoc: the region's end).
    term: Option<u8>,
    /// The opening delimiter when it nests (`(` of `%w(a (b) c)`).
    paren: Option<u8>,
    interpolate: bool,
    /// `%w`/`%i`: spaces separate words.
    words: bool,
}

impl Lexer<'_> {
    fn new_literal(&mut self, kind: LitKind, term: u8, paren: u8, squiggly: bool, heredoc: bool) -> usize {
        self.literals.push(Literal {
            kind,
            term,
            paren,
            squiggly,
            heredoc,
        });
        self.literals.len() - 1
    }

    /// `"..."`, `'...'`, `` `...` ``; a string may be a label (`"key": 1`).
    pub(super) fn quote(&mut self, q: u8, cmd_state: bool) -> R<()> {
        let start = self.pos;
        self.command_arg_starts();
        let (beg, kind) = match q {
            b'\'' => (T::tSTRING_BEG, LitKind::Single),
            b'`' => (T::tXSTRING_BEG, LitKind::Double),
            _ => (T::tSTRING_BEG, LitKind::Double),
        };
        // After `def` or `.`: `` ` `` is a method name.
        if q == b'`' && self.is(FNAME | DOT) {
            self.pos += 1;
            self.push(T::tIDENTIFIER, start, start + 1);
            self.state = if self.is(FNAME) { ENDFN } else { ARG };
            return Ok(());
        }
        let label_ok = self.label_possible(cmd_state);
        let lit = self.new_literal(kind, q, 0, false, false);
        let opener = self.tokens.len();
        self.push_lit(beg, start, start + 1, lit);
        self.pos += 1;
        let body = Body {
            literal: lit,
            term: Some(q),
            paren: None,
            interpolate: kind == LitKind::Double,
            words: false,
        };
        let close = self.body(body)?;
        self.space_seen = false;
        if label_ok && q != b'`' && self.s.get(close + 1) == Some(&b':') && self.s.get(close + 2) != Some(&b':') {
            // The string was a label's: its opening token says so, for the grammar.
            if let Some(t) = self.tokens.get_mut(opener) {
                t.kind = T::tDLABEL_BEG;
            }
            self.pos = close + 2;
            self.push_lit(T::tLABEL_END, close, close + 2, lit);
            self.state = ARG | LABELED;
            return Ok(());
        }
        self.pos = close + 1;
        self.push_lit(T::tSTRING_END, close, close + 1, lit);
        self.state = END;
        Ok(())
    }

    /// Read a literal's body from `self.pos`; returns where its closing
    /// delimiter is (or the region's end for a heredoc).
    fn body(&mut self, b: Body) -> R<usize> {
        let s = self.s;
        let mut depth = 0usize;
        let mut text_start = self.pos;
        let opened_at = self.pos.saturating_sub(1);
        let flush = |lx: &mut Lexer, from: usize, to: usize| {
            if to > from {
                lx.space_seen = false;
                lx.push_lit(T::tSTRING_CONTENT, from, to, b.literal);
            }
        };
        loop {
            if self.pos >= self.limit {
                if b.term.is_none() {
                    flush(self, text_start, self.pos);
                    return Ok(self.pos);
                }
                return self.err(opened_at, "this literal is never closed");
            }
            let c = s[self.pos];
            if c == b'\\' {
                self.pos += 2;
                if self.pos > self.limit {
                    self.pos = self.limit;
                }
                continue;
            }
            if b.words && matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\x0b') {
                flush(self, text_start, self.pos);
                let sep = self.pos;
                while self.pos < self.limit && matches!(s[self.pos], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\x0b') {
                    self.pos += 1;
                }
                self.space_seen = false;
                self.push_lit(T::tWORDS_SEP, sep, self.pos, b.literal);
                text_start = self.pos;
                continue;
            }
            if Some(c) == b.paren {
                depth += 1;
            } else if Some(c) == b.term {
                if depth == 0 {
                    flush(self, text_start, self.pos);
                    return Ok(self.pos);
                }
                depth -= 1;
            } else if c == b'#' && b.interpolate {
                let n = s.get(self.pos + 1).copied().unwrap_or(0);
                if n == b'{' {
                    flush(self, text_start, self.pos);
                    self.interpolation()?;
                    text_start = self.pos;
                    continue;
                }
                if matches!(n, b'@' | b'$') && self.dvar_follows(self.pos + 1) {
                    flush(self, text_start, self.pos);
                    let at = self.pos;
                    self.space_seen = false;
                    self.push(T::tSTRING_DVAR, at, at + 1);
                    self.pos += 1;
                    let saved = self.state;
                    if n == b'@' {
                        self.ivar(self.pos)?;
                    } else {
                        self.gvar(self.pos)?;
                    }
                    self.state = saved;
                    text_start = self.pos;
                    continue;
                }
            }
            self.pos += 1;
        }
    }

    /// `#@x`, `#@@x`, `#$x` interpolate only before a variable's name.
    fn dvar_follows(&self, at: usize) -> bool {
        let s = self.s;
        match s.get(at) {
            Some(b'@') => {
                let i = if s.get(at + 1) == Some(&b'@') { at + 2 } else { at + 1 };
                s.get(i).is_some_and(|&c| is_ident_start(c))
            }
            Some(b'$') => s
                .get(at + 1)
                .is_some_and(|&c| is_ident_start(c) || b"~*$?!@/\\;,.=:<>\"&`'+0123456789".contains(&c)),
            _ => false,
        }
    }

    /// `#{ code }` inside a literal: lexed as code up to its `}`.
    fn interpolation(&mut self) -> R<()> {
        let at = self.pos;
        self.space_seen = false;
        self.push(T::tSTRING_DBEG, at, at + 2);
        self.pos += 2;
        self.open(Open::Interp, at)?;
        let depth = self.frames.len();
        let (state, cmd, params, param_pos, stmt) = (
            self.state,
            self.command_start,
            self.params,
            self.param_pos,
            self.stmt_start,
        );
        self.state = BEG;
        self.command_start = true;
        self.params = Params::None;
        self.stmt_start = self.tokens.len();
        self.run(Some(depth))?;
        self.state = state;
        self.command_start = cmd;
        self.params = params;
        self.param_pos = param_pos;
        self.stmt_start = stmt;
        Ok(())
    }

    /// `/regexp/flags` at `start`.
    pub(super) fn regexp_slash(&mut self, start: usize) -> R<()> {
        let lit = self.new_literal(LitKind::Regexp, b'/', 0, false, false);
        self.push_lit(T::tREGEXP_BEG, start, start + 1, lit);
        self.pos = start + 1;
        self.regexp_rest(lit, b'/', None)
    }

    fn regexp_rest(&mut self, lit: usize, term: u8, paren: Option<u8>) -> R<()> {
        let close = self.body(Body {
            literal: lit,
            term: Some(term),
            paren,
            interpolate: true,
            words: false,
        })?;
        let mut end = close + 1;
        while end < self.limit && self.s[end].is_ascii_alphabetic() {
            end += 1;
        }
        if let Some(bad) = (close + 1..end).find(|&i| !b"imxounse".contains(&self.s[i])) {
            let options: String = self.s[bad..end]
                .iter()
                .filter(|c| !b"imxounse".contains(c))
                .map(|&c| char::from(c))
                .collect();
            return self.err(bad, format!("unknown regexp options - {options}"));
        }
        self.space_seen = false;
        self.pos = end;
        self.push_lit(T::tREGEXP_END, close, end, lit);
        self.state = END;
        Ok(())
    }

    /// `%w[...]`, `%q(...)`, `%(...)`, `%r{...}`, ...; or the `%` operator.
    pub(super) fn percent(&mut self, start: usize, _cmd_state: bool) -> R<()> {
        let n1 = self.peek(1);
        let quotation = if self.is_beg() {
            true
        } else if n1 == b'=' {
            return self.op_asgn(start, 2);
        } else {
            self.is_spcarg(n1) || (self.is(FITEM) && n1 == b's')
        };
        if !quotation {
            self.pos = start + 1;
            self.push(T::tPERCENT, start, start + 1);
            self.state = self.op_state();
            return Ok(());
        }
        self.command_arg_starts();
        let (kind_char, open_at) = if n1.is_ascii_alphanumeric() {
            (n1, start + 2)
        } else {
            (b'Q', start + 1)
        };
        let open = self.s.get(open_at).copied().unwrap_or(0);
        if open == 0 || open.is_ascii_alphanumeric() || open >= 0x80 {
            return self.err(start, "unknown type of %string");
        }
        let (paren, term) = match open {
            b'(' => (Some(b'('), b')'),
            b'[' => (Some(b'['), b']'),
            b'{' => (Some(b'{'), b'}'),
            b'<' => (Some(b'<'), b'>'),
            c => (None, c),
        };
        let head = open_at + 1;
        let (beg, kind, words, interpolate) = match kind_char {
            b'Q' => (T::tSTRING_BEG, LitKind::Double, false, true),
            b'q' => (T::tSTRING_BEG, LitKind::Single, false, false),
            b'W' => (T::tWORDS_BEG, LitKind::Double, true, true),
            b'w' => (T::tQWORDS_BEG, LitKind::Single, true, false),
            b'I' => (T::tSYMBOLS_BEG, LitKind::Double, true, true),
            b'i' => (T::tQSYMBOLS_BEG, LitKind::Single, true, false),
            b'x' => (T::tXSTRING_BEG, LitKind::Double, false, true),
            b's' => (T::tDSYM_BEG, LitKind::Single, false, false),
            b'r' => (T::tREGEXP_BEG, LitKind::Regexp, false, true),
            _ => return self.err(start, "unknown type of %string"),
        };
        let lit = self.new_literal(kind, term, paren.unwrap_or(0), false, false);
        self.push_lit(beg, start, head, lit);
        self.pos = head;
        if beg == T::tREGEXP_BEG {
            return self.regexp_rest(lit, term, paren);
        }
        if words {
            // Leading space is no word.
            while self.pos < self.limit && matches!(self.s[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            }
        }
        let close = self.body(Body {
            literal: lit,
            term: Some(term),
            paren,
            interpolate,
            words,
        })?;
        self.space_seen = false;
        self.pos = close + 1;
        self.push_lit(T::tSTRING_END, close, close + 1, lit);
        self.state = END;
        Ok(())
    }

    /// After `:`: a symbol (`:name`, `:+`, `:[]=`, `:"..."`).
    pub(super) fn symbol(&mut self, start: usize) -> R<()> {
        self.command_arg_starts();
        let s = self.s;
        let i = start + 1;
        let c = s.get(i).copied().unwrap_or(0);
        if c == b'"' || c == b'\'' {
            let kind = if c == b'"' { LitKind::Double } else { LitKind::Single };
            let lit = self.new_literal(kind, c, 0, false, false);
            self.push_lit(T::tDSYM_BEG, start, i + 1, lit);
            self.pos = i + 1;
            let close = self.body(Body {
                literal: lit,
                term: Some(c),
                paren: None,
                interpolate: kind == LitKind::Double,
                words: false,
            })?;
            self.space_seen = false;
            self.pos = close + 1;
            self.push_lit(T::tSTRING_END, close, close + 1, lit);
            self.state = END;
            return Ok(());
        }
        let end = symbol_name_end(s, i, self.limit);
        if end == i {
            return self.err(start, "`:` is not followed by a symbol's name");
        }
        self.pos = end;
        self.push(T::tSYMBOL, start, end);
        self.state = ENDFN;
        self.param_pos = false;
        Ok(())
    }

    /// `?`: a character literal (`?a`, `?\n`) or the ternary operator.
    pub(super) fn question(&mut self, start: usize) -> R<()> {
        let s = self.s;
        let ternary = |lx: &mut Lexer| {
            lx.pos = start + 1;
            lx.push(T::tQMARK, start, start + 1);
            lx.state = BEG;
            Ok(())
        };
        if self.is_end() {
            return ternary(self);
        }
        let Some(&c) = s.get(start + 1).filter(|_| start + 1 < self.limit) else {
            return self.err(start, "incomplete character syntax");
        };
        if c.is_ascii_whitespace() {
            return ternary(self);
        }
        if is_ident_char(c) && s.get(start + 2).is_some_and(|&d| is_ident_char(d)) && c < 0x80 {
            return ternary(self);
        }
        let mut end = start + 2;
        if c == b'\\' {
            end = escape_end(s, start + 1, self.limit);
        } else if c >= 0x80 {
            while end < self.limit && (s[end] as i8) < -0x40 {
                end += 1;
            }
        }
        self.command_arg_starts();
        self.pos = end;
        self.push(T::tCHAR, start, end);
        self.state = END;
        Ok(())
    }

    /// `<<ID`, `<<-ID`, `<<~ID`, `<<"ID"`, `<<'ID'`, `` <<`ID` `` at `start`:
    /// the body is the lines after this one up to the terminator. `None` when
    /// this is no heredoc (`<<` is then an operator).
    pub(super) fn heredoc(&mut self, start: usize) -> R<Option<()>> {
        let s = self.s;
        let mut i = start + 2;
        let mut indent = false;
        let mut squiggly = false;
        match s.get(i) {
            Some(b'-') => {
                indent = true;
                i += 1;
            }
            Some(b'~') => {
                indent = true;
                squiggly = true;
                i += 1;
            }
            _ => {}
        }
        let (quote, id_start) = match s.get(i) {
            Some(&q @ (b'\'' | b'"' | b'`')) => (Some(q), i + 1),
            _ => (None, i),
        };
        let id_end = match quote {
            Some(q) => {
                let Some(n) = s[id_start..self.limit].iter().position(|&c| c == q || c == b'\n') else {
                    return Ok(None);
                };
                if s[id_start + n] != q {
                    return Ok(None);
                }
                id_start + n
            }
            None => {
                let mut j = id_start;
                while j < self.limit && is_ident_char(s[j]) {
                    j += 1;
                }
                if j == id_start || !is_ident_start(s[id_start]) && !s[id_start].is_ascii_digit() {
                    return Ok(None);
                }
                j
            }
        };
        let opener_end = if quote.is_some() { id_end + 1 } else { id_end };
        let id = &s[id_start..id_end];
        // The body starts on the next line, or after the body of a heredoc
        // opened earlier on this line.
        let body_start = match self.heredoc_resume {
            Some(p) => p,
            None => match s[opener_end..self.limit].iter().position(|&c| c == b'\n') {
                Some(n) => opener_end + n + 1,
                None => return self.err(start, "this heredoc is never terminated"),
            },
        };
        let mut line = body_start;
        let (body_end, resume) = loop {
            if line >= self.limit {
                return self.err(
                    start,
                    format!(
                        "this heredoc is never terminated (no line `{}`)",
                        String::from_utf8_lossy(id)
                    ),
                );
            }
            let eol = s[line..self.limit]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(self.limit, |n| line + n);
            let mut text = &s[line..eol];
            if text.last() == Some(&b'\r') {
                text = &text[..text.len() - 1];
            }
            let t = if indent {
                let k = text.iter().position(|&c| c != b' ' && c != b'\t').unwrap_or(text.len());
                &text[k..]
            } else {
                text
            };
            if t == id {
                break (line, (eol + 1).min(self.limit));
            }
            line = eol + 1;
        };
        self.command_arg_starts();
        let (beg, kind) = match quote {
            Some(b'\'') => (T::tSTRING_BEG, LitKind::Single),
            Some(b'`') => (T::tXSTRING_BEG, LitKind::Double),
            _ => (T::tSTRING_BEG, LitKind::Double),
        };
        let lit = self.new_literal(kind, 0, 0, squiggly, true);
        self.push_lit(beg, start, opener_end, lit);
        // Read the body as its own region, then go on after the opener.
        let limit = self.limit;
        self.heredoc_resume = None;
        self.pos = body_start;
        self.limit = body_end;
        let read = self.body(Body {
            literal: lit,
            term: None,
            paren: None,
            interpolate: kind == LitKind::Double,
            words: false,
        });
        self.limit = limit;
        read?;
        self.space_seen = false;
        self.push_lit(T::tSTRING_END, body_end, resume.max(body_end), lit);
        self.heredoc_resume = Some(resume);
        self.pos = opener_end;
        self.state = END;
        Ok(Some(()))
    }
}

/// Where a symbol's name (after `:`) ends; `at` if there is none.
pub(super) fn symbol_name_end(s: &[u8], at: usize, limit: usize) -> usize {
    let c = s.get(at).copied().unwrap_or(0);
    let rest = &s[at..limit];
    if c == b'@' || c == b'$' || is_ident_start(c) {
        let mut i = at;
        if c == b'@' {
            i += if rest.starts_with(b"@@") { 2 } else { 1 };
        } else if c == b'$' {
            i += 1;
            if s.get(i).is_some_and(|&d| !is_ident_start(d)) {
                return (i + 1).min(limit);
            }
        }
        while i < limit && is_ident_char(s[i]) {
            i += 1;
        }
        if c != b'@' && c != b'$' && i < limit {
            match s[i] {
                b'?' | b'!' if s.get(i + 1) != Some(&b'=') || s.get(i + 2) == Some(&b'=') => i += 1,
                b'=' if !matches!(s.get(i + 1), Some(b'=' | b'~' | b'>')) => i += 1,
                _ => {}
            }
        }
        return i;
    }
    for op in [
        &b"[]="[..],
        b"[]",
        b"===",
        b"==",
        b"=~",
        b"!=",
        b"!~",
        b"<=>",
        b"<=",
        b">=",
        b"<<",
        b">>",
        b"**",
        b"+@",
        b"-@",
        b"~@",
        b"!@",
        b"+",
        b"-",
        b"*",
        b"/",
        b"%",
        b"<",
        b">",
        b"!",
        b"~",
        b"&",
        b"|",
        b"^",
    ] {
        if rest.starts_with(op) {
            return at + op.len();
        }
    }
    at
}

/// Where the escape starting with `\` at `at` ends.
fn escape_end(s: &[u8], at: usize, limit: usize) -> usize {
    let mut i = at + 1;
    let Some(&c) = s.get(i) else {
        return limit;
    };
    i += 1;
    match c {
        b'u' => {
            if s.get(i) == Some(&b'{') {
                while i < limit && s[i] != b'}' {
                    i += 1;
                }
                i + 1
            } else {
                (i + 4).min(limit)
            }
        }
        b'x' => {
            let mut n = 0;
            while n < 2 && i < limit && s[i].is_ascii_hexdigit() {
                i += 1;
                n += 1;
            }
            i
        }
        b'0'..=b'7' => {
            let mut n = 1;
            while n < 3 && i < limit && (b'0'..=b'7').contains(&s[i]) {
                i += 1;
                n += 1;
            }
            i
        }
        b'C' | b'M' if s.get(i) == Some(&b'-') => escape_or_char(s, i + 1, limit),
        b'c' => escape_or_char(s, i, limit),
        _ if c >= 0x80 => {
            while i < limit && (s[i] as i8) < -0x40 {
                i += 1;
            }
            i
        }
        _ => i,
    }
}

fn escape_or_char(s: &[u8], at: usize, limit: usize) -> usize {
    if s.get(at) == Some(&b'\\') {
        escape_end(s, at, limit)
    } else {
        (at + 1).min(limit)
    }
}
