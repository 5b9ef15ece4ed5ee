//! ## What it does
//! Finds package management written for the other family of distributions
//! than the machine's image: `package { provider => apt }` or `dpkg`, `apt`
//! and `apt::` classes and defines, and `exec`s or shell provisioners running
//! `apt-get`, `apt` or `dpkg`, on a Red Hat or Amazon Linux image; `yum`, `dnf`
//! or `rpm` ones and `yumrepo` on a Debian or Ubuntu image; `pacman`, `zypper`,
//! `apk` or `emerge` (and their providers) on any image. Also a `case` or
//! selector over `$osfamily`, `$operatingsystem`, `$facts['os']['family']` or
//! `$facts['os']['name']` with no branch for the image and no default (a
//! warning), or whose default only calls `fail` (an error: the code refuses
//! the image). And shell scripts that read `/etc/lsb-release` (Ubuntu's
//! release file, which Debian and the Red Hat family lack) without testing
//! that it exists.
//!
//! ## Why is this bad on EC2?
//! A Vagrant box and the AMI chosen for EC2 are often not the same
//! distribution (a CentOS box, an Ubuntu AMI). The commands are not found,
//! the provider is not suitable, and a `case` without a branch for the new
//! distribution skips its packages silently: the instance boots without them.
//!
//! ## Example
//! ```puppet
//! exec { 'install-httpd':
//!   command => '/usr/bin/yum install -y httpd',
//! }
//! ```
//! Use instead:
//! ```puppet
//! $httpd = $facts['os']['family'] ? {
//!   'Debian' => 'apache2',
//!   default  => 'httpd',
//! }
//! package { $httpd: ensure => installed }
//! ```
//!
//! ## References
//! Puppet, "Resource types: package" (providers); Facter, "Core facts: os".

use super::context::{Context, TargetImage};
use super::os_facts;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::plan::images::Family;
use crate::puppet::ast::ExprKind;

/// The check.
pub const CHECK: Check = Check {
    name: "package-manager-mismatch",
    source: include_str!("package_manager_mismatch.rs"),
    stops_build: false,
    run,
};

const APT_TOOLS: [&str; 9] = [
    "apt-get",
    "dpkg-reconfigure",
    "dpkg-query",
    "apt",
    "dpkg",
    "aptitude",
    "apt-key",
    "add-apt-repository",
    "apt-cache",
];
const RPM_TOOLS: [&str; 5] = ["yum", "dnf", "rpm", "yum-config-manager", "up2date"];
const APT_PROVIDERS: [&str; 3] = ["apt", "dpkg", "aptitude"];
const RPM_PROVIDERS: [&str; 4] = ["yum", "dnf", "rpm", "up2date"];
/// Package tools (and Puppet providers) of families puppetlift never targets.
const OTHER_TOOLS: [(&str, &str); 5] = [
    ("pacman", "Arch Linux's"),
    ("zypper", "SUSE's"),
    ("apk", "Alpine's"),
    ("emerge", "Gentoo's"),
    ("portage", "Gentoo's"),
];

/// Which kind of package manager a thing belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Manager {
    Apt,
    Rpm,
    /// Another family's, named ("Arch Linux's").
    Other(&'static str),
}

