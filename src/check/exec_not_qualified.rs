//! ## What it does
//! Finds `exec` resources whose `command` (or title, when it has no
//! `command`), `unless`, `onlyif` or `refresh` starts with a command that is
//! not an absolute path (`which vagrant`, `cd /srv && make`, `tar -xzf ...`)
//! while the exec has no `path`, no `provider => shell`, and no resource
//! default `Exec { path => ... }` in the code the machines apply.
//!
//! An error where the code surely runs; a warning when which code runs could
//! not be decided. Commands that start with a variable (`"${java}/bin/java"`)
//! are not reported: their value is not known here.
//!
//! ## Why is this bad on EC2?
//! Puppet's `posix` exec provider (the default on Linux) refuses such a
//! command: "'which' is not qualified and no path was specified. Please
//! qualify the command or specify a path." For `unless`/`onlyif` the
//! resource cannot even be created and the whole run fails; for `command` the
//! exec fails and everything that requires it is skipped. Puppet has behaved
//! so since its first releases, so the code failed under Vagrant as well —
//! unless the box's Puppet ran with a resource default the project does not
//! carry — but on EC2 the boot script's Puppet step fails and the instance is
//! left half provisioned.
//!
//! ## Example
//! ```puppet
//! exec { 'gem install bundler':
//!   unless => 'which bundle',
//! }
//! ```
//! Use instead:
//! ```puppet
//! exec { 'gem install bundler':
//!   unless => 'which bundle',
//!   path   => ['/usr/local/bin', '/usr/bin', '/bin'],
//! }
//! ```
//!
//! ## References
//! Puppet, "Resource types: exec" (`command`: "must either be fully qualified
//! or a search path for the command must be provided"; `path`; the `posix`
//! and `shell` providers).

use super::context::Context;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::puppet::ast::{AttributeOp, Expr, ExprKind};

/// The check.
pub const CHECK: Check = Check {
    name: "exec-not-qualified",
    source: include_str!("exec_not_qualified.rs"),
    stops_build: false,
    run,
};

/// The exec attributes whose commands Puppet's posix provider validates.
const COMMANDS: [&str; 4] = ["command", "unless", "onlyif", "refresh"];

fn run(p: &Context) -> Vec<Diagnostic> {
    // A resource default `Exec { path => ... }` anywhere: Puppet's dynamic
    // scoping decides which execs it reaches; trust it for all.
    let defaulted = p.manifests.iter().any(|m| {
        let mut found = false;
        scan::walk(m, &mut |e| {
            if let ExprKind::ResourceDefaults { type_ref, ops, .. } = &e.kind {
                let exec = matches!(&type_ref.kind, ExprKind::QualifiedReference(n) if n.eq_ignore_ascii_case("exec"));
                found |= exec
                    && ops
                        .iter()
                        .any(|op| sets(op, "path") || matches!(op, AttributeOp::Splat { .. }));
            }
        });
        found
    });
    if defaulted {
        return vec![];
    }
    let (severity, when) = match p.reach.undecided {
        None => (Severity::Error, ""),
        Some(_) => (Severity::Warning, " (when this code is used)"),
    };
    let mut out = Vec::new();
    for m in &p.manifests {
        for r in scan::resources(m).into_iter().filter(|r| r.type_name == "exec") {
            let unknown = r.body.ops.iter().any(|op| matches!(op, AttributeOp::Splat { .. }));
            let provider = r.attr("provider").map(scan::literal);
            if unknown || r.attr("path").is_some() || provider.is_some_and(|p| p.as_deref() != Some("posix")) {
                continue;
            }
            for attr in COMMANDS {
                let value = match (attr, r.attr(attr)) {
                    ("command", None) => r.command(),
                    (_, Some(v)) => v,
                    (_, None) => continue,
                };
                for (exe, e) in executables(attr, value) {
                    out.push(
                        p.at(
                            CHECK.name,
                            severity,
                            &m.source,
                            e.span.start as usize,
                            e.span.end as usize,
                            format!("`{exe}` in this exec's `{attr}` is not an absolute path and the exec has no `path`: Puppet refuses it (\"'{exe}' is not qualified and no path was specified\"){when}"),
                        )
                        .with_help("add `path => ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']` to the exec (or a resource default `Exec { path => ... }`), write the command's full path, or run it with `provider => shell`"),
                    );
                }
            }
        }
    }
    out
}

fn sets(op: &AttributeOp, name: &str) -> bool {
    matches!(op, AttributeOp::Set { name: n, .. } if n == name)
}

/// The unqualified executables of an attribute's value, as Puppet extracts
/// them: a command array's first item; a string's quoted head or first
/// space-separated word. `command` is one command (an array is its argv);
/// the checks may be a list of commands.
fn executables<'a>(attr: &str, value: &'a Expr) -> Vec<(String, &'a Expr)> {
    let commands: Vec<&Expr> = match &value.kind {
        ExprKind::List(items) if attr == "command" => items.first().into_iter().collect(),
        ExprKind::List(items) => items
            .iter()
            .map(|i| match &i.kind {
                ExprKind::List(argv) => argv.first().unwrap_or(i),
                _ => i,
            })
            .collect(),
        _ => vec![value],
    };
    commands
        .into_iter()
        .filter_map(|c| {
            let text = scan::literal(c)?;
            unqualified(&text).map(|exe| (exe, c))
        })
        .collect()
}

/// The executable of a command line when Puppet would refuse it unqualified.
fn unqualified(command: &str) -> Option<String> {
    let exe = match command.strip_prefix(['"', '\'']) {
        Some(rest) => rest.split(['"', '\'']).next()?,
        None => command.split(' ').next()?,
    };
    // Empty, a variable's value, quoted with spaces, or absolute: nothing to say.
    let plain = exe
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/'));
    (!exe.is_empty() && plain && !exe.starts_with('/')).then(|| exe.to_string())
}

#[cfg(test)]
mod tests {
    use super::unqualified;

    #[test]
    fn what_puppet_calls_unqualified() {
        assert_eq!(unqualified("which vagrant").as_deref(), Some("which"));
        assert_eq!(unqualified("cd /srv && make").as_deref(), Some("cd"));
        assert_eq!(unqualified("'my tool' --x").as_deref(), None);
        assert_eq!(unqualified("\"apt-get\" update").as_deref(), Some("apt-get"));
        assert_eq!(unqualified("/usr/bin/which vagrant"), None);
        assert_eq!(unqualified("${}/bin/java -version"), None);
        assert_eq!(unqualified(" leading-space"), None);
        assert_eq!(unqualified("./configure --prefix=/opt").as_deref(), Some("./configure"));
    }
}
