//! ## What it does
//! Finds variables named `...version` or `...release` compared as numbers
//! (`version_comparison`): followed by `<`, `<=`, `>` or `>=`, or by `==` or
//! `!=` and a number. The problem is placed at the variable.
//!
//! ## Why is this bad?
//! Versions are not numbers: `'10.1' > '9.3'` is false as strings, and
//! `'1.10'` as a number is `1.1`. `versioncmp()` compares them part by part.
//!
//! ## Example
//! ```puppet
//! if $facts['os']['release']['major'] >= 8 { }   # not seen: an index
//! if $::operatingsystemmajrelease >= 8 { }
//! ```
//! Use instead:
//! ```puppet
//! if versioncmp($::operatingsystemmajrelease, '8') >= 0 { }
//! ```
//!
//! ## Fix
//! `$v OP x` becomes `versioncmp($v, 'x') OP 0`. Only where `x` is one
//! literal token (a number, a bare word, a plain string) that is the whole
//! operand: puppet-lint quotes whatever single token follows the operator, so
//! `$v > $min` would become a comparison with the text `'min'`, and `-1`, an
//! interpolated string or a function call something that does not parse;
//! those are left as they are. The comparison's meaning changes, which is
//! the point.
//!
//! ## References
//! The `puppet-lint-version_comparison-check` gem (Vox Pupuli), check
//! `version_comparison`.

use crate::lint::fix::{Fix, FixAt, Fixer, NoFix, Tok};
use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{Context, Kind, Problem, Rule};

/// `version_comparison`.
pub const RULE: Rule = Rule {
    name: "version_comparison",
    enabled_by_default: true,
    plugin: Some("puppet-lint-version_comparison-check"),
    fix: Some(Fix {
        apply: fix,
        changes_meaning: true,
    }),
    doc: include_str!("version_comparison.rs"),
    check,
};

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    (0..lt.tokens.len())
        .filter(|&i| compared_as_number(lt, i))
        .map(|i| ctx.problem(RULE.name, Kind::Warning, "version compared as number", lt.get(i).start))
        .collect()
}

/// Whether token `i` is a `...version`/`...release` variable compared as a
/// number.
fn compared_as_number(lt: &LintTokens, i: usize) -> bool {
    let t = lt.get(i);
    if t.kind != LintKind::Variable || !(t.value.ends_with("version") || t.value.ends_with("release")) {
        return false;
    }
    let Some(op) = lt.next_code(i) else {
        return false;
    };
    let o = lt.get(op);
    if o.kind != LintKind::Punct {
        return false;
    }
    match o.value {
        ">=" | ">" | "<=" | "<" => true,
        "==" | "!=" => lt.next_code(op).is_some_and(|v| lt.get(v).kind == LintKind::Number),
        _ => false,
    }
}

fn fix(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let var = at
        .token
        .filter(|&v| at.lt.get(v).kind == LintKind::Variable)
        .ok_or(NoFix)?;
    let value = at.lt.next_code(var).and_then(|op| at.lt.next_code(op)).ok_or(NoFix)?;
    let pv = f.pos(value).ok_or(NoFix)?;
    if !literal_operand(f, pv) {
        // puppet-lint quotes whatever token comes first (a variable's bare
        // name, half a string, a minus sign): the result compares with
        // something else than the program did, or does not parse.
        return Err(NoFix);
    }
    // The compared token's value as it is now, quoted; the token becomes 0.
    let quoted = format!("'{}'", f.toks[pv].value);
    let t = &mut f.toks[pv];
    t.kind = LintKind::Number;
    t.value = "0".to_string();
    t.text = "0".to_string();
    let p = f.pos(var).ok_or(NoFix)?;
    let mut compared = Tok::new(LintKind::SString, "", false);
    compared.value = quoted[1..quoted.len() - 1].to_string();
    compared.text = quoted;
    let after = [
        Tok::new(LintKind::Punct, ",", false),
        Tok::new(LintKind::Whitespace, " ", false),
        compared,
        Tok::new(LintKind::Punct, ")", false),
    ];
    f.toks.splice(p + 1..p + 1, after);
    let before = [
        Tok::new(LintKind::Name, "versioncmp", false),
        Tok::new(LintKind::Punct, "(", false),
    ];
    f.toks.splice(p..p, before);
    Ok(())
}

/// Whether the compared operand is the token at `at` alone, and a literal
/// that reads the same between single quotes: a number, a bare word, or a
/// string without quotes or backslashes to re-escape, not followed by an
/// operator that binds tighter than the comparison.
fn literal_operand(f: &Fixer, at: usize) -> bool {
    let t = &f.toks[at];
    let literal = match t.kind {
        LintKind::Number | LintKind::Name | LintKind::SString => true,
        LintKind::String => !t.value.contains(['\'', '\\']),
        _ => false,
    };
    let continued = f.next_code(at).is_some_and(|n| {
        let u = &f.toks[n];
        u.kind == LintKind::Punct && ["+", "-", "*", "/", "%", "<<", ">>", "[", "(", "."].contains(&u.value.as_str())
    });
    literal && !continued
}
