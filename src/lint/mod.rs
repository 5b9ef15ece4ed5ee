//! `puppetlift lint`: puppet-lint parity. A registry of rules (puppet-lint's
//! names, kinds and messages), each in its own file under `rules/`; its token
//! stream, `--fix`, command line and `.puppet-lint.rc`, and control comments.

mod bodies;
pub mod control;
pub mod descriptions;
pub mod fix;
pub mod options;
pub mod rules;
pub mod tokens;
pub mod yaml;

use tokens::{LexError, LintKind, LintTokens};

use crate::puppet::lexer::{Token, TokenKind};
use crate::puppet::Manifest;
use serde::Serialize;

/// How bad a problem is, in puppet-lint's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A style problem.
    Warning,
    /// A problem puppet-lint fails on by default.
    Error,
}

impl Kind {
    /// `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Warning => "warning",
            Kind::Error => "error",
        }
    }
}

/// One finding of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The check's name (`trailing_whitespace`).
    pub check: &'static str,
    /// Warning or error.
    pub kind: Kind,
    /// What is wrong, as puppet-lint says it.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The control comment's reason when the problem is ignored.
    pub ignored: Option<String>,
}

/// A check: its name, defaults and the function that runs it.
#[derive(Clone, Copy)]
pub struct Rule {
    /// The name puppet-lint uses (`--no-NAME-check`, `lint:ignore:NAME`).
    pub name: &'static str,
    /// Whether puppet-lint 3.0.1 runs it unless disabled (a plugin's: once
    /// its set is on). puppet-lint 4 and later turn on a few more:
    /// [`Compat::on_by_default`].
    pub enabled_by_default: bool,
    /// The plugin gem that brings the check upstream (`None`: puppet-lint's
    /// own). A plugin's check is off unless its set is turned on
    /// (`--plugins voxpupuli`, as installing the gems does) or it is named
    /// (`--only-checks`, `--NAME-check`).
    pub plugin: Option<&'static str>,
    /// The check's own fix, for the checks that are not puppet-lint's
    /// (puppet-lint's fixes are [`fix`]'s, in its order).
    pub fix: Option<fix::Fix>,
    /// The documentation `puppetlift explain NAME` prints.
    pub doc: &'static str,
    /// Finds the problems in one manifest.
    pub check: fn(&Context) -> Vec<Problem>,
}

/// What a check sees of a manifest: its text, lines and tokens.
pub struct Context<'a> {
    /// The manifest.
    pub manifest: &'a Manifest,
    /// Its tokens (with trivia).
    pub tokens: &'a [Token],
    /// Byte ranges puppet-lint's lexer folds into a variable token: the `[...]`
    /// right after `$name` (its VARIABLE pattern ends in `(\[.+?\])*`), so
    /// strings there are never seen by its string checks.
    variable_indexes: Vec<std::ops::Range<usize>>,
    /// puppet-lint's token list, built on first use.
    lint: std::cell::OnceCell<Result<LintTokens<'a>, LexError>>,
    /// puppet-lint's resource bodies, found on first use.
    resources: std::cell::OnceCell<Result<Vec<Resource>, Option<usize>>>,
    /// `--relative`: `autoloader_layout` compares paths from the module root.
    pub relative: bool,
    /// Which puppet-lint the checks behave as.
    pub compat: Compat,
    /// `--top-scope-variables`: top-scope variables `top_scope_facts` allows.
    pub top_scope_variables: std::sync::Arc<[String]>,
}

/// Which puppet-lint `lint` behaves as (`--compat`): its default checks, its
/// lexer's data type names, whether Hiera YAML is linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compat {
    /// puppet-lint 3.0.1, what Debian 12 ships.
    V3,
    /// puppet-lint 5, what `gem install puppet-lint` gives.
    #[default]
    V5,
}

