//! `--fix`: puppet-lint 3.0.1's fixes, made safer.
//!
//! puppet-lint finds every check's problems on the manifest as written, then
//! runs each check's `fix` in check order on one shared token list, and
//! writes the tokens back. This module does the same on puppet-lint's token
//! list (each token holding the source text up to the next one), so the
//! result is byte for byte puppet-lint's. Then, unlike puppet-lint, it parses
//! the result and compares its PN (Puppet's AST) with the original's: a fixed
//! manifest that no longer parses, or means something else than the fixes
//! intend, is not written. Files are written atomically (a temporary file in
//! the same directory, then a rename).

use super::rules::{arrow_alignment, legacy_facts, top_scope_facts};
use super::tokens::{LintKind, LintTokens};
use super::{resources, Context, Problem};
use crate::puppet::Manifest;
use std::path::Path;

/// The checks puppet-lint can fix, in its order.
pub const FIXABLE: [&str; 21] = [
    "arrow_on_right_operand_line",
    "names_containing_uppercase",
    "slash_comments",
    "star_comments",
    "unquoted_node_name",
    "ensure_first_param",
    "ensure_not_symlink_target",
    "file_mode",
    "unquoted_file_mode",
    "unquoted_resource_title",
    "double_quoted_strings",
    "only_variable_string",
    "puppet_url_without_modules",
    "quoted_booleans",
    "variables_not_enclosed",
    "arrow_alignment",
    "hard_tabs",
    "trailing_whitespace",
    "legacy_facts",
    "top_scope_facts",
    "space_before_arrow",
];

/// The fixes that mean to change the program (a `//` comment becomes a
/// comment, a legacy fact the structured fact that replaced it): the program
/// a fix must keep is the original with only these made.
const MEANING_CHANGING: [&str; 3] = ["slash_comments", "legacy_facts", "top_scope_facts"];

/// One token of the list being fixed.
#[derive(Debug, Clone)]
struct Tok {
    kind: LintKind,
    /// puppet-lint's value.
    value: String,
    /// What it writes back (with whatever follows it up to the next token).
    text: String,
    /// puppet-lint's INDENT (blanks first on a line) rather than WHITESPACE.
    indent: bool,
    /// Its index in the original list (`None`: added by a fix).
    orig: Option<usize>,
}

impl Tok {
    fn new(kind: LintKind, value: &str, indent: bool) -> Tok {
        Tok {
            kind,
            value: value.to_string(),
            text: value.to_string(),
            indent,
            orig: None,
        }
    }

    fn formatting(&self) -> bool {
        self.kind.is_formatting()
    }

    fn is(&self, kind: LintKind, value: &str) -> bool {
        self.kind == kind && self.value == value
    }

    fn punct(&self, value: &str) -> bool {
        self.is(LintKind::Punct, value)
    }
}

/// Why a fix does not apply (puppet-lint's `NoFix`).
struct NoFix;

/// The token list being fixed.
struct Fixer {
    toks: Vec<Tok>,
}

impl Fixer {
    /// The tokens of `lt`, each holding the source up to the next token.
    fn new(src: &str, lt: &LintTokens) -> Option<Fixer> {
        let n = lt.tokens.len();
        let mut toks = Vec::with_capacity(n);
        if n == 0 || lt.tokens[0].start != 0 {
            return None;
        }
        for (i, t) in lt.tokens.iter().enumerate() {
            let end = lt.tokens.get(i + 1).map_or(src.len(), |u| u.start);
            if end < t.start {
                return None;
            }
            let indent = t.kind == LintKind::Whitespace && i > 0 && lt.tokens[i - 1].kind == LintKind::Newline;
            toks.push(Tok {
                kind: t.kind,
                value: t.value.to_string(),
                text: src.get(t.start..end)?.to_string(),
                indent,
                orig: Some(i),
            });
        }
        Some(Fixer { toks })
    }

