//! Operator expressions: Ruby's precedence table, and precedence climbing
//! over the flat list of operands and operators the grammar reads.

use super::*;

/// One element of an operator expression.
enum Item {
    Operand(Node, bool),
    Prefix(T, Span),
    Infix(T, Span, Option<Node>),
    Postfix(T, Span),
}

/// Binding powers, loosest first (parse.y's precedence declarations).
/// Assignment binds its left side tighter than anything (`a || b = c` is
/// `a || (b = c)`), its right side loosest.
fn infix_power(t: T) -> Option<(u8, u8)> {
    use T::*;
    // (left power, right power): left-assoc r = l + 1, right-assoc r = l.
    Some(match t {
        tEQL | tOP_ASGN => (100, 2),
        kRESCUE_MOD => (4, 5),
        tQMARK => (6, 6),
        tDOT2 | tDOT3 => (8, 9),
        tOROP => (10, 11),
        tANDOP => (12, 13),
        tCMP | tEQQ | tEQ | tNEQ | tMATCH | tNMATCH => (14, 15),
        tGT | tGEQ | tLT | tLEQ => (16, 17),
        tPIPE | tCARET => (18, 19),
        tAMP => (20, 21),
        tLSHFT | tRSHFT => (22, 23),
        tPLUS | tMINUS => (24, 25),
        tMUL | tDIVIDE | tPERCENT => (26, 27),
        tPOW => (30, 30),
        _ => return None,
    })
}

fn prefix_power(t: T) -> u8 {
    use T::*;
    match t {
        kDEFINED => 1,
        tBDOT2 | tBDOT3 => 9,
        tUMINUS | tUMINUS_NUM => 28,
        _ => 32, // `!`, `~`, unary `+`
    }
}

