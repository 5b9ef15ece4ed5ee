//! Ruby core methods real Vagrantfiles use, and the modules they call (`File`,
//! `Dir`, `ENV`, `YAML`, `JSON`, `Vagrant`). Files are read only inside the project.

use super::eval::{Blk, Flow, Interp, R};
use super::value::*;
use crate::diagnostic::{Severity, Span};
use std::cmp::Ordering;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// Modules and classes a Vagrantfile may name.
pub fn known_module(name: &str) -> Option<&'static str> {
    const KNOWN: [&str; 39] = [
        "IO",
        "Open3",
        "Process",
        "Net",
        "Net::HTTP",
        "Socket",
        "URI",
        "Vagrant",
        "Vagrant::Config",
        "Vagrant::Util::Platform",
        "File",
        "Dir",
        "ENV",
        "YAML",
        "Psych",
        "JSON",
        "Kernel",
        "Object",
        "String",
        "Integer",
        "Float",
        "Numeric",
        "Array",
        "Hash",
        "Symbol",
        "NilClass",
        "TrueClass",
        "FalseClass",
        "Proc",
        "Regexp",
        "Range",
        "StandardError",
        "RuntimeError",
        "ArgumentError",
        "KeyError",
        "LoadError",
        "Errno::ENOENT",
        "RbConfig",
        "Exception",
    ];
    KNOWN.iter().copied().find(|k| *k == name)
}

/// Constants that describe the host Vagrant runs on, as on a Linux host.
pub fn host_constant(name: &str) -> Option<Value> {
    match name {
        "RUBY_PLATFORM" => Some(Value::str("x86_64-linux-gnu")),
        _ => None,
    }
}

/// `A::B` constants with values.
pub fn module_constant(full: &str) -> Option<Value> {
    match full {
        "Vagrant::VERSION" => Some(Value::str("2.3.4")),
        "File::SEPARATOR" => Some(Value::str("/")),
        "Vagrant::Config" | "Vagrant::Util::Platform" | "Errno::ENOENT" => Some(Value::Module(Rc::from(full))),
        "Vagrant::Util" => Some(Value::Module(Rc::from("Vagrant::Util"))),
        _ => None,
    }
}

/// Ruby's `String#succ` for the simple cases (`"a"` -> `"b"`, `"az"` -> `"ba"`, `"9"` -> `"10"`).
pub fn str_succ(s: &str) -> String {
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

/// Lexically normalise a path (`a/./b/../c` -> `a/c`), as `File.expand_path` does.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Ruby's `sprintf` for the directives Vagrantfiles use.
pub fn sprintf(fmt: &str, args: &[Value]) -> Result<String, String> {
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

/// A YAML document as Ruby's `YAML.load` gives it (keys `:x` become symbols).
fn yaml_value(y: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match y {
        Yaml::Real(s) => s.parse().map(Value::Float).unwrap_or(Value::Nil),
        Yaml::Integer(i) => Value::Int(*i),
        Yaml::String(s) => match s.strip_prefix(':') {
            Some(sym) if !sym.is_empty() && !sym.contains(' ') => Value::sym(sym),
            _ => Value::str(s.clone()),
        },
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::array(a.iter().map(yaml_value).collect()),
        Yaml::Hash(h) => Value::hash(h.iter().map(|(k, v)| (yaml_value(k), yaml_value(v))).collect()),
        _ => Value::Nil,
    }
}

fn json_value(j: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match j {
        J::Null => Value::Nil,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => n
            .as_i64()
            .map(Value::Int)
            .unwrap_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0))),
        J::String(s) => Value::str(s.clone()),
        J::Array(a) => Value::array(a.iter().map(json_value).collect()),
        J::Object(o) => Value::hash(o.iter().map(|(k, v)| (Value::str(k.clone()), json_value(v))).collect()),
    }
}

