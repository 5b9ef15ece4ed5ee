//! A structural normal form of a parsed file, that Ruby's own parser (Ripper)
//! can print too (`tests/oracle/ruby_normal_form.rb`), so the two trees can
//! be compared file by file: in source order, every method call (its name,
//! how many arguments, whether it has a block or a block argument), method
//! definition, local, instance and global variable, constant, attribute
//! assignment, and literal (integers by value, strings by their text), each
//! at the line and column of its name or first character.

use super::ast::*;

/// The items of `stmts` (parsed from `src`), sorted by place, one per line:
/// `LINE:COL KIND TEXT`.
pub fn normal_form(src: &str, stmts: &[Node]) -> Vec<String> {
    let mut w = Walk { src, items: Vec::new() };
    w.stmts(stmts);
    let mut items = w.items;
    items.sort();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(src.bytes().enumerate().filter(|(_, c)| *c == b'\n').map(|(i, _)| i + 1))
        .collect();
    items
        .into_iter()
        .map(|(at, text)| {
            let line = starts.partition_point(|&s| s <= at);
            let col = at - starts[line - 1];
            format!("{line}:{col} {text}")
        })
        .collect()
}

struct Walk<'a> {
    src: &'a str,
    items: Vec<(usize, String)>,
}

/// Newlines and tabs written out, so an item stays on one line.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n").replace('\t', "\\t")
}