impl Compat {
    /// Whether a check is on by default under this compatibility: puppet-lint
    /// 4 and later turn on the checks it took in from plugins.
    pub fn on_by_default(self, rule: &Rule) -> bool {
        rule.enabled_by_default || (self == Compat::V5 && LATER_DEFAULTS.contains(&rule.name))
    }
}

/// The checks off in puppet-lint 3.0.1 (or not in it) that puppet-lint 4 and
/// later run by default.
const LATER_DEFAULTS: [&str; 3] = ["legacy_facts", "top_scope_facts", "space_before_arrow"];

/// How the checks run (the command line's say in them).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `--relative`: `autoloader_layout` expects `manifests/...` only, not
    /// `MODULE/manifests/...`.
    pub relative: bool,
    /// `--compat`.
    pub compat: Compat,
    /// `--top-scope-variables`: the top-scope variables (besides the facts
    /// puppet-lint allows) `top_scope_facts` leaves alone.
    pub top_scope_variables: std::sync::Arc<[String]>,
}

impl<'a> Context<'a> {
    /// The context for one manifest.
    pub fn new(manifest: &'a Manifest) -> Self {
        let tokens: &'a [Token] = &manifest.tokens().tokens;
        let text = &manifest.source.text;
        let b = text.as_bytes();
        let mut variable_indexes: Vec<std::ops::Range<usize>> = Vec::new();
        for t in tokens.iter().filter(|t| t.kind == TokenKind::Variable) {
            let start = t.span.end as usize;
            let mut end = start;
            // `\[.+?\]` repeated: a `[`, at least one character, the nearest `]` on the line.
            while b.get(end) == Some(&b'[') && b.get(end + 1).is_some_and(|&c| c != b'\n') {
                match b[end + 2..].iter().position(|&c| c == b']' || c == b'\n') {
                    Some(k) if b[end + 2 + k] == b']' => end = end + 2 + k + 1,
                    _ => break,
                }
            }
            if end > start {
                // Kept sorted and disjoint, for a binary search.
                match variable_indexes.last_mut() {
                    Some(last) if start <= last.end => last.end = last.end.max(end),
                    _ => variable_indexes.push(start..end),
                }
            }
        }
        Context {
            manifest,
            tokens,
            variable_indexes,
            lint: std::cell::OnceCell::new(),
            resources: std::cell::OnceCell::new(),
            relative: false,
            compat: Compat::default(),
            top_scope_variables: std::sync::Arc::from(Vec::new()),
        }
    }

    /// puppet-lint's token list, or `None` when its lexer stops on the manifest
    /// (it then reports a syntax error and nothing else).
    pub fn lint(&self) -> Option<&LintTokens<'a>> {
        self.lint_result().as_ref().ok()
    }

    /// Where puppet-lint's lexer stops on the manifest, if it does.
    pub fn lint_error(&self) -> Option<&LexError> {
        self.lint_result().as_ref().err()
    }

    fn lint_result(&self) -> &Result<LintTokens<'a>, LexError> {
        self.lint
            .get_or_init(|| LintTokens::new(&self.manifest.source.text, self.tokens, self.compat))
    }

    /// Whether puppet-lint's lexer hides this offset inside a variable token.
    pub fn in_variable_index(&self, offset: usize) -> bool {
        let after = self.variable_indexes.partition_point(|r| r.start <= offset);
        after > 0 && self.variable_indexes[after - 1].contains(&offset)
    }

    /// The text of a token.
    pub fn text(&self, t: &Token) -> &'a str {
        &self.manifest.source.text[t.span.range()]
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.manifest.source.line_col(offset)
    }

    /// The blanks tokens with the kind puppet-lint gives them: `true` for INDENT
    /// (blanks first on a line), `false` for WHITESPACE. A carriage return that
    /// ends a line belongs to the line break, not to the blanks.
    pub fn blanks(&self) -> impl Iterator<Item = (usize, &'a str, bool, Option<&'a Token>)> + '_ {
        self.tokens.iter().enumerate().filter_map(move |(i, t)| {
            if t.kind != TokenKind::Whitespace {
                return None;
            }
            let text = self.text(t).trim_end_matches('\r');
            if text.is_empty() {
                return None;
            }
            let indent = i > 0 && self.tokens[i - 1].kind == TokenKind::Newline;
            Some((t.span.start as usize, text, indent, self.tokens.get(i + 1)))
        })
    }

    /// A problem of `rule` at a byte offset.
    pub fn problem(&self, check: &'static str, kind: Kind, message: &str, offset: usize) -> Problem {
        let (line, column) = self.line_col(offset);
        Problem {
            check,
            kind,
            message: message.to_string(),
            line,
            column,
            ignored: None,
        }
    }
}

