//! Kernel: the methods a Vagrantfile calls without a receiver (`require`,
//! `format`, `raise`, `loop`, `lambda`, conversions), and the names of the
//! modules and constants it may refer to.

use super::strings::sprintf;
use super::value::*;
use super::{Blk, Flow, Interp, R};
use crate::diagnostic::{Severity, Span};
use std::rc::Rc;

/// Modules and classes a Vagrantfile may name.
pub(super) fn known_module(name: &str) -> Option<&'static str> {
    const KNOWN: &[&str] = &[
        "Struct",
        "OpenStruct",
        "Set",
        "IO",
        "SecureRandom",
        "FileUtils",
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
        "Errno",
        "Marshal",
        "Errno::ENOENT",
        "Errno::EACCES",
        "Errno::EEXIST",
        "Errno::EISDIR",
        "Errno::ENOTDIR",
        "SystemCallError",
        "IOError",
        "TypeError",
        "NameError",
        "NoMethodError",
        "RbConfig",
        "Exception",
    ];
    KNOWN.iter().copied().find(|k| *k == name)
}

/// Constants that describe the host Vagrant runs on (`--host`).
pub(super) fn host_constant(name: &str, host: super::Host) -> Option<Value> {
    match name {
        "RUBY_PLATFORM" => Some(Value::str(host.ruby_platform())),
        "RUBY_VERSION" => Some(Value::str("3.1.2")),
        "RUBY_ENGINE" => Some(Value::str("ruby")),
        "RbConfig::CONFIG" => Some(Value::hash(vec![
            (Value::str("host_os"), Value::str(host.host_os())),
            (Value::str("arch"), Value::str(host.ruby_platform())),
            (Value::str("ruby_version"), Value::str("3.1.0")),
            (
                Value::str("EXEEXT"),
                Value::str(if host == super::Host::Windows { ".exe" } else { "" }),
            ),
        ])),
        _ => None,
    }
}

/// `A::B` constants with values.
pub(super) fn module_constant(full: &str) -> Option<Value> {
    match full {
        "Vagrant::VERSION" => Some(Value::str("2.3.4")),
        "File::SEPARATOR" => Some(Value::str("/")),
        "File::PATH_SEPARATOR" => Some(Value::str(":")),
        "File::ALT_SEPARATOR" => Some(Value::Nil),
        // File::Constants, as Linux defines them (open modes).
        "File::RDONLY" | "File::BINARY" | "File::Constants::RDONLY" => Some(Value::Int(0)),
        "File::WRONLY" | "File::Constants::WRONLY" => Some(Value::Int(1)),
        "File::RDWR" | "File::Constants::RDWR" => Some(Value::Int(2)),
        "File::CREAT" => Some(Value::Int(64)),
        "File::EXCL" => Some(Value::Int(128)),
        "File::TRUNC" => Some(Value::Int(512)),
        "File::APPEND" => Some(Value::Int(1024)),
        "File::NONBLOCK" => Some(Value::Int(2048)),
        "Vagrant::Config" | "Vagrant::Util::Platform" | "Errno::ENOENT" => Some(Value::Module(Rc::from(full))),
        "Vagrant::Util" => Some(Value::Module(Rc::from("Vagrant::Util"))),
        _ => None,
    }
}

impl Interp {
    pub(in crate::vagrant) fn unsupported_call(&mut self, sp: Span, recv: &str, name: &str) -> R {
        let what = format!("`{recv}{name}`");
        Ok(self.not_evaluated(
            sp,
            &what,
            "puppetlift does not model this method; its result is unknown",
        ))
    }

    pub(super) fn raise(&mut self, class: &str, msg: impl Into<String>, sp: Span) -> R {
        Err(Flow::Raise(class.to_string(), msg.into(), sp))
    }

    /// Methods called without a receiver.
    pub(in crate::vagrant) fn kernel(
        &mut self,
        this: &Value,
        name: &str,
        args: Vec<Value>,
        blk: Option<Blk>,
        sp: Span,
    ) -> R {
        match name {
            "puts" | "print" | "p" | "pp" | "warn" | "sleep" | "at_exit" | "srand" => Ok(Value::Nil),
            // `require 'yaml'` names a library (a no-op here); a path
            // (`require File.dirname(__FILE__) + "/tools/helper"`, `./lib/x`)
            // names a file, which Ruby loads once, as `require_relative` does.
            "require"
                if !args
                    .first()
                    .and_then(Value::as_text)
                    .is_some_and(|p| p.starts_with('/') || p.starts_with("./") || p.starts_with("../")) =>
            {
                Ok(Value::Bool(true))
            }
            "require" | "require_relative" | "load" => {
                let Some(rel) = args.first().and_then(Value::as_text) else {
                    return Ok(Value::Nil);
                };
                let once = name != "load";
                let rel = if once && !rel.ends_with(".rb") {
                    format!("{rel}.rb")
                } else {
                    rel
                };
                let Some(path) = self.project_path(&rel, sp) else {
                    return Ok(Value::Nil);
                };
                if once && !self.loaded.insert(path.clone()) {
                    return Ok(Value::Bool(false));
                }
                let text = match self.read_file(&path, &rel, sp)? {
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
                    outer_block: c.outer_block.clone(),
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
            _ if self.dsl.as_ref().is_some_and(|d| d.methods.contains(&name)) => {
                let file = self.file.clone();
                if let Some(d) = self.dsl.as_mut() {
                    d.calls.push((name.to_string(), args, file, sp));
                }
                Ok(Value::Nil)
            }
            _ => {
                // A Puppetfile's DSL object answers every other call with an
                // error (r10k's "unrecognized declaration"): recorded in order.
                let file = self.file.clone();
                if let Some(d) = self.dsl.as_mut() {
                    d.calls.push((name.to_string(), args, file, sp));
                }
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

    pub(super) fn format_call(&mut self, args: &[Value], sp: Span) -> R {
        let Some(fmt) = args.first().and_then(Value::as_text) else {
            return Ok(Value::str(""));
        };
        match sprintf(&fmt, &args[1..]) {
            Ok(s) => Ok(Value::str(s)),
            Err(e) => self.raise("ArgumentError", e, sp),
        }
    }
}
