//! Evaluating one syntax node: literals, variables, operators, control flow,
//! definitions and calls, each by the rules of Ruby.

use super::calls::exception_matches;
use super::value::*;
use super::*;
use crate::vagrant::ast::When;

impl Interp {
    pub(super) fn eval_here(&mut self, n: &Node, scope: &Scope, this: &Value) -> R {
        self.tick(n.span)?;
        let sp = n.span;
        Ok(match &n.expr {
            Expr::Nil => Value::Nil,
            Expr::True => Value::Bool(true),
            Expr::False => Value::Bool(false),
            Expr::SelfRef => this.clone(),
            Expr::File => Value::str(self.file_abs().to_string()),
            Expr::DirKw => Value::str(
                Path::new(self.file_abs())
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
            Expr::Char(c) => Value::str(c.clone()),
            Expr::Float(f) => Value::Float(*f),
            Expr::Str(parts) => match self.interpolate(parts, scope, this)? {
                Ok(s) => Value::str(s),
                Err(w) => Value::Unknown(w),
            },
            Expr::XStr(_) => {
                let what = format!("the command {}", self.first_line(sp));
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
                        Arg::Forward => {}
                    }
                }
                Value::hash(pairs)
            }
            Expr::Range(a, b, excl) => {
                let a = match a {
                    Some(a) => self.eval(a, scope, this)?,
                    None => Value::Nil,
                };
                let b = match b {
                    Some(b) => self.eval(b, scope, this)?,
                    None => Value::Nil,
                };
                // Ruby wants ends that compare with each other; a range of
                // ranges (or of anything else here) is refused as Ruby refuses it.
                let plain = |v: &Value| {
                    matches!(
                        v,
                        Value::Nil
                            | Value::Int(_)
                            | Value::Float(_)
                            | Value::Str(_)
                            | Value::Sym(_)
                            | Value::Unknown(_)
                    )
                };
                if !plain(&a) || !plain(&b) {
                    return Err(Flow::Raise("ArgumentError".into(), "bad value for range".into(), sp));
                }
                Value::Range(Rc::new((a, b, *excl)))
            }
            Expr::Ident(name) | Expr::VCall(name) => match Self::lookup(scope, name) {
                Some(v) => v,
                None => self.call(None, this, name, vec![], None, sp)?,
            },
            Expr::IVar(name) => self.self_ivar(this, name),
            Expr::CVar(name) => self.global(name),
            Expr::GVar(name) => self.gvar(name),
            Expr::NthRef(n) => self.gvar(&format!("${n}")),
            Expr::BackRef(c) => self.gvar(&format!("${c}")),
            Expr::TopConst(name) => self.constant(name, sp),
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
                ..
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
                        outer_block: self.block_stack.last().cloned().flatten(),
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
                            outer_block: c.outer_block.clone(),
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
                self.destructure(targets, &v, scope, this)?;
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
                    ("-@", Value::Int(i)) => Value::Int(i.wrapping_neg()),
                    ("-@", Value::Float(f)) => Value::Float(-f),
                    ("+@", v) => v,
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
            Expr::Ternary(c, yes, no) => {
                let cv = self.eval(c, scope, this)?;
                if self.condition(&cv, c.span) {
                    self.eval(yes, scope, this)?
                } else {
                    self.eval(no, scope, this)?
                }
            }
            Expr::DoWhile(c, body, until) => {
                loop {
                    self.tick(sp)?;
                    match self.body(body, scope, this) {
                        Ok(_) | Err(Flow::Next(_)) => {}
                        Err(Flow::Break(v)) => return Ok(v),
                        Err(e) => return Err(e),
                    }
                    let cv = self.eval(c, scope, this)?;
                    if self.condition(&cv, c.span) == *until {
                        break;
                    }
                }
                Value::Nil
            }
            Expr::For(targets, iter, body) => {
                let items = match self.eval(iter, scope, this)? {
                    Value::Array(a) => a.borrow().clone(),
                    Value::Range(r) => self.range_items(&r, sp)?,
                    Value::Hash(h) => h
                        .borrow()
                        .iter()
                        .map(|(k, v)| Value::array(vec![k.clone(), v.clone()]))
                        .collect(),
                    Value::Unknown(w) => return Ok(Value::Unknown(w)),
                    other => {
                        let what = format!("`for` over {}", other.class_name());
                        return Ok(self.not_evaluated(sp, &what, "the loop's work is unknown"));
                    }
                };
                for item in items {
                    self.tick(sp)?;
                    self.destructure(targets, &item, scope, this)?;
                    match self.body(body, scope, this) {
                        Ok(_) | Err(Flow::Next(_)) => {}
                        Err(Flow::Break(v)) => return Ok(v),
                        Err(e) => return Err(e),
                    }
                }
                Value::Nil
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
                for When { values, body } in whens {
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
            Expr::SingletonDef(recv, name, body, _) if !matches!(recv.expr, Expr::SelfRef) => {
                let _ = (name, body);
                self.not_evaluated(
                    sp,
                    "a method defined on an object other than `self`",
                    "it is not defined",
                )
            }
            Expr::Def(name, body, _) | Expr::SingletonDef(_, name, body, _) => {
                let ns = self.namespace.last().cloned();
                let on_self = matches!(n.expr, Expr::SingletonDef(..));
                let name = match (on_self, &ns, self.class_stack.last()) {
                    (true, Some(ns), _) => format!("{ns}.{name}"),
                    // In a class body: an instance method.
                    (false, _, Some(class)) => format!("{class}#{name}"),
                    _ => name.clone(),
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
                outer_block: self.block_stack.last().cloned().flatten(),
            })),
            Expr::Begin(body, rescues, els, ensure) => {
                let r = self.body(body, scope, this);
                let r = match r {
                    Err(Flow::Raise(class, msg, at)) => {
                        let mut handled = None;
                        for rc in rescues {
                            let mut matches = rc.classes.is_empty();
                            for c in &rc.classes {
                                if const_path(&c.expr).is_some_and(|cname| exception_matches(&cname, &class)) {
                                    matches = true;
                                }
                            }
                            if matches {
                                self.raise_file = None;
                                if let Some(var) = &rc.var {
                                    Self::assign_local(scope, var, Value::str(msg.clone()));
                                }
                                if let Some(t) = &rc.target {
                                    self.assign(t, Value::str(msg.clone()), scope, this)?;
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
                Expr::Ident(name) | Expr::VCall(name) => {
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
            Expr::Class(path, sup, body) => self.define_class(path, sup.as_deref(), body, scope, this)?,
            Expr::SClass(obj, body) if matches!(obj.expr, Expr::SelfRef) && !self.class_stack.is_empty() => {
                // `class << self` in a class: its `def`s are class methods.
                let class = self.class_stack.pop().unwrap_or_default();
                let r = self.body(body, scope, this);
                self.class_stack.push(class);
                r?
            }
            Expr::SClass(..) => {
                let what = format!("`{}`", self.first_line(sp));
                self.not_evaluated(
                    sp,
                    &what,
                    "class and module definitions are not modelled; their contents are ignored",
                )
            }
            Expr::Unsupported(what) => {
                let what = format!("`{what}`");
                self.not_evaluated(
                    sp,
                    &what,
                    "class and module definitions are not modelled; their contents are ignored",
                )
            }
            Expr::Encoding | Expr::BigInt(_) | Expr::Rational(_) | Expr::Imaginary(_) => {
                let what = format!("`{}`", self.first_line(sp));
                self.not_evaluated(sp, &what, "numbers of this kind are not modelled; the value is unknown")
            }
            Expr::Splat(_) | Expr::Group(_) | Expr::Pattern(_) => {
                return Err(Flow::Raise(
                    "SyntaxError".into(),
                    "misplaced assignment target".into(),
                    sp,
                ))
            }
            Expr::Match(value, pattern, is_in) if literal_pattern(pattern).is_some() => {
                // `value => 'literal'` (often an option line cut from its
                // call by a missing comma): Ruby compares, and raises on a mismatch.
                let value = self.eval(value, scope, this)?;
                let Some(literal) = literal_pattern(pattern) else {
                    return Ok(Value::Nil);
                };
                let literal = self.eval(literal, scope, this)?;
                let matched = !matches!(value, Value::Unknown(_)) && value.equals(&literal);
                if *is_in || matched || matches!(value, Value::Unknown(_)) {
                    Value::Bool(matched)
                } else {
                    return Err(Flow::Raise(
                        "NoMatchingPatternError".into(),
                        format!("{} === {} does not return true", literal.inspect(), value.inspect()),
                        sp,
                    ));
                }
            }
            Expr::Alias(..)
            | Expr::Undef(_)
            | Expr::Super(..)
            | Expr::ZSuper(_)
            | Expr::Redo
            | Expr::Retry
            | Expr::Hook(..)
            | Expr::CaseIn(..)
            | Expr::Match(..) => {
                let what = format!("`{}`", self.first_line(sp));
                self.not_evaluated(
                    sp,
                    &what,
                    "puppetlift does not model this; what it does is not in the machines",
                )
            }
        })
    }
}

impl Interp {
    /// Assign `value` to the targets of a multiple assignment (`a, *b, (c, d)`).
    fn destructure(&mut self, targets: &[Node], value: &Value, scope: &Scope, this: &Value) -> Result<(), Flow> {
        let items = match value {
            Value::Array(a) => a.borrow().clone(),
            other => vec![other.clone()],
        };
        if targets.len() == 1 && !matches!(targets[0].expr, Expr::Splat(_) | Expr::Group(_)) {
            return self.assign(&targets[0], value.clone(), scope, this);
        }
        let splat = targets.iter().position(|t| matches!(t.expr, Expr::Splat(_)));
        let after = splat.map_or(0, |s| targets.len() - s - 1);
        for (i, t) in targets.iter().enumerate() {
            let v = match splat {
                Some(s) if i == s => {
                    let end = items.len().saturating_sub(after).max(s);
                    Value::array(items.get(s..end).map(<[Value]>::to_vec).unwrap_or_default())
                }
                Some(s) if i > s => {
                    let from_end = targets.len() - i;
                    items
                        .len()
                        .checked_sub(from_end)
                        .and_then(|k| items.get(k))
                        .cloned()
                        .unwrap_or(Value::Nil)
                }
                _ => items.get(i).cloned().unwrap_or(Value::Nil),
            };
            match &t.expr {
                Expr::Splat(Some(inner)) => self.assign(inner, v, scope, this)?,
                Expr::Splat(None) => {}
                Expr::Group(inner) => self.destructure(inner, &v, scope, this)?,
                _ => self.assign(t, v, scope, this)?,
            }
        }
        Ok(())
    }

    /// The first line of the source at `sp` (for naming what was not evaluated).
    pub(super) fn first_line(&self, sp: Span) -> String {
        self.sources
            .iter()
            .rev()
            .find(|s| *s.path == *self.file)
            .and_then(|s| s.text.get(sp.start as usize..(sp.end as usize).min(s.text.len())))
            .and_then(|t| t.lines().next())
            .unwrap_or("")
            .trim()
            .to_string()
    }
}

/// The full name of a constant path (`Errno::ENOENT`, `::Foo`).
fn const_path(e: &Expr) -> Option<String> {
    match e {
        Expr::Const(None, name) | Expr::TopConst(name) => Some(name.clone()),
        Expr::Const(Some(scope), name) => Some(format!("{}::{name}", const_path(&scope.expr)?)),
        _ => None,
    }
}

/// The one literal (a string without interpolation, a symbol, a number,
/// `nil`, `true`, `false`) a pattern is, if it is nothing more.
fn literal_pattern(pattern: &Node) -> Option<&Node> {
    let Expr::Pattern(parts) = &pattern.expr else {
        return None;
    };
    let [only] = parts.as_slice() else {
        return None;
    };
    let literal = match &only.expr {
        Expr::Str(parts) => parts
            .iter()
            .all(|p| matches!(p, crate::vagrant::ast::StrPart::Text(..))),
        Expr::Sym(_) | Expr::Int(_) | Expr::Float(_) | Expr::Nil | Expr::True | Expr::False => true,
        _ => false,
    };
    (literal && only.span == pattern.span).then_some(only)
}
