//! Methods of String, `format`/`sprintf`, and `String#succ`.

use super::objects::*;
use super::value::*;
use super::{Blk, Interp, R};
use crate::diagnostic::Span;
use std::cmp::Ordering;

/// Ruby's `String#succ` for the simple cases (`"a"` -> `"b"`, `"az"` -> `"ba"`, `"9"` -> `"10"`).
pub(super) fn str_succ(s: &str) -> String {
    let mut b: Vec<u8> = s.as_bytes().to_vec();
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        match b[i] {
            b'z' => b[i] = b'a',
            b'Z' => b[i] = b'A',
            b'9' => b[i] = b'0',
            c if c.is_ascii_alphanumeric() => {
                b[i] = c + 1;
                return String::from_utf8_lossy(&b).into_owned();
            }
            _ => continue,
        }
        if i == 0 || !b[i - 1].is_ascii_alphanumeric() {
            let first = match b[i] {
                b'a' => b'a',
                b'A' => b'A',
                _ => b'1',
            };
            b.insert(i, first);
            return String::from_utf8_lossy(&b).into_owned();
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// Ruby's `sprintf` for the directives Vagrantfiles use.
pub(super) fn sprintf(fmt: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut it = fmt.chars().peekable();
    let mut argi = 0;
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = it.peek() {
            if "-0+ #".contains(f) {
                flags.push(f);
                it.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = it.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            it.next();
        }
        let mut prec: Option<usize> = None;
        if it.peek() == Some(&'.') {
            it.next();
            let mut p = String::new();
            while let Some(&d) = it.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                it.next();
            }
            prec = Some(p.parse().unwrap_or(0));
        }
        let conv = it.next().ok_or("incomplete format specifier")?;
        if conv == '%' {
            out.push('%');
            continue;
        }
        let arg = args.get(argi).cloned().ok_or("too few arguments")?;
        argi += 1;
        let body = match conv {
            's' => {
                let s = arg.to_s();
                match prec {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                }
            }
            'p' => arg.inspect(),
            'd' | 'i' | 'u' => match arg {
                Value::Int(i) => i.to_string(),
                Value::Float(f) => (f.floor() as i64).to_string(),
                Value::Str(s) => s
                    .borrow()
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| "invalid value for Integer()")?
                    .to_string(),
                _ => return Err("can't convert to Integer".into()),
            },
            'f' => {
                let f = match arg {
                    Value::Int(i) => i as f64,
                    Value::Float(f) => f,
                    _ => return Err("can't convert to Float".into()),
                };
                format!("{:.*}", prec.unwrap_or(6), f)
            }
            'x' | 'X' | 'o' | 'b' => {
                let i = match arg {
                    Value::Int(i) => i,
                    _ => return Err("can't convert to Integer".into()),
                };
                match conv {
                    'x' => format!("{i:x}"),
                    'X' => format!("{i:X}"),
                    'o' => format!("{i:o}"),
                    _ => format!("{i:b}"),
                }
            }
            other => return Err(format!("unsupported format directive %{other}")),
        };
        let w: usize = width.parse().unwrap_or(0);
        let len = body.chars().count();
        if len >= w {
            out.push_str(&body);
        } else if flags.contains('-') {
            out.push_str(&body);
            out.push_str(&" ".repeat(w - len));
        } else if flags.contains('0') && conv != 's' {
            let (sign, digits) = body.strip_prefix('-').map_or(("", body.as_str()), |d| ("-", d));
            out.push_str(sign);
            out.push_str(&"0".repeat(w - len));
            out.push_str(digits);
        } else {
            out.push_str(&" ".repeat(w - len));
            out.push_str(&body);
        }
    }
    Ok(out)
}

