//! The typed Puppet AST: Puppet's own model (`Puppet::Pops::Model`), one node kind
//! per model class that the parser produces, each with the byte span it came from.

use crate::diagnostic::Span;

/// An expression with the bytes of source it was built from.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// Where the expression is in its file.
    pub span: Span,
    /// What the expression is.
    pub kind: ExprKind,
}

impl Expr {
    /// An expression of `kind` covering `span`.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { span, kind }
    }

    /// The name, when this is a bare qualified name (`include`, `foo::bar`).
    pub fn as_qualified_name(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::QualifiedName(n) => Some(n),
            _ => None,
        }
    }
}

/// Binary operators, spelled as Puppet spells them (and as PN prints them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `=`
    Assign,
    /// `+=`
    AddAssign,
    /// `-=`
    SubAssign,
    /// `->`
    InEdge,
    /// `~>`
    InEdgeSub,
    /// `<-`
    OutEdge,
    /// `<~`
    OutEdgeSub,
    /// `or`
    Or,
    /// `and`
    And,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `=~`
    Match,
    /// `!~`
    NotMatch,
    /// `in`
    In,
}

impl BinaryOp {
    /// The operator as written in Puppet source.
    pub fn as_str(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Assign => "=",
            AddAssign => "+=",
            SubAssign => "-=",
            InEdge => "->",
            InEdgeSub => "~>",
            OutEdge => "<-",
            OutEdgeSub => "<~",
            Or => "or",
            And => "and",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Eq => "==",
            Ne => "!=",
            Shl => "<<",
            Shr => ">>",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Mod => "%",
            Match => "=~",
            NotMatch => "!~",
            In => "in",
        }
    }
}

/// How a resource is declared: plainly, virtually (`@`) or exported (`@@`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResourceForm {
    /// `file { ... }`
    #[default]
    Regular,
    /// `@file { ... }`
    Virtual,
    /// `@@file { ... }`
    Exported,
}

impl ResourceForm {
    /// The form's name in Puppet's model.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceForm::Regular => "regular",
            ResourceForm::Virtual => "virtual",
            ResourceForm::Exported => "exported",
        }
    }
}

/// One `name => value` (or `name +> value`, or `* => hash`) in a resource body.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeOp {
    /// `name => value` or `name +> value`.
    Set {
        /// The attribute's name.
        name: String,
        /// `=>` or `+>`.
        op: &'static str,
        /// The value.
        value: Expr,
        /// The whole operation.
        span: Span,
    },
    /// `* => $hash`
    Splat {
        /// The hash of attributes.
        value: Expr,
        /// The whole operation.
        span: Span,
    },
}

/// A title and its attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceBody {
    /// The title expression.
    pub title: Expr,
    /// The attribute operations.
    pub ops: Vec<AttributeOp>,
    /// The whole body.
    pub span: Span,
}

/// A parameter of a class, define, function or lambda.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The name, without `$`.
    pub name: String,
    /// The declared type, if any.
    pub type_expr: Option<Expr>,
    /// Whether it is a `*$rest` parameter.
    pub captures_rest: bool,
    /// The default value, if any.
    pub value: Option<Expr>,
    /// The whole parameter.
    pub span: Span,
}

/// `|$params| >> Type { body }`
#[derive(Debug, Clone, PartialEq)]
pub struct Lambda {
    /// The lambda's parameters.
    pub params: Vec<Parameter>,
    /// The declared return type.
    pub return_type: Option<Expr>,
    /// The statements of the body (`None` for `{}`).
    pub body: Option<Vec<Expr>>,
    /// The whole lambda.
    pub span: Span,
}

/// One `values: { body }` of a case expression.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseOption {
    /// The values matched.
    pub values: Vec<Expr>,
    /// The statements of the body (`None` for `{}`).
    pub body: Option<Vec<Expr>>,
    /// The whole option.
    pub span: Span,
}

/// `key => value` in a hash literal or a selector.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key (or the selector's matching value).
    pub key: Expr,
    /// The value.
    pub value: Expr,
    /// The whole entry.
    pub span: Span,
}

/// A class, define, function or plan definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// The fully qualified name.
    pub name: String,
    /// The span of the name.
    pub name_span: Span,
    /// The parameters.
    pub params: Vec<Parameter>,
    /// The statements of the body (`None` for `{}`).
    pub body: Option<Vec<Expr>>,
}

/// Which collector: `<| |>` (virtual) or `<<| |>>` (exported).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    /// `<| |>`
    Virtual,
    /// `<<| |>>`
    Exported,
}

