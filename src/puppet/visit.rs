//! Walking the AST: the direct children of every node kind, in source order.

use super::ast::*;

/// Calls `f` on each direct child expression of `e`, in source order.
pub fn for_each_child<'a>(e: &'a Expr, mut f: impl FnMut(&'a Expr)) {
    let ops = |ops: &'a [AttributeOp], f: &mut dyn FnMut(&'a Expr)| {
        for op in ops {
            match op {
                AttributeOp::Set { value, .. } | AttributeOp::Splat { value, .. } => f(value),
            }
        }
    };
    fn params<'a>(ps: &'a [Parameter], f: &mut dyn FnMut(&'a Expr)) {
        for p in ps {
            if let Some(t) = &p.type_expr {
                f(t);
            }
            if let Some(v) = &p.value {
                f(v);
            }
        }
    }
    fn lambda<'a>(l: &'a Lambda, f: &mut dyn FnMut(&'a Expr)) {
        params(&l.params, f);
        if let Some(r) = &l.return_type {
            f(r);
        }
        l.body.iter().flatten().for_each(f);
    }
    let f: &mut dyn FnMut(&'a Expr) = &mut f;
    match &e.kind {
        ExprKind::Block(v) | ExprKind::Concat(v) | ExprKind::List(v) => v.iter().for_each(f),
        ExprKind::Text(x)
        | ExprKind::Not(x)
        | ExprKind::UnaryMinus(x)
        | ExprKind::Unfold(x)
        | ExprKind::Paren(x)
        | ExprKind::Render(x)
        | ExprKind::Heredoc { text: x, .. } => f(x),
        ExprKind::Hash(entries) => entries.iter().for_each(|en| {
            f(&en.key);
            f(&en.value)
        }),
        ExprKind::Access { left, keys } => {
            f(left);
            keys.iter().for_each(f);
        }
        ExprKind::NamedAccess { left, name } => {
            f(left);
            f(name)
        }
        ExprKind::Binary { left, right, .. } => {
            f(left);
            f(right)
        }
        ExprKind::Selector { left, entries } => {
            f(left);
            entries.iter().for_each(|en| {
                f(&en.key);
                f(&en.value)
            })
        }
        ExprKind::CallNamed {
            functor,
            args,
            lambda: l,
            ..
        }
        | ExprKind::CallMethod {
            functor,
            args,
            lambda: l,
        } => {
            f(functor);
            args.iter().for_each(&mut *f);
            if let Some(l) = l {
                lambda(l, f);
            }
        }
        ExprKind::If {
            test,
            then_expr,
            else_expr,
        }
        | ExprKind::Unless {
            test,
            then_expr,
            else_expr,
        } => {
            f(test);
            then_expr.iter().for_each(|t| f(t));
            else_expr.iter().for_each(|t| f(t));
        }
        ExprKind::Case { test, options } => {
            f(test);
            for o in options {
                o.values.iter().for_each(&mut *f);
                o.body.iter().flatten().for_each(&mut *f);
            }
        }
        ExprKind::Resource { type_name, bodies, .. } => {
            f(type_name);
            for b in bodies {
                f(&b.title);
                ops(&b.ops, f);
            }
        }
        ExprKind::ResourceDefaults {
            type_ref: t, ops: o, ..
        }
        | ExprKind::ResourceOverride {
            resources: t, ops: o, ..
        } => {
            f(t);
            ops(o, f);
        }
        ExprKind::Collect {
            type_expr,
            query,
            ops: o,
            ..
        } => {
            f(type_expr);
            query.iter().for_each(|q| f(q));
            ops(o, f);
        }
        ExprKind::Lambda(l) => lambda(l, f),
        ExprKind::Class { def, .. } | ExprKind::Define(def) | ExprKind::Plan(def) => {
            params(&def.params, f);
            def.body.iter().flatten().for_each(f);
        }
        ExprKind::Function { def, return_type } => {
            params(&def.params, f);
            if let Some(r) = return_type {
                f(r);
            }
            def.body.iter().flatten().for_each(f);
        }
        ExprKind::Apply { args, body } => {
            args.iter().for_each(&mut *f);
            body.iter().for_each(f);
        }
        ExprKind::Node { matches, parent, body } => {
            matches.iter().for_each(&mut *f);
            parent.iter().for_each(|p| f(p));
            body.iter().flatten().for_each(f);
        }
        ExprKind::TypeAlias { type_expr, .. } => f(type_expr),
        ExprKind::TypeMapping { type_expr, mapping } => {
            f(type_expr);
            f(mapping)
        }
        ExprKind::TypeDefinition { body, .. } | ExprKind::Epp { body, .. } => body.iter().for_each(|b| f(b)),
        ExprKind::Nop
        | ExprKind::RenderString(_)
        | ExprKind::Undef
        | ExprKind::Default
        | ExprKind::Boolean(_)
        | ExprKind::Integer { .. }
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Regex(_)
        | ExprKind::QualifiedName(_)
        | ExprKind::QualifiedReference(_)
        | ExprKind::Reserved(_)
        | ExprKind::Variable(_) => {}
    }
}

/// The depth of the deepest node under `e` (1 for a leaf), and that node.
pub fn deepest(e: &Expr) -> (usize, &Expr) {
    let mut best = (1, e);
    for_each_child(e, |c| {
        let (d, n) = deepest(c);
        if d + 1 > best.0 {
            best = (d + 1, n);
        }
    });
    best
}
