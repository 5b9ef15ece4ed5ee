//! Puppet's validation pass: what `puppet parser validate` rejects in a program
//! that parses (Puppet 7's `Checker4_0`): illegal assignments, definitions out
//! of place, duplicate parameters and defaults, expressions with no effect,
//! illegal names. Each finding carries Puppet's issue name (kebab-case) as its
//! code and Puppet's message, at the position Puppet reports.
//!
//! Two of Puppet's checks depend on where the file sits in an environment's
//! module path (a definition's namespace must match its file; only
//! definitions at the top of a module's file). `puppet parser validate` only
//! makes them for files inside the configured module path, which a checkout
//! being validated is not, so they are not made here either.

use super::ast::*;
use crate::diagnostic::{Diagnostic, Span};

/// Every validation finding in `program` (the body parsed from `src`, the
/// file `file`), in the order Puppet reports them: a node's own findings
/// before its children's.
pub fn check(program: &Expr, src: &str, file: &str) -> Vec<Diagnostic> {
    run(program, src, file, false)
}

/// The same for a Bolt plan, as `puppet parser validate --tasks` checks one
/// (Puppet's `TasksChecker`): what only a catalog can hold (resources,
/// relationships, collectors, nodes) only inside `apply`, no classes or
/// defined types at all, no `apply` inside `apply`.
pub fn check_plan(program: &Expr, src: &str, file: &str) -> Vec<Diagnostic> {
    run(program, src, file, true)
}

fn run(program: &Expr, src: &str, file: &str, tasks: bool) -> Vec<Diagnostic> {
    let mut c = Checker {
        file,
        src,
        tasks,
        out: Vec::new(),
        stack: vec![Ctx::Program],
    };
    c.visit(program);
    c.out
}

/// What contains the node being checked, as far as the checks care.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ctx {
    Program,
    /// A block of two or more statements; `top` when it is the program's.
    Block {
        top: bool,
    },
    Class,
    /// The block of an `apply` (in a plan): it compiles a catalog.
    Apply,
    Lambda,
    /// A resource body (`+>` is not allowed here).
    ResourceBody,
    /// A collector or a resource override (`+>` is).
    Appendable,
    /// Resource defaults (`+>` is not allowed here).
    Defaults,
    Other,
}

struct Checker<'a> {
    file: &'a str,
    src: &'a str,
    /// Tasks mode (a plan): Puppet's `TasksChecker` instead of `Checker4_0`.
    tasks: bool,
    out: Vec<Diagnostic>,
    stack: Vec<Ctx>,
}

/// Puppet's label of a node, as its messages name it.
fn label(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Block(_) => "Block Expression".into(),
        ExprKind::Nop => "Nop Expression".into(),
        ExprKind::Undef => "'undef' expression".into(),
        ExprKind::Default => "'default' expression".into(),
        ExprKind::Boolean(_) => "Boolean".into(),
        ExprKind::Integer { .. } => "Literal Integer".into(),
        ExprKind::Float(_) => "Literal Float".into(),
        ExprKind::Str(_) => "String".into(),
        ExprKind::Concat(_) => "Double Quoted String".into(),
        ExprKind::Text(_) => "Expression in Interpolated String".into(),
        ExprKind::Heredoc { syntax, .. } => format!("'@({syntax})' expression"),
        ExprKind::Regex(_) => "Regular Expression".into(),
        ExprKind::QualifiedName(_) => "Name".into(),
        ExprKind::QualifiedReference(_) => "Type-Name".into(),
        ExprKind::Reserved(w) => format!("Reserved Word '{w}'"),
        ExprKind::Variable(_) => "Variable".into(),
        ExprKind::List(_) => "Array Expression".into(),
        ExprKind::Hash(_) => "Hash Expression".into(),
        ExprKind::Access { .. } => "'[]' expression".into(),
        ExprKind::NamedAccess { .. } => "'.' expression".into(),
        ExprKind::Binary { op, .. } => format!("'{}' expression", op.as_str()),
        ExprKind::Not(_) => "'not' expression".into(),
        ExprKind::UnaryMinus(_) => "Unary Minus".into(),
        ExprKind::Unfold(_) => "Unfold".into(),
        ExprKind::Paren(_) => "Parenthesized Expression".into(),
        ExprKind::Selector { .. } => "Selector Expression".into(),
        ExprKind::CallNamed { .. } => "Function Call".into(),
        ExprKind::CallMethod { .. } => "Method call".into(),
        ExprKind::If { .. } => "'if' statement".into(),
        ExprKind::Unless { .. } => "'unless' Statement".into(),
        ExprKind::Case { .. } => "'case' statement".into(),
        ExprKind::Resource { .. } => "Resource Statement".into(),
        ExprKind::ResourceDefaults { .. } => "Resource Defaults Expression".into(),
        ExprKind::ResourceOverride { .. } => "Resource Override".into(),
        ExprKind::Collect {
            query_kind: QueryKind::Virtual,
            ..
        } => "Virtual Query".into(),
        ExprKind::Collect { .. } => "Exported Query".into(),
        ExprKind::Lambda(_) => "Lambda".into(),
        ExprKind::Class { .. } => "Host Class Definition".into(),
        ExprKind::Define(_) => "'define' expression".into(),
        ExprKind::Function { .. } => "Function Definition".into(),
        ExprKind::Plan(_) => "Plan Definition".into(),
        ExprKind::Apply { .. } => "'apply' expression".into(),
        ExprKind::Node { .. } => "Node Definition".into(),
        ExprKind::TypeAlias { .. } => "Type Alias".into(),
        ExprKind::TypeMapping { .. } => "Type Mapping".into(),
        ExprKind::TypeDefinition { .. } => "Type Definition".into(),
        ExprKind::Epp { .. } => "Epp Template".into(),
        ExprKind::RenderString(_) => "Epp Text".into(),
        ExprKind::Render(_) => "Epp Interpolated Expression".into(),
    }
}

