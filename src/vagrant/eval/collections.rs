//! `Array` and `Hash` methods (Enumerable included) as Vagrantfiles use them.

use super::objects::{break_value, cmp_values, int_arg, range_slice};
use super::value::*;
use super::{Blk, Flow, Interp, R};
use crate::diagnostic::Span;
use std::cmp::Ordering;

impl Interp {
    /// Call the block, or fail when there is none.
    fn yield1(&mut self, blk: &Option<Blk>, args: Vec<Value>, sp: Span) -> R {
        match blk {
            Some(b) => self.call_block(b, args, sp),
            None => Err(Flow::Raise(
                "LocalJumpError".into(),
                "no block given (yield)".into(),
                sp,
            )),
        }
    }

    /// Methods of arrays (and of ranges, hashes and strings once listed).
    pub(super) fn array_method(&mut self, v: Value, name: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        let Value::Array(cell) = &v else { return Ok(Value::Nil) };
        let items = cell.borrow().clone();
        let a0 = args.first().cloned();
        break_value(match name {
            "each" => {
                let Some(b) = &blk else { return Ok(v.clone()) };
                for x in items {
                    self.call_block(b, vec![x], sp)?;
                }
                Ok(v.clone())
            }
            "each_with_index" | "each.with_index" => {
                let Some(b) = &blk else {
                    return Ok(Value::array(
                        items
                            .into_iter()
                            .enumerate()
                            .map(|(i, x)| Value::array(vec![x, Value::Int(i as i64)]))
                            .collect(),
                    ));
                };
                for (i, x) in items.into_iter().enumerate() {
                    self.call_block(b, vec![x, Value::Int(i as i64)], sp)?;
                }
                Ok(v.clone())
            }
            "each_with_object" => {
                let memo = a0.unwrap_or(Value::Nil);
                for x in items {
                    self.yield1(&blk, vec![x, memo.clone()], sp)?;
                }
                Ok(memo)
            }
            "reverse_each" => {
                for x in items.into_iter().rev() {
                    self.yield1(&blk, vec![x], sp)?;
                }
                Ok(v.clone())
            }
            "each_slice" | "each_cons" => {
                let n = int_arg(&args, 0).unwrap_or(1).max(1) as usize;
                let groups: Vec<Value> = if name == "each_slice" {
                    items.chunks(n).map(|c| Value::array(c.to_vec())).collect()
                } else {
                    items.windows(n).map(|c| Value::array(c.to_vec())).collect()
                };
                match &blk {
                    Some(b) => {
                        for g in groups {
                            self.call_block(b, vec![g], sp)?;
                        }
                        Ok(Value::Nil)
                    }
                    None => Ok(Value::array(groups)),
                }
            }
            "map" | "collect" | "flat_map" | "collect_concat" | "map!" | "collect!" => {
                let Some(b) = &blk else { return Ok(v.clone()) };
                let mut out = Vec::new();
                for x in items {
                    let r = self.call_block(b, vec![x], sp)?;
                    match (&r, name.starts_with("flat") || name.ends_with("concat")) {
                        (Value::Array(a), true) => out.extend(a.borrow().iter().cloned()),
                        _ => out.push(r),
                    }
                }
                if name.ends_with('!') {
                    *cell.borrow_mut() = out;
                    return Ok(v.clone());
                }
                Ok(Value::array(out))
            }
            "select" | "filter" | "reject" | "select!" | "reject!" | "filter_map" | "partition" | "delete_if"
            | "keep_if" => {
                let mut yes = Vec::new();
                let mut no = Vec::new();
                for x in items {
                    let r = self.yield1(&blk, vec![x.clone()], sp)?;
                    if name == "filter_map" {
                        if r.truthy() {
                            yes.push(r);
                        }
                        continue;
                    }
                    if self.condition(&r, sp) {
                        yes.push(x);
                    } else {
                        no.push(x);
                    }
                }
                Ok(match name {
                    "partition" => Value::array(vec![Value::array(yes), Value::array(no)]),
                    "reject" => Value::array(no),
                    "reject!" | "delete_if" => {
                        *cell.borrow_mut() = no;
                        v.clone()
                    }
                    "select!" | "keep_if" => {
                        *cell.borrow_mut() = yes;
                        v.clone()
                    }
                    _ => Value::array(yes),
                })
            }
            "find" | "detect" | "find_index" | "index" => {
                if blk.is_none() {
                    return Ok(a0
                        .and_then(|t| items.iter().position(|x| x.equals(&t)))
                        .map_or(Value::Nil, |i| Value::Int(i as i64)));
                }
                for (i, x) in items.into_iter().enumerate() {
                    let r = self.yield1(&blk, vec![x.clone()], sp)?;
                    if self.condition(&r, sp) {
                        return Ok(if name == "find" || name == "detect" {
                            x
                        } else {
                            Value::Int(i as i64)
                        });
                    }
                }
                Ok(Value::Nil)
            }
            "any?" | "all?" | "none?" | "count" | "one?" => {
                let mut n = 0usize;
                for x in &items {
                    let hit = match (&blk, &a0) {
                        (Some(b), _) => {
                            let r = self.call_block(b, vec![x.clone()], sp)?;
                            self.condition(&r, sp)
                        }
                        (None, Some(t)) if name == "count" => x.equals(t),
                        (None, Some(t)) => {
                            let r = self.call(Some(t.clone()), &Value::Nil, "===", vec![x.clone()], None, sp)?;
                            r.truthy()
                        }
                        (None, None) => name == "count" || x.truthy(),
                    };
                    if hit {
                        n += 1;
                    }
                }
                Ok(match name {
                    "count" => Value::Int(n as i64),
                    "any?" => Value::Bool(n > 0),
                    "all?" => Value::Bool(n == items.len()),
                    "one?" => Value::Bool(n == 1),
                    _ => Value::Bool(n == 0),
                })
            }
            "inject" | "reduce" | "sum" => {
                let (mut acc, op) = match (name, &a0, args.get(1)) {
                    ("sum", Some(init), _) => (Some(init.clone()), Some("+".to_string())),
                    ("sum", None, _) => (Some(Value::Int(0)), Some("+".to_string())),
                    (_, Some(Value::Sym(s)), None) => (None, Some(s.to_string())),
                    (_, Some(init), Some(Value::Sym(s))) => (Some(init.clone()), Some(s.to_string())),
                    (_, Some(init), _) => (Some(init.clone()), None),
                    _ => (None, None),
                };
                for x in items {
                    acc = Some(match acc {
                        None => x,
                        Some(a) => match (&op, &blk) {
                            (Some(o), Some(b)) if name == "sum" => {
                                let y = self.call_block(b, vec![x], sp)?;
                                self.call(Some(a), &Value::Nil, o, vec![y], None, sp)?
                            }
                            (Some(o), _) => self.call(Some(a), &Value::Nil, o, vec![x], None, sp)?,
                            (None, _) => self.yield1(&blk, vec![a, x], sp)?,
                        },
                    });
                }
                Ok(acc.unwrap_or(Value::Nil))
            }
            "include?" | "member?" => Ok(Value::Bool(a0.is_some_and(|t| items.iter().any(|x| x.equals(&t))))),
            "first" | "last" | "take" | "drop" => {
                let n = int_arg(&args, 0);
                Ok(match (name, n) {
                    ("first", None) => items.first().cloned().unwrap_or(Value::Nil),
                    ("last", None) => items.last().cloned().unwrap_or(Value::Nil),
                    ("first" | "take", Some(n)) => Value::array(items.into_iter().take(n.max(0) as usize).collect()),
                    ("drop", Some(n)) => Value::array(items.into_iter().skip(n.max(0) as usize).collect()),
                    (_, Some(n)) => {
                        let skip = items.len().saturating_sub(n.max(0) as usize);
                        Value::array(items.into_iter().skip(skip).collect())
                    }
                    _ => Value::Nil,
                })
            }
            "[]" | "slice" | "at" | "fetch" | "dig" => {
                let n = items.len() as i64;
                match (a0, args.get(1)) {
                    (Some(Value::Int(i)), None) => {
                        let j = if i < 0 { n + i } else { i };
                        let got = if j >= 0 { items.get(j as usize).cloned() } else { None };
                        match (got, name) {
                            (Some(x), "dig") if args.len() > 1 => {
                                self.call(Some(x), &Value::Nil, "dig", args[1..].to_vec(), None, sp)
                            }
                            (Some(x), _) => Ok(x),
                            (None, "fetch") => Err(Flow::Raise(
                                "IndexError".into(),
                                format!("index {i} outside of array bounds"),
                                sp,
                            )),
                            (None, _) => Ok(Value::Nil),
                        }
                    }
                    (Some(Value::Int(i)), Some(Value::Int(len))) if name != "fetch" && name != "dig" => {
                        let j = if i < 0 { n + i } else { i };
                        if j < 0 || j > n {
                            return Ok(Value::Nil);
                        }
                        Ok(Value::array(
                            items
                                .into_iter()
                                .skip(j as usize)
                                .take((*len).max(0) as usize)
                                .collect(),
                        ))
                    }
                    (Some(Value::Int(_)), Some(d)) if name == "fetch" => {
                        let i = int_arg(&args, 0).unwrap_or(0);
                        let j = if i < 0 { n + i } else { i };
                        Ok(if j >= 0 { items.get(j as usize).cloned() } else { None }.unwrap_or_else(|| d.clone()))
                    }
                    (Some(Value::Range(r)), None) => Ok(match range_slice(&r, items.len()) {
                        Some((start, len)) => Value::array(items.into_iter().skip(start).take(len).collect()),
                        None => Value::Nil,
                    }),
                    _ => Ok(Value::Nil),
                }
            }
            "[]=" => {
                if let (Some(Value::Int(i)), Some(x)) = (a0, args.get(1)) {
                    let mut c = cell.borrow_mut();
                    let n = c.len() as i64;
                    let j = if i < 0 { n + i } else { i };
                    if j >= 0 {
                        let j = j as usize;
                        self.check_size(j, sp)?;
                        if j >= c.len() {
                            c.resize(j + 1, Value::Nil);
                        }
                        c[j] = x.clone();
                    }
                }
                Ok(args.get(1).cloned().unwrap_or(Value::Nil))
            }
            "<<" | "push" | "append" | "unshift" | "prepend" | "concat" => {
                let len = {
                    let mut c = cell.borrow_mut();
                    match name {
                        "unshift" | "prepend" => {
                            for (i, x) in args.into_iter().enumerate() {
                                c.insert(i, x);
                            }
                        }
                        "concat" => {
                            for x in args {
                                if let Value::Array(o) = x {
                                    let o = o.borrow().clone();
                                    c.extend(o);
                                }
                            }
                        }
                        _ => c.extend(args),
                    }
                    c.len()
                };
                self.check_size(len, sp)?;
                Ok(v.clone())
            }
            "pop" | "shift" => {
                let mut c = cell.borrow_mut();
                Ok(if name == "pop" {
                    c.pop()
                } else if c.is_empty() {
                    None
                } else {
                    Some(c.remove(0))
                }
                .unwrap_or(Value::Nil))
            }
            "delete" => {
                let t = a0.unwrap_or(Value::Nil);
                let mut c = cell.borrow_mut();
                let before = c.len();
                c.retain(|x| !x.equals(&t));
                Ok(if c.len() < before { t } else { Value::Nil })
            }
            "delete_at" => {
                let i = int_arg(&args, 0).unwrap_or(0);
                let mut c = cell.borrow_mut();
                let n = c.len() as i64;
                let j = if i < 0 { n + i } else { i };
                Ok(if j >= 0 && j < n {
                    c.remove(j as usize)
                } else {
                    Value::Nil
                })
            }
            "clear" => {
                cell.borrow_mut().clear();
                Ok(v.clone())
            }
            "insert" => {
                if let Some(i) = int_arg(&args, 0) {
                    let mut c = cell.borrow_mut();
                    let j = (i.max(0) as usize).min(c.len());
                    for (k, x) in args.into_iter().skip(1).enumerate() {
                        c.insert(j + k, x);
                    }
                }
                Ok(v.clone())
            }
            "+" => match a0 {
                Some(Value::Array(o)) => {
                    let mut out = items;
                    out.extend(o.borrow().iter().cloned());
                    self.check_size(out.len(), sp)?;
                    Ok(Value::array(out))
                }
                _ => Err(Flow::Raise(
                    "TypeError".into(),
                    "no implicit conversion into Array".into(),
                    sp,
                )),
            },
            "-" | "&" | "|" | "difference" | "intersection" | "union" => {
                let other = match a0 {
                    Some(Value::Array(o)) => o.borrow().clone(),
                    _ => vec![],
                };
                Ok(Value::array(match name {
                    "-" | "difference" => items
                        .into_iter()
                        .filter(|x| !other.iter().any(|y| y.equals(x)))
                        .collect(),
                    "&" | "intersection" => dedup(
                        items
                            .into_iter()
                            .filter(|x| other.iter().any(|y| y.equals(x)))
                            .collect(),
                    ),
                    _ => dedup(items.into_iter().chain(other).collect()),
                }))
            }
            "*" => match a0 {
                Some(Value::Str(sep)) => {
                    let sep = sep.borrow().clone();
                    self.array_method(v.clone(), "join", vec![Value::str(sep)], None, sp)
                }
                Some(Value::Int(n)) => {
                    self.check_size(items.len().saturating_mul(n.max(0) as usize), sp)?;
                    Ok(Value::array(
                        items
                            .iter()
                            .cloned()
                            .cycle()
                            .take(items.len() * n.max(0) as usize)
                            .collect(),
                    ))
                }
                _ => Ok(v.clone()),
            },
            "join" => {
                let sep = a0.map(|s| s.to_s()).unwrap_or_default();
                fn flat(items: &[Value], out: &mut Vec<String>) {
                    super::meter::walk(|| {
                        for x in items {
                            match x {
                                Value::Array(a) => flat(&a.borrow(), out),
                                other => out.push(other.to_s()),
                            }
                        }
                    });
                }
                if let Some(Value::Unknown(w)) = items.iter().find(|x| matches!(x, Value::Unknown(_))) {
                    return Ok(Value::Unknown(w.clone()));
                }
                let mut parts = Vec::new();
                flat(&items, &mut parts);
                Ok(Value::str(parts.join(&sep)))
            }
            "length" | "size" => Ok(Value::Int(items.len() as i64)),
            "empty?" => Ok(Value::Bool(items.is_empty())),
            "compact" => Ok(Value::array(
                items.into_iter().filter(|x| !matches!(x, Value::Nil)).collect(),
            )),
            "flatten" => {
                fn flat(items: Vec<Value>, depth: i64, out: &mut Vec<Value>) {
                    super::meter::walk(|| {
                        for x in items {
                            super::meter::charge(super::meter::SLOT);
                            match x {
                                Value::Array(a) if depth != 0 => flat(a.borrow().clone(), depth - 1, out),
                                other => out.push(other),
                            }
                        }
                    });
                }
                let mut out = Vec::new();
                flat(items, int_arg(&args, 0).unwrap_or(-1), &mut out);
                Ok(Value::array(out))
            }
            "uniq" => {
                if let Some(b) = &blk {
                    let mut keys: Vec<Value> = Vec::new();
                    let mut out = Vec::new();
                    for x in items {
                        let k = self.call_block(b, vec![x.clone()], sp)?;
                        if !keys.iter().any(|y| y.equals(&k)) {
                            keys.push(k);
                            out.push(x);
                        }
                    }
                    return Ok(Value::array(out));
                }
                Ok(Value::array(dedup(items)))
            }
            "reverse" => Ok(Value::array(items.into_iter().rev().collect())),
            "rotate" => {
                let mut out = items;
                if !out.is_empty() {
                    let k = int_arg(&args, 0).unwrap_or(1).rem_euclid(out.len() as i64) as usize;
                    out.rotate_left(k);
                }
                Ok(Value::array(out))
            }
            "sort" | "sort_by" | "min" | "max" | "min_by" | "max_by" | "sort!" => {
                let keyed: Vec<(Value, Value)> = if name.ends_with("_by") {
                    let mut k = Vec::new();
                    for x in items {
                        let key = self.yield1(&blk, vec![x.clone()], sp)?;
                        k.push((key, x));
                    }
                    k
                } else {
                    items.into_iter().map(|x| (x.clone(), x)).collect()
                };
                let mut keyed = keyed;
                let mut failed = false;
                if let (Some(b), false) = (&blk, name.ends_with("_by")) {
                    // sort { |a, b| ... }
                    let mut err = None;
                    let mut vals: Vec<Value> = keyed.into_iter().map(|(_, x)| x).collect();
                    let mut idx: Vec<usize> = (0..vals.len()).collect();
                    idx.sort_by(|&i, &j| {
                        if err.is_some() {
                            return Ordering::Equal;
                        }
                        match self.call_block(b, vec![vals[i].clone(), vals[j].clone()], sp) {
                            Ok(Value::Int(n)) => n.cmp(&0),
                            Ok(_) => Ordering::Equal,
                            Err(e) => {
                                err = Some(e);
                                Ordering::Equal
                            }
                        }
                    });
                    if let Some(e) = err {
                        return Err(e);
                    }
                    let sorted: Vec<Value> = idx
                        .into_iter()
                        .map(|i| std::mem::replace(&mut vals[i], Value::Nil))
                        .collect();
                    keyed = sorted.into_iter().map(|x| (x.clone(), x)).collect();
                } else {
                    keyed.sort_by(|a, b| {
                        cmp_values(&a.0, &b.0).unwrap_or_else(|| {
                            failed = true;
                            Ordering::Equal
                        })
                    });
                }
                if failed {
                    return Err(Flow::Raise("ArgumentError".into(), "comparison failed".into(), sp));
                }
                Ok(match name {
                    "min" | "min_by" => keyed.into_iter().next().map_or(Value::Nil, |x| x.1),
                    "max" | "max_by" => keyed.into_iter().next_back().map_or(Value::Nil, |x| x.1),
                    "sort!" => {
                        *cell.borrow_mut() = keyed.into_iter().map(|x| x.1).collect();
                        v.clone()
                    }
                    _ => Value::array(keyed.into_iter().map(|x| x.1).collect()),
                })
            }
            "group_by" => {
                let mut groups: Vec<(Value, Value)> = Vec::new();
                for x in items {
                    let k = self.yield1(&blk, vec![x.clone()], sp)?;
                    match groups.iter().find(|(g, _)| g.equals(&k)) {
                        Some((_, Value::Array(a))) => a.borrow_mut().push(x),
                        _ => groups.push((k, Value::array(vec![x]))),
                    }
                }
                Ok(Value::hash(groups))
            }
            "zip" => {
                let others: Vec<Vec<Value>> = args
                    .iter()
                    .map(|o| match o {
                        Value::Array(a) => a.borrow().clone(),
                        _ => vec![],
                    })
                    .collect();
                Ok(Value::array(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, x)| {
                            let mut row = vec![x];
                            row.extend(others.iter().map(|o| o.get(i).cloned().unwrap_or(Value::Nil)));
                            Value::array(row)
                        })
                        .collect(),
                ))
            }
            "to_a" | "entries" | "to_ary" => Ok(v.clone()),
            "to_h" => {
                let mut pairs = Vec::new();
                for x in items {
                    let x = match &blk {
                        Some(b) => self.call_block(b, vec![x], sp)?,
                        None => x,
                    };
                    if let Value::Array(p) = x {
                        let p = p.borrow();
                        hash_set(
                            &mut pairs,
                            p.first().cloned().unwrap_or(Value::Nil),
                            p.get(1).cloned().unwrap_or(Value::Nil),
                        );
                    }
                }
                Ok(Value::hash(pairs))
            }
            "values_at" => Ok(Value::array(
                args.iter()
                    .map(|i| match i {
                        Value::Int(i) => items.get(*i as usize).cloned().unwrap_or(Value::Nil),
                        _ => Value::Nil,
                    })
                    .collect(),
            )),
            "sample" | "shuffle" => {
                let what = format!("`Array#{name}`");
                Ok(self.not_evaluated(
                    sp,
                    &what,
                    "random choices would make the conversion change from run to run; the value is unknown",
                ))
            }
            "with_index" | "each_index" => {
                let base = int_arg(&args, 0).unwrap_or(0);
                let mut out = Vec::new();
                for (i, x) in items.into_iter().enumerate() {
                    let r = self.yield1(&blk, vec![x, Value::Int(i as i64 + base)], sp)?;
                    out.push(r);
                }
                Ok(Value::array(out))
            }
            "hash" => Ok(Value::Int(items.len() as i64)),
            _ => {
                let what = format!("`Array#{name}`");
                Ok(self.not_evaluated(
                    sp,
                    &what,
                    "puppetlift does not model this method; its result is unknown",
                ))
            }
        })
    }

    /// Methods of hashes.
    pub(super) fn hash_method(&mut self, v: Value, name: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        let Value::Hash(cell) = &v else { return Ok(Value::Nil) };
        let pairs = cell.borrow().clone();
        let a0 = args.first().cloned();
        let as_pairs = |p: &[(Value, Value)]| -> Vec<Value> {
            p.iter()
                .map(|(k, x)| Value::array(vec![k.clone(), x.clone()]))
                .collect()
        };
        break_value(match name {
            "[]" => Ok(a0.and_then(|k| v.hash_get(&k)).unwrap_or(Value::Nil)),
            "[]=" | "store" => {
                if let (Some(k), Some(x)) = (a0, args.get(1)) {
                    let k = match k {
                        Value::Str(s) => Value::str(s.borrow().clone()),
                        k => k,
                    };
                    hash_set(&mut cell.borrow_mut(), k, x.clone());
                }
                Ok(args.get(1).cloned().unwrap_or(Value::Nil))
            }
            "fetch" => {
                let k = a0.unwrap_or(Value::Nil);
                match (v.hash_get(&k), args.get(1), &blk) {
                    (Some(x), _, _) => Ok(x),
                    (None, Some(d), _) => Ok(d.clone()),
                    (None, None, Some(b)) => self.call_block(b, vec![k], sp),
                    (None, None, None) => Err(Flow::Raise(
                        "KeyError".into(),
                        format!("key not found: {}", k.inspect()),
                        sp,
                    )),
                }
            }
            "dig" => {
                let mut cur = v.clone();
                for k in args {
                    cur = match &cur {
                        Value::Hash(_) => cur.hash_get(&k).unwrap_or(Value::Nil),
                        Value::Array(_) => self.array_method(cur.clone(), "[]", vec![k], None, sp)?,
                        _ => return Ok(Value::Nil),
                    };
                }
                Ok(cur)
            }
            "key?" | "has_key?" | "include?" | "member?" => {
                Ok(Value::Bool(a0.is_some_and(|k| v.hash_get(&k).is_some())))
            }
            "value?" | "has_value?" => Ok(Value::Bool(a0.is_some_and(|t| pairs.iter().any(|(_, x)| x.equals(&t))))),
            "key" => Ok(a0
                .and_then(|t| pairs.iter().find(|(_, x)| x.equals(&t)).map(|(k, _)| k.clone()))
                .unwrap_or(Value::Nil)),
            "keys" => Ok(Value::array(pairs.into_iter().map(|(k, _)| k).collect())),
            "values" => Ok(Value::array(pairs.into_iter().map(|(_, x)| x).collect())),
            "values_at" => Ok(Value::array(
                args.iter().map(|k| v.hash_get(k).unwrap_or(Value::Nil)).collect(),
            )),
            "length" | "size" => Ok(Value::Int(pairs.len() as i64)),
            "empty?" => Ok(Value::Bool(pairs.is_empty())),
            "each" | "each_pair" => {
                let Some(b) = &blk else { return Ok(v.clone()) };
                for (k, x) in pairs {
                    self.call_block(b, vec![Value::array(vec![k, x])], sp)?;
                }
                Ok(v.clone())
            }
            "each_key" | "each_value" => {
                for (k, x) in pairs {
                    self.yield1(&blk, vec![if name == "each_key" { k } else { x }], sp)?;
                }
                Ok(v.clone())
            }
            "merge" | "merge!" | "update" | "deep_merge" => {
                let mut out = if name == "merge" { pairs } else { cell.borrow().clone() };
                for o in &args {
                    if let Value::Hash(h) = o {
                        for (k, x) in h.borrow().iter() {
                            let x = match (&blk, out.iter().find(|(k2, _)| k2.equals(k)).map(|p| p.1.clone())) {
                                (Some(b), Some(old)) => self.call_block(b, vec![k.clone(), old, x.clone()], sp)?,
                                _ => x.clone(),
                            };
                            hash_set(&mut out, k.clone(), x);
                        }
                    }
                }
                if name == "merge" {
                    Ok(Value::hash(out))
                } else {
                    *cell.borrow_mut() = out;
                    Ok(v.clone())
                }
            }
            "delete" => {
                let k = a0.unwrap_or(Value::Nil);
                let mut c = cell.borrow_mut();
                let pos = c.iter().position(|(k2, _)| k2.equals(&k));
                Ok(pos.map(|i| c.remove(i).1).unwrap_or(Value::Nil))
            }
            "select" | "filter" | "reject" | "filter_map" | "select!" | "filter!" | "keep_if" | "reject!"
            | "delete_if" => {
                let before = pairs.len();
                let mut out = Vec::new();
                let mut mapped = Vec::new();
                let rejects = matches!(name, "reject" | "reject!" | "delete_if");
                for (k, x) in pairs {
                    let r = self.yield1(&blk, vec![k.clone(), x.clone()], sp)?;
                    if name == "filter_map" {
                        if r.truthy() {
                            mapped.push(r);
                        }
                        continue;
                    }
                    if self.condition(&r, sp) != rejects {
                        out.push((k, x));
                    }
                }
                Ok(match name {
                    "filter_map" => Value::array(mapped),
                    "select" | "filter" | "reject" => Value::hash(out),
                    // In place: `keep_if`/`delete_if` give the hash; the `!`
                    // forms give nil when nothing was removed.
                    _ => {
                        let changed = out.len() != before;
                        *cell.borrow_mut() = out;
                        if changed || !name.ends_with('!') {
                            v.clone()
                        } else {
                            Value::Nil
                        }
                    }
                })
            }
            "transform_values" | "transform_keys" => {
                let mut out = Vec::new();
                for (k, x) in pairs {
                    if name == "transform_values" {
                        let y = self.yield1(&blk, vec![x], sp)?;
                        out.push((k, y));
                    } else {
                        let y = self.yield1(&blk, vec![k], sp)?;
                        hash_set(&mut out, y, x);
                    }
                }
                Ok(Value::hash(out))
            }
            "to_h" if blk.is_none() => Ok(v.clone()),
            "to_a" => Ok(Value::array(as_pairs(&pairs))),
            "invert" => Ok(Value::hash(pairs.into_iter().map(|(k, x)| (x, k)).collect())),
            "sort" | "sort_by" | "min_by" | "max_by" | "map" | "collect" | "flat_map" | "each_with_index"
            | "each_with_object" | "find" | "detect" | "any?" | "all?" | "none?" | "count" | "sum" | "inject"
            | "reduce" | "group_by" | "partition" | "first" | "to_h" | "find_all" | "sort!" | "uniq" | "each_slice"
            | "zip" | "min" | "max" | "take" | "drop" => {
                let list = Value::array(as_pairs(&pairs));
                let name = if name == "find_all" { "select" } else { name };
                if name == "first" && args.is_empty() {
                    return Ok(as_pairs(&pairs).into_iter().next().unwrap_or(Value::Nil));
                }
                self.array_method(list, name, args, blk, sp)
            }
            "default" => Ok(Value::Nil),
            "clear" => {
                cell.borrow_mut().clear();
                Ok(v.clone())
            }
            _ => {
                let what = format!("`Hash#{name}`");
                Ok(self.not_evaluated(
                    sp,
                    &what,
                    "puppetlift does not model this method; its result is unknown",
                ))
            }
        })
    }
}

pub(in crate::vagrant) fn dedup(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for x in items {
        if !out.iter().any(|y| y.equals(&x)) {
            out.push(x);
        }
    }
    out
}
