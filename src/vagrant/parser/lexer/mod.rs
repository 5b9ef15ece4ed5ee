//! Ruby's lexer: the source into [`Token`]s as parse.y's lexer makes them.
//!
//! Ruby cannot be read by a grammar alone: whether `/` starts a regexp, `-1`
//! is an argument, `[` an array or an index, `{` a hash or a block, `do` the
//! block of a command or of the call inside it, `foo:` a label, and whether a
//! newline ends a statement depends on the *lexer state* (what came before,
//! and whether there was a space) and on which names are *local variables*
//! at that point (`x -1` subtracts when `x` is a local, passes `-1` when it is
//! a method). This lexer keeps both, as parse.y does: the state after every
//! token (`EXPR_BEG`, `EXPR_ARG`, ...), the scopes and the locals assigned or
//! bound so far, and, per bracket level, whether a command's arguments or a
//! loop's condition is being read. Heredoc bodies are read when their opener
//! is met and the line goes on after it, as Ruby does.

mod literals;

use super::tokens::{flags, Lexed, LitKind, Literal, Token, T};
use crate::diagnostic::Span;

/// Why a file could not be lexed.
#[derive(Debug, Clone)]
pub struct LexError {
    /// Byte offset.
    pub at: usize,
    pub message: String,
}

type R<T> = Result<T, LexError>;

/// Deepest nesting of brackets, blocks, keywords and interpolations.
pub const MAX_NESTING: usize = 256;

/// Deepest nesting of brackets, blocks and keywords together with what
/// nests without them: prefix and right-associative operators (`!`, `-`,
/// `not`, `defined?`, `=`, `+=`, `**`, `? :`, `rescue`, ranges, splats) and
/// command calls whose arguments are commands (`a b c 1`), counted per
/// statement or list item. The grammar, the builder, the evaluator and
/// dropping the tree each recurse once per level, so this bounds them all
/// (the stack this takes is measured at `PARSE_STACK` in the parser).
pub const MAX_DEPTH: usize = 512;

/// Most left-associative operators and calls in one expression (`a + b + c`,
/// `a.b.c`, `a[0][0]`, `x if y if z`): the grammar reads them flat, but
/// the tree is as deep as the chain is long, and evaluating or dropping it
/// recurses. Ruby 3.1 itself stops between 10,000 and 20,000 terms (stack
/// level too deep, measured with `ruby` on `x = 0 + 1 + ... + N`).
pub const MAX_CHAIN: usize = 10_000;

// Lexer states (parse.y's `enum lex_state_e`).
const BEG: u16 = 1;
const END: u16 = 2;
const ENDARG: u16 = 4;
const ENDFN: u16 = 8;
const ARG: u16 = 16;
const CMDARG: u16 = 32;
const MID: u16 = 64;
const FNAME: u16 = 128;
const DOT: u16 = 256;
const CLASS: u16 = 512;
const LABEL: u16 = 1024;
const LABELED: u16 = 2048;
const FITEM: u16 = 4096;
const BEG_ANY: u16 = BEG | MID | CLASS;
const ARG_ANY: u16 = ARG | CMDARG;
const END_ANY: u16 = END | ENDARG | ENDFN;

/// What opened a nesting level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    /// The file itself.
    Top,
    Paren,
    Bracket,
    /// A hash literal's `{`.
    Hash,
    /// A block's or lambda's `{`.
    BraceBlock,
    /// `#{` in a literal.
    Interp,
    /// A keyword that `end` closes (`def`, `class`, `do`, `if`, ...).
    Keyword,
}

/// One nesting level.
#[derive(Debug, Clone)]
struct Frame {
    open: Open,
    /// A command's arguments are being read at this level (its `do` is `kDO_BLOCK`).
    cmdarg: bool,
    /// A `while`/`until`/`for` condition is being read (its `do` is `kDO_COND`).
    cond: bool,
    /// The frame opened a scope of local variables.
    scope: bool,
    /// `(` of an argument after a space (`foo (1)`): after its `)` comes EXPR_ENDARG.
    paren_arg: bool,
    /// Operators and command calls that nest in the statement or list item
    /// at hand (see [`MAX_DEPTH`]).
    chain: usize,
    /// Left-associative operators and calls in it (see [`MAX_CHAIN`]).
    links: usize,
    /// Where the statement around a `(` began (restored at its `)`).
    outer_stmt: Option<usize>,
}

/// Local variables of one scope.
#[derive(Debug, Default)]
struct Scope {
    vars: Vec<String>,
    /// `def`, `class`, `module`: names from outside are not seen.
    hard: bool,
}

/// Where parameters are being read, for declaring them as locals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Params {
    None,
    /// Between `|` and `|` of a block; the depth of brackets inside.
    Block(usize),
    /// A `def`'s parameters: in parentheses (with the depth) or to the line's end.
    Def {
        parens: bool,
        depth: usize,
    },
    /// A lambda's parameters.
    Lambda {
        parens: bool,
        depth: usize,
    },
}

struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
    /// End of the region being read (a heredoc body, or the file).
    limit: usize,
    state: u16,
    command_start: bool,
    space_seen: bool,
    tokens: Vec<Token>,
    literals: Vec<Literal>,
    frames: Vec<Frame>,
    scopes: Vec<Scope>,
    /// Where lexing goes on after the newline of a line with heredoc openers.
    heredoc_resume: Option<usize>,
    /// The frame count at `->`, while its parameters are read.
    lambda_at: Option<usize>,
    params: Params,
    /// Parameter lists this one is nested in.
    outer_params: Vec<Params>,
    /// The next name is at a parameter's place (after `(`, `,`, `*`, `&`, `|`).
    param_pos: bool,
    /// `kDEF` was just read; the method's name comes next.
    def_name: bool,
    /// Tokens since the statement began (for `a, b = ...`).
    stmt_start: usize,
    /// A scope was opened at `->` for the lambda's body frame to own.
    lambda_scope: bool,
    /// The next identifier is bound (`rescue => e`), after it is read.
    declare_next: bool,
    /// A `class` header is being read; its scope opens at the header's end.
    class_scope: bool,
    /// Between `for` and `in`: names are the loop's variables.
    for_vars: bool,
    /// Items of `alias` (two) or `undef` (a list) still to read as method names.
    alias_items: u8,
    /// The state the next token is read in, set after the last one was
    /// reported (parse.y's grammar actions between tokens).
    next_state: Option<u16>,
    undef_list: bool,
    /// The frames' `chain`s, summed.
    chained: usize,
    /// The frames' `links`, summed.
    linked: usize,
}

/// Lex a whole Ruby file.
pub fn lex(src: &str) -> Result<Lexed, LexError> {
    let mut lx = Lexer {
        s: src.as_bytes(),
        pos: 0,
        limit: src.len(),
        state: BEG,
        command_start: true,
        space_seen: false,
        tokens: Vec::with_capacity(src.len() / 4),
        literals: Vec::new(),
        frames: vec![Frame::new(Open::Top)],
        scopes: vec![Scope::default()],
        heredoc_resume: None,
        lambda_at: None,
        params: Params::None,
        outer_params: Vec::new(),
        param_pos: false,
        def_name: false,
        stmt_start: 0,
        lambda_scope: false,
        declare_next: false,
        class_scope: false,
        for_vars: false,
        alias_items: 0,
        undef_list: false,
        chained: 0,
        linked: 0,
        next_state: None,
    };
    // A byte order mark is not code.
    if lx.s.starts_with(&[0xEF, 0xBB, 0xBF]) {
        lx.pos = 3;
    }
    lx.run(None)?;
    let mut encoded = String::with_capacity(lx.tokens.len() * Lexed::WIDTH);
    for t in &lx.tokens {
        encoded.push(super::tokens::encode(t.kind));
    }
    Ok(Lexed {
        tokens: lx.tokens,
        literals: lx.literals,
        encoded,
    })
}