/// `a`/`an` before a label, as Puppet chooses it (a leading quote skipped).
fn a_an(text: &str) -> String {
    let first = text.trim_start_matches(['\'', '"']).chars().next().unwrap_or('x');
    let article = if "aeiouy".contains(first.to_ascii_lowercase()) {
        "an"
    } else {
        "a"
    };
    format!("{article} {text}")
}

fn a_an_uc(text: &str) -> String {
    let s = a_an(text);
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => s,
    }
}

/// Whether evaluating `e` is known to change nothing (Puppet's "idem").
fn idem(e: Option<&Expr>) -> bool {
    let Some(e) = e else { return true };
    match &e.kind {
        ExprKind::Nop
        | ExprKind::Undef
        | ExprKind::Default
        | ExprKind::Boolean(_)
        | ExprKind::Integer { .. }
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Regex(_)
        | ExprKind::QualifiedName(_)
        | ExprKind::QualifiedReference(_)
        | ExprKind::Reserved(_)
        | ExprKind::List(_)
        | ExprKind::Hash(_)
        | ExprKind::Access { .. }
        | ExprKind::Concat(_)
        | ExprKind::Heredoc { .. }
        | ExprKind::Selector { .. }
        | ExprKind::Text(_)
        | ExprKind::Not(_)
        | ExprKind::UnaryMinus(_)
        | ExprKind::Unfold(_)
        | ExprKind::Variable(_) => true,
        ExprKind::Binary { op, .. } => !matches!(
            op,
            BinaryOp::Match
                | BinaryOp::NotMatch
                | BinaryOp::Assign
                | BinaryOp::AddAssign
                | BinaryOp::SubAssign
                | BinaryOp::InEdge
                | BinaryOp::InEdgeSub
                | BinaryOp::OutEdge
                | BinaryOp::OutEdgeSub
        ),
        ExprKind::Paren(x) => idem(Some(x)),
        ExprKind::Block(stmts) => stmts.iter().all(|s| idem(Some(s))),
        ExprKind::If {
            test,
            then_expr,
            else_expr,
        }
        | ExprKind::Unless {
            test,
            then_expr,
            else_expr,
        } => idem(Some(test)) && idem(then_expr.as_deref()) && idem(else_expr.as_deref()),
        ExprKind::Case { test, options } => {
            idem(Some(test))
                && options
                    .iter()
                    .all(|o| o.values.iter().all(|v| idem(Some(v))) && body_idem(o.body.as_deref()))
        }
        _ => false,
    }
}

/// A statement list as one expression would be idem (a block, one statement, nothing).
fn body_idem(body: Option<&[Expr]>) -> bool {
    body.unwrap_or_default().iter().all(|s| idem(Some(s)))
}

/// The `file { ... }` mistake: a name then a hash, two statements of one block.
fn resource_without_title(stmts: &[Expr]) -> Option<&str> {
    match stmts {
        [name, hash] if matches!(hash.kind, ExprKind::Hash(_)) => name.as_qualified_name(),
        _ => None,
    }
}

/// `^[a-z][\w]*(::[a-z][\w]*)*$`: a class, define or function name.
fn is_definition_name(name: &str) -> bool {
    name.split("::").all(|seg| {
        let mut c = seg.chars();
        c.next().is_some_and(|f| f.is_ascii_lowercase()) && c.all(is_word)
    })
}

/// `^[A-Z][\w]*(::[A-Z][\w]*)*$`, with a leading `::` when `leading` allows it.
fn is_type_name(name: &str, leading: bool) -> bool {
    let name = match name.strip_prefix("::") {
        Some(rest) if leading => rest,
        _ => name,
    };
    name.split("::").all(|seg| {
        let mut c = seg.chars();
        c.next().is_some_and(|f| f.is_ascii_uppercase()) && c.all(is_word)
    })
}

/// Ruby's `\w`.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `^(::)?([a-z]\w*::)*[a-z_]\w*$`: a variable's name.
fn is_var_name(name: &str) -> bool {
    let name = name.strip_prefix("::").unwrap_or(name);
    let segs: Vec<&str> = name.split("::").collect();
    segs.iter().enumerate().all(|(i, seg)| {
        let mut c = seg.chars();
        let first_ok = |f: char| f.is_ascii_lowercase() || (i + 1 == segs.len() && f == '_');
        c.next().is_some_and(first_ok) && c.all(is_word)
    })
}

/// `0` or a decimal without a leading zero: a match variable's name.
fn is_numeric_var_name(name: &str) -> bool {
    name == "0" || (name.starts_with(|c: char| ('1'..='9').contains(&c)) && name.chars().all(|c| c.is_ascii_digit()))
}

