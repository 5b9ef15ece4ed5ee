//! ## What it does
//! Finds synced folders (`config.vm.synced_folder`, v1 `share_folder`) other
//! than the project's own `/vagrant` whose guest path the provisioning reads
//! (manifests' strings, templates, hiera data and `hiera.yaml`, shell
//! provisioners, other delivered files such as scripts and config files, the
//! puppet provisioner's options) when nothing delivers them to the instance:
//! no file provisioner copies the folder there, and it is not a project
//! directory the plan delivers. The plan delivers what the code names under a
//! folder shared from inside the project (the folder itself, or paths under
//! it) and the boot script links the guest path to it, as Vagrant mounts it;
//! so what is left is a folder from outside the project, or a read the plan
//! cannot see (a path built at run time) of a file it does not deliver.
//!
//! A folder synced where the planned Puppet looks by itself is read too: its
//! configuration (`puppet.conf`, `hiera.yaml`, ... in `/etc/puppetlabs/puppet`
//! for OpenVox, `/etc/puppet` for the distribution's Puppet), its code
//! directory (`/etc/puppetlabs/code`, `/etc/puppet/code`) and the
//! `--modulepath` of its command (with a `module_path`, Vagrant's command line
//! adds `/etc/puppet/modules`). Puppet 3's defaults, such as
//! `/etc/puppet/modules` without a `module_path`, are read by no Puppet the
//! plan installs: a folder there is a warning (its modules are lost), not an
//! error. Disabled folders (`disabled: true`), folders nobody reads and paths
//! the provisioning writes (a `file` there, an exec's `creates`, a `git clone`
//! or `mkdir` destination) are fine.
//!
//! ## Why is this bad on EC2?
//! A synced folder is VirtualBox (or NFS, rsync) sharing a directory of the
//! developer's machine; EC2 has no such share. puppetlift delivers the files
//! the provisioners name (manifests, modules, hiera data, scripts, file
//! provisioners) to `delivery.path`, not the synced folders, so on the
//! instance the guest path is empty or missing: a `file` whose `source` is
//! there fails, a script run from there is not found.
//!
//! ## Example
//! ```ruby
//! config.vm.synced_folder "certs", "/etc/app/certs"
//! config.vm.provision "puppet"   # file { '/etc/nginx/app.pem': source => '/etc/app/certs/app.pem' }
//! ```
//! Use instead:
//! ```ruby
//! config.vm.provision "file", source: "certs", destination: "/etc/app/certs"
//! config.vm.provision "puppet"
//! ```
//! or move the files into a module (`modules/app/files/app.pem`, read as
//! `puppet:///modules/app/app.pem`).
//!
//! ## References
//! Vagrant, "Synced Folders: Basic Usage"; Vagrant, "File Provisioner";
//! puppetlift README, `[delivery]`.

use super::context::Context;
use super::paths::{self, path_at, static_part};
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity, SourceFile, Span};
use crate::plan::compat::{self, Delivered};
use crate::plan::{Node, PuppetSource, Step};
use crate::vagrant::model::SyncedFolder;
use serde_json::Value as Json;

