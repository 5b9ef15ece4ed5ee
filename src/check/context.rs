//! What the migration checks see: the project, its plan (machines, their
//! target images, delivery) and the code the plan delivers, parsed once.

use crate::diagnostic::{Diagnostic, Severity, SourceFile, Span};
use crate::files::Root;
use crate::plan::images::{self, Image};
use crate::plan::{self, Planned, Step};
use crate::project::Project;
use crate::puppet::Manifest;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One image the project's machines will run on, with the machines on it.
#[derive(Debug, Clone)]
pub struct TargetImage {
    /// The image.
    pub image: Image,
    /// Vagrant machine names (empty for a plain directory of Puppet code).
    pub machines: Vec<String>,
}

/// A shell provisioner's script.
#[derive(Debug)]
pub struct Script {
    /// Its position among the machine's steps (for "installed before" questions).
    pub step: usize,
    /// The script's text.
    pub text: String,
    /// The file it came from: `None` for an inline script (in the Vagrantfile).
    pub file: Option<Arc<SourceFile>>,
}

/// A project as the migration checks see it.
pub struct Context<'a> {
    /// The project.
    pub project: &'a Project,
    /// The project directory.
    pub dir: &'a Path,
    /// The plan, when the directory has a Vagrantfile.
    pub planned: Option<&'a Planned>,
    /// The distinct images the machines run on, in plan order.
    pub targets: Vec<TargetImage>,
    /// Every manifest delivered to the instances (or found in a plain directory).
    pub manifests: Vec<Manifest>,
    /// ERB and EPP templates under a `templates` directory.
    pub templates: Vec<Arc<SourceFile>>,
    /// Hiera data files (YAML).
    pub hiera_data: Vec<Arc<SourceFile>>,
    /// The other delivered text files (`files/`, scripts, keys, modules' Ruby code);
    /// in a plain directory, modules' Ruby code only.
    pub other_files: Vec<Arc<SourceFile>>,
    /// Shell provisioners' scripts (deduplicated across machines).
    pub scripts: Vec<Script>,
    /// The Vagrantfile.
    pub vagrantfile: Option<Arc<SourceFile>>,
    /// `[check] ignore`.
    pub ignored_checks: &'a [String],
    /// Files that could not be read, the Vagrantfile's and the plan's diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Which code some machine applies: `manifests`, `templates` and
    /// `other_files` hold only that; the index also knows the runs, the
    /// classes defined and the modules present.
    pub reach: super::reach::Reach,
    /// Per manifest, what cannot run on each target (built on first use).
    guards: std::sync::OnceLock<Vec<super::os_facts::Guards>>,
    /// What the emitters found rendering the artifacts in memory (EC2's size limits).
    emitted: std::sync::OnceLock<Vec<Diagnostic>>,
}

/// Why a project cannot be checked.
pub type LoadError = Box<Diagnostic>;

/// The image `puppetlift check --image NAME` names, checked before anything is planned.
pub fn image_named(image: Option<&str>) -> Result<Option<images::Resolved>, LoadError> {
    let named = image.filter(|i| !i.starts_with("ami-") && !i.starts_with('/'));
    match named {
        Some(name) => images::resolve(name).map(Some).ok_or_else(|| {
            Box::new(
                Diagnostic::error(
                    "unknown-image",
                    name,
                    None,
                    format!("`{name}` is not an image puppetlift knows"),
                )
                .with_help(format!("use one of {}", images::known_images().join(", "))),
            )
        }),
        None => Ok(None),
    }
}

impl<'a> Context<'a> {
    /// The checks' view of a plain directory of Puppet code (no Vagrantfile),
    /// checked for `image`, which is then required.
    pub fn plain(project: &'a Project, image: Option<images::Resolved>) -> Result<Context<'a>, LoadError> {
        let dir = project.dir.as_path();
        let Some(r) = image else {
            return Err(Box::new(
                Diagnostic::error(
                    "image-required",
                    &dir.display().to_string(),
                    None,
                    "this directory has no Vagrantfile, so nothing says which image its code will run on",
                )
                .with_help("name one with --image (e.g. --image ubuntu-22.04)"),
            ));
        };
        let targets = vec![TargetImage {
            image: r.image,
            machines: vec![],
        }];
        let mut diagnostics: Vec<Diagnostic> = project.settings_error.iter().cloned().collect();
        let (files, problems) = plain_files(project);
        diagnostics.extend(problems);
        Ok(Context::assemble(project, None, targets, files, diagnostics))
    }

    /// The checks' view of a project and its plan (`build` checks the plan it
    /// writes; a settings error is the plan's to report).
    pub fn of_plan(project: &'a Project, planned: &'a Planned) -> Context<'a> {
        let targets = targets_of(&planned.plan);
        let files = planned.plan.bundle.iter().map(|r| project.dir.join(r)).collect();
        Context::assemble(project, Some(planned), targets, files, Vec::new())
    }

