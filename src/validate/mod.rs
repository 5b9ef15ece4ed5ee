//! `puppetlift validate`: the checks a Puppet repository's pre-commit hooks
//! and CI run, in one process, each agreeing with the tool it replaces:
//! manifests as `puppet parser validate` (the grammar and Puppet's validation
//! pass), `metadata.json` as metadata-json-lint, Hiera data and `hiera.yaml`
//! as the puppet-syntax gem, `environment.conf` as Puppet reads it.
//!
//! [`run`] finds the files under the given paths, validates each with its
//! validator in parallel, and returns every finding per file.

pub mod environment_conf;
pub mod erb;
pub mod hiera;
pub mod metadata;
pub mod puppetfile;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::files;
use crate::puppet::ast::Expr;
use crate::puppet::{checker, Manifest};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One validator: which files it claims and which tool it replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Validator {
    /// `*.pp`: `puppet parser validate`; Bolt plans (`plans/`) with `--tasks`.
    Manifests,
    /// `*.epp` templates: `puppet epp validate`.
    Epp,
    /// `*.erb` templates: `erb -P -x -T - | ruby -c`.
    Erb,
    /// `Puppetfile`: `r10k puppetfile check`.
    Puppetfile,
    /// `metadata.json`: metadata-json-lint.
    Metadata,
    /// Hiera data (YAML under `data/` or `hieradata/`) and `hiera.yaml`: puppet-syntax.
    Hiera,
    /// `environment.conf`: what Puppet reads from an environment directory.
    EnvironmentConf,
}

impl Validator {
    /// Every validator, in the order results are reported.
    pub const ALL: [Validator; 7] = [
        Validator::Manifests,
        Validator::Epp,
        Validator::Erb,
        Validator::Puppetfile,
        Validator::Metadata,
        Validator::Hiera,
        Validator::EnvironmentConf,
    ];