/// The check.
pub const CHECK: Check = Check {
    name: "synced-folder-not-delivered",
    source: include_str!("synced_folder_not_delivered.rs"),
    stops_build: false,
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    let (Some(planned), Some(vf)) = (&p.planned, &p.vagrantfile) else {
        return vec![];
    };
    let mut out = Vec::new();
    let shipped = Delivered::new(&planned.plan.delivery, &planned.plan.bundle, p.dir);
    let created = paths::created(p);
    for m in p.project.machines() {
        let Some(node) = planned.plan.nodes.iter().find(|n| n.name == m.name) else {
            continue;
        };
        let links: Vec<compat::FolderLink> = node
            .steps
            .iter()
            .flat_map(|s| match s {
                Step::LinkSyncedFolders { links, .. } => links.clone(),
                _ => vec![],
            })
            .collect();
        let puppet_reads = puppet_reads(node);
        for f in m.synced_folders.iter().filter(|f| !f.disabled) {
            let Some(guest) = f
                .guest
                .as_deref()
                .map(|g| g.trim_end_matches('/'))
                .filter(|g| g.starts_with('/'))
            else {
                continue;
            };
            // `/vagrant` is the project, which the plan delivers (vagrant-path finds its readers).
            if guest.is_empty() || under(guest, "/vagrant") || under(guest, p.code_path()) {
                continue;
            }
            let delivered = node.steps.iter().any(
                |s| matches!(s, Step::WriteFile { destination, .. } if under(guest, destination.trim_end_matches('/'))),
            );
            if delivered {
                continue;
            }
            let host = host_name(f);
            let mut readers = readers(p, guest);
            // A linked folder (its project directory is delivered): only reads
            // of what was not delivered break.
            let linked = links.iter().any(|l| l.guest == guest);
            readers.retain(|(file, span)| !read_works(p, &links, &shipped, &created, (file, *span)));
            // Puppet reads its own directories (configuration, code, modulepath)
            // unasked, unless the folder is one the plan delivers and points Puppet at.
            let read_by_puppet = puppet_reads.iter().any(|d| under(guest, d) || under(d, guest));
            let implicit = read_by_puppet && !linked && !bundled(&planned.plan.bundle, &host);
            if readers.is_empty() && !implicit && !read_by_puppet && !linked {
                if let Some(d) = puppet3_default(vf, &host, guest, node, &planned.plan.bundle) {
                    out.push(d);
                    continue;
                }
            }
            let place = |file: &str, span: Option<Span>| {
                let rel = std::path::Path::new(file)
                    .strip_prefix(p.dir)
                    .map_or(file.into(), |r| r.display().to_string());
                match (span, p.source(file)) {
                    (Some(s), Some(src)) => format!("`{rel}:{}`", src.line_col(s.start as usize).0),
                    _ => format!("`{rel}`"),
                }
            };
            let first = match readers.first() {
                Some((file, span)) => place(file, *span),
                None if implicit => format!("the planned Puppet reads `{guest}` by itself"),
                None => continue,
            };
            let more = match readers.len() {
                0 | 1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            let message = if linked {
                format!(
                    "the synced folder `{host}` -> `{guest}` links to the delivered code on EC2, but the provisioning reads files there that are not delivered ({first}{more})"
                )
            } else {
                format!(
                    "the synced folder `{host}` -> `{guest}` is used by the provisioning ({first}{more}), but nothing delivers it: {} on EC2 has no synced folders",
                    node.image.os
                )
            };
            let mut d =
                Diagnostic::error(CHECK.name, &vf.path, folder_span(vf, guest), message).with_help(help(&host, guest));
            for (file, span) in &readers {
                if let (true, Some(s)) = (*file == vf.path, span) {
                    d = d.with_label(*s, "read here");
                }
            }
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// Whether the read at `span` of `file` works on EC2 all the same: a path the
/// provisioning creates itself, or, through a folder link, one the plan
/// delivers or the project does not have (the box did not get it either).
fn read_works(
    p: &Context,
    links: &[compat::FolderLink],
    delivered: &Delivered,
    created: &[String],
    (file, span): (&str, Option<Span>),
) -> bool {
    let (Some(src), Some(span)) = (p.source(file), span) else {
        return false;
    };
    let path = static_part(path_at(&src.text, span.start as usize));
    paths::under_any(path, created)
        || compat::through_link(links, path).is_some_and(|rel| delivered.has(&rel) || !delivered.in_project(&rel))
}

/// Where the planned Puppet of `node` looks without being told: its
/// configuration files, its code directory, the modules its package ships,
/// and the `--modulepath` of its commands.
fn puppet_reads(node: &Node) -> Vec<String> {
    let source = node.steps.iter().find_map(|s| match s {
        Step::InstallPuppet { source, .. } | Step::InstallPuppetServer { source, .. } => Some(source),
        _ => None,
    });
    let (confdir, codedir, shipped) = match source {
        None => return vec![],
        // Debian's and Ubuntu's own packages keep Puppet under /etc/puppet.
        Some(PuppetSource::Os) => ("/etc/puppet", "/etc/puppet/code", "/usr/share/puppet/modules"),
        Some(PuppetSource::OpenVox { .. }) => (
            "/etc/puppetlabs/puppet",
            "/etc/puppetlabs/code",
            "/opt/puppetlabs/puppet/modules",
        ),
    };
    let mut out: Vec<String> = [
        "puppet.conf",
        "hiera.yaml",
        "fileserver.conf",
        "auth.conf",
        "autosign.conf",
        "csr_attributes.yaml",
        "routes.yaml",
    ]
    .iter()
    .map(|f| format!("{confdir}/{f}"))
    .collect();
    out.push(codedir.into());
    out.push(shipped.into());
    for s in &node.steps {
        if let Step::PuppetApply { command, .. } | Step::PuppetAgent { command, .. } = s {
            let words: Vec<&str> = command.split_whitespace().collect();
            for w in words.windows(2).filter(|w| w[0] == "--modulepath") {
                out.extend(
                    w[1].trim_matches(|c| c == '\'' || c == '"')
                        .split(':')
                        .filter(|d| d.starts_with('/'))
                        .map(|d| d.trim_end_matches('/').to_string()),
                );
            }
        }
    }
    out
}

/// Puppet 3's default module and manifest directories, which no Puppet the plan installs reads.
const PUPPET3_DEFAULTS: [&str; 3] = ["/etc/puppet/modules", "/etc/puppet/manifests", "/etc/puppet/hieradata"];

/// A folder synced into Puppet 3's defaults that the planned Puppet does not
/// read: its modules are lost (a warning; what uses them fails).
fn puppet3_default(vf: &SourceFile, host: &str, guest: &str, node: &Node, bundle: &[String]) -> Option<Diagnostic> {
    let runs_puppet = node.steps.iter().any(|s| matches!(s, Step::PuppetApply { .. }));
    if !runs_puppet || !PUPPET3_DEFAULTS.iter().any(|d| under(guest, d)) || bundled(bundle, host) {
        return None;
    }
    Some(
        Diagnostic::warning(
            CHECK.name,
            &vf.path,
            folder_span(vf, guest),
            format!(
                "the synced folder `{host}` -> `{guest}` is where Puppet 3 looked by default; the Puppet planned for {} does not, and nothing delivers the folder",
                node.image.os
            ),
        )
        .with_help(help(host, guest)),
    )
}

/// Whether `path` is `dir` or under it.
fn under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|r| r.is_empty() || r.starts_with('/'))
}

/// Whether the plan delivers the project folder `host` (the bundle lists files).
fn bundled(bundle: &[String], host: &str) -> bool {
    let host = host.trim_start_matches("./").trim_end_matches('/');
    if host.is_empty() || host == "." {
        return !bundle.is_empty();
    }
    bundle.iter().any(|b| b == host || b.starts_with(&format!("{host}/")))
}

fn host_name(f: &SyncedFolder) -> String {
    match &f.host {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

fn help(host: &str, guest: &str) -> String {
    let inside =
        !host.is_empty() && !host.starts_with('/') && !host.starts_with('~') && !host.split('/').any(|c| c == "..");
    if host == "." || host == "./" {
        format!("the project lands in `delivery.path` on EC2: set `[delivery] path = \"{guest}\"` in puppetlift.toml, or read the files from the delivered code path")
    } else if inside && ["/etc/puppet", "/etc/puppetlabs"].iter().any(|d| under(guest, d)) {
        format!("name `{host}` in the puppet provisioner (`module_path`, `manifests_path`) so puppetlift delivers it and points Puppet at it, or add a file provisioner (`destination: \"{guest}\"`)")
    } else if inside {
        format!("add a file provisioner (`config.vm.provision \"file\", source: \"{host}\", destination: \"{guest}\"`) so the folder is delivered, or move its files into a module (`puppet:///modules/NAME/FILE`)")
    } else {
        format!("`{host}` is outside the project: copy it into the project and add a file provisioner (`destination: \"{guest}\"`), or fetch it at boot (S3, git)")
    }
}

/// Where the Vagrantfile names the folder's guest path: on a `synced_folder` or
/// `share_folder` line, else anywhere.
fn folder_span(vf: &SourceFile, guest: &str) -> Option<Span> {
    let quoted = |q: char| format!("{q}{guest}{q}");
    let mut at = 0;
    for line in vf.text.split_inclusive('\n') {
        if line.contains("synced_folder") || line.contains("share_folder") {
            for q in ['"', '\''] {
                if let Some(i) = line.find(&quoted(q)) {
                    return Some(Span::new(at + i + 1, at + i + 1 + guest.len()));
                }
            }
        }
        at += line.len();
    }
    ['"', '\'']
        .iter()
        .find_map(|q| vf.text.find(&quoted(*q)))
        .map(|i| Span::new(i + 1, i + 1 + guest.len()))
}

/// The offsets in `text` where path `dir` (or a path under it) appears.
fn mentions(text: &str, dir: &str) -> Vec<usize> {
    let path_char = |c: char| c.is_ascii_alphanumeric() || "_.-".contains(c);
    text.match_indices(dir)
        .filter(|(i, _)| !text[..*i].ends_with(|c: char| path_char(c) || c == '/'))
        .filter(|(i, _)| !text[i + dir.len()..].starts_with(path_char))
        .map(|(i, _)| i)
        .collect()
}

/// Whether a provisioner option (a string, or one inside arrays and hashes) names `dir`.
fn names(v: &Json, dir: &str) -> bool {
    match v {
        Json::String(s) => !mentions(s, dir).is_empty(),
        Json::Array(a) => a.iter().any(|x| names(x, dir)),
        Json::Object(o) => o.values().any(|x| names(x, dir)),
        _ => false,
    }
}

/// Where the provisioning reads `dir`: file and span, in the order the checks scan.
fn readers(p: &Context, dir: &str) -> Vec<(String, Option<Span>)> {
    let mut out: Vec<(String, Option<Span>)> = Vec::new();
    let span = |at: usize| Some(Span::new(at, at + dir.len()));
    for m in &p.manifests {
        // A file the manifests manage there, or an exec's `creates`, writes the
        // folder rather than reads it: that works on EC2 too.
        let written: Vec<Span> = scan::resources(m)
            .iter()
            .flat_map(|r| {
                let title = (r.type_name == "file").then_some(&r.body.title);
                let path = r.attr("path").filter(|_| r.type_name == "file");
                title.into_iter().chain(path).chain(r.attr("creates")).map(|e| e.span)
            })
            .collect();
        let is_written = |at: usize| written.iter().any(|w| w.start as usize <= at && at < w.end as usize);
        for (at, s) in scan::strings(m).filter(|(at, _)| !is_written(*at)) {
            out.extend(
                mentions(s, dir)
                    .into_iter()
                    .map(|i| (m.source.path.clone(), span(at + i))),
            );
        }
    }
    // Templates, data and the other delivered files (scripts, hiera.yaml's
    // datadir, config files a module ships) that name the folder.
    let lines = p
        .templates
        .iter()
        .chain(p.hiera_data.iter())
        .chain(p.other_files.iter());
    for f in lines {
        for (at, line) in scan::code_lines(&f.text) {
            out.extend(mentions(line, dir).into_iter().map(|i| (f.path.clone(), span(at + i))));
        }
    }
    for s in &p.scripts {
        for (at, line) in scan::code_lines(&s.text) {
            for i in mentions(line, dir) {
                let d = p.in_script(
                    CHECK.name,
                    Severity::Error,
                    s,
                    at + i,
                    at + i + dir.len(),
                    String::new(),
                );
                out.push((d.file, d.span));
            }
        }
    }
    // What the puppet provisioner was given (`--hiera_config=/etc/puppet-data/hiera.yaml`,
    // `manifests_path = [:vm, ...]`), not what the plan adds (`/etc/puppet/modules`).
    if let (Some(_), Some(vf)) = (&p.planned, &p.vagrantfile) {
        let given = p
            .project
            .machines()
            .iter()
            .flat_map(|m| m.provisioners.iter())
            .filter(|x| x.kind.starts_with("puppet"))
            .any(|x| x.options.values().any(|v| names(v, dir)));
        if given {
            let at = mentions(&vf.text, dir)
                .into_iter()
                .find(|i| folder_span(vf, dir).is_none_or(|f| f.start as usize != *i));
            out.push((vf.path.clone(), at.and_then(span)));
        }
    }
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn a_path_and_what_is_under_it() {
        assert_eq!(mentions("source => '/srv/data/x.conf'", "/srv/data"), [11]);
        assert_eq!(mentions("cd /srv/data && ls", "/srv/data"), [3]);
        assert!(mentions("/srv/database /opt/srv/data", "/srv/data").is_empty());
    }
}
