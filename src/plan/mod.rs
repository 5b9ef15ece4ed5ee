//! The plan: what every EC2 machine must do at boot, in order, derived once from
//! the Vagrant model, the project's files and `puppetlift.toml`. Every target
//! (user-data, cloud-init, CloudFormation) renders this one plan.

pub mod images;
pub mod puppetmaster;
pub mod sizing;

use crate::diagnostic::Diagnostic;
use crate::project::Project;
use crate::settings::{self, Settings};
use crate::vagrant::{self, Machine};
use images::{Family, Image};
use puppetmaster::Puppetmaster;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::Path;

/// Where the project lands on the instance unless `delivery.path` says otherwise.
pub const DEFAULT_CODE_PATH: &str = "/opt/puppetlift/code";

/// Everything one project becomes on EC2.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Stack name.
    pub name: String,
    /// AWS region, when chosen.
    pub region: Option<String>,
    /// Who may SSH in.
    pub ssh_cidr: String,
    /// Who may reach forwarded ports.
    pub ingress_cidr: String,
    /// How the code reaches the instances.
    pub delivery: Delivery,
    /// One node per Vagrant machine (in Vagrant's order).
    pub nodes: Vec<Node>,
    /// Files of the project the instances need, relative to it (sorted), for `embed` and `s3`.
    pub bundle: Vec<String>,
    /// The puppetmaster the agents enroll with, when the setup has one.
    pub puppetmaster: Option<Puppetmaster>,
}

/// How the code reaches the instance.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "mode", rename_all = "lowercase")]
pub enum Delivery {
    /// A tar.gz of the project's files inside the artifact.
    Embed { path: String },
    /// A clone of a private repository; the deploy key comes from SSM at boot.
    Git {
        path: String,
        repository: String,
        git_ref: String,
        /// SSM SecureString with the deploy key (SSH URLs; none for https).
        key_parameter: Option<String>,
    },
    /// A tar.gz in S3, read with the instance role.
    S3 { path: String, bucket: String, key: String },
}

impl Delivery {
    /// Where the project lands on the instance.
    pub fn path(&self) -> &str {
        match self {
            Delivery::Embed { path } | Delivery::Git { path, .. } | Delivery::S3 { path, .. } => path,
        }
    }
}

/// One EC2 instance.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// The Vagrant machine name.
    pub name: String,
    /// `config.vm.hostname`.
    pub hostname: Option<String>,
    /// What it runs.
    pub image: Image,
    /// How big it is.
    pub instance: InstanceSpec,
    /// Forwarded guest ports, opened to `ingress_cidr`.
    pub ingress: Vec<Ingress>,
    /// What it does at boot, in order.
    pub steps: Vec<Step>,
}

/// Instance size and placement details.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceSpec {
    pub instance_type: String,
    pub key_pair: Option<String>,
    pub disk_gb: Option<u32>,
    pub tags: BTreeMap<String, String>,
}

/// An inbound port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ingress {
    pub port: i64,
    pub protocol: String,
}

/// How Puppet gets onto the instance.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "source", rename_all = "lowercase")]
pub enum PuppetSource {
    /// The distribution's own packages (Puppet 7 or newer).
    Os,
    /// The OpenVox repositories (apt.voxpupuli.org / yum.voxpupuli.org), `openvox-agent`.
    OpenVox { version: u32, repo: String },
}

