//! Classes a Vagrantfile defines for itself (`class NodeSpec ... end`,
//! `Struct.new(:name, :ip)`, `OpenStruct.new(hash)`): instances with their
//! instance variables, `initialize`, instance and class methods, accessors,
//! superclasses. Enough for the helper classes real Vagrantfiles write; what
//! is beyond it (method_missing, modules mixed in) is said, not guessed.

use super::value::*;
use super::*;
use crate::vagrant::config::ObjData;

/// A class the Vagrantfile defined.
#[derive(Debug, Clone, Default)]
pub struct ClassDef {
    pub name: String,
    pub superclass: Option<String>,
    /// `attr_reader`/`attr_writer`/`attr_accessor` names: (name, reader, writer).
    pub attrs: Vec<(String, bool, bool)>,
    /// `Struct.new(:a, :b)`: the members, in order (and `keyword_init:`).
    pub members: Option<(Vec<String>, bool)>,
    /// `OpenStruct`: any attribute may be read or set.
    pub open: bool,
}

/// An instance: its class and its instance variables.
#[derive(Debug, Clone)]
pub struct Instance {
    pub class: String,
    pub ivars: Vec<(String, Value)>,
}

impl Interp {
    /// The class named `name`, if the Vagrantfile defined it.
    pub(super) fn class(&self, name: &str) -> Option<&ClassDef> {
        self.classes.iter().find(|c| c.name == name)
    }

    /// Whether an instance has a method or accessor `name` of its own.
    pub(super) fn responds(&self, id: ObjId, name: &str) -> bool {
        let class = match self.objs.get(id) {
            Some(ObjData::Instance(i)) => i.class.clone(),
            _ => return false,
        };
        if self.find_method(&class, name).is_some() {
            return true;
        }
        let key = name.trim_end_matches('=');
        self.lineage(&class).iter().any(|c| {
            self.class(c).is_some_and(|d| {
                d.open
                    || d.attrs.iter().any(|(n, ..)| n == key)
                    || d.members.as_ref().is_some_and(|(m, _)| m.iter().any(|x| x == key))
            })
        })
    }

    /// `name` and its superclasses, nearest first.
    fn lineage(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = Some(name.to_string());
        while let Some(c) = cur {
            if out.contains(&c) || out.len() > 32 {
                break;
            }
            cur = self.class(&c).and_then(|d| d.superclass.clone());
            out.push(c);
        }
        out
    }

    /// `class Name < Super ... end`: define (or reopen) it and run its body.
    pub(super) fn define_class(
        &mut self,
        path: &Node,
        superclass: Option<&Node>,
        body: &[Node],
        scope: &Scope,
        this: &Value,
    ) -> R {
        let short = match &path.expr {
            Expr::Const(_, n) | Expr::TopConst(n) => n.clone(),
            _ => return Ok(self.not_evaluated(path.span, "a class whose name is computed", "it is not defined")),
        };
        let full = match self.namespace.last() {
            Some(ns) => format!("{ns}::{short}"),
            None => short,
        };
        let sup = match superclass {
            Some(s) => match self.eval(s, scope, this)? {
                Value::Module(m) => Some(m.to_string()),
                _ => None,
            },
            None => None,
        };
        if self.class(&full).is_none() {
            self.classes.push(ClassDef {
                name: full.clone(),
                superclass: sup,
                ..Default::default()
            });
        }
        self.class_body(&full, body)
    }

    /// Run a class body: `def`s there are the class's instance methods.
    pub(super) fn class_body(&mut self, full: &str, body: &[Node]) -> R {
        let class = Value::Module(Rc::from(full));
        self.set_const(full, class.clone());
        self.namespace.push(full.to_string());
        self.class_stack.push(full.to_string());
        let r = self.body(body, &Self::new_scope(None), &class);
        self.class_stack.pop();
        self.namespace.pop();
        r?;
        Ok(class)
    }

    /// Calls with `self` a class the Vagrantfile defines, in its body:
    /// `attr_accessor :a`, `include Mod`, `private` (`None` when it is no such call).
    pub(super) fn class_body_call(&mut self, class: &str, name: &str, args: &[Value]) -> Option<R> {
        let (reader, writer) = match name {
            "attr_reader" | "attr" => (true, false),
            "attr_writer" => (false, true),
            "attr_accessor" => (true, true),
            "include"
            | "extend"
            | "prepend"
            | "private"
            | "public"
            | "protected"
            | "module_function"
            | "private_constant"
            | "private_class_method"
            | "public_class_method" => return Some(Ok(Value::Nil)),
            _ => return None,
        };
        let names: Vec<String> = args.iter().filter_map(Value::as_text).collect();
        if let Some(def) = self.classes.iter_mut().find(|c| c.name == class) {
            for n in names {
                def.attrs.push((n, reader, writer));
            }
        }
        Some(Ok(Value::Nil))
    }

