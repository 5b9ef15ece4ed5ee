//! A deterministic interpreter for the Ruby subset Vagrantfiles use.
//!
//! Hermetic: it reads files only inside the project directory, runs no process,
//! touches no network, and stops at a step budget, a call-depth limit and a size
//! limit, each with a diagnostic. Anything it does not model becomes an *unknown*
//! value with a diagnostic that says what was not evaluated and what was assumed;
//! the model never silently contains a guess.

mod calls;
pub mod classes;
mod collections;
mod kernel;
pub(in crate::vagrant) mod meter;
pub(super) mod modules;
mod nodes;
mod numbers;
mod objects;
mod strings;
pub mod value;
mod yaml;

use super::ast::*;
use super::config::ObjData;
use crate::diagnostic::{Diagnostic, Severity, SourceFile, Span};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use value::*;

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
    /// What the whole evaluation may build and walk, in bytes (see `meter`).
    pub max_built: u64,
    /// The host Vagrant is taken to run on (`--host`), for code that asks.
    pub host: Host,
}

/// The operating system of the machine that runs Vagrant, as the Vagrantfile
/// sees it (`RbConfig::CONFIG['host_os']`, `Vagrant::Util::Platform`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Host {
    #[default]
    Linux,
    Darwin,
    Windows,
}

impl Host {
    /// `RUBY_PLATFORM` on that host.
    pub fn ruby_platform(self) -> &'static str {
        match self {
            Host::Linux => "x86_64-linux-gnu",
            Host::Darwin => "x86_64-darwin21",
            Host::Windows => "x64-mingw32",
        }
    }

    /// `RbConfig::CONFIG['host_os']` on that host.
    pub fn host_os(self) -> &'static str {
        match self {
            Host::Linux => "linux-gnu",
            Host::Darwin => "darwin21",
            Host::Windows => "mingw32",
        }
    }
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
            max_built: 64 << 20,
            host: Host::Linux,
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
    /// Where the evaluation may read: the project, and what the user allowed.
    pub(super) bounds: crate::files::Root,
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
    /// The file being evaluated (its display path).
    pub(super) file: Rc<str>,
    /// Where each file read so far is (by the name diagnostics give it):
    /// `__FILE__` in a block that runs later is still the file it is in.
    file_paths: HashMap<Rc<str>, String>,
    pub(super) last_match: Option<Vec<Value>>,
    pub(super) loaded: HashSet<PathBuf>,
    pub(super) env_overrides: Vec<(String, Value)>,
    pub(super) block_stack: Vec<Option<Blk>>,
    /// Project files read with `File.read` (for `eval File.read(...)`).
    pub(super) read_files: Vec<(PathBuf, String)>,
    /// The file an exception in flight was raised in.
    pub(super) raise_file: Option<Rc<str>>,
    /// Compiled regexes by pattern and flags.
    regexes: HashMap<(String, String), Value>,
    /// Modules being defined (innermost last).
    pub(super) namespace: Vec<String>,
    /// Counter for ids Vagrant would make with a UUID.
    pub(super) unique: u64,
    /// Classes the Vagrantfile defined.
    pub(super) classes: Vec<classes::ClassDef>,
    /// Class bodies being run (innermost last): their `def`s are instance methods.
    pub(super) class_stack: Vec<String>,
    allowance_reported: bool,
    /// Methods of a file format written in Ruby (a Puppetfile's `mod`, `forge`)
    /// whose calls are recorded instead of evaluated, when reading one.
    pub dsl: Option<Dsl>,
}

/// The calls to a Ruby DSL's methods, recorded in order with their arguments.
#[derive(Debug, Default)]
pub struct Dsl {
    /// The methods recorded (called without a receiver).
    pub methods: &'static [&'static str],
    /// Each call, in order: the method, its arguments and its place; calls of
    /// methods not in `methods` (made without a receiver) are recorded too.
    pub calls: Vec<(String, Vec<Value>, Rc<str>, Span)>,
}

