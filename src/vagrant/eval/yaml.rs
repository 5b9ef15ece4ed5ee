//! YAML as Ruby 3.1's Psych 4 reads it for a Vagrantfile: libyaml's parser
//! (the one Psych wraps, so what it accepts and rejects is Psych's), YAML 1.1
//! scalars (`yes`/`on` are true), a key given twice keeps its last value,
//! `<<` merge keys, an alias is the anchored object itself, and what
//! `YAML.load`/`safe_load` refuse unless asked (aliases, symbols) refused the
//! same way.

use super::value::*;
use libyaml_safer::{EventData, Parser, ScalarStyle};

/// Deeper than this, Psych's recursive builder would run out of stack.
const MAX_DEPTH: usize = 1000;

/// What the call allows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Allow {
    /// `aliases: true`, or `unsafe_load`.
    pub aliases: bool,
    /// Symbols (`:name`) as values: `permitted_classes: [Symbol]`, or `unsafe_load`.
    pub symbols: bool,
}

/// A Ruby exception Psych raises: class and message.
pub type Raised = (String, String);

/// The first document of `text`, as a Ruby value; `file` names it in a syntax
/// error as Psych does (`(<unknown>)` for a string).
pub fn load(text: &str, file: Option<&str>, allow: Allow) -> Result<Value, Raised> {
    let mut b = Builder {
        allow,
        stack: Vec::new(),
        anchors: Vec::new(),
        doc: None,
        error: None,
    };
    let fed = crate::yaml::input(text);
    let mut input = fed.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    loop {
        let event = match parser.parse() {
            Ok(e) => crate::yaml::as_given(e, text),
            Err(e) => {
                // Psych's message: the problem, its context, and the context's place.
                let at = e.context_mark().or(e.problem_mark()).unwrap_or_default();
                let context = e.context().map(|c| format!(" {c}")).unwrap_or_default();
                let (line, column) = crate::yaml::place(text, at);
                let msg = format!(
                    "({}): {}{context} at line {} column {}",
                    file.unwrap_or("<unknown>"),
                    e.problem(),
                    line + 1,
                    column + 1
                );
                return Err(("Psych::SyntaxError".into(), msg));
            }
        };
        match event.data {
            // `load` reads the first document; what follows it is not parsed.
            EventData::StreamEnd | EventData::DocumentEnd { .. } => break,
            data => b.event(data),
        }
        if let Some(e) = b.error.take() {
            return Err(e);
        }
    }
    // An empty document is `false` to Psych's `load`.
    Ok(b.doc.unwrap_or(Value::Bool(false)))
}

enum Open {
    Seq(Vec<Value>, Option<String>),
    Map(Vec<(Value, Value)>, Option<Value>, Option<String>),
}

struct Builder {
    allow: Allow,
    stack: Vec<Open>,
    anchors: Vec<(String, Value)>,
    doc: Option<Value>,
    error: Option<Raised>,
}

impl Builder {
    fn fail(&mut self, class: &str, msg: String) {
        if self.error.is_none() {
            self.error = Some((class.into(), msg));
        }
    }

    /// A finished node goes into its parent (or is the document).
    fn put(&mut self, v: Value) {
        match self.stack.last_mut() {
            Some(Open::Seq(items, _)) => items.push(v),
            Some(Open::Map(pairs, key, _)) => match key.take() {
                None => *key = Some(v),
                Some(k) => {
                    if k.as_text().as_deref() == Some("<<") && !matches!(k, Value::Sym(_)) {
                        // `<<: *defaults`: the merged hash's entries, overriding.
                        let merged: Vec<Value> = match &v {
                            Value::Array(a) => a.borrow().clone(),
                            other => vec![other.clone()],
                        };
                        for m in merged {
                            if let Value::Hash(h) = m {
                                for (mk, mv) in h.borrow().iter() {
                                    hash_set(pairs, mk.clone(), mv.clone());
                                }
                            }
                        }
                    } else {
                        // A key given twice keeps its last value (Hash#[]=).
                        hash_set(pairs, k, v);
                    }
                }
            },
            None => {
                if self.doc.is_none() {
                    self.doc = Some(v);
                }
            }
        }
    }

