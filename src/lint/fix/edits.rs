//! The token edits each fixable check makes, as puppet-lint 3.0.1 makes them.

use super::*;
use crate::lint::rules::{legacy_facts, top_scope_facts};

/// `arrow_on_right_operand_line`: moves a `->`/`~>` from the end of the left
/// operand's line to just before the right operand, with a space after it,
/// and drops the blanks it leaves after the left operand.
pub(super) fn arrow_on_right(f: &mut Fixer, i: usize) -> Result<(), NoFix> {
    let at = f.pos(i).ok_or(NoFix)?;
    let left = f.prev_code(at).ok_or(NoFix)?;
    let right = f.next_code(at).ok_or(NoFix)?;
    let (left_id, right_id) = (f.toks[left].orig, f.toks[right].orig);
    let find = |f: &Fixer, id: Option<usize>, fallback: usize| id.and_then(|o| f.pos(o)).unwrap_or(fallback);
    let arrow = f.remove(at);
    let right = find(f, right_id, right - 1);
    f.toks.insert(right, arrow);
    f.toks.insert(right + 1, Tok::new(LintKind::Whitespace, " ", false));
    let left = find(f, left_id, left);
    if let Some(ws) = f.toks.get(left + 1).filter(|t| t.kind == LintKind::Whitespace) {
        let _ = ws;
        let after = f.toks.get(left + 2).map(|t| t.kind);
        if matches!(after, Some(LintKind::Newline | LintKind::Whitespace)) {
            f.remove(left + 1);
        }
    }
    Ok(())
}

/// `legacy_facts`: the variable becomes the structured fact (a `facts` whose
/// `['key']` follows as tokens loses them first). The facts no structured
/// fact holds are left, not fixed (puppet-lint reports them fixed unchanged,
/// and deletes the key of an interpolated `${facts['memoryfree_mb']}`).
pub(super) fn legacy_fact(f: &mut Fixer, lt: &LintTokens, i: usize) -> Result<(), NoFix> {
    let (name, split) = legacy_facts::fact_of(lt, i).ok_or(NoFix)?;
    let value = legacy_facts::replacement(&name).ok_or(NoFix)?;
    let at = f.pos(i).ok_or(NoFix)?;
    if split {
        while at + 1 < f.toks.len() {
            if f.remove(at + 1).punct("]") {
                break;
            }
        }
    }
    set_variable(f, at, value);
    Ok(())
}

/// `top_scope_facts`: `$::x` becomes `$facts['x']`, `$::x['a']` `$facts['x']['a']`
/// (puppet-lint 4.2's fix).
pub(super) fn top_scope_fact(f: &mut Fixer, lt: &LintTokens, i: usize) -> Result<(), NoFix> {
    let name = top_scope_facts::top_scope_name(lt, i).ok_or(NoFix)?;
    let (fact, rest) = match name.find('[') {
        Some(k) => (&name[..k], &name[k..]),
        None => (name, ""),
    };
    let value = format!("facts['{fact}']{rest}");
    let at = f.pos(i).ok_or(NoFix)?;
    if !f.toks[at].value.starts_with("::") {
        // `legacy_facts` has made it the structured fact already, which
        // fixes this problem too: the legacy name under `$facts` would be
        // undef on Facter 4 (puppet-lint writes `$facts['facts']['ssh']['dsa']['key']`).
        return Ok(());
    }
    set_variable(f, at, value);
    Ok(())
}

/// Gives the variable token at `at` a new value (puppet-lint's `to_manifest`:
/// `$value`, or the bare value as an interpolation's first token, or `${value}`
/// where a fix enclosed it).
pub fn set_variable(f: &mut Fixer, at: usize, value: String) {
    let in_interpolation = f.prev_code(at).is_some_and(|p| {
        matches!(
            f.toks[p].kind,
            LintKind::DqPre | LintKind::DqMid | LintKind::HeredocPre | LintKind::HeredocMid
        )
    });
    let t = &mut f.toks[at];
    let enclosed = t.text.starts_with("${") && t.text.ends_with('}');
    if enclosed {
        t.text = format!("${{{value}}}");
    } else if t.kind == LintKind::UnencVariable || !in_interpolation {
        t.text = format!("${value}");
    } else if !t.text.starts_with('$') {
        // `${$x}` keeps its raw text in puppet-lint: only a bare name changes.
        t.text = value.clone();
    }
    t.value = value;
}