/// A Ruby value as JSON (symbols become strings; unknowns become null).
pub fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Nil | Value::Unknown(_) | Value::Proc(_) | Value::Object(_) => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Str(_) | Value::Sym(_) | Value::Module(_) | Value::Regex(_) | Value::Range(_) => J::String(v.to_s()),
        Value::Array(a) => J::Array(a.borrow().iter().map(to_json).collect()),
        Value::Hash(h) => J::Object(h.borrow().iter().map(|(k, v)| (k.to_s(), to_json(v))).collect()),
    }
}

impl Interp {
    fn unsupported_call(&mut self, sp: Span, recv: &str, name: &str) -> R {
        let what = format!("`{recv}{name}`");
        Ok(self.not_evaluated(
            sp,
            &what,
            "puppetlift does not model this method; its result is unknown",
        ))
    }

    fn raise(&mut self, class: &str, msg: impl Into<String>, sp: Span) -> R {
        Err(Flow::Raise(class.to_string(), msg.into(), sp))
    }

    /// A path inside the project, or a diagnostic.
    fn project_path(&mut self, p: &str, sp: Span) -> Option<PathBuf> {
        let base = Path::new(&self.file_abs)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        let abs = normalize(&base.join(p));
        let real = abs.canonicalize().unwrap_or_else(|_| abs.clone());
        let root = self.root.canonicalize().unwrap_or_else(|_| self.root.clone());
        if real.starts_with(&root) {
            Some(abs)
        } else {
            let what = format!("reading `{p}`, outside the project directory,");
            self.not_evaluated(
                sp,
                &what,
                "puppetlift reads only files inside the project; the value is unknown",
            );
            None
        }
    }

    fn read_project_file(&mut self, p: &str, sp: Span) -> Result<Option<String>, Flow> {
        let Some(path) = self.project_path(p, sp) else {
            return Ok(None);
        };
        match std::fs::read_to_string(&path) {
            Ok(t) => {
                self.check_size(t.len(), sp)?;
                Ok(Some(t))
            }
            Err(e) => Err(Flow::Raise("Errno::ENOENT".into(), format!("{p}: {e}"), sp)),
        }
    }

