//! ## What it does
//! Finds Ruby code Puppet must load that lives outside the target Ruby's
//! libdir and will not be there on EC2:
//! - a `--libdir` or `RUBYLIB` directory (puppet provisioner `options` and
//!   `environment_variables`, shell provisioners, an exec's `environment`)
//!   that is a project folder puppetlift does not deliver, or an absolute
//!   directory nothing in the project fills (on Vagrant the box had it);
//! - `RUBYLIB` written into a login profile (`/etc/profile.d/*.sh`,
//!   `/etc/environment`, `~/.bashrc`) by a shell provisioner for a later puppet run;
//! - a gem installed with `provider => gem` (the system Ruby) that Puppet
//!   itself needs (a Hiera backend such as `hiera-eyaml`, `deep_merge`,
//!   `toml-rb`, or one that Ruby code under a module's `lib/` requires) when
//!   the image gets Puppet from OpenVox, whose Ruby is its own;
//! - a Puppet face or plugin checked out from git (`vcsrepo`, `git clone`)
//!   outside the modulepath and run by an `exec` (`puppet node_aws ...`) whose
//!   environment has no `RUBYLIB`.
//!
//! ## Why is this bad on EC2?
//! Ruby finds code only in its libdir, in installed gems and on `RUBYLIB`.
//! On Vagrant the synced folder, the box's own files and the login shell
//! every provisioner runs in (`bash -l` reads `/etc/profile.d`) supplied the
//! rest. On EC2 the boot script is not a login shell, only the folders the
//! plan names are delivered, and OpenVox's Puppet runs on
//! `/opt/puppetlabs/puppet/bin/ruby`, which does not see the system Ruby's
//! gems: the fact, function, Hiera backend or face fails to load (`Could not
//! autoload`, `cannot load such file`, `Unknown Puppet subcommand`).
//!
//! ## Example
//! ```puppet
//! package { 'hiera-eyaml':
//!   ensure   => installed,
//!   provider => gem,
//! }
//! vcsrepo { '/opt/cloud-provisioner':
//!   provider => git,
//!   source   => 'https://github.com/puppetlabs/puppetlabs-cloud-provisioner.git',
//! }
//! -> exec { 'list nodes':
//!   command => 'puppet node_aws list',
//!   path    => ['/usr/bin', '/bin'],
//! }
//! ```
//! Use instead:
//! ```puppet
//! package { 'hiera-eyaml':
//!   ensure   => installed,
//!   provider => puppet_gem,
//! }
//! vcsrepo { '/opt/cloud-provisioner':
//!   provider => git,
//!   source   => 'https://github.com/puppetlabs/puppetlabs-cloud-provisioner.git',
//! }
//! -> exec { 'list nodes':
//!   command     => 'puppet node_aws list',
//!   environment => ['RUBYLIB=/opt/cloud-provisioner/lib'],
//!   path        => ['/opt/puppetlabs/bin', '/usr/bin', '/bin'],
//! }
//! ```
//!
//! ## References
//! Puppet, "Configuration reference: libdir"; Puppet, "Resource type: package"
//! (`puppet_gem`: "Ruby Gem support using Puppet's own Ruby"); Ruby, `$LOAD_PATH`
//! and `RUBYLIB`; Vagrant, "SSH settings" (`config.ssh.shell`, default `bash -l`).

use super::context::{Context, Script};
use super::ruby_code;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::plan::Step;
use regex::Regex;
use serde_json::Value as Json;
use std::sync::OnceLock;

/// The check.
pub const CHECK: Check = Check {
    name: "rubylib-missing",
    source: include_str!("rubylib_missing.rs"),
    stops_build: false,
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    out.extend(libdirs(p));
    out.extend(profiles(p));
    out.extend(ruby_code::gems(p, CHECK.name));
    out.extend(ruby_code::faces(p, CHECK.name));
    out
}

/// `RUBYLIB=DIR[:DIR]` (group 1) or `--libdir[= ]DIR` (group 2).
fn setting() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r#"\bRUBYLIB\s*=\s*["']?([^\s"';&|]+)|--libdir[= ]\s*["']?([^\s"';&|]+)"#).expect("regex")
    })
}

/// Each directory a `RUBYLIB` or `--libdir` setting in `text` names, with its byte range.
fn dirs_in(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for c in setting().captures_iter(text) {
        let Some(g) = c.get(1).or_else(|| c.get(2)) else {
            continue;
        };
        let mut at = g.start();
        for part in g.as_str().split(':') {
            if !part.is_empty() && !part.contains('$') {
                out.push((at, at + part.len()));
            }
            at += part.len() + 1;
        }
    }
    out
}