    /// `Class.new(args)` for a class the Vagrantfile defined.
    pub(super) fn instantiate(&mut self, class: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        let def = self.class(class).cloned().unwrap_or_default();
        let mut ivars = Vec::new();
        if let Some((members, keyword)) = &def.members {
            let kw = if *keyword { args.first().cloned() } else { None };
            for (i, m) in members.iter().enumerate() {
                let v = match &kw {
                    Some(h) => h.hash_get_name(m).unwrap_or(Value::Nil),
                    None => args.get(i).cloned().unwrap_or(Value::Nil),
                };
                ivars.push((format!("@{m}"), v));
            }
        }
        if def.open {
            if let Some(Value::Hash(h)) = args.first() {
                for (k, v) in h.borrow().iter() {
                    ivars.push((format!("@{}", k.to_s()), v.clone()));
                }
            }
        }
        self.check_size(1, sp)?;
        let obj = self.alloc_instance(Instance {
            class: class.to_string(),
            ivars,
        });
        if let Some(m) = self.find_method(class, "initialize") {
            if def.members.is_none() && !def.open {
                self.call_method_def(&m, &obj, args, blk, sp)?;
            } else {
                self.call_method_def(&m, &obj, vec![], blk, sp)?;
            }
        }
        Ok(obj)
    }

    fn alloc_instance(&mut self, i: Instance) -> Value {
        self.objs.push(ObjData::Instance(i));
        Value::Object(self.objs.len() - 1)
    }

    /// An instance method of `class` (or a superclass).
    fn find_method(&self, class: &str, name: &str) -> Option<Rc<Method>> {
        for c in self.lineage(class) {
            let key = format!("{c}#{name}");
            if let Some((_, m)) = self.methods.iter().find(|(n, _)| *n == key) {
                return Some(m.clone());
            }
        }
        None
    }

    /// A method called on an instance.
    pub(in crate::vagrant) fn instance_call(
        &mut self,
        id: ObjId,
        name: &str,
        args: Vec<Value>,
        blk: Option<Blk>,
        sp: Span,
    ) -> R {
        let class = match &self.objs[id] {
            ObjData::Instance(i) => i.class.clone(),
            _ => return Ok(Value::Nil),
        };
        let this = Value::Object(id);
        if let Some(m) = self.find_method(&class, name) {
            return self.call_method_def(&m, &this, args, blk, sp);
        }
        let lineage = self.lineage(&class);
        let open = lineage.iter().any(|c| self.class(c).is_some_and(|d| d.open));
        let attr = |reader: bool| {
            let key = name.trim_end_matches('=');
            lineage.iter().any(|c| {
                self.class(c).is_some_and(|d| {
                    d.attrs.iter().any(|(n, r, w)| n == key && if reader { *r } else { *w })
                        || d.members.as_ref().is_some_and(|(m, _)| m.iter().any(|x| x == key))
                })
            })
        };
        if let Some(key) = name.strip_suffix('=') {
            if attr(false) || open {
                let v = args.into_iter().next().unwrap_or(Value::Nil);
                self.set_ivar(id, &format!("@{key}"), v.clone());
                return Ok(v);
            }
        } else if attr(true) || (open && args.is_empty() && !matches!(name, "to_h" | "respond_to?" | "each_pair")) {
            return Ok(self.ivar(id, &format!("@{name}")));
        }
        match name {
            "[]" => Ok(self.ivar(id, &format!("@{}", args.first().map(|v| v.to_s()).unwrap_or_default()))),
            "[]=" => {
                let k = args.first().map(|v| v.to_s()).unwrap_or_default();
                let v = args.get(1).cloned().unwrap_or(Value::Nil);
                self.set_ivar(id, &format!("@{k}"), v.clone());
                Ok(v)
            }
            "to_h" | "to_hash" => {
                let pairs = match &self.objs[id] {
                    ObjData::Instance(i) => i
                        .ivars
                        .iter()
                        .map(|(k, v)| (Value::sym(k.trim_start_matches('@')), v.clone()))
                        .collect(),
                    _ => vec![],
                };
                Ok(Value::hash(pairs))
            }
            "instance_variable_get" => Ok(self.ivar(id, &args.first().map(|v| v.to_s()).unwrap_or_default())),
            "instance_variable_set" => {
                let k = args.first().map(|v| v.to_s()).unwrap_or_default();
                let v = args.get(1).cloned().unwrap_or(Value::Nil);
                self.set_ivar(id, &k, v.clone());
                Ok(v)
            }
            "class" => Ok(Value::Module(Rc::from(class.as_str()))),
            "is_a?" | "kind_of?" | "instance_of?" => {
                let wanted = args.first().map(|v| v.to_s()).unwrap_or_default();
                Ok(Value::Bool(lineage.contains(&wanted) || wanted == "Object"))
            }
            "respond_to?" => {
                let m = args.first().map(|v| v.to_s()).unwrap_or_default();
                Ok(Value::Bool(self.find_method(&class, &m).is_some() || open))
            }
            "nil?" => Ok(Value::Bool(false)),
            "==" | "equal?" | "eql?" => Ok(Value::Bool(matches!(args.first(), Some(Value::Object(o)) if *o == id))),
            "!=" => Ok(Value::Bool(!matches!(args.first(), Some(Value::Object(o)) if *o == id))),
            "to_s" | "inspect" => Ok(Value::str(format!("#<{class}>"))),
            "freeze" | "dup" | "clone" | "itself" => Ok(this),
            "tap" => {
                if let Some(b) = &blk {
                    self.call_block(b, vec![this.clone()], sp)?;
                }
                Ok(this)
            }
            "send" | "public_send" | "__send__" => {
                let mut it = args.into_iter();
                let m = it.next().map(|v| v.to_s()).unwrap_or_default();
                self.instance_call(id, &m, it.collect(), blk, sp)
            }
            _ => self.unsupported_call(sp, &format!("{class}#"), name),
        }
    }

