//! Methods of built-in values: what every object answers (`nil?`, `==`,
//! `is_a?`, `dup`, `tap`, `send`), then dispatch by type to the numbers,
//! strings, collections and the rest; helpers the type-specific methods share.

use super::value::*;
use super::{Blk, Flow, Interp, R};
use crate::diagnostic::Span;
use std::cmp::Ordering;
use std::rc::Rc;

/// `x[a..b]` on a sequence of `n` elements: start and length, or none when out of range.
pub(super) fn range_slice(r: &(Value, Value, bool), n: usize) -> Option<(usize, usize)> {
    let (Value::Int(a), Value::Int(b)) = (&r.0, &r.1) else {
        return None;
    };
    let n = n as i64;
    let a = if *a < 0 { n + a } else { *a };
    let mut b = if *b < 0 { n + b } else { *b };
    if r.2 {
        b -= 1;
    }
    if a < 0 || a > n {
        return None;
    }
    Some((a as usize, (b - a + 1).max(0) as usize))
}

/// A `break` out of a block ends the iterating method with its value.
pub(super) fn break_value(r: R) -> R {
    match r {
        Err(Flow::Break(v)) => Ok(v),
        other => other,
    }
}

pub(super) fn int_arg(args: &[Value], i: usize) -> Option<i64> {
    match args.get(i) {
        Some(Value::Int(n)) => Some(*n),
        Some(Value::Float(f)) => Some(*f as i64),
        _ => None,
    }
}

pub(super) fn cmp_values(a: &Value, b: &Value) -> Option<Ordering> {
    super::meter::walk(|| cmp_here(a, b)).flatten()
}

