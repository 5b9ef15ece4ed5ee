//! ## What it does
//! `relative_classname_inclusion` finds class names written with a leading
//! `::` where a class is declared or inherited: `include ::apache`,
//! `contain ::ntp`, `require ::foo` (and their function-call forms),
//! `class { '::nginx': }`, `class b inherits ::a`.
//! `relative_classname_reference` finds them in class references:
//! `Class['::apache']`.
//!
//! On an `include`/`contain`/`require` line every bare word and
//! single-quoted string up to the end of the line counts, except a function's
//! name and its last argument; a double-quoted name is not looked at.
//!
//! ## Why is this bad?
//! Since Puppet 4 class names are always absolute: `::apache` and `apache`
//! are the same class, and the `::` is noise left over from Puppet 3.
//!
//! ## Example
//! ```puppet
//! include ::apache
//! Class['::apache'] -> Class['site']
//! ```
//! Use instead:
//! ```puppet
//! include apache
//! Class['apache'] -> Class['site']
//! ```
//!
//! ## Fix safety
//! `--fix` drops the leading `::` of each name it reports. Unlike upstream it
//! drops it only once when a name is reported twice (`include ::a include ::b`
//! reports `::b` twice; upstream then eats two more characters of the name).
//! Upstream stops with an error when such a line ends the file without a line
//! break; here the line ends with the file.
//!
//! ## References
//! The `puppet-lint-absolute_classname-check` gem (5.0.0), part of Vox Pupuli's
//! plugin set.

use crate::lint::fix::{Fix, FixAt, Fixer, NoFix};
use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{Context, Kind, Problem, Rule};

/// `relative_classname_inclusion`.
pub const INCLUSION: Rule = Rule {
    name: "relative_classname_inclusion",
    enabled_by_default: true,
    plugin: Some("puppet-lint-absolute_classname-check"),
    fix: Some(Fix {
        apply: fix,
        changes_meaning: true,
    }),
    doc: include_str!("absolute_classname.rs"),
    check: inclusion,
};

/// `relative_classname_reference`.
pub const REFERENCE: Rule = Rule {
    name: "relative_classname_reference",
    enabled_by_default: true,
    plugin: Some("puppet-lint-absolute_classname-check"),
    fix: Some(Fix {
        apply: fix,
        changes_meaning: true,
    }),
    doc: include_str!("absolute_classname.rs"),
    check: reference,
};

fn absolute(lt: &LintTokens, i: usize, kinds: &[LintKind]) -> bool {
    let t = lt.get(i);
    kinds.contains(&t.kind) && t.value.starts_with("::")
}

fn inclusion(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let n = lt.tokens.len();
    // Upstream reads from each `include` to the end of its line, from each
    // `class {` to the next `:`: a second one inside what the first read is
    // read again, and its names reported again (`include ::a include ::b`
    // reports `::b` twice), in time that grows as the square of such a line.
    // Read once here: a trigger inside what an earlier one read is skipped.
    let mut read_to = 0;
    for (i, t) in lt.tokens.iter().enumerate() {
        if i < read_to {
            continue;
        }
        if matches!(t.kind, LintKind::Name | LintKind::FunctionName)
            && matches!(t.value, "include" | "contain" | "require")
        {
            let Some(first) = lt.next_code(i) else { continue };
            if lt.get(first).kind == LintKind::Punct && lt.get(first).value == "=>" {
                continue;
            }
            // Every token to the end of the line (or of the file: upstream
            // fails there), with a count of the function calls open.
            let mut in_function = 0usize;
            let mut s = first;
            while s < n && lt.get(s).kind != LintKind::Newline {
                let tok = lt.get(s);
                if matches!(tok.kind, LintKind::Name | LintKind::FunctionName | LintKind::SString) {
                    let next = lt.next_code(s).map(|k| lt.get(k));
                    if next.is_some_and(|x| x.kind == LintKind::Punct && x.value == "(") {
                        in_function += 1;
                    } else if in_function > 0 && next.is_some_and(|x| x.kind == LintKind::Punct && x.value == ")") {
                        in_function -= 1;
                    } else if in_function == 0 && tok.value.starts_with("::") {
                        found.push(tok.start);
                    }
                }
                s += 1;
            }
            read_to = s;
        } else if t.kind == LintKind::Keyword && t.value == "class" {
            let Some(first) = lt.next_code(i).filter(|&k| lt.get(k).is("{")) else {
                continue;
            };
            let mut s = first;
            while s < n && !(lt.get(s).kind == LintKind::Punct && lt.get(s).value == ":") {
                if absolute(lt, s, &[LintKind::Name, LintKind::SString]) {
                    found.push(lt.get(s).start);
                }
                s += 1;
            }
            read_to = s;
        } else if t.kind == LintKind::Keyword && t.value == "inherits" {
            if let Some(s) = lt.next_code(i).filter(|&k| absolute(lt, k, &[LintKind::Name])) {
                found.push(lt.get(s).start);
            }
        }
    }
    found
        .into_iter()
        .map(|at| {
            ctx.problem(
                INCLUSION.name,
                Kind::Warning,
                "class included by absolute name (::$class)",
                at,
            )
        })
        .collect()
}

fn reference(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let n = lt.tokens.len();
    // A `Class[` inside what an earlier one read (to its `]`) is not read
    // again (upstream reads and reports it again).
    let mut read_to = 0;
    for (i, t) in lt.tokens.iter().enumerate() {
        if i < read_to || t.kind != LintKind::Type || t.value != "Class" {
            continue;
        }
        let Some(first) = lt
            .next_code(i)
            .filter(|&k| lt.get(k).kind == LintKind::Punct && lt.get(k).value == "[")
        else {
            continue;
        };
        let mut s = first;
        while s < n && !(lt.get(s).kind == LintKind::Punct && lt.get(s).value == "]") {
            if absolute(lt, s, &[LintKind::Name, LintKind::SString]) {
                found.push(ctx.problem(
                    REFERENCE.name,
                    Kind::Warning,
                    "absolute class name reference",
                    lt.get(s).start,
                ));
            }
            s += 1;
        }
        read_to = s;
    }
    found
}

/// Drops the leading `::` of the name or string the problem is at.
fn fix(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let pos = f.pos(at.token.ok_or(NoFix)?).ok_or(NoFix)?;
    let t = &mut f.toks[pos];
    let value = t.value.strip_prefix("::").ok_or(NoFix)?.to_string();
    t.text = match t.kind {
        LintKind::SString => format!("'{value}'"),
        LintKind::Name | LintKind::FunctionName => value.clone(),
        _ => return Err(NoFix),
    };
    t.value = value;
    Ok(())
}
