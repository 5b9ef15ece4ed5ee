//! ## What it does
//! Finds variables interpolated without braces: `"$name"` instead of `"${name}"`,
//! in double-quoted strings and interpolating heredocs.
//!
//! ## Why is this bad?
//! Without braces the variable's end is guessed from the text after it
//! (`"$name_conf"` is `$name_conf`, not `$name` + `_conf`); braces say it.
//!
//! ## Example
//! ```puppet
//! $path = "/etc/$name.conf"
//! ```
//! Use instead:
//! ```puppet
//! $path = "/etc/${name}.conf"
//! ```
//!
//! ## References
//! puppet-lint `variables_not_enclosed`; the Puppet style guide, "Quoting".

use crate::check::{Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "variables_not_enclosed",
    enabled_by_default: true,
    doc: include_str!("variables_not_enclosed.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let mut out = Vec::new();
    let heredocs = &ctx.manifest.tokens().heredocs;
    for t in ctx.tokens {
        let (start, body) = match t.kind {
            TokenKind::DqString if !ctx.in_variable_index(t.span.start as usize) => {
                let text = ctx.text(t);
                (t.span.start as usize + 1, &text[1..text.len().saturating_sub(1).max(1)])
            }
            TokenKind::HeredocBody => {
                let Some(h) = heredocs.iter().find(|h| h.body == t.span) else {
                    continue;
                };
                let open = &ctx.manifest.source.text[h.open.range()];
                if !open.trim_start_matches("@(").trim_start().starts_with('"') {
                    continue;
                }
                (h.lines.start as usize, &ctx.manifest.source.text[h.lines.range()])
            }
            _ => continue,
        };
        for at in unenclosed(body) {
            out.push(ctx.problem(RULE.name, Kind::Warning, "variable not enclosed in {}", start + at));
        }
    }
    out
}

/// Offsets of `$name` (puppet-lint's pattern, dashes allowed) not inside `${...}`
/// and not after a backslash.
fn unenclosed(body: &str) -> Vec<usize> {
    let b = body.as_bytes();
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'$' if b.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'{' if depth > 0 => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b'$' if depth == 0 && (i == 0 || b[i - 1] != b'\\') => {
                let n = var_len(&b[i + 1..]);
                if n > 0 {
                    found.push(i);
                    i += 1 + n;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// Length of `(::)?(\w+(-\w+)*::)*\w+(-\w+)*` at the start (0 when none).
fn var_len(b: &[u8]) -> usize {
    let w = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let word = |s: usize| -> usize {
        // \w+(-\w+)*
        let mut j = s;
        while j < b.len() && w(b[j]) {
            j += 1;
        }
        if j == s {
            return s;
        }
        while j + 1 < b.len() && b[j] == b'-' && w(b[j + 1]) {
            j += 1;
            while j < b.len() && w(b[j]) {
                j += 1;
            }
        }
        j
    };
    let mut i = if b.starts_with(b"::") { 2 } else { 0 };
    let mut last = 0;
    loop {
        let e = word(i);
        if e == i {
            return last;
        }
        last = e;
        if b[e..].starts_with(b"::") {
            i = e + 2;
        } else {
            return last;
        }
    }
}