/// The value puppet-lint sees in a string token, as written (escapes kept): a
/// single-quoted string's content, or a double-quoted string's text up to its
/// first interpolation. The flag says whether that is the whole string.
pub fn string_value<'a>(ctx: &Context<'a>, t: &Token) -> Option<(&'a str, bool)> {
    if ctx.in_variable_index(t.span.start as usize) {
        return None;
    }
    let text = ctx.text(t);
    match t.kind {
        TokenKind::SqString => Some((crate::puppet::lexer::unquote(text), true)),
        TokenKind::DqString => {
            let inner = crate::puppet::lexer::unquote(text);
            let b = inner.as_bytes();
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'$' if b.get(i + 1) == Some(&b'{') || crate::puppet::lexer::var_name_len(&b[i + 1..]) > 0 => {
                        return Some((&inner[..i], false))
                    }
                    _ => i += 1,
                }
            }
            Some((inner, true))
        }
        _ => None,
    }
}

/// Runs the `enabled` rules (in registry order, as puppet-lint reports) on one
/// manifest, control comments applied. Also returns the control comment warnings.
pub fn run(manifest: &Manifest, enabled: &[&Rule]) -> (Vec<Problem>, Vec<String>) {
    run_with(manifest, enabled, &Settings::default())
}

/// [`run`] with settings from the command line.
pub fn run_with(manifest: &Manifest, enabled: &[&Rule], settings: &Settings) -> (Vec<Problem>, Vec<String>) {
    let mut ctx = Context::new(manifest);
    ctx.relative = settings.relative;
    ctx.compat = settings.compat;
    ctx.top_scope_variables = settings.top_scope_variables.clone();
    if let Some(e) = ctx.lint_error() {
        // puppet-lint's lexer stops: a syntax error, then only the checks that
        // read lines have anything to say (control comments unread).
        let (line, column) = e.line_col(&manifest.source.text);
        let mut problems = vec![Problem {
            check: "syntax",
            kind: Kind::Error,
            message: e
                .reason
                .map_or("Syntax error".to_string(), |r| format!("Syntax error ({r})")),
            line,
            column,
            ignored: None,
        }];
        for rule in enabled.iter().filter(|r| LINE_CHECKS.contains(&r.name)) {
            problems.extend((rule.check)(&ctx));
        }
        return (problems, vec![TRY_VALIDATE.to_string()]);
    }
    let (overrides, mut warnings) = control::Overrides::parse(&ctx);
    if enabled.iter().any(|r| RESOURCE_CHECKS.contains(&r.name)) {
        if let Some(Some(at)) = resources_error(&ctx) {
            // puppet-lint cannot read a resource body: the syntax error replaces
            // every problem of the manifest.
            warnings.push(TRY_VALIDATE.to_string());
            return (vec![ctx.problem("syntax", Kind::Error, "Syntax error", at)], warnings);
        }
    }
    let mut problems = Vec::new();
    for rule in enabled {
        for mut p in (rule.check)(&ctx) {
            // A syntax error is never ignored.
            if p.check != "syntax" {
                p.ignored = overrides.reason(p.check, p.line).map(str::to_string);
            }
            problems.push(p);
        }
    }
    (problems, warnings)
}

