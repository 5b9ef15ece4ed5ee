//! ## What it does
//! Checks that every line is indented by two spaces per level of nesting:
//! one level for each bracket (`{`, `[`, `(`) left open at the end of the
//! line before, one for a resource body after its title's `:` (until its `;`
//! or `}`), and one more for a line that continues an `=` or `=>`. A
//! heredoc's lines are held to the indent of its `|` end marker.
//!
//! ## Why is this bad?
//! Consistent indentation makes nesting visible; mixed widths hide where a
//! block ends and make diffs noisy.
//!
//! ## Example
//! ```puppet
//! class foo {
//!     file { '/tmp/x':
//!       ensure => file,
//!     }
//! }
//! ```
//! Use instead:
//! ```puppet
//! class foo {
//!   file { '/tmp/x':
//!     ensure => file,
//!   }
//! }
//! ```
//!
//! ## How it counts
//! As the upstream plugin does, line by line: several brackets opened on one
//! line and closed together on another count once; brackets opened and closed
//! on the same line not at all. A line that starts with a `#` comment in the
//! first column, and an empty line, is not checked (an indented comment is).
//! When the count goes below zero the plugin gives up on the file with an
//! error (`Error calculating indent...`), and so does this check.
//!
//! ## Fix safety
//! `--fix` rewrites the blanks at the start of the line (or inserts them), and
//! shifts a heredoc's lines, end marker included, by the difference: layout
//! only, but for a heredoc the text changes (Puppet strips the indent of the
//! end marker, so the result is the same unless a line had less indent than
//! the shift removes).
//!
//! ## References
//! The `puppet-lint-strict_indent-check` gem (Vox Pupuli), 5.0.0.

use crate::lint::fix::{Fix, FixAt, Fixer, NoFix, Tok};
use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "strict_indent",
    enabled_by_default: true,
    plugin: Some("puppet-lint-strict_indent-check"),
    fix: Some(Fix {
        apply: fix,
        changes_meaning: false,
    }),
    doc: include_str!("strict_indent.rs"),
    check,
};

const GIVE_UP: &str =
    "Error calculating indent. Please file an issue at https://github.com/relud/puppet-lint-indent-check/issues";

/// Characters per indent level (puppet-lint's `chars_per_indent` default).
const PER_LEVEL: i64 = 2;

fn is(lt: &LintTokens, i: usize, p: &str) -> bool {
    let t = lt.get(i);
    t.kind == LintKind::Punct && t.value == p
}

fn opener(lt: &LintTokens, i: usize) -> bool {
    is(lt, i, "{") || is(lt, i, "[") || is(lt, i, "(")
}

fn closer(lt: &LintTokens, i: usize) -> bool {
    is(lt, i, "}") || is(lt, i, "]") || is(lt, i, ")")
}

/// Ruby's `\s`.
fn ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// The length of the last line of the text the plugin's lexer gives a
/// heredoc's last segment, which starts at `from` in `src`; `end_line` is the
/// start of the end marker's line. `plain`: the plain heredoc's reading
/// (a value ending in a line break counts 0). `None` where the plugin crashes.
fn heredoc_tail(src: &str, from: usize, end_line: usize, plain: bool) -> Option<i64> {
    let seg = src.get(from..end_line)?;
    let line = src.get(end_line..)?;
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let lead = line.len() - line.trim_start_matches(ruby_space).len();
    let value: String = if line[lead..].starts_with('|') {
        // The lexer's value runs to the `|`: the blanks before it included.
        format!("{seg}{}", &line[..lead])
    } else {
        // Without `|` the end marker's match starts at the blanks (line
        // breaks too) before it.
        seg.trim_end_matches(ruby_space).to_string()
    };
    if plain && value.ends_with('\n') {
        return Some(0);
    }
    // Ruby's `split("\n").last`: trailing empty pieces dropped; none left is
    // the plugin's crash.
    let trimmed = value.trim_end_matches('\n');
    if trimmed.is_empty() {
        return None;
    }
    trimmed.rsplit('\n').next().map(|l| l.chars().count() as i64)
}

