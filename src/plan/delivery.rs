//! How the code reaches the instances (`[delivery]`), and which of the
//! project's files they need: what the provisioners name, and the Hiera data
//! a `hiera.yaml` points at.
//!
//! `auto` (the default) embeds the code while every artifact still fits in
//! EC2's user data as it travels and the code holds no secret (a private key,
//! a URL's password), and otherwise puts it in S3: the one place
//! the plan asks the targets something (how large the embedded boot renders),
//! since only the templates know.

use super::steps::Builder;
use super::*;

/// The delivery `[delivery]` asks for, and whether it is `auto` (then embed,
/// until [`settle_auto`] measures it).
pub(super) fn delivery(s: &Settings, name: &str, diags: &mut Vec<Diagnostic>) -> (Delivery, bool) {
    let d = &s.delivery;
    let path = d.path.clone().unwrap_or_else(|| DEFAULT_CODE_PATH.into());
    let file = settings::FILE_NAME;
    let mode = d.mode.as_deref().unwrap_or("auto");
    let chosen = match mode {
        "embed" | "auto" => Delivery::Embed { path },
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
                bucket: Some(bucket.clone()),
                bucket_prefix: bucket_prefix(name),
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
                .with_help("use \"auto\", \"embed\", \"git\" or \"s3\""),
            );
            Delivery::Embed { path }
        }
    };
    (chosen, mode == "auto")
}

/// `auto`: keep the embedded code when every machine's artifacts fit as they
/// travel (see `emit::measure_embedded`) and the code holds no secret, else
/// deliver through S3 (a private, encrypted object only the instance role reads) under a key
/// named by the code's digest, so new code is new user data (a new boot),
/// as it is when embedded.
pub(super) fn settle_auto(plan: &mut Plan, s: &Settings, root: &crate::files::Root) {
    let Ok(measured) = crate::emit::measure_embedded(plan, root) else {
        // An unreadable file: rendering reports it; nothing to choose between.
        return;
    };
    let why = match (secret_in_code(plan, root), measured.overflow) {
        (Some(secret), _) => {
            format!("{secret}, which user data would show to anyone who may read the instance's attributes")
        }
        (None, Some(too_large)) => too_large,
        (None, None) => return,
    };
    let d = &s.delivery;
    plan.delivery = Delivery::S3 {
        path: plan.delivery.path().to_string(),
        bucket: d.bucket.clone(),
        bucket_prefix: bucket_prefix(&plan.name),
        key: d
            .key
            .clone()
            .unwrap_or_else(|| format!("{}/code-{:016x}.tar.gz", plan.name, fnv1a(&measured.archive))),
    };
    plan.delivery_choice = Some(format!("{why}; the code goes through S3"));
}

/// The first secret in the code the plan delivers (a private key, a URL's
/// password; not in a vendored module's tests), as a message names it.
fn secret_in_code(plan: &Plan, root: &crate::files::Root) -> Option<String> {
    plan.bundle.iter().find_map(|rel| {
        let full = root.dir().join(rel);
        if crate::files::in_module_tests(root.dir(), &full) {
            return None;
        }
        let text = root.read_text(&full).ok()?;
        let found = crate::secrets::find(&text).into_iter().next()?;
        Some(format!("`{rel}` holds {}", found.kind.describe()))
    })
}

/// The stack's part of its derived bucket name `<prefix>-<account id>-<region>`:
/// the stack name in lower case (bucket names have no upper case), cut so the
/// whole name stays within S3's 63 characters (12 digits of account id, a
/// region name of up to 16 characters), never starting with a prefix S3 keeps
/// for itself. Stack names are letters, digits and hyphens starting with a
/// letter, so the result is a valid bucket name's start.
pub fn bucket_prefix(stack: &str) -> String {
    const ROOM: usize = 63 - 1 - 12 - 1 - 16;
    let lower = stack.to_ascii_lowercase();
    let mut prefix: String = lower.chars().take(ROOM).collect();
    if ["xn--", "sthree-", "amzn-s3-demo-"]
        .iter()
        .any(|p| prefix.starts_with(p))
    {
        prefix = format!("pl-{}", prefix.chars().take(ROOM - 3).collect::<String>());
    }
    prefix.trim_end_matches('-').to_string()
}