    fn render(&self) -> String {
        self.toks.iter().map(|t| t.text.as_str()).collect()
    }

    /// Where original token `i` is now.
    fn pos(&self, i: usize) -> Option<usize> {
        self.toks.iter().position(|t| t.orig == Some(i))
    }

    fn prev_code(&self, at: usize) -> Option<usize> {
        (0..at).rev().find(|&j| !self.toks[j].formatting())
    }

    fn next_code(&self, at: usize) -> Option<usize> {
        (at + 1..self.toks.len()).find(|&j| !self.toks[j].formatting())
    }

    /// puppet-lint's `next_token_of` / `prev_token_of`: skips whole blocks.
    fn token_of(&self, at: usize, forward: bool, wanted: &dyn Fn(&Tok) -> bool) -> Option<usize> {
        let step = |j: usize| if forward { j.checked_add(1) } else { j.checked_sub(1) };
        let mut j = step(at)?;
        while j < self.toks.len() {
            let t = &self.toks[j];
            if wanted(t) {
                return Some(j);
            }
            let pairs = [("{", "}"), ("[", "]"), ("(", ")")];
            let close = pairs.iter().find_map(|&(open, close)| {
                let (from, to) = if forward { (open, close) } else { (close, open) };
                t.punct(from).then_some(to)
            });
            if let Some(close) = close {
                j = self.token_of(j, forward, &|t: &Tok| t.punct(close))?;
            }
            j = step(j)?;
        }
        None
    }

    /// Retypes the token at `at` as a single-quoted string.
    fn make_sstring(&mut self, at: usize) {
        let t = &mut self.toks[at];
        t.kind = LintKind::SString;
        t.text = format!("'{}'", t.value);
    }

    fn remove(&mut self, at: usize) -> Tok {
        self.toks.remove(at)
    }
}

/// What fixing a manifest came to.
pub struct Fixed {
    /// The fixed text.
    pub text: String,
    /// For each problem given, whether it was fixed.
    pub fixed: Vec<bool>,
    /// The checks whose fixes changed something.
    pub checks: Vec<&'static str>,
}

/// Byte offset of a 1-based line and character column.
fn offset_of(src: &str, line: usize, column: usize) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        src.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let rest = &src[start..];
    Some(
        start
            + rest
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(rest.len(), |(k, _)| k),
    )
}

/// Applies puppet-lint's fixes for `problems` (found by `check::run` on `m`,
/// ignored ones skipped) to the manifest, in check order. `None` when the
/// manifest is one puppet-lint would not write back (a syntax error).
pub fn apply(m: &Manifest, problems: &[Problem]) -> Option<Fixed> {
    apply_only(m, problems, &FIXABLE)
}

