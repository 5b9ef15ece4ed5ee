//! ## What it does
//! Finds the paths only a Vagrant box has that still break on EC2, in
//! manifests' strings (interpolated ones too), templates under
//! `modules/*/templates`, hiera data, shell provisioners, delivered shell
//! scripts (`*.sh`) and the puppet provisioner's options and working directory:
//! - `/vagrant/...` where the file is not delivered. The boot script links
//!   `/vagrant` (and every synced folder whose project directory is delivered)
//!   to the delivered code, as Vagrant mounts it, and the code holds what the
//!   provisioners name (manifests, modules, hiera data, scripts) plus every
//!   project path that delivered code or an inline script reads as
//!   `/vagrant/...` (with `[delivery] mode = "git"`, the whole repository); so
//!   what is left is a path the plan cannot see (built at run time, read
//!   from a folder that is not linked). Paths the provisioning
//!   creates itself (a `file` or `vcsrepo` it manages, an exec's `creates`, a
//!   `git clone`, `mkdir`, `cp` or `puppet module install` destination) are
//!   fine, and so, mostly, are files the project does not have at all (the box
//!   did not get them from the synced folder either) — but not one that is
//!   run or read where it is written (a shell command's program, `bash X`,
//!   `. X`; a file a puppet option names, not a `--modulepath` directory):
//!   nothing made it, so the box found it in the developer's copy (a file git
//!   ignores, a sample nobody copied), and the instance will not.
//! - `/tmp/vagrant-puppet` (where Vagrant uploads manifests and modules).
//! - `/home/vagrant` and `~vagrant`, unless `[compat] vagrant_user = true`
//!   or the project creates the user (but `~vagrant/.ssh`, Vagrant's key,
//!   which the compat user does not get).
//!
//! A module's `spec/`, `tests/` and `examples/` never run on the instance and
//! are not read.
//!
//! ## Why is this bad on EC2?
//! No EC2 image has these paths. A `file` whose `source` is a file under
//! `/vagrant` that was not delivered fails, an `exec` that runs a script from
//! Vagrant's upload folder fails, and the image's login user is `ubuntu`,
//! `admin`, `ec2-user` or `rocky`, never `vagrant`, so its home does not exist.
//!
//! ## Example
//! ```puppet
//! file { '/etc/nginx/nginx.conf':
//!   source => '/vagrant/files/nginx.conf',   # files/ is not named by any provisioner
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
//!   command => '/bin/sh /vagrant/manifests/seed.sh',   # delivered with the manifests
//! }
//! ```
//!
//! ## References
//! Vagrant, "Synced Folders: Basic Usage" (the default `/vagrant` share);
//! Vagrant, "Puppet Apply Provisioner" (`temp_dir`, default `/tmp/vagrant-puppet`);
//! puppetlift README, `[delivery]` and `[compat]`.

use super::context::{Context, Script};
use super::paths::{self, path_at, static_part};
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::plan::compat::{self, Delivered, FolderLink, VAGRANT_FOLDER};

/// The check.
pub const CHECK: Check = Check {
    name: "vagrant-path",
    source: include_str!("vagrant_path.rs"),
    stops_build: false,
    run,
};

/// Which Vagrant-only path.
#[derive(Clone, Copy)]
enum Which {
    SyncedFolder,
    Staging,
    Home,
}

/// What the instance gives the code in place of the box.
struct Instance<'a> {
    /// The synced folders' guest paths the boot script links to the delivered code.
    links: Vec<FolderLink>,
    delivered: Option<Delivered<'a>>,
    /// What the provisioning creates itself.
    created: Vec<String>,
    /// `[compat] vagrant_user`, or the project makes the user itself.
    vagrant_user: bool,
}

