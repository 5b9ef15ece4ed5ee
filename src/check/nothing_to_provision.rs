//! ## What it does
//! Reports machines whose plan has no provisioning step: no shell script, no
//! file copy, no `puppet apply` or `puppet agent` run. It says why: the machine
//! has no provisioner, its provisioners are of a kind puppetlift does not run
//! (Ansible, Chef, Salt, Docker, ...), they are all `run: "never"`, or the
//! Vagrantfile has code puppetlift could not evaluate, which may have defined
//! them (each such place is named with its line and column).
//!
//! ## Why is this bad on EC2?
//! The boot script would install Puppet, perhaps unpack the code, and then
//! report "machine ... provisioned" having configured nothing: the instance
//! looks healthy and is empty. With Vagrant something else did the work (a
//! plugin, a provisioner defined in code the evaluator did not follow, a
//! `vagrant provision --provision-with` run by hand), and nothing in the
//! artifacts does it now.
//!
//! ## Example
//! ```ruby
//! Vagrant.configure("2") do |config|
//!   config.vm.box = "debian/bookworm64"
//!   config.vm.provision "ansible" do |a|
//!     a.playbook = "site.yml"
//!   end
//! end
//! ```
//! Use instead:
//! ```ruby
//! Vagrant.configure("2") do |config|
//!   config.vm.box = "debian/bookworm64"
//!   config.vm.provision "puppet" do |p|
//!     p.manifest_file = "site.pp"
//!   end
//! end
//! ```
//! or, when the machine really needs nothing, `[check] ignore =
//! ["nothing-to-provision"]` in puppetlift.toml.
//!
//! ## References
//! Vagrant documentation, "Provisioning" (the provisioner types and `run`);
//! `puppetlift inspect` (what the evaluator understood, and what it did not).

use super::context::Context;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::plan::Step;
use crate::vagrant::Machine;

/// The check.
pub const CHECK: Check = Check {
    name: "nothing-to-provision",
    source: include_str!("nothing_to_provision.rs"),
    stops_build: true,
    run,
};

/// The provisioner types the plan turns into steps (plan/steps.rs).
const CONVERTED: &[&str] = &["shell", "file", "puppet", "puppet_server"];

/// The evaluator's findings that mean part of the configuration may be missing.
const LOST: &[&str] = &[
    "vagrant-not-evaluated",
    "vagrant-unknown-condition",
    "vagrant-unknown-value",
    "vagrant-unknown-setting",
    "vagrant-plugin",
    "vagrant-raise",
    "vagrant-budget",
    "vagrant-depth",
    "vagrant-size",
];

/// How many places of unevaluated code a message names.
const NAMED_PLACES: usize = 3;

fn run(p: &Context) -> Vec<Diagnostic> {
    let Some(planned) = p.planned else {
        return vec![];
    };
    let vf = p.project.vagrantfile_name();
    let mut out = Vec::new();
    for node in &planned.plan.nodes {
        if node.steps.iter().any(provisions) {
            continue;
        }
        let machine = p.project.machines().iter().find(|m| m.name == node.name);
        let (why, mut span) = match machine {
            Some(m) => reason(m, p),
            None => ("it is not a Vagrant machine".to_string(), None),
        };
        let lost = lost_places(p);
        let mut msg = format!("machine `{}` has nothing to provision: {why}", node.name);
        if !lost.is_empty() {
            let places: Vec<String> = lost.iter().take(NAMED_PLACES).map(|(at, _, _)| at.clone()).collect();
            let more = match lost.len().saturating_sub(NAMED_PLACES) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            msg.push_str(&format!(
                "; the Vagrantfile has code puppetlift could not evaluate, which may define its provisioners: {}{more}",
                places.join(", ")
            ));
            if let Some((_, _, s)) = lost.iter().find(|(_, f, _)| *f == vf) {
                span = span.or(Some(*s));
            }
        }
        out.push(Diagnostic::error(CHECK.name, &vf, span, msg).with_help(
            "its boot script would end \"provisioned\" having done nothing: give it a shell, file or puppet \
                 provisioner (see `puppetlift inspect`), or ignore this check if the machine needs nothing",
        ));
    }
    out
}

