//! How the parameter-list plugin gems read a class's or define's parameters
//! in puppet-lint's token list (`ctx.lint()`): which variables start a
//! parameter, which tokens are its data type and which its default. Shared by
//! `optional_default`, `params_empty_string`, `params_not_optional_with_undef`
//! and `param_docs`, which all walk the list the same way (the gems copied one
//! another's helpers).

use crate::lint::tokens::{LintKind, LintTokens};
use std::ops::{Range, RangeInclusive};

fn punct(lt: &LintTokens, i: usize, p: &str) -> bool {
    let t = lt.get(i);
    t.kind == LintKind::Punct && t.value == p
}

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

/// The tokens of a parameter's default: from the code token after the last
/// `=` up to the code token before the comma (outside `(` and `[`) or the `)`
/// that ends the list. `None` when there is no default (or no such end).
pub fn default_value(lt: &LintTokens, var: usize) -> Option<RangeInclusive<usize>> {
    let mut first = None;
    let mut nesting = 0i64;
    let mut at = lt.next_code(var);
    while let Some(i) = at {
        let t = lt.get(i);
        if t.kind == LintKind::Punct {
            match t.value {
                "(" | "[" => nesting += 1,
                "]" => nesting -= 1,
                ")" => {
                    nesting -= 1;
                    if nesting < 0 {
                        return span(first, lt.prev_code(i));
                    }
                }
                "=" => first = lt.next_code(i),
                "," if nesting <= 0 => return span(first, lt.prev_code(i)),
                _ => {}
            }
        }
        at = (i + 1 < lt.tokens.len()).then_some(i + 1);
    }
    None
}

/// The tokens of a parameter's data type: back from the variable to the comma
/// outside brackets or the `(` that opens the list, exclusive. `None` when the
/// parameter has no type.
pub fn type_tokens(lt: &LintTokens, var: usize) -> Option<RangeInclusive<usize>> {
    let mut nesting = 0i64;
    let mut at = lt.prev_code(var);
    while let Some(i) = at {
        let t = lt.get(i);
        if t.kind == LintKind::Punct {
            match t.value {
                "[" => nesting += 1,
                "(" => {
                    nesting += 1;
                    if nesting > 0 {
                        return span(lt.next_code(i), lt.prev_code(var));
                    }
                }
                "]" | ")" => nesting -= 1,
                "," if nesting == 0 => return span(lt.next_code(i), lt.prev_code(var)),
                _ => {}
            }
        }
        at = lt.prev_code(i);
    }
    None
}

fn span(first: Option<usize>, last: Option<usize>) -> Option<RangeInclusive<usize>> {
    match (first, last) {
        (Some(a), Some(b)) if a <= b => Some(a..=b),
        _ => None,
    }
}

/// Whether a default holds a `.` or a `(` (a function or method call).
pub fn has_call(lt: &LintTokens, value: &RangeInclusive<usize>) -> bool {
    value.clone().any(|i| punct(lt, i, ".") || punct(lt, i, "("))
}
