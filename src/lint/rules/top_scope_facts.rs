//! ## What it does
//! Finds facts read as top-scope variables (`$::kernel`) instead of from the
//! `$facts` hash (`$facts['kernel']`). Top-scope variables that are not facts
//! (`$::role`) are flagged too; legacy fact names (`$::osfamily`) are left to
//! `legacy_facts`, namespaced variables (`$::apache::params::user`) are not
//! top-scope facts, nor are the names `--top-scope-variables a,b` allows (a
//! name starting with one of them). puppet-lint 4.x's `top_scope_facts`; on
//! by default there and here, off with `--compat 3` as in puppet-lint 3.0.1.
//!
//! ## Why is this bad?
//! A top-scope variable can be shadowed by anything assigned at top scope
//! (site.pp, an ENC); `$facts` always holds what Facter reported.
//!
//! ## Example
//! ```puppet
//! notice($::kernel)
//! ```
//! Use instead:
//! ```puppet
//! notice($facts['kernel'])
//! ```
//!
//! ## Fix safety
//! `--fix` rewrites `$::x` to `$facts['x']` (and `$::x['a']` to
//! `$facts['x']['a']`): the same value where `x` is a fact, which is what the
//! check assumes.
//!
//! ## References
//! puppet-lint 4.x `top_scope_facts` (not in puppet-lint 3.0.1); the Puppet
//! language reference, "Facts and built-in variables".

use crate::lint::tokens::{LintKind, LintTokens};
use crate::lint::{Context, Kind, Problem, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    name: "top_scope_facts",
    enabled_by_default: false,
    plugin: None,
    fix: None,
    doc: include_str!("top_scope_facts.rs"),
    check,
};

/// Names upstream leaves alone: `trusted`, `facts` and the legacy facts (the
/// `legacy_facts` check's business). Upstream matches them as prefixes
/// (`^::(name)`), so `$::domain_suffix` is left alone too; so are we.
const ALLOWED: [&str; 70] = [
    "trusted",
    "facts",
    "architecture",
    "augeasversion",
    "bios_release_date",
    "bios_vendor",
    "bios_version",
    "boardassettag",
    "boardmanufacturer",
    "boardproductname",
    "boardserialnumber",
    "chassisassettag",
    "chassistype",
    "domain",
    "fqdn",
    "gid",
    "hardwareisa",
    "hardwaremodel",
    "hostname",
    "id",
    "ipaddress",
    "ipaddress6",
    "lsbdistcodename",
    "lsbdistdescription",
    "lsbdistid",
    "lsbdistrelease",
    "lsbmajdistrelease",
    "lsbminordistrelease",
    "lsbrelease",
    "macaddress",
    "macosx_buildversion",
    "macosx_productname",
    "macosx_productversion",
    "macosx_productversion_major",
    "macosx_productversion_minor",
    "manufacturer",
    "memoryfree",
    "memorysize",
    "netmask",
    "netmask6",
    "network",
    "network6",
    "operatingsystem",
    "operatingsystemmajrelease",
    "operatingsystemrelease",
    "osfamily",
    "physicalprocessorcount",
    "processorcount",
    "productname",
    "rubyplatform",
    "rubysitedir",
    "rubyversion",
    "selinux",
    "selinux_config_mode",
    "selinux_config_policy",
    "selinux_current_mode",
    "selinux_enforced",
    "selinux_policyversion",
    "serialnumber",
    "swapencrypted",
    "swapfree",
    "swapsize",
    "system32",
    "uptime",
    "uptime_days",
    "uptime_hours",
    "uptime_seconds",
    "uuid",
    "xendomains",
    "zonename",
];

/// The top-scope name of a `$::name` variable token, when the check applies.
pub fn top_scope_name<'a>(lt: &LintTokens<'a>, i: usize) -> Option<&'a str> {
    let t = lt.get(i);
    if !matches!(t.kind, LintKind::Variable | LintKind::UnencVariable) {
        return None;
    }
    let rest = t.value.strip_prefix("::")?;
    if ALLOWED.iter().any(|a| rest.starts_with(a)) {
        return None;
    }
    // `$::module::var` is a qualified variable, not a top-scope fact.
    let first = rest.split("::").next().unwrap_or("");
    if rest.contains("::")
        && first.len() >= 2
        && first.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    Some(rest)
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    (0..lt.tokens.len())
        .filter(|&i| {
            top_scope_name(lt, i)
                .is_some_and(|name| !ctx.top_scope_variables.iter().any(|v| name.starts_with(v.as_str())))
        })
        .map(|i| {
            ctx.problem(
                RULE.name,
                Kind::Warning,
                "top scope fact instead of facts hash",
                lt.get(i).start,
            )
        })
        .collect()
}
