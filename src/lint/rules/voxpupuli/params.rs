//! How the parameter-list plugin gems read a class's or define's parameters
//! in puppet-lint's token list (`ctx.lint()`): which variables start a
//! parameter, which tokens are its data type and which its default. Shared by
//! `optional_default`, `params_empty_string`, `params_not_optional_with_undef`
//! and `param_docs`, which all walk the list the same way (the gems copied one
//! another's helpers).

use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::LintDefinition;
use std::ops::{Range, RangeInclusive};

/// The variables that start a parameter, in order: the first variable of the
/// list, then the first after each comma outside brackets. `(` and `[` count as
/// brackets, and `{` too when `braces` (the older copies of the helper do not
/// count braces, so a comma inside a hash default starts a "parameter").
pub fn params(lt: &LintTokens, list: Range<usize>, braces: bool) -> Vec<usize> {
    let mut out = Vec::new();
    let mut in_param = false;
    let mut nesting = 0i64;
    for i in list.filter(|&i| i < lt.tokens.len()) {
        let t = lt.get(i);
        if !in_param {
            if t.kind == LintKind::Variable {
                out.push(i);
                in_param = true;
                nesting = 0;
            }
            continue;
        }
        if t.kind != LintKind::Punct {
            continue;
        }
        match t.value {
            "(" | "[" => nesting += 1,
            "{" if braces => nesting += 1,
            ")" | "]" => nesting -= 1,
            "}" if braces => nesting -= 1,
            "," if nesting <= 0 => in_param = false,
            _ => {}
        }
    }
    out
}

/// A parameter as the helpers see it: its variable, its data type's tokens
/// and its default's tokens (`None`: none found).
#[derive(Debug, Clone)]
pub struct Param {
    /// Index of the variable.
    pub var: usize,
    /// The data type: back from the variable to the comma outside brackets or
    /// the `(` that opens the list, exclusive.
    pub ty: Option<RangeInclusive<usize>>,
    /// The default: from the code token after the last `=` up to the code
    /// token before the comma (outside `(` and `[`) or the `)` that ends the
    /// list.
    pub default: Option<RangeInclusive<usize>>,
}

/// The parameters of every class and define (braces not counted, as the
/// `optional_default` family's helpers do), with their types and defaults,
/// by definition.
///
/// The helpers walk from each variable (forward for the default, backward for
/// the type) counting `(` and `[`; with unbalanced brackets a walk may run far
/// past its list. Each walk stops at the first token where a condition on
/// the running bracket count holds, so all of them are answered in two sweeps
/// over the tokens with a monotonic stack, instead of walking.
pub fn read(lt: &LintTokens, defs: &[LintDefinition]) -> Vec<Vec<Param>> {
    let by_def: Vec<Vec<usize>> = defs
        .iter()
        .map(|d| d.params.clone().map(|list| params(lt, list, false)).unwrap_or_default())
        .collect();
    let mut vars: Vec<usize> = by_def.iter().flatten().copied().collect();
    vars.sort_unstable();
    vars.dedup();
    let n = lt.tokens.len();
    // The bracket count before each token: `(`, `[` open, `)`, `]` close.
    let mut depth = vec![0i64; n + 1];
    for i in 0..n {
        let w = match lt.get(i) {
            t if t.kind != LintKind::Punct => 0,
            t if t.value == "(" || t.value == "[" => 1,
            t if t.value == ")" || t.value == "]" => -1,
            _ => 0,
        };
        depth[i + 1] = depth[i] + w;
    }
    let mut ty = std::collections::HashMap::new();
    let mut default = std::collections::HashMap::new();
    // Backward walks, swept left to right. A walk from `var` stops at a `(`
    // where the count from it to the variable is positive (the count before
    // the `(` below the variable's), or at a comma where it is zero (the same
    // count as the variable's); the nearest such token.
    let mut opens: Vec<(i64, usize)> = Vec::new();
    let mut commas: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    let mut next_var = vars.iter().peekable();
    for (i, &at) in depth.iter().enumerate().take(n) {
        while next_var.peek().is_some_and(|&&v| v == i) {
            let k = opens.partition_point(|&(d, _)| d < at);
            let open = k.checked_sub(1).map(|k| opens[k].1);
            let comma = commas.get(&at).copied();
            let stop = open.max(comma);
            ty.insert(i, stop.and_then(|s| span(lt.next_code(s), lt.prev_code(i))));
            next_var.next();
        }
        if lt.punct(i, "(") {
            // Kept increasing in depth from the bottom: an older entry with a
            // count no lower is never the nearest answer again.
            while opens.last().is_some_and(|&(d, _)| d >= at) {
                opens.pop();
            }
            opens.push((at, i));
        } else if lt.punct(i, ",") {
            commas.insert(at, i);
        }
    }
    // Forward walks, swept right to left. A walk from `var` stops at a `)`
    // that takes the count below the variable's, or at a comma where the
    // count is no higher than the variable's. As a key compared with the
    // variable's count: the count after the token, plus one for a `)`.
    let mut last_equals = vec![None; n + 1];
    for i in 0..n {
        last_equals[i + 1] = if lt.punct(i, "=") { Some(i) } else { last_equals[i] };
    }
    let mut stops: Vec<(i64, usize)> = Vec::new();
    let mut next_var = vars.iter().rev().peekable();
    for i in (0..n).rev() {
        while next_var.peek().is_some_and(|&&v| v == i) {
            let at = depth[i + 1];
            let k = stops.partition_point(|&(key, _)| key <= at);
            let value = k.checked_sub(1).map(|k| stops[k].1).and_then(|s| {
                let first = last_equals[s].filter(|&e| e > i).and_then(|e| lt.next_code(e));
                span(first, lt.prev_code(s))
            });
            default.insert(i, value);
            next_var.next();
        }
        let key = if lt.punct(i, ")") {
            depth[i + 1] + 1
        } else if lt.punct(i, ",") {
            depth[i + 1]
        } else {
            continue;
        };
        // Kept increasing in key from the bottom: a later entry with a key no
        // lower is never the nearest answer again.
        while stops.last().is_some_and(|&(k, _)| k >= key) {
            stops.pop();
        }
        stops.push((key, i));
    }
    by_def
        .into_iter()
        .map(|vars| {
            vars.into_iter()
                .map(|var| Param {
                    var,
                    ty: ty.get(&var).cloned().flatten(),
                    default: default.get(&var).cloned().flatten(),
                })
                .collect()
        })
        .collect()
}

fn span(first: Option<usize>, last: Option<usize>) -> Option<RangeInclusive<usize>> {
    match (first, last) {
        (Some(a), Some(b)) if a <= b => Some(a..=b),
        _ => None,
    }
}

/// Whether a default holds a `.` or a `(` (a function or method call).
pub fn has_call(lt: &LintTokens, value: &RangeInclusive<usize>) -> bool {
    value.clone().any(|i| lt.punct(i, ".") || lt.punct(i, "("))
}
