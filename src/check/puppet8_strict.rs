//! ## What it does
//! Finds Puppet code that Puppet 8's defaults reject: `strict_variables`
//! (an unknown variable stops the run), `strict=error` (what Puppet 7 only
//! warned about), and `include_legacy_facts=false` (`$fqdn`, `$::osfamily`,
//! `$ipaddress_eth1`... are no longer variables). It reports:
//! - legacy facts in manifests, EPP templates (`$hostname`) and ERB templates
//!   (`scope['::osfamily']`, `scope.lookupvar(...)` stop the run; `@fqdn`
//!   becomes empty), with the `$facts[...]` that replaces each;
//! - other variables nothing in scope sets (not a parameter, an assignment in
//!   the class or its parents, a fact, a top-scope or node variable), and
//!   `$class::var` where that class sets no `var`. Left undecided: classes
//!   whose parent is not in the project, variables of classes that are not,
//!   Puppet language functions, and every unknown variable when a module has
//!   external facts (`facts.d`);
//! - what Puppet's validation stops on, in Puppet 8 as in 7: class and define
//!   names it refuses (`foo-bar`, `init`, other type names), upper-case
//!   variable names, parameters starting with a digit, hash resource titles,
//!   empty string titles, values produced and forgotten ("has no effect"), a
//!   resource without a title; under `strict=error`: duplicate hash keys and numbers in strings
//!   (`'1' + 1`).
//!
//! Each message is Puppet's own; `help:` says what to write instead. Findings
//! that only `strict` settings make fatal are errors when a machine gets
//! Puppet 8 (OpenVox 8, or the distribution's Puppet 8) with its own defaults,
//! warnings when every machine gets Puppet 7 or when puppetlift runs Puppet 8
//! with Puppet 7's leniency (`[puppet] legacy_compat`, on by default for
//! `puppet apply`: `--include_legacy_facts --no-strict_variables
//! --strict=warning`; a puppetmaster's compiles keep Puppet 8's defaults).
//! Module `spec/`, `tests/` and `examples/` are skipped.
//!
//! ## Why is this bad on EC2?
//! A Vagrant box came with Puppet 3 to 6, where these were warnings or
//! nothing. puppetlift installs OpenVox 8 on most images (and Ubuntu 24.04 and
//! Debian 13 ship Puppet 8): `puppet apply` stops at the first of them, with
//! nothing applied.
//!
//! ## Example
//! ```puppet
//! class web-server($Port = 80) {
//!   file { '/etc/motd': content => "${hostname} in ${::domain}\n" }
//!   if $::osfamily == 'Debian' { $pkg = 'apache2' }
//! }
//! ```
//! Use instead:
//! ```puppet
//! class web_server($port = 80) {
//!   file { '/etc/motd': content => "${facts['networking']['hostname']} in ${facts['networking']['domain']}\n" }
//!   if $facts['os']['family'] == 'Debian' { $pkg = 'apache2' }
//! }
//! ```
//!
//! ## References
//! Puppet 8 release notes ("strict mode is on by default", "legacy facts
//! excluded by default"); Puppet, "Language: Variables" (strict_variables) and
//! "Core facts" (the legacy facts and their replacements); the
//! `puppet8-strict` section of puppetlift's README for what was measured
//! against Puppet 7.23 run with `--strict=error --strict_variables
//! --no-include_legacy_facts`.

mod language;
mod variables;

use super::context::Context;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity, SourceFile, Span};
use crate::lint::rules::legacy_facts;
use crate::plan::{PuppetSource, Step};
use crate::puppet::Manifest;
use std::collections::BTreeSet;
use std::path::Path;

/// The check.
pub const CHECK: Check = Check {
    name: "puppet8-strict",
    source: include_str!("puppet8_strict.rs"),
    stops_build: false,
    run,
};

/// One thing Puppet 8 stops on (or silently changes), before it is made a diagnostic.
pub(crate) struct Finding {
    span: Span,
    /// What Puppet says.
    message: String,
    /// What to write instead.
    help: String,
    /// Which Puppet it breaks, and how.
    when: When,
}

/// Which Puppet a finding breaks, and how.
#[derive(Clone, Copy, PartialEq)]
enum When {
    /// Fatal under every Puppet since 4 (its validation pass).
    Always,
    /// Fatal under Puppet 8's `strict=error` / `strict_variables` only.
    Strict,
    /// Not fatal: Puppet 8 goes on with an empty value.
    Silent,
}

impl Finding {
    fn new(when: When, span: Span, message: String, help: impl Into<String>) -> Finding {
        Finding {
            span,
            message,
            help: help.into(),
            when,
        }
    }