    /// An instance variable of `this`, or the file's own (`@x` at the top level).
    pub(super) fn self_ivar(&self, this: &Value, name: &str) -> Value {
        match this {
            Value::Object(id) if matches!(self.objs.get(*id), Some(ObjData::Instance(_))) => self.ivar(*id, name),
            _ => self.global(name),
        }
    }

    /// Set an instance variable of `this` (false: `this` is no instance).
    pub(super) fn set_self_ivar(&mut self, this: &Value, name: &str, v: Value) -> bool {
        match this {
            Value::Object(id) if matches!(self.objs.get(*id), Some(ObjData::Instance(_))) => {
                self.set_ivar(*id, name, v);
                true
            }
            _ => false,
        }
    }

    fn ivar(&self, id: ObjId, name: &str) -> Value {
        match &self.objs[id] {
            ObjData::Instance(i) => i
                .ivars
                .iter()
                .find(|(n, _)| n == name)
                .map_or(Value::Nil, |(_, v)| v.clone()),
            _ => Value::Nil,
        }
    }

    fn set_ivar(&mut self, id: ObjId, name: &str, v: Value) {
        if let ObjData::Instance(i) = &mut self.objs[id] {
            match i.ivars.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = v,
                None => i.ivars.push((name.to_string(), v)),
            }
        }
    }

    /// `Struct.new(:a, :b, keyword_init: true) { ... }`: a new class.
    pub(super) fn new_struct(&mut self, args: &[Value], blk: Option<Blk>, sp: Span) -> R {
        let mut members = Vec::new();
        let mut keyword = false;
        for a in args {
            match a {
                Value::Sym(s) => members.push(s.to_string()),
                Value::Str(s) if members.is_empty() && s.borrow().starts_with(char::is_uppercase) => {}
                Value::Hash(h) => keyword = h.borrow().iter().any(|(k, v)| k.to_s() == "keyword_init" && v.truthy()),
                _ => {}
            }
        }
        self.unique += 1;
        let name = format!("Struct#{}", self.unique);
        self.classes.push(ClassDef {
            name: name.clone(),
            members: Some((members, keyword)),
            ..Default::default()
        });
        let class = Value::Module(Rc::from(name.as_str()));
        if let Some(Blk::Closure(c)) = blk {
            self.class_stack.push(name.clone());
            self.namespace.push(name.clone());
            let r = self.body(&c.body.stmts, &Self::new_scope(Some(c.scope.clone())), &class);
            self.namespace.pop();
            self.class_stack.pop();
            r?;
        }
        let _ = sp;
        Ok(class)
    }

    /// `OpenStruct`'s class, defined on first use.
    pub(super) fn open_struct_class(&mut self) {
        if self.class("OpenStruct").is_none() {
            self.classes.push(ClassDef {
                name: "OpenStruct".into(),
                open: true,
                ..Default::default()
            });
        }
    }
}