impl Interp {
    /// A fresh interpreter for the project in `root`.
    pub fn new(root: PathBuf, bounds: crate::files::Root, opts: Options) -> Self {
        meter::start(opts.max_built, opts.max_size);
        Interp {
            display_root: root.clone(),
            bounds,
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
            file_paths: HashMap::new(),
            last_match: None,
            loaded: HashSet::new(),
            env_overrides: Vec::new(),
            block_stack: Vec::new(),
            read_files: Vec::new(),
            unique: 0,
            classes: Vec::new(),
            class_stack: Vec::new(),
            allowance_reported: false,
            namespace: Vec::new(),
            regexes: std::collections::HashMap::new(),
            raise_file: None,
            dsl: None,
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
        let saved = std::mem::replace(&mut self.file, Rc::from(display));
        self.file_paths.insert(self.file.clone(), path.display().to_string());
        let r = self.body(&stmts, scope, &Value::Nil);
        self.note_raise(&r);
        self.file = saved;
        r
    }

    /// The absolute path of the file being evaluated (`__FILE__`).
    pub(super) fn file_abs(&self) -> &str {
        self.file_paths.get(&self.file).map_or("", String::as_str)
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

    /// Stop when the evaluation has built or walked more than it may (see `meter`).
    pub(in crate::vagrant) fn check_allowance(&mut self, span: Span) -> Result<(), Flow> {
        let Some(why) = meter::exceeded() else {
            return Ok(());
        };
        if !self.allowance_reported {
            self.allowance_reported = true;
            let msg = match why {
                meter::Exceeded::Allowance(limit) => format!(
                    "evaluation stopped: the Vagrantfile built and walked more than {} MiB of strings, arrays and hashes (the limit)",
                    limit >> 20
                ),
                meter::Exceeded::Value(n, largest) => format!(
                    "evaluation stopped: a value of {n} elements or bytes is larger than the limit of {largest}"
                ),
                meter::Exceeded::Depth => format!(
                    "evaluation stopped: a value nested more than {} levels deep (or holding itself) was walked",
                    meter::MAX_WALK_DEPTH
                ),
            };
            self.note(
                Severity::Error,
                "vagrant-size",
                span,
                msg,
                Some("machines configured before this point are kept; the rest of the Vagrantfile is not evaluated"),
            );
        }
        Err(Flow::Stop)
    }

    fn tick(&mut self, span: Span) -> Result<(), Flow> {
        self.check_allowance(span)?;
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
                StrPart::Text(t, _) => s.push_str(t),
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
                Arg::Forward => {
                    return Err(Flow::Raise(
                        "NotImplementedError".into(),
                        "argument forwarding (`...`)".into(),
                        Span::new(0, 0),
                    ))
                }
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
            Expr::IVar(name) => Ok(self.self_ivar(this, name)),
            Expr::CVar(name) => Ok(self.global(name)),
            Expr::Const(None, name) => Ok(self.constant_opt(name).unwrap_or(Value::Nil)),
            _ => self.eval(target, scope, this),
        }
    }

    fn assign(&mut self, target: &Node, v: Value, scope: &Scope, this: &Value) -> Result<(), Flow> {
        match &target.expr {
            Expr::Ident(name) => Self::assign_local(scope, name, v),
            Expr::IVar(name) if self.set_self_ivar(this, name, v.clone()) => {}
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
        if let Some(v) = kernel::host_constant(name, self.opts.host) {
            return Some(v);
        }
        kernel::known_module(name).map(|m| Value::Module(Rc::from(m)))
    }

    fn constant(&mut self, name: &str, sp: Span) -> Value {
        if kernel::host_constant(name, self.opts.host).is_some() {
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
            if let Some(v) = kernel::module_constant(&full).or_else(|| kernel::host_constant(&full, self.opts.host)) {
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
}