    /// Read and parse `files` (the plan's bundle, or a plain directory's code).
    fn assemble(
        project: &'a Project,
        planned: Option<&'a Planned>,
        targets: Vec<TargetImage>,
        files: Vec<PathBuf>,
        mut diagnostics: Vec<Diagnostic>,
    ) -> Context<'a> {
        let dir = project.dir.as_path();
        let has_vagrantfile = planned.is_some();
        let all_files = files.clone();
        let mut manifests = Vec::new();
        let mut templates = Vec::new();
        let mut hiera_data = Vec::new();
        let mut other_files = Vec::new();
        let read: Vec<(PathBuf, Result<String, Box<Diagnostic>>)> = files
            .into_par_iter()
            .filter(|f| kind(f, has_vagrantfile).is_some() || has_vagrantfile || module_ruby(f))
            .map(|f| {
                let t = project.root.read_text(&f);
                (f, t)
            })
            .collect();
        let parsed: Vec<Manifest> = read
            .par_iter()
            .filter(|(f, t)| kind(f, has_vagrantfile) == Some(Kind::Manifest) && t.is_ok())
            .map(|(f, t)| Manifest::parse_file(f.display().to_string(), t.as_ref().cloned().unwrap_or_default()))
            .collect();
        manifests.extend(parsed);
        for (f, t) in read {
            match (kind(&f, has_vagrantfile), t) {
                (None, Ok(t)) => other_files.push(SourceFile::new(f.display().to_string(), t)),
                (None, Err(_)) => {} // binary files are not text to check
                (_, Err(d)) => diagnostics.push(*d),
                (Some(Kind::Template), Ok(t)) => templates.push(SourceFile::new(f.display().to_string(), t)),
                (Some(Kind::Data), Ok(t)) => hiera_data.push(SourceFile::new(f.display().to_string(), t)),
                _ => {}
            }
        }
        let mut cx = Context {
            project,
            dir,
            targets,
            manifests,
            templates,
            hiera_data,
            scripts: vec![],
            other_files,
            vagrantfile: None,
            ignored_checks: &project.settings.check.ignore,
            diagnostics,
            reach: Default::default(),
            planned: None,
            emitted: std::sync::OnceLock::new(),
            guards: std::sync::OnceLock::new(),
        };
        if let Some(planned) = planned {
            cx.vagrantfile = project.evaluation.sources.first().cloned();
            cx.scripts = scripts_of(&planned.plan, &project.root, &mut cx.diagnostics);
            cx.diagnostics.extend(project.evaluation.diagnostics.iter().cloned());
            cx.diagnostics.extend(planned.diagnostics.iter().cloned());
            cx.planned = Some(planned);
        }
        cx.scope(&all_files);
        cx
    }

    /// Keep only the code some machine applies (and the templates and files of
    /// the modules it uses); see [`super::reach`].
    fn scope(&mut self, files: &[PathBuf]) {
        let texts: Vec<&str> = (self.scripts.iter().map(|s| s.text.as_str()))
            .chain(
                self.other_files
                    .iter()
                    .filter(|f| f.path.ends_with(".sh"))
                    .map(|f| f.text.as_str()),
            )
            .collect();
        let reach = super::reach::Reach::build(self.project, self.planned.is_some(), &self.manifests, files, &texts);
        self.manifests.retain(|m| reach.applies(&m.source.path));
        self.templates.retain(|t| reach.applies(&t.path));
        self.other_files.retain(|f| reach.applies(&f.path));
        self.reach = reach;
    }

    /// What of manifest `m` (one of `self.manifests`) cannot run on each target.
    pub fn guards(&self, m: &Manifest) -> &super::os_facts::Guards {
        let all = self
            .guards
            .get_or_init(|| super::os_facts::Guards::of_project(&self.manifests, &self.targets));
        let i = self.manifests.iter().position(|x| std::ptr::eq(x, m)).unwrap_or(0);
        &all[i]
    }

    /// The emitters' diagnostics for this project's plan (rendered once, in memory).
    pub fn emitted(&self) -> &[Diagnostic] {
        self.emitted.get_or_init(|| match &self.planned {
            Some(pl) => crate::emit::render_all(&pl.plan, &self.project.root, crate::emit::Target::All).1,
            None => vec![],
        })
    }

    /// Where the code lands on the instance (`delivery.path`).
    pub fn code_path(&self) -> &str {
        self.planned
            .as_ref()
            .map_or(plan::DEFAULT_CODE_PATH, |p| p.plan.delivery.path())
    }

    /// The first step of any machine that runs Puppet (for "done before Puppet" questions).
    pub fn first_puppet_step(&self) -> Option<usize> {
        self.planned
            .iter()
            .flat_map(|pl| pl.plan.nodes.iter())
            .filter_map(|n| {
                n.steps
                    .iter()
                    .position(|s| matches!(s, Step::PuppetApply { .. } | Step::PuppetAgent { .. }))
            })
            .min()
    }

    /// Every boot step of every machine the plan has.
    pub(super) fn steps(&self) -> impl Iterator<Item = &Step> {
        self.planned
            .iter()
            .flat_map(|pl| pl.plan.nodes.iter())
            .flat_map(|n| n.steps.iter())
    }

    /// The puppet runs of every machine: each command line (the provisioner's
    /// options in it) with its environment.
    pub fn puppet_runs(&self) -> impl Iterator<Item = (&str, &[(String, String)])> {
        self.steps().filter_map(|s| match s {
            Step::PuppetApply { command, env, .. } | Step::PuppetAgent { command, env, .. } => {
                Some((command.as_str(), env.as_slice()))
            }
            _ => None,
        })
    }

    /// The directories the puppet runs start in (the provisioner's `working_directory`).
    pub fn puppet_working_directories(&self) -> impl Iterator<Item = &str> {
        self.steps().filter_map(|s| match s {
            Step::PuppetApply {
                working_directory: Some(w),
                ..
            } => Some(w.as_str()),
            _ => None,
        })
    }

    /// Every source a diagnostic may point into.
    pub fn sources(&self) -> impl Iterator<Item = &Arc<SourceFile>> {
        self.manifests
            .iter()
            .map(|m| &m.source)
            .chain(self.templates.iter())
            .chain(self.hiera_data.iter())
            .chain(self.scripts.iter().filter_map(|s| s.file.as_ref()))
            .chain(self.other_files.iter())
            .chain(self.vagrantfile.iter())
            .chain(self.project.settings_file.iter())
            .chain(self.planned.iter().flat_map(|_| self.project.evaluation.sources.iter()))
    }

    /// The source named `path`.
    pub fn source(&self, path: &str) -> Option<&Arc<SourceFile>> {
        self.sources().find(|s| s.path == path)
    }

    /// The targets for which `pred` holds.
    pub fn targets_where(&self, pred: impl Fn(&Image) -> bool) -> Vec<&TargetImage> {
        self.targets.iter().filter(|t| pred(&t.image)).collect()
    }

    /// A diagnostic of `code` at bytes `start..end` of `source`.
    pub fn at(
        &self,
        code: &'static str,
        severity: Severity,
        source: &SourceFile,
        start: usize,
        end: usize,
        message: String,
    ) -> Diagnostic {
        let mut d = Diagnostic::error(code, &source.path, Some(Span::new(start, end)), message);
        d.severity = severity;
        d
    }

    /// A diagnostic of `code` at bytes `start..end` of a shell script: in its
    /// file, or for an inline script at the same text in the Vagrantfile.
    pub fn in_script(
        &self,
        code: &'static str,
        severity: Severity,
        script: &Script,
        start: usize,
        end: usize,
        message: String,
    ) -> Diagnostic {
        if let Some(f) = &script.file {
            return self.at(code, severity, f, start, end, message);
        }
        let vf = self.vagrantfile.as_ref();
        let span = vf.and_then(|vf| locate(&vf.text, &script.text, start, end));
        let file = vf.map_or_else(|| "Vagrantfile".to_string(), |v| v.path.clone());
        let mut d = Diagnostic::error(code, &file, span, message);
        d.severity = severity;
        d
    }
}