/// Why a Vagrant-only path breaks on EC2.
enum Broken {
    /// `/vagrant` is not linked: the Vagrantfile disables it, or nothing is delivered.
    Unlinked,
    /// `/vagrant` is linked, but not to this project path.
    NotDelivered {
        path: String,
        rel: String,
    },
    /// Run or read at once, yet in no project file and made by nothing: it was
    /// in the developer's copy only (ignored by git, or never committed).
    Absent {
        path: String,
        rel: String,
    },
    Staging,
    /// `/home/vagrant` or `~vagrant`, as written.
    Home(&'static str),
    /// `~vagrant/.ssh`: Vagrant's key, which the compat user does not get.
    VagrantKey,
}

impl Instance<'_> {
    /// Why `path` (a path of kind `which`, as written) breaks, or `None` when
    /// it works. `at_once`: it is run or read where it is written (a command's
    /// program, a Puppet option), so nothing later can have made it.
    fn breaks(&self, which: Which, path: &str, at_once: bool) -> Option<Broken> {
        let home = path.strip_prefix("~vagrant").map(|rest| format!("/home/vagrant{rest}"));
        let fixed = static_part(home.as_deref().unwrap_or(path));
        // What the provisioning creates is there; under the box's home only
        // once the home itself is made (`>> /home/vagrant/.profile` is not).
        let created = match which {
            Which::Home => paths::under_any(fixed, &self.created) && self.created.iter().any(|c| c == "/home/vagrant"),
            _ => paths::under_any(fixed, &self.created),
        };
        if created {
            return None;
        }
        match which {
            Which::Staging => Some(Broken::Staging),
            Which::Home if self.vagrant_user && paths::under_any(fixed, &["/home/vagrant/.ssh".into()]) => {
                Some(Broken::VagrantKey)
            }
            Which::Home if self.vagrant_user => None,
            Which::Home if home.is_some() => Some(Broken::Home("~vagrant")),
            Which::Home => Some(Broken::Home("/home/vagrant")),
            Which::SyncedFolder => {
                let linked = self.links.iter().any(|l| l.guest == VAGRANT_FOLDER);
                let rel = compat::through_link(&self.links, fixed).filter(|_| linked);
                match (rel, &self.delivered) {
                    (Some(rel), Some(d)) if d.has(&rel) => None,
                    (Some(rel), Some(d)) if !d.in_project(&rel) && at_once => Some(Broken::Absent {
                        path: path.to_string(),
                        rel,
                    }),
                    // Not in the project: the box did not have it from the synced
                    // folder either (something made it there, as it can on EC2).
                    (Some(rel), Some(d)) if !d.in_project(&rel) => None,
                    (Some(rel), _) => Some(Broken::NotDelivered {
                        path: path.to_string(),
                        rel,
                    }),
                    (None, _) => Some(Broken::Unlinked),
                }
            }
        }
    }
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let planned = p.planned;
    let cx = Instance {
        links: planned.map(|pl| compat::links_of(&pl.plan.nodes)).unwrap_or_default(),
        delivered: planned.map(|pl| Delivered::new(&pl.plan.delivery, &pl.plan.bundle, p.dir)),
        created: paths::created(p),
        vagrant_user: p.project.settings.compat.vagrant_user.unwrap_or(false)
            || super::vagrant_user::creates_the_user(p),
    };
    let explain = |broken: Broken| -> (String, String) {
        let images = scan::image_names(&p.targets.iter().collect::<Vec<_>>());
        let code = p.code_path();
        match broken {
            Broken::Unlinked => (
                format!("`/vagrant` is Vagrant's synced folder; {images} on EC2 has no such path"),
                format!("puppetlift delivers the project to `{code}` (puppetlift.toml `delivery.path`) and links `/vagrant` there unless the Vagrantfile disables that folder: use the delivered path, or `puppet:///modules/MODULE/FILE` for a file's source"),
            ),
            Broken::NotDelivered { path, rel } => (
                format!("`{path}` is not delivered: on EC2 `/vagrant` links to the delivered code (`{code}`), which holds what the provisioners name, not `{rel}`"),
                "name it in a provisioner (`module_path`, `hiera_config_path`, a file provisioner), move it into a module (`puppet:///modules/MODULE/FILE`), or deliver the whole repository (`[delivery] mode = \"git\"`)".to_string(),
            ),
            Broken::Absent { path, rel } => (
                format!("`{path}` is run or read here, but the project has no `{rel}` and nothing before creates it: Vagrant found it in the developer's copy (a file git ignores or nobody committed); the instance gets only the project"),
                "add the file to the project (a sample to copy is not enough), or create it in an earlier provisioner".to_string(),
            ),
            Broken::Staging => (
                format!("`/tmp/vagrant-puppet` is where Vagrant uploads manifests and modules; {images} on EC2 has no such path"),
                format!("puppetlift delivers the project to `{code}` (puppetlift.toml `delivery.path`): use that path"),
            ),
            Broken::VagrantKey => (
                "`/home/vagrant/.ssh` held the key Vagrant logs in with; the `vagrant` user of `[compat] vagrant_user` has no SSH key".to_string(),
                "give the instance its key pair (`key_pair` in puppetlift.toml), or manage the user's `authorized_keys` in the manifests".to_string(),
            ),
            Broken::Home(written) => {
                let users: Vec<String> = p.targets.iter().map(|t| format!("`{}` on {}", t.image.login_user, t.image.os)).collect();
                (
                    format!("`{written}` is the Vagrant box's home directory; {images} on EC2 has no `vagrant` user"),
                    format!("set `[compat] vagrant_user = true` in puppetlift.toml to create the `vagrant` user as boxes have it; or use the login user's home ({}) or a user the manifests declare", users.join(", ")),
                )
            }
        }
    };
    // The findings in `text` that still break; `at_once(text, offset)`: the
    // path there is run or read at once.
    let found_where = |text: &str, at_once: &dyn Fn(&str, usize) -> bool| -> Vec<(usize, usize, Broken)> {
        find(text)
            .into_iter()
            .filter_map(|(a, b, which)| Some((a, b, cx.breaks(which, path_at(text, a), at_once(text, a))?)))
            .collect()
    };
    let found = |text: &str| found_where(text, &|_, _| false);
    let diag = |src: &crate::SourceFile, start: usize, end: usize, broken: Broken| {
        let (msg, help) = explain(broken);
        p.at(CHECK.name, Severity::Error, src, start, end, msg).with_help(help)
    };
    // A module's tests and examples never run on the instance.
    let applied = |path: &str| !paths::in_module_tests(p.dir, std::path::Path::new(path));
    for m in p.manifests.iter().filter(|m| applied(&m.source.path)) {
        for (at, s) in scan::strings(m) {
            for (a, b, broken) in found(s) {
                out.push(diag(&m.source, at + a, at + b, broken));
            }
        }
    }
    for t in &p.templates {
        for (a, b, broken) in found(&t.text) {
            out.push(diag(t, a, b, broken));
        }
    }
    // Hiera data, and delivered shell scripts (`files/bootstrap.sh`) run from an exec.
    let lines = p
        .hiera_data
        .iter()
        .chain(p.other_files.iter().filter(|f| f.path.ends_with(".sh")));
    for t in lines {
        for (at, line) in scan::code_lines(&t.text) {
            for (a, b, broken) in found(line) {
                out.push(diag(t, at + a, at + b, broken));
            }
        }
    }
    let in_scripts = |text: &str| found_where(text, &|line, at| is_program(line, at));
    for s in &p.scripts {
        out.extend(in_script(p, s, &in_scripts, &explain));
    }
    // Puppet reads the files its options name before it applies anything
    // (a search path's missing directory it skips).
    let in_options = |text: &str| found_where(text, &|t, at| !in_search_path(t, at));
    out.extend(in_puppet_options(p, &in_options, &explain));
    out
}

