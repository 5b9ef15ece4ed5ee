//! ## What it does
//! Finds legacy facts: `$::osfamily`, `$facts['osfamily']`, `"${::fqdn}"`,
//! `$::ipaddress_eth0`... (puppet-lint 4.x's `legacy_facts`; on by default
//! there and here, off with `--compat 3` as in puppet-lint 3.0.1). In Hiera
//! data (the YAML files linted with the manifests) it finds the same facts
//! read by interpolation, `%{::osfamily}`. `--fix` rewrites each in a manifest to the structured fact that replaced
//! it (`$facts['os']['family']`, `$facts['networking']['interfaces']['eth0']['ip']`),
//! except the few no structured fact holds (`memoryfree_mb`, `sshfp_rsa`...),
//! which are reported and left. The tables are in `legacy_facts.toml`.
//!
//! ## Why is this bad?
//! Facter 4 (Puppet 8) no longer sets the legacy facts by default: a manifest
//! that reads them gets `undef`.
//!
//! ## Example
//! ```puppet
//! case $::operatingsystem { 'Debian': { include apt } default: {} }
//! ```
//! Use instead:
//! ```puppet
//! case $facts['os']['name'] { 'Debian': { include apt } default: {} }
//! ```
//!
//! ## References
//! puppet-lint 4.x `legacy_facts` (not in puppet-lint 3.0.1); Facter's
//! "Legacy facts" documentation.

use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{Context, Kind, Problem, Rule};
use std::sync::OnceLock;

/// The rule.
pub const RULE: Rule = Rule {
    name: "legacy_facts",
    enabled_by_default: false,
    plugin: None,
    fix: None,
    doc: include_str!("legacy_facts.rs"),
    check,
};

#[derive(serde::Deserialize)]
struct Table {
    unconvertible: Vec<String>,
    easy: std::collections::BTreeMap<String, Vec<String>>,
    regex: Vec<RegexFact>,
}

#[derive(serde::Deserialize)]
struct RegexFact {
    pattern: String,
    fix: String,
}

struct Facts {
    table: Table,
    /// Byte regexes without Unicode: compiled in a quarter of the time (this
    /// check runs by default; an editor's lint of a buffer pays it each time).
    regexes: Vec<regex::bytes::Regex>,
}

fn facts() -> &'static Facts {
    static FACTS: OnceLock<Facts> = OnceLock::new();
    FACTS.get_or_init(|| {
        let table: Table = toml::from_str(include_str!("legacy_facts.toml")).expect("legacy_facts.toml is valid");
        let regexes = table
            .regex
            .iter()
            .map(|r| {
                regex::bytes::RegexBuilder::new(&r.pattern)
                    .unicode(false)
                    .build()
                    .expect("legacy_facts.toml's patterns are valid")
            })
            .collect();
        Facts { table, regexes }
    })
}

/// Whether `name` is a legacy fact.
pub fn is_legacy(name: &str) -> bool {
    let f = facts();
    f.table.easy.contains_key(name)
        || f.table.unconvertible.iter().any(|u| u == name)
        || f.regexes.iter().any(|r| r.is_match(name.as_bytes()))
}

/// Whether `name` is one of the names `top_scope_facts` leaves to this check.
pub fn is_easy(name: &str) -> bool {
    facts().table.easy.contains_key(name)
}

/// The `$facts` expression (without the `$`) that replaces legacy fact
/// `name`, `None` for the unconvertible ones.
pub fn replacement(name: &str) -> Option<String> {
    let f = facts();
    if let Some(keys) = f.table.easy.get(name) {
        let keys: String = keys.iter().map(|k| format!("['{k}']")).collect();
        return Some(format!("facts{keys}"));
    }
    f.table.regex.iter().zip(&f.regexes).find_map(|(r, re)| {
        let caps = re.captures(name.as_bytes())?;
        let mut out = r.fix.clone();
        for group in re.capture_names().flatten() {
            // The groups end at ASCII characters of the patterns: whole characters.
            let value = caps.name(group).map_or("", |m| &name[m.range()]);
            out = out.replace(&format!("{{{group}|sub:address}}"), &value.replacen("address", "", 1));
            out = out.replace(&format!("{{{group}}}"), value);
        }
        Some(format!("facts{out}"))
    })
}

/// The legacy fact a variable token names, and whether the token is a bare
/// `facts` whose `[key]` follows as separate tokens (in an interpolation).
pub fn fact_of(lt: &LintTokens, i: usize) -> Option<(String, bool)> {
    let t = lt.get(i);
    if !matches!(t.kind, LintKind::Variable | LintKind::UnencVariable) {
        return None;
    }
    let v = t.value;
    let name = if let Some(rest) = v.strip_prefix("::facts[") {
        // `::facts['key']` (the widest quoted match), or `::facts[key]`.
        match rest.find('\'').filter(|&k| k == 0).and(rest.rfind("']")) {
            Some(end) if end >= 1 => rest[1..end].to_string(),
            _ => rest.rfind(']').map_or(String::new(), |end| rest[..end].to_string()),
        }
    } else if let Some(rest) = v.strip_prefix("facts['") {
        rest.rfind("']").map_or(String::new(), |end| rest[..end].to_string())
    } else if v == "facts" {
        return hash_key(lt, i).filter(|k| is_legacy(k)).map(|k| (k, true));
    } else if let Some(rest) = v.strip_prefix("::") {
        rest.to_string()
    } else {
        String::new()
    };
    is_legacy(&name).then_some((name, false))
}

/// The key of `facts[KEY]` when the brackets are separate tokens: a string or
/// bare word right after a `[` right after the variable.
fn hash_key(lt: &LintTokens, i: usize) -> Option<String> {
    let lbrack = lt.next_code(i).filter(|&n| lt.get(n).is("["))?;
    let key = lt.next_code(lbrack)?;
    let k = lt.get(key);
    matches!(k.kind, LintKind::String | LintKind::SString | LintKind::Name).then(|| k.value.to_string())
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    (0..lt.tokens.len())
        .filter_map(|i| {
            let (name, _) = fact_of(lt, i)?;
            Some(ctx.problem(
                RULE.name,
                Kind::Warning,
                &format!("legacy fact '{name}'"),
                lt.get(i).start,
            ))
        })
        .collect()
}
