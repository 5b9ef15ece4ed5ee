//! The plan: what every EC2 machine must do at boot, in order, derived once from
//! the Vagrant model, the project's files and `puppetlift.toml`. Every target
//! (user-data, cloud-init, CloudFormation) renders this one plan.

mod box_os;
pub mod boxes;
pub mod compat;
mod delivery;
pub mod images;
pub mod network;
mod puppetfile;
pub mod puppetmaster;
pub mod sizing;
mod steps;

use delivery::delivery;
pub use steps::sh_quote;
use steps::Builder;

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
    /// The VPC that reproduces the Vagrant private networks; none without
    /// private networks (the default VPC, addresses from EC2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<network::Network>,
    /// Minutes CloudFormation waits for each boot to signal (CreationPolicy).
    pub boot_timeout_minutes: u32,
    /// Whether `delivery` is what `delivery.mode = "auto"` chose.
    #[serde(skip)]
    pub delivery_auto: bool,
    /// Why `auto` chose S3 (the embedded code did not fit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_choice: Option<String>,
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
    S3 {
        path: String,
        /// The bucket `delivery.bucket` names; none: the stack's own,
        /// `<bucket_prefix>-<account id>-<region>`, named where it is used
        /// (deploy scripts, boot script, stack policy) and created at deploy time.
        bucket: Option<String>,
        /// The stack's part of a derived bucket name (see [`delivery::bucket_prefix`]).
        bucket_prefix: String,
        key: String,
    },
}

impl Delivery {
    /// Where the project lands on the instance.
    pub fn path(&self) -> &str {
        match self {
            Delivery::Embed { path } | Delivery::Git { path, .. } | Delivery::S3 { path, .. } => path,
        }
    }