    /// Fatal under every Puppet since 4.
    fn always(span: Span, message: String, help: impl Into<String>) -> Finding {
        Finding::new(When::Always, span, message, help)
    }

    /// Fatal under Puppet 8's `strict` settings only.
    fn strict(span: Span, message: String, help: impl Into<String>) -> Finding {
        Finding::new(When::Strict, span, message, help)
    }
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let (eight, seven) = puppet_majors(p);
    if eight.is_empty() && seven.is_empty() {
        return vec![];
    }
    let lenient = lenient(p);
    let manifests: Vec<&Manifest> = p.manifests.iter().filter(|m| applied(p, &m.source.path)).collect();
    let (facts, unlisted) = extra_facts(p);
    let ix = variables::Index::new(&manifests, facts, unlisted);
    let mut out = Vec::new();
    for m in &manifests {
        let Ok(body) = &m.body else { continue };
        let mut found = Vec::new();
        language::check(m, body, &mut found);
        variables::check(&ix, m, &mut found);
        out.extend(
            found
                .into_iter()
                .map(|f| diagnostic(&m.source, f, &eight, &seven, lenient)),
        );
    }
    for t in p.templates.iter().filter(|t| applied(p, &t.path)) {
        let found = if t.path.ends_with(".epp") {
            epp_legacy_facts(&t.text)
        } else {
            erb_legacy_facts(&t.text)
        };
        out.extend(found.into_iter().map(|f| diagnostic(t, f, &eight, &seven, lenient)));
    }
    out
}

/// The diagnostic for a finding, its severity from the Puppet the machines get.
fn diagnostic(src: &SourceFile, f: Finding, eight: &[String], seven: &[String], lenient: bool) -> Diagnostic {
    let names = |v: &[String]| v.join(", ");
    let (severity, tail) = if f.when == When::Always {
        (Severity::Error, "Puppet stops here on every image".to_string())
    } else if f.when == When::Silent {
        let on = if eight.is_empty() {
            "Puppet 8"
        } else {
            &format!("Puppet 8 on {}", names(eight))
        };
        return Diagnostic::warning(CHECK.name, &src.path, Some(f.span), format!("{} ({on})", f.message))
            .with_help(f.help);
    } else if !eight.is_empty() && lenient {
        (
            Severity::Warning,
            format!(
                "Puppet 8 on {} stops here once `[puppet] legacy_compat` is off; puppetlift runs it with Puppet 7's leniency until then",
                names(eight)
            ),
        )
    } else if !eight.is_empty() {
        (Severity::Error, format!("Puppet 8 on {} stops here", names(eight)))
    } else {
        (
            Severity::Warning,
            format!("Puppet 7 on {} only warns; Puppet 8 stops here", names(seven)),
        )
    };
    let mut d = Diagnostic::error(
        CHECK.name,
        &src.path,
        Some(f.span),
        format!("\"{}\" ({tail})", f.message),
    )
    .with_help(f.help);
    d.severity = severity;
    d
}

/// Whether the plan runs Puppet 8 with Puppet 7's leniency (`[puppet]
/// legacy_compat`, on by default): so it does for `puppet apply`; a master's
/// compiles keep Puppet 8's defaults.
fn lenient(p: &Context) -> bool {
    p.project.settings.puppet.legacy_compat() && !p.steps().any(|s| matches!(s, Step::PuppetAgent { .. }))
}

/// The images whose machines get Puppet 8 or newer, and those that get Puppet 7.
fn puppet_majors(p: &Context) -> (Vec<String>, Vec<String>) {
    let (mut eight, mut seven) = (Vec::new(), Vec::new());
    for t in &p.targets {
        let major = match p.planned {
            Some(pl) => pl
                .plan
                .nodes
                .iter()
                .filter(|n| t.machines.contains(&n.name))
                .flat_map(|n| n.steps.iter())
                .find_map(|s| match s {
                    Step::InstallPuppet { source, .. } => Some(source.major(t.image.puppet_os)),
                    _ => None,
                }),
            // Plain code (`check --image`): the source `[puppet]` would choose.
            None => Some(
                PuppetSource::choose(&p.project.settings.puppet, &t.image)
                    .0
                    .major(t.image.puppet_os),
            ),
        };
        match major {
            Some(m) if m >= 8 => eight.push(t.image.os.clone()),
            Some(_) => seven.push(t.image.os.clone()),
            None => {}
        }
    }
    (eight, seven)
}

/// Whether a file is code a machine may apply: not a module's tests or examples.
fn applied(p: &Context, path: &str) -> bool {
    !super::paths::in_module_tests(p.dir, Path::new(path))
}