/// [`apply`] for the fixes of `only` checks.
fn apply_only(m: &Manifest, problems: &[Problem], only: &[&str]) -> Option<Fixed> {
    if problems.iter().any(|p| p.check == "syntax") {
        return None;
    }
    let ctx = Context::new(m);
    let lt = ctx.lint()?;
    let src = &m.source.text;
    let mut f = Fixer::new(src, lt)?;
    let mut fixed = vec![false; problems.len()];
    let mut checks = Vec::new();
    // The original token a problem points at.
    let token_at = |p: &Problem, kinds: &[LintKind]| -> Option<usize> {
        let at = offset_of(src, p.line, p.column)?;
        lt.tokens
            .iter()
            .position(|t| t.start == at && (kinds.is_empty() || kinds.contains(&t.kind)))
    };
    let misaligned = if problems.iter().any(|p| p.check == "arrow_alignment") {
        arrow_alignment::misaligned(&ctx)
    } else {
        Vec::new()
    };
    let puppet_url = regex::Regex::new(r"(puppet://.*?/)").expect("valid regex");
    let re = &puppet_url;
    for check in FIXABLE.into_iter().filter(|c| only.contains(c)) {
        for (k, p) in problems.iter().enumerate() {
            if p.check != check || p.ignored.is_some() {
                continue;
            }
            let done = match check {
                "arrow_on_right_operand_line" => token_at(p, &[LintKind::Punct]).map(|i| arrow_on_right(&mut f, i)),
                "names_containing_uppercase" => token_at(p, &[]).map(|i| {
                    if let Some(at) = f.pos(i) {
                        let t = &mut f.toks[at];
                        t.value = t.value.to_lowercase();
                        t.text = t.text.to_lowercase();
                    }
                    Ok(())
                }),
                "slash_comments" => token_at(p, &[LintKind::SlashComment]).map(|i| {
                    if let Some(at) = f.pos(i) {
                        let t = &mut f.toks[at];
                        t.kind = LintKind::Comment;
                        t.text = format!("#{}", t.value);
                    }
                    Ok(())
                }),
                "star_comments" => token_at(p, &[LintKind::MlComment]).map(|i| star_comment(&mut f, i)),
                "unquoted_node_name" | "unquoted_file_mode" | "unquoted_resource_title" | "double_quoted_strings" => {
                    token_at(p, &[]).map(|i| {
                        if let Some(at) = f.pos(i) {
                            f.make_sstring(at);
                        }
                        Ok(())
                    })
                }
                "ensure_first_param" => resources(&ctx)
                    .and_then(|rs| {
                        let i = token_at(p, &[LintKind::Name])?;
                        rs.iter().find(|r| r.params.contains(&i))
                    })
                    .map(|r| ensure_first(&mut f, r.params[0])),
                "ensure_not_symlink_target" => token_at(p, &[]).map(|value| {
                    let ensure = lt.prev_code(value).and_then(|a| lt.prev_code(a)).ok_or(NoFix)?;
                    symlink_target(&mut f, value, ensure)
                }),
                "file_mode" => token_at(p, &[]).map(|i| {
                    let at = f.pos(i).ok_or(NoFix)?;
                    let t = &mut f.toks[at];
                    if t.value.len() != 3 || !t.value.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
                        return Err(NoFix);
                    }
                    t.value = format!("0{}", t.value);
                    f.make_sstring(at);
                    Ok(())
                }),
                "only_variable_string" => {
                    token_at(p, &[LintKind::Variable, LintKind::UnencVariable]).map(|v| only_variable(&mut f, lt, v))
                }
                "puppet_url_without_modules" => token_at(p, &[]).map(|i| {
                    if let Some(at) = f.pos(i) {
                        let t = &mut f.toks[at];
                        t.value = re.replace_all(&t.value, "${1}modules/").into_owned();
                        t.text = re.replace_all(&t.text, "${1}modules/").into_owned();
                    }
                    Ok(())
                }),
                "quoted_booleans" => token_at(p, &[LintKind::SString, LintKind::String]).map(|i| {
                    if let Some(at) = f.pos(i) {
                        let t = &mut f.toks[at];
                        t.kind = LintKind::Keyword;
                        t.text = t.value.clone();
                    }
                    Ok(())
                }),
                "variables_not_enclosed" => {
                    token_at(p, &[LintKind::UnencVariable]).map(|i| enclose_variable(&mut f, i))
                }
                "arrow_alignment" => token_at(p, &[LintKind::Punct]).and_then(|i| {
                    let m = misaligned.iter().find(|m| m.arrow == i)?;
                    Some(align_arrow(&mut f, i, p.column, m))
                }),
                "hard_tabs" => token_at(p, &[LintKind::Whitespace]).map(|i| {
                    if let Some(at) = f.pos(i) {
                        let t = &mut f.toks[at];
                        t.value = t.value.replace('\t', "  ");
                        t.text = t.text.replace('\t', "  ");
                    }
                    Ok(())
                }),
                "trailing_whitespace" => token_at(p, &[LintKind::Whitespace]).map(|i| {
                    if let Some(at) = f.pos(i) {
                        // A carriage return ending the line is the line break's.
                        let cr = f.toks[at].text.len() - f.toks[at].text.trim_end_matches('\r').len();
                        let t = f.remove(at);
                        if cr > 0 {
                            let mut keep = Tok::new(LintKind::Whitespace, "", false);
                            keep.text = t.text[t.text.len() - cr..].to_string();
                            f.toks.insert(at, keep);
                        }
                    }
                    Ok(())
                }),
                "legacy_facts" => {
                    token_at(p, &[LintKind::Variable, LintKind::UnencVariable]).map(|i| legacy_fact(&mut f, lt, i))
                }
                "top_scope_facts" => {
                    token_at(p, &[LintKind::Variable, LintKind::UnencVariable]).map(|i| top_scope_fact(&mut f, lt, i))
                }
                "space_before_arrow" => token_at(p, &[]).map(|i| {
                    let at = f.pos(i).ok_or(NoFix)?;
                    if f.toks[at].kind == LintKind::Whitespace {
                        f.toks[at].value = " ".into();
                        f.toks[at].text = " ".into();
                    } else {
                        f.toks.insert(at + 1, Tok::new(LintKind::Whitespace, " ", false));
                    }
                    Ok(())
                }),
                _ => None,
            };
            if let Some(Ok(())) = done {
                fixed[k] = true;
                if !checks.contains(&check) {
                    checks.push(check);
                }
            }
        }
    }
    Some(Fixed {
        text: f.render(),
        fixed,
        checks,
    })
}

