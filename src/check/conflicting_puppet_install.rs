//! ## What it does
//! Finds shell provisioners that install Puppet themselves on a machine whose
//! plan installs it already: the Puppet Labs release packages
//! (`puppetlabs-release-precise.deb`, `puppet7-release`, ...), `apt-get` /
//! `yum` / `dnf install puppet` (or `puppet-agent`, `puppet-common`),
//! `gem install puppet`, and bootstrap scripts fetched from the network
//! (`puppet-bootstrap`, `install_puppet`, the Puppet Labs package hosts).
//!
//! A warning: the script may still work, but the Puppet that applies the
//! manifests is then not the one the plan chose. Installing the
//! distribution's `puppet` where the plan installs that same package is not
//! reported.
//!
//! ## Why is this bad on EC2?
//! Vagrant boxes came without Puppet (or with an old one), so projects
//! installed it in a shell provisioner before the puppet provisioner ran.
//! puppetlift's plan installs Puppet itself, before any provisioner: the
//! image's own Puppet 7 or 8, or OpenVox 8 from its repositories. A second
//! install then fights it: release packages for Ubuntu 12.04 or EL6 do not
//! install on current images (the script fails), `puppet-agent` conflicts
//! with `openvox-agent`, and a gem-installed Puppet 3 earlier on `PATH`
//! runs the manifests instead of the one the plan set up.
//!
//! ## Example
//! ```sh
//! wget https://apt.puppetlabs.com/puppetlabs-release-precise.deb
//! dpkg -i puppetlabs-release-precise.deb
//! apt-get update && apt-get install -y puppet
//! ```
//! Use instead: delete those lines; the plan's `InstallPuppet` step installs
//! Puppet (`[puppet] install` in puppetlift.toml chooses which).
//!
//! ## References
//! puppetlift README, `[puppet] install`; OpenVox installation ("Installing
//! OpenVox agent"), whose packages replace `puppet-agent`.

use super::context::{Context, Script};
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::plan::{PuppetSource, Step};

/// The check.
pub const CHECK: Check = Check {
    name: "conflicting-puppet-install",
    source: include_str!("conflicting_puppet_install.rs"),
    stops_build: false,
    run,
};

/// Puppet's packages as distributions and Puppet Labs name them.
const PUPPET_PACKAGES: [&str; 6] = [
    "puppet",
    "puppet-agent",
    "puppet-common",
    "puppetmaster",
    "openvox-agent",
    "puppet-el",
];

/// What installs another Puppet, found in a line: byte range and what it is.
fn finds(line: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for i in scan::installs(line) {
        let name = i.name.rsplit('/').next().unwrap_or(i.name);
        let puppet = if i.tool == "gem" {
            name == "puppet"
        } else {
            PUPPET_PACKAGES.contains(&name) || is_release_package(name)
        };
        if puppet {
            out.push((i.start, i.end, format!("`{} install {}`", i.tool, i.name)));
        }
    }
    if out.is_empty() {
        for (a, w) in words(line) {
            let file = w.rsplit('/').next().unwrap_or(w);
            let host = [
                "apt.puppetlabs.com",
                "yum.puppetlabs.com",
                "apt.puppet.com",
                "yum.puppet.com",
            ]
            .iter()
            .any(|h| w.contains(h));
            let package = file.strip_suffix(".deb").or_else(|| file.strip_suffix(".rpm"));
            if package.is_some_and(is_release_package) || host {
                out.push((a, a + w.len(), format!("`{w}`")));
            } else if ["puppet-bootstrap", "install_puppet", "install-puppet"]
                .iter()
                .any(|s| file.contains(s))
                && (line.contains("curl") || line.contains("wget"))
            {
                out.push((a, a + w.len(), format!("the bootstrap script `{w}`")));
            }
        }
        out.truncate(1);
    }
    out
}

