//! ## What it does
//! Finds `sudo` in boot-time scripts (shell provisioners, inline or by path,
//! privileged or not) when sudo will refuse to run without a terminal: on an
//! image whose sudoers has `Defaults requiretty`, or after an earlier boot step
//! writes `Defaults requiretty` into sudoers (a manifest's `file_line`,
//! `augeas` or file content, or a template it names, in code that runs on the
//! image; or a shell provisioner appending it).
//!
//! ## Why is this bad on EC2?
//! On EC2 the boot steps run from user data: cloud-init runs them as root with
//! no terminal. With `requiretty` sudo stops with "sorry, you must have a tty to
//! run sudo", and it does so for root too, so `sudo -u app ...` fails as surely
//! as `sudo apt-get ...`. Vagrant hid this: its boxes exempt the `vagrant`
//! user (`Defaults:vagrant !requiretty`), and the EC2 login user has no such
//! exemption.
//!
//! ## Example
//! ```puppet
//! file_line { 'sudo needs a tty':
//!   path => '/etc/sudoers',
//!   line => 'Defaults requiretty',
//! }
//! ```
//! ```ruby
//! config.vm.provision "shell", privileged: false, inline: "sudo -u app /srv/app/bin/migrate"
//! ```
//! Use instead:
//! ```ruby
//! config.vm.provision "shell", inline: "runuser -u app -- /srv/app/bin/migrate"
//! ```
//!
//! ## References
//! sudoers(5), `requiretty`; hashicorp/vagrant#1482 ("Can't execute sudo
//! commands on machine that requires tty"); hashicorp/packer#2420 (CentOS 7 on
//! AWS); runuser(1).

use super::context::{Context, Script};
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity, SourceFile};
use regex::Regex;
use std::sync::OnceLock;

/// The check.
pub const CHECK: Check = Check {
    name: "requiretty",
    source: include_str!("requiretty.rs"),
    stops_build: false,
    run,
};