/// The checks that read puppet-lint's resource bodies (its `resource_indexes`,
/// which raises the syntax error that replaces every finding when a body
/// cannot be read), the plugins' too.
const RESOURCE_CHECKS: [&str; 14] = [
    "selector_inside_resource",
    "duplicate_params",
    "ensure_first_param",
    "ensure_not_symlink_target",
    "file_mode",
    "unquoted_file_mode",
    "arrow_alignment",
    "anchor_resource",
    "exec_idempotency",
    "file_ensure",
    "package_ensure",
    "resource_reference_with_unquoted_title",
    "resource_reference_without_title_capital",
    "resource_reference_without_whitespace",
];

/// The checks that read lines, not tokens.
const LINE_CHECKS: [&str; 2] = ["140chars", "80chars"];

/// What puppet-lint adds on stderr after a syntax error.
const TRY_VALIDATE: &str = "Try running `puppet parser validate <file>`";

/// Every rule, in puppet-lint's order: its own checks, then the plugins'.
pub fn registry() -> &'static [Rule] {
    static ALL: std::sync::LazyLock<Vec<Rule>> =
        std::sync::LazyLock::new(|| rules::ALL.iter().chain(rules::voxpupuli::ALL).copied().collect());
    &ALL
}

/// puppet-lint 3.0.1's checks: the registry without the later upstream ones.
pub fn puppet_lint_3_0_1() -> &'static [Rule] {
    &rules::ALL[..rules::PUPPET_LINT_3_0_1]
}

/// The rule named `name`.
pub fn rule(name: &str) -> Option<&'static Rule> {
    registry().iter().find(|r| r.name == name)
}

