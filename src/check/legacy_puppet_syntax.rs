//! ## What it does
//! Finds Puppet 3 constructs that later Puppet removed: `import`, node
//! inheritance (`node 'web' inherits 'base'`), and a `node` definition in a
//! module's manifest that Puppet loads through the autoloader (Puppet 3 took
//! it; Puppet 4 and later stop with "This Node Definition is unacceptable as
//! a top level construct in this location"); and options of the puppet
//! provisioner that name settings Puppet 4 to 7 removed (`--templatedir`,
//! `--manifestdir`, `--parser future`, `--ordering`, `--stringify_facts`,
//! ...: "invalid option"), or an `--environment` that Puppet 3 found in
//! `puppet.conf` where Puppet 4 and later want a directory (no
//! `environment_path`). The parser reads the language constructs (and
//! `puppetlift parse` warns with `legacy-syntax`); this check says what they
//! mean for the instance.
//!
//! ## Why is this bad on EC2?
//! A Vagrant box from 2012 ran Puppet 2.7 or 3. The images puppetlift targets
//! get Puppet 7 or 8 (the distribution's, or OpenVox), where `import` and
//! node inheritance are errors: `puppet apply` stops before applying anything.
//!
//! ## Example
//! ```puppet
//! import 'nodes/*.pp'
//! node 'web' inherits 'base' { include apache }
//! # modules/app/manifests/init.pp, below class app:
//! node default { include app }
//! ```
//! Use instead:
//! ```puppet
//! # manifests/ as a directory: puppet apply reads every file in it
//! node 'web' { include role::base, apache }
//! # the node definitions in the main manifest (manifests/site.pp)
//! node default { include app }
//! ```
//!
//! ## References
//! Puppet 4 release notes, "Removed features: import, node inheritance";
//! Puppet, "Node definitions" (only in the main manifest); Puppet 4, 5 and 6
//! release notes, "Removed settings" (checked with Puppet 7.23's `puppet apply`);
//! Puppet, "The main manifest(s)" (a directory as the manifest).

use super::context::Context;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::puppet::ast::ExprKind;

/// The check.
pub const CHECK: Check = Check {
    name: "legacy-puppet-syntax",
    source: include_str!("legacy_puppet_syntax.rs"),
    stops_build: false,
    run,
};

/// Settings `puppet apply` took as options before Puppet 4, 5 or 6 removed
/// them; Puppet 7 and 8 stop with "invalid option".
const REMOVED_SETTINGS: [&str; 16] = [
    "allow_variables_with_dashes",
    "catalog_format",
    "cfacter",
    "configtimeout",
    "dynamicfacts",
    "evaluator",
    "immutable_node_data",
    "listen",
    "manifestdir",
    "ordering",
    "parser",
    "stringify_facts",
    "templatedir",
    "trusted_node_data",
    "trusted_server_facts",
    "zlib",
];

/// The removed settings the puppet provisioners' options give, found in the Vagrantfile.
fn removed_options(p: &Context, images: &str) -> Vec<Diagnostic> {
    let Some(vf) = &p.vagrantfile else {
        return vec![];
    };
    let mut out: Vec<Diagnostic> = Vec::new();
    for (command, _) in p.puppet_runs() {
        // Puppet 3's environments lived in puppet.conf; since Puppet 4 an
        // environment is a directory under the environmentpath, which the
        // provisioner names only with `environment_path`.
        let words: Vec<&str> = command.split_whitespace().collect();
        let named = words
            .iter()
            .enumerate()
            .find_map(|(i, w)| match w.strip_prefix("--environment") {
                Some("") => words.get(i + 1).copied(),
                Some(rest) => rest.strip_prefix('='),
                None => None,
            });
        // An agent's environment is the master's to have.
        let apply = command.contains("puppet apply");
        if let Some(env) = named.filter(|e| apply && *e != "production" && !command.contains("--environmentpath")) {
            let at = (vf.text.find(&format!("--environment {env}")))
                .or_else(|| vf.text.find(&format!("--environment={env}")))
                .or_else(|| vf.text.find("--environment"));
            let d = Diagnostic::error(
                CHECK.name,
                &vf.path,
                at.map(|a| crate::diagnostic::Span::new(a, a + "--environment".len())),
                format!(
                    "`--environment {env}` names a Puppet 3 environment: {images} gets Puppet 7 or 8, where an environment is a directory, and `puppet apply` stops with \"Could not find a directory environment named '{env}'\""
                ),
            )
            .with_help("drop the option, or make the environment a directory and name its parent with the provisioner's `environment_path`");
            if !out.contains(&d) {
                out.push(d);
            }
        }
        for word in words.iter() {
            let Some(option) = word.strip_prefix("--") else {
                continue;
            };
            let name = option.split('=').next().unwrap_or_default();
            let name = name.strip_prefix("no-").unwrap_or(name);
            if !REMOVED_SETTINGS.contains(&name) {
                continue;
            }
            let flag = format!("--{}", option.split('=').next().unwrap_or_default());
            let at = vf.text.find(&flag);
            let span = at.map(|a| crate::diagnostic::Span::new(a, a + flag.len()));
            let d = Diagnostic::error(
                CHECK.name,
                &vf.path,
                span,
                format!(
                    "`{flag}` names a setting Puppet removed: {images} gets Puppet 7 or 8, whose `puppet apply` stops with \"invalid option\""
                ),
            )
            .with_help("drop the option (Puppet 4 and later have no such setting)");
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let images = super::scan::image_names(&p.targets.iter().collect::<Vec<_>>());
    let mut out = removed_options(p, &images);
    for m in &p.manifests {
        for w in m.warnings.iter().filter(|w| w.code == "legacy-syntax") {
            let mut d = w.clone();
            d.code = CHECK.name;
            d.severity = Severity::Error;
            d.message = format!("{} ({images} gets Puppet 7 or 8, which refuses it)", w.message);
            out.push(d);
        }
        // Node definitions only belong in main manifests since Puppet 4.
        let Ok(body) = &m.body else { continue };
        if !p.reach.autoloaded(&m.source.path) || !p.reach.loads(&m.source.path) {
            continue;
        }
        let top: &[crate::puppet::ast::Expr] = match &body.kind {
            ExprKind::Block(items) => items,
            _ => std::slice::from_ref(body),
        };
        for e in top.iter().filter(|e| matches!(e.kind, ExprKind::Node { .. })) {
            out.push(
                p.at(
                    CHECK.name,
                    Severity::Error,
                    &m.source,
                    e.span.start as usize,
                    (e.span.start as usize + 4).min(e.span.end as usize),
                    format!(
                        "a `node` definition in a module's manifest, which Puppet loads through its autoloader: \
                         {images} gets Puppet 7 or 8, which stops with \"This Node Definition is unacceptable as a top level construct in this location\""
                    ),
                )
                .with_help("move it to the main manifest (the provisioner's manifest file)"),
            );
        }
    }
    out
}
