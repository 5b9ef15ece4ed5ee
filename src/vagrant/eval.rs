//! A deterministic interpreter for the Ruby subset Vagrantfiles use.
//!
//! Hermetic: it reads files only inside the project directory, runs no process,
//! touches no network, and stops at a step budget, a call-depth limit and a size
//! limit, each with a diagnostic. Anything it does not model becomes an *unknown*
//! value with a diagnostic that says what was not evaluated and what was assumed;
//! the model never silently contains a guess.

use super::ast::*;
use super::config::ObjData;
use super::value::*;
use crate::diagnostic::{Diagnostic, Severity, SourceFile, Span};
use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

/// What the evaluation may use from outside the Vagrantfile.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--env KEY=VALUE` values for `ENV[...]`.
    pub env: Vec<(String, String)>,
    /// Read `ENV` from the process environment (`--env-from-process`).
    pub env_from_process: bool,
    /// Plugins `Vagrant.has_plugin?` reports as installed.
    pub plugins: Vec<String>,
    /// Evaluation steps before the budget diagnostic.
    pub max_steps: u64,
    /// Deepest method/block call nesting.
    pub max_depth: usize,
    /// Largest string, array or hash built.
    pub max_size: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            env: Vec::new(),
            env_from_process: false,
            plugins: Vec::new(),
            max_steps: 2_000_000,
            max_depth: 150,
            max_size: 1_000_000,
        }
    }
}

/// Non-local control flow.
#[derive(Debug)]
pub enum Flow {
    Return(Value),
    Next(Value),
    Break(Value),
    /// A Ruby exception: class name and message.
    Raise(String, String, Span),
    /// A limit was hit; the diagnostic has been given.
    Stop,
}

/// Result of evaluating something.
pub type R = Result<Value, Flow>;

/// A block passed to a method.
#[derive(Debug, Clone)]
pub enum Blk {
    Closure(Rc<Closure>),
    /// `&:name`
    Sym(Rc<str>),
}

/// A user `def`.
#[derive(Debug)]
pub struct Method {
    pub body: Rc<Body>,
    pub file: Rc<str>,
    /// The module it was defined in (for its constants).
    pub namespace: Option<String>,
}

/// The interpreter state for one project.
pub struct Interp {
    /// The project directory (absolute).
    pub root: PathBuf,
    /// The project directory as the user named it (diagnostics show paths under it).
    pub display_root: PathBuf,
    pub opts: Options,
    /// Diagnostics so far.
    pub diags: Vec<Diagnostic>,
    /// Sources read (for rendering diagnostics).
    pub sources: Vec<Arc<SourceFile>>,
    reported: HashSet<(Rc<str>, u32, &'static str)>,
    steps: u64,
    pub(super) depth: usize,
    pub(super) globals: Vec<(String, Value)>,
    pub(super) consts: Vec<(String, Value)>,
    pub(super) methods: Vec<(String, Rc<Method>)>,
    /// Vagrant configuration objects.
    pub objs: Vec<ObjData>,
    /// `Vagrant.configure` blocks in order: version and block.
    pub configures: Vec<(String, Rc<Closure>)>,
    /// The file being evaluated (display path) and its absolute path.
    pub(super) file: Rc<str>,
    pub(super) file_abs: String,
    pub(super) last_match: Option<Vec<Value>>,
    pub(super) loaded: HashSet<PathBuf>,
    pub(super) env_overrides: Vec<(String, Value)>,
    pub(super) block_stack: Vec<Option<Blk>>,
    /// Project files read with `File.read` (for `eval File.read(...)`).
    pub(super) read_files: Vec<(PathBuf, String)>,
    /// The file an exception in flight was raised in.
    pub(super) raise_file: Option<Rc<str>>,
    /// Compiled regexes by pattern and flags.
    regexes: std::collections::HashMap<(String, String), Value>,
    /// Modules being defined (innermost last).
    pub(super) namespace: Vec<String>,
    /// Counter for ids Vagrant would make with a UUID.
    pub(super) unique: u64,
}

impl Interp {
    /// A fresh interpreter for the project in `root`.
    pub fn new(root: PathBuf, opts: Options) -> Self {
        Interp {
            display_root: root.clone(),
            root,
            opts,
            diags: Vec::new(),
            sources: Vec::new(),
            reported: HashSet::new(),
            steps: 0,
            depth: 0,
            globals: Vec::new(),
            consts: Vec::new(),
            methods: Vec::new(),
            objs: Vec::new(),
            configures: Vec::new(),
            file: Rc::from(""),
            file_abs: String::new(),
            last_match: None,
            loaded: HashSet::new(),
            env_overrides: Vec::new(),
            block_stack: Vec::new(),
            read_files: Vec::new(),
            unique: 0,
            namespace: Vec::new(),
            regexes: std::collections::HashMap::new(),
            raise_file: None,
        }
    }

    /// Parse and evaluate one file (the Vagrantfile, or a file it loads) in `scope`.
    /// Returns false when the file could not be parsed.
    pub fn run_file(&mut self, path: &Path, display: &str, text: String, scope: &Scope) -> R {
        let src = SourceFile::new(display, text);
        self.sources.push(src.clone());
        let stmts = match super::parser::parse(display, &src.text) {
            Ok(s) => s,
            Err(d) => {
                self.diags.push(*d);
                return Err(Flow::Stop);
            }
        };
        let saved = (self.file.clone(), std::mem::take(&mut self.file_abs));
        self.file = Rc::from(display);
        self.file_abs = path.display().to_string();
        let r = self.body(&stmts, scope, &Value::Nil);
        self.note_raise(&r);
        self.file = saved.0;
        self.file_abs = saved.1;
        r
    }