/// One boot step.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "step")]
pub enum Step {
    /// `config.vm.hostname`.
    SetHostname { hostname: String },
    /// Install Puppet.
    InstallPuppet { family: Family, source: PuppetSource },
    /// Environment every later step sees.
    SetEnv { vars: Vec<(String, String)> },
    /// Bring the project's code to `Delivery::path`.
    FetchCode,
    /// A Vagrant file provisioner: copy a project file to the machine.
    WriteFile { source: String, destination: String },
    /// A Vagrant shell provisioner.
    RunShell {
        name: String,
        /// The script's text (inline) or its path in the project (path).
        inline: Option<String>,
        path: Option<String>,
        args: Vec<String>,
        env: Vec<(String, String)>,
        /// Run as root (`privileged`, Vagrant's default) or as the login user.
        privileged: bool,
    },
    /// The Vagrant puppet provisioner: `puppet apply`.
    PuppetApply {
        /// The whole command line, as Vagrant builds it.
        command: String,
        /// FACTER_* and other variables for that command.
        env: Vec<(String, String)>,
        working_directory: Option<String>,
    },
    /// The Vagrant puppet_server provisioner: `puppet agent`.
    PuppetAgent {
        command: String,
        env: Vec<(String, String)>,
        /// Wait for the master and for a signed certificate first (after `EnrollAgent`).
        enrolled: bool,
    },
    /// The puppetmaster's server package.
    InstallPuppetServer { family: Family, source: PuppetSource },
    /// The delivered code becomes the server's environment.
    DeployEnvironment(Environment),
    /// Heap sized to the instance, certificate names, policy-based autosign
    /// with the challenge password from SSM; start the server and wait for it.
    StartPuppetServer {
        challenge_parameter: String,
        /// Names the server's certificate is valid for, besides the instance's own.
        alt_names: Vec<String>,
    },
    /// Point an agent at its master: `server`, `certname`, and the challenge
    /// password (from SSM) in `csr_attributes.yaml`.
    EnrollAgent {
        server: String,
        certname: String,
        challenge_parameter: String,
        /// `pp_role` in the certificate request: the Vagrant machine's name.
        role: String,
    },
}

/// The environment a puppetmaster serves, from the delivered code.
#[derive(Debug, Clone, Serialize)]
pub struct Environment {
    /// The environment's name (`production`).
    pub name: String,
    /// Its manifest directory, relative to the code.
    pub manifest: Option<String>,
    /// Its module path, relative to the code.
    pub modulepath: Vec<String>,
}

impl Step {
    /// A short human label for a step (logs and the equivalence test).
    pub fn label(&self, delivery: &Delivery) -> String {
        match self {
            Step::SetHostname { hostname } => hostname.clone(),
            Step::InstallPuppet { source, .. } => match source {
                PuppetSource::Os => "distribution packages".into(),
                PuppetSource::OpenVox { version, .. } => format!("openvox{version}"),
            },
            Step::SetEnv { vars } => vars.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(" "),
            Step::FetchCode => match delivery {
                Delivery::Embed { .. } => "embedded archive".into(),
                Delivery::Git { repository, .. } => repository.clone(),
                Delivery::S3 { bucket, key, .. } => format!("s3://{bucket}/{key}"),
            },
            Step::WriteFile { destination, .. } => destination.clone(),
            Step::RunShell { name, path, .. } => path.clone().unwrap_or_else(|| name.clone()),
            Step::PuppetApply { .. } => "puppet apply".into(),
            Step::PuppetAgent { .. } => "puppet agent".into(),
            Step::InstallPuppetServer { source, .. } => match source {
                PuppetSource::Os => "puppetserver".into(),
                PuppetSource::OpenVox { version, .. } => format!("openvox{version}-server"),
            },
            Step::DeployEnvironment(e) => e.name.clone(),
            Step::StartPuppetServer {
                challenge_parameter, ..
            } => format!("autosign with {challenge_parameter}"),
            Step::EnrollAgent { server, certname, .. } => format!("{certname} with {server}"),
        }
    }

    /// The step's kind, as every target names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Step::SetHostname { .. } => "SetHostname",
            Step::InstallPuppet { .. } => "InstallPuppet",
            Step::SetEnv { .. } => "SetEnv",
            Step::FetchCode => "FetchCode",
            Step::WriteFile { .. } => "WriteFile",
            Step::RunShell { .. } => "RunShell",
            Step::PuppetApply { .. } => "PuppetApply",
            Step::PuppetAgent { .. } => "PuppetAgent",
            Step::InstallPuppetServer { .. } => "InstallPuppetServer",
            Step::DeployEnvironment(_) => "DeployEnvironment",
            Step::StartPuppetServer { .. } => "StartPuppetServer",
            Step::EnrollAgent { .. } => "EnrollAgent",
        }
    }
}

/// A plan with the diagnostics found making it.
#[derive(Debug)]
pub struct Planned {
    pub plan: Plan,
    pub diagnostics: Vec<Diagnostic>,
}

/// Build the plan for `project`.
pub fn build(project: &Project) -> Planned {
    build_on(project, None)
}

