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

use crate::lint::{unenclosed_variables, Context, Kind, Problem, Rule};
use crate::puppet::lexer::TokenKind;

/// The rule.
pub const RULE: Rule = Rule {
    name: "variables_not_enclosed",
    enabled_by_default: true,
    plugin: None,
    fix: None,
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
                (t.span.start as usize + 1, crate::puppet::lexer::unquote(text))
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
        for (at, _) in unenclosed_variables(body) {
            out.push(ctx.problem(RULE.name, Kind::Warning, "variable not enclosed in {}", start + at));
        }
    }
    out
}
