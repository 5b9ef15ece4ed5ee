//! Ruby's syntax tree, as the parser builds it and the evaluator reads it.
//! Every construct Ruby 3.1 parses has a node, even those the evaluator does
//! not model (it says so, at the node's span).

use crate::diagnostic::Span;
use std::rc::Rc;

/// One expression or statement with its byte span in its file.
#[derive(Debug, Clone)]
pub struct Node {
    /// What it is.
    pub expr: Expr,
    /// Where it is.
    pub span: Span,
}

/// A piece of an interpolating string: text or `#{...}`.
#[derive(Debug, Clone)]
pub enum StrPart {
    /// Literal text, escapes already applied, and where it is written.
    Text(String, Span),
    /// `#{ statements }` (or `#@var`).
    Code(Vec<Node>),
}

/// A call argument.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `x`
    Pos(Node),
    /// `*x` (`*` alone forwards the anonymous rest)
    Splat(Node),
    /// `**x`
    DoubleSplat(Node),
    /// `&x` (`&` alone forwards the anonymous block)
    Block(Node),
    /// `key: x`, `"k" => x`; trailing pairs become one hash argument.
    Pair(Node, Node),
    /// `...`
    Forward,
}

/// A parameter of a method, block or lambda.
#[derive(Debug, Clone)]
pub enum Param {
    /// `x`
    Required(String),
    /// `x = default`
    Optional(String, Node),
    /// `*rest` (the name may be empty)
    Rest(String),
    /// `(a, b)` (names of a nested list, flattened)
    Destructure(Vec<String>),
    /// `&blk` (the name may be empty)
    Block(String),
    /// `key:` or `key: default`
    Keyword(String, Option<Node>),
    /// `**opts` (empty name: anonymous; `**nil`: none accepted)
    KeywordRest(String),
    /// `...`
    Forward,
}

/// A block, lambda or method body with its parameters.
#[derive(Debug)]
pub struct Body {
    /// Parameters in order.
    pub params: Vec<Param>,
    /// Block-local variables (`|a; b|`).
    pub locals: Vec<String>,
    /// Statements (a `rescue`/`ensure` of the body makes them one `Begin`).
    pub stmts: Vec<Node>,
    /// A command's `do` block (`foo x do`): it belongs to the outermost command.
    pub cmd_block: bool,
    /// Where the block is (for diagnostics).
    pub span: Span,
    /// `lambda`/`->` semantics (strict arity, `return` leaves only the lambda).
    pub is_lambda: bool,
}

/// A `rescue` clause.
#[derive(Debug, Clone)]
pub struct Rescue {
    /// Exception classes (empty: StandardError).
    pub classes: Vec<Node>,
    /// `=> e` (a local's name; other targets are kept in `target`).
    pub var: Option<String>,
    /// `=> @e`, `=> h[:e]`: a target that is not a local.
    pub target: Option<Box<Node>>,
    /// Handler statements.
    pub body: Vec<Node>,
}

/// A `when` arm of a `case`.
#[derive(Debug, Clone)]
pub struct When {
    pub values: Vec<Arg>,
    pub body: Vec<Node>,
}

/// An `in` arm of a `case` (pattern matching).
#[derive(Debug, Clone)]
pub struct InArm {
    pub pattern: Node,
    /// `if`/`unless` guard: the condition and whether it is `unless`.
    pub guard: Option<(Box<Node>, bool)>,
    pub body: Vec<Node>,
}

