//! ## What it does
//! Finds code that relies on the `vagrant` user or group: `user`, `owner`,
//! `group` or `groups` attributes set to `vagrant`, references to
//! `User['vagrant']` or `Group['vagrant']`, commands that run as or hand files
//! to it (`sudo -u vagrant`, `runuser -u vagrant`, `su - vagrant`,
//! `chown vagrant`), in manifests, hiera data and shell provisioners. Nothing
//! is reported when the project creates the user itself (`user { 'vagrant': }`
//! or `useradd vagrant`) or asks puppetlift to (`[compat] vagrant_user = true`
//! in puppetlift.toml: the boot script then creates the `vagrant` user and
//! group as boxes have them, with `/home/vagrant`, bash and passwordless sudo,
//! but no password and no SSH key).
//!
//! ## Why is this bad on EC2?
//! Every Vagrant box has a `vagrant` user; no EC2 image does. Its login user is
//! `ubuntu`, `admin`, `ec2-user` or `rocky`. A file owned by `vagrant` fails
//! with "Could not find user vagrant", an `exec` with `user => 'vagrant'` never
//! runs, and so does everything that requires it.
//!
//! ## Example
//! ```puppet
//! file { '/srv/app':
//!   ensure => directory,
//!   owner  => 'vagrant',
//! }
//! ```
//! Use instead: a user of its own for the service,
//! ```puppet
//! user { 'app': ensure => present, system => true }
//! file { '/srv/app':
//!   ensure => directory,
//!   owner  => 'app',
//! }
//! ```
//! or, to keep the code as it is, the box's user, in puppetlift.toml:
//! ```toml
//! [compat]
//! vagrant_user = true
//! ```
//!
//! ## References
//! Vagrant, "Creating a Base Box: Default User Settings";
//! AWS, "Manage system users on your Amazon EC2 Linux instance" (default user names per AMI).

use super::context::Context;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::puppet::ast::ExprKind;
use regex::Regex;
use std::sync::OnceLock;

/// The check.
pub const CHECK: Check = Check {
    name: "vagrant-user",
    source: include_str!("vagrant_user.rs"),
    stops_build: false,
    run,
};

/// A command that runs as `vagrant` or gives it files; group 1 is the name.
fn command() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r#"(?:\bsudo\s+(?:-\S+\s+)*-u\s*|\brunuser\s+(?:-\S+\s+)*(?:-u\s*|-l\s+)|\bsu\s+(?:-l?\s+|--login\s+)?|\bch(?:own|grp)\s+(?:-\S+\s+)*)(vagrant)(?:[:.\s'"]|$)"#,
        )
        .expect("regex")
    })
}

/// A hiera key for a user, owner or group set to `vagrant`; group 1 is the name.
fn data_key() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r#"^\s*[\w:]*(?:user|owner|group)\s*:\s*['"]?(vagrant)['"]?\s*$"#).expect("regex"))
}

fn run(p: &Context) -> Vec<Diagnostic> {
    if p.project.settings.compat.vagrant_user.unwrap_or(false) || creates_the_user(p) {
        return vec![];
    }
    let users: Vec<String> = p
        .targets
        .iter()
        .map(|t| format!("`{}` on {}", t.image.login_user, t.image.os))
        .collect();
    let images = scan::image_names(&p.targets.iter().collect::<Vec<_>>());
    let message = format!("the `vagrant` user exists only on Vagrant boxes; {images} on EC2 has none");
    let help = format!(
        "set `[compat] vagrant_user = true` in puppetlift.toml to create the `vagrant` user and group as boxes have them; or use the image's login user ({}); better, declare a user for the service (`user {{ 'app': ensure => present }}`)",
        users.join(", ")
    );
    let diag = |src: &crate::SourceFile, start: usize, end: usize| {
        p.at(CHECK.name, Severity::Error, src, start, end, message.clone())
            .with_help(help.clone())
    };
    let mut out = Vec::new();
    // A module's tests and examples never run on the instance.
    let applied = |path: &str| !super::paths::in_module_tests(p.dir, std::path::Path::new(path));
    for m in p.manifests.iter().filter(|m| applied(&m.source.path)) {
        for r in scan::resources(m) {
            for attr in ["user", "owner", "group", "groups"] {
                for (value, e) in r.attr(attr).map(scan::literals).unwrap_or_default() {
                    if value == "vagrant" {
                        out.push(diag(&m.source, e.span.start as usize, e.span.end as usize));
                    }
                }
            }
        }
        scan::walk(m, &mut |e| {
            if let ExprKind::Access { left, keys } = &e.kind {
                let is_account = matches!(&left.kind, ExprKind::QualifiedReference(t) if t == "User" || t == "Group");
                if is_account && keys.iter().any(|k| scan::literal(k).as_deref() == Some("vagrant")) {
                    out.push(diag(&m.source, e.span.start as usize, e.span.end as usize));
                }
            }
        });
        for (at, s) in scan::strings(m) {
            for c in command().captures_iter(s) {
                let g = c.get(1).expect("group");
                out.push(diag(&m.source, at + g.start(), at + g.end()));
            }
        }
    }
    for t in &p.hiera_data {
        for (at, line) in scan::code_lines(&t.text) {
            if let Some(g) = data_key().captures(line).and_then(|c| c.get(1)) {
                out.push(diag(t, at + g.start(), at + g.end()));
            }
        }
    }
    for s in &p.scripts {
        for (at, line) in scan::code_lines(&s.text) {
            for c in command().captures_iter(line) {
                let g = c.get(1).expect("group");
                out.push(
                    p.in_script(
                        CHECK.name,
                        Severity::Error,
                        s,
                        at + g.start(),
                        at + g.end(),
                        message.clone(),
                    )
                    .with_help(help.clone()),
                );
            }
        }
    }
    out
}

/// Whether the project makes the `vagrant` user itself.
pub(super) fn creates_the_user(p: &Context) -> bool {
    let in_manifests = p.manifests.iter().any(|m| {
        scan::resources(m).iter().any(|r| {
            r.type_name == "user"
                && scan::literal(&r.body.title).as_deref() == Some("vagrant")
                && r.attr("ensure").and_then(scan::literal).as_deref() != Some("absent")
        })
    });
    let useradd = Regex::new(r"\b(?:useradd|adduser)\b[^\n]*\bvagrant\b").expect("regex");
    in_manifests || p.scripts.iter().any(|s| useradd.is_match(&s.text))
}