/// Ruby replacement strings use `\1` and `\k<name>`; the regex crate uses `${1}`.
fn ruby_replacement(r: &str) -> String {
    let mut out = String::new();
    let mut it = r.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '$' => out.push_str("$$"),
            '\\' => match it.peek().copied() {
                Some(d) if d.is_ascii_digit() => {
                    it.next();
                    out.push_str(&format!("${{{d}}}"));
                }
                Some('\\') => {
                    it.next();
                    out.push('\\');
                }
                _ => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

fn expand_tr(s: &str) -> Vec<char> {
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if i + 2 < c.len() && c[i + 1] == '-' {
            let (a, b) = (c[i] as u32, c[i + 2] as u32);
            out.extend((a..=b).filter_map(char::from_u32));
            i += 3;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

impl Interp {
    pub(super) fn string_method(&mut self, v: Value, name: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        let Value::Str(cell) = &v else {
            return self.no_method(&v, name, sp);
        };
        let s = cell.borrow().clone();
        let text = |i: usize| args.get(i).and_then(Value::as_text);
        let new = |x: String| Ok(Value::str(x));
        match name {
            "+" => match args.first() {
                Some(Value::Str(o)) => new(s + &o.borrow()),
                Some(other) => {
                    let msg = format!("no implicit conversion of {} into String", other.class_name());
                    self.raise("TypeError", msg, sp)
                }
                None => new(s),
            },
            "*" => {
                let n = int_arg(&args, 0).unwrap_or(0).max(0) as usize;
                self.check_size(s.len().saturating_mul(n), sp)?;
                new(s.repeat(n))
            }
            "%" => {
                let fa = match args.first() {
                    Some(Value::Array(a)) => a.borrow().clone(),
                    Some(x) => vec![x.clone()],
                    None => vec![],
                };
                match sprintf(&s, &fa) {
                    Ok(r) => new(r),
                    Err(e) => self.raise("ArgumentError", e, sp),
                }
            }
            "<<" | "concat" => {
                let add = args.first().map(|a| match a {
                    Value::Int(i) => char::from_u32(*i as u32).map(String::from).unwrap_or_default(),
                    other => other.to_s(),
                });
                let len = {
                    let mut c = cell.borrow_mut();
                    c.push_str(&add.unwrap_or_default());
                    c.len()
                };
                self.check_size(len, sp)?;
                Ok(v.clone())
            }
            "==" | "===" | "eql?" => Ok(Value::Bool(args.first().is_some_and(|a| v.equals(a)))),
            "<=>" | "<" | ">" | "<=" | ">=" => {
                let o = args.first().and_then(|a| cmp_values(&v, a));
                Ok(match (name, o) {
                    ("<=>", o) => o.map_or(Value::Nil, |o| Value::Int(o as i64)),
                    (_, None) => return self.raise("ArgumentError", "comparison of String failed", sp),
                    ("<", Some(o)) => Value::Bool(o == Ordering::Less),
                    (">", Some(o)) => Value::Bool(o == Ordering::Greater),
                    ("<=", Some(o)) => Value::Bool(o != Ordering::Greater),
                    (_, Some(o)) => Value::Bool(o != Ordering::Less),
                })
            }
            "=~" | "match" | "match?" => {
                let re = match args.first() {
                    Some(Value::Regex(r)) => r.clone(),
                    Some(Value::Str(p)) => match self.regex(&regex::escape(&p.borrow()), "", sp) {
                        Value::Regex(r) => r,
                        other => return Ok(other),
                    },
                    Some(Value::Unknown(w)) => return Ok(Value::Unknown(w.clone())),
                    _ => return Ok(Value::Nil),
                };
                let r = self.regex_match(&re, &s);
                Ok(match name {
                    "=~" => r.map_or(Value::Nil, |(i, _)| Value::Int(i as i64)),
                    "match" => r.map_or(Value::Nil, |(_, m)| Value::array(m)),
                    _ => Value::Bool(r.is_some()),
                })
            }
            "length" | "size" => Ok(Value::Int(s.chars().count() as i64)),
            "bytesize" => Ok(Value::Int(s.len() as i64)),
            "to_s" | "to_str" => Ok(v.clone()),
            // `File.open(path)` gives the file's text: reading it gives it again.
            "read" => Ok(v.clone()),
            "readlines" => Ok(Value::array(s.split_inclusive('\n').map(Value::str).collect())),
            "close" => Ok(Value::Nil),
            "to_sym" | "intern" => Ok(Value::sym(&s)),
            "to_i" => {
                let t = s.trim_start();
                let end = t
                    .char_indices()
                    .find(|&(i, c)| !(c.is_ascii_digit() || c == '_' || (i == 0 && (c == '-' || c == '+'))))
                    .map_or(t.len(), |(i, _)| i);
                Ok(Value::Int(t[..end].replace('_', "").parse().unwrap_or(0)))
            }
            "to_f" => {
                let t = s.trim();
                let end = t
                    .char_indices()
                    .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || c == 'e' || (i == 0 && c == '-')))
                    .map_or(t.len(), |(i, _)| i);
                Ok(Value::Float(t[..end].parse().unwrap_or(0.0)))
            }
            "upcase" => new(s.to_uppercase()),
            "downcase" => new(s.to_lowercase()),
            "capitalize" => {
                let mut c = s.chars();
                new(c
                    .next()
                    .map(|f| f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase())
                    .unwrap_or_default())
            }
            "swapcase" => new(s
                .chars()
                .map(|c| {
                    if c.is_uppercase() {
                        c.to_ascii_lowercase()
                    } else {
                        c.to_ascii_uppercase()
                    }
                })
                .collect()),
            "strip" => new(s.trim_matches(|c: char| c.is_whitespace() || c == '\0').to_string()),
            "lstrip" => new(s.trim_start().to_string()),
            "rstrip" => new(s.trim_end().to_string()),
            "chomp" => new(match text(0) {
                Some(suf) => s.strip_suffix(suf.as_str()).unwrap_or(&s).to_string(),
                None => s
                    .strip_suffix("\r\n")
                    .or_else(|| s.strip_suffix('\n'))
                    .or_else(|| s.strip_suffix('\r'))
                    .unwrap_or(&s)
                    .to_string(),
            }),
            "chop" => {
                let mut t = s.clone();
                t.pop();
                new(t)
            }
            "chars" => Ok(Value::array(s.chars().map(|c| Value::str(c.to_string())).collect())),
            "lines" => Ok(Value::array(s.split_inclusive('\n').map(Value::str).collect())),
            "each_line" | "each_char" => {
                let items: Vec<Value> = if name == "each_line" {
                    s.split_inclusive('\n').map(Value::str).collect()
                } else {
                    s.chars().map(|c| Value::str(c.to_string())).collect()
                };
                self.array_method(Value::array(items), "each", vec![], blk, sp)?;
                Ok(v.clone())
            }
            "reverse" => new(s.chars().rev().collect()),
            "empty?" => Ok(Value::Bool(s.is_empty())),
            "start_with?" => Ok(Value::Bool(
                args.iter().filter_map(Value::as_text).any(|p| s.starts_with(&p)),
            )),
            "end_with?" => Ok(Value::Bool(
                args.iter().filter_map(Value::as_text).any(|p| s.ends_with(&p)),
            )),
            "include?" => Ok(Value::Bool(text(0).is_some_and(|p| s.contains(&p)))),
            "index" => Ok(text(0)
                .and_then(|p| s.find(&p))
                .map_or(Value::Nil, |i| Value::Int(s[..i].chars().count() as i64))),
            "count" => {
                Ok(Value::Int(text(0).map_or(0, |set| {
                    s.chars().filter(|c| set.contains(*c)).count() as i64
                })))
            }
            "delete" => new(text(0).map_or(s.clone(), |set| s.chars().filter(|c| !set.contains(*c)).collect())),
            "squeeze" => {
                let mut out = String::new();
                for c in s.chars() {
                    if !out.ends_with(c) {
                        out.push(c);
                    }
                }
                new(out)
            }
            "tr" => {
                let (from, to) = (text(0).unwrap_or_default(), text(1).unwrap_or_default());
                let (from, to) = (expand_tr(&from), expand_tr(&to));
                new(s
                    .chars()
                    .map(|c| match from.iter().position(|f| *f == c) {
                        Some(i) => to.get(i).or(to.last()).copied().unwrap_or(c),
                        None => c,
                    })
                    .collect())
            }
            "ljust" | "rjust" | "center" => {
                let w = int_arg(&args, 0).unwrap_or(0).max(0) as usize;
                let pad = text(1).unwrap_or_else(|| " ".into()).chars().next().unwrap_or(' ');
                let len = s.chars().count();
                if len >= w {
                    return new(s);
                }
                let fill = w - len;
                let p = |n: usize| std::iter::repeat_n(pad, n).collect::<String>();
                new(match name {
                    "ljust" => s + &p(fill),
                    "rjust" => p(fill) + &s,
                    _ => p(fill / 2) + &s + &p(fill - fill / 2),
                })
            }
            "split" => {
                let limit = int_arg(&args, 1).unwrap_or(0);
                let parts: Vec<String> = match args.first() {
                    None | Some(Value::Nil) => s.split_whitespace().map(String::from).collect(),
                    Some(Value::Str(p)) if *p.borrow() == " " => s.split_whitespace().map(String::from).collect(),
                    Some(Value::Str(p)) => {
                        let p = p.borrow().clone();
                        if p.is_empty() {
                            s.chars().map(|c| c.to_string()).collect()
                        } else if limit > 0 {
                            s.splitn(limit as usize, p.as_str()).map(String::from).collect()
                        } else {
                            s.split(p.as_str()).map(String::from).collect()
                        }
                    }
                    Some(Value::Regex(r)) => {
                        if limit > 0 {
                            r.re.splitn(&s, limit as usize).map(String::from).collect()
                        } else {
                            r.re.split(&s).map(String::from).collect()
                        }
                    }
                    Some(Value::Unknown(w)) => return Ok(Value::Unknown(w.clone())),
                    Some(_) => vec![s.clone()],
                };
                let mut parts = parts;
                if limit == 0 {
                    while parts.last().is_some_and(|p| p.is_empty()) {
                        parts.pop();
                    }
                }
                Ok(Value::array(parts.into_iter().map(Value::str).collect()))
            }
            "sub" | "gsub" | "sub!" | "gsub!" => {
                let global = name.starts_with('g');
                let re = match args.first() {
                    Some(Value::Regex(r)) => r.re.clone(),
                    Some(Value::Str(p)) => match self.regex(&regex::escape(&p.borrow()), "", sp) {
                        Value::Regex(r) => r.re.clone(),
                        _ => return Ok(v.clone()),
                    },
                    Some(Value::Unknown(w)) => return Ok(Value::Unknown(w.clone())),
                    _ => return self.raise("ArgumentError", "wrong number of arguments", sp),
                };
                let out = match (args.get(1), &blk) {
                    (Some(Value::Hash(_)), _) => {
                        let h = args[1].clone();
                        let f =
                            |c: &regex::Captures| h.hash_get(&Value::str(&c[0])).map(|v| v.to_s()).unwrap_or_default();
                        if global {
                            re.replace_all(&s, f).into_owned()
                        } else {
                            re.replace(&s, f).into_owned()
                        }
                    }
                    (Some(rep), _) => {
                        let rep = ruby_replacement(&rep.to_s());
                        if global {
                            re.replace_all(&s, rep.as_str()).into_owned()
                        } else {
                            re.replace(&s, rep.as_str()).into_owned()
                        }
                    }
                    (None, Some(b)) => {
                        let mut out = String::new();
                        let mut last = 0;
                        let caps: Vec<(usize, usize, Vec<Value>)> = re
                            .captures_iter(&s)
                            .take(if global { usize::MAX } else { 1 })
                            .map(|c| {
                                let m = c.get(0).map_or((0, 0), |m| (m.start(), m.end()));
                                (
                                    m.0,
                                    m.1,
                                    c.iter()
                                        .map(|g| g.map_or(Value::Nil, |x| Value::str(x.as_str())))
                                        .collect(),
                                )
                            })
                            .collect();
                        for (a, e, groups) in caps {
                            out.push_str(&s[last..a]);
                            self.last_match = Some(groups.clone());
                            let r = self.call_block(b, vec![groups[0].clone()], sp)?;
                            out.push_str(&r.to_s());
                            last = e;
                        }
                        out.push_str(&s[last..]);
                        out
                    }
                    (None, None) => return self.raise("ArgumentError", "wrong number of arguments", sp),
                };
                if name.ends_with('!') {
                    let changed = out != s;
                    *cell.borrow_mut() = out;
                    return Ok(if changed { v.clone() } else { Value::Nil });
                }
                new(out)
            }
            "scan" => {
                let Some(Value::Regex(r)) = args.first() else {
                    return Ok(Value::array(vec![]));
                };
                let items: Vec<Value> =
                    r.re.captures_iter(&s)
                        .map(|c| {
                            if c.len() == 1 {
                                Value::str(&c[0])
                            } else {
                                Value::array(
                                    c.iter()
                                        .skip(1)
                                        .map(|g| g.map_or(Value::Nil, |m| Value::str(m.as_str())))
                                        .collect(),
                                )
                            }
                        })
                        .collect();
                Ok(Value::array(items))
            }
            "[]" | "slice" => match (args.first(), args.get(1)) {
                (Some(Value::Int(i)), None) => {
                    let n = s.chars().count() as i64;
                    let i = if *i < 0 { n + i } else { *i };
                    Ok(s.chars()
                        .nth(i.max(0) as usize)
                        .filter(|_| i >= 0)
                        .map_or(Value::Nil, |c| Value::str(c.to_string())))
                }
                (Some(Value::Int(i)), Some(Value::Int(len))) => {
                    let n = s.chars().count() as i64;
                    let i = if *i < 0 { n + i } else { *i };
                    if i < 0 || i > n {
                        return Ok(Value::Nil);
                    }
                    new(s.chars().skip(i as usize).take((*len).max(0) as usize).collect())
                }
                (Some(Value::Range(r)), None) => match range_slice(r, s.chars().count()) {
                    Some((start, len)) => new(s.chars().skip(start).take(len).collect()),
                    None => Ok(Value::Nil),
                },
                (Some(Value::Str(p)), None) => Ok(if s.contains(p.borrow().as_str()) {
                    Value::str(p.borrow().clone())
                } else {
                    Value::Nil
                }),
                (Some(Value::Regex(r)), g) => {
                    let gi = int_arg(&args, 1).unwrap_or(0) as usize;
                    let _ = g;
                    Ok(r.re
                        .captures(&s)
                        .and_then(|c| c.get(gi).map(|m| Value::str(m.as_str())))
                        .unwrap_or(Value::Nil))
                }
                _ => Ok(Value::Nil),
            },
            "hex" => Ok(Value::Int(
                i64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or(0),
            )),
            "ord" => Ok(Value::Int(s.chars().next().map_or(0, |c| c as i64))),
            "succ" | "next" => new(str_succ(&s)),
            "upto" => {
                let to = text(0).unwrap_or_default();
                let items = self.range_items(&(v.clone(), Value::str(to), false), sp)?;
                self.array_method(Value::array(items), "each", vec![], blk, sp)
            }
            "format" => {
                let mut all = vec![v.clone()];
                all.extend(args);
                self.format_call(&all, sp)
            }
            "encoding" | "force_encoding" | "encode" | "unicode_normalize" | "b" | "scrub" => Ok(v.clone()),
            "shellescape" => new(if s.is_empty() {
                "''".into()
            } else {
                s.chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || "_-.,:/@+=".contains(c) {
                            c.to_string()
                        } else {
                            format!("\\{c}")
                        }
                    })
                    .collect()
            }),
            _ => self.no_method(&v, name, sp),
        }
    }
}