/// `$name`s in a string body as puppet-lint's string slurper finds them (its
/// pattern allows dashes): not inside `${...}`, not after a backslash.
/// `(offset of the $, length of the name)`.
pub fn unenclosed_variables(body: &str) -> Vec<(usize, usize)> {
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
                let n = lint_variable_len(&b[i + 1..]);
                if n > 0 {
                    found.push((i, n));
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

/// Length of puppet-lint's variable name pattern `(::)?(\w+(-\w+)*::)*\w+(-\w+)*`
/// at the start of `b` (0 when none).
pub fn lint_variable_len(b: &[u8]) -> usize {
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

/// A class or define definition as puppet-lint finds it in the tokens.
#[derive(Debug, Clone, Copy)]
pub struct Definition {
    /// Index of the `class`/`define` keyword in the tokens.
    pub keyword: usize,
    /// Index of the name token after it.
    pub name: usize,
    /// Index of the closing `}`.
    pub end: usize,
    /// Index of the token after the last `inherits` before the end (puppet-lint
    /// keeps the last one it sees, a nested class's included).
    pub inherited: Option<usize>,
    /// `class` or `defined type`, as puppet-lint's messages say.
    pub what: &'static str,
}

/// puppet-lint's `class_indexes` then `defined_type_indexes`: every `class` or
/// `define` keyword that is not a `class { 'x': }` resource and is closed by a
/// `}` at depth zero outside its parameter list.
pub fn definitions(ctx: &Context) -> Vec<Definition> {
    let code = |i: usize| !ctx.tokens[i].kind.is_trivia();
    let next_code = |i: usize| (i + 1..ctx.tokens.len()).find(|&j| code(j));
    let keyword = |i: usize, word: &str| ctx.tokens[i].kind == TokenKind::Name && ctx.text(&ctx.tokens[i]) == word;
    let mut starts = Vec::new();
    for word in ["class", "define"] {
        starts.extend((0..ctx.tokens.len()).filter(|&i| keyword(i, word)).filter_map(|i| {
            next_code(i)
                .filter(|&n| ctx.text(&ctx.tokens[n]) != "{")
                .map(|n| (i, n, word))
        }));
    }
    let mut sorted: Vec<usize> = starts.iter().map(|s| s.0).collect();
    sorted.sort_unstable();
    let found = bodies::bodies(
        ctx.tokens.len(),
        |j| (ctx.tokens[j].kind == TokenKind::Punct).then(|| ctx.text(&ctx.tokens[j])),
        &sorted,
    );
    // The last `inherits` before each token, for the token after it.
    let mut last_inherits = Vec::with_capacity(ctx.tokens.len());
    let mut last = None;
    for i in 0..ctx.tokens.len() {
        last_inherits.push(last);
        if keyword(i, "inherits") {
            last = Some(i);
        }
    }
    starts
        .into_iter()
        .filter_map(|(i, name, word)| {
            let at = sorted.binary_search(&i).ok()?;
            let end = found[at].as_ref()?.end;
            let inherited = last_inherits[end].filter(|&k| k > i).and_then(next_code);
            Some(Definition {
                keyword: i,
                name,
                end,
                inherited,
                what: if word == "class" { "class" } else { "defined type" },
            })
        })
        .collect()
}

/// A resource body as puppet-lint's `resource_indexes` finds it: from a `:` not
/// followed by `{` to the next `;` or `}` outside brackets, in its token list.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Index of the `:` (the body's tokens are `colon..=end`).
    pub colon: usize,
    /// Index of the `;` or `}` that ends it.
    pub end: usize,
    /// Index of the type's token: the one before the nearest `{` before the
    /// colon that does not open a selector.
    pub type_token: usize,
    /// Indexes of the attribute names: the bare words followed by `=>`, outside
    /// brackets.
    pub params: Vec<usize>,
}

impl Resource {
    /// The first `name =>` anywhere in the body's tokens (nested ones
    /// included, as the plugins read them): the index of its name.
    pub fn attribute(&self, lt: &LintTokens, name: &str) -> Option<usize> {
        (self.colon..=self.end).find(|&i| {
            let t = lt.get(i);
            t.kind == LintKind::Name && t.value == name && lt.next_code(i).is_some_and(|n| lt.punct(n, "=>"))
        })
    }

    /// The value of [`Resource::attribute`] `name` when it is the word or plain
    /// string `wanted` (`present`, `'present'`, `"present"`): its index.
    pub fn attribute_is(&self, lt: &LintTokens, name: &str, wanted: &str) -> Option<usize> {
        let value = lt.next_code(lt.next_code(self.attribute(lt, name)?)?)?;
        let t = lt.get(value);
        (t.value == wanted && matches!(t.kind, LintKind::Name | LintKind::String | LintKind::SString)).then_some(value)
    }
}

/// puppet-lint's resource bodies (`ctx.lint()` holds their tokens). `None`
/// where puppet-lint gives up on the manifest with a syntax error (its lexer
/// fails, a body never ends, a colon has no `{` before it): a check using them
/// then reports nothing.
pub fn resources<'c>(ctx: &'c Context) -> Option<&'c [Resource]> {
    ctx.resources
        .get_or_init(|| resources_in(ctx))
        .as_ref()
        .ok()
        .map(Vec::as_slice)
}

/// Where puppet-lint's `resource_indexes` raises its syntax error: the offset
/// of the colon whose body it cannot read (`None` when its lexer failed first).
pub fn resources_error(ctx: &Context) -> Option<Option<usize>> {
    ctx.resources.get_or_init(|| resources_in(ctx)).as_ref().err().copied()
}

