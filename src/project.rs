//! One project, loaded once per command: its directory, the Vagrantfile as
//! Vagrant would see it (evaluated safely), and `puppetlift.toml`. The plan,
//! the checks, `build`, `convert` and `init` all start from a `&Project`;
//! nothing below the command line reads the settings or evaluates the
//! Vagrantfile again.

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::files::Root;
use crate::settings::Settings;
use crate::vagrant::{self, Evaluation, Machine};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to load a project: what the Vagrantfile's evaluation may use, and
/// which places outside the project it and the plan may read.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--env`, `--plugin` and the evaluator's limits.
    pub vagrant: vagrant::Options,
    /// `--allow-outside PATH`: places outside the project that may be read
    /// (a monorepo's shared modules).
    pub allow_outside: Vec<PathBuf>,
    /// `--vagrantfile NAME` (else `VAGRANT_VAGRANTFILE`, else `Vagrantfile`
    /// or `vagrantfile`, as Vagrant looks).
    pub vagrantfile: Option<String>,
    /// `--root DIR`: where the project's files may be read from, when the
    /// Vagrantfile reads beside it (`../puppet`); default the nearest
    /// enclosing git work tree, else the Vagrantfile's directory.
    pub root: Option<PathBuf>,
}

/// A loaded project.
#[derive(Debug)]
pub struct Project {
    /// The project directory (as given on the command line).
    pub dir: PathBuf,
    /// Its boundary: every file read for the project resolves inside it.
    pub root: Root,
    /// The Vagrantfile (`DIR/Vagrantfile`, or the file given as the project).
    pub vagrantfile_path: PathBuf,
    /// Whether the directory has a Vagrantfile. Without one it is plain Puppet
    /// code, which `check` still reads; the other commands report the missing file.
    pub has_vagrantfile: bool,
    /// What evaluating the Vagrantfile gave: the machines as Vagrant reports
    /// them, the evaluator's diagnostics and the Ruby sources it read.
    pub evaluation: Evaluation,
    /// The machines as the plan and the checks read them: host paths inside
    /// the project made relative to it (see [`Project::machines`]).
    machines: Vec<Machine>,
    /// `puppetlift.toml`, or the defaults when it is absent or invalid.
    pub settings: Settings,
    /// `puppetlift.toml`'s text, for diagnostics that point into it.
    pub settings_file: Option<Arc<SourceFile>>,
    /// Why `puppetlift.toml` could not be used (then `settings` are the defaults).
    pub settings_error: Option<Diagnostic>,
}

impl Project {
    /// Load the project in `dir`: evaluate its Vagrantfile (when there is one)
    /// with `opts`, and read `puppetlift.toml`, both through the project's boundary.
    pub fn load(dir: &Path, opts: Options) -> Project {
        let vagrantfile_path = find_vagrantfile(dir, opts.vagrantfile.as_deref());
        // A Vagrantfile named on the command line: its directory is the project.
        let dir = match dir.is_file() {
            true => dir
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
            false => dir,
        };
        // The Vagrantfile may read beside it, within the work tree (`--root`).
        let top = opts
            .root
            .clone()
            .or_else(|| git_work_tree(dir))
            .unwrap_or_else(|| dir.to_path_buf());
        let mut allowed = opts.allow_outside.clone();
        allowed.push(top);
        let root = Root::new(dir, &allowed);
        let has_vagrantfile = vagrantfile_path.is_file();
        let evaluation = if has_vagrantfile || vagrantfile_path.exists() {
            // A Vagrantfile that is not a plain file gets the reader's own words.
            vagrant::evaluate(&vagrantfile_path, &root, opts.vagrant)
        } else {
            vagrant::Evaluation {
                diagnostics: vec![Diagnostic::error(
                    "no-vagrantfile",
                    &vagrantfile_path.display().to_string(),
                    None,
                    format!("no Vagrantfile in {}", dir.display()),
                )
                .with_help("Vagrant reads `Vagrantfile` (or `vagrantfile`) in the project directory, or the file VAGRANT_VAGRANTFILE names; give the directory that holds it")],
                ..Default::default()
            }
        };
        let mut machines = evaluation.model.machines.clone();
        relative_host_paths(&mut machines, dir);
        let (settings, settings_file, settings_error) = Settings::read(&root);
        Project {
            dir: dir.to_path_buf(),
            root,
            vagrantfile_path,
            has_vagrantfile,
            evaluation,
            machines,
            settings,
            settings_file,
            settings_error,
        }
    }

    /// The machines Vagrant would see, in Vagrant's order, with the host
    /// paths the Vagrantfile built from its own location (`__dir__`) made
    /// relative to the project, as the plan delivers them.
    pub fn machines(&self) -> &[Machine] {
        &self.machines
    }

    /// The Vagrantfile's source (for diagnostics that point into it).
    pub fn vagrantfile(&self) -> Option<&Arc<SourceFile>> {
        self.has_vagrantfile.then(|| self.evaluation.sources.first()).flatten()
    }

