//! The Vagrant network on EC2: a VPC whose subnets cover the Vagrantfile's
//! private networks, so every machine keeps its Vagrant address, and the names
//! the machines know each other by. What EC2 cannot reproduce is a diagnostic
//! at the Vagrantfile line, and that address is then left to EC2.

use super::Node;
use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::settings::NetworkSettings;
use crate::vagrant::Machine;
use serde::Serialize;
use serde_json::Value as Json;
use std::net::Ipv4Addr;
use std::sync::Arc;

/// VirtualBox's host-only network for `type: "dhcp"` private networks without an address.
pub const DHCP_NETWORK: &str = "172.28.128.0/24";

/// The stack's network.
#[derive(Debug, Clone, Serialize)]
pub struct Network {
    /// The VPC's block: covers every subnet (a new VPC), or what `[network]
    /// cidr` says the existing one has.
    pub cidr: String,
    /// `[network] vpc`: an existing VPC; none: the stack creates one, with an
    /// internet gateway and a route for outbound traffic.
    pub vpc: Option<String>,
    /// One per Vagrant network, in the order the Vagrantfile first names them.
    pub subnets: Vec<Subnet>,
    /// Every fixed address with the names that resolve to it on every machine.
    pub hosts: Vec<HostEntry>,
    /// Domains of the machines' hostnames: a Route 53 private zone each.
    pub domains: Vec<String>,
}

/// A subnet of the stack.
#[derive(Debug, Clone, Serialize)]
pub struct Subnet {
    pub cidr: String,
    /// An existing subnet (`[network] subnets`, in the same order).
    pub id: Option<String>,
}

/// One network interface of a machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interface {
    /// Index into [`Network::subnets`].
    pub subnet: usize,
    /// The Vagrant address it keeps; none: EC2 picks one (`type: "dhcp"`, or
    /// an address EC2 cannot give).
    pub address: Option<String>,
}

/// A line of `/etc/hosts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostEntry {
    pub address: String,
    /// Full name first, then the short one.
    pub names: Vec<String>,
}

/// An IPv4 block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub base: u32,
    pub prefix: u32,
}

impl Cidr {
    fn mask(prefix: u32) -> u32 {
        if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - prefix)
        }
    }

    /// The block of `prefix` bits holding `addr`.
    pub fn of(addr: u32, prefix: u32) -> Cidr {
        Cidr {
            base: addr & Cidr::mask(prefix),
            prefix,
        }
    }

    /// `a.b.c.d/n`, the base address normalised to the block.
    pub fn parse(s: &str) -> Option<Cidr> {
        let (ip, prefix) = s.split_once('/')?;
        let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 32)?;
        Some(Cidr::of(u32::from(ip.parse::<Ipv4Addr>().ok()?), prefix))
    }

    pub fn contains(&self, addr: u32) -> bool {
        addr & Cidr::mask(self.prefix) == self.base
    }

    pub fn covers(&self, other: &Cidr) -> bool {
        other.prefix >= self.prefix && self.contains(other.base)
    }

    /// The smallest block covering both.
    pub fn join(&self, other: &Cidr) -> Cidr {
        let mut prefix = self.prefix.min(other.prefix);
        while prefix > 0 && Cidr::of(self.base, prefix) != Cidr::of(other.base, prefix) {
            prefix -= 1;
        }
        Cidr::of(self.base, prefix)
    }

    fn last(&self) -> u32 {
        self.base | !Cidr::mask(self.prefix)
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
}

/// A Vagrant `netmask:` (`255.255.255.0`, `24` or `"24"`) as a prefix length.
fn prefix_of(netmask: Option<&Json>) -> Option<u32> {
    match netmask? {
        Json::Number(n) => n.as_u64().filter(|n| *n <= 32).map(|n| n as u32),
        Json::String(s) => match s.parse::<u32>() {
            Ok(n) if n <= 32 => Some(n),
            Ok(_) => None,
            Err(_) => {
                let m = u32::from(s.parse::<Ipv4Addr>().ok()?);
                // A mask is ones then zeros.
                (m.leading_ones() + m.trailing_zeros() == 32).then(|| m.leading_ones())
            }
        },
        _ => None,
    }
}

/// Where a Vagrantfile string literal is, for a diagnostic.
fn locate(vagrantfile: Option<&Arc<SourceFile>>, literal: &str) -> Option<Span> {
    let text = &vagrantfile?.text;
    ["\"", "'"].iter().find_map(|q| {
        let needle = format!("{q}{literal}");
        text.find(&needle).map(|at| Span::new(at + 1, at + 1 + literal.len()))
    })
}

/// A warning about the Vagrantfile.
fn warn(vf_name: &str, code: &'static str, at: Option<Span>, msg: String, help: &str) -> Diagnostic {
    Diagnostic::warning(code, vf_name, at, msg).with_help(help)
}

/// A private network as the Vagrantfile gives it.
enum Wanted {
    Static { addr: u32, subnet: Cidr, literal: String },
    Dhcp,
}

