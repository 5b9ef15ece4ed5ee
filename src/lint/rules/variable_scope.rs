//! ## What it does
//! Finds variables used in a class or defined type without a namespace that
//! are neither its parameters, nor assigned in it (or in an earlier class or
//! define of the file), nor lambda parameters, nor Puppet's own (`$name`,
//! `$facts`, `$trusted`...).
//!
//! ## Why is this bad?
//! Such a variable comes from the top scope, or from nowhere (it is then
//! `undef`, silently). `$facts['x']` or `$::x` says where it comes from.
//!
//! ## Example
//! ```puppet
//! class motd {
//!   file { '/etc/motd':
//!     content => $fqdn,
//!   }
//! }
//! ```
//! Use instead:
//! ```puppet
//! class motd {
//!   file { '/etc/motd':
//!     content => $facts['networking']['fqdn'],
//!   }
//! }
//! ```
//!
//! ## References
//! puppet-lint `variable_scope`; the Puppet style guide, "Namespacing variables".

use crate::lint::tokens::LintKind;
use crate::lint::{lint_definitions, Context, Kind, Problem, Rule};
use std::collections::{HashMap, HashSet};

/// The rule.
pub const RULE: Rule = Rule {
    name: "variable_scope",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("variable_scope.rs"),
    check,
};

/// Variables every class and define has.
const DEFAULT_SCOPE_VARS: [&str; 24] = [
    "name",
    "title",
    "module_name",
    "environment",
    "clientcert",
    "clientversion",
    "servername",
    "serverip",
    "serverversion",
    "caller_module_name",
    "alias",
    "audit",
    "before",
    "loglevel",
    "noop",
    "notify",
    "require",
    "schedule",
    "stage",
    "subscribe",
    "tag",
    "facts",
    "trusted",
    "server_facts",
];

/// A variable's name without a trailing `[...]` index (from the first `[`).
fn base_name(value: &str) -> &str {
    match value.find('[') {
        Some(k) if value.ends_with(']') && value.len() > k + 2 => &value[..k],
        _ => value,
    }
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let line = |i: usize| ctx.line_col(lt.get(i).start).0;
    // What is in scope accumulates over the file's classes and defines, in
    // puppet-lint's order (classes first).
    let mut in_scope: HashSet<&str> = DEFAULT_SCOPE_VARS.into_iter().collect();
    let mut out = Vec::new();
    for d in lint_definitions(ctx) {
        for i in d.params.clone().into_iter().flatten() {
            let follows = lt.next_code(i).map(|n| lt.get(n));
            if lt.get(i).kind == LintKind::Variable && follows.is_some_and(|n| n.is(",") || n.is("=") || n.is(")")) {
                in_scope.insert(lt.get(i).value);
            }
        }
        let mut referenced = Vec::new();
        // Lambda parameters, by the lines of the lambda's body.
        let mut lambda_scopes: HashMap<usize, Vec<&str>> = HashMap::new();
        let mut in_pipe = false;
        let mut block_params: Vec<Vec<&str>> = Vec::new();
        for i in d.start..=d.end {
            let t = lt.get(i);
            if t.is("=") {
                let Some(p) = lt.prev_code(i) else { continue };
                if lt.get(p).kind == LintKind::Variable {
                    in_scope.insert(lt.get(p).value);
                } else if lt.get(p).is("]") {
                    // `[$a, $b] = ...`
                    let mut depth = 0;
                    let mut at = i;
                    while let Some(p) = lt.prev_code(at) {
                        at = p;
                        let t = lt.get(p);
                        if t.kind == LintKind::Variable {
                            in_scope.insert(t.value);
                        } else if t.is("]") {
                            depth += 1;
                        } else if t.is("[") {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        } else if !t.is(",") {
                            break;
                        }
                    }
                }
            } else if t.kind == LintKind::Variable {
                match block_params.last_mut() {
                    Some(params) if in_pipe => params.push(t.value),
                    _ => referenced.push(i),
                }
            } else if t.is("|") {
                in_pipe = !in_pipe;
                if in_pipe {
                    block_params.push(Vec::new());
                    continue;
                }
                // The lambda's body: up to the `}` that closes the first `{`.
                let mut depth = 0;
                let end = (i..lt.tokens.len()).find(|&j| {
                    let t = lt.get(j);
                    if t.is("{") {
                        depth += 1;
                    } else if t.is("}") {
                        depth -= 1;
                        return depth == 0;
                    }
                    false
                });
                // puppet-lint fails on a lambda without a body; nothing then.
                let Some(end) = end else {
                    return Vec::new();
                };
                let params = block_params.pop().unwrap_or_default();
                for l in line(i)..=line(end) {
                    lambda_scopes.entry(l).or_default().extend(params.iter().copied());
                }
            }
        }
        for i in referenced {
            let value = lt.get(i).value;
            let base = base_name(value);
            if lambda_scopes.get(&line(i)).is_some_and(|names| names.contains(&base))
                || value.contains("::")
                || ["facts[", "trusted["]
                    .iter()
                    .any(|p| value.starts_with(p) && value.get(p.len() + 1..).is_some_and(|r| r.contains(']')))
                || in_scope.contains(base)
                || (!value.is_empty() && value.bytes().all(|c| c.is_ascii_digit()))
            {
                continue;
            }
            out.push(ctx.problem(
                RULE.name,
                Kind::Warning,
                "top-scope variable being used without an explicit namespace",
                lt.get(i).start,
            ));
        }
    }
    out
}
