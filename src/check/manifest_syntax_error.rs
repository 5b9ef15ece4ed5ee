//! ## What it does
//! Reports a syntax error in a manifest that some machine applies (its main
//! manifest, or a class file the autoloader reads for an `include`).
//! Manifests nothing applies (a module's `tests/`, classes nobody includes)
//! are not reported: Puppet never parses them.
//!
//! ## Why is this bad on EC2?
//! `puppet apply` parses every manifest it loads before applying anything:
//! one error and the instance boots with none of its configuration. Code a
//! Vagrant box's Puppet 2.7 or 3 accepted is often refused by the Puppet 7
//! or 8 the EC2 image gets (a class named `init`, `site::php-packages`,
//! Ruby-style string escapes). The other checks cannot read past the error
//! either, so fix it first.
//!
//! ## Example
//! ```puppet
//! class web {
//!   package { 'nginx': ensure => installed
//! }
//! ```
//! Use instead:
//! ```puppet
//! class web {
//!   package { 'nginx': ensure => installed }
//! }
//! ```
//!
//! ## References
//! Puppet, "Language: reserved words and acceptable names"; `puppet parser
//! validate`, which reports the same error.

use super::context::Context;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};

/// The check.
pub const CHECK: Check = Check {
    name: "manifest-syntax-error",
    source: include_str!("manifest_syntax_error.rs"),
    stops_build: false,
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    let images = scan::image_names(&p.targets.iter().collect::<Vec<_>>());
    let mut out = Vec::new();
    for m in &p.manifests {
        let Err(e) = &m.body else {
            continue;
        };
        let mut d = e.clone();
        d.code = CHECK.name;
        d.severity = Severity::Error;
        d.file = m.source.path.clone();
        let on = if images.is_empty() {
            String::new()
        } else {
            format!(" on {images}")
        };
        d.message = format!("{}: Puppet{on} stops before applying anything", e.message);
        out.push(d.with_help(
            "fix the syntax (`puppet parser validate FILE` shows the same error); the other checks cannot read past it",
        ));
    }
    out
}