    /// A project file's path as diagnostics show it (relative to the project).
    pub fn display_path(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| path.display().to_string())
    }

    // ---- diagnostics -------------------------------------------------------

    /// Report something not evaluated at `span` (once per place).
    pub fn not_evaluated(&mut self, span: Span, what: &str, assumed: &str) -> Value {
        self.note(
            Severity::Warning,
            "vagrant-not-evaluated",
            span,
            format!("{what} was not evaluated"),
            Some(assumed),
        );
        Value::Unknown(Rc::from(what))
    }

    /// A diagnostic at `span` in the current file, once per place and code.
    pub fn note(&mut self, sev: Severity, code: &'static str, span: Span, msg: String, help: Option<&str>) {
        if !self.reported.insert((self.file.clone(), span.start, code)) {
            return;
        }
        let mut d = Diagnostic::error(code, &self.file, Some(span), msg);
        d.severity = sev;
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    fn tick(&mut self, span: Span) -> Result<(), Flow> {
        self.steps += 1;
        if self.steps > self.opts.max_steps {
            {
                let msg = format!(
                    "evaluation stopped after {} steps (the budget); this looks like a loop that does not end",
                    self.opts.max_steps
                );
                self.note(
                    Severity::Error,
                    "vagrant-budget",
                    span,
                    msg,
                    Some(
                        "machines configured before this point are kept; the rest of the Vagrantfile is not evaluated",
                    ),
                );
            }
            return Err(Flow::Stop);
        }
        Ok(())
    }

    /// Each phase (the file, each config block, each machine) gets its own budget,
    /// so one endless loop costs one phase, not the machines configured before it.
    pub fn fresh_budget(&mut self) {
        self.steps = 0;
        self.depth = 0;
    }

    /// Fail when a built value is larger than the size limit.
    pub fn check_size(&mut self, n: usize, span: Span) -> Result<(), Flow> {
        if n > self.opts.max_size {
            let msg = format!(
                "a value of {n} elements or bytes is larger than the limit of {}",
                self.opts.max_size
            );
            self.note(
                Severity::Error,
                "vagrant-size",
                span,
                msg,
                Some("Vagrantfiles do not build values this large; the rest is not evaluated"),
            );
            return Err(Flow::Stop);
        }
        Ok(())
    }

    // ---- scopes ------------------------------------------------------------

    /// A new top-level scope.
    pub fn new_scope(parent: Option<Scope>) -> Scope {
        Rc::new(RefCell::new(Frame {
            vars: Vec::new(),
            parent,
        }))
    }

    fn lookup(scope: &Scope, name: &str) -> Option<Value> {
        let f = scope.borrow();
        if let Some((_, v)) = f.vars.iter().find(|(n, _)| n == name) {
            return Some(v.clone());
        }
        f.parent.as_ref().and_then(|p| Self::lookup(p, name))
    }

    fn assign_local(scope: &Scope, name: &str, v: Value) {
        fn set_existing(scope: &Scope, name: &str, v: &Value) -> bool {
            let mut f = scope.borrow_mut();
            if let Some(slot) = f.vars.iter_mut().find(|(n, _)| n == name) {
                slot.1 = v.clone();
                return true;
            }
            match f.parent.clone() {
                Some(p) => {
                    drop(f);
                    set_existing(&p, name, v)
                }
                None => false,
            }
        }
        if !set_existing(scope, name, &v) {
            scope.borrow_mut().vars.push((name.to_string(), v));
        }
    }

    fn define_local(scope: &Scope, name: &str, v: Value) {
        let mut f = scope.borrow_mut();
        if let Some(slot) = f.vars.iter_mut().find(|(n, _)| n == name) {
            slot.1 = v;
        } else {
            f.vars.push((name.to_string(), v));
        }
    }

    // ---- evaluation --------------------------------------------------------

    /// Evaluate statements; the value of the last.
    pub fn body(&mut self, stmts: &[Node], scope: &Scope, this: &Value) -> R {
        let mut last = Value::Nil;
        for s in stmts {
            last = self.eval(s, scope, this)?;
        }
        Ok(last)
    }

    /// Evaluate one node (on a fresh stack segment when this one runs short).
    pub fn eval(&mut self, n: &Node, scope: &Scope, this: &Value) -> R {
        stacker::maybe_grow(256 << 10, 8 << 20, || self.eval_here(n, scope, this))
    }

    fn eval_here(&mut self, n: &Node, scope: &Scope, this: &Value) -> R {
        self.tick(n.span)?;
        let sp = n.span;
        Ok(match &n.expr {
            Expr::Nil => Value::Nil,
            Expr::True => Value::Bool(true),
            Expr::False => Value::Bool(false),
            Expr::SelfRef => this.clone(),
            Expr::File => Value::str(self.file_abs.clone()),
            Expr::DirKw => Value::str(
                Path::new(&self.file_abs)
                    .parent()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
            ),
            Expr::Line => Value::Int(
                self.sources
                    .iter()
                    .rev()
                    .find(|s| *s.path == *self.file)
                    .map_or(0, |s| s.line_col(sp.start as usize).0) as i64,
            ),
            Expr::Int(i) => Value::Int(*i),
            Expr::Float(f) => Value::Float(*f),
            Expr::Str(parts) => match self.interpolate(parts, scope, this)? {
                Ok(s) => Value::str(s),
                Err(w) => Value::Unknown(w),
            },
            Expr::XStr(cmd) => {
                let what = format!("the command {cmd}");
                self.not_evaluated(
                    sp,
                    &what,
                    "puppetlift never runs commands from a Vagrantfile; the value is unknown",
                )
            }
            Expr::Sym(s) => Value::sym(s),
            Expr::DSym(parts) => match self.interpolate(parts, scope, this)? {
                Ok(s) => Value::sym(&s),
                Err(w) => Value::Unknown(w),
            },
            Expr::Regex(parts, flags) => match self.interpolate(parts, scope, this)? {
                Ok(src) => self.regex(&src, flags, sp),
                Err(w) => Value::Unknown(w),
            },
            Expr::Array(items) => Value::array(self.args(items, scope, this)?),
            Expr::Hash(items) => {
                let mut pairs = Vec::new();
                for a in items {
                    match a {
                        Arg::Pair(k, v) => {
                            let k = self.eval(k, scope, this)?;
                            let v = self.eval(v, scope, this)?;
                            hash_set(&mut pairs, k, v);
                        }
                        Arg::DoubleSplat(e) => {
                            if let Value::Hash(h) = self.eval(e, scope, this)? {
                                for (k, v) in h.borrow().iter() {
                                    hash_set(&mut pairs, k.clone(), v.clone());
                                }
                            }
                        }
                        Arg::Pos(e) | Arg::Splat(e) | Arg::Block(e) => {
                            self.eval(e, scope, this)?;
                        }
                    }
                }
                Value::hash(pairs)
            }
            Expr::Range(a, b, excl) => {
                let a = self.eval(a, scope, this)?;
                let b = self.eval(b, scope, this)?;
                Value::Range(Rc::new((a, b, *excl)))
            }
            Expr::Ident(name) => match Self::lookup(scope, name) {
                Some(v) => v,
                None => self.call(None, this, name, vec![], None, sp)?,
            },
            Expr::IVar(name) | Expr::CVar(name) => self.global(name),
            Expr::GVar(name) => self.gvar(name),
            Expr::Const(scope_node, name) => match scope_node {
                None => self.constant(name, sp),
                Some(s) => {
                    let outer = self.eval(s, scope, this)?;
                    self.scoped_constant(&outer, name, sp)
                }
            },
            Expr::Call {
                recv,
                name,
                args,
                block,
                safe,
            } => {
                let recv_v = match recv {
                    Some(r) => Some(self.eval(r, scope, this)?),
                    None => None,
                };
                if *safe && matches!(recv_v, Some(Value::Nil)) {
                    return Ok(Value::Nil);
                }
                let mut argv = self.args(args, scope, this)?;
                let mut blk = block.as_ref().map(|b| {
                    Blk::Closure(Rc::new(Closure {
                        body: b.clone(),
                        scope: scope.clone(),
                        file: self.file.clone(),
                        this: this.clone(),
                        lambda: false,
                    }))
                });
                // `&blk` / `&:sym` arrive last in argv as a marker.
                if let Some(a) = args
                    .iter()
                    .find_map(|a| if let Arg::Block(e) = a { Some(e) } else { None })
                {
                    let _ = argv.pop();
                    blk = match self.eval(a, scope, this)? {
                        Value::Sym(s) => Some(Blk::Sym(s)),
                        Value::Proc(c) => Some(Blk::Closure(c)),
                        Value::Nil => None,
                        _ => None,
                    };
                }
                if name == "eval" && recv.is_none() {
                    // `eval File.read("Vagrantfile.local")`: the text of a project file
                    // is evaluated here, in this scope, by this interpreter.
                    if let Some(Value::Str(code)) = argv.first() {
                        let code = code.borrow().clone();
                        let file = self
                            .read_files
                            .iter()
                            .rev()
                            .find(|(_, t)| *t == code)
                            .map(|(p, _)| p.clone());
                        if let Some(path) = file {
                            let display = self.display_path(&path);
                            return self.run_file(&path, &display, code, scope);
                        }
                    }
                }
                if name == "lambda" && recv.is_none() {
                    if let Some(Blk::Closure(c)) = &blk {
                        return Ok(Value::Proc(Rc::new(Closure {
                            body: c.body.clone(),
                            scope: c.scope.clone(),
                            file: c.file.clone(),
                            this: c.this.clone(),
                            lambda: true,
                        })));
                    }
                }
                let _ = &mut argv;
                self.call(recv_v, this, name, argv, blk, sp)?
            }
            Expr::Index(recv, args) => {
                let r = self.eval(recv, scope, this)?;
                let a = self.args(args, scope, this)?;
                self.call(Some(r), this, "[]", a, None, sp)?
            }
            Expr::Assign(target, value) => {
                let v = self.eval(value, scope, this)?;
                self.assign(target, v.clone(), scope, this)?;
                v
            }
            Expr::OpAssign(target, op, value) => {
                let cur = self.read_target(target, scope, this)?;
                let v = match op.as_str() {
                    "||" => {
                        if cur.truthy() {
                            return Ok(cur);
                        }
                        self.eval(value, scope, this)?
                    }
                    "&&" => {
                        if !cur.truthy() {
                            return Ok(cur);
                        }
                        self.eval(value, scope, this)?
                    }
                    _ => {
                        let rhs = self.eval(value, scope, this)?;
                        self.call(Some(cur), this, op, vec![rhs], None, sp)?
                    }
                };
                self.assign(target, v.clone(), scope, this)?;
                v
            }
            Expr::MultiAssign(targets, value) => {
                let v = self.eval(value, scope, this)?;
                let items = match &v {
                    Value::Array(a) => a.borrow().clone(),
                    other => vec![other.clone()],
                };
                for (i, t) in targets.iter().enumerate() {
                    self.assign(t, items.get(i).cloned().unwrap_or(Value::Nil), scope, this)?;
                }
                v
            }
            Expr::And(a, b) => {
                let l = self.eval(a, scope, this)?;
                if let Value::Unknown(_) = l {
                    return Ok(l);
                }
                if l.truthy() {
                    self.eval(b, scope, this)?
                } else {
                    l
                }
            }
            Expr::Or(a, b) => {
                let l = self.eval(a, scope, this)?;
                if let Value::Unknown(_) = l {
                    return Ok(l);
                }
                if l.truthy() {
                    l
                } else {
                    self.eval(b, scope, this)?
                }
            }
            Expr::Not(a) => match self.eval(a, scope, this)? {
                Value::Unknown(w) => Value::Unknown(w),
                v => Value::Bool(!v.truthy()),
            },
            Expr::Binary(op, a, b) => {
                let l = self.eval(a, scope, this)?;
                let r = self.eval(b, scope, this)?;
                self.call(Some(l), this, op, vec![r], None, sp)?
            }
            Expr::Unary(op, a) => {
                let v = self.eval(a, scope, this)?;
                match (op.as_str(), v) {
                    ("-", Value::Int(i)) => Value::Int(i.wrapping_neg()),
                    ("-", Value::Float(f)) => Value::Float(-f),
                    ("+", v) => v,
                    ("~", Value::Int(i)) => Value::Int(!i),
                    (_, Value::Unknown(w)) => Value::Unknown(w),
                    (op, v) => {
                        let what = format!("unary `{op}` on {}", v.class_name());
                        self.not_evaluated(sp, &what, "the value is unknown")
                    }
                }
            }
            Expr::If(c, yes, no) => {
                let cv = self.eval(c, scope, this)?;
                if self.condition(&cv, c.span) {
                    self.body(yes, scope, this)?
                } else {
                    self.body(no, scope, this)?
                }
            }
            Expr::While(c, body, until) => {
                loop {
                    self.tick(sp)?;
                    let cv = self.eval(c, scope, this)?;
                    let go = self.condition(&cv, c.span) != *until;
                    if !go {
                        break;
                    }
                    match self.body(body, scope, this) {
                        Ok(_) | Err(Flow::Next(_)) => {}
                        Err(Flow::Break(v)) => return Ok(v),
                        Err(e) => return Err(e),
                    }
                }
                Value::Nil
            }
            Expr::Case(subject, whens, els) => {
                let subj = match subject {
                    Some(s) => Some(self.eval(s, scope, this)?),
                    None => None,
                };
                if let Some(Value::Unknown(w)) = &subj {
                    let what = format!("`case` over an unknown value ({w})");
                    self.note(
                        Severity::Warning,
                        "vagrant-not-evaluated",
                        sp,
                        format!("{what} was not evaluated"),
                        Some("no branch was taken"),
                    );
                    return Ok(Value::Unknown(w.clone()));
                }
                for (values, body) in whens {
                    let vals = self.args(values, scope, this)?;
                    for v in vals {
                        let hit = match &subj {
                            Some(s) => {
                                let r = self.call(Some(v), this, "===", vec![s.clone()], None, sp)?;
                                self.condition(&r, sp)
                            }
                            None => self.condition(&v, sp),
                        };
                        if hit {
                            return self.body(body, scope, this);
                        }
                    }
                }
                match els {
                    Some(b) => self.body(b, scope, this)?,
                    None => Value::Nil,
                }
            }
            Expr::Def(name, body) => {
                let ns = self.namespace.last().cloned();
                let name = match (name.strip_prefix("self."), &ns) {
                    (Some(n), Some(ns)) => format!("{ns}.{n}"),
                    (Some(n), None) => n.to_string(),
                    (None, _) => name.clone(),
                };
                let name = &name;
                let m = Rc::new(Method {
                    body: body.clone(),
                    file: self.file.clone(),
                    namespace: ns,
                });
                if let Some(slot) = self.methods.iter_mut().find(|(n, _)| n == name) {
                    slot.1 = m;
                } else {
                    self.methods.push((name.clone(), m));
                }
                Value::sym(name)
            }
            Expr::Module(name, body) => {
                let full = match self.namespace.last() {
                    Some(ns) => format!("{ns}::{name}"),
                    None => name.clone(),
                };
                let module = Value::Module(Rc::from(full.as_str()));
                self.set_const(&full, module.clone());
                self.namespace.push(full);
                let r = self.body(body, &Self::new_scope(None), &module);
                self.namespace.pop();
                r?;
                module
            }
            Expr::Lambda(body) => Value::Proc(Rc::new(Closure {
                body: body.clone(),
                scope: scope.clone(),
                file: self.file.clone(),
                this: this.clone(),
                lambda: true,
            })),
            Expr::Begin(body, rescues, els, ensure) => {
                let r = self.body(body, scope, this);
                let r = match r {
                    Err(Flow::Raise(class, msg, at)) => {
                        let mut handled = None;
                        for rc in rescues {
                            let mut matches = rc.classes.is_empty();
                            for c in &rc.classes {
                                if let Expr::Const(_, cname) = &c.expr {
                                    if exception_matches(cname, &class) {
                                        matches = true;
                                    }
                                }
                            }
                            if matches {
                                self.raise_file = None;
                                if let Some(var) = &rc.var {
                                    Self::assign_local(scope, var, Value::str(msg.clone()));
                                }
                                handled = Some(self.body(&rc.body, scope, this));
                                break;
                            }
                        }
                        handled.unwrap_or(Err(Flow::Raise(class, msg, at)))
                    }
                    Ok(v) => match els {
                        Some(e) => self.body(e, scope, this),
                        None => Ok(v),
                    },
                    other => other,
                };
                if let Some(e) = ensure {
                    self.body(e, scope, this)?;
                }
                r?
            }
            Expr::Return(v) => {
                let v = match v {
                    Some(e) => self.eval(e, scope, this)?,
                    None => Value::Nil,
                };
                return Err(Flow::Return(v));
            }
            Expr::Next(v) => {
                let v = match v {
                    Some(e) => self.eval(e, scope, this)?,
                    None => Value::Nil,
                };
                return Err(Flow::Next(v));
            }
            Expr::Break(v) => {
                let v = match v {
                    Some(e) => self.eval(e, scope, this)?,
                    None => Value::Nil,
                };
                return Err(Flow::Break(v));
            }
            Expr::Defined(e) => match &e.expr {
                Expr::Ident(name) => {
                    if Self::lookup(scope, name).is_some() {
                        Value::str("local-variable")
                    } else if self.methods.iter().any(|(n, _)| n == name) {
                        Value::str("method")
                    } else {
                        Value::Nil
                    }
                }
                Expr::Const(None, name) => {
                    if self.constant_opt(name).is_some() {
                        Value::str("constant")
                    } else {
                        Value::Nil
                    }
                }
                Expr::GVar(name) => {
                    if self.globals.iter().any(|(n, _)| n == name) {
                        Value::str("global-variable")
                    } else {
                        Value::Nil
                    }
                }
                _ => Value::str("expression"),
            },
            Expr::Yield(args) => {
                let argv = self.args(args, scope, this)?;
                match self.block_stack.last().cloned().flatten() {
                    Some(b) => self.call_block(&b, argv, sp)?,
                    None => {
                        return Err(Flow::Raise(
                            "LocalJumpError".into(),
                            "no block given (yield)".into(),
                            sp,
                        ))
                    }
                }
            }
            Expr::Seq(stmts) => self.body(stmts, scope, this)?,
            Expr::Unsupported(what) => {
                let what = format!("`{what}`");
                self.not_evaluated(
                    sp,
                    &what,
                    "class and module definitions are not modelled; their contents are ignored",
                )
            }
        })
    }

    /// Whether a condition holds; an unknown condition is reported and taken as false.
    pub fn condition(&mut self, v: &Value, span: Span) -> bool {
        if let Value::Unknown(w) = v {
            let msg = format!("this condition depends on something not evaluated ({w})");
            self.note(
                Severity::Warning,
                "vagrant-unknown-condition",
                span,
                msg,
                Some("it was taken as false: the `else` branch (if any) is in the model"),
            );
            return false;
        }
        v.truthy()
    }

    /// The text of an interpolating string, or what made it unknown.
    fn interpolate(&mut self, parts: &[StrPart], scope: &Scope, this: &Value) -> Result<Result<String, Rc<str>>, Flow> {
        let mut s = String::new();
        for p in parts {
            match p {
                StrPart::Text(t) => s.push_str(t),
                StrPart::Code(stmts) => match self.body(stmts, scope, this)? {
                    Value::Unknown(w) => return Ok(Err(w)),
                    v => s.push_str(&self.to_s(v)),
                },
            }
        }
        Ok(Ok(s))
    }

    /// `to_s` as interpolation uses it.
    pub fn to_s(&self, v: Value) -> String {
        v.to_s()
    }

    /// Evaluate call arguments: positional values, splats spread, trailing pairs as one hash.
    pub fn args(&mut self, args: &[Arg], scope: &Scope, this: &Value) -> Result<Vec<Value>, Flow> {
        let mut out = Vec::new();
        let mut pairs: Option<Vec<(Value, Value)>> = None;
        for a in args {
            match a {
                Arg::Pos(e) => out.push(self.eval(e, scope, this)?),
                Arg::Splat(e) => match self.eval(e, scope, this)? {
                    Value::Array(a) => out.extend(a.borrow().iter().cloned()),
                    Value::Range(r) => {
                        let items = self.range_items(&r, e.span)?;
                        out.extend(items);
                    }
                    Value::Nil => {}
                    v => out.push(v),
                },
                Arg::Pair(k, v) => {
                    let k = self.eval(k, scope, this)?;
                    let v = self.eval(v, scope, this)?;
                    hash_set(pairs.get_or_insert_with(Vec::new), k, v);
                }
                Arg::DoubleSplat(e) => {
                    if let Value::Hash(h) = self.eval(e, scope, this)? {
                        let p = pairs.get_or_insert_with(Vec::new);
                        for (k, v) in h.borrow().iter() {
                            hash_set(p, k.clone(), v.clone());
                        }
                    }
                }
                Arg::Block(_) => {}
            }
        }
        if let Some(p) = pairs {
            out.push(Value::hash(p));
        }
        if args.iter().any(|a| matches!(a, Arg::Block(_))) {
            out.push(Value::Nil); // placeholder popped by the caller
        }
        Ok(out)
    }

    fn read_target(&mut self, target: &Node, scope: &Scope, this: &Value) -> R {
        match &target.expr {
            Expr::Ident(name) => Ok(Self::lookup(scope, name).unwrap_or(Value::Nil)),
            Expr::GVar(name) => Ok(self.gvar(name)),
            Expr::IVar(name) | Expr::CVar(name) => Ok(self.global(name)),
            Expr::Const(None, name) => Ok(self.constant_opt(name).unwrap_or(Value::Nil)),
            _ => self.eval(target, scope, this),
        }
    }

    fn assign(&mut self, target: &Node, v: Value, scope: &Scope, this: &Value) -> Result<(), Flow> {
        match &target.expr {
            Expr::Ident(name) => Self::assign_local(scope, name, v),
            Expr::GVar(name) | Expr::IVar(name) | Expr::CVar(name) => {
                if let Some(slot) = self.globals.iter_mut().find(|(n, _)| n == name) {
                    slot.1 = v;
                } else {
                    self.globals.push((name.clone(), v));
                }
            }
            Expr::Const(_, name) => {
                let full = match self.namespace.last() {
                    Some(ns) => format!("{ns}::{name}"),
                    None => name.clone(),
                };
                self.set_const(&full, v);
            }
            Expr::Call { recv, name, args, .. } if args.is_empty() => {
                let r = match recv {
                    Some(r) => Some(self.eval(r, scope, this)?),
                    None => None,
                };
                self.call(r, this, &format!("{name}="), vec![v], None, target.span)?;
            }
            Expr::Index(recv, args) => {
                let r = self.eval(recv, scope, this)?;
                let mut a = self.args(args, scope, this)?;
                a.push(v);
                self.call(Some(r), this, "[]=", a, None, target.span)?;
            }
            _ => {
                self.not_evaluated(target.span, "this assignment", "nothing was assigned");
            }
        }
        Ok(())
    }

    fn gvar(&mut self, name: &str) -> Value {
        if let Some(d) = name.strip_prefix('$').and_then(|d| d.parse::<usize>().ok()) {
            return self
                .last_match
                .as_ref()
                .and_then(|m| m.get(d).cloned())
                .unwrap_or(Value::Nil);
        }
        self.global(name)
    }

    fn global(&self, name: &str) -> Value {
        self.globals
            .iter()
            .find(|(n, _)| n == name)
            .map_or(Value::Nil, |(_, v)| v.clone())
    }

    fn set_const(&mut self, name: &str, v: Value) {
        if let Some(slot) = self.consts.iter_mut().find(|(n, _)| n == name) {
            slot.1 = v;
        } else {
            self.consts.push((name.to_string(), v));
        }
    }

    /// A user constant (inner modules first) or a module the interpreter knows.
    pub fn constant_opt(&self, name: &str) -> Option<Value> {
        for ns in self.namespace.iter().rev() {
            let full = format!("{ns}::{name}");
            if let Some((_, v)) = self.consts.iter().find(|(n, _)| *n == full) {
                return Some(v.clone());
            }
        }
        if let Some((_, v)) = self.consts.iter().find(|(n, _)| n == name) {
            return Some(v.clone());
        }
        if let Some(v) = super::core::host_constant(name) {
            return Some(v);
        }
        super::core::known_module(name).map(|m| Value::Module(Rc::from(m)))
    }

    fn constant(&mut self, name: &str, sp: Span) -> Value {
        if super::core::host_constant(name).is_some() {
            self.assumed_host(sp);
        }
        match self.constant_opt(name) {
            Some(v) => v,
            None => {
                let what = format!("the constant `{name}`");
                self.not_evaluated(
                    sp,
                    &what,
                    "it is not defined in the Vagrantfile and not one puppetlift models",
                )
            }
        }
    }

    fn scoped_constant(&mut self, outer: &Value, name: &str, sp: Span) -> Value {
        if let Value::Module(m) = outer {
            let full = format!("{m}::{name}");
            if let Some(v) = self.constant_opt(&full) {
                return v;
            }
            if let Some(v) = super::core::module_constant(&full) {
                return v;
            }
            let what = format!("the constant `{full}`");
            return self.not_evaluated(sp, &what, "puppetlift does not model it");
        }
        if let Value::Unknown(w) = outer {
            return Value::Unknown(w.clone());
        }
        let what = format!("`::{name}`");
        self.not_evaluated(sp, &what, "the value is unknown")
    }

    /// Compile a Ruby regex (the common subset the `regex` crate shares with Onigmo),
    /// once per pattern: loops evaluate the same literal many times.
    pub fn regex(&mut self, src: &str, flags: &str, sp: Span) -> Value {
        let key = (src.to_string(), flags.to_string());
        if let Some(v) = self.regexes.get(&key) {
            return v.clone();
        }
        let v = self.compile_regex(src, flags, sp);
        self.regexes.insert(key, v.clone());
        v
    }

    fn compile_regex(&mut self, src: &str, flags: &str, sp: Span) -> Value {
        let mut pat = String::new();
        if flags.contains('i') || flags.contains('m') || flags.contains('x') {
            pat.push_str("(?");
            if flags.contains('i') {
                pat.push('i');
            }
            if flags.contains('m') {
                pat.push('s');
            }
            if flags.contains('x') {
                pat.push('x');
            }
            pat.push(')');
        }
        // Ruby's ^ and $ match at line boundaries.
        pat.push_str("(?m)");
        pat.push_str(&src.replace("\\h", "[0-9a-fA-F]").replace("\\Z", "\\z"));
        match regex::Regex::new(&pat) {
            Ok(re) => Value::Regex(Rc::new(Regex {
                source: src.to_string(),
                re,
            })),
            Err(_) => {
                let what = format!("the regular expression /{src}/");
                self.not_evaluated(
                    sp,
                    &what,
                    "it uses syntax puppetlift does not support; matches against it are unknown",
                )
            }
        }
    }

    // ---- calls -------------------------------------------------------------

    /// Call `name` on `recv` (self when `None`).
    pub fn call(
        &mut self,
        recv: Option<Value>,
        this: &Value,
        name: &str,
        args: Vec<Value>,
        blk: Option<Blk>,
        sp: Span,
    ) -> R {
        match recv {
            None => {
                if let Some(m) = self.methods.iter().find(|(n, _)| n == name).map(|(_, m)| m.clone()) {
                    return self.call_method_def(&m, this, args, blk, sp);
                }
                self.kernel(this, name, args, blk, sp)
            }
            Some(Value::Unknown(w)) => Ok(Value::Unknown(w)),
            Some(recv @ Value::Object(_)) if matches!(name, "send" | "public_send" | "__send__") => {
                let mut it = args.into_iter();
                let m = it.next().and_then(|v| v.as_text()).unwrap_or_default();
                self.call(Some(recv), this, &m, it.collect(), blk, sp)
            }
            Some(Value::Object(id)) => self.config_call(id, name, args, blk, sp),
            Some(Value::Module(m)) => {
                let effects = matches!(
                    &*m,
                    "IO" | "Open3" | "Process" | "Kernel" | "Net" | "Net::HTTP" | "Socket" | "URI"
                );
                if let Some(u) = args
                    .iter()
                    .find(|a| matches!(a, Value::Unknown(_)))
                    .filter(|_| !effects)
                {
                    return Ok(u.clone());
                }
                self.module_call(&m, name, args, blk, sp)
            }
            Some(v) => {
                if let Some(u) = args.iter().find(|a| matches!(a, Value::Unknown(_))) {
                    if !matches!(
                        name,
                        "==" | "!=" | "nil?" | "is_a?" | "[]=" | "<<" | "push" | "merge!" | "store"
                    ) {
                        return Ok(u.clone());
                    }
                }
                self.builtin(v, name, args, blk, sp)
            }
        }
    }

    /// Remember where an exception came from, for the diagnostic if nothing rescues it.
    fn note_raise(&mut self, r: &R) {
        if matches!(r, Err(Flow::Raise(..))) && self.raise_file.is_none() {
            self.raise_file = Some(self.file.clone());
        }
    }

    /// Say that a host-dependent value was taken from a Linux host.
    pub fn assumed_host(&mut self, sp: Span) {
        self.note(
            Severity::Info,
            "vagrant-host-assumed",
            sp,
            "this depends on the computer Vagrant runs on; puppetlift assumed a Linux host".to_string(),
            Some("the EC2 conversion must not depend on whose laptop ran it; make host-specific settings explicit if they matter"),
        );
    }

    pub(super) fn call_method_def(
        &mut self,
        m: &Rc<Method>,
        this: &Value,
        args: Vec<Value>,
        blk: Option<Blk>,
        sp: Span,
    ) -> R {
        self.tick(sp)?;
        self.enter(sp)?;
        let pushed = m.namespace.clone().map(|ns| self.namespace.push(ns)).is_some();
        let scope = Self::new_scope(None);
        self.bind_params(&m.body.params, args, &scope, true, blk.clone(), sp)?;
        self.block_stack.push(blk);
        let saved = std::mem::replace(&mut self.file, m.file.clone());
        let r = self.body(&m.body.stmts, &scope, this);
        self.note_raise(&r);
        self.file = saved;
        self.block_stack.pop();
        if pushed {
            self.namespace.pop();
        }
        self.depth -= 1;
        match r {
            Err(Flow::Return(v)) => Ok(v),
            other => other,
        }
    }

    fn enter(&mut self, sp: Span) -> Result<(), Flow> {
        self.depth += 1;
        if self.depth > self.opts.max_depth {
            self.depth -= 1;
            let msg = format!(
                "calls nest more than {} deep; this looks like recursion that does not end",
                self.opts.max_depth
            );
            self.note(
                Severity::Error,
                "vagrant-depth",
                sp,
                msg,
                Some("the rest of the Vagrantfile is not evaluated"),
            );
            return Err(Flow::Stop);
        }
        Ok(())
    }

    /// Call a block with `args` (block argument semantics: one array spreads over several parameters).
    pub fn call_block(&mut self, b: &Blk, args: Vec<Value>, sp: Span) -> R {
        match b {
            Blk::Sym(name) => {
                let mut it = args.into_iter();
                let recv = it.next().unwrap_or(Value::Nil);
                self.call(Some(recv), &Value::Nil, name, it.collect(), None, sp)
            }
            Blk::Closure(c) => self.call_closure(c, args, sp),
        }
    }

    /// Call a closure; `break` is left to the iterating method, `next` ends this call.
    pub fn call_closure(&mut self, c: &Rc<Closure>, mut args: Vec<Value>, sp: Span) -> R {
        // An empty block evaluates no node; the call itself must count.
        self.tick(sp)?;
        self.enter(sp)?;
        let scope = Self::new_scope(Some(c.scope.clone()));
        let positional = c
            .body
            .params
            .iter()
            .filter(|p| !matches!(p, Param::Block(_) | Param::Keyword(..)))
            .count();
        if !c.lambda && args.len() == 1 && positional > 1 {
            if let Value::Array(a) = &args[0] {
                let items = a.borrow().clone();
                args = items;
            }
        }
        let bound = self.bind_params(&c.body.params, args, &scope, c.lambda, None, sp);
        if let Err(e) = bound {
            self.depth -= 1;
            return Err(e);
        }
        let saved = std::mem::replace(&mut self.file, c.file.clone());
        let r = self.body(&c.body.stmts, &scope, &c.this);
        self.note_raise(&r);
        self.file = saved;
        self.depth -= 1;
        match r {
            Err(Flow::Next(v)) => Ok(v),
            Err(Flow::Return(v)) if c.lambda => Ok(v),
            other => other,
        }
    }

    fn bind_params(
        &mut self,
        params: &[Param],
        args: Vec<Value>,
        scope: &Scope,
        strict: bool,
        blk: Option<Blk>,
        sp: Span,
    ) -> Result<(), Flow> {
        let mut args = args;
        // Trailing hash for keyword parameters.
        let has_kw = params.iter().any(|p| matches!(p, Param::Keyword(..)));
        let kwargs = if has_kw && matches!(args.last(), Some(Value::Hash(_))) {
            args.pop()
        } else {
            None
        };
        let required = params
            .iter()
            .filter(|p| matches!(p, Param::Required(_) | Param::Destructure(_)))
            .count();
        let optional = params.iter().filter(|p| matches!(p, Param::Optional(..))).count();
        let rest = params.iter().any(|p| matches!(p, Param::Rest(_)));
        if strict && (args.len() < required || (!rest && args.len() > required + optional)) {
            return Err(Flow::Raise(
                "ArgumentError".into(),
                format!(
                    "wrong number of arguments (given {}, expected {})",
                    args.len(),
                    required
                ),
                sp,
            ));
        }
        let mut extra = args.len().saturating_sub(required);
        let mut it = args.into_iter();
        for p in params {
            match p {
                Param::Required(n) => Self::define_local(scope, n, it.next().unwrap_or(Value::Nil)),
                Param::Destructure(names) => {
                    let v = it.next().unwrap_or(Value::Nil);
                    let items = match &v {
                        Value::Array(a) => a.borrow().clone(),
                        other => vec![other.clone()],
                    };
                    for (i, n) in names.iter().enumerate() {
                        Self::define_local(scope, n, items.get(i).cloned().unwrap_or(Value::Nil));
                    }
                }
                Param::Optional(n, default) => {
                    let v = if extra > 0 {
                        extra -= 1;
                        it.next().unwrap_or(Value::Nil)
                    } else {
                        self.eval(default, scope, &Value::Nil)?
                    };
                    Self::define_local(scope, n, v);
                }
                Param::Rest(n) => {
                    let rest: Vec<Value> = it.by_ref().take(extra).collect();
                    extra = 0;
                    if !n.is_empty() {
                        Self::define_local(scope, n, Value::array(rest));
                    }
                }
                Param::Block(n) => {
                    let v = match &blk {
                        Some(Blk::Closure(c)) => Value::Proc(c.clone()),
                        Some(Blk::Sym(s)) => Value::Sym(s.clone()),
                        None => Value::Nil,
                    };
                    Self::define_local(scope, n, v);
                }
                Param::Keyword(n, default) => {
                    let v = match kwargs.as_ref().and_then(|h| h.hash_get(&Value::sym(n))) {
                        Some(v) => v,
                        None => match default {
                            Some(d) => self.eval(d, scope, &Value::Nil)?,
                            None => Value::Nil,
                        },
                    };
                    Self::define_local(scope, n, v);
                }
            }
        }
        Ok(())
    }

    /// Elements of a range (integers or strings).
    pub fn range_items(&mut self, r: &(Value, Value, bool), sp: Span) -> Result<Vec<Value>, Flow> {
        match (&r.0, &r.1) {
            (Value::Int(a), Value::Int(b)) => {
                let end = if r.2 { *b } else { b.saturating_add(1) };
                let n = end.saturating_sub(*a).max(0) as usize;
                self.check_size(n, sp)?;
                Ok((*a..end).map(Value::Int).collect())
            }
            (Value::Str(a), Value::Str(b)) => {
                let (a, b) = (a.borrow().clone(), b.borrow().clone());
                let mut out = Vec::new();
                let mut cur = a;
                loop {
                    if r.2 && cur == b {
                        break;
                    }
                    out.push(Value::str(cur.clone()));
                    if cur == b || cur.len() > b.len() {
                        break;
                    }
                    self.check_size(out.len(), sp)?;
                    cur = super::core::str_succ(&cur);
                }
                Ok(out)
            }
            _ => Ok(vec![]),
        }
    }
}

fn exception_matches(rescued: &str, raised: &str) -> bool {
    rescued == raised
        || rescued == "StandardError"
        || rescued == "Exception"
        || (rescued == "LoadError" && raised == "LoadError")
        || (rescued == "KeyError" && raised == "KeyError")
        || (rescued == "IndexError" && raised == "KeyError")
        || (rescued == "SystemCallError" && raised.starts_with("Errno"))
        || (rescued.starts_with("Errno") && raised.starts_with("Errno"))
}