    /// The S3 object the instances fetch, for people: `s3://bucket/key`, a
    /// derived bucket spelled with `ACCOUNT` and `REGION`; none unless S3.
    pub fn s3_url(&self) -> Option<String> {
        match self {
            Delivery::S3 {
                bucket: Some(bucket),
                key,
                ..
            } => Some(format!("s3://{bucket}/{key}")),
            Delivery::S3 { bucket_prefix, key, .. } => Some(format!("s3://{bucket_prefix}-ACCOUNT-REGION/{key}")),
            _ => None,
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
    /// Its network interfaces on the stack's network, the first the primary
    /// (empty without [`Plan::network`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<network::Interface>,
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

impl PuppetSource {
    /// Where `[puppet]` says Puppet comes from on `image`, and whether an
    /// `install = "os"` had to be refused (the image ships no Puppet 7 or newer).
    pub fn choose(settings: &crate::settings::PuppetSettings, image: &Image) -> (PuppetSource, bool) {
        let openvox = PuppetSource::OpenVox {
            version: settings.openvox_version.unwrap_or(8),
            repo: image.openvox_repo.clone(),
        };
        match settings.install.as_deref().unwrap_or("auto") {
            "os" if image.puppet_os < 7 => (openvox, true),
            "os" => (PuppetSource::Os, false),
            "openvox" => (openvox, false),
            _ if image.puppet_os >= 7 => (PuppetSource::Os, false),
            _ => (openvox, false),
        }
    }

    /// The Puppet major version this source installs on an image whose own
    /// packages carry `puppet_os`.
    pub fn major(&self, puppet_os: u32) -> u32 {
        match self {
            PuppetSource::Os => puppet_os,
            PuppetSource::OpenVox { version, .. } => *version,
        }
    }
}

/// One boot step.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "step")]
pub enum Step {
    /// `config.vm.hostname`.
    SetHostname { hostname: String },
    /// Every machine's names resolve to its Vagrant address (`/etc/hosts`).
    SetHosts { entries: Vec<network::HostEntry> },
    /// Install Puppet.
    InstallPuppet { family: Family, source: PuppetSource },
    /// Environment every later step sees.
    SetEnv { vars: Vec<(String, String)> },
    /// Bring the project's code to `Delivery::path`.
    FetchCode,
    /// `[compat] vagrant_user`: the `vagrant` user and group a Vagrant box has.
    AddVagrantUser,
    /// Vagrant's synced folders: each guest path (`/vagrant`) links to the
    /// delivered copy of its project directory.
    LinkSyncedFolders {
        links: Vec<compat::FolderLink>,
        /// Who owns the delivered copies, as Vagrant mounts them (`vagrant` with `[compat] vagrant_user`).
        owner: Option<String>,
    },
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
        /// Where Vagrant uploads the script before running it (`upload_path`).
        upload_path: String,
        /// `binary`: keep Windows line endings (Vagrant makes them Unix by default).
        binary: bool,
    },
    /// The modules a `Puppetfile` names, put into its module directory before
    /// Puppet runs: from the Forge (`puppet module install`) or git, at boot.
    InstallModules {
        /// The Puppetfile, relative to the project.
        puppetfile: String,
        /// Where the modules go on the instance.
        moduledir: String,
        modules: Vec<crate::puppetfile::Module>,
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
            Step::SetHosts { entries } => entries
                .iter()
                .map(|e| e.names[0].as_str())
                .collect::<Vec<_>>()
                .join(" "),
            Step::InstallPuppet { source, .. } => match source {
                PuppetSource::Os => "distribution packages".into(),
                PuppetSource::OpenVox { version, .. } => format!("openvox{version}"),
            },
            Step::SetEnv { vars } => vars.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(" "),
            Step::FetchCode => match delivery {
                Delivery::Embed { .. } => "embedded archive".into(),
                Delivery::Git { repository, .. } => repository.clone(),
                Delivery::S3 { .. } => delivery.s3_url().unwrap_or_default(),
            },
            Step::AddVagrantUser => "vagrant".into(),
            Step::LinkSyncedFolders { links, .. } => {
                links.iter().map(|l| l.guest.as_str()).collect::<Vec<_>>().join(" ")
            }
            Step::WriteFile { destination, .. } => destination.clone(),
            Step::RunShell { name, path, .. } => path.clone().unwrap_or_else(|| name.clone()),
            Step::InstallModules {
                puppetfile, modules, ..
            } => format!("{} modules of {puppetfile}", modules.len()),
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
            Step::SetHosts { .. } => "SetHosts",
            Step::InstallPuppet { .. } => "InstallPuppet",
            Step::SetEnv { .. } => "SetEnv",
            Step::FetchCode => "FetchCode",
            Step::AddVagrantUser => "AddVagrantUser",
            Step::LinkSyncedFolders { .. } => "LinkSyncedFolders",
            Step::WriteFile { .. } => "WriteFile",
            Step::RunShell { .. } => "RunShell",
            Step::InstallModules { .. } => "InstallModules",
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
    /// Files the plan read that its diagnostics point into (Puppetfiles).
    pub sources: Vec<std::sync::Arc<crate::diagnostic::SourceFile>>,
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
    let (delivery, auto) = delivery(settings, &name, &mut diags);
    let mut errors = Vec::new();
    let master = puppetmaster::choose(settings, &name, machines, &mut errors);
    for (msg, help) in errors {
        diags.push(Diagnostic::error("settings-invalid", settings::FILE_NAME, None, msg).with_help(help));
    }
    let mut b = Builder {
        dir,
        root: &project.root,
        settings,
        vagrantfile: &vf,
        code: delivery.path().to_string(),
        diags: &mut diags,
        bundle: Vec::new(),
        image_override: image,
        master: master.clone(),
        puppetfiles: BTreeMap::new(),
    };
    let mut nodes = Vec::new();
    for m in machines {
        if let Some(n) = b.node(m) {
            nodes.push(n);
        }
    }
    let puppetmaster = master.map(|c| b.finish_master(c, machines, &mut nodes));
    let network = network::plan(
        machines,
        &mut nodes,
        &settings.network,
        project.vagrantfile(),
        &vf,
        b.diags,
    );
    if let Some(net) = network.as_ref().filter(|n| !n.hosts.is_empty()) {
        for node in &mut nodes {
            // After the hostname, as Vagrant's own /etc/hosts line comes first.
            let at = node
                .steps
                .iter()
                .position(|s| matches!(s, Step::SetHostname { .. }))
                .map_or(0, |i| i + 1);
            node.steps.insert(
                at,
                Step::SetHosts {
                    entries: net.hosts.clone(),
                },
            );
        }
    }
    b.deliver_synced_references(machines, &nodes);
    let sources = b.puppetfiles.values().flatten().map(|pf| pf.source.clone()).collect();
    let mut bundle = std::mem::take(&mut b.bundle);
    bundle.sort();
    bundle.dedup();
    compat::add_steps(
        &mut nodes,
        machines,
        settings,
        &compat::Delivered::new(&delivery, &bundle, dir),
    );
    let region = settings.region.clone().or_else(|| {
        machines.iter().find_map(|m| {
            m.providers
                .get("aws")
                .and_then(|a| a.get("region"))
                .and_then(Json::as_str)
                .map(str::to_string)
        })
    });
    let mut plan = Plan {
        name,
        region,
        ssh_cidr: settings.ssh_cidr.clone().unwrap_or_else(|| "127.0.0.1/32".into()),
        ingress_cidr: settings.ingress_cidr.clone().unwrap_or_else(|| "0.0.0.0/0".into()),
        delivery,
        nodes,
        bundle,
        puppetmaster,
        network,
        boot_timeout_minutes: settings.boot_timeout_minutes.unwrap_or(30),
        delivery_auto: auto,
        delivery_choice: None,
    };
    if auto {
        delivery::settle_auto(&mut plan, settings, &project.root);
    }
    Planned {
        plan,
        diagnostics: diags,
        sources,
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

impl Builder<'_> {}

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
        Delivery::S3 { path, .. } => format!("{} unpacked to {path}", plan.delivery.s3_url().unwrap_or_default()),
    };
    let _ = writeln!(s, "stack {} ({} machines)", plan.name, plan.nodes.len());
    if let Some(r) = &plan.region {
        let _ = writeln!(s, "  region   {r}");
    }
    let _ = writeln!(s, "  code     {delivery}");
    if let Some(why) = &plan.delivery_choice {
        let _ = writeln!(s, "           (auto: {why})");
    }
    let _ = writeln!(s, "  ssh from {}", plan.ssh_cidr);
    if let Some(net) = &plan.network {
        let vpc = match &net.vpc {
            Some(id) => format!("existing VPC {id} ({})", net.cidr),
            None => format!("new VPC {} with an internet gateway", net.cidr),
        };
        let subnets: Vec<String> = (net.subnets.iter())
            .map(|s| match &s.id {
                Some(id) => format!("{} ({id})", s.cidr),
                None => s.cidr.clone(),
            })
            .collect();
        let _ = writeln!(s, "  network  {vpc}; subnets {}", subnets.join(", "));
        if !net.domains.is_empty() {
            let _ = writeln!(s, "  dns      private zones {}", net.domains.join(", "));
        }
    }
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
        if let Some(net) = &plan.network {
            let interfaces: Vec<String> = (n.interfaces.iter())
                .map(|i| {
                    let subnet = &net.subnets[i.subnet].cidr;
                    match &i.address {
                        Some(a) => format!("{a} in {subnet}"),
                        None => format!("any address in {subnet}"),
                    }
                })
                .collect();
            let _ = writeln!(s, "  address  {}", interfaces.join("; "));
        }
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
