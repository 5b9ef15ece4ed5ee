//! ## What it does
//! Finds what only exists on Amazon Linux, on a machine whose image is not
//! Amazon Linux: `amazon-linux-extras`, the `ec2-user` account (where the
//! image's login user is another), Amazon Linux repositories (`amzn…`,
//! `amazonlinux`), and a `case` or selector over the OS name or family that
//! has an `'Amazon'` branch but no default and no branch for the target.
//!
//! ## Why is this bad on EC2?
//! Code written on (or for) Amazon Linux moves to Ubuntu, Debian or Rocky
//! AMIs: `amazon-linux-extras` is not there, `ec2-user` is not the login user
//! (`ubuntu`, `admin`, `rocky`), the `amzn2-core` repository does not serve
//! them, and a `case` whose only branch is `'Amazon'` silently does nothing.
//!
//! ## Example
//! ```puppet
//! case $facts['os']['name'] {
//!   'Amazon': { exec { 'amazon-linux-extras install -y nginx1': path => ['/usr/bin'] } }
//! }
//! ```
//! Use instead:
//! ```puppet
//! case $facts['os']['name'] {
//!   'Amazon': { exec { 'amazon-linux-extras install -y nginx1': path => ['/usr/bin'] } }
//!   default:  { package { 'nginx': ensure => installed } }
//! }
//! ```
//!
//! ## References
//! AWS, "Amazon Linux 2 Extras Library"; AWS, "Manage system users on your
//! Amazon EC2 Linux instance" (default user names per AMI).

use super::context::{Context, TargetImage};
use super::os_facts;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::plan::images::Family;
use regex::Regex;
use std::sync::OnceLock;

/// The check.
pub const CHECK: Check = Check {
    name: "amazon-linux-only",
    source: include_str!("amazon_linux_only.rs"),
    stops_build: false,
    run,
};

/// Amazon-only names (group 1): the extras tool, its user, its repositories.
fn amazon_only() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:^|[^\w-])(amazon-linux-extras|ec2-user|amazonlinux|amzn[\w-]*)(?:$|[^\w-])").expect("regex")
    })
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let targets = p.targets_where(|i| i.family != Family::Amazon);
    if targets.is_empty() {
        return vec![];
    }
    // `ec2-user` is fine where it is the login user (RHEL-like AMIs).
    let finding = |what: &str, runs: &dyn Fn(&TargetImage) -> bool| -> Option<(String, String)> {
        let on: Vec<&TargetImage> = targets
            .iter()
            .copied()
            .filter(|t| what != "ec2-user" || t.image.login_user != "ec2-user")
            .filter(|t| runs(t))
            .collect();
        if on.is_empty() {
            return None;
        }
        let images = scan::image_names(&on);
        Some(match what {
            "amazon-linux-extras" => (
                format!("`amazon-linux-extras` exists only on Amazon Linux 2; {images} has none"),
                "install the package from the distribution's repositories (`package { ... }`)".to_string(),
            ),
            "ec2-user" => {
                let users: Vec<String> = on
                    .iter()
                    .map(|t| format!("`{}` on {}", t.image.login_user, t.image.os))
                    .collect();
                (
                    format!("`ec2-user` is Amazon Linux's login user; {images} has none"),
                    format!(
                        "the login user is {}; better, a user the manifests declare",
                        users.join(", ")
                    ),
                )
            }
            _ => (
                format!("`{what}` is an Amazon Linux repository; {images} cannot use it"),
                "use the distribution's own repositories, or run this machine on amazon-linux-2023".to_string(),
            ),
        })
    };
    let mut out = Vec::new();
    for m in &p.manifests {
        let guards = p.guards(m);
        for (at, s) in scan::strings(m) {
            for c in amazon_only().captures_iter(s) {
                let g = c.get(1).expect("group");
                let runs = |t: &TargetImage| guards.runs_on(at, &t.image);
                if let Some((msg, help)) = finding(g.as_str(), &runs) {
                    out.push(
                        p.at(
                            CHECK.name,
                            Severity::Error,
                            &m.source,
                            at + g.start(),
                            at + g.end(),
                            msg,
                        )
                        .with_help(help),
                    );
                }
            }
        }
        for sw in os_facts::os_switches(m) {
            if sw.has_default || !sw.matches_any(&["Amazon"]) {
                continue;
            }
            let missing: Vec<&TargetImage> = targets
                .iter()
                .copied()
                .filter(|t| !sw.matches_any(&os_facts::fact_values(&t.image)))
                .filter(|t| guards.runs_on(sw.expr.span.start as usize, &t.image))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let (a, b) = os_facts::head(sw.expr, &m.source.text);
            let names: Vec<String> = missing
                .iter()
                .map(|t| os_facts::fact_values(&t.image).join("/"))
                .collect();
            out.push(
                p.at(
                    CHECK.name,
                    Severity::Warning,
                    &m.source,
                    a,
                    b,
                    format!(
                        "this switch on {} has an `Amazon` branch but none for {} ({}) and no default: nothing in it happens there",
                        os_facts::fact_name(sw.fact),
                        scan::image_names(&missing),
                        names.join(", ")
                    ),
                )
                .with_help("add a branch for the target (or a `default` that does the right thing or `fail`s)"),
            );
        }
    }
    for s in &p.scripts {
        for (at, line) in scan::code_lines(&s.text) {
            for c in amazon_only().captures_iter(line) {
                let g = c.get(1).expect("group");
                if let Some((msg, help)) = finding(g.as_str(), &|_| true) {
                    out.push(
                        p.in_script(CHECK.name, Severity::Error, s, at + g.start(), at + g.end(), msg)
                            .with_help(help),
                    );
                }
            }
        }
    }
    out
}