    /// The name on the command line (`--only`, `--skip`) and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Validator::Manifests => "manifests",
            Validator::Epp => "epp",
            Validator::Erb => "erb",
            Validator::Puppetfile => "puppetfile",
            Validator::Metadata => "metadata",
            Validator::Hiera => "hiera",
            Validator::EnvironmentConf => "environment-conf",
        }
    }

    /// The validator called `name`.
    pub fn from_name(name: &str) -> Option<Validator> {
        Validator::ALL.into_iter().find(|v| v.name() == name)
    }

    /// The tool whose verdicts it reproduces.
    pub fn replaces(self) -> &'static str {
        match self {
            Validator::Manifests => "puppet parser validate (Puppet 7.23)",
            Validator::Epp => "puppet epp validate (Puppet 7.23)",
            Validator::Erb => "erb -P -x -T - | ruby -c (Ruby 3.1)",
            Validator::Puppetfile => "r10k puppetfile check (r10k 3.15.4)",
            Validator::Metadata => "metadata-json-lint 3.0.0",
            Validator::Hiera => "puppet-syntax 3.2.1 (Hiera data), Hiera 5's hiera.yaml",
            Validator::EnvironmentConf => "Puppet 7.23 loading environment.conf",
        }
    }

    /// The validator of the file at `path`, by its name and place.
    pub fn of(path: &Path) -> Option<Validator> {
        let name = path.file_name()?.to_str()?;
        match name {
            "environment.conf" => return Some(Validator::EnvironmentConf),
            "metadata.json" => return Some(Validator::Metadata),
            "hiera.yaml" => return Some(Validator::Hiera),
            "Puppetfile" => return Some(Validator::Puppetfile),
            _ => {}
        }
        if is_yaml(path) && in_data(path) {
            return Some(Validator::Hiera);
        }
        if name.ends_with(".pp") {
            return Some(Validator::Manifests);
        }
        if name.ends_with(".epp") {
            return Some(Validator::Epp);
        }
        if name.ends_with(".erb") {
            return Some(Validator::Erb);
        }
        None
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

fn is_hiera_config(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "hiera.yaml")
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The hiera.yaml files that may name data directories for `p` (walked from
/// `root` into `walked`), as absolute paths: those walked (outside the
/// directories tooling skips), and those above `p` up to its project's root
/// (the nearest directory above with `.git`, else the working directory when
/// `p` is under it, else `p`'s own directory) — which is returned first.
fn hiera_configs(p: &Path, root: &Path, walked: &[PathBuf]) -> (PathBuf, Vec<PathBuf>) {
    let start = absolute(if p.is_dir() { p } else { root });
    let cwd = absolute(Path::new("."));
    let top = start
        .ancestors()
        .find(|a| a.join(".git").exists())
        .or_else(|| start.starts_with(&cwd).then_some(cwd.as_path()))
        .unwrap_or(&start)
        .to_path_buf();
    let mut configs: Vec<PathBuf> = walked
        .iter()
        .filter(|f| is_hiera_config(f))
        .filter(|f| !skipped_dir(f.strip_prefix(root).unwrap_or(f).parent().unwrap_or(Path::new(""))))
        .map(|f| absolute(f))
        .collect();
    for dir in start.ancestors().take_while(|a| a.starts_with(&top)) {
        let config = dir.join("hiera.yaml");
        if config.is_file() && !configs.contains(&config) {
            configs.push(config);
        }
    }
    (top, configs)
}

/// The directories the hiera.yaml files `configs` name as data directories,
/// where they are under `top`: a relative `datadir` from its hiera.yaml's
/// directory (up to its first interpolation: `data/%{facts.os.family}` is
/// `data`); `/vagrant/...` (Vagrant's synced project) from the hiera.yaml's
/// directory or one above it; another absolute one, written for the machine
/// Puppet runs on (`/etc/puppetlabs/code/environments/%{environment}/data`),
/// by the longest tail after its last interpolation found there, of two
/// directories or more, or one named `hiera`, `hieradata` or `data`.
fn hiera_datadirs(configs: &[PathBuf], top: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for config in configs {
        let Ok(text) = files::read_text(config) else { continue };
        let base = config.parent().unwrap_or(Path::new(""));
        let bases: Vec<&Path> = base.ancestors().take_while(|a| a.starts_with(top)).collect();
        for d in hiera::datadirs(&text) {
            let parts: Vec<&str> = d.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
            let interpolated = |c: &&str| c.contains("%{");
            let found = if let Some(rest) = d.strip_prefix("/vagrant/") {
                bases.iter().map(|b| b.join(rest)).find(|dir| dir.is_dir())
            } else if d.starts_with('/') {
                let tail = &parts[parts.iter().rposition(interpolated).map_or(0, |i| i + 1)..];
                let telling = |k: usize| tail.len() - k >= 2 || ["hiera", "hieradata", "data"].contains(&tail[k]);
                (0..tail.len())
                    .filter(|&k| telling(k))
                    .flat_map(|k| bases.iter().map(move |b| b.join(tail[k..].join("/"))))
                    .find(|dir| dir.is_dir())
            } else {
                let head: Vec<&str> = parts.iter().copied().take_while(|c| !interpolated(c)).collect();
                // `../hieradata`: `..` taken away by name, as the walk's paths have none.
                (!head.is_empty()).then(|| {
                    head.iter().fold(base.to_path_buf(), |mut dir, part| {
                        match *part {
                            ".." => _ = dir.pop(),
                            part => dir.push(part),
                        }
                        dir
                    })
                })
            };
            dirs.extend(found);
        }
    }
    dirs
}

/// Whether `path` is in a Hiera data directory (`data/`, `hieradata/`).
fn in_data(path: &Path) -> bool {
    path.components()
        .any(|c| c.as_os_str() == "data" || c.as_os_str() == "hieradata")
}

/// Directories a module's tooling never validates: fixtures other modules are
/// copied into for tests, vendored gems, built packages.
fn skipped_dir(relative: &Path) -> bool {
    let parts: Vec<&std::ffi::OsStr> = relative.components().map(|c| c.as_os_str()).collect();
    parts
        .iter()
        .any(|p| *p == "vendor" || *p == "pkg" || *p == "node_modules")
        || parts.windows(2).any(|w| w[0] == "spec" && w[1] == "fixtures")
}

/// Which validators run, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The validators to run.
    pub validators: Vec<Validator>,
    /// metadata-json-lint's options.
    pub metadata: metadata::Options,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            validators: Validator::ALL.to_vec(),
            metadata: metadata::Options::default(),
        }
    }
}

/// One validated file and what was found in it.
#[derive(Debug)]
pub struct Validated {
    /// The validator that read it.
    pub validator: Validator,
    /// Its name (as found from the paths given) and text.
    pub source: Arc<SourceFile>,
    /// Its findings, in order.
    pub findings: Vec<Diagnostic>,
}

/// Everything a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Every file validated, sorted by validator then name.
    pub files: Vec<Validated>,
    /// Paths that could not be read or walked, and what was left out.
    pub problems: Vec<Diagnostic>,
}

