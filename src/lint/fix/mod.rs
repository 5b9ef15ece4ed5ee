//! `--fix`: puppet-lint's fixes and the plugin checks', made safer.
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

mod edits;
mod verify;

use super::rules::arrow_alignment;
use super::tokens::{LintKind, LintTokens};
use super::{resources, Context, Problem};
use crate::puppet::Manifest;
pub use edits::set_variable;
use edits::*;
use std::path::Path;
pub use verify::{verify, Refused};

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

/// A check's own fix (the plugin checks'; puppet-lint's are this module's).
#[derive(Clone, Copy)]
pub struct Fix {
    /// Edits the token list for one problem of the check.
    pub apply: fn(&mut Fixer, &FixAt) -> Result<(), NoFix>,
    /// Whether the fix means to change the program's AST (whitespace and
    /// commas do not; `ensure => present` to `ensure => file`, `include ::x`
    /// to `include x` or a bare word quoted do):
    /// the safety net then compares with the original where only such fixes
    /// are made.
    pub changes_meaning: bool,
}

/// What a fix knows of the problem it fixes.
pub struct FixAt<'c, 'a> {
    /// The manifest as written.
    pub ctx: &'c Context<'a>,
    /// puppet-lint's tokens of the manifest as written.
    pub lt: &'c LintTokens<'a>,
    /// The problem.
    pub problem: &'c Problem,
    /// The original token the problem is placed at, if one starts there
    /// (where it is now: [`Fixer::pos`]).
    pub token: Option<usize>,
}

/// One token of the list being fixed.
#[derive(Debug, Clone)]
pub struct Tok {
    /// puppet-lint's kind.
    pub kind: LintKind,
    /// puppet-lint's value.
    pub value: String,
    /// What it writes back (with whatever follows it up to the next token).
    pub text: String,
    /// puppet-lint's INDENT (blanks first on a line) rather than WHITESPACE.
    pub indent: bool,
    /// Its index in the original list (`None`: added by a fix).
    pub orig: Option<usize>,
}

impl Tok {
    /// A token a fix adds.
    pub fn new(kind: LintKind, value: &str, indent: bool) -> Tok {
        Tok {
            kind,
            value: value.to_string(),
            text: value.to_string(),
            indent,
            orig: None,
        }
    }

    /// Blanks, a line break or a comment.
    pub fn formatting(&self) -> bool {
        self.kind.is_formatting()
    }

    /// Whether it is of `kind` with `value`.
    pub fn is(&self, kind: LintKind, value: &str) -> bool {
        self.kind == kind && self.value == value
    }

    /// Whether it is the punctuation `value`.
    pub fn punct(&self, value: &str) -> bool {
        self.is(LintKind::Punct, value)
    }
}

/// Why a fix does not apply (puppet-lint's `NoFix`).
pub struct NoFix;

/// The token list being fixed.
pub struct Fixer {
    /// The tokens, in order; concatenating their texts gives the manifest.
    pub toks: Vec<Tok>,
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

    /// The manifest the tokens make.
    pub fn render(&self) -> String {
        self.toks.iter().map(|t| t.text.as_str()).collect()
    }

    /// Where original token `i` is now. The original tokens mostly keep
    /// their order (fixes add and remove around them): a binary search over
    /// them, then a scan for a token a fix moved.
    pub fn pos(&self, i: usize) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.toks.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            // The first original token at or after `mid`.
            let Some(m) = (mid..hi).find(|&k| self.toks[k].orig.is_some()) else {
                hi = mid;
                continue;
            };
            match self.toks[m].orig.cmp(&Some(i)) {
                std::cmp::Ordering::Equal => return Some(m),
                std::cmp::Ordering::Less => lo = m + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        self.toks.iter().position(|t| t.orig == Some(i))
    }

    /// The code token before `at`.
    pub fn prev_code(&self, at: usize) -> Option<usize> {
        (0..at).rev().find(|&j| !self.toks[j].formatting())
    }

    /// The code token after `at`.
    pub fn next_code(&self, at: usize) -> Option<usize> {
        (at + 1..self.toks.len()).find(|&j| !self.toks[j].formatting())
    }

