//! What a Vagrant box gave the code that an EC2 image lacks, given back at
//! boot: each synced folder's guest path (`/vagrant`, the project, unless the
//! Vagrantfile says otherwise) links to the delivered copy of its project
//! directory, and with `[compat] vagrant_user = true` the `vagrant` user and
//! group exist.

use super::{Delivery, Node, Step};
use crate::settings::Settings;
use crate::vagrant::Machine;
use serde::Serialize;
use serde_json::Value as Json;
use std::path::Path;

/// Where Vagrant mounts the project unless a synced folder takes the path.
pub const VAGRANT_FOLDER: &str = "/vagrant";

/// A synced folder's guest path, linked to the delivered project directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderLink {
    /// The guest path (`/vagrant`).
    pub guest: String,
    /// The project directory synced there, relative to the project (empty: the project).
    pub source: String,
}

/// What of the project the plan delivers to the instances.
pub struct Delivered<'a> {
    /// A git clone delivers the whole checkout.
    whole: bool,
    /// Otherwise the bundle's files, relative to the project (sorted).
    bundle: &'a [String],
    dir: &'a Path,
}

impl<'a> Delivered<'a> {
    /// Everything the project has, as a box saw it through its synced folders.
    pub fn whole_project(dir: &'a Path) -> Delivered<'a> {
        Delivered {
            whole: true,
            bundle: &[],
            dir,
        }
    }

    /// Only the bundle's files: what embedded or S3 delivery brings.
    pub fn bundled(bundle: &'a [String], dir: &'a Path) -> Delivered<'a> {
        Delivered {
            whole: false,
            bundle,
            dir,
        }
    }

    /// What `delivery` brings of the project in `dir`, whose plan bundles `bundle`.
    pub fn new(delivery: &Delivery, bundle: &'a [String], dir: &'a Path) -> Delivered<'a> {
        Delivered {
            whole: matches!(delivery, Delivery::Git { .. }),
            bundle,
            dir,
        }
    }

    /// Whether the project path `rel` (a file, or a directory with delivered
    /// files; empty for the project) reaches the instance.
    pub fn has(&self, rel: &str) -> bool {
        let Some(rel) = relative(rel) else {
            return false;
        };
        if rel.is_empty() {
            return self.whole || !self.bundle.is_empty();
        }
        if self.whole {
            return self.dir.join(&rel).exists();
        }
        let under = format!("{rel}/");
        self.bundle.iter().any(|b| *b == rel || b.starts_with(&under))
    }

    /// A host path as the project path it names: relative, or absolute
    /// inside the project (`File.join(Dir.pwd, "www")`).
    pub fn project_path(&self, host: &str) -> Option<String> {
        let inside = std::path::absolute(self.dir).ok().and_then(|d| {
            Path::new(host)
                .strip_prefix(d)
                .ok()
                .map(|r| r.to_string_lossy().into_owned())
        });
        relative(inside.as_deref().unwrap_or(host))
    }

    /// Whether the project has the path `rel` at all (what a Vagrant box saw in its synced folder).
    pub fn in_project(&self, rel: &str) -> bool {
        relative(rel).is_some_and(|r| self.dir.join(r).exists())
    }
}

/// A project-relative path without `./` or a trailing `/`; `None` when it
/// leaves the project (absolute, `~`, `..`).
fn relative(p: &str) -> Option<String> {
    if p.starts_with('/') || p.starts_with('~') || p.contains('\\') {
        return None;
    }
    let parts: Vec<&str> = p.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    if parts.contains(&"..") {
        return None;
    }
    Some(parts.join("/"))
}