/// Expressions and statements.
#[derive(Debug, Clone)]
pub enum Expr {
    Nil,
    True,
    False,
    SelfRef,
    /// `__FILE__`
    File,
    /// `__dir__`
    DirKw,
    /// `__LINE__`
    Line,
    /// `__ENCODING__`
    Encoding,
    Int(i64),
    /// An integer too large for 64 bits, as written.
    BigInt(String),
    Float(f64),
    /// `3r`, `1.5r` as written.
    Rational(String),
    /// `2i` as written.
    Imaginary(String),
    Str(Vec<StrPart>),
    /// `?a`: a one-character string.
    Char(String),
    /// Backticks or `%x{}`: running a command.
    XStr(Vec<StrPart>),
    Sym(String),
    DSym(Vec<StrPart>),
    /// A regex literal: source parts and flags.
    Regex(Vec<StrPart>, String),
    Array(Vec<Arg>),
    Hash(Vec<Arg>),
    /// `a..b`, `a...b`, `a..`, `..b` (the flag: excluding the end).
    Range(Option<Box<Node>>, Option<Box<Node>>, bool),
    /// A local variable (the lexer knew it as one here).
    Ident(String),
    /// A name that is no local: a call without receiver or arguments.
    VCall(String),
    IVar(String),
    GVar(String),
    CVar(String),
    /// `$1`
    NthRef(u32),
    /// `$&`, `` $` ``, `$'`, `$+`
    BackRef(char),
    /// `A`, `A::B` (scope first), `::A` (scope `None`, `top`).
    Const(Option<Box<Node>>, String),
    /// `::A`
    TopConst(String),
    /// `recv.name(args) { block }`; `recv` is `None` for a call on self.
    Call {
        recv: Option<Box<Node>>,
        name: String,
        args: Vec<Arg>,
        block: Option<Rc<Body>>,
        /// `&.`
        safe: bool,
        /// Where the method's name is written.
        name_at: Span,
        /// Written with parentheses (`foo()`, `a.b()`).
        parens: bool,
    },
    /// `recv[args]`
    Index(Box<Node>, Vec<Arg>),
    /// `target = value`
    Assign(Box<Node>, Box<Node>),
    /// `target op= value` (op without `=`: `||`, `&&`, `+`, ...).
    OpAssign(Box<Node>, String, Box<Node>),
    /// `a, (b, c), *d = value`: the targets (`Splat` and `Group` nodes among them).
    MultiAssign(Vec<Node>, Box<Node>),
    /// `*x` as an assignment target.
    Splat(Option<Box<Node>>),
    /// `(a, b)` as an assignment target.
    Group(Vec<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    /// A binary operator sent as a method: `a + b`, `a == b`, `a =~ b`.
    Binary(String, Box<Node>, Box<Node>),
    /// `-x`, `~x`, `+x`, `!x`
    Unary(String, Box<Node>),
    If(Box<Node>, Vec<Node>, Vec<Node>),
    /// `cond ? a : b`
    Ternary(Box<Node>, Box<Node>, Box<Node>),
    /// `while`/`until` (the flag is `until`).
    While(Box<Node>, Vec<Node>, bool),
    /// `begin ... end while cond` (body first, then the test; the flag is `until`).
    DoWhile(Box<Node>, Vec<Node>, bool),
    /// `for targets in iterable ... end`
    For(Vec<Node>, Box<Node>, Vec<Node>),
    /// Subject, `when` arms, `else`.
    Case(Option<Box<Node>>, Vec<When>, Option<Vec<Node>>),
    /// Subject, `in` arms, `else`.
    CaseIn(Box<Node>, Vec<InArm>, Option<Vec<Node>>),
    /// `value => pattern` (the flag: `value in pattern`, a test).
    Match(Box<Node>, Box<Node>, bool),
    /// A pattern: its parts in order (values, bindings, constants), for reading.
    Pattern(Vec<Node>),
    /// `def name(params) ... end` (and where the name is written)
    Def(String, Rc<Body>, Span),
    /// `def recv.name ... end`
    SingletonDef(Box<Node>, String, Rc<Body>, Span),
    /// `module Name ... end`: constants and `def self.x` methods under `Name`.
    Module(String, Vec<Node>),
    /// `class Path < Super ... end`
    Class(Box<Node>, Option<Box<Node>>, Vec<Node>),
    /// `class << obj ... end`
    SClass(Box<Node>, Vec<Node>),
    /// `alias new old` (method names, or global variables with `$`)
    Alias(String, String),
    /// `undef a, b`
    Undef(Vec<String>),
    /// `->(x) { }`
    Lambda(Rc<Body>),
    /// `begin ... rescue ... else ... ensure ... end` (also `x rescue y`).
    Begin(Vec<Node>, Vec<Rescue>, Option<Vec<Node>>, Option<Vec<Node>>),
    Return(Option<Box<Node>>),
    Next(Option<Box<Node>>),
    Break(Option<Box<Node>>),
    Redo,
    Retry,
    Defined(Box<Node>),
    Yield(Vec<Arg>),
    /// `super(args)` (with parentheses or arguments) and its block.
    Super(Vec<Arg>, Option<Rc<Body>>),
    /// `super` alone: the method's own arguments are passed on.
    ZSuper(Option<Rc<Body>>),
    /// `BEGIN { }` (flag false) and `END { }` (flag true).
    Hook(Vec<Node>, bool),
    /// `( statements )`
    Seq(Vec<Node>),
    /// Syntax we parse but do not model, with what it is.
    Unsupported(String),
}

impl Node {
    /// A node.
    pub fn new(expr: Expr, span: Span) -> Self {
        Node { expr, span }
    }
}
