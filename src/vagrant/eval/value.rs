//! Ruby values as the Vagrantfile interpreter sees them.

use super::meter;
use crate::vagrant::ast::Body;
use std::cell::RefCell;
use std::rc::Rc;

/// Index of a Vagrant configuration object in the interpreter's arena.
pub type ObjId = usize;

/// A local-variable frame; blocks see their enclosing frames.
#[derive(Debug, Default)]
pub struct Frame {
    /// Variables set in this frame, in order.
    pub vars: Vec<(String, Value)>,
    /// The enclosing frame (blocks), none for method bodies and files.
    pub parent: Option<Scope>,
}

impl Drop for Frame {
    fn drop(&mut self) {
        meter::release(std::mem::take(&mut self.vars).into_iter().map(|(_, v)| v).collect());
    }
}

/// A shared frame.
pub type Scope = Rc<RefCell<Frame>>;

/// An array's elements. Letting them go does not recurse (see `meter::release`).
#[derive(Debug, Default)]
pub struct List(RefCell<Vec<Value>>);

impl std::ops::Deref for List {
    type Target = RefCell<Vec<Value>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for List {
    fn drop(&mut self) {
        meter::release(std::mem::take(self.0.get_mut()));
    }
}

/// A hash's pairs, in insertion order. Letting them go does not recurse.
#[derive(Debug, Default)]
pub struct Pairs(RefCell<Vec<(Value, Value)>>);

impl std::ops::Deref for Pairs {
    type Target = RefCell<Vec<(Value, Value)>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for Pairs {
    fn drop(&mut self) {
        let pairs = std::mem::take(self.0.get_mut());
        meter::release(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect());
    }
}

/// A block, proc or lambda with the scope it closes over.
#[derive(Debug)]
pub struct Closure {
    /// Parameters and statements.
    pub body: Rc<Body>,
    /// The frame it was created in.
    pub scope: Scope,
    /// The file it was written in (for diagnostics).
    pub file: Rc<str>,
    /// `self` where it was created.
    pub this: Value,
    /// Lambda semantics.
    pub lambda: bool,
    /// The block of the method it was written in: `yield` and `block_given?`
    /// inside it mean that one, whenever it runs.
    pub outer_block: Option<super::Blk>,
}

/// A compiled regular expression with its Ruby source.
#[derive(Debug)]
pub struct Regex {
    /// The pattern as written.
    pub source: String,
    /// Compiled.
    pub re: regex::Regex,
}

/// A Ruby value.
#[derive(Debug, Clone)]
pub enum Value {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<RefCell<String>>),
    Sym(Rc<str>),
    Array(Rc<List>),
    /// Insertion-ordered pairs (Vagrantfile hashes are small).
    Hash(Rc<Pairs>),
    Range(Rc<(Value, Value, bool)>),
    Regex(Rc<Regex>),
    Proc(Rc<Closure>),
    /// A Vagrant configuration object.
    Object(ObjId),
    /// A module or class the interpreter knows (`File`, `Vagrant`, `String`, ...).
    Module(Rc<str>),
    /// A value that was not evaluated; the diagnostic saying why has been given.
    Unknown(Rc<str>),
}

impl Value {
    /// A new string value.
    pub fn str(s: impl Into<String>) -> Value {
        let s = s.into();
        meter::built(s.len(), s.len());
        Value::Str(Rc::new(RefCell::new(s)))
    }

    /// A new symbol.
    pub fn sym(s: &str) -> Value {
        Value::Sym(Rc::from(s))
    }

    /// A new array.
    pub fn array(v: Vec<Value>) -> Value {
        meter::built(v.len(), v.len() * meter::SLOT);
        Value::Array(Rc::new(List(RefCell::new(v))))
    }

    /// A new hash.
    pub fn hash(v: Vec<(Value, Value)>) -> Value {
        meter::built(v.len(), v.len() * 2 * meter::SLOT);
        Value::Hash(Rc::new(Pairs(RefCell::new(v))))
    }

    /// Ruby truthiness: everything but nil and false.
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    /// The Ruby class name, for messages and `is_a?`.
    pub fn class_name(&self) -> &'static str {
        match self {
            Value::Nil => "NilClass",
            Value::Bool(true) => "TrueClass",
            Value::Bool(false) => "FalseClass",
            Value::Int(_) => "Integer",
            Value::Float(_) => "Float",
            Value::Str(_) => "String",
            Value::Sym(_) => "Symbol",
            Value::Array(_) => "Array",
            Value::Hash(_) => "Hash",
            Value::Range(_) => "Range",
            Value::Regex(_) => "Regexp",
            Value::Proc(_) => "Proc",
            Value::Object(_) => "Vagrant configuration",
            Value::Module(_) => "Module",
            Value::Unknown(_) => "unknown",
        }
    }