fn manager_of(f: Family) -> Manager {
    match f {
        Family::Debian => Manager::Apt,
        Family::Redhat | Family::Amazon => Manager::Rpm,
    }
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let mismatched = |m: Manager| p.targets_where(|i| manager_of(i.family) != m);
    // `runs`: whether the code may run on an image (the manifests' OS guards).
    let explain = |what: &str, m: Manager, runs: &dyn Fn(&TargetImage) -> bool| -> Option<(String, String)> {
        let on: Vec<&TargetImage> = mismatched(m).into_iter().filter(|t| runs(t)).collect();
        if on.is_empty() {
            return None;
        }
        let theirs = match m {
            Manager::Apt => "Debian's",
            Manager::Rpm => "Red Hat's",
            Manager::Other(family) => family,
        };
        let mut ours: Vec<&str> = on
            .iter()
            .map(|t| match manager_of(t.image.family) {
                Manager::Rpm => "dnf/yum",
                _ => "apt",
            })
            .collect();
        ours.sort_unstable();
        ours.dedup();
        Some((
            format!(
                "`{what}` is {theirs} package management; {} uses {}",
                scan::image_names(&on),
                ours.join(" or ")
            ),
            "use `package { ... }` without a provider (Puppet picks the image's), or branch on `$facts['os']['family']`".into(),
        ))
    };
    let mut out = Vec::new();
    for m in &p.manifests {
        let guards = p.guards(m);
        let mut push = |e: &crate::puppet::ast::Expr, what: &str, mgr: Manager| {
            let runs = |t: &TargetImage| guards.runs_on(e.span.start as usize, &t.image);
            if let Some((msg, help)) = explain(what, mgr, &runs) {
                out.push(
                    p.at(
                        CHECK.name,
                        Severity::Error,
                        &m.source,
                        e.span.start as usize,
                        e.span.end as usize,
                        msg,
                    )
                    .with_help(help),
                );
            }
        };
        for r in scan::resources(m) {
            if r.type_name == "package" {
                if let Some((v, e)) = r.attr("provider").and_then(|e| scan::literal(e).map(|v| (v, e))) {
                    if APT_PROVIDERS.contains(&v.as_str()) {
                        push(e, &format!("provider => {v}"), Manager::Apt);
                    } else if RPM_PROVIDERS.contains(&v.as_str()) {
                        push(e, &format!("provider => {v}"), Manager::Rpm);
                    } else if let Some((_, family)) = OTHER_TOOLS.iter().find(|(t, _)| *t == v) {
                        push(e, &format!("provider => {v}"), Manager::Other(family));
                    }
                }
            }
            let class_title = (r.type_name == "class").then(|| scan::literal(&r.body.title)).flatten();
            if let Some(t) = class_title.filter(|t| is_apt_class(t)) {
                push(&r.body.title, &t, Manager::Apt);
            } else if r.type_name.starts_with("apt::") {
                push(&r.body.title, &r.type_name, Manager::Apt);
            } else if r.type_name == "yumrepo" {
                push(&r.body.title, "yumrepo", Manager::Rpm);
            }
            if r.type_name == "exec" {
                for (text, e) in scan::literals(r.command()) {
                    if let Some((tool, mgr)) = commands(&text).into_iter().next().map(|(_, t, m)| (t, m)) {
                        push(e, tool, mgr);
                    }
                }
            }
        }
        scan::walk(m, &mut |e| {
            if let ExprKind::CallNamed { functor, args, .. } = &e.kind {
                if matches!(functor.as_qualified_name(), Some("include" | "require" | "contain")) {
                    for a in args {
                        if let Some(n) = scan::literal(a).filter(|n| is_apt_class(n)) {
                            push(a, &n, Manager::Apt);
                        }
                    }
                }
            }
        });
        let mut definitions: Vec<(u32, u32)> = Vec::new();
        scan::walk(m, &mut |e| {
            if matches!(e.kind, ExprKind::Class { .. } | ExprKind::Define(_)) {
                definitions.push((e.span.start, e.span.end));
            }
        });
        for sw in os_facts::os_switches(m) {
            // A switch with an Amazon branch is amazon-linux-only's.
            let refuses = sw.has_default && sw.default_fails;
            if (sw.has_default && !refuses) || sw.matches_any(&["Amazon"]) || sw.values.is_empty() {
                continue;
            }
            let missing: Vec<&TargetImage> = p
                .targets
                .iter()
                .filter(|t| !sw.matches_any(&os_facts::fact_values(&t.image)))
                .filter(|t| guards.runs_on(sw.expr.span.start as usize, &t.image))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let names: Vec<String> = missing
                .iter()
                .map(|t| os_facts::fact_values(&t.image).join("/"))
                .collect();
            let (a, b) = os_facts::head(sw.expr, &m.source.text);
            let fact = os_facts::fact_name(sw.fact);
            let (images, names) = (scan::image_names(&missing), names.join(", "));
            // Outside any class or define of a main manifest Puppet surely
            // reads, the run stops; in a class, only if something declares it
            // (which a condition elsewhere may decide).
            let path = &m.source.path;
            let at = sw.expr.span.start;
            let in_definition = definitions.iter().any(|&(start, end)| start < at && at < end);
            let sure = p.reach.undecided.is_none() && p.reach.loads(path) && !in_definition;
            let (severity, msg, help) = if refuses {
                let (severity, when) = match sure {
                    true => (Severity::Error, ""),
                    false => (Severity::Warning, " (when this code is used)"),
                };
                (
                    severity,
                    format!("this switch on {fact} has no branch for {images} ({names}) and its default calls `fail`: puppet apply stops there{when}"),
                    "add a branch for the target's family or name (the code was written for other systems: check what it does there)",
                )
            } else {
                (
                    Severity::Warning,
                    format!("this switch on {fact} has no branch for {images} ({names}) and no default: nothing in it happens there"),
                    "add a branch for the target's family or name, or a `default` that does the right thing or `fail`s",
                )
            };
            out.push(p.at(CHECK.name, severity, &m.source, a, b, msg).with_help(help));
        }
    }
    // Ubuntu's release file: Debian (whose lsb-release package gives only the
    // command) and the Red Hat family have none.
    let without: Vec<&TargetImage> = p.targets.iter().filter(|t| t.image.distro != "ubuntu").collect();
    for s in p.scripts.iter().filter(|_| !without.is_empty()) {
        let guarded = ["-f", "-e", "-r", "-s"]
            .iter()
            .any(|t| s.text.contains(&format!("{t} {LSB_RELEASE}")));
        if guarded {
            continue;
        }
        for (at, line) in scan::code_lines(&s.text) {
            if let Some(i) = line.find(LSB_RELEASE) {
                let msg = format!(
                    "`{LSB_RELEASE}` is Ubuntu's: {} has none, and the script fails reading it",
                    scan::image_names(&without)
                );
                out.push(
                    p.in_script(CHECK.name, Severity::Error, s, at + i, at + i + LSB_RELEASE.len(), msg)
                        .with_help(
                            "read `/etc/os-release`, which every image has (`VERSION_CODENAME`, `ID`, `VERSION_ID`)",
                        ),
                );
            }
        }
    }
    for s in &p.scripts {
        for (at, line) in scan::code_lines(&s.text) {
            for (i, tool, mgr) in commands(line) {
                if let Some((msg, help)) = explain(tool, mgr, &|_| true) {
                    out.push(
                        p.in_script(CHECK.name, Severity::Error, s, at + i, at + i + tool.len(), msg)
                            .with_help(help),
                    );
                }
            }
        }
    }
    out
}