    fn anchor(&mut self, name: Option<String>, v: &Value) {
        if let Some(name) = name {
            self.anchors.push((name, v.clone()));
        }
    }

    fn scalar(&mut self, s: String, style: ScalarStyle, tagged: bool) -> Value {
        if style != ScalarStyle::Plain || tagged {
            return Value::str(s);
        }
        match s.as_str() {
            "" | "~" | "null" | "Null" | "NULL" => return Value::Nil,
            "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Value::Bool(true),
            "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Value::Bool(false),
            ".inf" | ".Inf" | ".INF" | "+.inf" => return Value::Float(f64::INFINITY),
            "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
            ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
            _ => {}
        }
        if let Some(i) = integer(&s) {
            return Value::Int(i);
        }
        if is_float(&s) {
            if let Ok(f) = s.replace('_', "").parse::<f64>() {
                return Value::Float(f);
            }
        }
        if let Some(sym) = s.strip_prefix(':').filter(|r| !r.is_empty()) {
            if self.allow.symbols {
                let sym = sym.trim_matches('"').trim_matches('\'');
                return Value::sym(sym);
            }
            self.fail(
                "Psych::DisallowedClass",
                "Tried to load unspecified class: Symbol".into(),
            );
        }
        Value::str(s)
    }
}

impl Builder {
    fn event(&mut self, data: EventData) {
        match data {
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                let v = self.scalar(value, style, tag.is_some());
                self.anchor(anchor, &v);
                self.put(v);
            }
            EventData::SequenceStart { anchor, .. } => self.open(Open::Seq(Vec::new(), anchor)),
            EventData::MappingStart { anchor, .. } => self.open(Open::Map(Vec::new(), None, anchor)),
            EventData::SequenceEnd | EventData::MappingEnd => {
                let (v, anchor) = match self.stack.pop() {
                    Some(Open::Seq(items, a)) => (Value::array(items), a),
                    Some(Open::Map(pairs, _, a)) => (Value::hash(pairs), a),
                    None => return,
                };
                self.anchor(anchor, &v);
                self.put(v);
            }
            EventData::Alias { anchor } => {
                if !self.allow.aliases {
                    self.fail("Psych::BadAlias", format!("Unknown alias: {anchor}"));
                    return;
                }
                // The anchored object itself, as Psych gives it (not a copy).
                match self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == anchor)
                    .map(|(_, v)| v.clone())
                {
                    Some(v) => self.put(v),
                    None => self.fail("Psych::BadAlias", format!("Unknown alias: {anchor}")),
                }
            }
            _ => {}
        }
    }

    fn open(&mut self, o: Open) {
        if self.stack.len() >= MAX_DEPTH {
            self.fail(
                "SystemStackError",
                format!("stack level too deep (YAML nested more than {MAX_DEPTH} levels)"),
            );
            return;
        }
        self.stack.push(o);
    }
}

/// Psych's integer forms: `12`, `-1_000`, `1,000`, `0x1f`, `0b101`, `017`, `0o17`.
fn integer(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let clean: String = body.chars().filter(|c| *c != '_' && *c != ',').collect();
    let v = if let Some(h) = clean.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(b) = clean.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()?
    } else if let Some(o) = clean.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if clean.len() > 1 && clean.starts_with('0') {
        i64::from_str_radix(&clean[1..], 8).ok()?
    } else {
        if !clean.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        clean.parse().ok()?
    };
    Some(if neg { -v } else { v })
}

/// Psych's float form: digits with a `.` and/or an exponent.
fn is_float(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit() || c == '_');
    let m_ok = match mantissa.split_once('.') {
        Some((a, b)) => (a.is_empty() || digits(a)) && (b.is_empty() || digits(b)) && !(a.is_empty() && b.is_empty()),
        None => exp.is_some() && digits(mantissa),
    };
    let e_ok = exp.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    m_ok && e_ok && (t.contains('.') || exp.is_some())
}