impl Walk<'_> {
    fn emit(&mut self, at: usize, text: String) {
        self.items.push((at, text));
    }

    fn text(&self, start: u32, end: u32) -> &str {
        self.src.get(start as usize..end as usize).unwrap_or("")
    }

    fn stmts(&mut self, stmts: &[Node]) {
        for s in stmts {
            self.node(s);
        }
    }

    fn args(&mut self, args: &[Arg]) {
        for a in args {
            match a {
                Arg::Pos(n) | Arg::Splat(n) | Arg::DoubleSplat(n) | Arg::Block(n) => self.node(n),
                Arg::Pair(k, v) => {
                    self.node(k);
                    self.node(v);
                }
                Arg::Forward => {}
            }
        }
    }

    fn body(&mut self, b: &Body) {
        for p in &b.params {
            match p {
                Param::Optional(_, d) | Param::Keyword(_, Some(d)) => self.node(d),
                _ => {}
            }
        }
        self.stmts(&b.stmts);
    }

    fn parts(&mut self, parts: &[StrPart]) {
        for p in parts {
            match p {
                StrPart::Text(_, sp) => self.run(sp.start, sp.end),
                StrPart::Code(stmts) => self.stmts(stmts),
            }
        }
    }

    /// A string's text as written, at its first character that is not
    /// indentation (lines' leading whitespace is left out, as `<<~` would).
    fn run(&mut self, start: u32, end: u32) {
        let raw = self.text(start, end);
        let lead = raw.len() - raw.trim_start().len();
        let at = if raw.trim_start().is_empty() {
            start as usize
        } else {
            start as usize + lead
        };
        let text: String = raw.split_inclusive('\n').map(str::trim_start).collect();
        self.emit(at, format!("str {}", escape(&text)));
    }

    /// A call's argument count and flags (`b`: a block, `&`: a block argument).
    fn call_shape(args: &[Arg], block: bool) -> String {
        let mut n = args
            .iter()
            .filter(|a| matches!(a, Arg::Pos(_) | Arg::Splat(_) | Arg::Forward))
            .count();
        if args.iter().any(|a| matches!(a, Arg::Pair(..) | Arg::DoubleSplat(_))) {
            n += 1;
        }
        let mut s = n.to_string();
        if block {
            s.push('b');
        }
        if args.iter().any(|a| matches!(a, Arg::Block(_))) {
            s.push('&');
        }
        s
    }

    /// An assignment's target.
    fn target(&mut self, t: &Node) {
        match &t.expr {
            Expr::Call {
                recv, name, name_at, ..
            } => {
                if let Some(r) = recv {
                    self.node(r);
                }
                if name_at.end > name_at.start {
                    self.emit(name_at.start as usize, format!("attrasgn {name}"));
                }
            }
            Expr::Splat(Some(inner)) => self.target(inner),
            Expr::Group(items) => {
                for i in items {
                    self.target(i);
                }
            }
            _ => self.node(t),
        }
    }

    fn node(&mut self, n: &Node) {
        let at = n.span.start as usize;
        match &n.expr {
            Expr::Int(v) => {
                let at = if self.src.as_bytes().get(at) == Some(&b'-') {
                    at + 1
                } else {
                    at
                };
                self.emit(at, format!("int {}", v.unsigned_abs()));
            }
            Expr::BigInt(_) => {
                let at = if self.src.as_bytes().get(at) == Some(&b'-') {
                    at + 1
                } else {
                    at
                };
                self.emit(at, "int big".into());
            }
            Expr::Float(_) => {
                let at = if self.src.as_bytes().get(at) == Some(&b'-') {
                    at + 1
                } else {
                    at
                };
                self.emit(at, "float".into());
            }
            Expr::Rational(_) | Expr::Imaginary(_) => {
                let at = if self.src.as_bytes().get(at) == Some(&b'-') {
                    at + 1
                } else {
                    at
                };
                self.emit(at, "num".into());
            }
            Expr::Char(_) => {
                let raw = self.text(n.span.start, n.span.end);
                self.emit(at, format!("char {}", escape(raw)));
            }
            Expr::Str(parts) | Expr::XStr(parts) | Expr::DSym(parts) | Expr::Regex(parts, _) => self.parts(parts),
            Expr::Sym(s) => {
                let raw = self.text(n.span.start, n.span.end);
                if let Some(rest) = raw.strip_prefix(':') {
                    if rest.starts_with('"') || rest.starts_with('\'') {
                        self.emit(at + 2, format!("str {}", escape(s)));
                    } else {
                        self.emit(at + 1, format!("sym {s}"));
                    }
                } else if raw.ends_with(':') && !raw.starts_with('"') {
                    self.emit(at, format!("label {s}"));
                } else if raw.starts_with('"') || raw.starts_with('\'') {
                    self.emit(at + 1, format!("str {}", escape(s)));
                } else if raw.starts_with('%') {
                    self.emit(at + 3, format!("str {}", escape(s)));
                } else {
                    self.emit(at, format!("str {}", escape(s)));
                }
            }
            Expr::Array(args) | Expr::Hash(args) | Expr::Yield(args) => self.args(args),
            Expr::Range(a, b, _) => {
                if let Some(a) = a {
                    self.node(a);
                }
                if let Some(b) = b {
                    self.node(b);
                }
            }
            Expr::Ident(name) => self.emit(at, format!("lvar {name}")),
            Expr::VCall(name) => {
                if self.text(n.span.start, n.span.end) == name {
                    self.emit(at, format!("call {name} 0"));
                }
            }
            Expr::DirKw => self.emit(at, "call __dir__ 0".into()),
            Expr::IVar(name) | Expr::GVar(name) | Expr::CVar(name) => self.emit(at, format!("var {name}")),
            Expr::NthRef(_) | Expr::BackRef(_) => self.emit(at, "backref".into()),
            Expr::Const(scope, name) => match scope {
                None => self.emit(at, format!("const {name}")),
                Some(s) => {
                    self.node(s);
                    self.emit(
                        (n.span.end as usize).saturating_sub(name.len()),
                        format!("const {name}"),
                    );
                }
            },
            Expr::TopConst(name) => self.emit(
                (n.span.end as usize).saturating_sub(name.len()),
                format!("const {name}"),
            ),
            Expr::Call {
                recv,
                name,
                args,
                block,
                name_at,
                ..
            } => {
                if let Some(r) = recv {
                    self.node(r);
                }
                if name_at.end > name_at.start {
                    self.emit(
                        name_at.start as usize,
                        format!("call {name} {}", Self::call_shape(args, block.is_some())),
                    );
                }
                self.args(args);
                if let Some(b) = block {
                    self.body(b);
                }
            }
            Expr::Index(recv, args) => {
                self.node(recv);
                self.args(args);
            }
            Expr::Assign(t, v) | Expr::OpAssign(t, _, v) => {
                self.target(t);
                self.node(v);
            }
            Expr::MultiAssign(targets, v) => {
                for t in targets {
                    self.target(t);
                }
                self.node(v);
            }
            Expr::Splat(t) => {
                if let Some(t) = t {
                    self.node(t);
                }
            }
            Expr::Group(items) | Expr::Pattern(items) | Expr::Seq(items) | Expr::Hook(items, _) => self.stmts(items),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Binary(_, a, b) => {
                self.node(a);
                self.node(b);
            }
            Expr::Not(a) | Expr::Unary(_, a) | Expr::Defined(a) => self.node(a),
            Expr::If(c, a, b) => {
                self.node(c);
                self.stmts(a);
                self.stmts(b);
            }
            Expr::Ternary(c, a, b) => {
                self.node(c);
                self.node(a);
                self.node(b);
            }
            Expr::While(c, b, _) | Expr::DoWhile(c, b, _) => {
                self.node(c);
                self.stmts(b);
            }
            Expr::For(t, iter, b) => {
                for x in t {
                    self.target(x);
                }
                self.node(iter);
                self.stmts(b);
            }
            Expr::Case(subject, whens, els) => {
                if let Some(s) = subject {
                    self.node(s);
                }
                for w in whens {
                    self.args(&w.values);
                    self.stmts(&w.body);
                }
                if let Some(e) = els {
                    self.stmts(e);
                }
            }
            Expr::CaseIn(subject, arms, els) => {
                self.node(subject);
                for a in arms {
                    self.node(&a.pattern);
                    if let Some((g, _)) = &a.guard {
                        self.node(g);
                    }
                    self.stmts(&a.body);
                }
                if let Some(e) = els {
                    self.stmts(e);
                }
            }
            Expr::Match(v, p, _) => {
                self.node(v);
                self.node(p);
            }
            Expr::Def(name, body, name_at) => {
                self.emit(name_at.start as usize, format!("def {name}"));
                self.body(body);
            }
            Expr::SingletonDef(recv, name, body, name_at) => {
                self.node(recv);
                self.emit(name_at.start as usize, format!("def {name}"));
                self.body(body);
            }
            Expr::Module(_, body) => self.stmts(body),
            Expr::Class(path, sup, body) => {
                self.node(path);
                if let Some(s) = sup {
                    self.node(s);
                }
                self.stmts(body);
            }
            Expr::SClass(obj, body) => {
                self.node(obj);
                self.stmts(body);
            }
            Expr::Lambda(b) => self.body(b),
            Expr::Begin(body, rescues, els, ensure) => {
                self.stmts(body);
                for r in rescues {
                    self.stmts(&r.classes);
                    self.stmts(&r.body);
                }
                if let Some(e) = els {
                    self.stmts(e);
                }
                if let Some(e) = ensure {
                    self.stmts(e);
                }
            }
            Expr::Return(v) | Expr::Next(v) | Expr::Break(v) => {
                if let Some(v) = v {
                    self.node(v);
                }
            }
            Expr::Super(args, block) => {
                self.args(args);
                if let Some(b) = block {
                    self.body(b);
                }
            }
            Expr::ZSuper(block) => {
                if let Some(b) = block {
                    self.body(b);
                }
            }
            Expr::Nil
            | Expr::True
            | Expr::False
            | Expr::SelfRef
            | Expr::File
            | Expr::Line
            | Expr::Encoding
            | Expr::Alias(..)
            | Expr::Undef(_)
            | Expr::Redo
            | Expr::Retry
            | Expr::Unsupported(_) => {}
        }
    }
}
