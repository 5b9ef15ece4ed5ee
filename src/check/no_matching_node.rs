//! ## What it does
//! Finds a machine that no `node` statement of its main manifest matches:
//! the manifests have `node` statements, none has the machine's name (its
//! `--certname`, else `config.vm.hostname`, its first label, or the Vagrant
//! machine name), no regex node matches it, and there is no `node default`.
//!
//! ## Why is this bad on EC2?
//! When a manifest has `node` statements, Puppet requires one to match the
//! node's certname (Puppet 7 and 8 match the whole name only) or a `default`
//! one: otherwise it stops with "Could not find node statement with name
//! 'default' or '...'" and applies nothing. On Vagrant the name came from
//! `config.vm.hostname`; a node statement for a name the instance never
//! has is a machine that is never configured.
//!
//! ## Example
//! ```puppet
//! node 'web.local' { include role::web }
//! ```
//! (and the Vagrantfile's machine is `app`, hostname `app.local`)
//!
//! Use instead:
//! ```puppet
//! node 'app.local' { include role::web }
//! node default { }
//! ```
//!
//! ## References
//! Puppet, "Node definitions" (naming, regex names, the default node);
//! Vagrant, "config.vm.hostname".

use super::context::Context;
use super::reach::{self, Run};
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::puppet::ast::{Expr, ExprKind};
use crate::puppet::Manifest;
use std::path::Path;

/// The check.
pub const CHECK: Check = Check {
    name: "no-matching-node",
    source: include_str!("no_matching_node.rs"),
    stops_build: false,
    run,
};

/// The names a run's node may have on EC2, as Puppet looks them up (lower case).
fn names(run: &Run) -> Vec<String> {
    if let Some(c) = &run.certname {
        return vec![c.to_ascii_lowercase()];
    }
    let mut out = vec![run.machine.to_ascii_lowercase()];
    if let Some(h) = &run.hostname {
        let h = h.to_ascii_lowercase();
        out.push(h.split('.').next().unwrap_or_default().to_string());
        out.push(h);
    }
    out
}

/// Whether node name `e` matches one of `names`; an unreadable regex matches.
fn matches(e: &Expr, names: &[String]) -> bool {
    match &e.kind {
        ExprKind::Default => true,
        ExprKind::Regex(r) => regex::RegexBuilder::new(r)
            .case_insensitive(false)
            .build()
            .map_or(true, |re| names.iter().any(|n| re.is_match(n))),
        _ => match scan::literal(e) {
            Some(s) if !s.contains("${}") => names.iter().any(|n| *n == s.to_ascii_lowercase()),
            _ => true,
        },
    }
}

/// The node statements of a manifest: each statement's names.
fn nodes(m: &Manifest) -> Vec<(&Expr, &[Expr])> {
    let mut out = Vec::new();
    scan::walk(m, &mut |e| {
        if let ExprKind::Node { matches, .. } = &e.kind {
            out.push((e, matches.as_slice()));
        }
    });
    out
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let images = scan::image_names(&p.targets.iter().collect::<Vec<_>>());
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for run in &p.reach.runs {
        if run.main.is_empty() || seen.contains(&run.machine.as_str()) {
            continue;
        }
        // The node statements of what this run loads (its main manifests when
        // the classes could not be followed).
        let statements: Vec<(&Manifest, &Expr, &[Expr])> = p
            .manifests
            .iter()
            .filter(|m| {
                let k = reach::key(Path::new(&m.source.path));
                run.files.contains(&k) || run.main.contains(&k)
            })
            .flat_map(|m| nodes(m).into_iter().map(move |(e, ms)| (m, e, ms)))
            .collect();
        let Some(&(first_m, first, _)) = statements.first() else {
            continue;
        };
        let names = names(run);
        if statements
            .iter()
            .any(|(_, _, ms)| ms.iter().any(|e| matches(e, &names)))
        {
            continue;
        }
        seen.push(&run.machine);
        let certname = match (&run.certname, &run.hostname) {
            (Some(c), _) => format!("`{c}` (its --certname)"),
            (None, Some(h)) => format!("`{h}` (its config.vm.hostname)"),
            (None, None) => format!(
                "the instance's EC2 name (it has no config.vm.hostname; not `{}`)",
                run.machine
            ),
        };
        out.push(
            p.at(
                CHECK.name,
                Severity::Error,
                &first_m.source,
                first.span.start as usize,
                first.span.start as usize + 4,
                format!(
                    "no `node` statement matches machine `{}`, whose certname on {images} is {certname}, and there is no `node default`: Puppet applies nothing",
                    run.machine
                ),
            )
            .with_help("name the machine's hostname in a node statement, or add `node default { }`"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::matches;
    use crate::diagnostic::Span;
    use crate::puppet::ast::{Expr, ExprKind};

    fn e(k: ExprKind) -> Expr {
        Expr::new(k, Span::new(0, 0))
    }

    #[test]
    fn names_regexes_and_default() {
        let names = vec!["web".to_string(), "web.example.com".to_string()];
        assert!(matches(&e(ExprKind::Str("WEB.example.com".into())), &names));
        assert!(!matches(&e(ExprKind::Str("db".into())), &names));
        assert!(matches(&e(ExprKind::Regex("^web\\d*".into())), &names));
        assert!(!matches(&e(ExprKind::Regex("^db".into())), &names));
        assert!(matches(&e(ExprKind::Default), &names));
    }
}