    /// The Vagrantfile's path as diagnostics name it.
    pub fn vagrantfile_name(&self) -> String {
        self.vagrantfile_path.display().to_string()
    }

    /// The source a diagnostic from loading points into (the Vagrantfile, a
    /// file it read, or `puppetlift.toml`).
    pub fn source(&self, path: &str) -> Option<&Arc<SourceFile>> {
        (self.evaluation.sources.iter())
            .chain(self.settings_file.iter())
            .find(|s| s.path == path)
    }
}

/// A remote of the project's own git checkout, for `init` to propose `git` delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitRemote {
    /// The remote's name (`origin` when there is one).
    pub name: String,
    /// Its URL, without credentials.
    pub url: String,
    /// The checked-out branch, when `HEAD` names one.
    pub branch: Option<String>,
}

impl Project {
    /// The remote of the git checkout the project directory itself is (its
    /// `.git/config`, read as a file through the project's boundary: git is
    /// never run, nothing above the project is read): `origin`, else the first.
    pub fn git_remote(&self) -> Option<GitRemote> {
        let git = self.dir.join(".git");
        let config = self.root.read_text(&git.join("config")).ok()?;
        let (name, url) = remotes(&config).into_iter().min_by_key(|(name, _)| name != "origin")?;
        let branch = self
            .root
            .read_text(&git.join("HEAD"))
            .ok()
            .and_then(|h| h.trim().strip_prefix("ref: refs/heads/").map(str::to_string));
        Some(GitRemote {
            name,
            url: without_credentials(&url),
            branch,
        })
    }
}

/// `[remote "NAME"] url = URL` pairs of a git config file, in order.
fn remotes(config: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            current = line
                .strip_prefix("[remote \"")
                .and_then(|r| r.strip_suffix("\"]"))
                .map(str::to_string);
        } else if let (Some(name), Some((key, value))) = (&current, line.split_once('=')) {
            if key.trim() == "url" && !value.trim().is_empty() {
                out.push((name.clone(), value.trim().trim_matches('"').to_string()));
            }
        }
    }
    out
}

/// An http(s) URL without `user:password@`, which must not reach a settings file.
fn without_credentials(url: &str) -> String {
    for scheme in ["https://", "http://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            let host_end = rest.find('/').unwrap_or(rest.len());
            if let Some(at) = rest[..host_end].rfind('@') {
                return format!("{scheme}{}", &rest[at + 1..]);
            }
        }
    }
    url.to_string()
}

/// The Vagrantfile of `dir` as Vagrant finds it: `name` (`--vagrantfile`),
/// else `VAGRANT_VAGRANTFILE`, else `Vagrantfile`, then `vagrantfile`.
fn find_vagrantfile(dir: &Path, name: Option<&str>) -> PathBuf {
    if dir.is_file() {
        return dir.to_path_buf();
    }
    let named = name
        .map(str::to_string)
        .or_else(|| std::env::var("VAGRANT_VAGRANTFILE").ok())
        .filter(|n| !n.is_empty());
    match named {
        Some(n) => dir.join(n),
        None => ["Vagrantfile", "vagrantfile"]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
            .unwrap_or_else(|| vagrant::vagrantfile_path(dir)),
    }
}

/// The nearest directory at or above `dir` with a `.git` (a work tree).
fn git_work_tree(dir: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(dir).ok()?;
    abs.ancestors().find(|a| a.join(".git").exists()).map(Path::to_path_buf)
}

/// The provisioner options that name paths on the host.
const HOST_PATH_OPTIONS: [&str; 8] = [
    "manifests_path",
    "module_path",
    "hiera_config_path",
    "environment_path",
    "path",
    "source",
    "client_cert_path",
    "client_private_key_path",
];

/// Host paths the Vagrantfile built from its own location
/// (`File.expand_path("puppet", __dir__)`) are the project's paths: made
/// relative to it, as the plan reads and delivers project paths.
fn relative_host_paths(machines: &mut [Machine], dir: &Path) {
    let mut roots: Vec<PathBuf> = Vec::new();
    roots.extend(std::path::absolute(dir).ok());
    roots.extend(std::fs::canonicalize(dir).ok());
    fn rewrite(v: &mut serde_json::Value, roots: &[PathBuf]) {
        match v {
            serde_json::Value::String(s) if s.starts_with('/') => {
                let p = Path::new(s.as_str());
                if let Some(rel) = roots.iter().find_map(|r| p.strip_prefix(r).ok()) {
                    let rel = rel.display().to_string();
                    *s = if rel.is_empty() { ".".into() } else { rel };
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|i| rewrite(i, roots)),
            _ => {}
        }
    }
    for m in machines {
        for p in &mut m.provisioners {
            for key in HOST_PATH_OPTIONS {
                if let Some(v) = p.options.get_mut(key) {
                    rewrite(v, &roots);
                }
            }
        }
        for f in &mut m.synced_folders {
            rewrite(&mut f.host, &roots);
        }
    }
}
