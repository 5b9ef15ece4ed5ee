//! ## What it does
//! Finds machines given a previous-generation EC2 instance type (`m1.*`,
//! `m2.*`, `m3.*`, `c1.*`, `c3.*`, `t1.micro`, `cc2.*`, `cr1.*`, `hi1.*`,
//! `hs1.*`, `cg1.*`) in the vagrant-aws block or `puppetlift.toml`, and names
//! the current type to use instead (`targets/previous-generation.toml`).
//!
//! ## Why is this bad on EC2?
//! vagrant-aws examples from 2012–2014 used `m1.small`. These types run on
//! Xen, cost more for less, are missing in newer regions and availability
//! zones, and many current AMIs (ENA and NVMe drivers only) do not boot on them.
//!
//! ## Example
//! ```ruby
//! config.vm.provider :aws do |aws|
//!   aws.instance_type = "m1.small"
//! end
//! ```
//! Use instead:
//! ```ruby
//! config.vm.provider :aws do |aws|
//!   aws.instance_type = "t3.small"
//! end
//! ```
//!
//! ## References
//! AWS, "Amazon EC2 Previous Generation Instances"; AWS, "Amazon EC2 instance types".

use super::context::Context;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The check.
pub const CHECK: Check = Check {
    name: "previous-generation-instance",
    source: include_str!("previous_generation_instance.rs"),
    stops_build: true,
    run,
};

#[derive(Deserialize, Default)]
struct Table {
    types: BTreeMap<String, String>,
    families: BTreeMap<String, String>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| toml::from_str(include_str!("../../targets/previous-generation.toml")).unwrap_or_default())
}

/// The current-generation type for a previous-generation one.
pub fn successor(instance_type: &str) -> Option<String> {
    let t = table();
    if let Some(s) = t.types.get(instance_type) {
        return Some(s.clone());
    }
    let (family, size) = instance_type.split_once('.')?;
    t.families.get(family).map(|f| format!("{f}.{size}"))
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let Some(planned) = &p.planned else {
        return vec![];
    };
    let mut out = Vec::new();
    for n in &planned.plan.nodes {
        let ty = &n.instance.instance_type;
        let Some(instead) = successor(ty) else {
            continue;
        };
        // puppetlift.toml wins over the Vagrantfile: point at whichever names it.
        let quoted = |text: &str| {
            [format!("\"{ty}\""), format!("'{ty}'")]
                .iter()
                .find_map(|q| text.find(q.as_str()).map(|at| Span::new(at + 1, at + 1 + ty.len())))
        };
        let (file, span) = match (&p.project.settings_file, &p.vagrantfile) {
            (Some(s), _) if quoted(&s.text).is_some() => (s.path.clone(), quoted(&s.text)),
            (_, Some(v)) => (v.path.clone(), quoted(&v.text)),
            _ => ("Vagrantfile".to_string(), None),
        };
        let mut d = Diagnostic::error(
            CHECK.name,
            &file,
            span,
            format!(
                "machine `{}` asks for `{ty}`, a previous-generation instance type",
                n.name
            ),
        )
        .with_help(format!(
            "use `{instead}` (current generation; {} AMIs may not boot on `{ty}`)",
            n.image.os
        ));
        d.severity = Severity::Warning;
        out.push(d);
    }
    out
}
