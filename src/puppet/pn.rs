//! Puppet's PN ("Puppet Extended S-Expression Notation"), written exactly as
//! `puppet parser dump --format pn` writes it (Puppet's `PNTransformer` followed by
//! `PN#format` without indentation).

use super::ast::*;
use std::fmt::Write as _;

/// The PN text of a program body.
pub fn to_pn(body: &Expr) -> String {
    let mut w = Writer {
        out: String::with_capacity(256),
    };
    w.expr(body);
    w.out
}

struct Writer {
    out: String,
}

impl Writer {
    fn open(&mut self, name: &str) {
        self.out.push('(');
        self.out.push_str(name);
    }

    fn sep(&mut self) {
        self.out.push(' ');
    }

    fn close(&mut self) {
        self.out.push(')');
    }

    /// `(name e)`
    fn call1(&mut self, name: &str, e: &Expr) {
        self.open(name);
        self.sep();
        self.expr(e);
        self.close();
    }

    /// `(name a b)`
    fn call2(&mut self, name: &str, a: &Expr, b: &Expr) {
        self.open(name);
        self.sep();
        self.expr(a);
        self.sep();
        self.expr(b);
        self.close();
    }

    /// `(name e1 e2 ...)`
    fn call_n<'e>(&mut self, name: &str, items: impl IntoIterator<Item = &'e Expr>) {
        self.open(name);
        for e in items {
            self.sep();
            self.expr(e);
        }
        self.close();
    }

    fn list<'e>(&mut self, items: impl IntoIterator<Item = &'e Expr>) {
        self.out.push('[');
        for (i, e) in items.into_iter().enumerate() {
            if i > 0 {
                self.sep();
            }
            self.expr(e);
        }
        self.out.push(']');
    }

    /// A map entry `:key ` (the value follows); `first` says whether to separate.
    fn key(&mut self, first: &mut bool, key: &str) {
        if !*first {
            self.sep();
        }
        *first = false;
        self.out.push(':');
        self.out.push_str(key);
        self.out.push(' ');
    }

    fn string(&mut self, s: &str) {
        quote(&mut self.out, s);
    }

    /// A body as Puppet's `block_as_entry` writes it: a block's statements, or `[e]`.
    fn body_entry(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Block(stmts) => self.list(stmts),
            _ => self.list(std::iter::once(e)),
        }
    }

    fn statements(&mut self, stmts: &[Expr]) {
        self.list(stmts);
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Block(stmts) => self.call_n("block", stmts),
            ExprKind::Nop => self.out.push_str("(nop)"),
            ExprKind::Undef => self.out.push_str("nil"),
            ExprKind::Default => self.out.push_str("(default)"),
            ExprKind::Boolean(b) => self.out.push_str(if *b { "true" } else { "false" }),
            ExprKind::Integer { value, radix: 10 } => {
                let _ = write!(self.out, "{value}");
            }
            ExprKind::Integer { value, radix } => {
                let _ = write!(self.out, "(int {{:radix {radix} :value {value}}})");
            }
            ExprKind::Float(f) => ruby_float(&mut self.out, *f),
            ExprKind::Str(s) => self.string(s),
            ExprKind::Concat(segs) => self.call_n("concat", segs),
            ExprKind::Text(inner) => self.call1("str", inner),
            ExprKind::Render(inner) => self.call1("render", inner),
            ExprKind::RenderString(s) => {
                self.open("render-s");
                self.out.push(' ');
                self.string(s);
                self.close();
            }
            ExprKind::Epp { body: None, .. } => {
                self.open("epp");
                self.close();
            }
            ExprKind::Epp { body: Some(b), .. } => match &b.kind {
                ExprKind::Block(stmts) => self.call_n("epp", stmts),
                _ => self.call_n("epp", std::slice::from_ref(&**b)),
            },
            ExprKind::Heredoc { syntax, text } => {
                self.open("heredoc");
                self.out.push_str(" {");
                let mut first = true;
                if !syntax.is_empty() {
                    self.key(&mut first, "syntax");
                    self.string(syntax);
                }
                self.key(&mut first, "text");
                self.expr(text);
                self.out.push('}');
                self.close();
            }
            ExprKind::Regex(r) => self.literal_call("regexp", r),
            ExprKind::QualifiedName(n) => self.literal_call("qn", n),
            ExprKind::QualifiedReference(n) => self.literal_call("qr", n),
            ExprKind::Reserved(w) => self.literal_call("reserved", w),
            ExprKind::Variable(n) => self.literal_call("var", n),
            ExprKind::List(items) => self.call_n("array", items),
            ExprKind::Hash(entries) => {
                self.open("hash");
                for entry in entries {
                    self.sep();
                    self.call2("=>", &entry.key, &entry.value);
                }
                self.close();
            }
            ExprKind::Access { left, keys } => {
                self.open("access");
                self.sep();
                self.expr(left);
                for k in keys {
                    self.sep();
                    self.expr(k);
                }
                self.close();
            }
            ExprKind::NamedAccess { left, name } => self.call2(".", left, name),
            ExprKind::Binary { op, left, right } => self.call2(op.as_str(), left, right),
            ExprKind::Not(inner) => self.call1("!", inner),
            ExprKind::UnaryMinus(inner) => match inner.kind {
                ExprKind::Integer { value, .. } => {
                    let _ = write!(self.out, "{}", -value);
                }
                ExprKind::Float(f) => ruby_float(&mut self.out, -f),
                _ => self.call1("-", inner),
            },
            ExprKind::Unfold(inner) => self.call1("unfold", inner),
            ExprKind::Paren(inner) => self.call1("paren", inner),
            ExprKind::Selector { left, entries } => {
                self.open("?");
                self.sep();
                self.expr(left);
                self.sep();
                self.out.push('[');
                for (i, entry) in entries.iter().enumerate() {
                    if i > 0 {
                        self.sep();
                    }
                    self.call2("=>", &entry.key, &entry.value);
                }
                self.out.push(']');
                self.close();
            }
            ExprKind::CallNamed {
                functor,
                args,
                lambda,
                rval_required,
            } => self.call(
                if *rval_required { "call" } else { "invoke" },
                functor,
                args,
                lambda.as_deref(),
            ),
            ExprKind::CallMethod { functor, args, lambda } => {
                self.call("call-method", functor, args, lambda.as_deref())
            }
            ExprKind::If {
                test,
                then_expr,
                else_expr,
            } => self.conditional("if", test, then_expr.as_deref(), else_expr.as_deref()),
            ExprKind::Unless {
                test,
                then_expr,
                else_expr,
            } => self.conditional("unless", test, then_expr.as_deref(), else_expr.as_deref()),
            ExprKind::Case { test, options } => {
                self.open("case");
                self.sep();
                self.expr(test);
                self.out.push_str(" [");
                for (i, opt) in options.iter().enumerate() {
                    if i > 0 {
                        self.sep();
                    }
                    self.out.push('{');
                    let mut first = true;
                    self.key(&mut first, "when");
                    self.list(&opt.values);
                    self.key(&mut first, "then");
                    match &opt.body {
                        Some(stmts) => self.statements(stmts),
                        None => self.out.push_str("[(nop)]"),
                    }
                    self.out.push('}');
                }
                self.out.push(']');
                self.close();
            }
            ExprKind::Resource {
                type_name,
                bodies,
                form,
            } => {
                self.open("resource");
                self.out.push_str(" {");
                let mut first = true;
                self.key(&mut first, "type");
                self.expr(type_name);
                self.key(&mut first, "bodies");
                self.out.push('[');
                for (i, body) in bodies.iter().enumerate() {
                    if i > 0 {
                        self.sep();
                    }
                    self.out.push('{');
                    let mut bfirst = true;
                    self.key(&mut bfirst, "title");
                    self.expr(&body.title);
                    self.key(&mut bfirst, "ops");
                    self.ops(&body.ops);
                    self.out.push('}');
                }
                self.out.push(']');
                self.form(&mut first, *form);
                self.out.push('}');
                self.close();
            }
            ExprKind::ResourceDefaults { type_ref, ops, form } => {
                self.resource_ops("resource-defaults", "type", type_ref, ops, *form)
            }
            ExprKind::ResourceOverride { resources, ops, form } => {
                self.resource_ops("resource-override", "resources", resources, ops, *form)
            }
            ExprKind::Collect {
                type_expr,
                query_kind,
                query,
                ops,
            } => {
                self.open("collect");
                self.out.push_str(" {");
                let mut first = true;
                self.key(&mut first, "type");
                self.expr(type_expr);
                self.key(&mut first, "query");
                let name = match query_kind {
                    QueryKind::Virtual => "virtual-query",
                    QueryKind::Exported => "exported-query",
                };
                match query {
                    Some(q) => self.call1(name, q),
                    None => {
                        self.open(name);
                        self.close();
                    }
                }
                if !ops.is_empty() {
                    self.key(&mut first, "ops");
                    self.ops(ops);
                }
                self.out.push('}');
                self.close();
            }
            ExprKind::Lambda(l) => self.lambda(l),
            ExprKind::Class { def, parent } => self.definition("class", def, parent.as_deref(), None),
            ExprKind::Define(def) => self.definition("define", def, None, None),
            ExprKind::Function { def, return_type } => self.definition("function", def, None, return_type.as_deref()),
            ExprKind::Plan(def) => self.definition("plan", def, None, None),
            // Puppet 7 has no PN for `apply` (its transformer fails on one):
            // this is ours, in the form of a call's.
            ExprKind::Apply { args, body } => {
                self.open("apply");
                self.out.push_str(" {");
                let mut first = true;
                self.key(&mut first, "args");
                self.list(args);
                self.key(&mut first, "body");
                self.statements(body);
                self.out.push('}');
                self.close();
            }
            ExprKind::Node { matches, parent, body } => {
                self.open("node");
                self.out.push_str(" {");
                let mut first = true;
                self.key(&mut first, "matches");
                self.list(matches);
                if let Some(p) = parent {
                    self.key(&mut first, "parent");
                    self.expr(p);
                }
                if let Some(stmts) = body {
                    self.key(&mut first, "body");
                    self.statements(stmts);
                }
                self.out.push('}');
                self.close();
            }
            ExprKind::TypeAlias { name, type_expr } => {
                self.open("type-alias");
                self.sep();
                self.string(name);
                self.sep();
                self.expr(type_expr);
                self.close();
            }
            ExprKind::TypeMapping { type_expr, mapping } => self.call2("type-mapping", type_expr, mapping),
            ExprKind::TypeDefinition { name, parent, body } => {
                self.open("type-definition");
                self.sep();
                self.string(name);
                self.sep();
                match parent {
                    Some(p) => self.string(p),
                    None => self.out.push_str("nil"),
                }
                self.sep();
                match body {
                    Some(b) => self.expr(b),
                    None => self.out.push_str("(nop)"),
                }
                self.close();
            }
        }
    }

    fn literal_call(&mut self, name: &str, value: &str) {
        self.open(name);
        self.sep();
        self.string(value);
        self.close();
    }

    fn form(&mut self, first: &mut bool, form: ResourceForm) {
        if form != ResourceForm::Regular {
            self.key(first, "form");
            self.string(form.as_str());
        }
    }

    fn resource_ops(&mut self, name: &str, key: &str, target: &Expr, ops: &[AttributeOp], form: ResourceForm) {
        self.open(name);
        self.out.push_str(" {");
        let mut first = true;
        self.key(&mut first, key);
        self.expr(target);
        self.key(&mut first, "ops");
        self.ops(ops);
        self.form(&mut first, form);
        self.out.push('}');
        self.close();
    }

    fn ops(&mut self, ops: &[AttributeOp]) {
        self.out.push('[');
        for (i, op) in ops.iter().enumerate() {
            if i > 0 {
                self.sep();
            }
            match op {
                AttributeOp::Set { name, op, value, .. } => {
                    self.open(op);
                    self.sep();
                    self.string(name);
                    self.sep();
                    self.expr(value);
                    self.close();
                }
                AttributeOp::Splat { value, .. } => self.call1("splat-hash", value),
            }
        }
        self.out.push(']');
    }

    fn call(&mut self, name: &str, functor: &Expr, args: &[Expr], lambda: Option<&Lambda>) {
        self.open(name);
        self.out.push_str(" {");
        let mut first = true;
        self.key(&mut first, "functor");
        self.expr(functor);
        self.key(&mut first, "args");
        self.list(args);
        if let Some(l) = lambda {
            self.key(&mut first, "block");
            self.lambda(l);
        }
        self.out.push('}');
        self.close();
    }

    fn conditional(&mut self, name: &str, test: &Expr, then_expr: Option<&Expr>, else_expr: Option<&Expr>) {
        self.open(name);
        self.out.push_str(" {");
        let mut first = true;
        self.key(&mut first, "test");
        self.expr(test);
        if let Some(t) = then_expr.filter(|t| !matches!(t.kind, ExprKind::Nop)) {
            self.key(&mut first, "then");
            self.body_entry(t);
        }
        if let Some(e) = else_expr.filter(|e| !matches!(e.kind, ExprKind::Nop)) {
            self.key(&mut first, "else");
            self.body_entry(e);
        }
        self.out.push('}');
        self.close();
    }

    fn lambda(&mut self, l: &Lambda) {
        self.open("lambda");
        self.out.push_str(" {");
        let mut first = true;
        if !l.params.is_empty() {
            self.key(&mut first, "params");
            self.params(&l.params);
        }
        if let Some(r) = &l.return_type {
            self.key(&mut first, "returns");
            self.expr(r);
        }
        if let Some(body) = &l.body {
            self.key(&mut first, "body");
            self.statements(body);
        }
        self.out.push('}');
        self.close();
    }

    fn definition(&mut self, name: &str, def: &Definition, parent: Option<&str>, returns: Option<&Expr>) {
        self.open(name);
        self.out.push_str(" {");
        let mut first = true;
        self.key(&mut first, "name");
        self.string(&def.name);
        if let Some(p) = parent {
            self.key(&mut first, "parent");
            self.string(p);
        }
        if !def.params.is_empty() {
            self.key(&mut first, "params");
            self.params(&def.params);
        }
        if let Some(body) = &def.body {
            self.key(&mut first, "body");
            self.statements(body);
        }
        if let Some(r) = returns {
            self.key(&mut first, "returns");
            self.expr(r);
        }
        self.out.push('}');
        self.close();
    }

    fn params(&mut self, params: &[Parameter]) {
        self.out.push('{');
        let mut first = true;
        for p in params {
            self.key(&mut first, &p.name);
            self.out.push('{');
            let mut pfirst = true;
            if let Some(t) = &p.type_expr {
                self.key(&mut pfirst, "type");
                self.expr(t);
            }
            if p.captures_rest {
                self.key(&mut pfirst, "splat");
                self.out.push_str("true");
            }
            if let Some(v) = &p.value {
                self.key(&mut pfirst, "value");
                self.expr(v);
            }
            self.out.push('}');
        }
        self.out.push('}');
    }
}