    /// Methods called without a receiver.
    pub(super) fn kernel(&mut self, this: &Value, name: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        match name {
            "puts" | "print" | "p" | "pp" | "warn" | "sleep" | "at_exit" | "srand" => Ok(Value::Nil),
            "require" => Ok(Value::Bool(true)),
            "require_relative" | "load" => {
                let Some(rel) = args.first().and_then(Value::as_text) else {
                    return Ok(Value::Nil);
                };
                let rel = if name == "require_relative" && !rel.ends_with(".rb") {
                    format!("{rel}.rb")
                } else {
                    rel
                };
                let Some(path) = self.project_path(&rel, sp) else {
                    return Ok(Value::Nil);
                };
                if name == "require_relative" && !self.loaded.insert(path.clone()) {
                    return Ok(Value::Bool(false));
                }
                let text = match std::fs::read_to_string(&path) {
                    Ok(t) => t,
                    Err(e) => return self.raise("LoadError", format!("cannot load such file -- {rel}: {e}"), sp),
                };
                let display = self.display_path(&path);
                let scope = Interp::new_scope(None);
                match self.run_file(&path, &display, text, &scope) {
                    Ok(_) => Ok(Value::Bool(true)),
                    Err(Flow::Stop) => Err(Flow::Stop),
                    Err(e) => Err(e),
                }
            }
            "format" | "sprintf" => self.format_call(&args, sp),
            "raise" | "fail" => {
                let (class, msg) = match (args.first(), args.get(1)) {
                    (Some(Value::Module(m)), Some(v)) => (m.to_string(), v.to_s()),
                    (Some(Value::Module(m)), None) => (m.to_string(), m.to_string()),
                    (Some(v), _) => ("RuntimeError".to_string(), v.to_s()),
                    (None, _) => ("RuntimeError".to_string(), "unhandled exception".to_string()),
                };
                Err(Flow::Raise(class, msg, sp))
            }
            "abort" | "exit" | "exit!" => {
                let msg = args.first().map(|v| v.to_s()).unwrap_or_default();
                Err(Flow::Raise("SystemExit".into(), msg, sp))
            }
            "lambda" | "proc" => match blk {
                Some(Blk::Closure(c)) => Ok(Value::Proc(Rc::new(Closure {
                    body: c.body.clone(),
                    scope: c.scope.clone(),
                    file: c.file.clone(),
                    this: c.this.clone(),
                    lambda: name == "lambda",
                }))),
                _ => self.raise("ArgumentError", "tried to create Proc object without a block", sp),
            },
            "loop" => {
                let Some(b) = blk else { return Ok(Value::Nil) };
                loop {
                    match self.call_block(&b, vec![], sp) {
                        Ok(_) => {}
                        Err(Flow::Break(v)) => return Ok(v),
                        Err(Flow::Raise(c, _, _)) if c == "StopIteration" => return Ok(Value::Nil),
                        Err(e) => return Err(e),
                    }
                }
            }
            "block_given?" => Ok(Value::Bool(self.block_stack.last().is_some_and(|b| b.is_some()))),
            "Integer" | "Float" | "String" | "Array" => {
                let v = args.first().cloned().unwrap_or(Value::Nil);
                let conv = match name {
                    "Integer" => "to_i",
                    "Float" => "to_f",
                    "String" => "to_s",
                    _ => "to_a",
                };
                if name == "Array" {
                    return Ok(match v {
                        Value::Array(_) => v,
                        Value::Nil => Value::array(vec![]),
                        other => Value::array(vec![other]),
                    });
                }
                if name == "Integer" {
                    if let Value::Str(s) = &v {
                        if s.borrow().trim().parse::<i64>().is_err() {
                            let msg = format!("invalid value for Integer(): {}", v.inspect());
                            return self.raise("ArgumentError", msg, sp);
                        }
                    }
                }
                self.builtin(v, conv, vec![], None, sp)
            }
            "binding" | "system" | "exec" | "spawn" | "fork" | "open" | "eval" | "instance_eval" | "class_eval"
            | "syscall" | "trap" | "caller" | "rand" | "gets" | "select" | "autoload" => {
                let what = format!("`{name}`");
                let assumed = match name {
                    "system" | "exec" | "spawn" | "fork" => {
                        "puppetlift never runs commands from a Vagrantfile; the result is unknown"
                    }
                    "eval" | "instance_eval" | "class_eval" => {
                        "only `eval File.read(...)` of a file inside the project is evaluated; the result is unknown"
                    }
                    "rand" => "random values would make the conversion change from run to run; the value is unknown",
                    _ => "the result is unknown",
                };
                Ok(self.not_evaluated(sp, &what, assumed))
            }
            "send" | "public_send" | "__send__" => {
                let mut it = args.into_iter();
                let m = it.next().and_then(|v| v.as_text()).unwrap_or_default();
                self.call(None, this, &m, it.collect(), blk, sp)
            }
            "freeze" | "itself" => Ok(this.clone()),
            _ => {
                let msg = format!("undefined local variable or method `{name}`");
                self.note(
                    Severity::Warning,
                    "vagrant-not-evaluated",
                    sp,
                    msg,
                    Some("puppetlift does not know this method (is it from a plugin or a file it did not read?); the value is unknown"),
                );
                Ok(Value::Unknown(Rc::from(name)))
            }
        }
    }

    fn format_call(&mut self, args: &[Value], sp: Span) -> R {
        let Some(fmt) = args.first().and_then(Value::as_text) else {
            return Ok(Value::str(""));
        };
        match sprintf(&fmt, &args[1..]) {
            Ok(s) => Ok(Value::str(s)),
            Err(e) => self.raise("ArgumentError", e, sp),
        }
    }