/// Where bytes `start..end` of an inline script are in the Vagrantfile: the
/// script's line found in the file's text, or else the matched text itself.
fn locate(vagrantfile: &str, script: &str, start: usize, end: usize) -> Option<Span> {
    let line_start = script[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = script[end..].find('\n').map_or(script.len(), |i| end + i);
    let line = &script[line_start..line_end];
    let trimmed = line.trim();
    let lead = line.len() - line.trim_start().len();
    if !trimmed.is_empty() {
        if let Some(at) = vagrantfile.find(trimmed) {
            let s = at + (start - line_start).saturating_sub(lead);
            return Some(Span::new(s, s + (end - start)));
        }
    }
    let needle = &script[start..end];
    vagrantfile.find(needle).map(|at| Span::new(at, at + needle.len()))
}

fn targets_of(plan: &plan::Plan) -> Vec<TargetImage> {
    let mut out: Vec<TargetImage> = Vec::new();
    for n in &plan.nodes {
        match out.iter_mut().find(|t| t.image.os == n.image.os) {
            Some(t) => t.machines.push(n.name.clone()),
            None => out.push(TargetImage {
                image: n.image.clone(),
                machines: vec![n.name.clone()],
            }),
        }
    }
    out
}

fn scripts_of(plan: &plan::Plan, root: &Root, diags: &mut Vec<Diagnostic>) -> Vec<Script> {
    let dir = root.dir();
    let mut out: Vec<Script> = Vec::new();
    for n in &plan.nodes {
        for (i, s) in n.steps.iter().enumerate() {
            let Step::RunShell { inline, path, .. } = s else {
                continue;
            };
            let script = match (inline, path) {
                (Some(text), _) => Script {
                    step: i,
                    text: text.clone(),
                    file: None,
                },
                (None, Some(p)) => match root.read_text(&dir.join(p)) {
                    Ok(text) => Script {
                        step: i,
                        file: Some(SourceFile::new(dir.join(p).display().to_string(), text.clone())),
                        text,
                    },
                    Err(d) => {
                        diags.push(*d);
                        continue;
                    }
                },
                (None, None) => continue,
            };
            if !out.iter().any(|o| o.text == script.text) {
                out.push(script);
            }
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Manifest,
    Template,
    Data,
}

/// What a file is to the checks. Delivered files are what the plan says; in a
/// plain directory, YAML counts as data only under a data directory.
fn kind(path: &Path, delivered: bool) -> Option<Kind> {
    let ext = path.extension()?.to_str()?;
    let in_dir = |names: &[&str]| {
        path.parent()
            .into_iter()
            .flat_map(|p| p.components())
            .any(|c| names.contains(&c.as_os_str().to_str().unwrap_or("")))
    };
    match ext {
        "pp" => Some(Kind::Manifest),
        "erb" | "epp" if in_dir(&["templates"]) => Some(Kind::Template),
        "yaml" | "yml" if path.file_name().is_some_and(|n| n != "hiera.yaml") => {
            (delivered || in_dir(&["hieradata", "data", "hiera"])).then_some(Kind::Data)
        }
        _ => None,
    }
}

/// Ruby code of a module (`lib/facter/*.rb`, `lib/puppet/**/*.rb`), which
/// the checks read in a plain directory too.
fn module_ruby(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rb") && path.components().any(|c| c.as_os_str() == "lib")
}

/// The files of a plain directory, skipping VCS state and test fixtures
/// (`spec/`), read through the project's boundary.
fn plain_files(project: &Project) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let dir = project.root.dir();
    let (mut files, problems) = project.root.files_under(dir);
    files.retain(|f| {
        !f.strip_prefix(dir)
            .unwrap_or(f)
            .components()
            .any(|c| c.as_os_str() == "spec")
    });
    (files, problems)
}
