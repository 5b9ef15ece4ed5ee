//! ## What it does
//! Finds services pinned to an init system the image does not run:
//! `service { provider => upstart | init | debian | redhat | openrc | gentoo }`,
//! and Upstart jobs (`file { '/etc/init/NAME.conf': }`). Every image puppetlift
//! targets boots with systemd.
//!
//! ## Why is this bad on EC2?
//! Boxes from the Vagrant 1 era ran Upstart (Ubuntu 10.04 – 14.10) or SysV init
//! (CentOS 6). On a systemd image the `upstart` provider is not suitable and
//! the resource fails; `init`, `debian` and `redhat` drive `/etc/init.d`
//! scripts that no longer exist for most services, and an Upstart job file is
//! never read: the service does not start at boot.
//!
//! ## Example
//! ```puppet
//! file { '/etc/init/app.conf': source => 'puppet:///modules/app/app.upstart' }
//! service { 'app': ensure => running, provider => upstart }
//! ```
//! Use instead:
//! ```puppet
//! file { '/etc/systemd/system/app.service': source => 'puppet:///modules/app/app.service' }
//! service { 'app': ensure => running }   # the systemd provider is the default
//! ```
//!
//! ## References
//! Puppet, "Resource types: service" (providers); Ubuntu wiki, "SystemdForUpstartUsers".

use super::context::{Context, TargetImage};
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};

/// The check.
pub const CHECK: Check = Check {
    name: "service-provider-mismatch",
    source: include_str!("service_provider_mismatch.rs"),
    stops_build: false,
    run,
};

const NOT_SYSTEMD: [&str; 6] = ["upstart", "init", "debian", "redhat", "openrc", "gentoo"];

fn run(p: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for m in &p.manifests {
        let guards = p.guards(m);
        for r in scan::resources(m) {
            let (what, e, help) = match r.type_name.as_str() {
                "service" => match r.attr("provider").and_then(|e| scan::literal(e).map(|v| (v, e))) {
                    Some((v, e)) if NOT_SYSTEMD.contains(&v.as_str()) => (
                        format!("the `{v}` service provider"),
                        e,
                        "drop `provider` (Puppet uses systemd on these images) and ship a systemd unit if the package has none",
                    ),
                    _ => continue,
                },
                "file" => {
                    let path = r.attr("path").unwrap_or(&r.body.title);
                    match scan::literal(path) {
                        Some(t) if t.starts_with("/etc/init/") && t.ends_with(".conf") => {
                            (
                                "an Upstart job".to_string(),
                                path,
                                "ship a systemd unit (/etc/systemd/system/NAME.service) instead, and `service { 'NAME': }` it",
                            )
                        }
                        _ => continue,
                    }
                }
                _ => continue,
            };
            let on: Vec<&TargetImage> = p
                .targets
                .iter()
                .filter(|t| guards.runs_on(e.span.start as usize, &t.image))
                .collect();
            if on.is_empty() {
                continue;
            }
            out.push(
                p.at(
                    CHECK.name,
                    Severity::Error,
                    &m.source,
                    e.span.start as usize,
                    e.span.end as usize,
                    format!(
                        "{what} needs Upstart or SysV init; {} boots with systemd",
                        scan::image_names(&on)
                    ),
                )
                .with_help(help),
            );
        }
    }
    out
}