/// Whether the path at byte `at` of a puppet command is in a search path
/// (`--modulepath=/vagrant/modules:...`, `--environmentpath DIR`, `--libdir`,
/// `--templatedir`), where Puppet skips a directory that is not there.
fn in_search_path(command: &str, at: usize) -> bool {
    let mut words = command[..at].split_whitespace().rev();
    let word = match command[..at].ends_with(char::is_whitespace) {
        true => "",
        false => words.next().unwrap_or_default(),
    };
    let option = match word.split_once('=') {
        Some((o, _)) => o,
        None => words.next().unwrap_or_default(),
    };
    ["modulepath", "environmentpath", "templatedir", "libdir"]
        .iter()
        .any(|o| option.ends_with(o))
}

/// Whether the word at byte `at` of a shell line is the program its command
/// runs (`/vagrant/x.sh`, `sudo /vagrant/x`, `bash /vagrant/x.sh`, `. /vagrant/env`).
fn is_program(line: &str, at: usize) -> bool {
    let before = &line[..at];
    let command = before
        .rfind([';', '&', '|', '(', '`'])
        .map_or(before, |i| &before[i + 1..]);
    command.split_whitespace().all(|w| {
        matches!(
            w,
            "sudo" | "env" | "exec" | "bash" | "sh" | "source" | "." | "then" | "do" | "else"
        ) || (w.contains('=') && !w.starts_with('-'))
    })
}

