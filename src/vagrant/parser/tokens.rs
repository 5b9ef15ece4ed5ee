//! Ruby's tokens, as its own lexer (parse.y) distinguishes them. The grammar
//! (`grammar/ruby.pest`) is written over these: each token is one character of
//! Unicode's private use area in the text pest reads, so a rule like
//! `kIF ~ expr_value ~ then` reads as parse.y's does, and every question Ruby
//! answers while lexing (is this `/` a regexp, this `-1` an argument, this `{`
//! a block, this `do` the command's) is answered once, by the lexer.

use crate::diagnostic::Span;

macro_rules! tokens {
    ($($(#[doc = $doc:literal])* $name:ident = $code:literal,)*) => {
        /// A token kind. The names are parse.y's.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum T {
            $($(#[doc = $doc])* $name = $code,)*
        }

        impl T {
            /// Every kind, for the test that grammar and lexer agree.
            pub const ALL: &'static [T] = &[$(T::$name,)*];

            /// The name the grammar gives this token.
            pub fn name(self) -> &'static str {
                match self {
                    $(T::$name => stringify!($name),)*
                }
            }
        }
    };
}

tokens! {
    // Keywords.
    kCLASS = 1, kMODULE = 2, kDEF = 3, kUNDEF = 4, kBEGIN = 5, kRESCUE = 6, kENSURE = 7, kEND = 8,
    kIF = 9, kUNLESS = 10, kTHEN = 11, kELSIF = 12, kELSE = 13, kCASE = 14, kWHEN = 15, kWHILE = 16,
    kUNTIL = 17, kFOR = 18, kBREAK = 19, kNEXT = 20, kREDO = 21, kRETRY = 22, kIN = 23,
    /// `do` of a method call with parentheses or none (`foo(x) do`, `foo do`).
    kDO = 24,
    /// `do` of a `while`/`until`/`for` condition.
    kDO_COND = 25,
    /// `do` of a command (`foo x do`): it binds to `foo`.
    kDO_BLOCK = 26,
    /// `do` of a lambda (`-> x do`).
    kDO_LAMBDA = 27,
    kRETURN = 28, kYIELD = 29, kSUPER = 30, kSELF = 31, kNIL = 32, kTRUE = 33, kFALSE = 34,
    kAND = 35, kOR = 36, kNOT = 37,
    kIF_MOD = 38, kUNLESS_MOD = 39, kWHILE_MOD = 40, kUNTIL_MOD = 41, kRESCUE_MOD = 42,
    kALIAS = 43, kDEFINED = 44, klBEGIN = 45, klEND = 46,
    k__LINE__ = 47, k__FILE__ = 48, k__ENCODING__ = 49,
    // Names and values.
    tIDENTIFIER = 60,
    /// `foo?`, `foo!`.
    tFID = 61,
    tGVAR = 62, tIVAR = 63, tCONSTANT = 64, tCVAR = 65,
    /// `foo:` in an argument list or hash.
    tLABEL = 66,
    tINTEGER = 67, tFLOAT = 68, tRATIONAL = 69, tIMAGINARY = 70,
    /// `?a`.
    tCHAR = 71,
    /// `$1`.
    tNTH_REF = 72,
    /// `$&`, `` $` ``, `$'`, `$+`.
    tBACK_REF = 73,
    /// `:name`, `:+`, `:[]=`: a whole symbol literal.
    tSYMBOL = 74,
    /// A method name written as a setter after `def`, `alias`, `undef` or `:` (`foo=`).
    tSETTER = 75,
    // Literals' parts.
    tSTRING_BEG = 80, tXSTRING_BEG = 81, tREGEXP_BEG = 82, tWORDS_BEG = 83, tQWORDS_BEG = 84,
    tSYMBOLS_BEG = 85, tQSYMBOLS_BEG = 86,
    /// `:"...` and `%s(`.
    tDSYM_BEG = 87,
    tSTRING_CONTENT = 88,
    /// `#{`.
    tSTRING_DBEG = 89,
    /// `}` closing `#{`.
    tSTRING_DEND = 90,
    /// `#@x`, `#$x`, `#@@x` in a string.
    tSTRING_DVAR = 91,
    tSTRING_END = 92,
    /// A regexp's closing delimiter with its flags.
    tREGEXP_END = 93,
    /// `":` closing a string used as a label (`"key": 1`).
    tLABEL_END = 94,
    /// Space between the words of `%w[...]`.
    tWORDS_SEP = 95,
    // Operators and punctuation.
    tUPLUS = 100, tUMINUS = 101,
    /// `-` before a number literal where it is part of it (`-1`, `foo -1`).
    tUMINUS_NUM = 102,
    tPOW = 103, tCMP = 104, tEQ = 105, tEQQ = 106, tNEQ = 107, tGEQ = 108, tLEQ = 109,
    tANDOP = 110, tOROP = 111, tMATCH = 112, tNMATCH = 113, tDOT2 = 114, tDOT3 = 115,
    /// `..x` (beginless range).
    tBDOT2 = 116,
    tBDOT3 = 117,
    /// `[]` as a method name.
    tAREF = 118,
    /// `[]=` as a method name.
    tASET = 119,
    tLSHFT = 120, tRSHFT = 121, tANDDOT = 122, tCOLON2 = 123,
    /// `::` at the start of an expression (`::Foo`).
    tCOLON3 = 124,
    /// `+=`, `||=`, ...
    tOP_ASGN = 125,
    /// `=>`.
    tASSOC = 126,
    /// `(` starting an expression.
    tLPAREN = 127,
    /// `(` after a space in an argument position (`foo (1)`).
    tLPAREN_ARG = 128,
    tRPAREN = 129,
    /// `[` starting an array.
    tLBRACK = 130,
    /// `{` starting a hash.
    tLBRACE = 131,
    /// `{` of a block after a command's arguments.
    tLBRACE_ARG = 132,
    /// `*` of a splat.
    tSTAR = 133,
    /// `**` of a double splat.
    tDSTAR = 134,
    /// `&` of a block argument.
    tAMPER = 135,
    /// `->`.
    tLAMBDA = 136,
    /// `{` of a lambda's body.
    tLAMBEG = 137,
    /// `...` as an argument or parameter (forwarding).
    tBDOT3_ARG = 138,
    tEQL = 140, tLT = 141, tGT = 142, tPLUS = 143, tMINUS = 144, tMUL = 145, tDIVIDE = 146,
    tPERCENT = 147, tBANG = 148, tTILDE = 149, tCARET = 150, tAMP = 151, tPIPE = 152,
    tQMARK = 153, tCOLON = 154, tCOMMA = 155, tDOT = 156, tSEMI = 157, tNL = 158,
    /// `[` of an index (`a[1]`).
    tLBRACK2 = 159,
    tRBRACK = 160,
    /// `(` of a call's arguments (`foo(1)`).
    tLPAREN2 = 161,
    /// `{` of a block after a call.
    tLBRACE2 = 162,
    tRBRACE = 163,
    /// A character Ruby would not accept here; the grammar fails on it.
    tERROR = 170,
    /// Zero-width: a multiple assignment starts here (`a, b = ...`), as the
    /// lexer saw when it reached the `=`.
    tMLHS = 171,
    /// `"` of a string that turns out to be a label (`"key": 1`).
    tDLABEL_BEG = 172,
    /// Zero-width: the first argument of the outermost command at this
    /// level starts here (`a` in `a b c do ... end`). Only that command may
    /// take a `do` block, so the grammar tries a block once, not once per
    /// command nested in the arguments (which was exponential when the
    /// block did not parse).
    tCMDARG = 173,
}

/// The first code point of the token alphabet.
pub const BASE: u32 = 0xE000;

/// Token flags.
pub mod flags {
    /// Whitespace (or a line start) precedes the token.
    pub const SPACE_BEFORE: u8 = 1;
    /// An identifier the lexer knows as a local variable at this point.
    pub const LOCAL: u8 = 2;
}

/// One token: its kind, where it is, and what the lexer knew of it.
#[derive(Debug, Clone, Copy)]
pub struct Token {
    pub kind: T,
    pub span: Span,
    pub flags: u8,
    /// The lexer state after it (parse.y's `lex_state` bits; for diagnostics
    /// and the lexer's conformance test).
    pub state: u16,
    /// For the parts of a literal: its index in [`Lexed::literals`].
    pub literal: u32,
}

impl Token {
    /// Whether a flag is set.
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// What kind of literal a string part belongs to (how its text is read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LitKind {
    /// `'...'`, `%q`, `%w`, `%i`, `<<'EOS'`: only `\\` and the delimiter escape.
    Single,
    /// `"..."`, `%Q`, `%W`, `%I`, `<<EOS`, `` ` ``, `:"..."`: Ruby's escapes.
    Double,
    /// `/.../`, `%r`: escapes are the regexp engine's, kept as written.
    Regexp,
}

/// A literal's reading rules.
#[derive(Debug, Clone, Copy)]
pub struct Literal {
    pub kind: LitKind,
    /// The closing delimiter, whose escape is removed (`\)` in `%q(...)`).
    pub term: u8,
    /// The opening delimiter of a bracketing pair (`(` of `%w(...)`), if any.
    pub paren: u8,
    /// `<<~`: common indentation is removed from the body.
    pub squiggly: bool,
    /// A heredoc (its body lines are the parts).
    pub heredoc: bool,
}

/// A lexed file: the tokens, the literals their parts belong to, and the
/// text pest reads (one character per token).
#[derive(Debug)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub literals: Vec<Literal>,
    pub encoded: String,
}

impl Lexed {
    /// Byte width of one token in `encoded`.
    pub const WIDTH: usize = 3;

    /// The token at byte `offset` of `encoded`.
    pub fn at(&self, offset: usize) -> Option<&Token> {
        self.tokens.get(offset / Self::WIDTH)
    }

    /// The source span covered by the encoded range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let first = start / Self::WIDTH;
        let last = (end / Self::WIDTH).max(first + 1) - 1;
        match (self.tokens.get(first), self.tokens.get(last)) {
            (Some(a), Some(b)) => Span::new(a.span.start as usize, (b.span.end as usize).max(a.span.end as usize)),
            (Some(a), None) => a.span,
            _ => self
                .tokens
                .last()
                .map_or(Span::new(0, 0), |t| Span::new(t.span.end as usize, t.span.end as usize)),
        }
    }
}

/// The character that stands for `kind` in the encoded text.
pub fn encode(kind: T) -> char {
    char::from_u32(BASE + kind as u32).unwrap_or('\u{E000}')
}