/// Facts beyond Facter's own: modules' custom facts (`Facter.add(:name)`) and
/// the provisioners' `FACTER_*` variables; and whether external facts
/// (`facts.d`) set names this cannot list.
fn extra_facts(p: &Context) -> (BTreeSet<String>, bool) {
    let mut facts = BTreeSet::new();
    for f in &p.other_files {
        if f.path.ends_with(".rb") {
            for part in f.text.split("Facter.add(").skip(1) {
                let name: String = part
                    .trim_start_matches([':', '"', '\'', ' '])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    facts.insert(name.to_ascii_lowercase());
                }
            }
        }
    }
    for (_, env) in p.puppet_runs() {
        for (k, _) in env {
            if let Some(name) = k.strip_prefix("FACTER_") {
                facts.insert(name.to_ascii_lowercase());
            }
        }
    }
    let unlisted = p
        .other_files
        .iter()
        .chain(p.hiera_data.iter())
        .any(|f| f.path.contains("/facts.d/"));
    (facts, unlisted)
}

/// Legacy facts an EPP template reads: `$fqdn`, `$::osfamily` inside `<% %>`,
/// unless the template declares or assigns that name itself.
fn epp_legacy_facts(text: &str) -> Vec<Finding> {
    let mut own = BTreeSet::new();
    let mut refs = Vec::new();
    for (start, code) in tags(text, "<%", "%>") {
        let b = code.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'$' {
                let at = i;
                i += 1;
                let name_start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b':') {
                    i += 1;
                }
                let name = &code[name_start..i];
                let rest = code[i..].trim_start();
                let is_decl =
                    rest.starts_with('=') && !rest.starts_with("==") || rest.starts_with(',') || rest.starts_with('|');
                if is_decl {
                    own.insert(name.trim_start_matches("::").to_string());
                }
                refs.push((start + at, name.to_string()));
            } else {
                i += 1;
            }
        }
    }
    refs.into_iter()
        .filter(|(_, n)| {
            let bare = n.trim_start_matches("::");
            legacy_facts::is_legacy(bare) && !own.contains(bare)
        })
        .map(|(at, n)| {
            Finding::strict(
                Span::new(at, at + 1 + n.len()),
                format!("Unknown variable: '{n}'."),
                legacy_help(n.trim_start_matches("::"), "$"),
            )
        })
        .collect()
}

/// Legacy facts an ERB template reads through `scope` (which stops the run)
/// or as `@name` (which Puppet 8 renders empty: reported too).
fn erb_legacy_facts(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (start, code) in tags(text, "<%", "%>") {
        for (i, _) in code.match_indices("scope") {
            let rest = &code[i + 5..];
            let arg = rest
                .strip_prefix('[')
                .or_else(|| {
                    rest.strip_prefix(".lookupvar(")
                        .or_else(|| rest.strip_prefix(".lookupvar "))
                })
                .or_else(|| rest.strip_prefix("['"));
            let Some(arg) = arg else { continue };
            let arg = arg.trim_start();
            let Some(q) = arg.chars().next().filter(|c| *c == '\'' || *c == '"') else {
                continue;
            };
            let Some(end) = arg[1..].find(q) else { continue };
            let name = &arg[1..1 + end];
            let bare = name.trim_start_matches("::");
            if legacy_facts::is_legacy(bare) {
                out.push(Finding::strict(
                    Span::new(start + i, start + i + 5),
                    format!("Undefined variable '{name}'"),
                    legacy_help(bare, "$"),
                ));
            }
        }
        for (i, _) in code.match_indices('@') {
            let name: String = code[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && legacy_facts::is_legacy(&name) {
                out.push(Finding::new(
                    When::Silent,
                    Span::new(start + i, start + i + 1 + name.len()),
                    format!("`@{name}` is a legacy fact Facter no longer sets: the template renders it empty"),
                    legacy_help(&name, "@"),
                ));
            }
        }
    }
    out
}

/// What replaces legacy fact `name`, written with `sigil` (`$` in Puppet, `@` in ERB).
fn legacy_help(name: &str, sigil: &str) -> String {
    match legacy_facts::replacement(name) {
        Some(r) => format!("write `{sigil}{r}` (a legacy fact Facter no longer sets by default)"),
        None => "a legacy fact no structured fact replaces: compute it in Puppet or a custom fact".into(),
    }
}

/// The code inside each `open ... close` tag with the offset of its first byte.
fn tags<'a>(text: &'a str, open: &str, close: &str) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(o) = text[at..].find(open) {
        let start = at + o + open.len();
        let Some(c) = text[start..].find(close) else { break };
        out.push((start, &text[start..start + c]));
        at = start + c + close.len();
    }
    out
}