/// The names Puppet's types already have (a class or define may not take them).
const RESERVED_TYPE_NAMES: [&str; 28] = [
    "type",
    "any",
    "unit",
    "scalar",
    "boolean",
    "numeric",
    "integer",
    "float",
    "collection",
    "array",
    "hash",
    "tuple",
    "struct",
    "variant",
    "optional",
    "enum",
    "regexp",
    "pattern",
    "runtime",
    "init",
    "object",
    "sensitive",
    "semver",
    "semverrange",
    "string",
    "timestamp",
    "timespan",
    "typeset",
];

impl Checker<'_> {
    /// Where Puppet places `e`: an operator expression at its operator (its
    /// grammar locates them there), anything else where it starts.
    fn place(&self, e: &Expr) -> Span {
        match &e.kind {
            ExprKind::Binary { op, left, right } => self.between(left.span, right.span, op.as_str()).unwrap_or(e.span),
            _ => e.span,
        }
    }

    /// Where Puppet places a parameter: at its variable, after its type and `*`.
    fn variable_of(&self, p: &Parameter) -> Span {
        let from = p.type_expr.as_ref().map_or(p.span.start, |t| t.span.end) as usize;
        let at = self.src.get(from..p.span.end as usize).and_then(|t| t.find('$'));
        at.map_or(p.span, |at| Span::new(from + at, from + at + 1 + p.name.len()))
    }

    /// The first `token` in the source between two spans.
    fn between(&self, a: Span, b: Span, token: &str) -> Option<Span> {
        let gap = self.src.get(a.end as usize..b.start as usize)?;
        let at = a.end as usize + gap.find(token)?;
        Some(Span::new(at, at + token.len()))
    }

    /// Records an error; the caller may add its help.
    fn error(&mut self, code: &'static str, span: Span, message: String) -> &mut Diagnostic {
        self.push(Diagnostic::error(code, self.file, Some(span), message))
    }

    fn warning(&mut self, code: &'static str, span: Span, message: String) -> &mut Diagnostic {
        self.push(Diagnostic::warning(code, self.file, Some(span), message))
    }

    fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        self.out.push(d);
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// Checks `e`, then its children with `e` as their container.
    fn visit(&mut self, e: &Expr) {
        // The parser bounds the depth; a caller's thread may still have a small stack.
        stacker::maybe_grow(64 << 10, 4 << 20, || self.visit_here(e));
    }

    fn visit_here(&mut self, e: &Expr) {
        self.check(e);
        let ctx = match &e.kind {
            ExprKind::Block(_) => Ctx::Block {
                top: self.stack.last() == Some(&Ctx::Program),
            },
            ExprKind::Class { .. } => Ctx::Class,
            ExprKind::Lambda(_) => Ctx::Lambda,
            ExprKind::Collect { .. } | ExprKind::ResourceOverride { .. } => Ctx::Appendable,
            ExprKind::ResourceDefaults { .. } => Ctx::Defaults,
            _ => Ctx::Other,
        };
        self.stack.push(ctx);
        match &e.kind {
            // Children that are not expressions of their own in our AST, or
            // bodies that Puppet makes a block of.
            ExprKind::Class { def, .. } | ExprKind::Define(def) => {
                self.params(&def.params);
                self.body(def.body.as_deref());
            }
            ExprKind::Function { def, return_type } => {
                self.params(&def.params);
                if let Some(r) = return_type {
                    self.visit(r);
                }
                self.body(def.body.as_deref());
            }
            ExprKind::Plan(def) => {
                self.params(&def.params);
                self.body(def.body.as_deref());
            }
            // The arguments are outside the block that compiles a catalog.
            ExprKind::Apply { args, body } => {
                args.iter().for_each(|a| self.visit(a));
                self.stack.push(Ctx::Apply);
                self.body(Some(body));
                self.stack.pop();
            }
            ExprKind::Lambda(l) => self.lambda(l),
            ExprKind::CallNamed {
                functor, args, lambda, ..
            }
            | ExprKind::CallMethod {
                functor, args, lambda, ..
            } => {
                self.visit(functor);
                args.iter().for_each(|a| self.visit(a));
                if let Some(l) = lambda {
                    self.stack.push(Ctx::Lambda);
                    self.lambda(l);
                    self.stack.pop();
                }
            }
            ExprKind::Node { matches, parent, body } => {
                matches.iter().for_each(|m| self.visit(m));
                if let Some(p) = parent {
                    self.visit(p);
                }
                self.body(body.as_deref());
            }
            ExprKind::Case { test, options } => {
                self.visit(test);
                for o in options {
                    for v in &o.values {
                        self.rvalue(v);
                        self.visit(v);
                    }
                    self.body(o.body.as_deref());
                }
            }
            ExprKind::Resource { type_name, bodies, .. } => {
                self.visit(type_name);
                for b in bodies {
                    self.stack.push(Ctx::ResourceBody);
                    self.resource_body(b);
                    self.visit(&b.title);
                    self.ops(&b.ops);
                    self.stack.pop();
                }
            }
            ExprKind::ResourceDefaults { type_ref: t, ops, .. }
            | ExprKind::ResourceOverride { resources: t, ops, .. } => {
                self.visit(t);
                self.ops(ops);
            }
            ExprKind::Collect {
                type_expr, query, ops, ..
            } => {
                self.visit(type_expr);
                if let Some(q) = query {
                    self.visit(q);
                }
                self.ops(ops);
            }
            // A hash entry's key and value are used; of a selector's entries, the key only.
            ExprKind::Hash(entries) => {
                for en in entries {
                    self.rvalue(&en.key);
                    self.rvalue(&en.value);
                    self.visit(&en.key);
                    self.visit(&en.value);
                }
            }
            ExprKind::Selector { left, entries } => {
                self.visit(left);
                for en in entries {
                    self.rvalue(&en.key);
                    self.visit(&en.key);
                    self.visit(&en.value);
                }
            }
            _ => super::visit::for_each_child(e, |c| self.visit(c)),
        }
        self.stack.pop();
    }

    /// The body of a definition, node, lambda, case option or `apply`: a
    /// block, even of one statement, as Puppet's factory makes it.
    fn body(&mut self, body: Option<&[Expr]>) {
        let body = body.unwrap_or_default();
        if body.is_empty() {
            return;
        }
        self.block(body);
        self.stack.push(Ctx::Block { top: false });
        body.iter().for_each(|s| self.visit(s));
        self.stack.pop();
    }

    fn params(&mut self, params: &[Parameter]) {
        for p in params {
            self.parameter(p);
            if let Some(t) = &p.type_expr {
                self.visit(t);
            }
            if let Some(v) = &p.value {
                self.visit(v);
            }
        }
    }

    fn lambda(&mut self, l: &Lambda) {
        let last = l.params.len().saturating_sub(1);
        for (i, p) in l.params.iter().enumerate() {
            if p.captures_rest && i != last {
                self.error(
                    "captures-rest-not-last",
                    self.variable_of(p),
                    format!("Parameter ${} is not last, and has 'captures rest'", p.name),
                );
            }
        }
        if let Some(r) = &l.return_type {
            self.type_ref(r, "Lambda");
        }
        self.params(&l.params);
        if let Some(r) = &l.return_type {
            self.visit(r);
        }
        self.body(l.body.as_deref());
    }

    fn ops(&mut self, ops: &[AttributeOp]) {
        let container = *self.stack.last().unwrap_or(&Ctx::Other);
        for op in ops {
            match op {
                AttributeOp::Set { name, op, value, span } => {
                    if *op == "+>" && container != Ctx::Appendable {
                        let parent = if container == Ctx::Defaults {
                            "Resource Defaults Expression"
                        } else {
                            "Resource Instance Definition"
                        };
                        self.error(
                            "illegal-attribute-append",
                            *span,
                            format!(
                                "Illegal +> operation on attribute {name}. This operator can not be used in {}",
                                a_an(parent)
                            ),
                        );
                    }
                    self.rvalue(value);
                    self.visit(value);
                }
                AttributeOp::Splat { value, .. } => {
                    self.rvalue(value);
                    self.visit(value);
                }
            }
        }
    }

    fn resource_body(&mut self, b: &ResourceBody) {
        let mut splats = b.ops.iter().filter_map(|op| match op {
            AttributeOp::Splat { span, .. } => Some(*span),
            AttributeOp::Set { .. } => None,
        });
        if let (Some(_), Some(second)) = (splats.next(), splats.next()) {
            self.error(
                "multiple-attributes-unfold",
                second,
                "Unfolding of attributes from Hash can only be used once per resource body".into(),
            );
        }
    }

    /// A statement list (Puppet's block expression).
    fn block(&mut self, stmts: &[Expr]) {
        // Puppet's tasks checker never takes a name and a hash for a resource.
        let without_title = resource_without_title(stmts).filter(|_| !self.tasks);
        if let (Some(name), Some(first)) = (without_title, stmts.first()) {
            let message =
                format!("This expression is invalid. Did you try declaring a '{name}' resource without a title?");
            self.error("resource-without-title", first.span, message).help =
                Some(format!("give it a title: `{name} {{ 'TITLE': ... }}`"));
            return;
        }
        if let Some(s) = stmts[..stmts.len().saturating_sub(1)].iter().find(|s| idem(Some(s))) {
            let message = format!(
                "This {} has no effect. A value was produced and then forgotten \
                 (one or more preceding expressions may have the wrong form)",
                label(s)
            );
            self.error("idem-expression-not-last", self.place(s), message).help = Some(
                "remove it, or make it a statement (an assignment, a resource, a function call); a line \
                 break inside a call or a missing comma often splits one expression into two"
                    .into(),
            );
        }
    }

    /// A class, define or node body may not end with a value and nothing else.
    fn no_idem_last(&mut self, body: Option<&[Expr]>, container: &str) {
        let body = body.unwrap_or_default();
        let Some(last) = body.last() else { return };
        if body.len() == 1 && matches!(last.kind, ExprKind::Nop) {
            return;
        }
        if idem(Some(last)) {
            let message = format!(
                "This {} has no effect. {} can not end with a value-producing expression without other effect",
                label(last),
                a_an_uc(container)
            );
            self.error("idem-not-allowed-last", self.place(last), message).help =
                Some("remove it, or make it a statement".into());
        }
    }

    /// Whether a definition is where definitions may be.
    fn top(&mut self, e: &Expr) {
        let absolute_only = matches!(
            e.kind,
            ExprKind::Function { .. }
                | ExprKind::Plan(_)
                | ExprKind::TypeAlias { .. }
                | ExprKind::TypeDefinition { .. }
        );
        for ctx in self.stack.iter().rev() {
            match ctx {
                Ctx::Program | Ctx::Class | Ctx::Apply => return,
                Ctx::Block { top: true } => return,
                Ctx::Block { top: false } if absolute_only => {
                    let message = format!("{} may only appear at toplevel", a_an_uc(&label(e)));
                    self.error("not-absolute-top-level", e.span, message);
                    return;
                }
                Ctx::Block { top: false } => continue,
                _ => break,
            }
        }
        self.error(
            "not-top-level",
            e.span,
            "Classes, definitions, and nodes may only appear at toplevel or inside other classes".into(),
        );
    }

    fn named_definition(&mut self, e: &Expr, def: &Definition) {
        self.top(e);
        if !is_definition_name(&def.name) {
            let message = format!(
                "Unacceptable name. The name '{}' is unacceptable as the name of {}",
                def.name,
                a_an(&label(e))
            );
            self.error("illegal-definition-name", e.span, message).help = Some(format!(
                "name it `{}` (lower-case letters, digits and `_`; the file name follows it)",
                lower_name(&def.name)
            ));
        }
        if RESERVED_TYPE_NAMES.contains(&def.name.as_str()) {
            let message = format!(
                "The name: '{}' is already defined by Puppet and can not be used as the name of {}.",
                def.name,
                a_an(&label(e))
            );
            self.error("reserved-type-name", e.span, message).help = Some(match def.name.as_str() {
                "init" => "a module's init.pp defines the class named after the module: `class MODULE { ... }`".into(),
                name => format!("rename it (e.g. `{name}_config`) and its declarations"),
            });
        }
        if def.name == "plan" {
            self.warning(
                "future-reserved-word",
                e.span,
                "Use of future reserved word: 'plan'".into(),
            );
        }
    }

    fn parameter_rules(&mut self, e: &Expr, def: &Definition, captures: bool, reserved: bool) {
        if !captures {
            for p in def.params.iter().filter(|p| p.captures_rest) {
                let message = format!(
                    "Parameter ${} has 'captures rest' - not supported in {}",
                    p.name,
                    a_an(&label(e))
                );
                self.error("captures-rest-not-supported", self.variable_of(p), message);
            }
        }
        let mut seen = std::collections::HashSet::new();
        for p in &def.params {
            if !seen.insert(p.name.as_str()) {
                let message = format!(
                    "The parameter '{}' is declared more than once in the parameter list",
                    p.name
                );
                self.error("duplicate-parameter", self.variable_of(p), message);
            }
        }
        if reserved {
            for p in def.params.iter().filter(|p| p.name == "name" || p.name == "title") {
                let message = format!(
                    "The parameter ${} redefines a built in parameter in the {}",
                    p.name,
                    label(e)
                );
                self.error("reserved-parameter", self.variable_of(p), message);
            }
        }
    }

    /// A type reference (a return type, an alias's type): `Name` or `Name[...]`.
    fn type_ref(&mut self, r: &Expr, container: &str) {
        let n = match &r.kind {
            ExprKind::Access { left, .. } => left,
            _ => r,
        };
        if let ExprKind::QualifiedReference(name) = &n.kind {
            if name == "plan" {
                self.warning(
                    "future-reserved-word",
                    r.span,
                    "Use of future reserved word: 'plan'".into(),
                );
            }
        } else {
            let message = format!(
                "Illegal expression. {} is unacceptable as a type reference in {}",
                a_an_uc(&label(r)),
                a_an(container)
            );
            self.error("illegal-expression", r.span, message);
        }
    }

    fn parameter(&mut self, p: &Parameter) {
        let digits = p.name.strip_prefix("0x").unwrap_or(&p.name);
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            let message = format!(
                "The numeric parameter name '${}' cannot be used (clashes with numeric match result variables)",
                p.name
            );
            self.error("illegal-numeric-parameter", self.variable_of(p), message)
                .help = Some("name the parameter with a letter first".into());
        }
        let mut c = p.name.chars();
        let param_name = c.next().is_some_and(|f| f.is_ascii_lowercase() || f == '_') && c.all(is_word);
        if !param_name {
            let message = format!(
                "Illegal parameter name. The given name '{}' does not conform to the naming rule /^[a-z_]\\w*$/",
                p.name
            );
            self.error("illegal-param-name", self.variable_of(p), message).help =
                Some(format!("name it `${}` (and its uses)", lower_name(&p.name)));
        }
        if let Some(v) = &p.value {
            self.no_assignment(v);
        }
    }

    /// A default value may not assign (outside a lambda of its own).
    fn no_assignment(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Binary {
                op: BinaryOp::Assign | BinaryOp::AddAssign | BinaryOp::SubAssign,
                ..
            } => {
                let at = self.place(e);
                self.error("illegal-assignment-context", at, "Assignment not allowed here".into());
            }
            ExprKind::Lambda(_) => {}
            // A lambda may assign its own locals.
            ExprKind::CallNamed { functor, args, .. } | ExprKind::CallMethod { functor, args, .. } => {
                self.no_assignment(functor);
                args.iter().for_each(|a| self.no_assignment(a));
            }
            _ => super::visit::for_each_child(e, |c| self.no_assignment(c)),
        }
    }

    /// An expression whose value is used must produce one.
    fn rvalue(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Collect { .. }
            | ExprKind::Class { .. }
            | ExprKind::Define(_)
            | ExprKind::Function { .. }
            | ExprKind::Plan(_)
            | ExprKind::Node { .. }
            | ExprKind::TypeAlias { .. }
            | ExprKind::TypeMapping { .. }
            | ExprKind::TypeDefinition { .. } => {
                let message = format!(
                    "Invalid use of expression. {} does not produce a value",
                    a_an_uc(&label(e))
                );
                self.error("not-rvalue", e.span, message);
            }
            ExprKind::Not(x) | ExprKind::UnaryMinus(x) | ExprKind::Unfold(x) => self.rvalue(x),
            _ => {}
        }
    }

    /// One side of `->`: a collector or another relationship may stand here.
    fn relation(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Collect { .. } => {}
            ExprKind::Binary {
                op: BinaryOp::InEdge | BinaryOp::InEdgeSub | BinaryOp::OutEdge | BinaryOp::OutEdgeSub,
                ..
            } => {}
            _ => self.rvalue(e),
        }
    }

    fn assign(&mut self, e: &Expr, via_index: bool) {
        match &e.kind {
            ExprKind::Variable(name) => {
                if is_numeric_var_name(name) {
                    let message = format!(
                        "Illegal attempt to assign to the numeric match result variable '${name}'. \
                         Numeric variables are not assignable"
                    );
                    self.error("illegal-numeric-assignment", e.span, message);
                }
                if name.contains("::") {
                    let message = format!(
                        "Illegal attempt to assign to '{name}'. Cannot assign to variables in other namespaces"
                    );
                    self.error("cross-scope-assignment", e.span, message);
                }
            }
            ExprKind::Access { .. } => {
                let message = "Illegal attempt to assign via [index/key]. Not an assignable reference";
                self.error("illegal-indexed-assignment", e.span, message.into());
            }
            ExprKind::List(values) => values.iter().for_each(|v| self.assign(v, false)),
            _ if via_index => {
                let message = format!(
                    "Illegal attempt to assign to {} via [index/key]. Not an assignable reference",
                    a_an(&label(e))
                );
                self.error("illegal-assignment-via-index", e.span, message);
            }
            _ => {
                let message = format!(
                    "Illegal attempt to assign to '{}'. Not an assignable reference",
                    a_an(&label(e))
                );
                self.error("illegal-assignment", self.place(e), message);
            }
        }
    }

    fn hostname(&mut self, m: &Expr) {
        let chars = |this: &mut Self, name: &str, span: Span| {
            if name.chars().any(|c| !(is_word(c) || c == '-' || c == '.')) {
                let message = format!(
                    "The hostname '{name}' contains illegal characters (only letters, digits, '_', '-', and '.' are allowed)"
                );
                this.error("illegal-hostname-chars", span, message);
            }
        };
        match &m.kind {
            ExprKind::Str(s) | ExprKind::QualifiedName(s) | ExprKind::QualifiedReference(s) => chars(self, s, m.span),
            ExprKind::Boolean(b) => chars(self, &b.to_string(), m.span),
            ExprKind::Integer { .. } | ExprKind::Float(_) | ExprKind::Default | ExprKind::Regex(_) => {}
            ExprKind::Concat(parts) => {
                if let Some(t) = parts.iter().find_map(|p| match &p.kind {
                    ExprKind::Text(x) => Some(x),
                    _ => None,
                }) {
                    self.error(
                        "illegal-hostname-interpolation",
                        t.span,
                        "An interpolated expression is not allowed in a hostname of a node".into(),
                    );
                } else if let [one] = parts.as_slice() {
                    self.hostname(one);
                } else {
                    self.error(
                        "illegal-hostname-interpolation",
                        m.span,
                        "An interpolated expression is not allowed in a hostname of a node".into(),
                    );
                }
            }
            _ => {
                let message = format!(
                    "Illegal expression. {} is unacceptable as hostname in a Node Definition",
                    a_an_uc(&label(m))
                );
                self.error("illegal-expression", m.span, message);
            }
        }
    }

    fn query(&mut self, q: &Expr) {
        match &q.kind {
            ExprKind::Binary {
                op: BinaryOp::And | BinaryOp::Or,
                left,
                right,
            } => {
                self.query(left);
                self.query(right);
            }
            ExprKind::Binary {
                op: BinaryOp::Eq | BinaryOp::Ne,
                ..
            } => {}
            ExprKind::Paren(x) => self.query(x),
            ExprKind::Variable(_)
            | ExprKind::QualifiedName(_)
            | ExprKind::Integer { .. }
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Boolean(_) => {}
            _ => {
                let message = format!(
                    "Illegal query expression. {} cannot be used in a query",
                    a_an_uc(&label(q))
                );
                self.error("illegal-query-expression", self.place(q), message);
            }
        }
    }

    fn duplicate_default(&mut self, defaults: Vec<&Expr>, container: &str) {
        if let Some(second) = defaults.get(1) {
            let message = format!("This {container} already has a 'default' entry - this is a duplicate");
            self.error("duplicate-default", second.span, message);
        }
    }

    /// The checks of `e` itself (its children are visited after).
    fn check(&mut self, e: &Expr) {
        if self.tasks && !self.tasks_allow(e) {
            return;
        }
        match &e.kind {
            ExprKind::Block(stmts) => self.block(stmts),
            ExprKind::Binary { op, left, right } => match op {
                BinaryOp::Assign => {
                    self.assign(left, false);
                    self.rvalue(right);
                }
                BinaryOp::AddAssign | BinaryOp::SubAssign => {
                    let message = format!(
                        "The operator '{}' is no longer supported. See http://links.puppet.com/remove-plus-equals",
                        op.as_str()
                    );
                    self.error("appends-deletes-no-longer-supported", self.place(e), message);
                }
                BinaryOp::InEdge | BinaryOp::InEdgeSub | BinaryOp::OutEdge | BinaryOp::OutEdgeSub => {
                    self.relation(left);
                    self.relation(right);
                }
                _ => {
                    self.rvalue(left);
                    self.rvalue(right);
                }
            },
            ExprKind::CallNamed { functor, .. } => {
                let ok = match &functor.kind {
                    ExprKind::QualifiedName(_) | ExprKind::QualifiedReference(_) => true,
                    ExprKind::Access { left, .. } => matches!(left.kind, ExprKind::QualifiedReference(_)),
                    _ => false,
                };
                if !ok {
                    let message = format!(
                        "Illegal expression. {} is unacceptable as function name in a Function Call",
                        a_an_uc(&label(functor))
                    );
                    self.error("illegal-expression", functor.span, message);
                }
            }
            ExprKind::Case { test, options } => {
                self.rvalue(test);
                let defaults = options
                    .iter()
                    .flat_map(|o| o.values.iter())
                    .filter(|v| matches!(v.kind, ExprKind::Default))
                    .collect();
                self.duplicate_default(defaults, "'case' statement");
            }
            ExprKind::Selector { left, entries } => {
                self.rvalue(left);
                let defaults = entries
                    .iter()
                    .map(|en| &en.key)
                    .filter(|k| matches!(k.kind, ExprKind::Default))
                    .collect();
                self.duplicate_default(defaults, "Selector Expression");
            }
            ExprKind::If { test, .. } | ExprKind::Unless { test, .. } => self.rvalue(test),
            ExprKind::Not(x) | ExprKind::UnaryMinus(x) | ExprKind::Unfold(x) => self.rvalue(x),
            ExprKind::List(values) => values.iter().for_each(|v| self.rvalue(v)),
            ExprKind::Integer { value, .. } if *value > i64::MAX as i128 || *value < i64::MIN as i128 => {
                let bound = if *value > 0 { "max" } else { "min" };
                let sign = if *value > 0 { "+" } else { "-" };
                let message = format!(
                    "A Literal Integer resulted in a value outside of Puppet Integer {bound} range, got '{sign}{:#x}'",
                    value.unsigned_abs()
                );
                self.error("numeric-overflow", e.span, message);
            }
            ExprKind::Hash(entries) => {
                let mut seen = std::collections::HashSet::new();
                for en in entries {
                    if let Some(key) = literal_key(&en.key) {
                        if !seen.insert(key.clone()) {
                            let message = format!("The key '{key}' is declared more than once");
                            let at = self.between(en.key.span, en.value.span, "=>").unwrap_or(en.span);
                            self.warning("duplicate-key", at, message).help =
                                Some("keep one entry per key: the later one is the value Puppet 7 uses".into());
                        }
                    }
                }
            }
            ExprKind::Collect { type_expr, query, .. } => {
                if !matches!(type_expr.kind, ExprKind::QualifiedReference(_)) {
                    let message = format!(
                        "Illegal expression. {} is unacceptable as type name in {}",
                        a_an_uc(&label(type_expr)),
                        a_an(&label(e))
                    );
                    self.error("illegal-expression", type_expr.span, message);
                }
                if let Some(q) = query {
                    self.query(q);
                }
            }
            ExprKind::Class { def, .. } => {
                self.named_definition(e, def);
                self.parameter_rules(e, def, false, true);
                self.no_idem_last(def.body.as_deref(), "Host Class Definition");
            }
            ExprKind::Define(def) => {
                self.named_definition(e, def);
                self.parameter_rules(e, def, false, true);
                self.no_idem_last(def.body.as_deref(), "'define' expression");
            }
            ExprKind::Function { def, return_type } => {
                self.named_definition(e, def);
                if let Some(r) = return_type {
                    self.type_ref(r, "Function Definition");
                }
                self.parameter_rules(e, def, true, false);
            }
            ExprKind::Plan(def) => {
                self.named_definition(e, def);
                self.parameter_rules(e, def, true, false);
            }
            ExprKind::TypeAlias { name, type_expr } => {
                self.top(e);
                if !is_type_name(name, false) {
                    let message = format!(
                        "Unacceptable name. The name '{name}' is unacceptable as the name of {}",
                        a_an(&label(e))
                    );
                    self.error("illegal-definition-name", e.span, message);
                }
                if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
                    let message = format!(
                        "The name: '{name}' is already defined by Puppet and can not be used as the name of {}.",
                        a_an(&label(e))
                    );
                    self.error("reserved-type-name", e.span, message);
                }
                self.type_ref(type_expr, "Type Alias");
            }
            ExprKind::TypeMapping { .. } => self.top(e),
            ExprKind::TypeDefinition { .. } => {
                self.top(e);
                let message = format!(
                    "Expressions of type {} are not supported in this version of Puppet",
                    a_an(&label(e))
                );
                self.error("unsupported-expression", e.span, message);
            }
            ExprKind::Node { matches, parent, body } => {
                matches.iter().for_each(|m| self.hostname(m));
                self.top(e);
                self.no_idem_last(body.as_deref(), "Node Definition");
                if let Some(p) = parent {
                    self.error(
                        "illegal-node-inheritance",
                        p.span,
                        "Node inheritance is not supported in Puppet >= 4.0.0. \
                         See http://links.puppet.com/puppet-node-inheritance-deprecation"
                            .into(),
                    )
                    .help = Some(
                        "declare the shared classes in a class (a role or profile) and include it in each node".into(),
                    );
                }
            }
            ExprKind::QualifiedReference(name) if !is_type_name(name, true) => {
                let message =
                    format!("Illegal type reference. The given name '{name}' does not conform to the naming rule");
                self.error("illegal-classref", e.span, message);
            }
            ExprKind::Resource { type_name, form, .. }
                if *form != ResourceForm::Regular && type_name.as_qualified_name() == Some("class") =>
            {
                self.error(
                    "class-not-virtualizable",
                    e.span,
                    "Classes are not virtualizable".into(),
                );
            }
            ExprKind::ResourceDefaults { form, .. } | ExprKind::ResourceOverride { form, .. }
                if *form != ResourceForm::Regular =>
            {
                self.error(
                    "not-virtualizeable",
                    e.span,
                    "Resource Defaults are not virtualizable".into(),
                );
            }
            ExprKind::Reserved(word) => {
                let message = format!("Use of reserved word: {word}, must be quoted if intended to be a String value");
                self.error("reserved-word", e.span, message);
            }
            ExprKind::Variable(name) => {
                if name.starts_with(|c: char| c.is_ascii_digit()) {
                    if !is_numeric_var_name(name) {
                        let message = format!(
                            "Illegal numeric variable name, The given name '{name}' must be a decimal value if it starts with a digit 0-9"
                        );
                        self.error("illegal-numeric-var-name", e.span, message);
                    }
                } else if !is_var_name(name) {
                    let message = format!(
                        "Illegal variable name, The given name '{name}' does not conform to the naming rule /^((::)?[a-z]\\w*)*((::)?[a-z_]\\w*)$/"
                    );
                    self.error("illegal-var-name", e.span, message).help = Some(format!(
                        "name it `${}` everywhere it is used",
                        name.to_ascii_lowercase()
                    ));
                }
            }
            _ => {}
        }
    }

    /// Tasks mode's own rules for `e` (Puppet's `TasksChecker`); false when
    /// `e` broke one, and the usual checks of `e` are not made.
    fn tasks_allow(&mut self, e: &Expr) -> bool {
        let in_apply = self.stack.contains(&Ctx::Apply);
        let (code, only, help) = match &e.kind {
            ExprKind::Class { .. } | ExprKind::Define(_) => (
                "expression-not-supported-when-scripting",
                "is only available when compiling a catalog",
                "define it in the module's manifests/ and declare it inside an `apply(targets) { ... }` block",
            ),
            ExprKind::Collect {
                query_kind: QueryKind::Exported,
                ..
            } if in_apply => (
                "expression-not-supported-when-compiling",
                "is not available when compiling a catalog",
                "an apply block compiles its catalog without PuppetDB: collect virtual resources (`<| |>`) only",
            ),
            ExprKind::Apply { .. } if in_apply => (
                "expression-not-supported-when-compiling",
                "is not available when compiling a catalog",
                "move this apply out of the enclosing apply block",
            ),
            ExprKind::Collect { .. }
            | ExprKind::Node { .. }
            | ExprKind::Resource { .. }
            | ExprKind::ResourceDefaults { .. }
            | ExprKind::ResourceOverride { .. }
            | ExprKind::Binary {
                op: BinaryOp::InEdge | BinaryOp::InEdgeSub | BinaryOp::OutEdge | BinaryOp::OutEdgeSub,
                ..
            } if !in_apply => (
                "expression-not-supported-when-scripting",
                "is only available when compiling a catalog",
                "put it inside an `apply(targets) { ... }` block, which compiles a catalog for the targets",
            ),
            _ => return true,
        };
        let message = format!("{} {only}", a_an_uc(&label(e)));
        self.error(code, self.place(e), message).help = Some(help.into());
        false
    }
}

/// A name Puppet accepts for `name`: lower case, `_` for other characters, a letter first.
fn lower_name(name: &str) -> String {
    let s: String = name
        .trim_start_matches("::")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == ':' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    match s.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("v{s}"),
        _ => s,
    }
}

/// The value of a hash key Puppet can compare before evaluation.
fn literal_key(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Str(s) | ExprKind::QualifiedName(s) => Some(s.clone()),
        ExprKind::Integer { value, .. } => Some(value.to_string()),
        ExprKind::Boolean(b) => Some(b.to_string()),
        ExprKind::Concat(parts) => match parts.as_slice() {
            [one] => literal_key(one),
            _ => None,
        },
        _ => None,
    }
}
