//! Calls: method dispatch (user methods, Vagrant's config objects, built-in
//! values, Kernel), blocks and closures, parameter binding, the call-depth limit.

use super::value::*;
use super::*;

pub(super) fn exception_matches(rescued: &str, raised: &str) -> bool {
    rescued == raised
        || rescued == "StandardError"
        || rescued == "Exception"
        || (rescued == "LoadError" && raised == "LoadError")
        || (rescued == "KeyError" && raised == "KeyError")
        || (rescued == "IndexError" && raised == "KeyError")
        || (rescued == "SystemCallError" && raised.starts_with("Errno"))
        || (rescued.starts_with("Errno") && raised.starts_with("Errno"))
}

impl Interp {
    /// Call `name` on `recv` (self when `None`).
    pub(in crate::vagrant) fn call(
        &mut self,
        recv: Option<Value>,
        this: &Value,
        name: &str,
        args: Vec<Value>,
        blk: Option<Blk>,
        sp: Span,
    ) -> R {
        let r = self.dispatch(recv, this, name, args, blk, sp);
        // A builtin may have built or walked past the allowance in one step.
        self.check_allowance(sp)?;
        r
    }

    fn dispatch(
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
                // Inside an instance's method: its own methods and accessors first.
                if let Value::Object(id) = this {
                    if self.responds(*id, name) {
                        return self.instance_call(*id, name, args, blk, sp);
                    }
                }
                if let Value::Module(class) = this {
                    let class = class.to_string();
                    let key = format!("{class}.{name}");
                    if let Some(m) = self.methods.iter().find(|(n, _)| *n == key).map(|(_, m)| m.clone()) {
                        return self.call_method_def(&m, this, args, blk, sp);
                    }
                    if self.class(&class).is_some() {
                        if let Some(r) = self.class_body_call(&class, name, &args) {
                            return r;
                        }
                    }
                }
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
    pub(super) fn note_raise(&mut self, r: &R) {
        if matches!(r, Err(Flow::Raise(..))) && self.raise_file.is_none() {
            self.raise_file = Some(self.file.clone());
        }
    }

    /// Say that a host-dependent value was taken from a Linux host.
    pub(super) fn assumed_host(&mut self, sp: Span) {
        self.note(
            Severity::Info,
            "vagrant-host-assumed",
            sp,
            format!("this depends on the computer Vagrant runs on; puppetlift read it as a {} host", match self.opts.host {
                Host::Linux => "Linux",
                Host::Darwin => "macOS",
                Host::Windows => "Windows",
            }),
            Some("choose the host with --host linux|darwin|windows; the EC2 conversion must not depend on whose laptop ran it"),
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
    pub(in crate::vagrant) fn call_block(&mut self, b: &Blk, args: Vec<Value>, sp: Span) -> R {
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
    pub(in crate::vagrant) fn call_closure(&mut self, c: &Rc<Closure>, mut args: Vec<Value>, sp: Span) -> R {
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
        self.block_stack.push(c.outer_block.clone());
        let r = self.body(&c.body.stmts, &scope, &c.this);
        self.block_stack.pop();
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
                Param::KeywordRest(n) => {
                    if !n.is_empty() && n != "nil" {
                        Self::define_local(scope, n, kwargs.clone().unwrap_or_else(|| Value::hash(vec![])));
                    }
                }
                Param::Forward => {}
            }
        }
        Ok(())
    }

    /// Elements of a range (integers or strings).
    pub(super) fn range_items(&mut self, r: &(Value, Value, bool), sp: Span) -> Result<Vec<Value>, Flow> {
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
                    cur = super::strings::str_succ(&cur);
                }
                Ok(out)
            }
            _ => Ok(vec![]),
        }
    }
}
