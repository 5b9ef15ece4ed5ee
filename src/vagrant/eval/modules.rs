//! The modules real Vagrantfiles call: `File`, `Dir`, `ENV`, `YAML`, `JSON`,
//! `Vagrant`. Files are read only inside the project.

use super::objects::{int_arg, is_a};
use super::value::*;
use super::{Blk, Flow, Interp, R};
use crate::diagnostic::{Severity, Span};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// Lexically normalise a path (`a/./b/../c` -> `a/c`), as `File.expand_path` does.
pub(in crate::vagrant) fn normalize(p: &Path) -> PathBuf {
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
pub(in crate::vagrant) fn to_json(v: &Value) -> serde_json::Value {
    super::meter::walk(|| to_json_here(v)).unwrap_or(serde_json::Value::Null)
}

fn to_json_here(v: &Value) -> serde_json::Value {
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

fn symbolize_keys(v: &Value) -> Value {
    super::meter::walk(|| symbolize_here(v)).unwrap_or(Value::Nil)
}

fn symbolize_here(v: &Value) -> Value {
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

/// A glob pattern (`*`, `?`, `**/`, `[a-z]`, `{a,b}`, nested) as a regex over
/// paths relative to where its wildcards begin; alternatives become regex
/// alternation, so a pattern costs what its length does.
fn glob_regex(pat: &str) -> Option<regex::Regex> {
    let mut re = String::from("^");
    let mut chars = pat.chars().peekable();
    let mut braces = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                if chars.peek() == Some(&'/') {
                    chars.next();
                    re.push_str("(?:[^/]*/)*");
                } else {
                    re.push_str("[^/]*");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                let mut class = String::new();
                for d in chars.by_ref() {
                    if d == ']' && !class.is_empty() {
                        break;
                    }
                    class.push(d);
                }
                let class = class.strip_prefix('!').map_or(class.clone(), |c| format!("^{c}"));
                re.push('[');
                re.push_str(&class.replace('\\', "\\\\").replace('[', "\\["));
                re.push(']');
            }
            '{' => {
                braces += 1;
                re.push_str("(?:");
            }
            ',' if braces > 0 => re.push('|'),
            '}' if braces > 0 => {
                braces -= 1;
                re.push(')');
            }
            '\\' => {
                if let Some(d) = chars.next() {
                    re.push_str(&regex::escape(&d.to_string()));
                }
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push_str(&")".repeat(braces));
    re.push('$');
    regex::Regex::new(&re).ok()
}

impl Interp {
    /// A path inside the project, or a diagnostic.
    /// What `Dir[pat]` lists, as Ruby writes the paths (the pattern's own
    /// leading directories, then what matched, sorted); `None` when the
    /// directories the wildcards start in are outside the project.
    fn glob(&self, pat: &str) -> Option<Vec<String>> {
        let wild = |c: &str| c.contains(['*', '?', '[', '{']);
        let parts: Vec<&str> = pat.split('/').collect();
        let fixed = parts
            .iter()
            .take_while(|c| !wild(c))
            .count()
            .min(parts.len().saturating_sub(1));
        let prefix = parts[..fixed].join("/");
        let rest = parts[fixed..].join("/");
        let dir = normalize(&self.file_dir().join(if fixed == 0 {
            "."
        } else if prefix.is_empty() {
            "/"
        } else {
            &prefix
        }));
        if !self.bounds.contains(&dir) {
            return None;
        }
        let re = glob_regex(&rest)?;
        let mut out: Vec<String> = walkdir::WalkDir::new(&dir)
            .min_depth(1)
            .max_depth(if rest.contains("**") {
                32
            } else {
                rest.split('/').count()
            })
            .into_iter()
            .flatten()
            .filter_map(|e| {
                let rel = e.path().strip_prefix(&dir).ok()?.to_str()?.to_string();
                re.is_match(&rel)
                    .then(|| if fixed == 0 { rel } else { format!("{prefix}/{rel}") })
            })
            .collect();
        out.sort();
        Some(out)
    }

    /// The directory of the file being evaluated (relative paths start there).
    pub(super) fn file_dir(&self) -> PathBuf {
        Path::new(self.file_abs())
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone())
    }

    pub(super) fn project_path(&mut self, p: &str, sp: Span) -> Option<PathBuf> {
        let abs = normalize(&self.file_dir().join(p));
        if self.bounds.contains(&abs) {
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
        match self.read_file(&path, p, sp)? {
            Ok(t) => {
                self.check_size(t.len(), sp)?;
                Ok(Some(t))
            }
            Err(e) => Err(Flow::Raise("Errno::ENOENT".into(), format!("{p}: {e}"), sp)),
        }
    }

    /// A project file's text, or the error Ruby would raise for a missing one
    /// (code may rescue it); a file puppetlift refuses to read (too large, not
    /// a regular file, not UTF-8) stops the evaluation with a diagnostic.
    pub(super) fn read_file(&mut self, path: &Path, shown: &str, sp: Span) -> Result<std::io::Result<String>, Flow> {
        if let Err(e) = std::fs::metadata(path) {
            return Ok(Err(e));
        }
        match crate::files::read_text(path) {
            Ok(t) => Ok(Ok(t)),
            Err(d) => {
                let msg = format!("cannot read `{shown}`: {}", d.message);
                self.note(Severity::Error, "unreadable-file", sp, msg, d.help.as_deref());
                Err(Flow::Stop)
            }
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
            ("Vagrant::Util::Platform", "windows?" | "cygwin?" | "wsl?" | "darwin?" | "linux?" | "platform") => {
                // The host is a setting (`--host`, default linux), not the laptop that converts.
                let host = self.opts.host;
                Ok(match name {
                    "windows?" => Value::Bool(host == super::Host::Windows),
                    "darwin?" => Value::Bool(host == super::Host::Darwin),
                    "linux?" => Value::Bool(host == super::Host::Linux),
                    "platform" => Value::str(host.host_os()),
                    _ => Value::Bool(false),
                })
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
                let path = normalize(&self.file_dir().join(&p));
                if !self.bounds.contains(&path) {
                    // Not looked at; and nothing outside the project goes to EC2.
                    self.note(
                        Severity::Warning,
                        "vagrant-not-evaluated",
                        sp,
                        format!("`{m}.{name}` of `{p}`, outside the project directory, was not evaluated"),
                        Some(
                            "puppetlift does not look outside the project, and nothing there is built: taken as false",
                        ),
                    );
                    return Ok(Value::Bool(false));
                }
                Ok(Value::Bool(match name {
                    "file?" => path.is_file(),
                    "directory?" => path.is_dir(),
                    _ if m == "Dir" => path.is_dir(),
                    _ => path.exists(),
                }))
            }
            ("File" | "IO", "read" | "readlines" | "open" | "foreach") => {
                // Opening for writing is a side effect on the host: never done.
                let writes = match args.get(1) {
                    Some(Value::Str(m)) => !m.borrow().starts_with('r') || m.borrow().contains('+'),
                    Some(Value::Int(flags)) => flags & 3 != 0,
                    _ => false,
                };
                if writes {
                    return Ok(self.not_evaluated(
                        sp,
                        &format!("`{m}.{name}` for writing"),
                        "puppetlift never writes files from a Vagrantfile",
                    ));
                }
                let p = text(0).unwrap_or_default();
                if let (Some(b), "open" | "foreach") = (&blk, name) {
                    let Some(t) = self.read_project_file(&p, sp)? else {
                        return Ok(Value::Unknown(Rc::from("a file outside the project")));
                    };
                    if name == "foreach" {
                        for line in t.split_inclusive('\n') {
                            self.call_block(b, vec![Value::str(line)], sp)?;
                        }
                        return Ok(Value::Nil);
                    }
                    return self.call_block(b, vec![Value::str(t)], sp);
                }
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
                for pat in args.iter().filter_map(Value::as_text) {
                    match self.glob(&pat) {
                        Some(found) => out.extend(found.into_iter().map(Value::str)),
                        None => {
                            let what = format!("`Dir[{pat:?}]`, outside the project,");
                            return Ok(self.not_evaluated(sp, &what, "the list is unknown"));
                        }
                    }
                }
                Ok(Value::array(out))
            }
            ("Dir", "pwd" | "getwd") => Ok(Value::str(self.root.display().to_string())),
            (
                "YAML" | "Psych",
                "load_file" | "safe_load_file" | "unsafe_load_file" | "load" | "safe_load" | "unsafe_load",
            ) => {
                // Psych names the file in a syntax error; shown as our diagnostics show paths.
                let file = name
                    .ends_with("file")
                    .then(|| self.display_path(Path::new(&text(0).unwrap_or_default())));
                let text = if file.is_some() {
                    match self.read_project_file(&text(0).unwrap_or_default(), sp)? {
                        Some(t) => t,
                        None => return Ok(Value::Unknown(Rc::from("a file outside the project"))),
                    }
                } else {
                    text(0).unwrap_or_default()
                };
                let option = |key: &str| args.iter().find_map(|o| o.hash_get_name(key));
                let symbolize = option("symbolize_names").is_some_and(|v| v.truthy());
                let unsafe_load = name.starts_with("unsafe");
                // Psych 4: `load` permits Symbol, `safe_load` nothing unless asked; no aliases unless asked.
                let permits_symbol = match option("permitted_classes") {
                    Some(Value::Array(a)) => a.borrow().iter().any(|c| c.to_s() == "Symbol"),
                    _ => !name.starts_with("safe"),
                } || option("permitted_symbols").is_some();
                let allow = super::yaml::Allow {
                    aliases: unsafe_load || option("aliases").is_some_and(|v| v.truthy()),
                    symbols: unsafe_load || permits_symbol,
                };
                match super::yaml::load(&text, file.as_deref(), allow) {
                    Ok(v) => {
                        let v = match v {
                            Value::Bool(false) if name.ends_with("file") && text.trim().is_empty() => Value::Nil,
                            v => v,
                        };
                        Ok(if symbolize { symbolize_keys(&v) } else { v })
                    }
                    Err((class, msg)) => self.raise(&class, msg, sp),
                }
            }
            // The deep-copy idiom `Marshal.load(Marshal.dump(x))`: the dump
            // is kept as a copy of the value, not as bytes.
            ("Marshal", "dump" | "load") => Ok(args.first().map_or(Value::Nil, Value::deep_copy)),
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
            (_, "new") if self.class(m).is_some() => self.instantiate(m, args, blk, sp),
            ("Struct", "new") => self.new_struct(&args, blk, sp),
            ("SecureRandom", "hex" | "uuid" | "alphanumeric" | "base64" | "urlsafe_base64" | "random_number") => {
                // Random on every run; the conversion must be repeatable.
                let n = args
                    .first()
                    .and_then(|a| if let Value::Int(i) = a { Some(*i as usize) } else { None });
                let v = match name {
                    "hex" => Value::str("0".repeat(2 * n.unwrap_or(16).min(1024))),
                    "uuid" => Value::str("00000000-0000-4000-8000-000000000000"),
                    "random_number" => Value::Int(0),
                    _ => Value::str("A".repeat(n.unwrap_or(16).min(1024))),
                };
                self.note(
                    Severity::Info,
                    "vagrant-random-value",
                    sp,
                    format!(
                        "`SecureRandom.{name}` is random; puppetlift used {} so its output is the same on every run",
                        v.inspect()
                    ),
                    Some("set the value explicitly if it names something that must match elsewhere"),
                );
                Ok(v)
            }
            ("OpenStruct", "new") => {
                self.open_struct_class();
                self.instantiate("OpenStruct", args, blk, sp)
            }
            ("Set", "new") => {
                let items = match args.into_iter().next() {
                    Some(Value::Array(a)) => a.borrow().clone(),
                    _ => vec![],
                };
                let mut out: Vec<Value> = Vec::new();
                for i in items {
                    if !out.iter().any(|o| o.equals(&i)) {
                        out.push(i);
                    }
                }
                Ok(Value::array(out))
            }
            (_, "new") if m == "Hash" => Ok(Value::hash(vec![])),
            // `Hash[[[k, v], ...]]`, `Hash[{...}]`, `Hash[k, v, ...]`.
            ("Hash", "[]") => {
                let mut pairs = Vec::new();
                match args.as_slice() {
                    [Value::Hash(h)] => pairs = h.borrow().clone(),
                    [Value::Array(a)] => {
                        for item in a.borrow().iter() {
                            match item {
                                Value::Array(kv) if (1..=2).contains(&kv.borrow().len()) => {
                                    let kv = kv.borrow();
                                    hash_set(&mut pairs, kv[0].clone(), kv.get(1).cloned().unwrap_or(Value::Nil));
                                }
                                _ => {
                                    let msg = format!("wrong element type {} (expected array)", item.class_name());
                                    return Err(Flow::Raise("ArgumentError".into(), msg, sp));
                                }
                            }
                        }
                    }
                    flat if flat.len() % 2 == 0 => {
                        for kv in flat.chunks(2) {
                            hash_set(&mut pairs, kv[0].clone(), kv[1].clone());
                        }
                    }
                    _ => {
                        let msg = "odd number of arguments for Hash".to_string();
                        return Err(Flow::Raise("ArgumentError".into(), msg, sp));
                    }
                }
                Ok(Value::hash(pairs))
            }
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
}
