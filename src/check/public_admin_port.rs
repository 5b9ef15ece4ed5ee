//! ## What it does
//! Finds forwarded ports of databases and admin services (MySQL 3306,
//! PostgreSQL 5432, Redis 6379, MongoDB 27017, Elasticsearch 9200, memcached
//! 11211, Puppet server 8140, CouchDB 5984, SQL Server 1433, Oracle 1521,
//! Cassandra 9042) that become security-group ingress open to the internet
//! (`ingress_cidr` is `0.0.0.0/0`, the default).
//!
//! ## Why is this bad on EC2?
//! On Vagrant a forwarded port is reachable from the developer's laptop only.
//! puppetlift turns forwarded ports into ingress rules for `ingress_cidr`: with
//! the default, the database listens to the whole internet, where scanners
//! find an open Redis or MongoDB within minutes.
//!
//! ## Example
//! ```ruby
//! db.vm.network "forwarded_port", guest: 5432, host: 15432
//! ```
//! Use instead:
//! ```toml
//! # puppetlift.toml
//! ingress_cidr = "10.0.0.0/16"   # your VPC or office network
//! ```
//!
//! ## References
//! Amazon VPC User Guide, "Security group rules"; AWS Security Hub control
//! EC2.19, "Security groups should not allow unrestricted access to ports with high risk".

use super::context::Context;
use super::Check;
use crate::diagnostic::{Diagnostic, Span};
use crate::plan::Planned;
use crate::project::Project;

/// The check.
pub const CHECK: Check = Check {
    name: "public-admin-port",
    source: include_str!("public_admin_port.rs"),
    stops_build: true,
    run,
};

/// Ports that should not face the internet, with what usually listens there.
const ADMIN_PORTS: [(i64, &str); 11] = [
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (5984, "CouchDB"),
    (6379, "Redis"),
    (8140, "Puppet server"),
    (9042, "Cassandra"),
    (9200, "Elasticsearch"),
    (11211, "memcached"),
    (27017, "MongoDB"),
];

fn run(p: &Context) -> Vec<Diagnostic> {
    p.planned.map(|pl| exposed(p.project, pl)).unwrap_or_default()
}

/// The admin ports a plan opens to the internet (also reported by `plan` and `build`).
pub fn exposed(project: &Project, planned: &Planned) -> Vec<Diagnostic> {
    let plan = &planned.plan;
    if plan.ingress_cidr != "0.0.0.0/0" {
        return vec![];
    }
    let vf = project.evaluation.sources.first();
    let file = vf.map_or_else(|| project.vagrantfile_name(), |v| v.path.clone());
    let mut out = Vec::new();
    for n in &plan.nodes {
        for i in &n.ingress {
            let Some((port, service)) = ADMIN_PORTS.iter().find(|(p, _)| *p == i.port) else {
                continue;
            };
            let span = vf.and_then(|v| forward_span(&v.text, *port));
            out.push(
                Diagnostic::warning(
                    CHECK.name,
                    &file,
                    span,
                    format!(
                        "machine `{}` forwards {service} port {port}; on EC2 it would be open to the internet (ingress_cidr {})",
                        n.name, plan.ingress_cidr
                    ),
                )
                .with_help("set `ingress_cidr` in puppetlift.toml to your network, or drop the forward"),
            );
        }
    }
    out
}

/// Where the Vagrantfile forwards guest `port` (`guest: 5432`, `:guest => 5432`, v1 `forward_port 5432, ...`).
fn forward_span(text: &str, port: i64) -> Option<Span> {
    let re = regex::Regex::new(&format!(r"(?:guest:\s*|guest\s*=>\s*|forward_port[\s(]+)({port})\b")).ok()?;
    let g = re.captures(text)?.get(1)?;
    Some(Span::new(g.start(), g.end()))
}
