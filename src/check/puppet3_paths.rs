//! ## What it does
//! Finds Puppet 3's paths where the plan installs OpenVox: `/etc/puppet/...`
//! (`puppet.conf`, `hiera.yaml`, `modules`, `manifests`, `hieradata`, `ssl`)
//! and `/var/lib/puppet`, in shell provisioners, delivered scripts and
//! manifests' strings.
//!
//! An error where it breaks the run: a module placed under
//! `/etc/puppet/modules/` (unless the plan's `--modulepath` keeps that
//! directory), a `hiera.yaml` there when the Vagrantfile names none; a
//! warning otherwise.
//!
//! ## Why is this bad on EC2?
//! Puppet 3 from the distribution read `/etc/puppet`. OpenVox 8 (what the
//! plan installs where the image has no Puppet 7 of its own) is an
//! all-in-one package: its configuration is `/etc/puppetlabs/puppet`, its
//! code `/etc/puppetlabs/code`, its state `/opt/puppetlabs/puppet/cache`. A
//! module installed into `/etc/puppet/modules` is never found ("Could not
//! find class"), a `hiera.yaml` written there is never read (every lookup
//! falls back to its default or fails), settings in `/etc/puppet/puppet.conf`
//! are ignored.
//!
//! ## Example
//! ```sh
//! puppet module install --target-dir /etc/puppet/modules puppetlabs-ntp
//! cp /vagrant/hiera.yaml /etc/puppet/hiera.yaml
//! ```
//! Use instead:
//! ```sh
//! puppet module install puppetlabs-ntp     # OpenVox's own modulepath
//! # and hiera_config_path in the Vagrantfile for the hiera configuration
//! ```
//!
//! ## References
//! Puppet, "Puppet 4 release notes: new locations for files" (the
//! all-in-one layout); OpenVox, "Configuration: confdir, codedir, vardir".

use super::context::Context;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::plan::{PuppetSource, Step};

/// The check.
pub const CHECK: Check = Check {
    name: "puppet3-paths",
    source: include_str!("puppet3_paths.rs"),
    stops_build: false,
    run,
};

/// Puppet 3 paths, what OpenVox reads instead, and whether using the old one
/// breaks the run (an error) or only does nothing (a warning).
const PATHS: [(&str, &str, bool); 9] = [
    ("/etc/puppet/modules", "/etc/puppetlabs/code/modules", true),
    ("/etc/puppet/hiera.yaml", "/etc/puppetlabs/puppet/hiera.yaml", true),
    ("/etc/puppet/puppet.conf", "/etc/puppetlabs/puppet/puppet.conf", false),
    (
        "/etc/puppet/manifests",
        "/etc/puppetlabs/code/environments/production/manifests",
        false,
    ),
    (
        "/etc/puppet/hieradata",
        "/etc/puppetlabs/code/environments/production/data",
        false,
    ),
    ("/etc/puppet/environments", "/etc/puppetlabs/code/environments", false),
    ("/etc/puppet/ssl", "/etc/puppetlabs/puppet/ssl", false),
    ("/var/lib/puppet", "/opt/puppetlabs/puppet/cache", false),
    ("/etc/puppet", "/etc/puppetlabs/puppet", false),
];

/// The Puppet 3 paths in `text`: byte range and the row of [`PATHS`].
fn find(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    let path_char = |c: char| c.is_ascii_alphanumeric() || "_.-".contains(c);
    for (row, (old, _, _)) in PATHS.iter().enumerate() {
        for (i, _) in text.match_indices(old) {
            let end = i + old.len();
            let before_ok = !text[..i].ends_with(|c: char| path_char(c) || c == '/');
            let after_ok = !text[end..].starts_with(path_char);
            if before_ok && after_ok && !out.iter().any(|&(a, b, _)| a <= i && end <= b) {
                out.push((i, end, row));
            }
        }
    }
    out.sort();
    out
}

fn run(p: &Context) -> Vec<Diagnostic> {
    // The images whose plan installs OpenVox.
    let mut aio: Vec<&str> = Vec::new();
    match p.planned {
        Some(pl) => {
            for n in &pl.plan.nodes {
                let openvox = n.steps.iter().any(|s| {
                    matches!(
                        s,
                        Step::InstallPuppet {
                            source: PuppetSource::OpenVox { .. },
                            ..
                        }
                    )
                });
                if openvox && !aio.contains(&n.image.os.as_str()) {
                    aio.push(&n.image.os);
                }
            }
        }
        None => aio.extend(
            p.targets
                .iter()
                .filter(|t| t.image.puppet_os < 7)
                .map(|t| t.image.os.as_str()),
        ),
    }
    if aio.is_empty() {
        return vec![];
    }
    let on = aio.join(", ");
    // The plan's own `--modulepath` keeps Vagrant's `/etc/puppet/modules`.
    let modules_kept = p.puppet_runs().any(|(c, _)| c.contains("/etc/puppet/modules"));
    let hiera_given = p.puppet_runs().any(|(c, _)| c.contains("--hiera_config"));
    // `after` is the text after the path: a module placed in the old
    // modulepath (`/etc/puppet/modules/NAME`) is never found; the directory
    // alone (`mkdir -p /etc/puppet/modules`) does no harm.
    let diag = |row: usize, after: &str| -> Option<(Severity, String, String)> {
        let (old, new, breaks) = PATHS[row];
        if row == 0 && modules_kept {
            return None;
        }
        let breaks = breaks
            && match row {
                0 => after.starts_with("/") && after.len() > 1 && !after.starts_with("/ "),
                _ => !hiera_given,
            };
        let severity = if breaks { Severity::Error } else { Severity::Warning };
        Some((
            severity,
            format!("`{old}` is Puppet 3's path; OpenVox on {on} never reads it (it uses `{new}`)"),
            format!(
                "use `{new}`, or let the Vagrantfile's puppet options (module_path, hiera_config_path) name the files"
            ),
        ))
    };
    let mut out = Vec::new();
    for m in &p.manifests {
        for (at, s) in scan::strings(m) {
            for (a, b, row) in find(s) {
                if let Some((sev, msg, help)) = diag(row, &s[b..]) {
                    out.push(p.at(CHECK.name, sev, &m.source, at + a, at + b, msg).with_help(help));
                }
            }
        }
    }
    for f in p.other_files.iter().filter(|f| f.path.ends_with(".sh")) {
        for (at, line) in scan::code_lines(&f.text) {
            for (a, b, row) in find(line) {
                if let Some((sev, msg, help)) = diag(row, &line[b..]) {
                    out.push(p.at(CHECK.name, sev, f, at + a, at + b, msg).with_help(help));
                }
            }
        }
    }
    for s in &p.scripts {
        for (at, line) in scan::code_lines(&s.text) {
            for (a, b, row) in find(line) {
                if let Some((sev, msg, help)) = diag(row, &line[b..]) {
                    out.push(p.in_script(CHECK.name, sev, s, at + a, at + b, msg).with_help(help));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn old_paths_and_lookalikes() {
        let t = "cp x /etc/puppet/hiera.yaml; ls /etc/puppet/modules/apt /var/lib/puppet/ssl /etc/puppet";
        let rows: Vec<usize> = find(t).into_iter().map(|(_, _, r)| r).collect();
        assert_eq!(rows, [1, 0, 7, 8]);
        assert!(find("/etc/puppetlabs/puppet/puppet.conf /opt/etc/puppet/x /etc/puppet.d").is_empty());
    }
}