fn cmp_here(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(x), Value::Float(y)) => (*x as f64).partial_cmp(y),
        (Value::Float(x), Value::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Value::Str(x), Value::Str(y)) => Some(x.borrow().as_str().cmp(y.borrow().as_str())),
        (Value::Sym(x), Value::Sym(y)) => Some(x.cmp(y)),
        (Value::Array(x), Value::Array(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            for (a, b) in x.iter().zip(y.iter()) {
                match cmp_values(a, b)? {
                    Ordering::Equal => continue,
                    o => return Some(o),
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => None,
    }
}

/// `is_a?` against a class name.
pub(super) fn is_a(v: &Value, class: &str) -> bool {
    let own = v.class_name();
    own == class
        || class == "Object"
        || class == "BasicObject"
        || (class == "Numeric" && matches!(v, Value::Int(_) | Value::Float(_)))
        || (class == "Enumerable" && matches!(v, Value::Array(_) | Value::Hash(_) | Value::Range(_)))
        || (class == "Comparable" && matches!(v, Value::Int(_) | Value::Float(_) | Value::Str(_)))
}

impl Interp {
    /// Methods of built-in values.
    pub(super) fn builtin(&mut self, v: Value, name: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        // Methods every object has.
        match name {
            "nil?" => return Ok(Value::Bool(matches!(v, Value::Nil))),
            "==" | "eql?" | "equal?" => return Ok(Value::Bool(args.first().is_some_and(|a| v.equals(a)))),
            "!=" => return Ok(Value::Bool(!args.first().is_some_and(|a| v.equals(a)))),
            "!" => return Ok(Value::Bool(!v.truthy())),
            "inspect" => return Ok(Value::str(v.inspect())),
            "to_s" if !matches!(v, Value::Int(_)) => return Ok(Value::str(v.to_s())),
            "class" => return Ok(Value::Module(Rc::from(v.class_name()))),
            "is_a?" | "kind_of?" | "instance_of?" => {
                let c = match args.first() {
                    Some(Value::Module(m)) => m.to_string(),
                    _ => String::new(),
                };
                return Ok(Value::Bool(is_a(&v, &c)));
            }
            "respond_to?" => return Ok(Value::Bool(true)),
            "freeze" | "itself" | "to_proc" if !matches!(v, Value::Sym(_)) => return Ok(v),
            "frozen?" => return Ok(Value::Bool(false)),
            "dup" | "clone" => return Ok(v.dup()),
            // `require 'json'` adds `to_json` to every value (as JSON.generate writes it).
            "to_json" if !matches!(v, Value::Object(_) | Value::Unknown(_) | Value::Proc(_)) => {
                return Ok(Value::str(super::modules::to_json(&v).to_string()));
            }
            "tap" => {
                if let Some(b) = &blk {
                    self.call_block(b, vec![v.clone()], sp)?;
                }
                return Ok(v);
            }
            "then" | "yield_self" => {
                return match &blk {
                    Some(b) => self.call_block(b, vec![v], sp),
                    None => Ok(v),
                }
            }
            "send" | "public_send" | "__send__" => {
                let mut it = args.into_iter();
                let m = it.next().and_then(|x| x.as_text()).unwrap_or_default();
                return self.call(Some(v), &Value::Nil, &m, it.collect(), blk, sp);
            }
            _ => {}
        }
        match v {
            Value::Nil => match name {
                "to_a" => Ok(Value::array(vec![])),
                "to_i" => Ok(Value::Int(0)),
                "to_h" => Ok(Value::hash(vec![])),
                "&" => Ok(Value::Bool(false)),
                _ => self.no_method(&v, name, sp),
            },
            Value::Bool(b) => match name {
                "&" => Ok(Value::Bool(b && args.first().is_some_and(Value::truthy))),
                "|" => Ok(Value::Bool(b || args.first().is_some_and(Value::truthy))),
                "^" => Ok(Value::Bool(b != args.first().is_some_and(Value::truthy))),
                "===" => Ok(Value::Bool(args.first().is_some_and(|a| v.equals(a)))),
                _ => self.no_method(&v, name, sp),
            },
            Value::Int(_) | Value::Float(_) => self.numeric(v, name, args, blk, sp),
            Value::Str(_) => self.string_method(v, name, args, blk, sp),
            Value::Sym(s) => match name {
                "to_sym" => Ok(Value::Sym(s)),
                "to_proc" => Ok(Value::Sym(s)),
                "<=>" => Ok(args
                    .first()
                    .and_then(|a| cmp_values(&Value::Sym(s.clone()), a))
                    .map_or(Value::Nil, |o| Value::Int(o as i64))),
                "===" => Ok(Value::Bool(
                    args.first().is_some_and(|a| a.equals(&Value::Sym(s.clone()))),
                )),
                "length" | "size" | "upcase" | "downcase" | "capitalize" | "start_with?" | "end_with?" | "[]"
                | "empty?" => {
                    let r = self.string_method(Value::str(s.to_string()), name, args, blk, sp)?;
                    Ok(match r {
                        Value::Str(x) if matches!(name, "upcase" | "downcase" | "capitalize") => {
                            Value::sym(&x.borrow())
                        }
                        other => other,
                    })
                }
                _ => self.no_method(&Value::Sym(s), name, sp),
            },
            Value::Array(_) => self.array_method(v, name, args, blk, sp),
            Value::Hash(_) => self.hash_method(v, name, args, blk, sp),
            Value::Range(ref r) => {
                let r = r.clone();
                match name {
                    "first" if args.is_empty() => Ok(r.0.clone()),
                    "begin" | "min" if args.is_empty() => Ok(r.0.clone()),
                    "end" => Ok(r.1.clone()),
                    "last" | "max" if args.is_empty() => Ok(match (&r.1, r.2) {
                        (Value::Int(i), true) => Value::Int(i - 1),
                        (x, _) => x.clone(),
                    }),
                    "include?" | "member?" | "cover?" | "===" => {
                        let x = args.first().cloned().unwrap_or(Value::Nil);
                        let lo = cmp_values(&r.0, &x).is_some_and(|o| o != Ordering::Greater);
                        let hi = cmp_values(&x, &r.1).is_some_and(|o| {
                            if r.2 {
                                o == Ordering::Less
                            } else {
                                o != Ordering::Greater
                            }
                        });
                        Ok(Value::Bool(lo && hi))
                    }
                    "exclude_end?" => Ok(Value::Bool(r.2)),
                    "step" => {
                        let (Value::Int(a), Value::Int(b)) = (&r.0, &r.1) else {
                            return self.no_method(&v, name, sp);
                        };
                        let step = int_arg(&args, 0).unwrap_or(1).max(1);
                        let end = if r.2 { *b - 1 } else { *b };
                        let items: Vec<Value> = (*a..=end).step_by(step as usize).map(Value::Int).collect();
                        self.array_method(Value::array(items), "each", vec![], blk, sp)
                    }
                    _ => {
                        let items = self.range_items(&r, sp)?;
                        self.array_method(Value::array(items), name, args, blk, sp)
                    }
                }
            }
            Value::Regex(re) => match name {
                "match" | "=~" | "match?" | "===" => {
                    let s = args.first().and_then(Value::as_text);
                    let Some(s) = s else { return Ok(Value::Nil) };
                    let r = self.regex_match(&re, &s);
                    Ok(match name {
                        "=~" => r.map_or(Value::Nil, |(i, _)| Value::Int(i as i64)),
                        "match" => r.map_or(Value::Nil, |(_, m)| Value::array(m)),
                        _ => Value::Bool(r.is_some()),
                    })
                }
                "source" => Ok(Value::str(re.source.clone())),
                _ => self.no_method(&Value::Regex(re), name, sp),
            },
            Value::Proc(c) => match name {
                "call" | "()" | "yield" | "[]" | "===" => {
                    let r = self.call_closure(&c, args, sp);
                    match r {
                        Err(Flow::Break(v)) => Ok(v),
                        Err(Flow::Return(v)) if c.lambda => Ok(v),
                        other => other,
                    }
                }
                "arity" => Ok(Value::Int(c.body.params.len() as i64)),
                "lambda?" => Ok(Value::Bool(c.lambda)),
                "curry" => Ok(Value::Proc(c)),
                _ => self.no_method(&Value::Proc(c), name, sp),
            },
            other => self.no_method(&other, name, sp),
        }
    }

    pub(super) fn no_method(&mut self, v: &Value, name: &str, sp: Span) -> R {
        let recv = format!("{}#", v.class_name());
        self.unsupported_call(sp, &recv, name)
    }

    /// `=~` semantics: the match offset and captures; sets `$1`..`$9`.
    pub(super) fn regex_match(&mut self, re: &Regex, s: &str) -> Option<(usize, Vec<Value>)> {
        match re.re.captures(s) {
            Some(c) => {
                let groups: Vec<Value> = c
                    .iter()
                    .map(|g| g.map_or(Value::Nil, |m| Value::str(m.as_str())))
                    .collect();
                let at = c.get(0).map_or(0, |m| s[..m.start()].chars().count());
                self.last_match = Some(groups.clone());
                Some((at, groups))
            }
            None => {
                self.last_match = None;
                None
            }
        }
    }
}