/// A PN string literal: `\t \n \r \" \\` escaped, other control characters as `\oNNN`.
fn quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\o{:03o}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A float as Ruby's `Float#to_s` writes it (`1.0`, `0.0001`, `1.0e-05`, `1.0e+20`).
fn ruby_float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str("NaN");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    if f == 0.0 {
        out.push_str(if f.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    // Shortest round-trip digits and the decimal exponent.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let decpt = exp + 1;
    if f < 0.0 {
        out.push('-');
    }
    if decpt > 0 && decpt <= 16 {
        let d = decpt as usize;
        if digits.len() <= d {
            out.push_str(&digits);
            out.push_str(&"0".repeat(d - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..d]);
            out.push('.');
            out.push_str(&digits[d..]);
        }
    } else if decpt <= 0 && decpt > -4 {
        out.push_str("0.");
        out.push_str(&"0".repeat((-decpt) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        if digits.len() > 1 {
            out.push_str(&digits[1..]);
        } else {
            out.push('0');
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if decpt - 1 < 0 { '-' } else { '+' },
            (decpt - 1).abs()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::ruby_float;

    fn f(x: f64) -> String {
        let mut s = String::new();
        ruby_float(&mut s, x);
        s
    }

    #[test]
    fn floats_like_ruby() {
        assert_eq!(f(1500.0), "1500.0");
        assert_eq!(f(1e-5), "1.0e-05");
        assert_eq!(f(1e20), "1.0e+20");
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(0.0001), "0.0001");
        assert_eq!(f(1e16), "1.0e+16");
        assert_eq!(f(1e15), "1000000000000000.0");
        assert_eq!(f(3.25), "3.25");
        assert_eq!(f(-2.5), "-2.5");
        assert_eq!(f(1.2345e-7), "1.2345e-07");
    }
}