impl Report {
    /// Every finding with its file's source, in report order.
    pub fn findings(&self) -> impl Iterator<Item = (&Diagnostic, Option<&Arc<SourceFile>>)> {
        self.problems.iter().map(|d| (d, None)).chain(
            self.files
                .iter()
                .flat_map(|f| f.findings.iter().map(move |d| (d, Some(&f.source)))),
        )
    }
}

/// Validates the files under `paths` (files as given, directories walked).
pub fn run(paths: &[PathBuf], options: &Options) -> Report {
    let mut report = Report::default();
    let mut found: Vec<(Validator, PathBuf)> = Vec::new();
    for p in paths {
        let (root, walked) = if p.is_dir() {
            (p.clone(), files::Root::new(p, &[]).walk(p))
        } else {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            (dir.to_path_buf(), files::Root::new(dir, &[]).walk(p))
        };
        report.problems.extend(walked.problems);
        let (top, configs) = hiera_configs(p, &root, &walked.files);
        let datadirs = hiera_datadirs(&configs, &top);
        for f in walked.files {
            let relative = f.strip_prefix(&root).unwrap_or(&f);
            if f != *p && skipped_dir(relative.parent().unwrap_or(Path::new(""))) {
                continue;
            }
            let named = || is_yaml(&f) && datadirs.iter().any(|d| absolute(&f).starts_with(d));
            let validator = Validator::of(&f).or_else(|| named().then_some(Validator::Hiera));
            if let Some(v) = validator.filter(|v| options.validators.contains(v)) {
                found.push((v, f));
            }
        }
    }
    found.sort();
    found.dedup();
    let results: Vec<Result<Validated, Box<Diagnostic>>> = found
        .par_iter()
        .map(|(v, f)| {
            let name = f.display().to_string();
            let (text, findings) = if *v == Validator::Erb {
                // `erb` reads bytes: what is not UTF-8 matters only inside Ruby's tokens.
                erb::validate_bytes(&name, &files::read_bytes(f)?)
            } else {
                let text = files::read_text(f)?;
                let findings = validate_text(*v, &name, &text, options);
                (text, findings)
            };
            Ok(Validated {
                validator: *v,
                source: SourceFile::new(name, text),
                findings,
            })
        })
        .collect();
    for r in results {
        match r {
            Ok(v) => report.files.push(v),
            Err(d) => report.problems.push(*d),
        }
    }
    report
}

/// What `validator` finds in `text` (the file `name`).
pub fn validate_text(validator: Validator, name: &str, text: &str, options: &Options) -> Vec<Diagnostic> {
    match validator {
        Validator::Manifests => manifest(name, text),
        Validator::Epp => epp(name, text),
        Validator::Erb => erb::validate(name, text),
        Validator::Puppetfile => puppetfile::validate(name, text),
        Validator::Metadata => metadata::validate(name, text, options.metadata),
        Validator::Hiera if name.ends_with("hiera.yaml") => hiera::validate_config(name, text),
        Validator::Hiera => hiera::validate_data(name, text),
        Validator::EnvironmentConf => environment_conf::validate(name, text),
    }
}

/// What `puppet parser validate` reports on a manifest (a Bolt plan, by its
/// path, as [`plan`]): the syntax error, or the validation pass's findings.
pub fn manifest(name: &str, text: &str) -> Vec<Diagnostic> {
    if crate::puppet::is_plan(Path::new(name)) {
        return plan(name, text);
    }
    if let Some(d) = crate::puppet::parser::too_large(name, text.len()) {
        return vec![*d];
    }
    checked(&Manifest::parse(name, text), text, name, checker::check)
}

/// What `puppet parser validate --tasks` reports on a Bolt plan.
pub fn plan(name: &str, text: &str) -> Vec<Diagnostic> {
    if let Some(d) = crate::puppet::parser::too_large(name, text.len()) {
        return vec![*d];
    }
    checked(&Manifest::parse_plan(name, text), text, name, checker::check_plan)
}

/// What `puppet epp validate` reports on a template: the syntax error, or the
/// validation pass's findings.
pub fn epp(name: &str, text: &str) -> Vec<Diagnostic> {
    checked(&Manifest::parse_epp(name, text), text, name, checker::check)
}

/// A parsed program's syntax error, or what Puppet's validation pass (`check`) finds in it.
fn checked(m: &Manifest, text: &str, name: &str, check: fn(&Expr, &str, &str) -> Vec<Diagnostic>) -> Vec<Diagnostic> {
    match &m.body {
        Err(d) => vec![d.clone()],
        Ok(body) => check(body, text, name),
    }
}
