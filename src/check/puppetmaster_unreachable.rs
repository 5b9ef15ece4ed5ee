//! ## What it does
//! Finds agents that would not reach their puppetmaster on EC2: a
//! `puppet_server` (Vagrantfile) or `[puppetmaster] host` (puppetlift.toml)
//! that only the Vagrant network resolves — a Vagrant machine's name or
//! hostname, a private-network or VirtualBox NAT address, a single-label name
//! such as `puppet`, or a name under `.local`, `.localdomain`, `.vagrant`,
//! `.test`, `.example` or `.invalid` — and a master machine that has no node
//! in the plan (so no agent has a path to port 8140) for a reason the plan
//! has not already reported. Without agents in the plan there is nothing to
//! report.
//!
//! A master machine of the Vagrantfile becomes the master node: the
//! CloudFormation stack then refers to it by its private DNS name, and
//! `run-instances.sh` looks that name up once it runs, so only the plain
//! `user-data.sh` and `cloud-config.yaml` carry the Vagrant name (a warning).
//! An existing master at a Vagrant-only address is an error.
//!
//! ## Why is this bad on EC2?
//! On Vagrant the master's name resolved through `/etc/hosts` entries that a
//! provisioner or a plugin (vagrant-hostmanager, landrush) wrote, or the
//! address was on the host-only network. An EC2 instance has neither: the
//! agent fails with "getaddrinfo: Name or service not known" or a connect
//! timeout, waits, and the instance never gets its catalog.
//!
//! ## Example
//! ```ruby
//! app.vm.provision "puppet_server" do |puppet|
//!   puppet.puppet_server = "puppet.vagrant.test"
//! end
//! ```
//! Use instead: the CloudFormation stack (the master's private DNS name is
//! filled in), or name the master when building plain user data:
//! ```sh
//! puppetlift build --target user-data --puppetmaster ip-10-0-1-5.eu-west-1.compute.internal --out out
//! ```
//!
//! ## References
//! Puppet, "Configuring agents: server"; Amazon VPC User Guide, "DNS
//! attributes for your VPC" (private DNS names of instances).

use super::context::Context;
use super::Check;
use crate::diagnostic::{Diagnostic, Span};
use crate::plan::puppetmaster::ServerFrom;
use crate::vagrant::Machine;
use serde_json::Value as Json;

/// The check.
pub const CHECK: Check = Check {
    name: "puppetmaster-unreachable",
    source: include_str!("puppetmaster_unreachable.rs"),
    stops_build: true,
    run,
};

/// Top-level domains that never resolve on EC2 (RFC 2606, RFC 6762) or are Vagrant conventions.
const VAGRANT_ONLY_TLDS: [&str; 6] = ["local", "localdomain", "vagrant", "test", "example", "invalid"];

/// Why `host` resolves only inside the Vagrant network, or `None`.
fn vagrant_only(host: &str, machines: &[Machine]) -> Option<String> {
    let lower = host.to_ascii_lowercase();
    let first = lower.split('.').next().unwrap_or_default();
    for m in machines {
        for own in [Some(m.name.as_str()), m.hostname.as_deref()].into_iter().flatten() {
            let own = own.to_ascii_lowercase();
            if own == lower || (!lower.contains('.') && own.split('.').next() == Some(first)) {
                return Some(format!("the name of Vagrant machine `{}`", m.name));
            }
        }
        for n in &m.private_networks {
            if n.get("ip").and_then(Json::as_str) == Some(host) {
                return Some(format!("Vagrant machine `{}`'s private network address", m.name));
            }
        }
    }
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        if ip.octets()[..3] == [10, 0, 2] {
            return Some("an address on VirtualBox's NAT network".into());
        }
        return None;
    }
    if !lower.contains('.') {
        return Some("a single-label name that only a hosts file or a search domain resolves".into());
    }
    let tld = lower.rsplit('.').next().unwrap_or_default();
    VAGRANT_ONLY_TLDS
        .contains(&tld)
        .then(|| format!("a name under `.{tld}`, which no public or VPC DNS resolves"))
}

