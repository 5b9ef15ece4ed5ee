//! ## What it does
//! Finds the addresses of the Vagrantfile's private networks
//! (`config.vm.network "private_network", ip: "192.168.56.10"`, v1 `:hostonly`)
//! and VirtualBox's NAT network (`10.0.2.x`: `10.0.2.2` is the host,
//! `10.0.2.15` the guest) written into manifests, templates, hiera data or
//! shell provisioners.
//!
//! ## Why is this bad on EC2?
//! Those networks exist only on the developer's machine. The stack puppetlift
//! plans keeps each machine's Vagrant address in a VPC that covers its private
//! networks, so code naming those addresses works unchanged; this check reports
//! only the addresses it cannot keep (an address AWS reserves, a network too far
//! from the others for one VPC, outside `[network] cidr`) and VirtualBox's NAT
//! addresses. There the instance gets another address from EC2, and a database
//! `bind-address`, an `/etc/hosts` entry or an allow-list with `192.168.56.11`
//! points at nothing.
//!
//! ## Example
//! ```puppet
//! $db_host = '192.168.56.11'
//! ```
//! Use instead:
//! ```puppet
//! $db_host = lookup('app::db_host')   # the database's DNS name, set per environment
//! ```
//!
//! ## References
//! Vagrant, "Private Networks"; VirtualBox manual, "Network Address
//! Translation (NAT)"; Amazon VPC User Guide, "IP addressing for your VPCs and subnets".

use super::context::Context;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use regex::Regex;
use serde_json::Value as Json;

/// The check.
pub const CHECK: Check = Check {
    name: "private-network-address",
    source: include_str!("private_network_address.rs"),
    stops_build: true,
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    // The Vagrantfile's private addresses, with the machine each belongs to.
    // Those the stack does not keep (its network reproduces the rest).
    let mut known: Vec<(String, String)> = Vec::new();
    if let Some(planned) = p.planned {
        let kept: Vec<&str> = (planned.plan.nodes.iter())
            .flat_map(|n| n.interfaces.iter().filter_map(|i| i.address.as_deref()))
            .collect();
        for m in p.project.machines() {
            for n in &m.private_networks {
                if let Some(Json::String(ip)) = n.get("ip") {
                    if !kept.contains(&ip.as_str()) {
                        known.push((ip.clone(), m.name.clone()));
                    }
                }
            }
        }
    }
    let mut pattern = String::from(r"10\.0\.2\.\d{1,3}");
    for (ip, _) in &known {
        pattern.push('|');
        pattern.push_str(&regex::escape(ip));
    }
    let Ok(re) = Regex::new(&format!(r"(?:^|[^\w.])({pattern})(?:$|[^\w.]|\.[^\d])")) else {
        return vec![];
    };
    let images = scan::image_names(&p.targets.iter().collect::<Vec<_>>());
    let explain = |ip: &str| -> (String, String) {
        match known.iter().find(|(k, _)| k == ip) {
            Some((_, machine)) => (
                format!("`{ip}` is machine `{machine}`'s Vagrant private network address, which the stack cannot keep (see the warning at the Vagrantfile); on EC2 ({images}) it gets another one"),
                "look the address up (a hiera key per environment, DNS, or `$facts['networking']['ip']` for the machine itself)".to_string(),
            ),
            None => (
                format!("`{ip}` is on VirtualBox's NAT network (10.0.2.2 is the host, 10.0.2.15 the guest); EC2 ({images}) has no such network"),
                "use the instance's own address (`$facts['networking']['ip']`) or a name that resolves on EC2".to_string(),
            ),
        }
    };
    let mut out = Vec::new();
    let scan_text = |src: &crate::SourceFile, at: usize, text: &str, out: &mut Vec<Diagnostic>| {
        for c in re.captures_iter(text) {
            let g = c.get(1).expect("group");
            let (msg, help) = explain(g.as_str());
            out.push(
                p.at(CHECK.name, Severity::Warning, src, at + g.start(), at + g.end(), msg)
                    .with_help(help),
            );
        }
    };
    for m in &p.manifests {
        for (at, s) in scan::strings(m) {
            scan_text(&m.source, at, s, &mut out);
        }
    }
    for t in p.templates.iter().chain(p.hiera_data.iter()) {
        for (at, line) in scan::code_lines(&t.text) {
            scan_text(t, at, line, &mut out);
        }
    }
    for s in &p.scripts {
        for (at, line) in scan::code_lines(&s.text) {
            for c in re.captures_iter(line) {
                let g = c.get(1).expect("group");
                let (msg, help) = explain(g.as_str());
                out.push(
                    p.in_script(CHECK.name, Severity::Warning, s, at + g.start(), at + g.end(), msg)
                        .with_help(help),
                );
            }
        }
    }
    out
}