/// Whether a step configures the machine (rather than prepares for that).
fn provisions(s: &Step) -> bool {
    matches!(
        s,
        Step::RunShell { .. }
            | Step::WriteFile { .. }
            | Step::PuppetApply { .. }
            | Step::PuppetAgent { .. }
            | Step::StartPuppetServer { .. }
    )
}

/// Why a machine got no provisioning step, and where in the Vagrantfile.
fn reason(m: &Machine, p: &Context) -> (String, Option<Span>) {
    let text = p.vagrantfile.as_ref().map(|v| v.text.as_str()).unwrap_or("");
    let active: Vec<_> = m
        .provisioners
        .iter()
        .filter(|x| x.run.as_deref() != Some("never"))
        .collect();
    if m.provisioners.is_empty() {
        return (
            "puppetlift found no provisioner for it".into(),
            define_span(text, &m.name),
        );
    }
    if active.is_empty() {
        return (
            "its provisioners are all `run: \"never\"`".into(),
            define_span(text, &m.name),
        );
    }
    let other: Vec<&str> = active
        .iter()
        .map(|x| x.kind.as_str())
        .filter(|k| !CONVERTED.contains(k))
        .collect();
    if !other.is_empty() {
        let mut kinds: Vec<String> = other.iter().map(|k| format!("`{k}`")).collect();
        kinds.dedup();
        let span = other.iter().find_map(|k| provision_span(text, k));
        return (
            format!(
                "its provisioners are {}, which puppetlift does not run (it runs {})",
                kinds.join(", "),
                CONVERTED.join(", ")
            ),
            span,
        );
    }
    (
        "its shell provisioners download their scripts, which puppetlift does not convert".into(),
        define_span(text, &m.name),
    )
}

/// The evaluator's findings that may have lost configuration: `file:line:col`
/// with what was not evaluated, the file and the span.
fn lost_places(p: &Context) -> Vec<(String, String, Span)> {
    let mut out = Vec::new();
    for d in &p.project.evaluation.diagnostics {
        if !(LOST.contains(&d.code) || d.severity == Severity::Error) {
            continue;
        }
        let Some(span) = d.span else { continue };
        let at = match p.project.source(&d.file) {
            Some(src) => {
                let (line, col) = src.line_col(span.start as usize);
                let file = if d.file == p.project.vagrantfile_name() {
                    "line".to_string()
                } else {
                    d.file.clone()
                };
                format!("{file} {line}:{col} ({})", d.message)
            }
            None => format!("{} ({})", d.file, d.message),
        };
        out.push((at, d.file.clone(), span));
    }
    out
}

/// The machine's `define` in the Vagrantfile (its name in quotes or as a symbol).
fn define_span(text: &str, name: &str) -> Option<Span> {
    word_then(
        text,
        "define",
        &[format!("\"{name}\""), format!("'{name}'"), format!(":{name}")],
    )
}

/// The first `provision "KIND"` (or `:KIND`) in the Vagrantfile.
fn provision_span(text: &str, kind: &str) -> Option<Span> {
    word_then(
        text,
        "provision",
        &[format!("\"{kind}\""), format!("'{kind}'"), format!(":{kind}")],
    )
}

/// The first of `spellings` that follows `word` (after blanks or a parenthesis).
fn word_then(text: &str, word: &str, spellings: &[String]) -> Option<Span> {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let rest = text[at + word.len()..].trim_start_matches([' ', '(', '\t']);
        let offset = text.len() - rest.len();
        if let Some(s) = spellings.iter().find(|s| rest.starts_with(s.as_str())) {
            return Some(Span::new(offset, offset + s.len()));
        }
        from = at + 1;
    }
    None
}