/// The start of the line that holds the end marker of the heredoc whose
/// (last) text token is at `i`: the start of the line where the next token
/// (the line break after the marker) is, or the end of the source.
fn end_line_start(src: &str, lt: &LintTokens, i: usize) -> usize {
    let end = lt.tokens.get(i + 1).map_or(src.len(), |t| t.start);
    let body = src.get(..end).unwrap_or("");
    body.trim_end_matches(['\r']).rfind('\n').map_or(0, |k| k + 1)
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let src = &ctx.manifest.source.text;
    let n = lt.tokens.len();
    // Lines of the tokens, counted once.
    let mut line = Vec::with_capacity(n);
    let (mut at, mut l) = (0usize, 1usize);
    let bytes = src.as_bytes();
    for t in &lt.tokens {
        let to = t.start.min(bytes.len());
        if to > at {
            l += bytes[at..to].iter().filter(|&&c| c == b'\n').count();
            at = to;
        }
        line.push(l);
    }
    // Brackets matched by kind, as the plugin does (a `}` closes the last
    // open `{`, whatever is between).
    let mut matched: Vec<Option<usize>> = vec![None; n];
    let mut open: [Vec<usize>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let slot = |v: &str| match v {
        "{" | "}" => 0,
        "[" | "]" => 1,
        _ => 2,
    };
    for i in 0..n {
        if opener(lt, i) {
            open[slot(lt.get(i).value)].push(i);
        } else if closer(lt, i) {
            if let Some(o) = open[slot(lt.get(i).value)].pop() {
                matched[i] = Some(o);
                matched[o] = Some(i);
            }
        }
    }
    let mut out = Vec::new();
    let mut indent: i64 = 0;
    let mut colon_indent: Option<usize> = None;
    let mut seen_lines: Vec<usize> = Vec::new();
    for k in (0..n).filter(|&k| lt.get(k).kind == LintKind::Newline && k + 1 < n) {
        let mut temp: i64 = 0;
        let mut open_groups: i64 = 0;
        seen_lines.clear();
        let mut j = k;
        while let Some(p) = j.checked_sub(1) {
            j = p;
            let t = lt.get(j);
            if t.kind == LintKind::Newline {
                break;
            }
            if t.kind == LintKind::HeredocOpen {
                temp += 1;
            }
            if opener(lt, j) {
                match matched[j] {
                    None => open_groups += 1,
                    Some(m) if line[m] > line[j] && !seen_lines.contains(&line[m]) => {
                        open_groups += 1;
                        seen_lines.push(line[m]);
                    }
                    _ => {}
                }
            }
        }
        indent += open_groups;
        // The last token of the line before, but blanks and `#` comments.
        let mut p = k.checked_sub(1);
        while let Some(q) = p {
            let t = lt.get(q);
            if (t.kind == LintKind::Whitespace && !lt.is_indent(q)) || t.kind == LintKind::Comment {
                p = q.checked_sub(1);
            } else {
                break;
            }
        }
        if let Some(q) = p {
            if is(lt, q, ":") {
                if open_groups == 0 && colon_indent.is_none() {
                    colon_indent = Some(line[q]);
                    indent += 1;
                }
            } else if is(lt, q, ";") {
                if colon_indent.take().is_some() {
                    indent -= 1;
                }
            } else if is(lt, q, "=") || is(lt, q, "=>") {
                temp += 1;
            }
        }
        // Closing brackets on this line.
        seen_lines.clear();
        let mut j = k + 1;
        while j < n && lt.get(j).kind != LintKind::Newline {
            if closer(lt, j) {
                if let Some(m) = matched[j] {
                    if line[m] < line[j] && !seen_lines.contains(&line[m]) {
                        indent -= 1;
                        seen_lines.push(line[m]);
                    }
                    if is(lt, j, "}") && colon_indent.is_some_and(|c| line[m] < c) {
                        indent -= 1;
                        colon_indent = None;
                    }
                }
            } else if is(lt, j, ";")
                && colon_indent.is_some()
                && (lt.get(j - 1).kind == LintKind::Newline || lt.is_indent(j - 1))
                && (j + 1 == n || lt.get(j + 1).kind == LintKind::Newline)
            {
                temp -= 1;
            }
            j += 1;
        }
        let next = k + 1;
        let t = lt.get(next);
        if indent < 0 {
            out.push(ctx.problem(RULE.name, Kind::Error, GIVE_UP, t.start));
            break;
        }
        let actual = match t.kind {
            LintKind::Whitespace if lt.is_indent(next) => Some(t.value.trim_end_matches('\r').chars().count() as i64),
            LintKind::Heredoc => heredoc_tail(src, t.start, end_line_start(src, lt, next), true),
            LintKind::HeredocPre => {
                let mut j = next;
                while j < n && !matches!(lt.get(j).kind, LintKind::Newline | LintKind::HeredocPost) {
                    j += 1;
                }
                if j < n && lt.get(j).kind == LintKind::HeredocPost {
                    let from = value_offset(src, lt, j);
                    heredoc_tail(src, from, end_line_start(src, lt, j), false)
                } else {
                    Some(0)
                }
            }
            _ => Some(0),
        };
        let expected = (indent + temp) * PER_LEVEL;
        // Where the plugin crashes (an empty heredoc text): nothing.
        let Some(actual) = actual else { continue };
        if actual == expected || matches!(t.kind, LintKind::Comment | LintKind::Newline) {
            continue;
        }
        let message = format!("indent should be {expected} chars and is {actual}");
        out.push(ctx.problem(RULE.name, Kind::Warning, &message, t.start));
    }
    out
}

/// Where a token's value starts in the source (after a `}` it is placed at).
fn value_offset(src: &str, lt: &LintTokens, i: usize) -> usize {
    let t = lt.get(i);
    let base = src.as_ptr() as usize;
    let v = t.value.as_ptr() as usize;
    if v >= base && v <= base + src.len() {
        v - base
    } else {
        t.start
    }
}

/// The expected and actual widths in the message.
fn widths(message: &str) -> Option<(i64, i64)> {
    let rest = message.strip_prefix("indent should be ")?;
    let (expected, rest) = rest.split_once(" chars and is ")?;
    Some((expected.parse().ok()?, rest.parse().ok()?))
}

/// The plugin's line shift: each line split on line breaks (trailing empty
/// pieces dropped, as Ruby's `split` does), empty ones kept, the first kept
/// when `skip`, the others with `change` blanks added or that many
/// characters removed.
fn shift_lines(value: &str, change: i64, mut skip: bool) -> String {
    let trimmed = value.trim_end_matches('\n');
    if trimmed.is_empty() {
        return String::new();
    }
    let mut lines = Vec::new();
    for l in trimmed.split('\n') {
        if skip || l.is_empty() {
            skip = false;
            lines.push(l.to_string());
        } else if change < 0 {
            let cut = usize::try_from(-change).unwrap_or(usize::MAX);
            lines.push(l.chars().skip(cut).collect());
        } else {
            lines.push(format!("{}{l}", " ".repeat(usize::try_from(change).unwrap_or(0))));
        }
    }
    lines.join("\n")
}

/// Shifts the value part of a fixer token (its text is prefix, value, rest).
fn shift_token(f: &mut Fixer, at: &FixAt, pos: usize, change: i64, skip: bool, with_rest: bool) -> Result<(), NoFix> {
    let orig = f.toks[pos].orig.ok_or(NoFix)?;
    let t = at.lt.get(orig);
    let src = &at.ctx.manifest.source.text;
    let prefix = value_offset(src, at.lt, orig).checked_sub(t.start).ok_or(NoFix)?;
    let text = f.toks[pos].text.clone();
    let value_end = prefix + t.value.len();
    let (head, value, rest) = (
        text.get(..prefix).ok_or(NoFix)?,
        text.get(prefix..value_end).ok_or(NoFix)?,
        text.get(value_end..).ok_or(NoFix)?,
    );
    let new = if with_rest {
        // The end marker's line is part of what the plugin shifts.
        format!("{head}{}", shift_lines(&format!("{value}{rest}"), change, skip))
    } else {
        format!("{head}{}{rest}", shift_lines(value, change, skip))
    };
    f.toks[pos].text = new;
    Ok(())
}

fn fix(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let (expected, actual) = widths(&at.problem.message).ok_or(NoFix)?;
    let pos = at.token.and_then(|i| f.pos(i)).ok_or(NoFix)?;
    let change = expected - actual;
    let spaces = " ".repeat(usize::try_from(expected).map_err(|_| NoFix)?);
    match f.toks[pos].kind {
        LintKind::Whitespace => {
            let t = &mut f.toks[pos];
            let cr = t.text.len() - t.text.trim_end_matches('\r').len();
            t.text = format!("{spaces}{}", &t.text[t.text.len() - cr..]);
            t.value = spaces;
        }
        LintKind::Heredoc => shift_token(f, at, pos, change, false, true)?,
        LintKind::HeredocPre => {
            shift_token(f, at, pos, change, false, false)?;
            let mut j = pos + 1;
            while j < f.toks.len() && f.toks[j].kind != LintKind::HeredocPost {
                if f.toks[j].kind == LintKind::HeredocMid {
                    shift_token(f, at, j, change, true, false)?;
                }
                j += 1;
            }
            if j < f.toks.len() {
                shift_token(f, at, j, change, true, true)?;
            }
        }
        _ => {
            let mut t = Tok::new(LintKind::Whitespace, &spaces, true);
            t.text = spaces;
            f.toks.insert(pos, t);
        }
    }
    Ok(())
}