impl Builder<'_> {
    /// `arg`: operands and operators, built by precedence.
    pub(super) fn arg(&self, p: Pair<Rule>) -> Built<Node> {
        let sp = self.span(&p);
        let mut items = Vec::new();
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::operand => {
                    let (n, command) = self.operand(x)?;
                    items.push(Item::Operand(n, command));
                }
                Rule::arg_prefix => {
                    let t = self.token(&x);
                    items.push(Item::Prefix(t.kind, t.span));
                }
                Rule::arg_postfix => {
                    let t = self.token(&x);
                    items.push(Item::Postfix(t.kind, t.span));
                }
                Rule::arg_infix => {
                    let inner = x.clone().into_inner().next();
                    match inner {
                        Some(tern) if tern.as_rule() == Rule::ternary => {
                            let t = self.token(&tern);
                            let mid = tern
                                .into_inner()
                                .find(|y| y.as_rule() == Rule::arg)
                                .ok_or_else(|| self.bug(t.span, "ternary"))?;
                            items.push(Item::Infix(T::tQMARK, t.span, Some(self.arg(mid)?)));
                        }
                        _ => {
                            let t = self.token(&x);
                            items.push(Item::Infix(t.kind, t.span, None));
                        }
                    }
                }
                _ => {}
            }
        }
        let mut pos = 0;
        let n = self.climb(&mut items, &mut pos, 0, sp)?;
        if pos != items.len() {
            return Err(self.bug(sp, "operators left over"));
        }
        Ok(n)
    }

    fn climb(&self, items: &mut [Item], pos: &mut usize, min: u8, sp: Span) -> Built<Node> {
        let mut lhs = self.climb_prefix(items, pos, sp)?;
        loop {
            let (kind, at) = match items.get(*pos) {
                Some(Item::Infix(k, at, _)) => (*k, *at),
                Some(Item::Postfix(k, at)) => {
                    let (k, at) = (*k, *at);
                    // Endless range: `a..`.
                    if 8 < min {
                        break;
                    }
                    *pos += 1;
                    let s = lhs.span.to(at);
                    lhs = Node::new(Expr::Range(Some(Box::new(lhs)), None, k == T::tDOT3), s);
                    continue;
                }
                _ => break,
            };
            let (l, r) = infix_power(kind).ok_or_else(|| self.bug(at, "operator"))?;
            if l < min {
                break;
            }
            let middle = match &mut items[*pos] {
                Item::Infix(_, _, m) => m.take(),
                _ => None,
            };
            *pos += 1;
            if let Some(Item::Operand(_, true)) = items.get(*pos) {
                if !matches!(kind, T::tEQL | T::tOP_ASGN | T::kRESCUE_MOD) {
                    if let Some(Item::Operand(n, _)) = items.get(*pos) {
                        // Ruby stops at the command's first argument.
                        let at = match &n.expr {
                            Expr::Call { args, .. } => match args.first() {
                                Some(Arg::Pos(a) | Arg::Pair(a, _) | Arg::Splat(a) | Arg::DoubleSplat(a)) => a.span,
                                _ => n.span,
                            },
                            _ => n.span,
                        };
                        return Err(self.error(
                            at,
                            "a method call with arguments without parentheses cannot be an operand here",
                        ));
                    }
                }
            }
            let rhs = self.climb(items, pos, r, sp)?;
            lhs = self.infix(kind, at, lhs, middle, rhs)?;
        }
        Ok(lhs)
    }

    fn climb_prefix(&self, items: &mut [Item], pos: &mut usize, sp: Span) -> Built<Node> {
        match items.get(*pos) {
            Some(Item::Prefix(k, at)) => {
                let (k, at) = (*k, *at);
                *pos += 1;
                let operand = self.climb(items, pos, prefix_power(k), sp)?;
                let s = at.to(operand.span);
                let e = match k {
                    T::kDEFINED => Expr::Defined(Box::new(operand)),
                    T::tBDOT2 | T::tBDOT3 => Expr::Range(None, Some(Box::new(operand)), k == T::tBDOT3),
                    T::tBANG => Expr::Not(Box::new(operand)),
                    T::tUMINUS | T::tUMINUS_NUM => Expr::Unary("-@".into(), Box::new(operand)),
                    T::tUPLUS => Expr::Unary("+@".into(), Box::new(operand)),
                    T::tTILDE => Expr::Unary("~".into(), Box::new(operand)),
                    _ => return Err(self.bug(at, "prefix operator")),
                };
                Ok(Node::new(e, s))
            }
            Some(Item::Operand(..)) => {
                let Item::Operand(n, _) = std::mem::replace(&mut items[*pos], Item::Prefix(T::tERROR, sp)) else {
                    return Err(self.bug(sp, "operand"));
                };
                *pos += 1;
                Ok(n)
            }
            _ => Err(self.bug(sp, "missing operand")),
        }
    }

    fn infix(&self, kind: T, at: Span, lhs: Node, middle: Option<Node>, rhs: Node) -> Built<Node> {
        let sp = lhs.span.to(rhs.span);
        let op = self.src.get(at.start as usize..at.end as usize).unwrap_or("");
        let e = match kind {
            T::tEQL => Expr::Assign(Box::new(self.assignable(lhs)?), Box::new(rhs)),
            T::tOP_ASGN => {
                let op = op.trim_end_matches('=').to_string();
                Expr::OpAssign(Box::new(self.assignable(lhs)?), op, Box::new(rhs))
            }
            T::kRESCUE_MOD => return Ok(build::rescue_mod(lhs, rhs, sp)),
            T::tQMARK => {
                let mid = middle.ok_or_else(|| self.bug(at, "ternary"))?;
                Expr::Ternary(Box::new(lhs), Box::new(mid), Box::new(rhs))
            }
            T::tDOT2 | T::tDOT3 => Expr::Range(Some(Box::new(lhs)), Some(Box::new(rhs)), kind == T::tDOT3),
            T::tANDOP => Expr::And(Box::new(lhs), Box::new(rhs)),
            T::tOROP => Expr::Or(Box::new(lhs), Box::new(rhs)),
            T::tNEQ => Expr::Binary("!=".into(), Box::new(lhs), Box::new(rhs)),
            _ => Expr::Binary(op.to_string(), Box::new(lhs), Box::new(rhs)),
        };
        Ok(Node::new(e, sp))
    }
}