/// The network for `nodes` (their `interfaces` are filled in), or none when
/// no machine has a private network: the plan then stays in the default VPC.
pub(super) fn plan(
    machines: &[Machine],
    nodes: &mut [Node],
    settings: &NetworkSettings,
    vagrantfile: Option<&Arc<SourceFile>>,
    vf_name: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Network> {
    // Each node's wanted networks.
    let mut wanted: Vec<(usize, Vec<Wanted>)> = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let Some(m) = machines.iter().find(|m| m.name == node.name) else {
            continue;
        };
        for p in &m.public_networks {
            let ip = p.get("ip").and_then(Json::as_str);
            let at = ip.and_then(|ip| locate(vagrantfile, ip));
            diags.push(warn(
                vf_name,
                "public-network",
                at,
                format!(
                    "machine `{}` has a public network (bridged to the laptop's LAN{}): on EC2 it is the instance's public IPv4 address, which EC2 chooses",
                    m.name,
                    ip.map(|ip| format!(" at {ip}")).unwrap_or_default()
                ),
                "reach the machine by its public address or name from the stack's outputs; an Elastic IP keeps one address across launches",
            ));
        }
        let mut list = Vec::new();
        for n in &m.private_networks {
            let ip = n.get("ip").and_then(Json::as_str).filter(|s| !s.is_empty());
            let Some(ip) = ip else {
                list.push(Wanted::Dhcp);
                continue;
            };
            let (addr_text, inline_prefix) = match ip.split_once('/') {
                Some((a, p)) => (a, p.parse::<u32>().ok().filter(|p| *p <= 32)),
                None => (ip, None),
            };
            let Ok(addr) = addr_text.parse::<Ipv4Addr>() else {
                diags.push(warn(
                    vf_name,
                    "private-network-not-reproduced",
                    locate(vagrantfile, ip),
                    format!(
                        "machine `{}`: `{ip}` is not an IPv4 address; EC2 gives the machine another one",
                        m.name
                    ),
                    "give the private network an IPv4 address, or look the address up at boot",
                ));
                list.push(Wanted::Dhcp);
                continue;
            };
            let prefix = inline_prefix.or_else(|| prefix_of(n.get("netmask"))).unwrap_or(24);
            // A subnet is a /16 to a /28 in a VPC.
            let subnet = Cidr::of(u32::from(addr), prefix.clamp(16, 28));
            list.push(Wanted::Static {
                addr: u32::from(addr),
                subnet,
                literal: ip.to_string(),
            });
        }
        wanted.push((i, list));
    }
    if wanted.iter().all(|(_, l)| l.is_empty()) {
        return None;
    }
    // The subnets, in order of first mention. A dhcp network keeps no address:
    // its interface joins the first subnet, VirtualBox's own block only when
    // no network has a fixed address.
    let dhcp = Cidr::parse(DHCP_NETWORK).expect("constant");
    let mut subnets: Vec<Cidr> = Vec::new();
    for (_, list) in &wanted {
        for w in list {
            if let Wanted::Static { subnet: c, .. } = w {
                // One subnet per block; a wider one holds a narrower one it covers.
                if !subnets.iter().any(|s| s.covers(c)) {
                    subnets.retain(|s| !c.covers(s));
                    subnets.push(*c);
                }
            }
        }
    }
    if subnets.is_empty() {
        subnets.push(dhcp);
    }
    let override_cidr = settings.cidr.as_deref().and_then(Cidr::parse);
    if let Some(c) = &settings.cidr {
        if override_cidr.is_none() {
            diags.push(Diagnostic::error(
                "settings-invalid",
                crate::settings::FILE_NAME,
                None,
                format!("[network] cidr `{c}` is not an IPv4 block like 192.168.56.0/24"),
            ));
        }
    }
    // A VPC's block is a /16 at most: networks that do not fit beside the
    // first are not reproduced.
    let mut vpc = override_cidr.unwrap_or(subnets[0]);
    let mut kept: Vec<Cidr> = Vec::new();
    for s in &subnets {
        let joined = if override_cidr.is_some() { vpc } else { vpc.join(s) };
        if joined.covers(s) && joined.prefix >= 16 {
            vpc = joined;
            kept.push(*s);
        }
    }
    let existing = settings.vpc.clone();
    if existing.is_some() && settings.subnets.len() < kept.len() {
        diags.push(Diagnostic::error(
            "settings-invalid",
            crate::settings::FILE_NAME,
            None,
            format!(
                "[network] vpc is an existing VPC: `subnets` must name one of its subnets for each Vagrant network ({} given, {} needed: {})",
                settings.subnets.len(),
                kept.len(),
                kept.iter().map(Cidr::to_string).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if kept.is_empty() {
        // `[network] cidr` covers none of them: the stack's subnet is its first /24.
        kept.push(Cidr::of(vpc.base, vpc.prefix.clamp(24, 28)));
    }
    // Every node's interfaces; an address EC2 cannot give is left to EC2.
    let mut taken: Vec<(u32, String)> = Vec::new();
    for (i, list) in &wanted {
        let name = nodes[*i].name.clone();
        let mut interfaces: Vec<Interface> = Vec::new();
        for w in list {
            let (subnet_block, address) = match w {
                Wanted::Dhcp => (subnets[0], None),
                Wanted::Static { addr, subnet, literal } => {
                    let ip = Ipv4Addr::from(*addr).to_string();
                    let at = locate(vagrantfile, literal);
                    let within = kept.iter().find(|k| k.contains(*addr)).copied();
                    let address = match within {
                        None => {
                            let why = match override_cidr {
                                Some(c) => format!("it is outside the VPC block `{c}` of `[network] cidr`"),
                                None => format!(
                                    "a VPC's block is a /16 at most, and `{subnet}` is too far from `{}`",
                                    subnets[0]
                                ),
                            };
                            diags.push(warn(
                vf_name,
                                "private-network-not-reproduced",
                                at,
                                format!("machine `{name}` keeps no address on `{subnet}`: {why}; EC2 gives it another one"),
                                "put the Vagrant networks in one /16 (or set `[network] cidr` to a block covering them), or look the address up at boot",
                            ));
                            None
                        }
                        Some(k) if *addr - k.base < 4 || *addr == k.last() => {
                            diags.push(warn(
                vf_name,
                                "private-network-not-reproduced",
                                at,
                                format!("machine `{name}`: AWS reserves `{ip}` in subnet `{k}` (the first four addresses and the last); EC2 gives the machine another one"),
                                "pick an address from .4 up in the Vagrantfile (and in the code that names it)",
                            ));
                            None
                        }
                        Some(_) => match taken.iter().find(|(a, _)| a == addr) {
                            Some((_, other)) => {
                                diags.push(warn(
                vf_name,
                                    "private-network-not-reproduced",
                                    at,
                                    format!("machine `{name}`: `{ip}` is machine `{other}`'s address too; only `{other}` keeps it"),
                                    "give each machine its own address",
                                ));
                                None
                            }
                            None => {
                                taken.push((*addr, name.clone()));
                                Some(ip)
                            }
                        },
                    };
                    (*subnet, address)
                }
            };
            // A network the VPC could not hold: the machine is on the first subnet.
            let subnet = kept.iter().position(|k| k.covers(&subnet_block)).unwrap_or(0);
            let interface = Interface { subnet, address };
            // Two networks on one subnet are one interface.
            if !interfaces.iter().any(|x| x.subnet == interface.subnet) {
                interfaces.push(interface);
            }
        }
        nodes[*i].interfaces = interfaces;
    }
    // Every machine on the stack's network: those without a private network on the first subnet.
    for node in nodes.iter_mut() {
        if node.interfaces.is_empty() {
            node.interfaces.push(Interface {
                subnet: 0,
                address: None,
            });
        }
    }
    let mut hosts: Vec<HostEntry> = Vec::new();
    let mut domains: Vec<String> = Vec::new();
    for node in nodes.iter() {
        // A name /etc/hosts and DNS can hold; anything else is the hostname check's business.
        let Some(hostname) = (node.hostname.as_deref()).filter(|h| is_host_name(h)) else {
            continue;
        };
        let short = hostname.split('.').next().unwrap_or(hostname).to_string();
        if let Some((_, domain)) = hostname.split_once('.') {
            if !domain.is_empty() && !domains.iter().any(|d| d == domain) {
                domains.push(domain.to_string());
            }
        }
        let Some(address) = node.interfaces.iter().find_map(|i| i.address.clone()) else {
            continue;
        };
        let mut names = vec![hostname.to_string()];
        if short != hostname {
            names.push(short);
        }
        hosts.push(HostEntry { address, names });
    }
    Some(Network {
        cidr: vpc.to_string(),
        vpc: existing,
        subnets: kept
            .iter()
            .enumerate()
            .map(|(i, c)| Subnet {
                cidr: c.to_string(),
                id: settings.subnets.get(i).cloned(),
            })
            .collect(),
        hosts,
        domains,
    })
}

/// Letters, digits, hyphens and dots, as a DNS name is spelled.
fn is_host_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_join_to_the_smallest_cover() {
        let a = Cidr::parse("192.168.56.0/24").unwrap();
        let b = Cidr::parse("192.168.57.0/24").unwrap();
        assert_eq!(a.join(&b).to_string(), "192.168.56.0/23");
        let c = Cidr::parse("192.168.60.0/24").unwrap();
        assert_eq!(a.join(&c).to_string(), "192.168.56.0/21");
        assert!(a.join(&c).covers(&b));
        assert_eq!(Cidr::parse("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
    }

    #[test]
    fn netmasks_in_every_spelling() {
        assert_eq!(prefix_of(Some(&Json::from("255.255.255.0"))), Some(24));
        assert_eq!(prefix_of(Some(&Json::from("255.255.0.0"))), Some(16));
        assert_eq!(prefix_of(Some(&Json::from(20))), Some(20));
        assert_eq!(prefix_of(Some(&Json::from("28"))), Some(28));
        assert_eq!(prefix_of(Some(&Json::from("255.0.255.0"))), None);
    }
}
