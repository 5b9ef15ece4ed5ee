//! ## What it does
//! Finds `=>` arrows not aligned with the others of the same resource body or
//! hash, when those span several lines. The expected column is one past the
//! longest attribute name (two names on one line count as one, joined).
//!
//! ## Why is this bad?
//! Aligned arrows make a resource read as a table of attributes and values;
//! a misaligned one hides in it.
//!
//! ## Example
//! ```puppet
//! file { '/etc/motd':
//!   ensure => file,
//!   mode => '0644',
//! }
//! ```
//! Use instead:
//! ```puppet
//! file { '/etc/motd':
//!   ensure => file,
//!   mode   => '0644',
//! }
//! ```
//!
//! ## References
//! puppet-lint `arrow_alignment`; the Puppet style guide, "Spacing, indentation, and whitespace".

use crate::lint::tokens::LintKind;
use crate::lint::{resources, Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "arrow_alignment",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("arrow_alignment.rs"),
    check,
};

/// One `{}` level of a resource body: the arrows seen, the column they should
/// be in, and where its first attribute name starts.
#[derive(Default, Clone)]
struct Level {
    arrows: Vec<usize>,
    column: usize,
    param_column: Option<usize>,
}

/// A misaligned arrow as puppet-lint's fix sees it.
#[derive(Debug, Clone, Copy)]
pub struct Misaligned {
    /// Index of the `=>` in puppet-lint's tokens.
    pub arrow: usize,
    /// The column it should be in.
    pub expected: usize,
    /// Whether another arrow of its level comes before it on its line (the fix
    /// then breaks the line before its attribute).
    pub newline: bool,
    /// The indentation the fix gives a broken line: the level's first
    /// attribute's column less one.
    pub newline_indent: usize,
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    misaligned(ctx)
        .into_iter()
        .map(|m| {
            let found = ctx.line_col(lt.get(m.arrow).start).1;
            ctx.problem(
                RULE.name,
                Kind::Warning,
                &format!(
                    "indentation of => is not properly aligned (expected in column {}, but found it in column {found})",
                    m.expected
                ),
                lt.get(m.arrow).start,
            )
        })
        .collect()
}

/// Every misaligned arrow, in puppet-lint's order.
pub fn misaligned(ctx: &Context) -> Vec<Misaligned> {
    let (Some(lt), Some(resources)) = (ctx.lint(), resources(ctx)) else {
        return Vec::new();
    };
    let text = &ctx.manifest.source.text;
    let pos = |i: usize| ctx.line_col(lt.get(i).start);
    // A token's length as puppet-lint writes it back: up to the next token.
    let chars = |from: usize, to: usize| {
        let end = lt.tokens.get(to + 1).map_or(text.len(), |t| t.start);
        text.get(lt.get(from).start..end).map_or(0, |s| s.chars().count())
    };
    let mut out = Vec::new();
    for r in resources {
        let body: Vec<usize> = (r.colon..=r.end)
            .filter(|&i| {
                !matches!(
                    lt.get(i).kind,
                    LintKind::Comment | LintKind::MlComment | LintKind::SlashComment
                )
            })
            .collect();
        // One-line bodies are left alone.
        let arrows: Vec<usize> = body.iter().copied().filter(|&i| lt.get(i).is("=>")).collect();
        match (arrows.first(), arrows.last()) {
            (Some(&a), Some(&b)) if pos(a).0 != pos(b).0 => {}
            _ => continue,
        }
        let mut levels = vec![Level::default()];
        let mut level = 0usize;
        for &i in &body {
            let t = lt.get(i);
            if t.is("=>") {
                let Some(param) = lt.prev_code(i) else { continue };
                // A double-quoted name counts from its opening quote.
                let first = if lt.get(param).kind == LintKind::DqPost {
                    (0..param)
                        .rev()
                        .find(|&j| lt.get(j).kind == LintKind::DqPre)
                        .unwrap_or(param)
                } else {
                    param
                };
                let lv = &mut levels[level];
                let param_column = *lv.param_column.get_or_insert(pos(first).1);
                let line = pos(i).0;
                // The level's arrows come in order: one on this line is the last one.
                let column = if lv.arrows.last().is_some_and(|&a| pos(a).0 == line) {
                    param_column + chars(first, param) + 1
                } else {
                    pos(param).1 + chars(param, param) + 1
                };
                lv.column = lv.column.max(column);
                lv.arrows.push(i);
            } else if t.is("{") {
                level += 1;
                if levels.len() <= level {
                    levels.push(Level::default());
                }
            } else if t.is("}") || t.is(";") {
                let lv = std::mem::take(&mut levels[level]);
                let mut lines: Vec<usize> = lv.arrows.iter().map(|&a| pos(a).0).collect();
                lines.dedup();
                lines.sort_unstable();
                lines.dedup();
                if lines.len() > 1 {
                    let mut previous_line = None;
                    for &a in &lv.arrows {
                        let (line, found) = pos(a);
                        let first_on_line = previous_line != Some(line);
                        previous_line = Some(line);
                        if found == lv.column {
                            continue;
                        }
                        out.push(Misaligned {
                            arrow: a,
                            expected: lv.column,
                            newline: !first_on_line,
                            newline_indent: lv.param_column.unwrap_or(1).saturating_sub(1),
                        });
                    }
                }
                // Past the body's end puppet-lint's level is -1: nothing more follows.
                match level.checked_sub(1) {
                    Some(l) => level = l,
                    None => break,
                }
            }
        }
    }
    out
}