/// `star_comments`: a `/* */` comment becomes `#` comments, one a line, each
/// indented as the text before the comment (puppet-lint copies the previous
/// token, whatever it is).
pub(super) fn star_comment(f: &mut Fixer, i: usize) -> Result<(), NoFix> {
    let at = f.pos(i).ok_or(NoFix)?;
    // puppet-lint's MLCOMMENT value: `/* ?` and ` ?*/` gone, `^ *\*` gone.
    let raw = f.toks[at].value.clone();
    let inner = raw.strip_prefix("/*").unwrap_or(&raw);
    let inner = inner.strip_prefix(' ').unwrap_or(inner);
    let inner = inner.strip_suffix("*/").unwrap_or(inner);
    let inner = inner.strip_suffix(' ').unwrap_or(inner);
    let value: Vec<String> = inner
        .split('\n')
        .map(|l| {
            let t = l.trim_start_matches(' ');
            t.strip_prefix('*').map_or_else(|| l.to_string(), str::to_string)
        })
        .collect();
    let value = value.join("\n");
    let mut lines: Vec<&str> = ruby_strip(&value).split('\n').map(ruby_strip).collect();
    while lines.last() == Some(&"") {
        lines.pop();
    }
    if ruby_strip(&value).is_empty() {
        lines.clear();
    }
    let first = if lines.is_empty() { "" } else { lines.remove(0) };
    // The comment's own text ran to the next token; nothing may follow it on
    // its line but blanks, which the next token holds.
    let t = &mut f.toks[at];
    t.kind = LintKind::Comment;
    t.value = format!(" {first}");
    t.text = format!("# {first}");
    let indent = at.checked_sub(1).map(|p| f.toks[p].value.clone());
    // puppet-lint inserts before the next token, or at 1 when there is none.
    let index = if at + 1 < f.toks.len() { at + 1 } else { 1 };
    for line in lines.iter().rev() {
        f.toks
            .insert(index, Tok::new(LintKind::Comment, &format!("# {line}"), false));
        if let Some(indent) = &indent {
            f.toks.insert(index, Tok::new(LintKind::Whitespace, indent, true));
        }
        f.toks.insert(index, Tok::new(LintKind::Newline, "\n", false));
    }
    Ok(())
}

/// Ruby's `String#strip`.
fn ruby_strip(s: &str) -> &str {
    s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | '\0'))
}

/// `ensure_first_param`: swaps the first attribute (from its name to before
/// its comma) with `ensure` (the same).
pub(super) fn ensure_first(f: &mut Fixer, first_param: usize) -> Result<(), NoFix> {
    let first = f.pos(first_param).ok_or(NoFix)?;
    let first_comma = f.token_of(first, true, &|t| t.punct(",")).ok_or(NoFix)?;
    let ensure = f
        .token_of(first_comma, true, &|t| t.is(LintKind::Name, "ensure"))
        .ok_or(NoFix)?;
    let ensure_comma = f
        .token_of(ensure, true, &|t| t.punct(",") || t.punct(";"))
        .ok_or(NoFix)?;
    let ensure_part: Vec<Tok> = f.toks.drain(ensure..ensure_comma).collect();
    let first_part: Vec<Tok> = f.toks.drain(first..first_comma).collect();
    let (el, fl) = (ensure_part.len(), first_part.len());
    for t in ensure_part.into_iter().rev() {
        f.toks.insert(first, t);
    }
    let at = ensure + el - fl;
    for t in first_part.into_iter().rev() {
        f.toks.insert(at, t);
    }
    Ok(())
}

/// `ensure_not_symlink_target`: `ensure => '/x'` becomes `ensure =>
/// symlink,` and `target => '/x'` on the next line, indented as `ensure`.
pub(super) fn symlink_target(f: &mut Fixer, value: usize, ensure: usize) -> Result<(), NoFix> {
    let at = f.pos(value).ok_or(NoFix)?;
    let e = f.pos(ensure).ok_or(NoFix)?;
    let indent = e.checked_sub(1).map(|p| f.toks[p].value.clone()).unwrap_or_default();
    let new = [
        Tok::new(LintKind::Name, "symlink", false),
        Tok::new(LintKind::Punct, ",", false),
        Tok::new(LintKind::Newline, "\n", false),
        Tok::new(LintKind::Whitespace, &indent, true),
        Tok::new(LintKind::Name, "target", false),
        Tok::new(LintKind::Whitespace, " ", false),
        Tok::new(LintKind::Punct, "=>", false),
        Tok::new(LintKind::Whitespace, " ", false),
    ];
    for t in new.into_iter().rev() {
        f.toks.insert(at, t);
    }
    Ok(())
}

/// `only_variable_string`: `"${x}"` becomes `$x` (the string's empty start
/// and end go).
pub(super) fn only_variable(f: &mut Fixer, lt: &LintTokens, v: usize) -> Result<(), NoFix> {
    let start = v.checked_sub(1).ok_or(NoFix)?;
    let mut end = start + 2;
    while lt.tokens.get(end).is_some_and(|t| t.is("[")) {
        end += 3;
    }
    if lt.tokens.get(end).is_none_or(|t| t.kind != LintKind::DqPost) {
        return Err(NoFix);
    }
    for i in [start, end] {
        if let Some(at) = f.pos(i) {
            f.remove(at);
        }
    }
    let at = f.pos(v).ok_or(NoFix)?;
    let t = &mut f.toks[at];
    t.kind = LintKind::Variable;
    t.text = format!("${}", t.value);
    Ok(())
}