/// The synced folders of `m` that the plan delivers, as links: Vagrant's
/// `/vagrant` (the project) unless the Vagrantfile disables or remaps it, and
/// every other folder whose project directory is delivered.
pub fn folder_links(m: &Machine, delivered: &Delivered) -> Vec<FolderLink> {
    let mut links: Vec<FolderLink> = Vec::new();
    // Vagrant adds `.` -> `/vagrant` unless some folder (even a disabled one)
    // shares `.` itself or takes `/vagrant` (kernel_v2 config `finalize!`).
    let default = !m
        .synced_folders
        .iter()
        .any(|f| f.host.as_str() == Some(".") || f.guest.as_deref() == Some(VAGRANT_FOLDER));
    for f in &m.synced_folders {
        let Some(guest) = f.guest.as_deref().map(|g| g.trim_end_matches('/')) else {
            continue;
        };
        if !guest.starts_with('/') || guest.len() < 2 {
            continue;
        }
        let source = match &f.host {
            Json::String(h) => delivered.project_path(h),
            _ => None,
        };
        let Some(source) = source.filter(|s| !f.disabled && delivered.has(s)) else {
            continue;
        };
        if !links.iter().any(|l| l.guest == guest) {
            links.push(FolderLink {
                guest: guest.to_string(),
                source,
            });
        }
    }
    if default && delivered.has("") {
        links.insert(
            0,
            FolderLink {
                guest: VAGRANT_FOLDER.into(),
                source: String::new(),
            },
        );
    }
    links
}

/// The project path that the absolute `path` on the instance reads through
/// `links` (the longest guest path it is under), if any.
pub fn through_link(links: &[FolderLink], path: &str) -> Option<String> {
    links
        .iter()
        .filter_map(|l| {
            let rest = path.strip_prefix(l.guest.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then_some((l, rest.trim_start_matches('/')))
        })
        .max_by_key(|(l, _)| l.guest.len())
        .map(|(l, rest)| match (l.source.is_empty(), rest.is_empty()) {
            (true, _) => rest.to_string(),
            (false, true) => l.source.clone(),
            (false, false) => format!("{}/{rest}", l.source),
        })
}

/// The folder links of every node of a plan.
pub fn links_of(nodes: &[Node]) -> Vec<FolderLink> {
    let mut out: Vec<FolderLink> = Vec::new();
    for n in nodes {
        for s in &n.steps {
            if let Step::LinkSyncedFolders { links, .. } = s {
                out.extend(links.iter().filter(|l| !out.contains(l)).cloned().collect::<Vec<_>>());
            }
        }
    }
    out
}

/// Project paths the text reads through the synced folder `guest` (a path
/// under it, or the folder itself), given as paths under the folder's project
/// directory `source` and trimmed to the longest part the project has (a
/// file, or the directory a glob or a computed name starts in): on a box the
/// whole folder was there.
pub fn folder_references(text: &str, link: &FolderLink, dir: &Path) -> Vec<String> {
    const ENDS: &str = "'\"`;,)(}{[]<>|&$*?";
    let mut out = Vec::new();
    for (at, _) in text.match_indices(link.guest.as_str()) {
        // The guest path on its own, not inside a longer name (`/opt/vagrant/`).
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')) {
            continue;
        }
        let rest = &text[at + link.guest.len()..];
        let rest = match rest.chars().next() {
            Some('/') => &rest[1..],
            None => "",
            Some(c) if c.is_whitespace() || ENDS.contains(c) => "",
            Some(_) => continue, // `/vagrantfiles`
        };
        let end = rest
            .find(|c: char| c.is_whitespace() || ENDS.contains(c))
            .unwrap_or(rest.len());
        let mut rel = rest[..end].trim_end_matches(['/', '.', ':']).to_string();
        if matches!(rel.split('/').next(), Some(".vagrant" | ".git")) {
            continue;
        }
        let join = |r: &str| match (link.source.is_empty(), r.is_empty()) {
            (true, _) => r.to_string(),
            (false, true) => link.source.clone(),
            (false, false) => format!("{}/{r}", link.source),
        };
        while !rel.is_empty() && !dir.join(join(&rel)).exists() {
            rel = rel.rfind('/').map(|i| rel[..i].to_string()).unwrap_or_default();
        }
        // The whole project (`/vagrant` itself) is not followed: only what is named in it.
        let path = join(&rel);
        if relative(&path).is_some_and(|r| !r.is_empty()) && dir.join(&path).exists() {
            out.push(path);
        }
    }
    out
}

