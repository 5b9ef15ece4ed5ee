//! ## What it does
//! Finds Puppet 3 constructs that later Puppet removed: `import` and node
//! inheritance (`node 'web' inherits 'base'`). The parser reads them (and
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
//! ```
//! Use instead:
//! ```puppet
//! # manifests/ as a directory: puppet apply reads every file in it
//! node 'web' { include role::base, apache }
//! ```
//!
//! ## References
//! Puppet 4 release notes, "Removed features: import, node inheritance";
//! Puppet, "The main manifest(s)" (a directory as the manifest).

use super::context::Context;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};

/// The check.
pub const CHECK: Check = Check {
    name: "legacy-puppet-syntax",
    source: include_str!("legacy_puppet_syntax.rs"),
    stops_build: false,
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    let images = super::scan::image_names(&p.targets.iter().collect::<Vec<_>>());
    let mut out = Vec::new();
    for m in &p.manifests {
        for w in m.warnings.iter().filter(|w| w.code == "legacy-syntax") {
            let mut d = w.clone();
            d.code = CHECK.name;
            d.severity = Severity::Error;
            d.message = format!("{} ({images} gets Puppet 7 or 8, which refuses it)", w.message);
            out.push(d);
        }
    }
    out
}