impl Frame {
    fn new(open: Open) -> Frame {
        Frame {
            open,
            cmdarg: false,
            cond: false,
            scope: false,
            paren_arg: false,
            chain: 0,
            links: 0,
            outer_stmt: None,
        }
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Keywords: the token, its modifier form, and the state after it.
fn keyword(word: &[u8]) -> Option<(T, T, u16)> {
    use T::*;
    Some(match word {
        b"class" => (kCLASS, kCLASS, CLASS),
        b"module" => (kMODULE, kMODULE, BEG),
        b"def" => (kDEF, kDEF, FNAME),
        b"undef" => (kUNDEF, kUNDEF, FNAME | FITEM),
        b"begin" => (kBEGIN, kBEGIN, BEG),
        b"rescue" => (kRESCUE, kRESCUE_MOD, MID),
        b"ensure" => (kENSURE, kENSURE, BEG),
        b"end" => (kEND, kEND, END),
        b"if" => (kIF, kIF_MOD, BEG),
        b"unless" => (kUNLESS, kUNLESS_MOD, BEG),
        b"then" => (kTHEN, kTHEN, BEG),
        b"elsif" => (kELSIF, kELSIF, BEG),
        b"else" => (kELSE, kELSE, BEG),
        b"case" => (kCASE, kCASE, BEG),
        b"when" => (kWHEN, kWHEN, BEG),
        b"while" => (kWHILE, kWHILE_MOD, BEG),
        b"until" => (kUNTIL, kUNTIL_MOD, BEG),
        b"for" => (kFOR, kFOR, BEG),
        b"break" => (kBREAK, kBREAK, MID),
        b"next" => (kNEXT, kNEXT, MID),
        b"redo" => (kREDO, kREDO, END),
        b"retry" => (kRETRY, kRETRY, END),
        b"in" => (kIN, kIN, BEG),
        b"do" => (kDO, kDO, BEG),
        b"return" => (kRETURN, kRETURN, MID),
        b"yield" => (kYIELD, kYIELD, ARG),
        b"super" => (kSUPER, kSUPER, ARG),
        b"self" => (kSELF, kSELF, END),
        b"nil" => (kNIL, kNIL, END),
        b"true" => (kTRUE, kTRUE, END),
        b"false" => (kFALSE, kFALSE, END),
        b"and" => (kAND, kAND, BEG),
        b"or" => (kOR, kOR, BEG),
        b"not" => (kNOT, kNOT, ARG),
        b"alias" => (kALIAS, kALIAS, FNAME | FITEM),
        b"defined?" => (kDEFINED, kDEFINED, ARG),
        b"BEGIN" => (klBEGIN, klBEGIN, END),
        b"END" => (klEND, klEND, END),
        b"__LINE__" => (k__LINE__, k__LINE__, END),
        b"__FILE__" => (k__FILE__, k__FILE__, END),
        b"__ENCODING__" => (k__ENCODING__, k__ENCODING__, END),
        _ => return None,
    })
}

impl Lexer<'_> {
    fn err<X>(&self, at: usize, message: impl Into<String>) -> R<X> {
        Err(LexError {
            at,
            message: message.into(),
        })
    }

    fn peek(&self, k: usize) -> u8 {
        let i = self.pos + k;
        if i < self.limit {
            self.s[i]
        } else {
            0
        }
    }

    fn is(&self, state: u16) -> bool {
        self.state & state != 0
    }

    fn is_beg(&self) -> bool {
        self.is(BEG_ANY) || self.state & (ARG | LABELED) == (ARG | LABELED)
    }

    fn is_end(&self) -> bool {
        self.is(END_ANY)
    }

    fn is_arg(&self) -> bool {
        self.is(ARG_ANY)
    }

    /// An argument starts here after a space (`foo -1`, `foo [1]`, `foo *a`):
    /// the state is an argument's, a space came before and none comes after.
    fn is_spcarg(&self, next: u8) -> bool {
        self.is_arg() && self.space_seen && !next.is_ascii_whitespace()
    }

    fn label_possible(&self, cmd_state: bool) -> bool {
        (self.is(LABEL | ENDFN) && !cmd_state) || self.is_arg()
    }

    fn top(&mut self) -> &mut Frame {
        let n = self.frames.len() - 1;
        &mut self.frames[n]
    }

    fn push(&mut self, kind: T, start: usize, end: usize) {
        use T::*;
        match kind {
            tBANG | tUMINUS | tUMINUS_NUM | tUPLUS | tTILDE | kNOT | kDEFINED | tEQL | tOP_ASGN | tPOW | tQMARK
            | kRESCUE_MOD | tDOT2 | tDOT3 | tBDOT2 | tBDOT3 | tSTAR | tDSTAR | tAMPER => self.chain(),
            tCOMMA => self.unchain(),
            tPLUS | tMINUS | tMUL | tDIVIDE | tPERCENT | tLSHFT | tRSHFT | tAMP | tPIPE | tCARET | tANDOP | tOROP
            | tCMP | tEQ | tEQQ | tNEQ | tMATCH | tNMATCH | tGT | tGEQ | tLT | tLEQ | kAND | kOR | kIF_MOD
            | kUNLESS_MOD | kWHILE_MOD | kUNTIL_MOD | tDOT | tANDDOT | tCOLON2 | tLBRACK2 => {
                self.top().links += 1;
                self.linked += 1;
            }
            _ => {}
        }
        let mut flags = 0;
        if self.space_seen {
            flags |= flags::SPACE_BEFORE;
        }
        self.tokens.push(Token {
            kind,
            span: Span::new(start, end),
            flags,
            state: 0,
            literal: 0,
        });
    }

    fn push_lit(&mut self, kind: T, start: usize, end: usize, literal: usize) {
        self.push(kind, start, end);
        if let Some(t) = self.tokens.last_mut() {
            t.literal = literal as u32;
        }
    }

    /// One more level that nests without a bracket.
    fn chain(&mut self) {
        self.top().chain += 1;
        self.chained += 1;
    }

    /// A statement or list item ends: what nested in it ends with it.
    fn unchain(&mut self) {
        let f = self.top();
        let (chain, links) = (std::mem::take(&mut f.chain), std::mem::take(&mut f.links));
        self.chained -= chain;
        self.linked -= links;
    }

    fn open(&mut self, open: Open, at: usize) -> R<()> {
        if self.frames.len() >= MAX_NESTING {
            return self.err(
                at,
                format!("brackets, blocks and keywords nest more than {MAX_NESTING} deep here"),
            );
        }
        self.frames.push(Frame::new(open));
        Ok(())
    }

    /// Close the innermost frame of kind `open` (and any left open inside
    /// it); the closed frame.
    fn close(&mut self, open: Open) -> Option<Frame> {
        while self.frames.len() > 1 {
            let f = self.frames.pop().unwrap_or_else(|| Frame::new(Open::Top));
            self.chained -= f.chain;
            self.linked -= f.links;
            if f.scope {
                self.scopes.pop();
            }
            if let Some(s) = f.outer_stmt {
                self.stmt_start = s;
            }
            if f.open == open {
                return Some(f);
            }
        }
        None
    }

    fn open_scope(&mut self, hard: bool) {
        self.scopes.push(Scope { vars: Vec::new(), hard });
        self.top().scope = true;
    }

    fn declare(&mut self, name: &str) {
        if let Some(s) = self.scopes.last_mut() {
            if !s.vars.iter().any(|v| v == name) {
                s.vars.push(name.to_string());
            }
        }
    }

    /// Whether `name` is a local where the `def` being read was written (its
    /// receiver is read there, not in the method's own scope).
    fn is_local_outside(&self, name: &str) -> bool {
        let inner = self.scopes.len().saturating_sub(1);
        for s in self.scopes[..inner].iter().rev() {
            if s.vars.iter().any(|v| v == name) {
                return true;
            }
            if s.hard {
                return false;
            }
        }
        false
    }

    fn is_local(&self, name: &str) -> bool {
        for s in self.scopes.iter().rev() {
            if s.vars.iter().any(|v| v == name) {
                return true;
            }
            if s.hard {
                return false;
            }
        }
        false
    }

    /// The text of a token.
    fn text(&self, t: &Token) -> &str {
        std::str::from_utf8(&self.s[t.span.start as usize..t.span.end as usize]).unwrap_or("")
    }

    /// A statement ends: command arguments and conditions at this level end too.
    fn end_statement(&mut self) {
        if std::mem::take(&mut self.class_scope) {
            self.open_scope(true);
        }
        self.unchain();
        let f = self.top();
        f.cmdarg = false;
        f.cond = false;
        self.stmt_start = self.tokens.len();
        self.alias_items = 0;
        self.undef_list = false;
    }

    /// Skip spaces, comments and line continuations; whether any was seen.
    /// Stops at a newline (which may be a token).
    fn skip_space(&mut self) -> R<()> {
        loop {
            match self.peek(0) {
                b' ' | b'\t' | b'\x0c' | b'\r' | b'\x0b' => {
                    self.pos += 1;
                    self.space_seen = true;
                }
                b'\\' if self.peek(1) == b'\n' => {
                    self.pos += 2;
                    self.space_seen = true;
                    self.jump_heredocs();
                }
                b'\\' if self.peek(1) == b'\r' && self.peek(2) == b'\n' => {
                    self.pos += 3;
                    self.space_seen = true;
                    self.jump_heredocs();
                }
                b'#' => {
                    while self.pos < self.limit && self.s[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// After the newline ending a line with heredoc openers: past their bodies.
    fn jump_heredocs(&mut self) {
        if let Some(p) = self.heredoc_resume.take() {
            self.pos = self.pos.max(p);
        }
    }

    /// At a line's start: `=begin` comments and `__END__`. Whether the file ends here.
    fn line_start(&mut self) -> R<bool> {
        loop {
            let rest = &self.s[self.pos..self.limit];
            if rest.starts_with(b"=begin") && rest.get(6).is_none_or(|c| c.is_ascii_whitespace()) {
                let start = self.pos;
                // To the line after `=end`.
                let mut i = self.pos;
                loop {
                    let Some(nl) = self.s[i..self.limit].iter().position(|&c| c == b'\n') else {
                        return self.err(start, "this =begin comment is never closed with =end");
                    };
                    i += nl + 1;
                    let line = &self.s[i..self.limit];
                    if line.starts_with(b"=end") && line.get(4).is_none_or(|c| c.is_ascii_whitespace()) {
                        let eol = line.iter().position(|&c| c == b'\n').map_or(self.limit, |n| i + n + 1);
                        self.pos = eol;
                        break;
                    }
                }
                continue;
            }
            if rest.starts_with(b"__END__") && matches!(rest.get(7), None | Some(b'\n') | Some(b'\r')) {
                return Ok(true);
            }
            return Ok(false);
        }
    }

    /// Lex tokens until the end of the region, or until the `}` that closes
    /// the interpolation frame at depth `interp` (then returns after it).
    fn run(&mut self, interp: Option<usize>) -> R<()> {
        if (self.pos == 0 || self.s.get(self.pos.wrapping_sub(1)) == Some(&b'\n')) && self.line_start()? {
            return Ok(());
        }
        loop {
            if let Some(st) = self.next_state.take() {
                self.state = st;
            }
            self.space_seen = false;
            self.skip_space()?;
            if self.pos >= self.limit {
                if interp.is_some() {
                    return self.err(self.pos, "this #{ interpolation is never closed");
                }
                return Ok(());
            }
            let c = self.s[self.pos];
            if c == b'\n' {
                self.newline()?;
                if self.line_start()? {
                    if interp.is_some() {
                        return self.err(self.pos, "this #{ interpolation is never closed");
                    }
                    return Ok(());
                }
                continue;
            }
            if c == b'}' {
                if let Some(depth) = interp {
                    if self.frames.len() == depth && self.frames.last().is_some_and(|f| f.open == Open::Interp) {
                        let at = self.pos;
                        self.pos += 1;
                        self.close(Open::Interp);
                        self.space_seen = false;
                        self.push(T::tSTRING_DEND, at, at + 1);
                        self.state = END;
                        return Ok(());
                    }
                }
            }
            self.token()?;
            if let Some(why) = self.too_deep() {
                let at = self.tokens.last().map_or(self.pos, |t| t.span.start as usize);
                return self.err(at, why);
            }
        }
    }

    /// Why what is open here nests too deep for the stages after the lexer.
    fn too_deep(&self) -> Option<String> {
        if self.frames.len() + self.chained > MAX_DEPTH {
            return Some(format!(
                "expressions nest more than {MAX_DEPTH} deep here (brackets, blocks and keywords, \
                 with prefix and right-associative operators and command arguments)"
            ));
        }
        (self.linked > MAX_CHAIN).then(|| {
            format!(
                "expressions nest more than {MAX_CHAIN} deep here (operators and calls chained \
                 in one expression; Ruby itself stops near 15000)"
            )
        })
    }

    /// A newline: a token where it ends a statement; else nothing.
    fn newline(&mut self) -> R<()> {
        let at = self.pos;
        self.pos += 1;
        self.jump_heredocs();
        let ignored = (self.is(BEG | CLASS | FNAME | DOT) && !self.is(LABELED))
            || self.state & (ARG | LABELED) == (ARG | LABELED);
        if ignored {
            return Ok(());
        }
        // A line starting with `.meth` or `&.meth` continues the expression.
        let mut i = self.pos;
        loop {
            while i < self.limit && matches!(self.s[i], b' ' | b'\t' | b'\r' | b'\x0c') {
                i += 1;
            }
            if i < self.limit && self.s[i] == b'#' {
                while i < self.limit && self.s[i] != b'\n' {
                    i += 1;
                }
                if i < self.limit {
                    i += 1;
                    continue;
                }
            }
            break;
        }
        let rest = &self.s[i.min(self.limit)..self.limit];
        if (rest.starts_with(b".") && !rest.starts_with(b"..")) || rest.starts_with(b"&.") {
            self.pos = i;
            return Ok(());
        }
        self.space_seen = false;
        // `\r\n` is one newline.
        let nl_start = if at > 0 && self.s[at - 1] == b'\r' { at - 1 } else { at };
        self.push(T::tNL, nl_start, at + 1);
        self.end_statement();
        self.command_start = true;
        self.state = BEG;
        self.end_params_at_newline();
        Ok(())
    }

    /// Parameters start (a block's inside a `def`'s default value nests).
    fn enter_params(&mut self, p: Params) {
        if self.params != Params::None {
            self.outer_params.push(self.params);
        }
        self.params = p;
    }

    /// Parameters end; the enclosing list, if any, goes on.
    fn leave_params(&mut self) {
        self.params = self.outer_params.pop().unwrap_or(Params::None);
    }

    fn end_params_at_newline(&mut self) {
        if let Params::Def { parens: false, .. } | Params::Lambda { parens: false, .. } = self.params {
            self.leave_params();
        }
    }

    /// One token, and the state after it recorded on the tokens it made.
    fn token(&mut self) -> R<()> {
        let first = self.tokens.len();
        self.token_inner()?;
        // Where a command may start, a statement starts.
        if self.command_start {
            self.stmt_start = self.tokens.len();
        }
        let state = self.state;
        for t in &mut self.tokens[first..] {
            if t.state == 0 {
                t.state = state;
            }
        }
        Ok(())
    }

    fn token_inner(&mut self) -> R<()> {
        let before = self.tokens.len();
        let was_fname = self.is(FNAME);
        self.token_kind()?;
        // After `def`, the method's name (a word or an operator); then its parameters.
        if self.def_name && was_fname && self.tokens.len() > before {
            let last = self.tokens[self.tokens.len() - 1].kind;
            if !matches!(last, T::kDEF | T::kSELF) {
                self.after_fname();
            }
        }
        // `for a, b in`: the loop's variables.
        if self.for_vars && self.tokens.len() > before {
            let last = self.tokens[self.tokens.len() - 1];
            match last.kind {
                T::tIDENTIFIER => {
                    let name = self.text(&last).to_string();
                    self.declare(&name);
                }
                T::kIN => self.for_vars = false,
                _ => {}
            }
        }
        // `alias new old`, `undef a, b`: each item is read as a method name;
        // parse.y's grammar sets that state after the token before the item.
        if self.alias_items > 0 && self.tokens.len() > before {
            let last = self.tokens[self.tokens.len() - 1].kind;
            if matches!(last, T::kALIAS | T::kUNDEF) {
                return Ok(());
            }
            if self.undef_list {
                if last == T::tCOMMA {
                    self.next_state = Some(FNAME | FITEM);
                }
            } else {
                self.alias_items -= 1;
                if self.alias_items > 0 {
                    self.next_state = Some(FNAME | FITEM);
                }
            }
        }
        Ok(())
    }

    fn token_kind(&mut self) -> R<()> {
        let cmd_state = std::mem::replace(&mut self.command_start, false);
        let start = self.pos;
        let c = self.s[start];
        match c {
            b'"' | b'`' | b'\'' => return self.quote(c, cmd_state),
            b'0'..=b'9' => return self.number(start),
            b'@' => return self.ivar(start),
            b'$' => return self.gvar(start),
            _ if is_ident_start(c) => return self.identifier(start, cmd_state),
            _ => {}
        }
        self.punct(c, start, cmd_state)
    }

    /// Whether a command's arguments begin with the token at hand: a
    /// method's name was just read (state ARG/CMDARG), and a space separates it
    /// from something that starts a value.
    fn command_arg_starts(&mut self) {
        // (Whether a space came before decides the token's kind, `foo [1]`
        // or `foo[1]`; callers call this only for tokens that start a value.)
        if self.is_arg() {
            self.chain();
            let after_name = !self.is(LABELED)
                && matches!(
                    self.tokens.last().map(|t| t.kind),
                    Some(T::tIDENTIFIER | T::tFID | T::tCONSTANT | T::kSUPER | T::kYIELD)
                );
            if !self.top().cmdarg && after_name {
                let at = self.pos;
                let space = self.space_seen;
                self.push(T::tCMDARG, at, at);
                if let Some(t) = self.tokens.last_mut() {
                    t.flags = 0;
                }
                self.space_seen = space;
            }
            self.top().cmdarg = true;
        }
    }

    fn ivar(&mut self, start: usize) -> R<()> {
        let mut i = start + 1;
        let kind = if self.s.get(i) == Some(&b'@') {
            i += 1;
            T::tCVAR
        } else {
            T::tIVAR
        };
        if !self.s.get(i).is_some_and(|&c| is_ident_start(c)) {
            return self.err(start, "`@` is not followed by a variable name");
        }
        while i < self.limit && is_ident_char(self.s[i]) {
            i += 1;
        }
        let fname = self.is(FNAME);
        self.value_token(kind, start, i);
        if fname {
            self.state = ENDFN;
        }
        Ok(())
    }

    fn gvar(&mut self, start: usize) -> R<()> {
        let mut i = start + 1;
        let c = self.s.get(i).copied().unwrap_or(0);
        let kind = match c {
            b'1'..=b'9' => {
                while i < self.limit && self.s[i].is_ascii_digit() {
                    i += 1;
                }
                T::tNTH_REF
            }
            b'&' | b'`' | b'\'' | b'+' => {
                i += 1;
                T::tBACK_REF
            }
            b'~' | b'*' | b'$' | b'?' | b'!' | b'@' | b'/' | b'\\' | b';' | b',' | b'.' | b'=' | b':' | b'<' | b'>'
            | b'"' | b'0' => {
                i += 1;
                T::tGVAR
            }
            b'-' => {
                i += 1;
                if self.s.get(i).is_some_and(|&c| is_ident_char(c)) {
                    i += 1;
                }
                T::tGVAR
            }
            _ if is_ident_start(c) => {
                while i < self.limit && is_ident_char(self.s[i]) {
                    i += 1;
                }
                T::tGVAR
            }
            _ => return self.err(start, "`$` is not followed by a variable name"),
        };
        self.value_token(kind, start, i);
        Ok(())
    }

    /// A variable or literal: it may begin a command's arguments; the state
    /// after it is END (a name after `def`, `alias`: ENDFN).
    fn value_token(&mut self, kind: T, start: usize, end: usize) {
        self.command_arg_starts();
        self.pos = end;
        self.push(kind, start, end);
        self.state = END;
        self.after_name_in_params();
    }

    fn after_name_in_params(&mut self) {
        self.param_pos = false;
    }

    fn number(&mut self, start: usize) -> R<()> {
        let s = self.s;
        let mut i = start;
        let mut kind = T::tINTEGER;
        let digits = |i: &mut usize, ok: fn(u8) -> bool| {
            while *i < self.limit && (ok(s[*i]) || (s[*i] == b'_' && *i + 1 < self.limit && ok(s[*i + 1]))) {
                *i += 1;
            }
        };
        if s[i] == b'0'
            && i + 1 < self.limit
            && matches!(s[i + 1], b'x' | b'X' | b'b' | b'B' | b'o' | b'O' | b'd' | b'D' | b'_')
        {
            i += 2;
            match s[i - 1] {
                b'x' | b'X' => digits(&mut i, |c| c.is_ascii_hexdigit()),
                b'b' | b'B' => digits(&mut i, |c| c == b'0' || c == b'1'),
                b'o' | b'O' | b'_' => digits(&mut i, |c| (b'0'..=b'7').contains(&c)),
                _ => digits(&mut i, |c| c.is_ascii_digit()),
            }
        } else {
            digits(&mut i, |c| c.is_ascii_digit());
            if i + 1 < self.limit && s[i] == b'.' && s[i + 1].is_ascii_digit() {
                i += 1;
                digits(&mut i, |c| c.is_ascii_digit());
                kind = T::tFLOAT;
            }
            if i < self.limit && matches!(s[i], b'e' | b'E') {
                let mut j = i + 1;
                if j < self.limit && matches!(s[j], b'+' | b'-') {
                    j += 1;
                }
                if j < self.limit && s[j].is_ascii_digit() {
                    i = j;
                    digits(&mut i, |c| c.is_ascii_digit());
                    kind = T::tFLOAT;
                }
            }
        }
        // Suffixes: `r` (rational), `i` (imaginary), `ri`.
        let suffix_ok = |j: usize| j >= self.limit || !is_ident_char(s[j]);
        if i < self.limit && s[i] == b'r' && suffix_ok(i + 1) && kind != T::tFLOAT
            || i < self.limit && s[i] == b'r' && kind == T::tFLOAT && suffix_ok(i + 1)
        {
            i += 1;
            kind = T::tRATIONAL;
        } else if i + 1 < self.limit && s[i] == b'r' && s[i + 1] == b'i' && suffix_ok(i + 2) {
            i += 2;
            kind = T::tIMAGINARY;
        } else if i < self.limit && s[i] == b'i' && suffix_ok(i + 1) {
            i += 1;
            kind = T::tIMAGINARY;
        }
        if i < self.limit && is_ident_char(s[i]) {
            return self.err(i, "this number is followed by letters Ruby does not accept");
        }
        self.value_token(kind, start, i);
        Ok(())
    }

    fn identifier(&mut self, start: usize, cmd_state: bool) -> R<()> {
        let s = self.s;
        let mut i = start;
        while i < self.limit && is_ident_char(s[i]) {
            i += 1;
        }
        let mut end = i;
        // `foo?`, `foo!` (not `foo!=`, `foo?=`... when `=` would make `!=`).
        let fid = i < self.limit
            && matches!(s[i], b'?' | b'!')
            && !(i + 1 < self.limit
                && s[i + 1] == b'='
                && !(i + 2 < self.limit && matches!(s[i + 2], b'=' | b'~' | b'>')));
        if fid {
            end = i + 1;
        }
        let word = &s[start..end];
        let text = std::str::from_utf8(word).unwrap_or("").to_string();
        let was = self.state;
        // A label: `foo:` where labels are possible (and not `foo::`).
        if self.label_possible(cmd_state) && s.get(end) == Some(&b':') && s.get(end + 1) != Some(&b':') {
            self.command_arg_starts();
            self.pos = end + 1;
            self.push(T::tLABEL, start, end + 1);
            self.state = ARG | LABELED;
            if self.param_pos && self.params != Params::None {
                self.declare(&text);
            }
            self.param_pos = false;
            return Ok(());
        }
        // After `def`, `alias`, `undef`, `:`: a method name, maybe a setter (`foo=`).
        if self.is(FNAME) {
            self.pos = end;
            if !fid && s.get(end) == Some(&b'=') && !matches!(s.get(end + 1), Some(b'=' | b'~' | b'>')) {
                // `def foo=(v)`, `alias foo= bar=`; but `def foo = 1` (endless) has a space.
                self.pos = end + 1;
                self.push(T::tSETTER, start, end + 1);
                self.state = if was == FNAME { ENDFN } else { END };
                self.after_fname();
                return Ok(());
            }
            if word == b"self" && self.def_name && (s.get(end) == Some(&b'.') || s[end..self.limit].starts_with(b"::"))
            {
                self.push(T::kSELF, start, end);
                self.state = ENDFN;
                return Ok(());
            }
            let kind = if fid {
                T::tFID
            } else if word[0].is_ascii_uppercase() {
                T::tCONSTANT
            } else {
                T::tIDENTIFIER
            };
            self.push(kind, start, end);
            // `def obj.name`: the receiver may be a local.
            let receiver = self.def_name && (s.get(end) == Some(&b'.') || s[end..self.limit].starts_with(b"::"));
            if receiver && kind == T::tIDENTIFIER && self.is_local_outside(&text) {
                if let Some(t) = self.tokens.last_mut() {
                    t.flags |= flags::LOCAL;
                }
            }
            // parse.y: ENDFN after exactly EXPR_FNAME (a `def`); after
            // `alias`/`undef` (EXPR_FNAME|EXPR_FITEM), END; keywords ENDFN.
            self.state = if was == FNAME || keyword(word).is_some() {
                ENDFN
            } else {
                END
            };
            self.after_fname();
            return Ok(());
        }
        // After `.`: any word is a method name.
        if !self.is(DOT) && (!fid || word == b"defined?") {
            if let Some((kw, kw_mod, after)) = keyword(word) {
                return self.keyword(kw, kw_mod, after, start, end, was, cmd_state);
            }
        }
        self.pos = end;
        let kind = if fid {
            T::tFID
        } else if word[0].is_ascii_uppercase() {
            T::tCONSTANT
        } else {
            T::tIDENTIFIER
        };
        let after_dot = self.is(DOT);
        let local = kind == T::tIDENTIFIER && !after_dot && self.is_local(&text);
        // (`command_arg_starts` itself asks for a space after a method's name.)
        self.command_arg_starts();
        self.push(kind, start, end);
        if local {
            if let Some(t) = self.tokens.last_mut() {
                t.flags |= flags::LOCAL;
            }
        }
        // Parameters and assignments declare locals.
        if kind == T::tIDENTIFIER
            && !after_dot
            && ((self.param_pos && self.params != Params::None) || self.assigned_here(end))
        {
            self.declare(&text);
        }
        if std::mem::take(&mut self.declare_next) && kind == T::tIDENTIFIER {
            self.declare(&text);
        }
        self.param_pos = false;
        self.state = if self.is(BEG_ANY | ARG_ANY | DOT) {
            if cmd_state {
                CMDARG
            } else {
                ARG
            }
        } else if self.is(FNAME) {
            ENDFN
        } else {
            END
        };
        if local {
            self.state = END | LABEL;
        }
        Ok(())
    }

    /// `name =` or `name op=` follows (not `==`, `=~`, `=>`): an assignment that
    /// makes `name` a local variable.
    fn assigned_here(&self, end: usize) -> bool {
        let s = self.s;
        let mut i = end;
        while i < self.limit && matches!(s[i], b' ' | b'\t') {
            i += 1;
        }
        let rest = &s[i..self.limit];
        if rest.starts_with(b"=") {
            return !matches!(rest.get(1), Some(b'=' | b'~' | b'>'));
        }
        for op in [
            &b"||="[..],
            b"&&=",
            b"+=",
            b"-=",
            b"*=",
            b"/=",
            b"%=",
            b"**=",
            b"|=",
            b"&=",
            b"^=",
            b"<<=",
            b">>=",
        ] {
            if rest.starts_with(op) {
                return true;
            }
        }
        // `a, b = ...` and `for a, b in`: the names of a list before `=` or `in`.
        rest.starts_with(b",") && self.list_assigned(i)
    }

    /// Whether the comma-separated names from `i` end in `=` (a multiple
    /// assignment) on this line, at this bracket level.
    fn list_assigned(&self, mut i: usize) -> bool {
        let s = self.s;
        let mut depth = 0i32;
        while i < self.limit {
            match s[i] {
                b'\n' | b';' => return false,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth < 0 {
                        return false;
                    }
                }
                b'=' if depth == 0 => return !matches!(s.get(i + 1), Some(b'=' | b'~' | b'>')),
                b'"' | b'\'' | b'`' | b'#' => return false,
                b'i' if depth == 0 && s[i..].starts_with(b"in ") && i > 0 && s[i - 1] == b' ' => {
                    return self.tokens.iter().rev().take(16).any(|t| t.kind == T::kFOR)
                }
                _ => {}
            }
            i += 1;
        }
        false
    }

    fn after_fname(&mut self) {
        if self.def_name {
            self.def_name = false;
            // `def self.foo`, `def Mod::foo`: the name comes after the `.` or `::`.
            if self.s.get(self.pos) == Some(&b'.') || self.s[self.pos..self.limit].starts_with(b"::") {
                self.def_name = true;
                return;
            }
            self.start_def_params();
        }
    }

    /// Parameters of a `def` follow its name: in parentheses or to the line's end.
    fn start_def_params(&mut self) {
        let mut i = self.pos;
        while i < self.limit && matches!(self.s[i], b' ' | b'\t') {
            i += 1;
        }
        let parens = self.s.get(i) == Some(&b'(');
        self.enter_params(Params::Def {
            parens,
            depth: self.frames.len(),
        });
        self.param_pos = !parens;
        // parse.y's `def_name` leaves EXPR_ENDFN (labels allowed for the
        // parameters of a `def` without parentheses).
        self.next_state = Some(if parens { ENDFN } else { ENDFN | LABEL });
    }

    #[allow(clippy::too_many_arguments)]
    fn keyword(&mut self, kw: T, kw_mod: T, after: u16, start: usize, end: usize, was: u16, cmd_state: bool) -> R<()> {
        use T::*;
        self.pos = end;
        let beg = was & (BEG | LABELED | CLASS) != 0;
        let mut kind = if beg { kw } else { kw_mod };
        if kw == kDO {
            kind = self.do_kind();
        }
        // Values and `not`, `defined?`, `->`-like keywords start command arguments.
        if matches!(
            kind,
            kNIL | kTRUE
                | kFALSE
                | kSELF
                | kNOT
                | kDEFINED
                | k__FILE__
                | k__LINE__
                | k__ENCODING__
                | kSUPER
                | kYIELD
                | kCASE
                | kIF
                | kUNLESS
                | kWHILE
                | kUNTIL
                | kBEGIN
                | kDEF
                | kCLASS
                | kMODULE
                | kFOR
        ) {
            self.command_arg_starts();
        }
        self.push(kind, start, end);
        self.state = if kind == kw_mod && kw != kw_mod {
            BEG | LABEL
        } else {
            after
        };
        // A keyword whose state is EXPR_BEG starts a command (parse.y).
        if after & BEG != 0 {
            self.command_start = true;
        }
        match kind {
            kALIAS => {
                self.alias_items = 2;
                self.undef_list = false;
            }
            kUNDEF => {
                self.alias_items = u8::MAX;
                self.undef_list = true;
            }
            kDEF => {
                self.open(Open::Keyword, start)?;
                self.open_scope(true);
                self.def_name = true;
            }
            kCLASS => {
                // The scope starts after the header: `class << obj` and the
                // superclass are read outside it.
                self.open(Open::Keyword, start)?;
                self.class_scope = true;
            }
            kMODULE => {
                self.open(Open::Keyword, start)?;
                self.open_scope(true);
            }
            kBEGIN | kCASE => self.open(Open::Keyword, start)?,
            kIF | kUNLESS => self.open(Open::Keyword, start)?,
            kWHILE | kUNTIL | kFOR => {
                self.open(Open::Keyword, start)?;
                self.top().cond = true;
                self.for_vars = kind == kFOR;
            }
            kDO | kDO_BLOCK => {
                self.top().cmdarg = false;
                self.open(Open::Keyword, start)?;
                self.open_scope(false);
                self.block_params_may_follow();
                self.command_start = true;
            }
            kDO_LAMBDA => {
                self.lambda_at = None;
                self.leave_params();
                self.open(Open::Keyword, start)?;
                self.adopt_lambda_scope();
                self.command_start = true;
            }
            kDO_COND => {
                self.top().cond = false;
                self.command_start = true;
            }
            kEND => {
                self.close(Open::Keyword);
                self.state = END;
            }
            kTHEN | kELSE | kELSIF | kENSURE => {
                self.top().cmdarg = false;
                self.top().cond = false;
                self.command_start = true;
            }
            kRESCUE => {
                self.top().cmdarg = false;
                self.command_start = false;
            }
            kIF_MOD | kUNLESS_MOD | kWHILE_MOD | kUNTIL_MOD | kRESCUE_MOD | kAND | kOR => {
                self.top().cmdarg = false;
                if matches!(kind, kAND | kOR) {
                    self.command_start = true;
                }
            }
            kWHEN | kIN => {
                self.top().cmdarg = false;
            }
            kNOT | kRETURN | kBREAK | kNEXT | kYIELD | kSUPER | kDEFINED => {}
            _ => {}
        }
        let _ = cmd_state;
        Ok(())
    }

    /// Which `do` this is (parse.y's choice among its four).
    fn do_kind(&mut self) -> T {
        if self.lambda_at.is_some_and(|n| n == self.frames.len()) {
            return T::kDO_LAMBDA;
        }
        if self.top().cond {
            return T::kDO_COND;
        }
        if self.top().cmdarg && !self.is(CMDARG) {
            return T::kDO_BLOCK;
        }
        T::kDO
    }

    /// After a block's opener: `|params|` may follow.
    fn block_params_may_follow(&mut self) {
        let mut i = self.pos;
        while i < self.limit && matches!(self.s[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if self.s.get(i) == Some(&b'|') && self.s.get(i + 1) != Some(&b'|') {
            self.enter_params(Params::Block(self.frames.len()));
        } else if self.s.get(i) == Some(&b'|') && self.s.get(i + 1) == Some(&b'|') {
            // `{ || ... }`: no parameters.
        }
    }

    /// Operators and punctuation.
    fn punct(&mut self, c: u8, start: usize, cmd_state: bool) -> R<()> {
        use T::*;
        let s = self.s;
        let n1 = self.peek(1);
        let n2 = self.peek(2);
        let spc = self.space_seen;
        macro_rules! tok {
            ($kind:expr, $len:expr, $state:expr) => {{
                self.pos = start + $len;
                self.push($kind, start, start + $len);
                self.state = $state;
                return Ok(());
            }};
        }
        match c {
            b'*' => {
                if n1 == b'*' {
                    if n2 == b'=' {
                        return self.op_asgn(start, 3);
                    }
                    if self.is_spcarg(n2) || self.is_beg() {
                        self.command_arg_starts();
                        self.after_splat_in_params();
                        tok!(tDSTAR, 2, BEG);
                    }
                    self.after_splat_in_params();
                    tok!(tPOW, 2, self.op_state());
                }
                if n1 == b'=' {
                    return self.op_asgn(start, 2);
                }
                if self.is_spcarg(n1) || self.is_beg() {
                    self.command_arg_starts();
                    self.after_splat_in_params();
                    tok!(tSTAR, 1, BEG);
                }
                self.after_splat_in_params();
                tok!(tMUL, 1, self.op_state());
            }
            b'!' => {
                if self.is(FNAME | DOT) && n1 == b'@' {
                    tok!(tBANG, 2, ARG);
                }
                match n1 {
                    b'=' => tok!(tNEQ, 2, self.op_state()),
                    b'~' => tok!(tNMATCH, 2, self.op_state()),
                    _ => {
                        self.command_arg_starts();
                        tok!(tBANG, 1, if self.is(FNAME | DOT) { ARG } else { BEG });
                    }
                }
            }
            b'=' => {
                if n1 == b'=' {
                    if n2 == b'=' {
                        tok!(tEQQ, 3, self.op_state());
                    }
                    tok!(tEQ, 2, self.op_state());
                }
                if n1 == b'~' {
                    tok!(tMATCH, 2, self.op_state());
                }
                if n1 == b'>' {
                    self.param_pos = false;
                    // `rescue Foo => e` binds `e`.
                    self.pos = start + 2;
                    self.push(tASSOC, start, start + 2);
                    self.state = BEG;
                    self.rescue_var();
                    return Ok(());
                }
                self.pos = start + 1;
                self.push(tEQL, start, start + 1);
                self.state = BEG;
                self.declare_mlhs();
                Ok(())
            }
            b'<' => {
                if n1 == b'=' && n2 == b'>' {
                    tok!(tCMP, 3, self.op_state());
                }
                if n1 == b'=' {
                    tok!(tLEQ, 2, self.op_state());
                }
                if n1 == b'<' {
                    if n2 == b'=' {
                        return self.op_asgn(start, 3);
                    }
                    // A heredoc where a value may start (`<<~EOS`, `foo <<-EOS`).
                    if !self.is(DOT | CLASS) && !self.is_end() && (!self.is_arg() || self.is(LABELED) || spc) {
                        if let Some(()) = self.heredoc(start)? {
                            return Ok(());
                        }
                    }
                    if self.is(CLASS) || (self.tokens.last().is_some_and(|t| t.kind == kCLASS)) {
                        // `class << obj`: the object starts a statement.
                        self.command_start = true;
                        tok!(tLSHFT, 2, BEG);
                    }
                    tok!(tLSHFT, 2, self.op_state());
                }
                // `class Foo < Bar`: the superclass starts a statement (parse.y).
                if self.tokens[self.stmt_start.min(self.tokens.len())..]
                    .iter()
                    .any(|t| t.kind == kCLASS)
                {
                    self.pos = start + 1;
                    self.push(tLT, start, start + 1);
                    self.state = BEG;
                    self.command_start = true;
                    return Ok(());
                }
                tok!(tLT, 1, self.op_state());
            }
            b'>' => match (n1, n2) {
                (b'=', _) => tok!(tGEQ, 2, self.op_state()),
                (b'>', b'=') => self.op_asgn(start, 3),
                (b'>', _) => tok!(tRSHFT, 2, self.op_state()),
                _ => tok!(tGT, 1, self.op_state()),
            },
            b'?' => self.question(start),
            b'&' => {
                if n1 == b'&' {
                    if n2 == b'=' {
                        return self.op_asgn(start, 3);
                    }
                    tok!(tANDOP, 2, BEG);
                }
                if n1 == b'=' {
                    return self.op_asgn(start, 2);
                }
                if n1 == b'.' {
                    tok!(tANDDOT, 2, DOT);
                }
                if self.is_spcarg(n1) || self.is_beg() {
                    self.command_arg_starts();
                    self.after_splat_in_params();
                    tok!(tAMPER, 1, BEG);
                }
                self.after_splat_in_params();
                tok!(tAMP, 1, self.op_state());
            }
            b'|' => {
                if n1 == b'|' && !self.is(BEG) {
                    if n2 == b'=' {
                        return self.op_asgn(start, 3);
                    }
                    tok!(tOROP, 2, BEG);
                }
                if n1 == b'|' && self.is(BEG) {
                    // `{ || ... }`: an empty parameter list, two pipes.
                    self.pos = start + 1;
                    self.push(tPIPE, start, start + 1);
                    self.space_seen = false;
                    self.pos = start + 2;
                    self.push(tPIPE, start + 1, start + 2);
                    self.state = BEG;
                    return Ok(());
                }
                if n1 == b'=' {
                    return self.op_asgn(start, 2);
                }
                // Block parameters open and close with `|`.
                match self.params {
                    Params::Block(depth) if depth == self.frames.len() => {
                        let opening = !self.tokens.last().is_some_and(|t| t.kind == tPIPE)
                            && self
                                .tokens
                                .last()
                                .is_some_and(|t| matches!(t.kind, kDO | kDO_BLOCK | tLBRACE2 | tLBRACE_ARG));
                        if opening {
                            self.param_pos = true;
                            tok!(tPIPE, 1, BEG | LABEL);
                        }
                        self.leave_params();
                        self.param_pos = false;
                        // After block parameters a statement starts (parse.y's `opt_block_param`).
                        self.command_start = true;
                        tok!(tPIPE, 1, BEG | LABEL);
                    }
                    _ => {}
                }
                tok!(tPIPE, 1, if self.is(FNAME | DOT) { ARG } else { BEG | LABEL });
            }
            b'+' | b'-' => self.plus_minus(c, start, cmd_state),
            b'.' => {
                if n1 == b'.' {
                    let len = if n2 == b'.' { 3 } else { 2 };
                    let beginless = self.is_beg();
                    let kind = match (len, beginless) {
                        (3, true) if self.in_arg_list_forwarding(start) => tBDOT3_ARG,
                        (3, true) => tBDOT3,
                        (3, false) => tDOT3,
                        (_, true) => tBDOT2,
                        _ => tDOT2,
                    };
                    if kind == tBDOT3_ARG {
                        self.param_pos = false;
                        let in_def = matches!(self.params, Params::Def { .. });
                        tok!(kind, 3, if in_def { ENDARG } else { BEG });
                    }
                    tok!(kind, len, BEG);
                }
                if n1.is_ascii_digit() {
                    return self.err(start, "a float needs a digit before its `.` (`0.5`, not `.5`)");
                }
                // `def self.name`: the name after the `.` (parse.y sets EXPR_FNAME).
                if self.def_name {
                    self.next_state = Some(FNAME);
                }
                tok!(tDOT, 1, DOT);
            }
            b')' => {
                let closed = self.close(Open::Paren);
                if closed.is_some_and(|f| f.paren_arg) {
                    // parse.y's `tLPAREN_ARG stmt rparen` leaves EXPR_ENDARG.
                    self.next_state = Some(ENDARG);
                }
                if let Params::Def { parens: true, depth } | Params::Lambda { parens: true, depth } = self.params {
                    if depth == self.frames.len() {
                        // The body starts a statement (parse.y's `f_arglist`).
                        if matches!(self.params, Params::Def { .. }) {
                            self.command_start = true;
                            self.next_state = Some(BEG);
                        }
                        self.leave_params();
                        self.param_pos = false;
                    }
                }
                tok!(tRPAREN, 1, ENDFN);
            }
            b']' => {
                self.close(Open::Bracket);
                tok!(tRBRACK, 1, END);
            }
            b'}' => {
                let was_block = self.frames.last().is_some_and(|f| f.open == Open::BraceBlock);
                self.close(if was_block { Open::BraceBlock } else { Open::Hash });
                if self.params != Params::None {
                    if let Params::Block(d) = self.params {
                        if d > self.frames.len() {
                            self.leave_params();
                        }
                    }
                }
                tok!(tRBRACE, 1, END);
            }
            b':' => {
                if n1 == b':' {
                    if self.is_beg() || self.is(CLASS) || self.is_spcarg(n2) {
                        self.command_arg_starts();
                        tok!(tCOLON3, 2, BEG);
                    }
                    if self.def_name {
                        self.next_state = Some(FNAME);
                    }
                    tok!(tCOLON2, 2, DOT);
                }
                if self.is_end() || n1.is_ascii_whitespace() || n1 == b'#' || n1 == 0 {
                    tok!(tCOLON, 1, BEG);
                }
                self.symbol(start)
            }
            b'/' => {
                if self.is_beg() {
                    self.command_arg_starts();
                    return self.regexp_slash(start);
                }
                if n1 == b'=' {
                    return self.op_asgn(start, 2);
                }
                if self.is_spcarg(n1) {
                    self.command_arg_starts();
                    return self.regexp_slash(start);
                }
                tok!(tDIVIDE, 1, self.op_state());
            }
            b'^' => {
                if n1 == b'=' {
                    return self.op_asgn(start, 2);
                }
                tok!(tCARET, 1, self.op_state());
            }
            b';' => {
                self.pos = start + 1;
                self.push(tSEMI, start, start + 1);
                self.end_statement();
                self.command_start = true;
                self.state = BEG;
                if let Params::Block(_) = self.params {
                    // `|a; b|` block-local variables.
                    self.param_pos = true;
                } else {
                    self.end_params_at_newline();
                }
                Ok(())
            }
            b',' => {
                self.declare_mlhs_item();
                self.pos = start + 1;
                self.push(tCOMMA, start, start + 1);
                self.state = BEG | LABEL;
                if self.params != Params::None {
                    self.param_pos = true;
                }
                Ok(())
            }
            b'~' => {
                if self.is(FNAME | DOT) && n1 == b'@' {
                    tok!(tTILDE, 2, ARG);
                }
                self.command_arg_starts();
                tok!(tTILDE, 1, if self.is(FNAME | DOT) { ARG } else { BEG });
            }
            b'(' => {
                let kind = if self.is_beg() {
                    tLPAREN
                } else if !spc {
                    tLPAREN2
                } else if self.is_arg() || self.state & (END | LABEL) == (END | LABEL) {
                    tLPAREN_ARG
                } else {
                    tLPAREN2
                };
                if kind == tLPAREN_ARG || (kind == tLPAREN && spc) {
                    self.command_arg_starts();
                }
                self.open(Open::Paren, start)?;
                self.pos = start + 1;
                self.push(kind, start, start + 1);
                self.state = BEG | LABEL;
                self.top().paren_arg = kind == tLPAREN_ARG;
                if kind == tLPAREN {
                    // `(stmts)`: a statement starts inside; the one around
                    // goes on after the `)`.
                    self.top().outer_stmt = Some(self.stmt_start);
                    self.stmt_start = self.tokens.len();
                }
                if let Params::Def { parens: true, depth } | Params::Lambda { parens: true, depth } = self.params {
                    if depth + 1 == self.frames.len() {
                        self.param_pos = true;
                    }
                }
                Ok(())
            }
            b'[' => {
                if self.is(FNAME | DOT) {
                    if n1 == b']' && n2 == b'=' {
                        tok!(tASET, 3, ARG);
                    }
                    if n1 == b']' {
                        tok!(tAREF, 2, ARG);
                    }
                }
                let kind = if self.is_beg() || (self.is_arg() && (spc || self.is(LABELED))) {
                    if self.is_arg() {
                        self.command_arg_starts();
                    }
                    tLBRACK
                } else {
                    tLBRACK2
                };
                self.open(Open::Bracket, start)?;
                self.pos = start + 1;
                self.push(kind, start, start + 1);
                self.state = BEG | LABEL;
                Ok(())
            }
            b'{' => {
                let lambda = self.lambda_at.is_some_and(|n| n == self.frames.len());
                let kind = if lambda {
                    self.lambda_at = None;
                    self.leave_params();
                    tLAMBEG
                } else if self.is(LABELED) {
                    tLBRACE
                } else if self.is(ARG_ANY | END | ENDFN) {
                    tLBRACE2
                } else if self.is(ENDARG) {
                    tLBRACE_ARG
                } else {
                    tLBRACE
                };
                if kind == tLBRACE && self.is_arg() {
                    self.command_arg_starts();
                }
                let open = if kind == tLBRACE { Open::Hash } else { Open::BraceBlock };
                self.open(open, start)?;
                self.pos = start + 1;
                self.push(kind, start, start + 1);
                if open == Open::BraceBlock {
                    if kind == tLAMBEG {
                        self.adopt_lambda_scope();
                    } else {
                        self.open_scope(false);
                        self.block_params_may_follow();
                    }
                    self.command_start = true;
                    self.state = BEG;
                } else {
                    self.state = BEG | LABEL;
                }
                Ok(())
            }
            b'%' => self.percent(start, cmd_state),
            b'\\' => self.err(
                start,
                "a backslash outside a string continues a line only right before its end",
            ),
            _ => {
                self.pos = start + 1;
                while self.pos < self.limit && !self.s.is_char_boundary_at(self.pos) {
                    self.pos += 1;
                }
                self.push(tERROR, start, self.pos);
                Ok(())
            }
        }
        .map(|_| {
            let _ = s;
        })
    }

    /// The state after a binary operator (after `def`/`.`: a method name).
    fn op_state(&self) -> u16 {
        if self.is(FNAME | DOT) {
            ARG
        } else {
            BEG
        }
    }

    fn op_asgn(&mut self, start: usize, len: usize) -> R<()> {
        self.pos = start + len;
        self.push(T::tOP_ASGN, start, start + len);
        self.state = BEG;
        Ok(())
    }

    fn after_splat_in_params(&mut self) {
        if self.params != Params::None {
            self.param_pos = true;
        }
    }

    /// `...` as an argument (`foo(...)`) or parameter (`def foo(...)`).
    fn in_arg_list_forwarding(&self, start: usize) -> bool {
        let prev = self.tokens.last().map(|t| t.kind);
        matches!(prev, Some(T::tLPAREN2 | T::tCOMMA | T::tLPAREN)) && matches!(self.s.get(start + 3), Some(b')'))
    }

    /// `rescue Foo => e`: `e` becomes a local.
    fn rescue_var(&mut self) {
        let in_rescue = self
            .tokens
            .iter()
            .rev()
            .skip(1)
            .take_while(|t| !matches!(t.kind, T::tNL | T::tSEMI))
            .any(|t| t.kind == T::kRESCUE);
        if !in_rescue {
            return;
        }
        self.declare_next = true;
    }

    /// At a `,` that follows the first items of a multiple assignment at a
    /// statement's start (`a, b = ...`): parse.y makes each item a local when
    /// it reads the comma after it.
    fn declare_mlhs_item(&mut self) {
        let from = self.stmt_start.min(self.tokens.len());
        let toks = &self.tokens[from..];
        let Some(last) = toks.last() else {
            return;
        };
        if last.kind != T::tIDENTIFIER || last.has(flags::LOCAL) {
            return;
        }
        // Items so far: names, `*name`, `(`...`)` groups, indexes and attributes.
        let mut open: Vec<T> = Vec::new();
        let mut prev: Option<T> = None;
        for t in toks {
            let in_index = open.iter().any(|k| *k != T::tLPAREN);
            match t.kind {
                T::tLPAREN
                | T::tLPAREN2
                | T::tLPAREN_ARG
                | T::tLBRACK
                | T::tLBRACK2
                | T::tLBRACE
                | T::tLBRACE2
                | T::tLBRACE_ARG
                | T::tLAMBEG
                | T::tSTRING_DBEG => open.push(t.kind),
                T::tRPAREN | T::tRBRACK | T::tRBRACE | T::tSTRING_DEND => {
                    open.pop();
                }
                T::tIDENTIFIER | T::tCONSTANT | T::tIVAR | T::tGVAR | T::tCVAR if !in_index => {
                    if matches!(
                        prev,
                        Some(T::tIDENTIFIER | T::tCONSTANT | T::tIVAR | T::tGVAR | T::tCVAR)
                    ) {
                        return;
                    }
                }
                T::tCOMMA | T::tSTAR | T::tDOT | T::tCOLON2 | T::tANDDOT => {}
                _ if in_index => {}
                _ => return,
            }
            prev = Some(t.kind);
        }
        if open.iter().all(|k| *k == T::tLPAREN) {
            let name = self.text(last).to_string();
            self.declare(&name);
        }
    }

    /// At a plain `=`: when the tokens since the statement began are the
    /// targets of a multiple assignment (`a, (b, c), *d, e.f, g[0] =`), their
    /// names are locals and a `tMLHS` marker goes where the statement starts,
    /// so the grammar knows before it reads the targets.
    fn declare_mlhs(&mut self) {
        if self.params != Params::None {
            return;
        }
        let n = self.tokens.len();
        let from = self.stmt_start.min(n.saturating_sub(1));
        let toks = &self.tokens[from..n - 1];
        let Some(names) = mlhs_names(toks) else {
            return;
        };
        let names: Vec<String> = names.into_iter().map(|i| self.text(&toks[i]).to_string()).collect();
        for name in names {
            self.declare(&name);
        }
        let marker = Token {
            kind: T::tMLHS,
            span: Span::new(
                self.tokens[from].span.start as usize,
                self.tokens[from].span.start as usize,
            ),
            flags: 0,
            state: BEG,
            literal: 0,
        };
        self.tokens.insert(from, marker);
    }

    fn plus_minus(&mut self, c: u8, start: usize, _cmd_state: bool) -> R<()> {
        use T::*;
        let n1 = self.peek(1);
        let (unary, binary) = if c == b'+' { (tUPLUS, tPLUS) } else { (tUMINUS, tMINUS) };
        if self.is(FNAME | DOT) {
            let len = if n1 == b'@' { 2 } else { 1 };
            self.pos = start + len;
            self.push(if len == 2 { unary } else { binary }, start, start + len);
            self.state = ARG;
            return Ok(());
        }
        if n1 == b'=' {
            return self.op_asgn(start, 2);
        }
        if c == b'-' && n1 == b'>' {
            self.command_arg_starts();
            self.pos = start + 2;
            self.push(tLAMBDA, start, start + 2);
            self.state = ENDFN;
            self.open_scope_for_lambda();
            return Ok(());
        }
        if self.is_beg() || (self.is_spcarg(n1) && self.arg_ambiguous()) {
            self.command_arg_starts();
            self.pos = start + 1;
            if n1.is_ascii_digit() {
                if c == b'+' {
                    // `+1` is the number itself.
                    return self.number_after_sign(start);
                }
                self.push(tUMINUS_NUM, start, start + 1);
                self.state = BEG;
                return Ok(());
            }
            self.push(unary, start, start + 1);
            self.state = BEG;
            return Ok(());
        }
        self.pos = start + 1;
        self.push(binary, start, start + 1);
        self.state = BEG;
        Ok(())
    }

    fn number_after_sign(&mut self, start: usize) -> R<()> {
        // Lex the digits, then widen the token over the sign.
        self.number(start + 1)?;
        if let Some(t) = self.tokens.last_mut() {
            t.span = Span::new(start, t.span.end as usize);
        }
        Ok(())
    }

    /// parse.y warns here ("ambiguous first argument") and takes it as an argument.
    fn arg_ambiguous(&self) -> bool {
        true
    }

    /// `->`: a lambda's parameters follow, then `{` or `do`.
    fn open_scope_for_lambda(&mut self) {
        // The lambda's scope is the frame its body opens; its parameters are
        // declared in a scope opened now and closed with that frame.
        self.lambda_at = Some(self.frames.len());
        let mut i = self.pos;
        while i < self.limit && matches!(self.s[i], b' ' | b'\t') {
            i += 1;
        }
        let parens = self.s.get(i) == Some(&b'(');
        let body_next = self.s.get(i) == Some(&b'{')
            || (self.s[i.min(self.limit)..].starts_with(b"do")
                && !self.s.get(i + 2).is_some_and(|&c| is_ident_char(c)));
        if parens || (i < self.limit && !body_next) {
            self.enter_params(Params::Lambda {
                parens,
                depth: self.frames.len(),
            });
            self.param_pos = !parens;
        }
        // Its parameters go to a scope that the body's frame will close.
        self.scopes.push(Scope::default());
        self.lambda_scope = true;
    }

    /// The frame of a lambda's body owns the scope opened at `->`.
    fn adopt_lambda_scope(&mut self) {
        if std::mem::take(&mut self.lambda_scope) {
            self.top().scope = true;
        }
    }
}

/// If `toks` are the targets of a multiple assignment, the indexes of the
/// names among them that become locals.
fn mlhs_names(toks: &[Token]) -> Option<Vec<usize>> {
    let first = toks.first()?;
    let mut names = Vec::new();
    let mut open: Vec<T> = Vec::new();
    let mut top_comma = false;
    // Whether the last token ends an item's name (so another name cannot follow).
    let mut after_item = false;
    for (i, t) in toks.iter().enumerate() {
        let in_index = open.iter().any(|k| *k != T::tLPAREN);
        if in_index {
            match t.kind {
                T::tLBRACK2 | T::tLBRACK | T::tLPAREN | T::tLPAREN2 | T::tLBRACE | T::tLBRACE2 => open.push(t.kind),
                T::tRBRACK | T::tRPAREN | T::tRBRACE => {
                    open.pop();
                    after_item = true;
                }
                _ => {}
            }
            continue;
        }
        match t.kind {
            T::tIDENTIFIER | T::tCONSTANT | T::tIVAR | T::tGVAR | T::tCVAR | T::tFID => {
                if after_item {
                    return None;
                }
                let after_dot = i > 0 && matches!(toks[i - 1].kind, T::tDOT | T::tANDDOT | T::tCOLON2);
                if t.kind == T::tIDENTIFIER && !after_dot {
                    names.push(i);
                }
                after_item = true;
            }
            T::tDOT | T::tANDDOT | T::tCOLON2 => after_item = false,
            T::tCOLON3 => after_item = false,
            T::tLBRACK2 => open.push(t.kind),
            T::tLPAREN => {
                if after_item {
                    return None;
                }
                open.push(t.kind);
            }
            T::tRPAREN => {
                open.pop()?;
                after_item = true;
            }
            T::tCOMMA => {
                if open.is_empty() {
                    top_comma = true;
                }
                after_item = false;
            }
            T::tSTAR if !after_item => {}
            _ => return None,
        }
    }
    if !open.is_empty() {
        return None;
    }
    let grouped = first.kind == T::tLPAREN && toks.iter().any(|t| t.kind == T::tCOMMA);
    (top_comma || first.kind == T::tSTAR || grouped).then_some(names)
}

trait CharBoundary {
    fn is_char_boundary_at(&self, i: usize) -> bool;
}

impl CharBoundary for [u8] {
    fn is_char_boundary_at(&self, i: usize) -> bool {
        i >= self.len() || (self[i] as i8) >= -0x40
    }
}