/// The string literal `value` assigned to `key` in `text` (`key = "value"`,
/// `key: "value"`), else its first quoted occurrence.
fn quoted(text: &str, key: &str, value: &str) -> Option<Span> {
    let v = regex::escape(value);
    let assigned = format!(r#"\b{key}\s*(?:=|:|=>)\s*["']({v})["']"#);
    let anywhere = format!(r#"["']({v})["']"#);
    [assigned, anywhere].iter().find_map(|re| {
        let g = regex::Regex::new(re).ok()?.captures(text)?.get(1)?;
        Some(Span::new(g.start(), g.end()))
    })
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let Some(planned) = &p.planned else {
        return vec![];
    };
    let Some(pm) = &planned.plan.puppetmaster else {
        return vec![];
    };
    let machines = p.project.machines();
    // Nobody to reach it: the agents' own machines are not in the plan (their
    // images are unknown, reported there).
    if pm.agents.is_empty() {
        return vec![];
    }
    let mut out = Vec::new();
    // The file and the span of the literal `key = "value"` in it.
    let at =
        |source: Option<&std::sync::Arc<crate::diagnostic::SourceFile>>, fallback: &str, key: &str, value: &str| {
            let span = source.and_then(|s| quoted(&s.text, key, value));
            (source.map_or_else(|| fallback.to_string(), |s| s.path.clone()), span)
        };
    let agents = pm.agents.join("`, `");
    match (&pm.node, pm.server_from) {
        (None, ServerFrom::Settings) => {
            if let Some(why) = vagrant_only(&pm.server, machines) {
                let (file, span) = at(p.project.settings_file.as_ref(), "puppetlift.toml", "host", &pm.server);
                out.push(
                    Diagnostic::error(
                        CHECK.name,
                        &file,
                        span,
                        format!("the existing puppetmaster `{}` is {why}: agents `{agents}` cannot reach it on EC2", pm.server),
                    )
                    .with_help("set `[puppetmaster] host` to a name or address the VPC reaches, or drop `host` to run the master in EC2"),
                );
            }
        }
        // The master machine has no node: the plan reported why (an unknown
        // box or image); saying it again here adds nothing.
        (None, _) if planned.plan.nodes.len() < machines.len() => {}
        (None, _) => {
            let (file, span) = at(p.vagrantfile.as_ref(), "Vagrantfile", "puppet_server", &pm.server);
            out.push(
                Diagnostic::error(
                    CHECK.name,
                    &file,
                    span,
                    format!("the puppetmaster `{}` is not in the plan: agents `{agents}` have no master to reach on port 8140", pm.server),
                )
                .with_help("give the master machine an image (`[machines.NAME] image`), or set `[puppetmaster] host` to an existing master"),
            );
        }
        (Some(master), ServerFrom::Vagrantfile) => {
            let why = vagrant_only(&pm.server, machines).or_else(|| {
                // A master outside the Vagrantfile: the plan adds a new one.
                (!machines.iter().any(|m| &m.name == master))
                    .then(|| format!("the master the Vagrant machines used, not the new `{master}` node"))
            });
            if let Some(why) = why {
                let (file, span) = at(p.vagrantfile.as_ref(), "Vagrantfile", "puppet_server", &pm.server);
                out.push(
                    Diagnostic::warning(
                        CHECK.name,
                        &file,
                        span,
                        format!(
                            "agents `{agents}` ask for `{}`, {why}: from plain user-data or cloud-config they would not find their master on EC2",
                            pm.server
                        ),
                    )
                    .with_help(format!(
                        "the CloudFormation stack and run-instances.sh use master `{master}`'s private DNS name; for user-data or cloud-config alone pass `build --puppetmaster HOST`"
                    )),
                );
            }
        }
        (Some(_), _) => {}
    }
    out
}
