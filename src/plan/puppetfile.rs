//! A `Puppetfile` beside the Puppet code becomes an `InstallModules` step
//! before `puppet apply`: the modules r10k or librarian-puppet would have put
//! into the module directory, fetched at boot.

use super::steps::{jstr, jstrs};
use super::*;
use crate::puppetfile::{self, Source};

impl Builder<'_> {
    /// The `InstallModules` step for a puppet provisioner's Puppetfile, if it has one.
    pub(super) fn install_modules(&mut self, m: &Machine, p: &vagrant::model::Provisioner) -> Option<Step> {
        let r10k = vagrant_r10k(m, p);
        let rel = match &r10k {
            Some((puppetfile, _)) if self.dir.join(puppetfile).is_file() => puppetfile.clone(),
            _ => self.find_puppetfile(p)?,
        };
        if !self.puppetfiles.contains_key(&rel) {
            let display = self.dir.join(&rel).display().to_string();
            let read = match puppetfile::read(&self.dir.join(&rel), &display, self.root) {
                Ok(mut pf) => {
                    self.diags.extend(pf.diagnostics.iter().cloned());
                    // The plugin installs into the directory it names, which
                    // is (as its documentation asks) beside the Puppetfile.
                    let base = Path::new(&rel).parent().unwrap_or(Path::new(""));
                    if let Some((puppetfile, Some(dir))) = &r10k {
                        if let (true, Ok(inside)) = (*puppetfile == rel, Path::new(dir).strip_prefix(base)) {
                            pf.moduledir = inside.display().to_string();
                        }
                    }
                    Some(pf)
                }
                Err(d) => {
                    self.diags.push(*d);
                    None
                }
            };
            // Delivered with the code, so diagnostics can point into it.
            self.bundle.push(rel.clone());
            self.puppetfiles.insert(rel.clone(), read);
        }
        let pf = self.puppetfiles.get(&rel)?.clone()?;
        if pf.modules.is_empty() {
            return None;
        }
        let base = Path::new(&rel)
            .parent()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let within = |p: &str| match base.as_str() {
            _ if p.starts_with('/') => p.to_string(),
            "" => p.to_string(),
            b => format!("{b}/{p}"),
        };
        let moduledir = match pf.moduledir.starts_with('/') {
            true => pf.moduledir.clone(),
            false => self.code_path(&within(&pf.moduledir)),
        };
        let mut modules = Vec::new();
        for module in pf.modules {
            let from = match module.from {
                Source::Path { path } => {
                    // `/vagrant` is the project on a Vagrant machine.
                    let in_project = match path.strip_prefix("/vagrant/") {
                        Some(rest) => rest.to_string(),
                        None => within(&path),
                    };
                    self.add_to_bundle(&in_project, &m.name);
                    Source::Path {
                        path: self.code_path(&in_project),
                    }
                }
                other => other,
            };
            modules.push(puppetfile::Module {
                name: module.name,
                from,
            });
        }
        Some(Step::InstallModules {
            puppetfile: rel,
            moduledir,
            modules,
        })
    }

    /// Whether `dir` (a module path, relative to the project) is a Puppetfile's
    /// module directory that is not in the project: the boot fills it.
    pub(super) fn made_by_puppetfile(&self, dir: &str) -> bool {
        let dir = dir.trim_start_matches("./").trim_end_matches('/');
        !self.dir.join(dir).exists()
            && self.puppetfiles.iter().any(|(rel, pf)| {
                let base = Path::new(rel).parent().unwrap_or(Path::new(""));
                pf.as_ref().is_some_and(|pf| base.join(&pf.moduledir) == Path::new(dir))
            })
    }

    /// Where r10k or librarian-puppet would look for the provisioner's
    /// Puppetfile: beside its module directories, beside its manifests
    /// directory, in its environment, or beside the Vagrantfile.
    fn find_puppetfile(&self, p: &vagrant::model::Provisioner) -> Option<String> {
        let o = &p.options;
        let parent = |d: &str| {
            let d = d.trim_start_matches("./").trim_end_matches('/');
            Path::new(d)
                .parent()
                .map(|x| x.display().to_string())
                .unwrap_or_default()
        };
        let mut dirs: Vec<String> = jstrs(o.get("module_path")).iter().map(|d| parent(d)).collect();
        let host_dir = |v: Option<&Json>| match v {
            Some(Json::Array(a)) if a.len() == 2 && a[0].as_str() == Some("host") => jstr(a.get(1)),
            Some(Json::String(s)) => Some(s.clone()),
            _ => None,
        };
        if let Some(env_path) = host_dir(o.get("environment_path")) {
            let env = jstr(o.get("environment"))
                .filter(|e| !e.is_empty())
                .unwrap_or("production".into());
            dirs.push(format!("{}/{env}", env_path.trim_end_matches('/')));
        }
        dirs.push(parent(
            &host_dir(o.get("manifests_path")).unwrap_or_else(|| "manifests".into()),
        ));
        dirs.push(String::new());
        dirs.into_iter()
            .filter(|d| !d.starts_with('/') && !d.split('/').any(|c| c == ".."))
            .map(|d| match d.as_str() {
                "" | "." => "Puppetfile".to_string(),
                d => format!("{d}/Puppetfile"),
            })
            .find(|f| self.dir.join(f).is_file())
    }
}

/// What the vagrant-r10k plugin's `config.r10k` says for a puppet
/// provisioner: the Puppetfile it installs (`puppetfile_path`) and where
/// (`module_path`, else the provisioner's first module path), relative to the project.
fn vagrant_r10k(m: &Machine, p: &vagrant::model::Provisioner) -> Option<(String, Option<String>)> {
    let r10k = m.namespaces.get("r10k")?;
    let clean = |s: String| s.trim_start_matches("./").trim_end_matches('/').to_string();
    let puppetfile = jstr(r10k.get("puppetfile_path")).map(clean)?;
    let module_dir = jstr(r10k.get("module_path"))
        .or_else(|| jstrs(p.options.get("module_path")).into_iter().next())
        .map(clean);
    let safe = |s: &str| !s.starts_with('/') && !s.split('/').any(|c| c == "..");
    safe(&puppetfile).then_some(())?;
    Some((puppetfile, module_dir.filter(|d| safe(d))))
}

/// Whether two steps install the same Puppetfile's modules.
pub(super) fn same(a: &Step, b: &Step) -> bool {
    matches!((a, b), (Step::InstallModules { puppetfile: x, .. }, Step::InstallModules { puppetfile: y, .. }) if x == y)
}
