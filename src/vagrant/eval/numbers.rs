//! Methods of Integer and Float.

use super::objects::*;
use super::value::*;
use super::{Blk, Interp, R};
use crate::diagnostic::Span;
use std::cmp::Ordering;

impl Interp {
    pub(super) fn numeric(&mut self, v: Value, name: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        let a = args.first().cloned().unwrap_or(Value::Nil);
        if let (Value::Int(x), Some(b)) = (&v, &blk) {
            let x = *x;
            return break_value(match name {
                "times" => {
                    for i in 0..x {
                        self.call_block(b, vec![Value::Int(i)], sp)?;
                    }
                    Ok(Value::Int(x))
                }
                "upto" | "downto" => {
                    let to = int_arg(&args, 0).unwrap_or(x);
                    let items: Vec<i64> = if name == "upto" {
                        (x..=to).collect()
                    } else {
                        (to..=x).rev().collect()
                    };
                    for i in items {
                        self.call_block(b, vec![Value::Int(i)], sp)?;
                    }
                    Ok(Value::Int(x))
                }
                "step" => {
                    let to = int_arg(&args, 0).unwrap_or(x);
                    let by = int_arg(&args, 1).unwrap_or(1).max(1);
                    let mut i = x;
                    while i <= to {
                        self.call_block(b, vec![Value::Int(i)], sp)?;
                        i += by;
                    }
                    Ok(Value::Int(x))
                }
                _ => return self.no_method(&v, name, sp),
            });
        }
        let arith = |op: &str, x: &Value, y: &Value| -> Option<Value> {
            match (x, y) {
                (Value::Int(p), Value::Int(q)) => Some(match op {
                    "+" => Value::Int(p.wrapping_add(*q)),
                    "-" => Value::Int(p.wrapping_sub(*q)),
                    "*" => Value::Int(p.wrapping_mul(*q)),
                    "/" if *q != 0 => Value::Int(p.div_euclid(*q)),
                    "%" | "modulo" if *q != 0 => Value::Int(p.rem_euclid(*q)),
                    "**" if *q >= 0 => Value::Int(p.checked_pow((*q).min(u32::MAX as i64) as u32)?),
                    "&" => Value::Int(p & q),
                    "|" => Value::Int(p | q),
                    "^" => Value::Int(p ^ q),
                    "<<" => Value::Int(p.checked_shl(*q as u32)?),
                    ">>" => Value::Int(p.checked_shr(*q as u32)?),
                    _ => return None,
                }),
                _ => {
                    let f = |v: &Value| match v {
                        Value::Int(i) => Some(*i as f64),
                        Value::Float(f) => Some(*f),
                        _ => None,
                    };
                    let (p, q) = (f(x)?, f(y)?);
                    Some(Value::Float(match op {
                        "+" => p + q,
                        "-" => p - q,
                        "*" => p * q,
                        "/" => p / q,
                        "%" | "modulo" => p.rem_euclid(q),
                        "**" => p.powf(q),
                        _ => return None,
                    }))
                }
            }
        };
        match name {
            "+" | "-" | "*" | "/" | "%" | "modulo" | "**" | "&" | "|" | "^" | "<<" | ">>" => {
                match arith(name, &v, &a) {
                    Some(r) => Ok(r),
                    None if matches!((name, &a), ("/" | "%", Value::Int(0))) => {
                        self.raise("ZeroDivisionError", "divided by 0", sp)
                    }
                    None => {
                        let msg = format!("{} can't be coerced into {}", a.class_name(), v.class_name());
                        self.raise("TypeError", msg, sp)
                    }
                }
            }
            "<" | ">" | "<=" | ">=" | "<=>" | "===" | "between?" => {
                if name == "===" {
                    return Ok(Value::Bool(v.equals(&a)));
                }
                if name == "between?" {
                    let b = args.get(1).cloned().unwrap_or(Value::Nil);
                    let ok = cmp_values(&v, &a).is_some_and(|o| o != Ordering::Less)
                        && cmp_values(&v, &b).is_some_and(|o| o != Ordering::Greater);
                    return Ok(Value::Bool(ok));
                }
                let Some(o) = cmp_values(&v, &a) else {
                    if name == "<=>" {
                        return Ok(Value::Nil);
                    }
                    let msg = format!("comparison of {} with {} failed", v.class_name(), a.class_name());
                    return self.raise("ArgumentError", msg, sp);
                };
                Ok(match name {
                    "<" => Value::Bool(o == Ordering::Less),
                    ">" => Value::Bool(o == Ordering::Greater),
                    "<=" => Value::Bool(o != Ordering::Greater),
                    ">=" => Value::Bool(o != Ordering::Less),
                    _ => Value::Int(o as i64),
                })
            }
            "to_i" | "to_int" | "floor" | "truncate" => Ok(match v {
                Value::Float(f) => Value::Int(if name == "floor" { f.floor() } else { f.trunc() } as i64),
                v => v,
            }),
            "ceil" => Ok(match v {
                Value::Float(f) => Value::Int(f.ceil() as i64),
                v => v,
            }),
            "round" => Ok(match (v, int_arg(&args, 0)) {
                (Value::Float(f), Some(d)) if d > 0 => {
                    let m = 10f64.powi(d as i32);
                    Value::Float((f * m).round() / m)
                }
                (Value::Float(f), _) => Value::Int(f.round() as i64),
                (v, _) => v,
            }),
            "to_f" => Ok(match v {
                Value::Int(i) => Value::Float(i as f64),
                v => v,
            }),
            "to_s" => Ok(Value::str(match (&v, int_arg(&args, 0)) {
                (Value::Int(i), Some(16)) => format!("{i:x}"),
                (Value::Int(i), Some(8)) => format!("{i:o}"),
                (Value::Int(i), Some(2)) => format!("{i:b}"),
                _ => v.to_s(),
            })),
            "abs" => Ok(match v {
                Value::Int(i) => Value::Int(i.wrapping_abs()),
                Value::Float(f) => Value::Float(f.abs()),
                v => v,
            }),
            "succ" | "next" => Ok(arith("+", &v, &Value::Int(1)).unwrap_or(v)),
            "pred" => Ok(arith("-", &v, &Value::Int(1)).unwrap_or(v)),
            "even?" | "odd?" | "zero?" | "positive?" | "negative?" => {
                let (i, f) = match v {
                    Value::Int(i) => (i, i as f64),
                    Value::Float(f) => (f as i64, f),
                    _ => (0, 0.0),
                };
                Ok(Value::Bool(match name {
                    "even?" => i % 2 == 0,
                    "odd?" => i % 2 != 0,
                    "zero?" => f == 0.0,
                    "positive?" => f > 0.0,
                    _ => f < 0.0,
                }))
            }
            "-@" => Ok(arith("-", &Value::Int(0), &v).unwrap_or(v)),
            "chr" => Ok(match v {
                Value::Int(i) => Value::str(char::from_u32(i as u32).map(String::from).unwrap_or_default()),
                v => v,
            }),
            "times" => {
                let n = int_arg(&[v], 0).unwrap_or(0).max(0);
                self.check_size(n as usize, sp)?;
                Ok(Value::array((0..n).map(Value::Int).collect()))
            }
            _ => self.no_method(&v, name, sp),
        }
    }
}