/// The kinds of expression in Puppet's model.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A sequence of statements (`BlockExpression`).
    Block(Vec<Expr>),
    /// Nothing (an empty program, a missing body).
    Nop,
    /// `undef`
    Undef,
    /// `default`
    Default,
    /// `true` / `false`
    Boolean(bool),
    /// An integer with the radix it was written in (8, 10 or 16).
    Integer {
        /// The value.
        value: i128,
        /// 8, 10 or 16.
        radix: u32,
    },
    /// A floating point number.
    Float(f64),
    /// A string without interpolation (also a bare word).
    Str(String),
    /// A double-quoted string with interpolation: its non-empty segments.
    Concat(Vec<Expr>),
    /// An interpolated expression inside a string.
    Text(Box<Expr>),
    /// `@(TAG:syntax/escapes)` with its text.
    Heredoc {
        /// The syntax after `:` (empty when none).
        syntax: String,
        /// The text: a string or a concatenation.
        text: Box<Expr>,
    },
    /// `/regex/`: the pattern as Puppet keeps it.
    Regex(String),
    /// A lower-case name (`foo`, `foo::bar`).
    QualifiedName(String),
    /// A capitalised type reference (`File`, `Foo::Bar`), as written.
    QualifiedReference(String),
    /// A reserved word (`private`, `attr`).
    Reserved(String),
    /// `$name`
    Variable(String),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{a => b}`
    Hash(Vec<Entry>),
    /// `left[keys]`
    Access {
        /// What is accessed.
        left: Box<Expr>,
        /// The keys.
        keys: Vec<Expr>,
    },
    /// `left.name`
    NamedAccess {
        /// The receiver.
        left: Box<Expr>,
        /// The name (a `QualifiedName`).
        name: Box<Expr>,
    },
    /// A binary operation.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `!e`
    Not(Box<Expr>),
    /// `-e`
    UnaryMinus(Box<Expr>),
    /// `*e`
    Unfold(Box<Expr>),
    /// `(e)`
    Paren(Box<Expr>),
    /// `left ? { a => b, ... }`
    Selector {
        /// The value selected on.
        left: Box<Expr>,
        /// The entries.
        entries: Vec<Entry>,
    },
    /// `name(args) |params| { }` or a statement call `include foo`.
    CallNamed {
        /// The function (usually a `QualifiedName`).
        functor: Box<Expr>,
        /// The arguments.
        args: Vec<Expr>,
        /// The lambda, if any.
        lambda: Option<Box<Lambda>>,
        /// Whether the value is used (an rvalue); false for statement calls.
        rval_required: bool,
    },
    /// `recv.name(args) |params| { }`
    CallMethod {
        /// The `NamedAccess` naming the method.
        functor: Box<Expr>,
        /// The arguments.
        args: Vec<Expr>,
        /// The lambda, if any.
        lambda: Option<Box<Lambda>>,
    },
    /// `if test { } elsif ... else { }`
    If {
        /// The condition.
        test: Box<Expr>,
        /// The then branch (a block or one expression).
        then_expr: Option<Box<Expr>>,
        /// The else branch (an `If` for `elsif`).
        else_expr: Option<Box<Expr>>,
    },
    /// `unless test { } else { }`
    Unless {
        /// The condition.
        test: Box<Expr>,
        /// The then branch.
        then_expr: Option<Box<Expr>>,
        /// The else branch.
        else_expr: Option<Box<Expr>>,
    },
    /// `case test { options }`
    Case {
        /// The value switched on.
        test: Box<Expr>,
        /// The options in order.
        options: Vec<CaseOption>,
    },
    /// `type { title: attrs; ... }`
    Resource {
        /// The resource type (a name, `class`, or a reference).
        type_name: Box<Expr>,
        /// The bodies.
        bodies: Vec<ResourceBody>,
        /// Regular, virtual or exported.
        form: ResourceForm,
    },
    /// `File { attrs }`
    ResourceDefaults {
        /// The type reference.
        type_ref: Box<Expr>,
        /// The attribute operations.
        ops: Vec<AttributeOp>,
        /// Regular, virtual or exported.
        form: ResourceForm,
    },
    /// `File['x'] { attrs }`
    ResourceOverride {
        /// The resources overridden.
        resources: Box<Expr>,
        /// The attribute operations.
        ops: Vec<AttributeOp>,
        /// Regular, virtual or exported.
        form: ResourceForm,
    },
    /// `Type <| query |> { attrs }`
    Collect {
        /// The collected type.
        type_expr: Box<Expr>,
        /// Virtual or exported.
        query_kind: QueryKind,
        /// The query, if any.
        query: Option<Box<Expr>>,
        /// The attribute operations.
        ops: Vec<AttributeOp>,
    },
    /// A lambda used as an expression (only inside calls in practice).
    Lambda(Box<Lambda>),
    /// `class name(params) inherits parent { }`
    Class {
        /// Name, parameters and body.
        def: Definition,
        /// The parent class.
        parent: Option<String>,
    },
    /// `define name(params) { }`
    Define(Definition),
    /// `function name(params) >> Type { }`
    Function {
        /// Name, parameters and body.
        def: Definition,
        /// The return type.
        return_type: Option<Box<Expr>>,
    },
    /// `plan name(params) { }`, in tasks mode (a Bolt plan).
    Plan(Definition),
    /// `apply(targets, options) { }`, in tasks mode: a catalog applied to targets.
    Apply {
        /// The arguments (targets, then options).
        args: Vec<Expr>,
        /// The statements of the block (`ApplyBlockExpression`), even one.
        body: Vec<Expr>,
    },
    /// `node a, b inherits c { }`
    Node {
        /// What the node matches.
        matches: Vec<Expr>,
        /// The legacy parent node.
        parent: Option<Box<Expr>>,
        /// The statements of the body.
        body: Option<Vec<Expr>>,
    },
    /// `type Name = Type`
    TypeAlias {
        /// The alias's name.
        name: String,
        /// The aliased type.
        type_expr: Box<Expr>,
    },
    /// `type Runtime[...] = ...`
    TypeMapping {
        /// The mapped type.
        type_expr: Box<Expr>,
        /// What it maps to.
        mapping: Box<Expr>,
    },
    /// An EPP template's body (`EppExpression`), inside the lambda that is
    /// the template's program.
    Epp {
        /// Whether the template declares parameters (`<% | ... | %>`, even none).
        parameters_specified: bool,
        /// The statements: text, rendered expressions and code.
        body: Option<Box<Expr>>,
    },
    /// Text of an EPP template, as rendered (`RenderStringExpression`).
    RenderString(String),
    /// `<%= expression %>` (`RenderExpression`).
    Render(Box<Expr>),
    /// `type Name inherits Parent { }`
    TypeDefinition {
        /// The type's name.
        name: String,
        /// Its parent, if any.
        parent: Option<String>,
        /// The body.
        body: Option<Box<Expr>>,
    },
}