/// `variables_not_enclosed`: `"$x"` becomes `"${x}"`, taking a `[...]` index
/// that follows into the braces and leaving a dashed tail outside.
pub(super) fn enclose_variable(f: &mut Fixer, i: usize) -> Result<(), NoFix> {
    let at = f.pos(i).ok_or(NoFix)?;
    let in_string = at.checked_sub(1).is_some_and(|p| {
        matches!(
            f.toks[p].kind,
            LintKind::DqPre | LintKind::DqMid | LintKind::HeredocPre | LintKind::HeredocMid
        )
    });
    if !in_string {
        // Already out of its string (only_variable_string): a plain variable.
        let t = &mut f.toks[at];
        t.kind = LintKind::Variable;
        t.text = format!("${}", t.value);
        return Ok(());
    }
    let mut name = f.toks[at].value.clone();
    let mut reference = String::new();
    let next_is_string = f.toks.get(at + 1).is_some_and(|t| {
        matches!(
            t.kind,
            LintKind::DqMid | LintKind::DqPost | LintKind::HeredocMid | LintKind::HeredocPost
        )
    });
    if next_is_string && f.toks[at + 1].value.starts_with('[') {
        // puppet-lint's extract_hash_or_array_ref: brackets, balanced, repeated.
        let value: Vec<char> = f.toks[at + 1].value.chars().collect();
        let mut depth = 0i32;
        let mut k = 0;
        while k < value.len() {
            let c = value[k];
            reference.push(c);
            k += 1;
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ => {}
            }
            if depth == 0 && value.get(k) != Some(&'[') {
                break;
            }
        }
        let cut: usize = reference.len();
        let next = &mut f.toks[at + 1];
        next.value = next.value[cut..].to_string();
        next.text = next.text[cut..].to_string();
    }
    let mut tail = String::new();
    if let Some((head, rest)) = name.split_once('-') {
        tail = format!("-{rest}");
        name = head.to_string();
    }
    let t = &mut f.toks[at];
    t.kind = LintKind::Variable;
    t.text = format!("${{{name}{reference}}}{tail}");
    Ok(())
}

/// `arrow_alignment`: pads the blanks before a `=>` to its expected column;
/// an arrow that is not the first on its line gets its attribute moved to a
/// line of its own first.
pub(super) fn align_arrow(
    f: &mut Fixer,
    i: usize,
    column: usize,
    m: &arrow_alignment::Misaligned,
) -> Result<(), NoFix> {
    let chars = |t: &Tok| t.text.chars().count();
    let at = f.pos(i).ok_or(NoFix)?;
    let new_len = if m.newline {
        let param = f.prev_code(at).ok_or(NoFix)?;
        let before = param.checked_sub(1).ok_or(NoFix)?;
        f.toks.insert(before, Tok::new(LintKind::Newline, "\n", false));
        let ws = before + 1;
        let indent = " ".repeat(m.newline_indent);
        let t = &mut f.toks[ws];
        t.kind = LintKind::Whitespace;
        t.indent = true;
        t.value = indent.clone();
        t.text = indent;
        let param = ws + 1;
        let at = at + 1;
        // From the INDENT (or a NEWLINE) before the arrow to the attribute name.
        let start = (0..at)
            .rev()
            .find(|&j| {
                (f.toks[j].kind == LintKind::Whitespace && f.toks[j].indent) || f.toks[j].kind == LintKind::Newline
            })
            .ok_or(NoFix)?;
        let param_length: usize = f.toks[start..=param].iter().map(chars).sum::<usize>() + 1;
        m.expected as i64 - param_length as i64
    } else {
        let prev = &f.toks[at.checked_sub(1).ok_or(NoFix)?];
        let ws = if prev.kind == LintKind::Whitespace && !prev.indent {
            chars(prev) as i64
        } else {
            0
        };
        ws + m.expected as i64 - column as i64
    };
    if new_len < 0 {
        return Err(NoFix);
    }
    let at = f.pos(i).ok_or(NoFix)?;
    let spaces = " ".repeat(new_len as usize);
    let prev = at - 1;
    if f.toks[prev].kind == LintKind::Whitespace && !f.toks[prev].indent {
        let t = &mut f.toks[prev];
        t.value = spaces.clone();
        t.text = spaces;
    } else {
        f.toks.insert(at, Tok::new(LintKind::Whitespace, &spaces, false));
    }
    Ok(())
}
