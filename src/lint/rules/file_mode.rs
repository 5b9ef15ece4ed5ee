//! ## What it does
//! Two checks on the `mode` of `file` and `concat` resources:
//! `unquoted_file_mode` finds modes written as bare numbers or words
//! (`mode => 644`), and `file_mode` finds modes that are neither four octal
//! digits nor a symbolic mode (`'644'`, `'0o644'`); variables, `undef` and
//! function calls are left alone.
//!
//! ## Why is this bad?
//! A bare `644` is a decimal number to Puppet 4 and later, not octal: the file
//! gets a mode nobody meant. Three digits leave the special bits implicit;
//! four digits in quotes say exactly what the file gets.
//!
//! ## Example
//! ```puppet
//! file { '/etc/motd':
//!   mode => 644,
//! }
//! ```
//! Use instead:
//! ```puppet
//! file { '/etc/motd':
//!   mode => '0644',
//! }
//! ```
//!
//! ## References
//! puppet-lint `unquoted_file_mode` and `file_mode`; the Puppet style guide, "File modes".

use crate::lint::tokens::{LintKind, LintToken, LintTokens};
use crate::lint::{resources, Context, Kind, Problem, Rule};

/// `unquoted_file_mode`.
pub const UNQUOTED: Rule = Rule {
    name: "unquoted_file_mode",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("file_mode.rs"),
    check: check_unquoted,
};

/// `file_mode`.
pub const FORMAT: Rule = Rule {
    name: "file_mode",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("file_mode.rs"),
    check: check_format,
};

/// The `mode` values of `file` and `concat` resources, per resource in order.
fn mode_values<'t, 'a>(lt: &'t LintTokens<'a>, ctx: &Context) -> Vec<Vec<&'t LintToken<'a>>> {
    let Some(resources) = resources(ctx) else {
        return Vec::new();
    };
    resources
        .iter()
        .filter(|r| matches!(lt.get(r.type_token).value, "file" | "concat"))
        .map(|r| {
            r.params
                .iter()
                .filter(|&&p| lt.get(p).value == "mode")
                .filter_map(|&p| lt.next_code(p).and_then(|arrow| lt.next_code(arrow)))
                .map(|v| lt.get(v))
                .collect()
        })
        .collect()
}

fn check_unquoted(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    mode_values(lt, ctx)
        .into_iter()
        .flatten()
        .filter(|v| matches!(v.kind, LintKind::Name | LintKind::Number))
        .map(|v| ctx.problem(UNQUOTED.name, Kind::Warning, "unquoted file mode", v.start))
        .collect()
}

fn check_format(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for values in mode_values(lt, ctx) {
        // puppet-lint stops at the first value it accepts or cannot judge.
        for v in values {
            if matches!(v.kind, LintKind::Variable | LintKind::FunctionName) || v.is("undef") || valid_mode(v.value) {
                break;
            }
            out.push(ctx.problem(
                FORMAT.name,
                Kind::Warning,
                "mode should be represented as a 4 digit octal value or symbolic mode",
                v.start,
            ));
        }
    }
    out
}

/// Four octal digits, or symbolic clauses `[ugoa]*[-=+][-=+rstwxXugo]*` joined
/// by commas (a final line break allowed, as Ruby's `\Z` does).
fn valid_mode(value: &str) -> bool {
    let v = value.strip_suffix('\n').unwrap_or(value);
    let octal = v.len() == 4 && v.bytes().all(|c| (b'0'..=b'7').contains(&c));
    let symbolic = v.split(',').all(|clause| {
        let rest = clause.trim_start_matches(['u', 'g', 'o', 'a']);
        rest.starts_with(['-', '=', '+']) && rest.chars().all(|c| "-=+rstwxXugo".contains(c))
    });
    octal || symbolic
}

#[cfg(test)]
mod tests {
    use super::valid_mode;

    #[test]
    fn modes() {
        for ok in ["0644", "1777", "u=rwx,g=rx,o=", "a+x", "=", "ug-w\n"] {
            assert!(valid_mode(ok), "{ok}");
        }
        for bad in ["644", "0o644", "06444", "0844", "", "u", "u=rwx,", "rwx"] {
            assert!(!valid_mode(bad), "{bad}");
        }
    }
}
