//! ## What it does
//! Four checks on how resource references are written:
//! - `resource_reference_chain_without_whitespace`: a blank between a data
//!   type name and its `[` (`Class ['site'] -> Class ['app']`).
//! - `resource_reference_without_whitespace`: the same after any other
//!   capitalised reference (`Package ['nginx']`), in a manifest with a
//!   resource body, as upstream; reported once (upstream repeats it for each
//!   resource body of the manifest).
//! - `resource_reference_with_unquoted_title`: a bare-word title in a
//!   reference given to `require`, `subscribe`, `notify`, `before`, `consume`
//!   or `export` (`require => File[motd]`).
//! - `resource_reference_without_title_capital`: a capitalised title there
//!   (`require => File[Motd]`, which reads as a type name).
//!
//! All four are errors.
//!
//! ## Why is this bad?
//! Puppet 4 reads `Type [title]` and `Type[title]` alike only by accident of
//! its grammar, and a title should be a quoted string: a bare word is easy to
//! mistake for a type or a function.
//!
//! ## Example
//! ```puppet
//! file { '/etc/motd': require => Package [motd] }
//! ```
//! Use instead:
//! ```puppet
//! file { '/etc/motd': require => Package['motd'] }
//! ```
//!
//! ## Fix safety
//! Only `resource_reference_with_unquoted_title` has a fix: the bare word
//! becomes a single-quoted string, the same title to Puppet.
//!
//! ## References
//! The `puppet-lint-resource_reference_syntax` gem (2.0.0 is the newest source
//! at hand; Vox Pupuli's set asks for 3.x), part of Vox Pupuli's plugin set.

use crate::lint::fix::{Fix, FixAt, Fixer, NoFix};
use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{Context, Kind, Problem, Rule};

const PLUGIN: Option<&str> = Some("puppet-lint-resource_reference_syntax");

/// `resource_reference_chain_without_whitespace`.
pub const CHAIN_WITHOUT_WHITESPACE: Rule = Rule {
    name: "resource_reference_chain_without_whitespace",
    enabled_by_default: true,
    plugin: PLUGIN,
    fix: None,
    doc: include_str!("resource_reference_syntax.rs"),
    check: chain_without_whitespace,
};

/// `resource_reference_with_unquoted_title`.
pub const WITH_UNQUOTED_TITLE: Rule = Rule {
    name: "resource_reference_with_unquoted_title",
    enabled_by_default: true,
    plugin: PLUGIN,
    fix: Some(Fix {
        apply: quote_title,
        // A bare word and a string are different nodes in the AST, though
        // Puppet reads both as the same title.
        changes_meaning: true,
    }),
    doc: include_str!("resource_reference_syntax.rs"),
    check: with_unquoted_title,
};

/// `resource_reference_without_title_capital`.
pub const WITHOUT_TITLE_CAPITAL: Rule = Rule {
    name: "resource_reference_without_title_capital",
    enabled_by_default: true,
    plugin: PLUGIN,
    fix: None,
    doc: include_str!("resource_reference_syntax.rs"),
    check: without_title_capital,
};

/// `resource_reference_without_whitespace`.
pub const WITHOUT_WHITESPACE: Rule = Rule {
    name: "resource_reference_without_whitespace",
    enabled_by_default: true,
    plugin: PLUGIN,
    fix: None,
    doc: include_str!("resource_reference_syntax.rs"),
    check: without_whitespace,
};

const WHITESPACE_MESSAGE: &str = "whitespce between reference type and title";

/// The tokens of `kind` directly followed by blanks, then (as the next code
/// token) a `[`.
fn spaced_references(lt: &LintTokens, kind: LintKind) -> Vec<usize> {
    (0..lt.tokens.len())
        .filter(|&i| {
            lt.get(i).kind == kind
                && lt.tokens.get(i + 1).is_some_and(|t| t.kind == LintKind::Whitespace)
                && lt.next_code(i).is_some_and(|n| lt.punct(n, "["))
        })
        .collect()
}

fn chain_without_whitespace(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    spaced_references(lt, LintKind::Type)
        .into_iter()
        .map(|i| {
            ctx.problem(
                CHAIN_WITHOUT_WHITESPACE.name,
                Kind::Error,
                WHITESPACE_MESSAGE,
                lt.get(i).start,
            )
        })
        .collect()
}

fn without_whitespace(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let Ok(bodies) = bodies(lt) else {
        return Vec::new();
    };
    if bodies.is_empty() {
        return Vec::new();
    }
    // Upstream reports each one again for every resource body of the
    // manifest (its loop over the bodies never looks at them): a duplicate
    // per body, which grows as references times bodies. Once each here.
    spaced_references(lt, LintKind::ClassRef)
        .into_iter()
        .map(|i| {
            ctx.problem(
                WITHOUT_WHITESPACE.name,
                Kind::Error,
                WHITESPACE_MESSAGE,
                lt.get(i).start,
            )
        })
        .collect()
}