    /// puppet-lint's `next_token_of` / `prev_token_of`: skips whole blocks.
    pub fn token_of(&self, at: usize, forward: bool, wanted: &dyn Fn(&Tok) -> bool) -> Option<usize> {
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

    /// Gives the word or plain string at `at` another word, quoted as it was.
    pub fn set_word(&mut self, at: usize, word: &str) {
        let t = &mut self.toks[at];
        t.value = word.to_string();
        t.text = match t.kind {
            LintKind::SString => format!("'{word}'"),
            LintKind::String => format!("\"{word}\""),
            _ => word.to_string(),
        };
    }

    /// Retypes the token at `at` as a single-quoted string.
    pub fn make_sstring(&mut self, at: usize) {
        let t = &mut self.toks[at];
        t.kind = LintKind::SString;
        t.text = format!("'{}'", t.value);
    }

    /// Removes the token at `at`.
    pub fn remove(&mut self, at: usize) -> Tok {
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

/// Byte offset of a 1-based line and character column, `lines` the offsets
/// where the lines of `src` start.
fn offset_of(src: &str, lines: &[usize], line: usize, column: usize) -> Option<usize> {
    let start = *lines.get(line.max(1) - 1)?;
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
    apply_only(m, problems, &fixable())
}

/// Every check with a fix: puppet-lint's, in its order, then the plugin
/// checks', in registry order.
pub fn fixable() -> Vec<&'static str> {
    let own = super::registry().iter().filter(|r| r.fix.is_some()).map(|r| r.name);
    FIXABLE.into_iter().chain(own).collect()
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
    let lines: Vec<usize> = std::iter::once(0)
        .chain(src.match_indices('\n').map(|(k, _)| k + 1))
        .collect();
    let token_at = |p: &Problem, kinds: &[LintKind]| -> Option<usize> {
        let at = offset_of(src, &lines, p.line, p.column)?;
        let first = lt.tokens.partition_point(|t| t.start < at);
        (first..lt.tokens.len())
            .take_while(|&k| lt.tokens[k].start == at)
            .find(|&k| kinds.is_empty() || kinds.contains(&lt.tokens[k].kind))
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
    for rule in super::registry().iter().filter(|r| only.contains(&r.name)) {
        let Some(fix) = rule.fix else { continue };
        for (k, p) in problems.iter().enumerate() {
            if p.check != rule.name || p.ignored.is_some() {
                continue;
            }
            let at = FixAt {
                ctx: &ctx,
                lt,
                problem: p,
                token: token_at(p, &[]),
            };
            if (fix.apply)(&mut f, &at).is_ok() {
                fixed[k] = true;
                if !checks.contains(&rule.name) {
                    checks.push(rule.name);
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

/// The fixes for the problems in `found` applied to `m`, and held by the
/// safety net ([`verify`]) when they change the text: `None` when there is
/// nothing to fix, `Err` with the reason when the fixed text is refused.
pub fn checked(m: &Manifest, found: &[(Problem, bool)]) -> Result<Option<Fixed>, Refused> {
    let problems: Vec<Problem> = found.iter().map(|(p, _)| p.clone()).collect();
    let Some(fixed) = apply(m, &problems) else {
        return Ok(None);
    };
    if fixed.text != m.source.text {
        verify(m, &problems, &fixed)?;
    }
    Ok(Some(fixed))
}

/// Marks the problems in `found` that `fixed` fixes.
pub fn mark(found: &mut [(Problem, bool)], fixed: &Fixed) {
    for ((_, f), done) in found.iter_mut().zip(&fixed.fixed) {
        *f = *done;
    }
}

/// `--fix` for one file: applies the fixes, checks them, writes the file when
/// they hold, and marks the problems fixed. Returns messages for stderr.
pub fn fix_file(path: &Path, m: &Manifest, found: &mut [(Problem, bool)]) -> Vec<String> {
    let fixed = match checked(m, found) {
        Ok(Some(fixed)) => fixed,
        Ok(None) => return Vec::new(),
        Err(why) => return vec![format!("puppetlift lint: not fixing {}: {why}", path.display())],
    };
    if fixed.text != m.source.text {
        if let Err(e) = crate::files::write_atomically(path, fixed.text.as_bytes(), None) {
            return vec![format!("puppetlift lint: cannot write {}: {e}", path.display())];
        }
    }
    mark(found, &fixed);
    Vec::new()
}