/// FNV-1a, 64 bits: names the code archive's version in its key (a change
/// detector, not a security boundary: the object is private either way).
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Builder<'_> {
    /// Record a project path the instance needs.
    pub(super) fn add_to_bundle(&mut self, rel: &str, machine: &str) {
        if rel.is_empty() || rel.starts_with('/') || rel.contains("..") {
            // What a provisioner names is what the boot needs: without it the
            // artifacts cannot do what Vagrant did.
            if !rel.is_empty() {
                self.error(
                    "outside-project",
                    format!("machine `{machine}` reads `{rel}`, outside the project; it cannot be delivered"),
                    "puppetlift delivers only the files of the project directory (the Vagrantfile's): move or copy it in",
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
        let walk = self.root.walk(&full);
        for d in walk.problems {
            self.diags.push(Diagnostic {
                message: format!("machine `{machine}` reads `{rel}`: {}", d.message),
                ..d
            });
        }
        for p in walk.files.iter().chain(&walk.dangling_links) {
            if let Ok(r) = p.strip_prefix(self.dir) {
                self.bundle.push(r.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    /// What the delivered code and the inline scripts read through a synced
    /// folder (`/vagrant`, the project, and every folder shared from inside
    /// it) that the project has: the box had those folders, and the boot
    /// script links each guest path to the delivered copy, so those paths are
    /// delivered too (followed through what they bring, a few rounds deep).
    pub(super) fn deliver_synced_references(&mut self, machines: &[Machine], nodes: &[Node]) {
        let everything = compat::Delivered::whole_project(self.dir);
        let mut links: Vec<(compat::FolderLink, &str)> = Vec::new();
        for m in machines.iter().filter(|m| nodes.iter().any(|n| n.name == m.name)) {
            for l in compat::folder_links(m, &everything) {
                if !links.iter().any(|(k, _)| *k == l) {
                    links.push((l, m.name.as_str()));
                }
            }
        }
        if links.is_empty() {
            return;
        }
        let mut texts: Vec<String> = nodes
            .iter()
            .flat_map(|n| n.steps.iter())
            .filter_map(|s| match s {
                Step::RunShell { inline: Some(t), .. } => Some(t.clone()),
                _ => None,
            })
            .collect();
        let mut read = std::collections::BTreeSet::new();
        for _ in 0..3 {
            for rel in self.bundle.clone() {
                if read.insert(rel.clone()) && is_code_text(&rel) {
                    if let Ok(t) = self.root.read_text(&self.dir.join(&rel)) {
                        texts.push(t);
                    }
                }
            }
            let mut found = std::collections::BTreeMap::new();
            for t in texts.drain(..) {
                for (l, machine) in &links {
                    for rel in compat::folder_references(&t, l, self.dir) {
                        found.entry(rel).or_insert(*machine);
                    }
                }
            }
            let delivered = compat::Delivered::bundled(&self.bundle, self.dir);
            found.retain(|rel, _| !delivered.has(rel));
            if found.is_empty() {
                break;
            }
            for (rel, machine) in found {
                // A folder the code names as a whole (a docroot, a data set) can be
                // big: past the budget it is left to git delivery or a file
                // provisioner, and vagrant-path / synced-folder-not-delivered say so.
                if within(&self.dir.join(&rel), FOLLOWED_BYTES) {
                    self.add_to_bundle(&rel, machine);
                }
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
        let mut dirs = crate::validate::hiera::datadirs(&text);
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

/// The most a path the code names under a synced folder may hold to be
/// delivered with the code.
const FOLLOWED_BYTES: u64 = 32 << 20;

/// Whether the files under `path` (or the file) add up to at most `budget`
/// bytes; stops counting once past it.
fn within(path: &Path, budget: u64) -> bool {
    let mut total = 0u64;
    for e in walkdir::WalkDir::new(path).follow_links(false).into_iter().flatten() {
        total += e.metadata().map(|m| if m.is_file() { m.len() } else { 0 }).unwrap_or(0);
        if total > budget {
            return false;
        }
    }
    true
}

/// Files whose text may name paths the instance reads: code, templates,
/// data and scripts (not archives or binaries).
fn is_code_text(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    matches!(
        ext,
        "pp" | "erb" | "epp" | "sh" | "bash" | "yaml" | "yml" | "json" | "conf" | "rb" | "py" | "cfg" | "ini" | "txt"
    ) || !name.contains('.')
}

#[cfg(test)]
mod tests {
    use super::bucket_prefix;

    /// The longest account id and region still give a valid bucket name.
    #[test]
    fn derived_bucket_names_are_valid_s3_names() {
        for stack in ["demo", "Web-Stack-2", &"A".repeat(128), "xn--stack", "pl-a-"] {
            let name = format!("{}-123456789012-ap-southeast-5", bucket_prefix(stack));
            assert!((3..=63).contains(&name.len()), "{name}");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name}"
            );
            assert!(!name.starts_with("xn--") && !name.contains("--1234"), "{name}");
        }
        assert_eq!(bucket_prefix("Web-Stack-2"), "web-stack-2");
    }
}