/// Build the plan with every machine on `image` (an image name, SSM parameter
/// or AMI id, as `[machines.NAME] image` takes) instead of what its box says:
/// `puppetlift check --image` asks "what if".
pub fn build_on(project: &Project, image: Option<&str>) -> Planned {
    let dir = project.dir.as_path();
    let machines = project.machines();
    let settings = &project.settings;
    let mut diags: Vec<Diagnostic> = project.settings_error.iter().cloned().collect();
    let vf = project.vagrantfile_name();
    let name = settings.name.clone().unwrap_or_else(|| {
        std::path::absolute(dir)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "puppetlift".into())
    });
    let name = stack_name(&name);
    let delivery = delivery(settings, &name, &mut diags);
    let mut errors = Vec::new();
    let master = puppetmaster::choose(settings, &name, machines, &mut errors);
    for (msg, help) in errors {
        diags.push(Diagnostic::error("settings-invalid", settings::FILE_NAME, None, msg).with_help(help));
    }
    let mut b = Builder {
        dir,
        settings,
        vagrantfile: &vf,
        code: delivery.path().to_string(),
        diags: &mut diags,
        bundle: Vec::new(),
        image_override: image,
        master: master.clone(),
    };
    let mut nodes = Vec::new();
    for m in machines {
        if let Some(n) = b.node(m) {
            nodes.push(n);
        }
    }
    let puppetmaster = master.map(|c| b.finish_master(c, machines, &mut nodes));
    let mut bundle = std::mem::take(&mut b.bundle);
    bundle.sort();
    bundle.dedup();
    let region = settings.region.clone().or_else(|| {
        machines.iter().find_map(|m| {
            m.providers
                .get("aws")
                .and_then(|a| a.get("region"))
                .and_then(Json::as_str)
                .map(str::to_string)
        })
    });
    Planned {
        plan: Plan {
            name,
            region,
            ssh_cidr: settings.ssh_cidr.clone().unwrap_or_else(|| "127.0.0.1/32".into()),
            ingress_cidr: settings.ingress_cidr.clone().unwrap_or_else(|| "0.0.0.0/0".into()),
            delivery,
            nodes,
            bundle,
            puppetmaster,
        },
        diagnostics: diags,
    }
}

/// CloudFormation stack names: letters, digits and hyphens, starting with a letter.
fn stack_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "pl-");
    }
    out.trim_end_matches('-').to_string()
}

fn delivery(s: &Settings, name: &str, diags: &mut Vec<Diagnostic>) -> Delivery {
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

struct Builder<'a> {
    dir: &'a Path,
    settings: &'a Settings,
    vagrantfile: &'a str,
    code: String,
    diags: &'a mut Vec<Diagnostic>,
    bundle: Vec<String>,
    image_override: Option<&'a str>,
    master: Option<puppetmaster::Choice>,
}

fn jstr(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) => Some(s.clone()),
        Json::Null => None,
        other => Some(other.to_string()),
    }
}

/// Single-quote for the shell.
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c)) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

