//! The syntax tree of the Ruby subset Vagrantfiles are written in.

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
    /// Literal text, escapes already applied.
    Text(String),
    /// `#{ statements }`.
    Code(Vec<Node>),
}

/// A call argument.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `x`
    Pos(Node),
    /// `*x`
    Splat(Node),
    /// `**x`
    DoubleSplat(Node),
    /// `&x`
    Block(Node),
    /// `key: x`, `"k" => x`; trailing pairs become one hash argument.
    Pair(Node, Node),
}

/// A block parameter.
#[derive(Debug, Clone)]
pub enum Param {
    /// `x`
    Required(String),
    /// `x = default`
    Optional(String, Node),
    /// `*rest` (the name may be empty)
    Rest(String),
    /// `(a, b)`
    Destructure(Vec<String>),
    /// `&blk`
    Block(String),
    /// `key:` or `key: default`
    Keyword(String, Option<Node>),
}

/// A block, lambda or method body with its parameters.
#[derive(Debug)]
pub struct Body {
    /// Parameters in order.
    pub params: Vec<Param>,
    /// Statements.
    pub stmts: Vec<Node>,
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
    /// `=> e`
    pub var: Option<String>,
    /// Handler statements.
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
    Int(i64),
    Float(f64),
    Str(Vec<StrPart>),
    /// Backticks or `%x{}`: running a command.
    XStr(String),
    Sym(String),
    DSym(Vec<StrPart>),
    /// A regex literal: source parts and flags.
    Regex(Vec<StrPart>, String),
    Array(Vec<Arg>),
    Hash(Vec<Arg>),
    Range(Box<Node>, Box<Node>, bool),
    /// A bare name: a local variable if one is set, else a call without arguments.
    Ident(String),
    IVar(String),
    GVar(String),
    CVar(String),
    /// `A`, `A::B` (scope first).
    Const(Option<Box<Node>>, String),
    /// `recv.name(args) { block }`; `recv` is `None` for a call on self.
    Call {
        recv: Option<Box<Node>>,
        name: String,
        args: Vec<Arg>,
        block: Option<Rc<Body>>,
        safe: bool,
    },
    /// `recv[args]`
    Index(Box<Node>, Vec<Arg>),
    /// `target = value`
    Assign(Box<Node>, Box<Node>),
    /// `target op= value` (op without `=`: `||`, `&&`, `+`, ...).
    OpAssign(Box<Node>, String, Box<Node>),
    /// `a, b = value`
    MultiAssign(Vec<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    /// A binary operator sent as a method: `a + b`, `a == b`, `a =~ b`.
    Binary(String, Box<Node>, Box<Node>),
    /// `-x`, `~x`, `+x`
    Unary(String, Box<Node>),
    If(Box<Node>, Vec<Node>, Vec<Node>),
    /// `while`/`until` (the flag is `until`).
    While(Box<Node>, Vec<Node>, bool),
    /// Subject, `when` arms, `else`.
    Case(Option<Box<Node>>, Vec<(Vec<Arg>, Vec<Node>)>, Option<Vec<Node>>),
    /// `def name(params) ... end`
    Def(String, Rc<Body>),
    /// `module Name ... end`: constants and `def self.x` methods under `Name`.
    Module(String, Vec<Node>),
    /// `->(x) { }`
    Lambda(Rc<Body>),
    /// `begin ... rescue ... else ... ensure ... end` (also `x rescue y`).
    Begin(Vec<Node>, Vec<Rescue>, Option<Vec<Node>>, Option<Vec<Node>>),
    Return(Option<Box<Node>>),
    Next(Option<Box<Node>>),
    Break(Option<Box<Node>>),
    Defined(Box<Node>),
    Yield(Vec<Arg>),
    /// `( statements )`
    Seq(Vec<Node>),
    /// Syntax we parse but do not model (`class`, `module`), with what it is.
    Unsupported(String),
}

impl Node {
    /// A node.
    pub fn new(expr: Expr, span: Span) -> Self {
        Node { expr, span }
    }
}