fn resources_in(ctx: &Context) -> Result<Vec<Resource>, Option<usize>> {
    let lt = ctx.lint().ok_or(None)?;
    let is_punct = |i: usize, p: &str| lt.punct(i, p);
    let mut out = Vec::new();
    // The end of the last body: a colon before it stops the search.
    let mut marker = 0;
    for colon in (0..lt.tokens.len()).filter(|&i| is_punct(i, ":")) {
        match lt.next_code(colon) {
            Some(n) if !is_punct(n, "{") => {}
            _ => continue,
        }
        if colon < marker {
            break;
        }
        let error = Some(lt.get(colon).start);
        let end = lt
            .next_token_of(colon, &|t| t.kind == LintKind::Punct && matches!(t.value, ";" | "}"))
            .ok_or(error)?;
        marker = end;
        let lbrace = (0..=colon)
            .rev()
            .find(|&i| is_punct(i, "{") && lt.prev_code(i).is_none_or(|p| !is_punct(p, "?")))
            .ok_or(error)?;
        let type_token = lt.prev_code(lbrace).ok_or(error)?;
        let mut params = Vec::new();
        let mut at = colon;
        while let Some(name) = lt.next_token_of(at, &|t| t.kind == LintKind::Name) {
            if name > end {
                break;
            }
            if lt.next_code(name).is_some_and(|n| is_punct(n, "=>")) {
                params.push(name);
            }
            at = name;
        }
        out.push(Resource {
            colon,
            end,
            type_token,
            params,
        });
    }
    Ok(out)
}

/// puppet-lint's `title_tokens`: the token before each `:` not followed by `{`
/// or, for a `[...]:` title array, its bare words and double-quoted strings.
/// puppet-lint takes the array from the last `[` of the whole manifest, so
/// only the last array in a manifest is seen.
pub fn title_tokens(ctx: &Context) -> Vec<usize> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let is_punct = |i: usize, p: &str| lt.punct(i, p);
    let last_lbrack = (0..lt.tokens.len()).rev().find(|&i| is_punct(i, "["));
    let mut out = Vec::new();
    for colon in (1..lt.tokens.len()).filter(|&i| is_punct(i, ":")) {
        if is_punct(colon - 1, "]") {
            if let Some(start) = last_lbrack {
                out.extend(
                    (start + 1..colon.saturating_sub(1))
                        .filter(|&i| matches!(lt.get(i).kind, LintKind::String | LintKind::Name)),
                );
            }
        } else if lt.next_code(colon).is_some_and(|n| !is_punct(n, "{")) {
            out.push(colon - 1);
        }
    }
    out
}

/// A class or define as puppet-lint's `class_indexes` and
/// `defined_type_indexes` find it in its token list (`ctx.lint()`).
#[derive(Debug, Clone)]
pub struct LintDefinition {
    /// Index of the `class`/`define` keyword.
    pub start: usize,
    /// Index of the closing `}`.
    pub end: usize,
    /// Index of the name (the token after the keyword).
    pub name: usize,
    /// The tokens between the parameter list's parentheses, when it has one.
    pub params: Option<std::ops::Range<usize>>,
}

/// puppet-lint's classes then defines: each `class`/`define` keyword not
/// followed by `{`, up to the `}` that closes its body (braces counted outside
/// the parameter list). Empty when puppet-lint's lexer fails.
pub fn lint_definitions(ctx: &Context) -> Vec<LintDefinition> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let mut starts = Vec::new();
    for keyword in ["class", "define"] {
        starts.extend(lt.tokens.iter().enumerate().filter_map(|(i, t)| {
            (t.kind == LintKind::Keyword && t.value == keyword)
                .then(|| lt.next_code(i).filter(|&n| !lt.get(n).is("{")).map(|n| (i, n)))
                .flatten()
        }));
    }
    let mut sorted: Vec<usize> = starts.iter().map(|s| s.0).collect();
    sorted.sort_unstable();
    let found = bodies::bodies(
        lt.tokens.len(),
        |j| (lt.get(j).kind == LintKind::Punct).then(|| lt.get(j).value),
        &sorted,
    );
    starts
        .into_iter()
        .filter_map(|(i, name)| {
            let body = found[sorted.binary_search(&i).ok()?].clone()?;
            Some(LintDefinition {
                start: i,
                end: body.end,
                name,
                params: body.params,
            })
        })
        .collect()
}
