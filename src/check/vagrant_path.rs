//! ## What it does
//! Finds the paths only a Vagrant box has: `/vagrant` (the synced project
//! folder), `/tmp/vagrant-puppet` (where Vagrant uploads manifests and modules)
//! and `/home/vagrant`, in manifests' strings (interpolated ones too), templates
//! under `modules/*/templates`, hiera data, shell provisioners, delivered
//! shell scripts (`*.sh`) and the puppet provisioner's options.
//!
//! ## Why is this bad on EC2?
//! No EC2 image has these paths. puppetlift delivers the project to
//! `delivery.path` (default `/opt/puppetlift/code`), and the image's login user
//! is `ubuntu`, `admin`, `ec2-user` or `rocky`, never `vagrant`. A `file`
//! whose `source` is under `/vagrant` fails, an `exec` that runs a script from
//! there fails, and a config file that names one points at nothing.
//!
//! ## Example
//! ```puppet
//! file { '/etc/nginx/nginx.conf':
//!   source => '/vagrant/files/nginx.conf',
//! }
//! exec { 'seed':
//!   command => '/bin/sh /tmp/vagrant-puppet/manifests/seed.sh',
//! }
//! ```
//! Use instead:
//! ```puppet
//! file { '/etc/nginx/nginx.conf':
//!   source => 'puppet:///modules/nginx/nginx.conf',
//! }
//! exec { 'seed':
//!   command => '/bin/sh /opt/puppetlift/code/manifests/seed.sh',
//! }
//! ```
//!
//! ## References
//! Vagrant, "Synced Folders: Basic Usage" (the default `/vagrant` share);
//! Vagrant, "Puppet Apply Provisioner" (`temp_dir`, default `/tmp/vagrant-puppet`);
//! puppetlift README, `[delivery] path`.

use super::context::{Context, Script};
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity, Span};

/// The check.
pub const CHECK: Check = Check {
    name: "vagrant-path",
    source: include_str!("vagrant_path.rs"),
    run,
};

/// Which Vagrant-only path.
#[derive(Clone, Copy)]
enum Which {
    SyncedFolder,
    Staging,
    Home,
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let explain = |which: Which| -> (String, String) {
        let images = scan::image_names(&p.targets.iter().collect::<Vec<_>>());
        let code = p.code_path();
        match which {
            Which::SyncedFolder => (
                format!("`/vagrant` is Vagrant's synced folder; {images} on EC2 has no such path"),
                format!("puppetlift delivers the project to `{code}` (puppetlift.toml `delivery.path`): use that path, or `puppet:///modules/MODULE/FILE` for a file's source"),
            ),
            Which::Staging => (
                format!("`/tmp/vagrant-puppet` is where Vagrant uploads manifests and modules; {images} on EC2 has no such path"),
                format!("puppetlift delivers the project to `{code}` (puppetlift.toml `delivery.path`): use that path"),
            ),
            Which::Home => {
                let users: Vec<String> = p.targets.iter().map(|t| format!("`{}` on {}", t.image.login_user, t.image.os)).collect();
                (
                    format!("`/home/vagrant` is the Vagrant box's home directory; {images} on EC2 has no `vagrant` user"),
                    format!("the login user is {}: use its home, or a user the manifests declare", users.join(", ")),
                )
            }
        }
    };
    let diag = |src: &crate::SourceFile, start: usize, end: usize, which: Which| {
        let (msg, help) = explain(which);
        p.at(CHECK.name, Severity::Error, src, start, end, msg).with_help(help)
    };
    for m in &p.manifests {
        for (at, s) in scan::strings(m) {
            for (a, b, which) in find(s) {
                out.push(diag(&m.source, at + a, at + b, which));
            }
        }
    }
    for t in &p.templates {
        for (a, b, which) in find(&t.text) {
            out.push(diag(t, a, b, which));
        }
    }
    for t in &p.hiera_data {
        for (at, line) in scan::code_lines(&t.text) {
            for (a, b, which) in find(line) {
                out.push(diag(t, at + a, at + b, which));
            }
        }
    }
    for s in &p.scripts {
        out.extend(in_script(p, s, &explain));
    }
    // Delivered shell scripts (`files/bootstrap.sh`) run from an exec.
    for f in p.other_files.iter().filter(|f| f.path.ends_with(".sh")) {
        for (at, line) in scan::code_lines(&f.text) {
            for (a, b, which) in find(line) {
                out.push(diag(f, at + a, at + b, which));
            }
        }
    }
    out.extend(in_puppet_options(p, &explain));
    out
}