/// Add the compatibility steps to the Vagrant machines' nodes: the `vagrant`
/// user first (a box has it from the start), the folder links right after the
/// code arrives (Vagrant mounts them before it provisions).
pub(super) fn add_steps(nodes: &mut [Node], machines: &[Machine], settings: &Settings, delivered: &Delivered) {
    let user = settings.compat.vagrant_user.unwrap_or(false);
    for node in nodes.iter_mut() {
        let Some(m) = machines.iter().find(|m| m.name == node.name) else {
            continue; // a puppetmaster node the plan adds
        };
        if let Some(i) = node.steps.iter().position(|s| matches!(s, Step::FetchCode)) {
            let links = folder_links(m, delivered);
            if !links.is_empty() {
                let owner = user.then(|| "vagrant".to_string());
                node.steps.insert(i + 1, Step::LinkSyncedFolders { links, owner });
            }
        }
        if user {
            let at = usize::from(matches!(node.steps.first(), Some(Step::SetHostname { .. })));
            node.steps.insert(at, Step::AddVagrantUser);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guest_path_reads_the_project_path_under_its_link() {
        let links = [
            FolderLink {
                guest: "/vagrant".into(),
                source: String::new(),
            },
            FolderLink {
                guest: "/vagrant/shared".into(),
                source: "data".into(),
            },
        ];
        assert_eq!(
            through_link(&links, "/vagrant/files/a.conf").as_deref(),
            Some("files/a.conf")
        );
        assert_eq!(through_link(&links, "/vagrant").as_deref(), Some(""));
        assert_eq!(through_link(&links, "/vagrant/shared/x").as_deref(), Some("data/x"));
        assert_eq!(through_link(&links, "/vagrant/shared").as_deref(), Some("data"));
        assert_eq!(through_link(&links, "/vagrantx/a"), None);
    }

    const EMBED: Delivery = Delivery::Embed { path: String::new() };

    fn machine(folders: &[(&str, &str, bool)]) -> Machine {
        let synced_folders = folders
            .iter()
            .map(|(host, guest, disabled)| crate::vagrant::model::SyncedFolder {
                host: Json::from(*host),
                guest: Some(guest.to_string()),
                disabled: *disabled,
                options: Default::default(),
            })
            .collect();
        Machine {
            synced_folders,
            ..Default::default()
        }
    }

    #[test]
    fn vagrant_mounts_the_project_at_vagrant_unless_a_folder_shares_it() {
        let bundle = [
            "manifests/default.pp".to_string(),
            "site/a/manifests/init.pp".to_string(),
        ];
        let d = Delivered::new(&EMBED, &bundle, Path::new("."));
        let guests = |folders: &[(&str, &str, bool)]| -> Vec<String> {
            folder_links(&machine(folders), &d)
                .into_iter()
                .map(|l| l.guest)
                .collect()
        };
        assert_eq!(guests(&[]), ["/vagrant"]);
        assert_eq!(
            guests(&[("site", "/srv/site", false), ("data", "/srv/data", false)]),
            ["/vagrant", "/srv/site"]
        );
        // `./` is not `.`: Vagrant still adds /vagrant.
        assert_eq!(guests(&[("./", "/var/www", false)]), ["/vagrant", "/var/www"]);
        assert_eq!(guests(&[(".", "/srv/app", false)]), ["/srv/app"]);
        assert!(guests(&[(".", "/vagrant", true)]).is_empty());
        assert!(guests(&[("../app", "/vagrant", false)]).is_empty());
    }

    #[test]
    fn delivered_means_bundled_or_under_a_bundled_directory() {
        let bundle = [
            "manifests/default.pp".to_string(),
            "modules/app/files/a.conf".to_string(),
        ];
        let d = Delivered::new(&EMBED, &bundle, Path::new("."));
        assert!(d.has(""));
        assert!(d.has("./modules/app/"));
        assert!(d.has("modules/app/files/a.conf"));
        assert!(!d.has("modules/ap"));
        assert!(!d.has("files/a.conf"));
        assert!(!d.has("../modules"));
    }

    #[test]
    fn folder_paths_in_code_are_trimmed_to_what_the_project_has() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pitfalls");
        let vagrant = FolderLink {
            guest: VAGRANT_FOLDER.into(),
            source: String::new(),
        };
        let text = "source /vagrant/lib/env.sh; cat /vagrant/manifests/*.pp\n\
                    /opt/vagrant/bin/x /vagrant/.vagrant/machines /vagrant/nothing-here /vagrantfile";
        assert_eq!(folder_references(text, &vagrant, &dir), ["lib", "manifests"]);
        let modules = FolderLink {
            guest: "/srv/puppet".into(),
            source: "modules".into(),
        };
        assert_eq!(
            folder_references("dir => '/srv/puppet', x => '/srv/puppet/app/files/a'", &modules, &dir),
            ["modules", "modules/app"]
        );
    }
}