/// `puppetlabs-release`, `puppetlabs-release-pc1-xenial`, `puppet7-release-focal`, ...
fn is_release_package(name: &str) -> bool {
    let rest = name
        .strip_prefix("puppetlabs-release")
        .or_else(|| {
            name.strip_prefix("openvox")
                .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()))
                .and_then(|r| r.strip_prefix("-release"))
        })
        .or_else(|| {
            name.strip_prefix("puppet")
                .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()))
                .and_then(|r| r.strip_prefix("-release"))
        });
    rest.is_some_and(|r| r.is_empty() || r.starts_with(['-', '_', '.']))
}

fn words(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    line.split_inclusive(char::is_whitespace).filter_map(move |w| {
        let start = at;
        at += w.len();
        let t = w.trim_end().trim_matches(['"', '\'', ';']);
        let lead = w.len() - w.trim_start_matches(['"', '\'']).len();
        (!t.is_empty()).then_some((start + lead, t))
    })
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let Some(planned) = p.planned else {
        return vec![];
    };
    let mut out = Vec::new();
    for s in &p.scripts {
        // The machines that run this script and install Puppet in their plan.
        let installs: Vec<(&str, &PuppetSource)> = planned
            .plan
            .nodes
            .iter()
            .filter(|n| runs_script(&n.steps, s))
            .filter_map(|n| {
                n.steps.iter().find_map(|st| match st {
                    Step::InstallPuppet { source, .. } => Some((n.image.os.as_str(), source)),
                    _ => None,
                })
            })
            .collect();
        let Some((os, source)) = installs.first() else {
            continue;
        };
        let plans = match source {
            PuppetSource::Os => format!("the plan installs {os}'s own Puppet before any provisioner"),
            PuppetSource::OpenVox { version, .. } => {
                format!("the plan installs OpenVox {version} (`openvox-agent`) on {os} before any provisioner")
            }
        };
        for (at, line) in scan::code_lines(&s.text) {
            for (a, b, what) in finds(line) {
                // The distribution's own `puppet` where the plan installs that very package.
                if matches!(source, PuppetSource::Os) && distribution_puppet(&what) {
                    continue;
                }
                out.push(
                    p.in_script(
                        CHECK.name,
                        Severity::Warning,
                        s,
                        at + a,
                        at + b,
                        format!("this provisioner installs Puppet too ({what}); {plans}"),
                    )
                    .with_help("delete the script's Puppet installation; choose the plan's with `[puppet] install` in puppetlift.toml"),
                );
            }
        }
    }
    out
}

/// `apt-get install puppet` and the like: the package the plan's `os` install uses too.
fn distribution_puppet(what: &str) -> bool {
    ["apt-get", "apt", "yum", "dnf"]
        .iter()
        .any(|t| what == format!("`{t} install puppet`"))
}

/// Whether a machine's steps run this script.
fn runs_script(steps: &[Step], s: &Script) -> bool {
    steps.iter().any(|st| match st {
        Step::RunShell { inline: Some(t), .. } => *t == s.text,
        Step::RunShell { path: Some(pth), .. } => s
            .file
            .as_ref()
            .is_some_and(|f| f.path.ends_with(pth.trim_start_matches("./"))),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::finds;

    fn found(l: &str) -> Vec<&str> {
        finds(l).into_iter().map(|(a, b, _)| &l[a..b]).collect()
    }

    #[test]
    fn other_puppets_and_lookalikes() {
        assert_eq!(found("apt-get install -y puppet=3.8.7-1puppetlabs1"), ["puppet"]);
        assert_eq!(
            found("dpkg -i puppetlabs-release-precise.deb"),
            ["puppetlabs-release-precise.deb"]
        );
        assert_eq!(
            found("rpm -ivh https://yum.puppet.com/puppet7-release-el-8.noarch.rpm"),
            ["https://yum.puppet.com/puppet7-release-el-8.noarch.rpm"]
        );
        assert_eq!(found("gem install puppet -v 3.4.3"), ["puppet"]);
        assert!(found("apt-get install -y puppet-lint git; gem install puppet-lint").is_empty());
        assert!(found("puppet module install puppetlabs-apt").is_empty());
        assert!(found("echo puppetlabs-release is gone").is_empty());
    }
}