    /// String or symbol text.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.borrow().clone()),
            Value::Sym(s) => Some(s.to_string()),
            _ => None,
        }
    }

    /// `to_s` as Ruby prints it.
    pub fn to_s(&self) -> String {
        match self {
            Value::Nil => String::new(),
            Value::Str(s) => s.borrow().clone(),
            Value::Sym(s) => s.to_string(),
            Value::Module(m) => m.to_string(),
            _ => self.inspect(),
        }
    }

    /// `inspect` as Ruby prints it.
    pub fn inspect(&self) -> String {
        meter::walk(|| self.inspect_here()).unwrap_or_else(|| "...".into())
    }

    fn inspect_here(&self) -> String {
        match self {
            Value::Nil => "nil".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => float_to_s(*f),
            Value::Str(s) => format!("{:?}", s.borrow()),
            Value::Sym(s) => format!(":{s}"),
            Value::Array(a) => format!(
                "[{}]",
                a.borrow().iter().map(|v| v.inspect()).collect::<Vec<_>>().join(", ")
            ),
            Value::Hash(h) => format!(
                "{{{}}}",
                h.borrow()
                    .iter()
                    .map(|(k, v)| format!("{}=>{}", k.inspect(), v.inspect()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Range(r) => format!("{}{}{}", r.0.inspect(), if r.2 { "..." } else { ".." }, r.1.inspect()),
            Value::Regex(r) => format!("/{}/", r.source),
            Value::Proc(_) => "#<Proc>".into(),
            Value::Object(_) => "#<Vagrant config>".into(),
            Value::Module(m) => m.to_string(),
            Value::Unknown(w) => format!("<unknown: {w}>"),
        }
    }

    /// Ruby's `==` (`eql?` for hash keys is close enough for Vagrantfiles).
    pub fn equals(&self, other: &Value) -> bool {
        meter::walk(|| self.equals_here(other)).unwrap_or(false)
    }

    fn equals_here(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => (*a as f64) == *b,
            (Value::Str(a), Value::Str(b)) => *a.borrow() == *b.borrow(),
            (Value::Sym(a), Value::Sym(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => {
                Rc::ptr_eq(a, b) || {
                    let (a, b) = (a.borrow(), b.borrow());
                    a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.equals(y))
                }
            }
            (Value::Hash(a), Value::Hash(b)) => {
                Rc::ptr_eq(a, b) || {
                    let (a, b) = (a.borrow(), b.borrow());
                    a.len() == b.len()
                        && a.iter()
                            .all(|(k, v)| b.iter().any(|(k2, v2)| k.equals(k2) && v.equals(v2)))
                }
            }
            (Value::Range(a), Value::Range(b)) => a.0.equals(&b.0) && a.1.equals(&b.1) && a.2 == b.2,
            (Value::Object(a), Value::Object(b)) => a == b,
            (Value::Module(a), Value::Module(b)) => a == b,
            (Value::Proc(a), Value::Proc(b)) => Rc::ptr_eq(a, b),
            (Value::Regex(a), Value::Regex(b)) => a.source == b.source,
            _ => false,
        }
    }

    /// Look a key up in a hash value.
    pub fn hash_get(&self, key: &Value) -> Option<Value> {
        match self {
            Value::Hash(h) => h.borrow().iter().find(|(k, _)| k.equals(key)).map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    /// Look a key up by name, as a symbol or a string.
    pub fn hash_get_name(&self, name: &str) -> Option<Value> {
        match self {
            Value::Hash(h) => h
                .borrow()
                .iter()
                .find(|(k, _)| k.as_text().as_deref() == Some(name))
                .map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    /// Ruby's `dup`: a new string, array or hash holding the same elements.
    /// A copy that shares nothing mutable with the original, at any depth
    /// (each level a walk, so a value that holds itself stops at the limit).
    pub fn deep_copy(&self) -> Value {
        meter::walk(|| match self {
            Value::Str(s) => Value::str(s.borrow().clone()),
            Value::Array(a) => Value::array(a.borrow().iter().map(Value::deep_copy).collect()),
            Value::Hash(h) => Value::hash(h.borrow().iter().map(|(k, v)| (k.deep_copy(), v.deep_copy())).collect()),
            v => v.clone(),
        })
        .unwrap_or(Value::Nil)
    }

    pub fn dup(&self) -> Value {
        match self {
            Value::Str(s) => Value::str(s.borrow().clone()),
            Value::Array(a) => Value::array(a.borrow().clone()),
            Value::Hash(h) => Value::hash(h.borrow().clone()),
            v => v.clone(),
        }
    }
}

/// Set `key` in a hash's pairs, keeping the first position.
pub fn hash_set(pairs: &mut Vec<(Value, Value)>, key: Value, value: Value) {
    if let Some(slot) = pairs.iter_mut().find(|(k, _)| k.equals(&key)) {
        slot.1 = value;
    } else {
        pairs.push((key, value));
    }
}

/// Ruby's `Float#to_s`.
pub fn float_to_s(f: f64) -> String {
    if f.is_finite() && f == f.trunc() && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}