impl Builder<'_> {
    fn warn(&mut self, code: &'static str, msg: String, help: &str) {
        self.diags
            .push(Diagnostic::warning(code, self.vagrantfile, None, msg).with_help(help));
    }

    fn error(&mut self, code: &'static str, msg: String, help: &str) {
        self.diags
            .push(Diagnostic::error(code, self.vagrantfile, None, msg).with_help(help));
    }

    fn node(&mut self, m: &Machine) -> Option<Node> {
        let ms = self.settings.machines.get(&m.name).cloned().unwrap_or_default();
        let aws = m.providers.get("aws").cloned().unwrap_or(Json::Null);
        let image = self.image(m, &ms, &aws)?;
        let instance_type = ms
            .instance_type
            .clone()
            .or_else(|| jstr(aws.get("instance_type")))
            .unwrap_or_else(|| sizing::instance_type(m.memory, m.cpus));
        let mut tags = BTreeMap::new();
        if let Some(Json::Object(t)) = aws.get("tags") {
            for (k, v) in t {
                tags.insert(k.clone(), jstr(Some(v)).unwrap_or_default());
            }
        }
        tags.extend(ms.tags.clone());
        tags.entry("Name".into()).or_insert_with(|| m.name.clone());
        let mut ingress: Vec<Ingress> = Vec::new();
        for p in &m.forwarded_ports {
            let Some(port) = p.get("guest").and_then(Json::as_i64) else {
                continue;
            };
            if p.get("id").and_then(Json::as_str) == Some("ssh") || port == 22 {
                continue;
            }
            let protocol = p.get("protocol").and_then(Json::as_str).unwrap_or("tcp").to_string();
            let ing = Ingress { port, protocol };
            if !ingress.contains(&ing) {
                ingress.push(ing);
            }
        }
        let steps = self.steps(m, &image);
        Some(Node {
            name: m.name.clone(),
            hostname: m.hostname.clone(),
            image,
            instance: InstanceSpec {
                instance_type,
                key_pair: self.settings.key_pair.clone().or_else(|| jstr(aws.get("keypair_name"))),
                disk_gb: ms.disk_gb,
                tags,
            },
            ingress,
            steps,
        })
    }

    fn image(&mut self, m: &Machine, ms: &settings::MachineSettings, aws: &Json) -> Option<Image> {
        let box_name = m.box_name.clone().unwrap_or_default();
        // The OS comes from the box (or an explicit image name); the AMI from an
        // explicit AMI id or SSM parameter when given.
        let explicit = self
            .image_override
            .map(str::to_string)
            .or_else(|| ms.image.clone())
            .or_else(|| jstr(aws.get("ami")));
        let (os, ami, ssm) = match explicit.as_deref() {
            Some(e) if e.starts_with("ami-") => (
                images::os_for_box(&box_name).map(str::to_string),
                Some(e.to_string()),
                None,
            ),
            Some(e) if e.starts_with('/') => (
                images::os_for_box(&box_name).map(str::to_string),
                None,
                Some(e.to_string()),
            ),
            Some(e) => (Some(e.to_string()), None, None),
            None => (images::os_for_box(&box_name).map(str::to_string), None, None),
        };
        let Some(os) = os else {
            self.error(
                "unknown-box",
                format!("machine `{}`: puppetlift does not know which operating system the box `{box_name}` is", m.name),
                &format!(
                    "set [machines.{}] image = one of {} in puppetlift.toml (with an AMI id or SSM parameter if needed)",
                    m.name,
                    images::known_images().join(", ")
                ),
            );
            return None;
        };
        let Some(resolved) = images::resolve(&os) else {
            self.error(
                "unknown-image",
                format!("machine `{}`: `{os}` is not an image puppetlift knows", m.name),
                &format!("use one of {}", images::known_images().join(", ")),
            );
            return None;
        };
        let mut image = resolved.image;
        if let Some((why, instead)) = resolved.replaced {
            self.warn(
                "end-of-life-image",
                format!(
                    "machine `{}`: the box `{box_name}` is {os}: {why}; planned on {instead} instead",
                    m.name
                ),
                &format!(
                    "check the manifests on {instead}, or set [machines.{}] image explicitly",
                    m.name
                ),
            );
        }
        if let Some(s) = ssm {
            image.ssm_parameter = Some(s);
        }
        image.ami = ami;
        if image.ami.is_none() && image.ssm_parameter.is_none() {
            self.error(
                "image-needs-ami",
                format!(
                    "machine `{}`: AWS publishes no public SSM parameter for {} images",
                    m.name, image.os
                ),
                &format!(
                    "set [machines.{}] image = \"ami-...\" (or an SSM parameter path) in puppetlift.toml",
                    m.name
                ),
            );
            // A "what if" plan (`check --image`) keeps the machine: its checks
            // need the image, not the AMI.
            self.image_override?;
        }
        Some(image)
    }

    fn steps(&mut self, m: &Machine, image: &Image) -> Vec<Step> {
        let mut steps = Vec::new();
        if let Some(h) = &m.hostname {
            steps.push(Step::SetHostname { hostname: h.clone() });
        }
        let uses_puppet = m
            .provisioners
            .iter()
            .any(|p| matches!(p.kind.as_str(), "puppet" | "puppet_server"));
        let needs_code = m.provisioners.iter().any(|p| match p.kind.as_str() {
            "puppet" => true,
            "shell" => p.options.get("path").is_some_and(|v| !v.is_null()),
            "file" => true,
            _ => false,
        });
        if uses_puppet {
            let source = self.puppet_source(image);
            let aio = matches!(source, PuppetSource::OpenVox { .. });
            steps.push(Step::InstallPuppet {
                family: image.family,
                source,
            });
            if aio {
                steps.push(aio_path());
            }
        }
        if needs_code {
            steps.push(Step::FetchCode);
        }
        for p in &m.provisioners {
            if p.run.as_deref() == Some("never") {
                continue;
            }
            let label = p.name.clone().unwrap_or_else(|| p.kind.clone());
            match p.kind.as_str() {
                "shell" => {
                    if let Some(s) = self.shell(m, p, &label) {
                        steps.push(s);
                    }
                }
                "file" => {
                    let source = jstr(p.options.get("source")).unwrap_or_default();
                    let dest = jstr(p.options.get("destination")).unwrap_or_default();
                    self.add_to_bundle(&source, &m.name);
                    let destination = match dest.strip_prefix("~/") {
                        Some(rest) => format!("/home/{}/{rest}", image.login_user),
                        None => dest,
                    };
                    steps.push(Step::WriteFile { source, destination });
                }
                "puppet" => steps.push(self.puppet_apply(m, p)),
                "puppet_server" => steps.extend(self.puppet_agent(m, p)),
                other => self.warn(
                    "unsupported-provisioner",
                    format!("machine `{}`: the `{other}` provisioner is not converted", m.name),
                    "its work is not in the artifacts; run it another way or replace it with a shell provisioner",
                ),
            }
        }
        steps
    }

    fn puppet_source(&mut self, image: &Image) -> PuppetSource {
        let openvox = PuppetSource::OpenVox {
            version: self.settings.puppet.openvox_version.unwrap_or(8),
            repo: image.openvox_repo.clone(),
        };
        match self.settings.puppet.install.as_deref().unwrap_or("auto") {
            "os" => {
                if image.puppet_os < 7 {
                    self.error(
                        "settings-invalid",
                        format!("`puppet.install = \"os\"` but {} ships no Puppet 7 or newer", image.os),
                        "use install = \"openvox\" (or \"auto\")",
                    );
                    return openvox;
                }
                PuppetSource::Os
            }
            "openvox" => openvox,
            _ if image.puppet_os >= 7 => PuppetSource::Os,
            _ => openvox,
        }
    }

    /// Record a project path the instance needs.
    fn add_to_bundle(&mut self, rel: &str, machine: &str) {
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
        for p in crate::files::files_under(&full) {
            if let Ok(r) = p.strip_prefix(self.dir) {
                self.bundle.push(r.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    fn code_path(&self, rel: &str) -> String {
        let rel = rel.trim_start_matches("./").trim_end_matches('/');
        if rel.is_empty() || rel == "." {
            self.code.clone()
        } else {
            format!("{}/{rel}", self.code)
        }
    }

    fn shell(&mut self, m: &Machine, p: &vagrant::model::Provisioner, label: &str) -> Option<Step> {
        let inline = jstr(p.options.get("inline"));
        let path = jstr(p.options.get("path"));
        if let Some(pth) = &path {
            if pth.starts_with("http://") || pth.starts_with("https://") {
                self.warn(
                    "unsupported-provisioner",
                    format!(
                        "machine `{}`: the shell provisioner downloads `{pth}`; not converted",
                        m.name
                    ),
                    "vendor the script into the project and use its path",
                );
                return None;
            }
            self.add_to_bundle(pth, &m.name);
        }
        if inline.is_none() && path.is_none() {
            self.error(
                "invalid-provisioner",
                format!(
                    "machine `{}`: a shell provisioner has neither `inline` nor `path`",
                    m.name
                ),
                "Vagrant refuses this too",
            );
            return None;
        }
        let args = match p.options.get("args") {
            Some(Json::Array(a)) => a.iter().map(|x| jstr(Some(x)).unwrap_or_default()).collect(),
            Some(Json::String(s)) => vagrant::model::shell_words(s),
            Some(Json::Null) | None => vec![],
            Some(other) => vec![other.to_string()],
        };
        let env = match p.options.get("env") {
            Some(Json::Object(o)) => o
                .iter()
                .map(|(k, v)| (k.clone(), jstr(Some(v)).unwrap_or_default()))
                .collect(),
            _ => vec![],
        };
        let privileged = p.options.get("privileged").and_then(Json::as_bool).unwrap_or(true);
        Some(Step::RunShell {
            name: label.to_string(),
            inline,
            path,
            args,
            env,
            privileged,
        })
    }

    /// Vagrant's `puppet apply` command line (plugins/provisioners/puppet/provisioner/puppet.rb).
    fn puppet_apply(&mut self, m: &Machine, p: &vagrant::model::Provisioner) -> Step {
        let o = &p.options;
        let host_or_vm = |v: Option<&Json>| -> Option<(bool, String)> {
            match v? {
                Json::Array(a) if a.len() == 2 => Some((a[0].as_str() == Some("host"), jstr(a.get(1))?)),
                Json::String(s) => Some((true, s.clone())),
                _ => None,
            }
        };
        let mut parts: Vec<String> = match o.get("options") {
            Some(Json::Array(a)) => a.iter().filter_map(|x| jstr(Some(x))).collect(),
            Some(Json::String(s)) => vec![s.clone()],
            _ => vec![],
        };
        let module_paths: Vec<String> = match o.get("module_path") {
            Some(Json::Array(a)) => a.iter().filter_map(|x| jstr(Some(x))).collect(),
            Some(Json::String(s)) => vec![s.clone()],
            _ => vec![],
        };
        if !module_paths.is_empty() {
            let mut guest: Vec<String> = Vec::new();
            for mp in &module_paths {
                self.add_to_bundle(mp, &m.name);
                guest.push(self.code_path(mp));
            }
            guest.push("/etc/puppet/modules".into());
            parts.push(format!("--modulepath '{}'", guest.join(":")));
        }
        if let Some(h) = jstr(o.get("hiera_config_path")) {
            self.add_to_bundle(&h, &m.name);
            self.bundle_hiera_data(&h, &m.name);
            parts.push(format!("--hiera_config={}", self.code_path(&h)));
        }
        parts.push("--color=false".into());
        parts.push("--detailed-exitcodes".into());
        if let Some((host, env_path)) = host_or_vm(o.get("environment_path")) {
            let guest = if host {
                self.add_to_bundle(&env_path, &m.name);
                self.code_path(&env_path)
            } else {
                env_path
            };
            let env = jstr(o.get("environment"))
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| "production".into());
            parts.push(format!("--environmentpath {guest}/"));
            parts.push(format!("--environment {env}"));
        } else {
            let (host, mpath) = host_or_vm(o.get("manifests_path")).unwrap_or((true, "manifests".into()));
            let file = jstr(o.get("manifest_file")).unwrap_or_else(|| "default.pp".into());
            let dir = if host {
                self.add_to_bundle(&mpath, &m.name);
                self.code_path(&mpath)
            } else {
                mpath
            };
            parts.push(format!("{dir}/{file}"));
        }
        let binary = jstr(o.get("binary_path"))
            .map(|b| format!("{}/", b.trim_end_matches('/')))
            .unwrap_or_default();
        let command = format!("{binary}puppet apply {}", parts.join(" "));
        let mut env = facter_env(o.get("facter"));
        if let Some(Json::Object(vars)) = o.get("environment_variables") {
            for (k, v) in vars {
                env.push((k.clone(), jstr(Some(v)).unwrap_or_default()));
            }
        }
        let working_directory = jstr(o.get("working_directory")).map(|w| self.guest_path(&w));
        Step::PuppetApply {
            command,
            env,
            working_directory,
        }
    }

    /// `/vagrant/...` on the instance is the delivered code.
    fn guest_path(&self, p: &str) -> String {
        match p.strip_prefix("/vagrant") {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{}{rest}", self.code),
            _ => p.to_string(),
        }
    }

    /// The data directory a hiera.yaml names (v5 `datadir`, v3 `:datadir:`), default `data`.
    fn bundle_hiera_data(&mut self, hiera_rel: &str, machine: &str) {
        let path = self.dir.join(hiera_rel);
        let Ok(text) = std::fs::read_to_string(&path) else {
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

    /// The Vagrant puppet_server provisioner: enroll with the master (server,
    /// certname and challenge password in Puppet's own files), then `puppet agent`.
    fn puppet_agent(&mut self, m: &Machine, p: &vagrant::model::Provisioner) -> Vec<Step> {
        let o = &p.options;
        let Some(master) = &self.master else {
            // `choose` finds a master whenever a puppet_server provisioner exists.
            return vec![];
        };
        let server = if master.machine.as_deref() == Some(m.name.as_str()) {
            // The master enrolls with itself; its own user data cannot name its DNS name.
            "localhost".to_string()
        } else {
            master.server.clone()
        };
        let enroll = Step::EnrollAgent {
            server,
            certname: puppetmaster::certname(m, o),
            challenge_parameter: master.challenge_parameter.clone(),
            role: m.name.clone(),
        };
        let mut parts = vec!["--onetime".to_string(), "--no-daemonize".into()];
        match o.get("options") {
            Some(Json::Array(a)) => parts.extend(a.iter().filter_map(|x| jstr(Some(x)))),
            Some(Json::String(s)) => parts.push(s.clone()),
            _ => {}
        }
        parts.push("--detailed-exitcodes".into());
        let binary = jstr(o.get("binary_path"))
            .map(|b| format!("{}/", b.trim_end_matches('/')))
            .unwrap_or_default();
        vec![
            enroll,
            Step::PuppetAgent {
                command: format!("{binary}puppet agent {}", parts.join(" ")),
                env: facter_env(o.get("facter")),
                enrolled: true,
            },
        ]
    }
}

/// The AIO packages put `puppet` in /opt/puppetlabs/bin, not on a boot script's PATH.
fn aio_path() -> Step {
    Step::SetEnv {
        vars: vec![(
            "PATH".into(),
            "/opt/puppetlabs/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        )],
    }
}

fn facter_env(f: Option<&Json>) -> Vec<(String, String)> {
    match f {
        Some(Json::Object(o)) => o
            .iter()
            .map(|(k, v)| (format!("FACTER_{k}"), jstr(Some(v)).unwrap_or_default()))
            .collect(),
        _ => vec![],
    }
}

/// The plan for people.
pub fn describe(plan: &Plan) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let delivery = match &plan.delivery {
        Delivery::Embed { path } => format!("embedded in the artifacts, unpacked to {path}"),
        Delivery::Git {
            path,
            repository,
            git_ref,
            key_parameter,
        } => match key_parameter {
            Some(k) => format!("git clone {repository} ({git_ref}) to {path}; deploy key from SSM {k}"),
            None => format!("git clone {repository} ({git_ref}) to {path}"),
        },
        Delivery::S3 { path, bucket, key } => format!("s3://{bucket}/{key} unpacked to {path}"),
    };
    let _ = writeln!(s, "stack {} ({} machines)", plan.name, plan.nodes.len());
    if let Some(r) = &plan.region {
        let _ = writeln!(s, "  region   {r}");
    }
    let _ = writeln!(s, "  code     {delivery}");
    let _ = writeln!(s, "  ssh from {}", plan.ssh_cidr);
    if let Some(pm) = &plan.puppetmaster {
        let master = match &pm.node {
            Some(n) => format!("machine {n}"),
            None => format!("the existing master {}", pm.server),
        };
        let _ = writeln!(
            s,
            "  master   {master}; agents {}; autosign challenge from SSM {}",
            pm.agents.join(", "),
            pm.challenge_parameter
        );
    }
    let w = plan
        .nodes
        .iter()
        .flat_map(|n| n.steps.iter().map(|s| s.kind().len()))
        .fold(13, usize::max);
    for n in &plan.nodes {
        let _ = writeln!(s, "\nmachine {}", n.name);
        let ami = n
            .image
            .ami
            .clone()
            .or_else(|| n.image.ssm_parameter.clone())
            .unwrap_or_default();
        let _ = writeln!(s, "  image    {} ({ami})", n.image.os);
        let _ = writeln!(s, "  type     {}", n.instance.instance_type);
        if !n.ingress.is_empty() {
            let ports: Vec<String> = n.ingress.iter().map(|i| format!("{}/{}", i.port, i.protocol)).collect();
            let _ = writeln!(s, "  ports    {} from {}", ports.join(", "), plan.ingress_cidr);
        }
        for (i, st) in n.steps.iter().enumerate() {
            let _ = writeln!(s, "  {:>2}. {:<w$} {}", i + 1, st.kind(), st.label(&plan.delivery));
        }
    }
    s
}