    /// Calls on modules: `File.join`, `ENV["X"]`, `Vagrant.configure`, ...
    pub(super) fn module_call(&mut self, m: &str, name: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        let full = format!("{m}.{name}");
        if let Some(def) = self.methods.iter().find(|(n, _)| *n == full).map(|(_, d)| d.clone()) {
            return self.call_method_def(&def, &Value::Module(Rc::from(m)), args, blk, sp);
        }
        let text = |i: usize| args.get(i).and_then(Value::as_text);
        match (m, name) {
            ("Vagrant", "configure") | ("Vagrant::Config", "run") => {
                let version = if m == "Vagrant" {
                    text(0).unwrap_or_else(|| "2".into())
                } else {
                    "1".into()
                };
                if version != "1" && version != "2" {
                    let msg = format!("configuration version {version:?} is not one Vagrant knows (\"1\" or \"2\")");
                    self.note(Severity::Error, "vagrant-config-version", sp, msg, None);
                    return Ok(Value::Nil);
                }
                if let Some(Blk::Closure(c)) = blk {
                    self.configures.push((version, c));
                }
                Ok(Value::Nil)
            }
            ("Vagrant", "require_version") | ("Vagrant", "require_plugin") => Ok(Value::Nil),
            ("Vagrant", "has_plugin?") => {
                let p = text(0).unwrap_or_default();
                let has = self.opts.plugins.contains(&p);
                if !has {
                    let msg = format!("Vagrant.has_plugin?({p:?}) was taken as false");
                    self.note(
                        Severity::Info,
                        "vagrant-plugin",
                        sp,
                        msg,
                        Some("pass --plugin NAME if your team installs this plugin and its settings matter"),
                    );
                }
                Ok(Value::Bool(has))
            }
            ("Vagrant", "version?") => Ok(Value::Bool(true)),
            ("Vagrant::Util::Platform", "windows?" | "cygwin?" | "wsl?") => Ok(Value::Bool(false)),
            ("Vagrant::Util::Platform", "darwin?" | "linux?" | "platform") => {
                let what = format!("`Vagrant::Util::Platform.{name}` (the host's platform)");
                Ok(self.not_evaluated(
                    sp,
                    &what,
                    "the machines must not depend on the laptop that converts them; the value is unknown",
                ))
            }
            ("ENV", "[]") | ("ENV", "fetch") | ("ENV", "key?") | ("ENV", "has_key?") | ("ENV", "include?") => {
                let key = text(0).unwrap_or_default();
                let found = self.env_value(&key);
                match name {
                    "key?" | "has_key?" | "include?" => Ok(Value::Bool(found.is_some())),
                    "[]" => Ok(found.unwrap_or_else(|| {
                        self.env_missing(&key, sp, "nil was used (the `||` default, if any, applies)");
                        Value::Nil
                    })),
                    _ => match found {
                        Some(v) => Ok(v),
                        None => match (args.get(1), &blk) {
                            (Some(d), _) => {
                                self.env_missing(&key, sp, "the default given to ENV.fetch was used");
                                Ok(d.clone())
                            }
                            (None, Some(b)) => {
                                self.env_missing(&key, sp, "the block given to ENV.fetch was used");
                                self.call_block(b, vec![Value::str(key)], sp)
                            }
                            (None, None) => {
                                let what = format!("ENV.fetch({key:?}) (it is not set and has no default)");
                                Ok(self.not_evaluated(sp, &what, "pass --env KEY=VALUE; the value is unknown"))
                            }
                        },
                    },
                }
            }
            ("ENV", "[]=" | "store") => {
                if let (Some(k), Some(v)) = (text(0), args.get(1)) {
                    self.env_overrides.retain(|(n, _)| *n != k);
                    self.env_overrides.push((k, v.clone()));
                }
                Ok(args.get(1).cloned().unwrap_or(Value::Nil))
            }
            ("ENV", "to_h") => Ok(Value::hash(
                self.env_overrides
                    .iter()
                    .map(|(k, v)| (Value::str(k.clone()), v.clone()))
                    .collect(),
            )),
            ("File", "dirname") => {
                let p = text(0).unwrap_or_default();
                let d = Path::new(&p)
                    .parent()
                    .map(|x| x.display().to_string())
                    .unwrap_or_default();
                Ok(Value::str(if d.is_empty() { ".".into() } else { d }))
            }
            ("File", "basename") => {
                let p = text(0).unwrap_or_default();
                let mut b = Path::new(&p)
                    .file_name()
                    .map(|x| x.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if let Some(ext) = text(1) {
                    if ext == ".*" {
                        if let Some(i) = b.rfind('.').filter(|&i| i > 0) {
                            b.truncate(i);
                        }
                    } else if let Some(s) = b.strip_suffix(&ext) {
                        b = s.to_string();
                    }
                }
                Ok(Value::str(b))
            }
            ("File", "extname") => {
                let p = text(0).unwrap_or_default();
                Ok(Value::str(
                    Path::new(&p)
                        .extension()
                        .map(|e| format!(".{}", e.to_string_lossy()))
                        .unwrap_or_default(),
                ))
            }
            ("File", "join") => {
                let mut parts = Vec::new();
                for a in &args {
                    match a {
                        Value::Array(x) => parts.extend(x.borrow().iter().map(|v| v.to_s())),
                        v => parts.push(v.to_s()),
                    }
                }
                let mut out = String::new();
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 && !out.ends_with('/') && !p.starts_with('/') {
                        out.push('/');
                    }
                    if i > 0 && out.ends_with('/') && p.starts_with('/') {
                        out.push_str(&p[1..]);
                    } else {
                        out.push_str(p);
                    }
                }
                Ok(Value::str(out))
            }
            ("File", "expand_path" | "absolute_path") => {
                let p = text(0).unwrap_or_default();
                let base = match text(1) {
                    Some(b) => PathBuf::from(b),
                    None => self.root.clone(),
                };
                if p.starts_with('~') {
                    let what = "a path under the home directory (`~`)";
                    return Ok(self.not_evaluated(
                        sp,
                        what,
                        "the value is unknown: it depends on who converts the project",
                    ));
                }
                let base = if base.is_absolute() {
                    base
                } else {
                    normalize(&self.root.join(base))
                };
                Ok(Value::str(normalize(&base.join(&p)).display().to_string()))
            }
            ("File", "exist?" | "exists?" | "file?" | "directory?" | "readable?") | ("Dir", "exist?" | "exists?") => {
                let p = text(0).unwrap_or_default();
                let Some(path) = self.project_path(&p, sp) else {
                    return Ok(Value::Unknown(Rc::from("a path outside the project")));
                };
                Ok(Value::Bool(match name {
                    "file?" => path.is_file(),
                    "directory?" => path.is_dir(),
                    _ if m == "Dir" => path.is_dir(),
                    _ => path.exists(),
                }))
            }
            ("File", "read" | "readlines" | "open") if name != "open" || blk.is_none() => {
                let p = text(0).unwrap_or_default();
                match self.read_project_file(&p, sp)? {
                    Some(t) => {
                        if let Some(path) = self.project_path(&p, sp) {
                            self.read_files.push((path, t.clone()));
                        }
                        if name == "readlines" {
                            Ok(Value::array(t.split_inclusive('\n').map(Value::str).collect()))
                        } else {
                            Ok(Value::str(t))
                        }
                    }
                    None => Ok(Value::Unknown(Rc::from("a file outside the project"))),
                }
            }
            ("Dir", "[]" | "glob") => {
                let mut out = Vec::new();
                let base = Path::new(&self.file_abs)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| self.root.clone());
                for pat in args.iter().filter_map(Value::as_text) {
                    if pat.starts_with('/') || pat.contains("..") {
                        let what = format!("`Dir[{pat:?}]`, outside the project,");
                        return Ok(self.not_evaluated(sp, &what, "the list is unknown"));
                    }
                    let mut found = glob_in(&base, &pat);
                    found.sort();
                    out.extend(found.into_iter().map(Value::str));
                }
                Ok(Value::array(out))
            }
            ("Dir", "pwd" | "getwd") => Ok(Value::str(self.root.display().to_string())),
            ("YAML" | "Psych", "load_file" | "safe_load_file" | "load" | "safe_load" | "unsafe_load") => {
                let text = if name.ends_with("file") {
                    match self.read_project_file(&text(0).unwrap_or_default(), sp)? {
                        Some(t) => t,
                        None => return Ok(Value::Unknown(Rc::from("a file outside the project"))),
                    }
                } else {
                    text(0).unwrap_or_default()
                };
                let symbolize = args
                    .iter()
                    .any(|o| o.hash_get_name("symbolize_names").is_some_and(|v| v.truthy()));
                match yaml_rust2::YamlLoader::load_from_str(&text) {
                    Ok(docs) => {
                        let v = docs.first().map(yaml_value).unwrap_or(Value::Bool(false));
                        Ok(if symbolize { symbolize_keys(&v) } else { v })
                    }
                    Err(e) => self.raise("Psych::SyntaxError", e.to_string(), sp),
                }
            }
            ("JSON", "parse" | "load") => {
                let t = text(0).unwrap_or_default();
                let symbolize = args
                    .get(1)
                    .and_then(|o| o.hash_get_name("symbolize_names"))
                    .is_some_and(|v| v.truthy());
                match serde_json::from_str::<serde_json::Value>(&t) {
                    Ok(j) => {
                        let v = json_value(&j);
                        Ok(if symbolize { symbolize_keys(&v) } else { v })
                    }
                    Err(e) => self.raise("JSON::ParserError", e.to_string(), sp),
                }
            }
            ("JSON", "load_file") => {
                let t = match self.read_project_file(&text(0).unwrap_or_default(), sp)? {
                    Some(t) => t,
                    None => return Ok(Value::Unknown(Rc::from("a file outside the project"))),
                };
                match serde_json::from_str::<serde_json::Value>(&t) {
                    Ok(j) => Ok(json_value(&j)),
                    Err(e) => self.raise("JSON::ParserError", e.to_string(), sp),
                }
            }
            ("JSON", "generate" | "dump" | "pretty_generate") => {
                let v = args.first().map(to_json).unwrap_or(serde_json::Value::Null);
                Ok(Value::str(v.to_string()))
            }
            (_, "new") if m == "Hash" => Ok(Value::hash(vec![])),
            (_, "new") if m == "Array" => {
                let n = int_arg(&args, 0).unwrap_or(0).max(0) as usize;
                self.check_size(n, sp)?;
                Ok(Value::array(vec![args.get(1).cloned().unwrap_or(Value::Nil); n]))
            }
            (_, "new") if m == "String" => Ok(Value::str(text(0).unwrap_or_default())),
            (_, "new") if m == "Proc" => match blk {
                Some(Blk::Closure(c)) => Ok(Value::Proc(c)),
                _ => self.raise("ArgumentError", "tried to create Proc object without a block", sp),
            },
            ("IO" | "Open3" | "Process" | "Kernel", _) => {
                let what = format!("`{m}.{name}`");
                Ok(self.not_evaluated(
                    sp,
                    &what,
                    "puppetlift never runs commands or inspects processes from a Vagrantfile; the value is unknown",
                ))
            }
            ("Net" | "Net::HTTP" | "Socket" | "URI", _) => {
                let what = format!("`{m}.{name}`");
                Ok(self.not_evaluated(
                    sp,
                    &what,
                    "puppetlift never uses the network while reading a Vagrantfile; the value is unknown",
                ))
            }
            (_, "===") => Ok(Value::Bool(args.first().is_some_and(|v| is_a(v, m)))),
            (_, "name" | "to_s") => Ok(Value::str(m)),
            _ => {
                let recv = format!("{m}.");
                self.unsupported_call(sp, &recv, name)
            }
        }
    }

    fn env_value(&self, key: &str) -> Option<Value> {
        if let Some((_, v)) = self.env_overrides.iter().find(|(k, _)| k == key) {
            return Some(v.clone());
        }
        if let Some((_, v)) = self.opts.env.iter().find(|(k, _)| k == key) {
            return Some(Value::str(v.clone()));
        }
        if self.opts.env_from_process {
            return std::env::var(key).ok().map(Value::str);
        }
        None
    }

    fn env_missing(&mut self, key: &str, sp: Span, what: &str) {
        let msg = format!("ENV[{key:?}] is not given to puppetlift: {what}");
        self.note(
            Severity::Info,
            "vagrant-env",
            sp,
            msg,
            Some("pass --env KEY=VALUE (or --env-from-process) to convert with the value your team sets"),
        );
    }

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
            "dup" | "clone" => return Ok(v.deep_copy()),
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

    fn no_method(&mut self, v: &Value, name: &str, sp: Span) -> R {
        let recv = format!("{}#", v.class_name());
        self.unsupported_call(sp, &recv, name)
    }

    /// `=~` semantics: the match offset and captures; sets `$1`..`$9`.
    fn regex_match(&mut self, re: &Regex, s: &str) -> Option<(usize, Vec<Value>)> {
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

    fn numeric(&mut self, v: Value, name: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
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

    fn string_method(&mut self, v: Value, name: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
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

fn symbolize_keys(v: &Value) -> Value {
    match v {
        Value::Hash(h) => Value::hash(
            h.borrow()
                .iter()
                .map(|(k, v)| (k.as_text().map_or(k.clone(), |t| Value::sym(&t)), symbolize_keys(v)))
                .collect(),
        ),
        Value::Array(a) => Value::array(a.borrow().iter().map(symbolize_keys).collect()),
        other => other.clone(),
    }
}

/// `is_a?` against a class name.
pub fn is_a(v: &Value, class: &str) -> bool {
    let own = v.class_name();
    own == class
        || class == "Object"
        || class == "BasicObject"
        || (class == "Numeric" && matches!(v, Value::Int(_) | Value::Float(_)))
        || (class == "Enumerable" && matches!(v, Value::Array(_) | Value::Hash(_) | Value::Range(_)))
        || (class == "Comparable" && matches!(v, Value::Int(_) | Value::Float(_) | Value::Str(_)))
}

/// Files matching a glob relative to `base` (`*`, `?`, `**`, `{a,b}`), inside `base`.
fn glob_in(base: &Path, pat: &str) -> Vec<String> {
    // Expand braces first.
    if let (Some(a), Some(b)) = (pat.find('{'), pat.find('}')) {
        if a < b {
            return pat[a + 1..b]
                .split(',')
                .flat_map(|alt| glob_in(base, &format!("{}{}{}", &pat[..a], alt, &pat[b + 1..])))
                .collect();
        }
    }
    let mut re = String::from("^");
    let mut chars = pat.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                if chars.peek() == Some(&'/') {
                    chars.next();
                    re.push_str("(?:.*/)?");
                } else {
                    re.push_str(".*");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    let Ok(re) = regex::Regex::new(&re) else { return vec![] };
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(base).max_depth(8).into_iter().flatten() {
        if let Ok(rel) = e.path().strip_prefix(base) {
            let rel = rel.display().to_string();
            if !rel.is_empty() && re.is_match(&rel) {
                out.push(rel);
            }
        }
    }
    out
}
