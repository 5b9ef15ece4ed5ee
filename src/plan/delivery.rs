//! How the code reaches the instances (`[delivery]`), and which of the
//! project's files they need: what the provisioners name, and the Hiera data
//! a `hiera.yaml` points at.

use super::steps::Builder;
use super::*;

pub(super) fn delivery(s: &Settings, name: &str, diags: &mut Vec<Diagnostic>) -> Delivery {
    let d = &s.delivery;
    let path = d.path.clone().unwrap_or_else(|| DEFAULT_CODE_PATH.into());
    let file = settings::FILE_NAME;
    match d.mode.as_deref().unwrap_or("embed") {
        "embed" => Delivery::Embed { path },
        "git" => match &d.repository {
            Some(repo) => {
                if repo.contains('@') && repo.starts_with("https://") {
                    diags.push(
                        Diagnostic::error("secret-in-user-data", file, None, "the git repository URL carries credentials")
                            .with_help("use an SSH URL and a deploy key in SSM (`delivery.deploy_key_parameter`); user-data is readable by every process on the instance"),
                    );
                }
                Delivery::Git {
                    path,
                    repository: repo.clone(),
                    git_ref: d.git_ref.clone().unwrap_or_else(|| "main".into()),
                    // An https URL needs no deploy key (public, or credentials kept elsewhere).
                    key_parameter: if repo.starts_with("https://") || repo.starts_with("http://") {
                        d.deploy_key_parameter.clone()
                    } else {
                        Some(
                            d.deploy_key_parameter
                                .clone()
                                .unwrap_or_else(|| format!("/puppetlift/{name}/deploy-key")),
                        )
                    },
                }
            }
            None => {
                diags.push(
                    Diagnostic::error(
                        "settings-invalid",
                        file,
                        None,
                        "delivery mode `git` needs `delivery.repository`",
                    )
                    .with_help("set repository = \"git@host:org/repo.git\", or use mode = \"embed\""),
                );
                Delivery::Embed { path }
            }
        },
        "s3" => match &d.bucket {
            Some(bucket) => Delivery::S3 {
                path,
                bucket: bucket.clone(),
                key: d.key.clone().unwrap_or_else(|| format!("{name}/code.tar.gz")),
            },
            None => {
                diags.push(
                    Diagnostic::error(
                        "settings-invalid",
                        file,
                        None,
                        "delivery mode `s3` needs `delivery.bucket`",
                    )
                    .with_help("set bucket = \"my-bucket\" (and key), or use mode = \"embed\""),
                );
                Delivery::Embed { path }
            }
        },
        other => {
            diags.push(
                Diagnostic::error(
                    "settings-invalid",
                    file,
                    None,
                    format!("unknown delivery mode `{other}`"),
                )
                .with_help("use \"embed\", \"git\" or \"s3\""),
            );
            Delivery::Embed { path }
        }
    }
}

impl Builder<'_> {
    /// Record a project path the instance needs.
    pub(super) fn add_to_bundle(&mut self, rel: &str, machine: &str) {
        if rel.is_empty() || rel.starts_with('/') || rel.contains("..") {
            if !rel.is_empty() {
                self.warn(
                    "outside-project",
                    format!("machine `{machine}` reads `{rel}`, outside the project; it is not delivered"),
                    "move it into the project directory",
                );
            }
            return;
        }
        let full = self.dir.join(rel);
        if !full.exists() {
            self.error(
                "missing-file",
                format!("machine `{machine}` reads `{rel}`, which does not exist in the project"),
                "create it, or fix the path in the Vagrantfile",
            );
            return;
        }
        let (files, problems) = self.root.files_under(&full);
        for d in problems {
            self.diags.push(Diagnostic {
                message: format!("machine `{machine}` reads `{rel}`: {}", d.message),
                ..d
            });
        }
        for p in files {
            if let Ok(r) = p.strip_prefix(self.dir) {
                self.bundle.push(r.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    /// The data directory a hiera.yaml names (v5 `datadir`, v3 `:datadir:`), default `data`.
    pub(super) fn bundle_hiera_data(&mut self, hiera_rel: &str, machine: &str) {
        let path = self.dir.join(hiera_rel);
        let Ok(text) = self.root.read_text(&path) else {
            return;
        };
        let base = Path::new(hiera_rel).parent().map(Path::to_path_buf).unwrap_or_default();
        let mut dirs = Vec::new();
        for line in text.lines() {
            let t = line.trim();
            if let Some(v) = t.strip_prefix("datadir:").or_else(|| t.strip_prefix(":datadir:")) {
                dirs.push(v.trim().trim_matches(|c| c == '"' || c == '\'').to_string());
            }
        }
        if dirs.is_empty() {
            dirs.push("data".into());
        }
        for d in dirs {
            // Vagrant v3 configs often point at /vagrant/hieradata.
            let rel = match d.strip_prefix("/vagrant/") {
                Some(r) => r.to_string(),
                None if d.starts_with('/') => continue,
                None => base.join(&d).to_string_lossy().into_owned(),
            };
            if self.dir.join(&rel).is_dir() {
                self.add_to_bundle(&rel, machine);
            }
        }
    }
}