/// Where Ruby code under `dir` comes from on the instance; `None` when it is there.
fn missing(p: &Context, dir: &str, mentioned_elsewhere: &dyn Fn(&str) -> bool) -> Option<(Severity, String)> {
    let dir = dir.trim_end_matches('/');
    let rel = dir
        .strip_prefix("/vagrant")
        .or_else(|| dir.strip_prefix(p.code_path()))
        .filter(|r| r.is_empty() || r.starts_with('/'));
    if let Some(rel) = rel {
        let rel = rel.trim_start_matches('/');
        let planned = p.planned.as_ref()?;
        let delivered = rel.is_empty()
            || planned
                .plan
                .bundle
                .iter()
                .any(|b| b == rel || b.starts_with(&format!("{rel}/")));
        // A folder the project does not have held nothing on Vagrant either.
        if delivered || !p.dir.join(rel).exists() {
            return None;
        }
        return Some((
            Severity::Error,
            format!(
                "`{dir}` is the project's `{rel}`, which puppetlift does not deliver to {} (it bundles what the provisioners name: manifests, modules, hiera data, scripts, files)",
                scan::image_names(&p.targets.iter().collect::<Vec<_>>())
            ),
        ));
    }
    // Puppet's own directories (pluginsync fills them; vagrant-path owns the
    // staging one) and Ruby's, which packages fill on any image.
    const FILLED_ELSEWHERE: [&str; 11] = [
        "/tmp/vagrant-puppet",
        "/var/lib/puppet",
        "/etc/puppet",
        "/opt/puppetlabs",
        "/etc/puppetlabs",
        "/usr/share/puppet",
        "/usr/lib/ruby",
        "/usr/lib64/ruby",
        "/usr/share/ruby",
        "/usr/local/lib/site_ruby",
        "/usr/local/share/ruby",
    ];
    if !dir.starts_with('/') || FILLED_ELSEWHERE.iter().any(|o| dir.starts_with(o)) {
        return None;
    }
    let parent = dir.strip_suffix("/lib").filter(|p| p.matches('/').count() >= 2);
    if mentioned_elsewhere(dir) || parent.is_some_and(mentioned_elsewhere) {
        return None;
    }
    Some((
        Severity::Warning,
        format!(
            "nothing in the project puts Ruby code into `{dir}`: on Vagrant the box had it, {} on EC2 does not",
            scan::image_names(&p.targets.iter().collect::<Vec<_>>())
        ),
    ))
}

const LIBDIR_HELP: &str = "move the Ruby code into a module's `lib/` (Puppet loads facts, functions and types from there), or deliver the folder (a file provisioner) and name its path under `delivery.path`";

/// `--libdir` and `RUBYLIB` in the puppet provisioner, shell provisioners and execs.
fn libdirs(p: &Context) -> Vec<Diagnostic> {
    // Text that may create or fill a directory: scripts and manifests' strings,
    // except the settings that only name it.
    let mut texts: Vec<&str> = Vec::new();
    for s in &p.scripts {
        texts.extend(scan::code_lines(&s.text).map(|(_, l)| l));
    }
    for m in &p.manifests {
        texts.extend(scan::strings(m).map(|(_, s)| s));
    }
    texts.retain(|t| !t.contains("RUBYLIB") && !t.contains("libdir"));
    let mentioned = |dir: &str| {
        texts.iter().any(|t| {
            t.match_indices(dir)
                .any(|(i, _)| !t[i + dir.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || "_.-".contains(c)))
        })
    };
    let mut out = Vec::new();
    let diag = |file: &str, span: Option<Span>, sev: Severity, msg: String| {
        let mut d = Diagnostic::error(CHECK.name, file, span, msg).with_help(LIBDIR_HELP);
        d.severity = sev;
        d
    };
    // The puppet provisioner's options and environment, found in the Vagrantfile.
    if let (Some(_), Some(vf)) = (&p.planned, &p.vagrantfile) {
        for m in p.project.machines() {
            for prov in m.provisioners.iter().filter(|x| x.kind.starts_with("puppet")) {
                let mut settings: Vec<String> = match prov.options.get("options") {
                    Some(Json::Array(a)) => vec![a.iter().filter_map(Json::as_str).collect::<Vec<_>>().join(" ")],
                    Some(Json::String(s)) => vec![s.clone()],
                    _ => vec![],
                };
                if let Some(Json::Object(vars)) = prov.options.get("environment_variables") {
                    if let Some(v) = vars.get("RUBYLIB").and_then(Json::as_str) {
                        settings.push(format!("RUBYLIB={v}"));
                    }
                }
                for text in &settings {
                    for (a, b) in dirs_in(text) {
                        let dir = &text[a..b];
                        if let Some((sev, msg)) = missing(p, dir, &mentioned) {
                            let span = vf.text.find(dir).map(|at| Span::new(at, at + dir.len()));
                            let d = diag(&vf.path, span, sev, msg);
                            if !out.contains(&d) {
                                out.push(d);
                            }
                        }
                    }
                }
            }
        }
    }
    for s in &p.scripts {
        for (at, line) in scan::code_lines(&s.text) {
            for (a, b) in dirs_in(line) {
                if let Some((sev, msg)) = missing(p, &line[a..b], &mentioned) {
                    out.push(
                        p.in_script(CHECK.name, sev, s, at + a, at + b, msg)
                            .with_help(LIBDIR_HELP),
                    );
                }
            }
        }
    }
    for m in &p.manifests {
        let runs = |at: usize| p.targets.iter().any(|t| p.guards(m).runs_on(at, &t.image));
        for (at, s) in scan::strings(m).filter(|(at, _)| runs(*at)) {
            for (a, b) in dirs_in(s) {
                if let Some((sev, msg)) = missing(p, &s[a..b], &mentioned) {
                    out.push(
                        p.at(CHECK.name, sev, &m.source, at + a, at + b, msg)
                            .with_help(LIBDIR_HELP),
                    );
                }
            }
        }
    }
    out
}