fn with_unquoted_title(ctx: &Context) -> Vec<Problem> {
    titles(
        ctx,
        LintKind::Name,
        WITH_UNQUOTED_TITLE.name,
        "unquoted title in resource reference",
    )
}

fn without_title_capital(ctx: &Context) -> Vec<Problem> {
    titles(
        ctx,
        LintKind::ClassRef,
        WITHOUT_TITLE_CAPITAL.name,
        "resource reference with title with capital letter",
    )
}

/// The titles of `kind` written right after `Reference[` in the values of the
/// relationship parameters of every resource body.
fn titles(ctx: &Context, kind: LintKind, check: &'static str, message: &str) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let Ok(bodies) = bodies(lt) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for body in &bodies {
        for (k, &param) in body.params.iter().enumerate() {
            if !matches!(
                lt.get(param).value,
                "require" | "subscribe" | "notify" | "before" | "consume" | "export"
            ) {
                continue;
            }
            let Some(arrow) = lt.next_code(param) else { continue };
            // The value's tokens: up to the body's next parameter or its end.
            let stop = body.params.get(k + 1).map_or(body.end + 1, |&p| p.min(body.end + 1));
            for c in arrow + 1..stop.min(lt.tokens.len()) {
                if lt.get(c).kind == LintKind::ClassRef
                    && lt.punct(c + 1, "[")
                    && lt.tokens.get(c + 2).is_some_and(|t| t.kind == kind)
                {
                    out.push(ctx.problem(check, Kind::Error, message, lt.get(c + 2).start));
                }
            }
        }
    }
    out
}

/// A resource body as puppet-lint 4's `resource_indexes` finds it.
struct Body {
    /// The `;` or `}` that ends it (its tokens start at its `:`).
    end: usize,
    /// Its parameter names, in order.
    params: Vec<usize>,
}

/// puppet-lint 4's `resource_indexes`: a body from each `:` not followed by
/// `{` (nor preceded by a capitalised reference before any bare word) to the
/// next `;` or `}` outside brackets. `Err` where puppet-lint raises its
/// syntax error (a body without an end, or without a `{` before it).
fn bodies(lt: &LintTokens) -> Result<Vec<Body>, usize> {
    let n = lt.tokens.len();
    // The last code token that is a bare word or a capitalised reference,
    // before each token.
    let mut last_word = Vec::with_capacity(n);
    let mut word = None;
    // The last `{` not preceded by `?`, up to each token.
    let mut last_lbrace = Vec::with_capacity(n);
    let mut lbrace = None;
    for (i, t) in lt.tokens.iter().enumerate() {
        last_word.push(word);
        if matches!(t.kind, LintKind::Name | LintKind::ClassRef) {
            word = Some(t.kind);
        }
        if lt.punct(i, "{") && lt.prev_code(i).is_none_or(|p| !lt.punct(p, "?")) {
            lbrace = Some(i);
        }
        last_lbrace.push(lbrace);
    }
    let mut out = Vec::new();
    let mut marker = 0;
    for colon in (0..n).filter(|&i| lt.punct(i, ":")) {
        match lt.next_code(colon) {
            Some(k) if !lt.punct(k, "{") => {}
            _ => continue,
        }
        if last_word.get(colon).copied().flatten() == Some(LintKind::ClassRef) {
            continue;
        }
        if colon < marker {
            break;
        }
        let error = lt.get(colon).start;
        let end = lt
            .next_token_of(colon, &|t| t.kind == LintKind::Punct && matches!(t.value, ";" | "}"))
            .ok_or(error)?;
        marker = end;
        let lb = last_lbrace.get(colon).copied().flatten().ok_or(error)?;
        lt.prev_code(lb).ok_or(error)?;
        let mut params = Vec::new();
        let mut at = colon;
        while let Some(name) = lt.next_token_of(at, &|t| t.kind == LintKind::Name) {
            if name > end {
                break;
            }
            if lt.next_code(name).is_some_and(|k| lt.punct(k, "=>")) {
                params.push(name);
            }
            at = name;
        }
        out.push(Body { end, params });
    }
    Ok(out)
}

/// Single-quotes the bare-word title.
fn quote_title(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let pos = f.pos(at.token.ok_or(NoFix)?).ok_or(NoFix)?;
    if f.toks[pos].kind != LintKind::Name {
        return Err(NoFix);
    }
    f.make_sstring(pos);
    Ok(())
}