/// Ubuntu's release file (`DISTRIB_CODENAME`), which old bootstrap scripts read.
const LSB_RELEASE: &str = "/etc/lsb-release";

fn is_apt_class(name: &str) -> bool {
    let n = name.trim_start_matches("::");
    n == "apt" || n.starts_with("apt::")
}

/// The package managers a shell command line runs: the first word of each
/// command (after `sudo`, `env` and `VAR=value`), by its base name, with its offset.
fn commands(line: &str) -> Vec<(usize, &'static str, Manager)> {
    scan::commands(line)
        .into_iter()
        .filter_map(|c| {
            let base = c.program;
            if let Some(t) = APT_TOOLS.iter().find(|t| **t == base) {
                Some((c.at, *t, Manager::Apt))
            } else if let Some(t) = RPM_TOOLS.iter().find(|t| **t == base) {
                Some((c.at, *t, Manager::Rpm))
            } else {
                let (t, family) = OTHER_TOOLS.iter().find(|(t, _)| *t == base)?;
                Some((c.at, *t, Manager::Other(family)))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::commands;

    #[test]
    fn first_words_of_commands() {
        let found = |l: &str| commands(l).into_iter().map(|(i, t, _)| (i, t)).collect::<Vec<_>>();
        assert_eq!(
            found("apt-get update && /usr/bin/yum -y install x"),
            [(0, "apt-get"), (27, "yum")]
        );
        assert_eq!(
            found("DEBIAN_FRONTEND=noninteractive sudo apt install x"),
            [(36, "apt")]
        );
        assert!(found("echo apt-get; grep yum /etc/x").is_empty());
    }
}