/// Files only a login shell reads.
fn profile() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(/etc/profile(?:\.d/[\w.-]+)?|/etc/environment|/etc/bash\.bashrc|/etc/bashrc|~?[\w/]*/\.(?:bashrc|bash_profile|profile))\b")
            .expect("regex")
    })
}

/// `RUBYLIB` that a shell provisioner writes into a login profile for a later puppet run.
fn profiles(p: &Context) -> Vec<Diagnostic> {
    let Some(planned) = &p.planned else {
        return vec![];
    };
    // The puppet run that is given RUBYLIB itself does not need the profile's.
    if p.puppet_runs().any(|(_, env)| env.iter().any(|(k, _)| k == "RUBYLIB")) {
        return vec![];
    }
    let last_puppet = planned
        .plan
        .nodes
        .iter()
        .filter_map(|n| {
            n.steps
                .iter()
                .rposition(|s| matches!(s, Step::PuppetApply { .. } | Step::PuppetAgent { .. }))
        })
        .max();
    let images = scan::image_names(&p.targets.iter().collect::<Vec<_>>());
    let mut out = Vec::new();
    for s in p.scripts.iter().filter(|s| last_puppet.is_some_and(|j| s.step < j)) {
        for (at, start, end, file) in profile_writes(s) {
            let msg = format!("`RUBYLIB` goes into `{file}`, which only login shells read: Vagrant runs the puppet provisioner in one (`bash -l`), the boot script on {images} is not one, so Puppet does not get it");
            out.push(
                p.in_script(CHECK.name, Severity::Error, s, at + start, at + end, msg)
                    .with_help("give it to the puppet run: `puppet.environment_variables = { \"RUBYLIB\" => \"...\" }` (puppetlift passes it on), or move the code into a module's `lib/`"),
            );
        }
    }
    out
}

/// Each `RUBYLIB` a script writes into a profile: the line's offset, the
/// word's range in it and the profile, on the same line (`echo ... >> FILE`)
/// or inside a heredoc written there (`cat > FILE <<EOF`).
fn profile_writes(s: &Script) -> Vec<(usize, usize, usize, String)> {
    let heredoc = Regex::new(r#"<<-?\s*['"]?(\w+)"#).expect("regex");
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None; // (terminator, profile)
    for (at, line) in scan::code_lines(&s.text) {
        if let Some((term, _)) = &open {
            if line.trim() == term {
                open = None;
                continue;
            }
        }
        let written = |l: &str| l.contains('>') || l.contains("tee ");
        let here = profile()
            .captures(line)
            .filter(|_| written(line))
            .map(|c| c[1].to_string());
        if let (Some(file), Some(c)) = (&here, heredoc.captures(line)) {
            open = Some((c[1].to_string(), file.clone()));
        }
        let Some(i) = line.find("RUBYLIB") else {
            continue;
        };
        if let Some(file) = here.or_else(|| open.as_ref().map(|(_, f)| f.clone())) {
            out.push((at, i, i + "RUBYLIB".len(), file));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::dirs_in;

    #[test]
    fn the_directories_a_setting_names() {
        let found = |t: &str| -> Vec<String> { dirs_in(t).into_iter().map(|(a, b)| t[a..b].to_string()).collect() };
        assert_eq!(found("export RUBYLIB=/opt/a/lib:$RUBYLIB"), ["/opt/a/lib"]);
        assert_eq!(found("--libdir /vagrant/lib --verbose"), ["/vagrant/lib"]);
        assert_eq!(found("--libdir=/srv/x/lib"), ["/srv/x/lib"]);
        assert_eq!(found("'RUBYLIB=/a:/b'"), ["/a", "/b"]);
        assert!(found("RUBYLIB=${RUBYLIB}").is_empty());
    }
}