/// `sudo` where a command starts (group 1): not `visudo`, `sudoedit` or a word in a message.
fn sudo() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:^|[;&|(`{]|\$\(|\b(?:then|do|else|exec|xargs|env|time|nohup)\s)\s*(sudo)(?:\s|$)")
            .expect("regex")
    })
}

/// `Defaults ... requiretty` (not `!requiretty`) in one line, as sudoers or
/// augeas's sudoers lens writes it.
fn sets_requiretty() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r#"(?:^|[\s'"])Defaults(?:[ \t]+|[ \t]*[^!\s][^\n!#]*[\s,])(requiretty)\b|Defaults(?:\[[^\]\n]*\])?/(requiretty)\b(?:[^/]|$)"#)
            .expect("regex")
    })
}

/// Where `text` sets requiretty (offset), skipping comment lines.
fn requiretty_in(text: &str) -> Option<usize> {
    scan::code_lines(text).find_map(|(at, line)| {
        let c = sets_requiretty().captures(line)?;
        Some(at + c.get(1).or_else(|| c.get(2))?.start())
    })
}

/// A shell line that takes `requiretty` out of sudoers (`sed -i ... requiretty`, `!requiretty`).
fn clears_requiretty(line: &str) -> bool {
    line.contains("!requiretty") || (line.contains("requiretty") && line.contains("sed "))
}

/// Where an earlier step writes `Defaults requiretty`: the step and where it says so.
struct Writer {
    step: usize,
    place: String,
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let users: Vec<(&Script, usize, usize)> = p
        .scripts
        .iter()
        .flat_map(|s| {
            scan::code_lines(&s.text)
                .flat_map(|(at, line)| {
                    sudo()
                        .captures_iter(line)
                        .filter_map(|c| c.get(1))
                        .map(move |g| (at + g.start(), at + g.end()))
                        .collect::<Vec<_>>()
                })
                .map(move |(a, b)| (s, a, b))
        })
        .collect();
    if users.is_empty() {
        return vec![];
    }
    let requiring = p.targets_where(|i| i.sudo_requiretty);
    let writer = writer(p);
    let help = "boot steps run as root: drop `sudo` (and `privileged: false`), and use `runuser -u USER -- COMMAND` to run as another user (it needs no tty)";
    let mut out = Vec::new();
    for (s, a, b) in users {
        // A script that took requiretty out of sudoers earlier.
        let cleared = p
            .scripts
            .iter()
            .any(|o| o.step < s.step && o.text.lines().any(clears_requiretty))
            || s.text[..a].lines().any(clears_requiretty);
        if cleared {
            continue;
        }
        if !requiring.is_empty() {
            let msg = format!(
                "`sudo` in a boot script: {}'s sudoers requires a tty (`Defaults requiretty`), and user data runs without one",
                scan::image_names(&requiring)
            );
            out.push(p.in_script(CHECK.name, Severity::Error, s, a, b, msg).with_help(help));
        } else if let Some(w) = writer.as_ref().filter(|w| w.step < s.step) {
            let msg = format!(
                "`sudo` in a boot script after {} writes `Defaults requiretty` into sudoers; user data on {} runs without a tty, so sudo refuses",
                w.place,
                scan::image_names(&p.targets.iter().collect::<Vec<_>>())
            );
            out.push(p.in_script(CHECK.name, Severity::Error, s, a, b, msg).with_help(help));
        }
    }
    out
}

/// The first boot step that writes `Defaults requiretty`: a puppet run whose
/// manifests or templates say it, or a shell provisioner that appends it.
fn writer(p: &Context) -> Option<Writer> {
    let place = |f: &SourceFile, at: usize| {
        let (line, _) = f.line_col(at);
        let rel = std::path::Path::new(&f.path)
            .strip_prefix(p.dir)
            .map_or(f.path.clone(), |r| r.display().to_string());
        format!("`{rel}:{line}`")
    };
    // Manifest strings that run on a target: not code an OS switch keeps from
    // running (a RedHat-only branch).
    let strings: Vec<(&crate::puppet::Manifest, usize, &str)> = p
        .manifests
        .iter()
        .flat_map(|m| {
            scan::strings(m)
                .filter(|(at, _)| p.targets.iter().any(|t| p.guards(m).runs_on(*at, &t.image)))
                .map(move |(at, s)| (m, at, s))
        })
        .collect();
    // A template writes only when such a string names it (`template('sudo/sudoers.rhel6.erb')`):
    // sudo modules ship one per distribution.
    let used = |t: &SourceFile| {
        let Some((module, file)) = t.path.split_once("/templates/") else {
            return false;
        };
        let name = format!("{}/{file}", module.rsplit('/').next().unwrap_or(module));
        strings.iter().any(|(_, _, s)| s.contains(&name))
    };
    let in_code = strings
        .iter()
        .find_map(|(m, at, s)| Some(place(&m.source, at + requiretty_in(s)?)))
        .or_else(|| {
            p.templates
                .iter()
                .filter(|t| used(t))
                .find_map(|t| Some(place(t, requiretty_in(&t.text)?)))
        });
    let puppet_step = p.first_puppet_step();
    let by_puppet = in_code.zip(puppet_step).map(|(place, step)| Writer {
        step,
        place: format!("the puppet run ({place})"),
    });
    let by_shell = p
        .scripts
        .iter()
        .filter(|s| {
            scan::code_lines(&s.text)
                .any(|(_, l)| sets_requiretty().is_match(l) && (l.contains('>') || l.contains("tee ")))
        })
        .map(|s| Writer {
            step: s.step,
            place: "an earlier shell provisioner".into(),
        })
        .min_by_key(|w| w.step);
    [by_puppet, by_shell].into_iter().flatten().min_by_key(|w| w.step)
}

#[cfg(test)]
mod tests {
    use super::{requiretty_in, sudo};

    #[test]
    fn sudo_where_a_command_starts() {
        let found = |t: &str| sudo().is_match(t);
        assert!(found("sudo apt-get update"));
        assert!(found("  sudo -u app ./migrate"));
        assert!(found("cd /srv && sudo make install"));
        assert!(found("if true; then sudo ls; fi"));
        assert!(found("x=$(sudo cat /etc/shadow)"));
        assert!(!found("visudo -c"));
        assert!(!found("sudoedit /etc/hosts"));
        assert!(!found("echo 'run it with sudo later'"));
        assert!(!found("apt-get install -y sudo"));
    }

    #[test]
    fn defaults_requiretty_but_not_its_negation() {
        let found = |t: &str| requiretty_in(t).is_some();
        assert!(found("Defaults requiretty"));
        assert!(found("Defaults    requiretty"));
        assert!(found("Defaults env_reset, requiretty"));
        assert!(found("set Defaults[1]/requiretty ''"));
        assert!(found("echo 'Defaults requiretty' >> /etc/sudoers"));
        assert!(!found("Defaults !requiretty"));
        assert!(!found("Defaults:vagrant !requiretty"));
        assert!(!found("set Defaults[1]/requiretty/negate ''"));
        assert!(!found("# Defaults requiretty"));
    }
}