fn in_script(p: &Context, s: &Script, explain: &dyn Fn(Which) -> (String, String)) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (at, line) in scan::code_lines(&s.text) {
        for (a, b, which) in find(line) {
            let (msg, help) = explain(which);
            out.push(
                p.in_script(CHECK.name, Severity::Error, s, at + a, at + b, msg)
                    .with_help(help),
            );
        }
    }
    out
}

/// The puppet provisioner's options and facts (`--fileserverconfig=/vagrant/...`).
fn in_puppet_options(p: &Context, explain: &dyn Fn(Which) -> (String, String)) -> Vec<Diagnostic> {
    let Some(vf) = &p.vagrantfile else {
        return vec![];
    };
    let mut out = Vec::new();
    for (command, env) in p.puppet_runs() {
        let texts = std::iter::once(command).chain(env.iter().map(|(_, v)| v.as_str()));
        for text in texts {
            for (a, b, which) in find(text) {
                // The whole word (`--fileserverconfig=/vagrant/x.conf`) finds the
                // option in the Vagrantfile rather than a synced folder's "/vagrant".
                let ws = text[..a].rfind(char::is_whitespace).map_or(0, |i| i + 1);
                let we = text[b..].find(char::is_whitespace).map_or(text.len(), |i| b + i);
                let word = text[ws..we].trim_matches(|c| c == '\'' || c == '"');
                let span = vf.text.find(word).map(|w| {
                    let s = w + word.find(&text[a..b]).unwrap_or(0);
                    Span::new(s, s + (b - a))
                });
                let (msg, help) = explain(which);
                let mut d = Diagnostic::error(CHECK.name, &vf.path, span, msg).with_help(help);
                d.severity = Severity::Error;
                out.push(d);
            }
        }
    }
    out
}

/// The Vagrant-only paths in `text`: byte ranges and which path each is.
fn find(text: &str) -> Vec<(usize, usize, Which)> {
    let path_char = |c: char| c.is_ascii_alphanumeric() || "_.-~$}".contains(c);
    let ends_path = |at: usize| !text[at..].starts_with(|c: char| c.is_ascii_alphanumeric() || "_.-".contains(c));
    let mut out = Vec::new();
    for (i, _) in text.match_indices("/vagrant") {
        let before = &text[..i];
        if before.ends_with("/home") {
            if ends_path(i + 8) && !before[..i - 5].ends_with(path_char) {
                out.push((i - 5, i + 8, Which::Home));
            }
        } else if before.ends_with("/tmp") && text[i..].starts_with("/vagrant-puppet") {
            let mut end = i + "/vagrant-puppet".len();
            // Vagrant 1.x numbered its staging folders: /tmp/vagrant-puppet-1.
            if text[end..].starts_with('-') {
                let digits = text[end + 1..].chars().take_while(char::is_ascii_digit).count();
                if digits > 0 {
                    end += 1 + digits;
                }
            }
            if ends_path(end) && !before[..i - 4].ends_with(path_char) {
                out.push((i - 4, end, Which::Staging));
            }
        } else if !before.ends_with(path_char) && ends_path(i + 8) {
            out.push((i, i + 8, Which::SyncedFolder));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::find;

    fn found(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|(a, b, _)| &text[a..b]).collect()
    }

    #[test]
    fn paths_and_near_misses() {
        assert_eq!(found("'/vagrant/files/x'"), ["/vagrant"]);
        assert_eq!(found("PATH=/bin:/vagrant"), ["/vagrant"]);
        assert_eq!(found("cd /tmp/vagrant-puppet-1/manifests"), ["/tmp/vagrant-puppet-1"]);
        assert_eq!(found("\"/home/vagrant/.ssh\""), ["/home/vagrant"]);
        assert!(found("/opt/vagrant/bin /vagrant_data /vagrantfile ${root}/vagrant").is_empty());
        assert!(found("/home/vagrantuser https://example.com/vagrant/").is_empty());
    }
}