type Found<'a> = dyn Fn(&str) -> Vec<(usize, usize, Broken)> + 'a;
type Explain<'a> = dyn Fn(Broken) -> (String, String) + 'a;

fn in_script(p: &Context, s: &Script, found: &Found, explain: &Explain) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (at, line) in scan::code_lines(&s.text) {
        for (a, b, broken) in found(line) {
            let (msg, help) = explain(broken);
            out.push(
                p.in_script(CHECK.name, Severity::Error, s, at + a, at + b, msg)
                    .with_help(help),
            );
        }
    }
    out
}

/// The puppet provisioner's options and facts (`--fileserverconfig=/vagrant/...`).
fn in_puppet_options(p: &Context, found: &Found, explain: &Explain) -> Vec<Diagnostic> {
    let Some(vf) = &p.vagrantfile else {
        return vec![];
    };
    let mut out = Vec::new();
    let runs = p
        .puppet_runs()
        .flat_map(|(command, env)| std::iter::once(command).chain(env.iter().map(|(_, v)| v.as_str())));
    for text in runs.chain(p.puppet_working_directories()) {
        for (a, b, broken) in found(text) {
            // The whole word (`--fileserverconfig=/vagrant/x.conf`) finds the
            // option in the Vagrantfile rather than a synced folder's "/vagrant".
            let ws = text[..a].rfind(char::is_whitespace).map_or(0, |i| i + 1);
            let we = text[b..].find(char::is_whitespace).map_or(text.len(), |i| b + i);
            let word = text[ws..we].trim_matches(|c| c == '\'' || c == '"');
            let span = vf.text.find(word).map(|w| {
                let s = w + word.find(&text[a..b]).unwrap_or(0);
                Span::new(s, s + (b - a))
            });
            let (msg, help) = explain(broken);
            let mut d = Diagnostic::error(CHECK.name, &vf.path, span, msg).with_help(help);
            d.severity = Severity::Error;
            out.push(d);
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
    // `~vagrant`, the shell's name for the vagrant user's home.
    for (i, _) in text.match_indices("~vagrant") {
        if ends_path(i + 8) && !text[..i].ends_with(|c: char| path_char(c) || c == '/') {
            out.push((i, i + 8, Which::Home));
        }
    }
    out.sort_by_key(|(a, _, _)| *a);
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
        assert_eq!(found("cp a ~vagrant/.bashrc; ls ~vagrant"), ["~vagrant", "~vagrant"]);
        assert!(found("~vagrantx /x~vagrant").is_empty());
    }

    #[test]
    fn the_whole_path_and_its_fixed_part() {
        use super::super::paths::{path_at, static_part};
        assert_eq!(path_at("'/vagrant/files/a.conf',", 1), "/vagrant/files/a.conf");
        assert_eq!(path_at("cd /vagrant/ && make", 3), "/vagrant");
        assert_eq!(path_at("\"/vagrant/${dir}/x.sh\"", 1), "/vagrant/${dir}/x.sh");
        assert_eq!(static_part("/vagrant/files/${name}.conf"), "/vagrant/files");
        assert_eq!(static_part("/vagrant/*.sh"), "/vagrant");
    }
}