/// `arrow_on_right_operand_line`: moves a `->`/`~>` from the end of the left
/// operand's line to just before the right operand, with a space after it,
/// and drops the blanks it leaves after the left operand.
fn arrow_on_right(f: &mut Fixer, i: usize) -> Result<(), NoFix> {
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
fn legacy_fact(f: &mut Fixer, lt: &LintTokens, i: usize) -> Result<(), NoFix> {
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
fn top_scope_fact(f: &mut Fixer, lt: &LintTokens, i: usize) -> Result<(), NoFix> {
    let name = top_scope_facts::top_scope_name(lt, i).ok_or(NoFix)?;
    let (fact, rest) = match name.find('[') {
        Some(k) => (&name[..k], &name[k..]),
        None => (name, ""),
    };
    let value = format!("facts['{fact}']{rest}");
    let at = f.pos(i).ok_or(NoFix)?;
    set_variable(f, at, value);
    Ok(())
}

/// Gives the variable token at `at` a new value (puppet-lint's `to_manifest`:
/// `$value`, or the bare value as an interpolation's first token, or `${value}`
/// where a fix enclosed it).
fn set_variable(f: &mut Fixer, at: usize, value: String) {
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
fn star_comment(f: &mut Fixer, i: usize) -> Result<(), NoFix> {
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
fn ensure_first(f: &mut Fixer, first_param: usize) -> Result<(), NoFix> {
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
fn symlink_target(f: &mut Fixer, value: usize, ensure: usize) -> Result<(), NoFix> {
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
fn only_variable(f: &mut Fixer, lt: &LintTokens, v: usize) -> Result<(), NoFix> {
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
fn enclose_variable(f: &mut Fixer, i: usize) -> Result<(), NoFix> {
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
fn align_arrow(f: &mut Fixer, i: usize, column: usize, m: &arrow_alignment::Misaligned) -> Result<(), NoFix> {
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

/// Why a fixed manifest was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The fixed text does not parse.
    DoesNotParse(String),
    /// It parses to a different program.
    ChangesMeaning,
    /// The original does not parse with our parser: nothing to compare with.
    OriginalDoesNotParse,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::DoesNotParse(e) => write!(f, "the fixed manifest would not parse ({e})"),
            Refused::ChangesMeaning => write!(
                f,
                "the fixed manifest would parse to a different program (its AST changes beyond what the fixes mean to change)"
            ),
            Refused::OriginalDoesNotParse => write!(f, "puppetlift cannot parse the manifest to check the fixes"),
        }
    }
}

/// Checks a fix: the fixed text parses, and its PN is the original's once the
/// changes the fixes mean to make are allowed for.
pub fn verify(original: &Manifest, problems: &[Problem], fixed: &Fixed) -> Result<(), Refused> {
    let mut before = original.pn().map_err(|_| Refused::OriginalDoesNotParse)?;
    let mut meant: Vec<&str> = MEANING_CHANGING
        .into_iter()
        .filter(|c| fixed.checks.contains(c))
        .collect();
    if meant.iter().any(|c| *c != "slash_comments") && fixed.checks.contains(&"variables_not_enclosed") {
        // `"$::x"` becomes `"${facts['x']}"` with both fixes, `"$facts['x']"`
        // with the fact's alone: compare with the first.
        meant.push("variables_not_enclosed");
    }
    if !meant.is_empty() {
        // `// text` is code to Puppet (an empty regex, then words): the fix
        // means to make it the comment it was meant to be; a legacy fact's
        // fix means to read another fact. The program to keep is the one with
        // only those fixes made.
        let only = apply_only(original, problems, &meant).ok_or(Refused::OriginalDoesNotParse)?;
        let m = Manifest::parse(original.source.path.clone(), only.text);
        before = m.pn().map_err(|_| {
            Refused::DoesNotParse(
                m.diagnostics()
                    .next()
                    .map_or_else(|| "syntax error".to_string(), |d| d.one_line(None)),
            )
        })?;
    }
    let m = Manifest::parse(original.source.path.clone(), fixed.text.clone());
    let after = m.pn().map_err(|_| {
        Refused::DoesNotParse(
            m.diagnostics()
                .next()
                .map_or_else(|| "syntax error".to_string(), |d| d.one_line(None)),
        )
    })?;
    if normalise(&before, &fixed.checks, false) == normalise(&after, &fixed.checks, true) {
        Ok(())
    } else {
        Err(Refused::ChangesMeaning)
    }
}

/// The PN with the differences the applied fixes legitimately make removed.
fn normalise(pn: &str, checks: &[&str], fixed: bool) -> String {
    let mut pn = pn.to_string();
    if fixed && checks.contains(&"ensure_not_symlink_target") {
        pn = rewrite_ops(&pn, &|ops| {
            let mut out: Vec<String> = Vec::new();
            let mut k = 0;
            while k < ops.len() {
                let target = ops.get(k + 1).and_then(|t| t.strip_prefix("(=> \"target\" "));
                if ops[k] == "(=> \"ensure\" (qn \"symlink\"))" && target.is_some() {
                    out.push(format!("(=> \"ensure\" {}", target.unwrap_or_default()));
                    k += 2;
                } else {
                    out.push(ops[k].clone());
                    k += 1;
                }
            }
            out
        });
    }
    if checks.contains(&"names_containing_uppercase") {
        pn = pn.to_lowercase();
    }
    if checks.contains(&"puppet_url_without_modules") {
        let re = regex::Regex::new(r"(puppet://[^/]*?/)modules/").expect("valid regex");
        pn = re.replace_all(&pn, "$1").into_owned();
    }
    if ["unquoted_resource_title", "unquoted_node_name", "unquoted_file_mode"]
        .iter()
        .any(|c| checks.contains(c))
    {
        // A bare word is a string to Puppet: `(qn "motd")` and `"motd"` alike.
        let re = regex::Regex::new(r#"\(qn ("(?:[^"\\]|\\.)*")\)"#).expect("valid regex");
        pn = re.replace_all(&pn, "$1").into_owned();
    }
    if checks.contains(&"file_mode") || checks.contains(&"unquoted_file_mode") {
        // The fixes mean to change modes (`644` -> `'0644'`): modes are not compared.
        pn = rewrite_ops(&pn, &|ops| {
            ops.iter()
                .map(|op| {
                    if op.starts_with("(=> \"mode\" ") {
                        "(=> \"mode\" _)".to_string()
                    } else {
                        op.clone()
                    }
                })
                .collect()
        });
    }
    if checks.contains(&"only_variable_string") {
        // `"${x}"` is `(concat (str (var "x")))`; the fix means it to be `$x`.
        pn = unwrap_single_interpolations(&pn);
    }
    if checks.contains(&"quoted_booleans") {
        pn = pn.replace("\"true\"", "true").replace("\"false\"", "false");
    }
    if checks.contains(&"ensure_first_param") {
        pn = rewrite_ops(&pn, &|ops| {
            let mut ops = ops.to_vec();
            ops.sort();
            ops
        });
    }
    pn
}

/// `(concat (str E))` (a string that is one interpolation) becomes `E`.
fn unwrap_single_interpolations(pn: &str) -> String {
    const OPEN: &str = "(concat (str ";
    let mut out = String::with_capacity(pn.len());
    let mut rest = pn;
    while let Some(k) = rest.find(OPEN) {
        out.push_str(&rest[..k]);
        let after = &rest[k + OPEN.len()..];
        match balanced_end(after).filter(|&e| after[e..].starts_with("))")) {
            Some(e) => {
                out.push_str(&unwrap_single_interpolations(&after[..e]));
                rest = &after[e + 2..];
            }
            None => {
                out.push_str(OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The end of the one PN form `s` starts with (an atom, a string or a
/// bracketed form).
fn balanced_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_str = false;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    if depth == 0 {
                        return Some(i);
                    }
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                b' ' if depth == 0 => return Some(i),
                _ => {}
            }
        }
        i += 1;
    }
    (depth == 0).then_some(i)
}

/// Rewrites every `:ops [...]` list of the PN (a resource body's attributes).
fn rewrite_ops(pn: &str, f: &dyn Fn(&[String]) -> Vec<String>) -> String {
    let mut out = String::with_capacity(pn.len());
    let mut rest = pn;
    while let Some(k) = rest.find(":ops [") {
        out.push_str(&rest[..k + 6]);
        rest = &rest[k + 6..];
        // The items: balanced (...) forms, strings and atoms, up to the matching `]`.
        let mut items = Vec::new();
        let mut i = 0;
        loop {
            while rest[i..].starts_with(' ') {
                i += 1;
            }
            if i >= rest.len() || rest[i..].starts_with(']') {
                break;
            }
            let len = balanced_end(&rest[i..]).unwrap_or(rest.len() - i);
            if len == 0 {
                break;
            }
            items.push(rest[i..i + len].to_string());
            i += len;
        }
        // Nested bodies are rewritten too.
        let items: Vec<String> = items.iter().map(|it| rewrite_ops(it, f)).collect();
        out.push_str(&f(&items).join(" "));
        rest = &rest[i.min(rest.len())..];
    }
    out.push_str(rest);
    out
}

/// `--fix` for one file: applies the fixes, checks them, writes the file when
/// they hold, and marks the problems fixed. Returns messages for stderr.
pub fn fix_file(path: &Path, m: &Manifest, found: &mut [(Problem, bool)]) -> Vec<String> {
    let problems: Vec<Problem> = found.iter().map(|(p, _)| p.clone()).collect();
    let Some(fixed) = apply(m, &problems) else {
        return Vec::new();
    };
    if fixed.text == m.source.text {
        for ((_, f), done) in found.iter_mut().zip(&fixed.fixed) {
            *f = *done;
        }
        return Vec::new();
    }
    if let Err(why) = verify(m, &problems, &fixed) {
        return vec![format!("puppetlift lint: not fixing {}: {why}", path.display())];
    }
    if let Err(e) = crate::files::write_atomically(path, fixed.text.as_bytes(), None) {
        return vec![format!("puppetlift lint: cannot write {}: {e}", path.display())];
    }
    for ((_, f), done) in found.iter_mut().zip(&fixed.fixed) {
        *f = *done;
    }
    Vec::new()
}
