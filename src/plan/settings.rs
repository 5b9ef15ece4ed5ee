//! `puppetlift.toml`: what the team decides that the Vagrantfile cannot say.
//! Every key is optional; the defaults are documented in the README.

use crate::diagnostic::{Diagnostic, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Stack name (default: the project directory's name).
    pub name: Option<String>,
    /// AWS region (default: none; the stack's or the CLI's region).
    pub region: Option<String>,
    /// EC2 key pair for SSH (default: none).
    pub key_pair: Option<String>,
    /// Who may SSH in (default `127.0.0.1/32`: closed until set).
    pub ssh_cidr: Option<String>,
    /// Who may reach the forwarded ports (default `0.0.0.0/0`).
    pub ingress_cidr: Option<String>,
    /// How Puppet is installed.
    #[serde(default)]
    pub puppet: PuppetSettings,
    /// How the code reaches the instance.
    #[serde(default)]
    pub delivery: DeliverySettings,
    /// Per-machine overrides by Vagrant machine name.
    #[serde(default)]
    pub machines: BTreeMap<String, MachineSettings>,
    /// `puppetlift check` settings.
    #[serde(default)]
    pub check: CheckSettings,
    /// A puppetmaster in EC2 (the table's presence asks for one).
    pub puppetmaster: Option<PuppetmasterSettings>,
}

/// `[puppetmaster]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PuppetmasterSettings {
    /// An existing master the agents enroll with: no master node in the plan.
    pub host: Option<String>,
    /// The Vagrant machine that becomes the master (default: the one the
    /// `puppet_server` provisioner names; else a new `puppetmaster` node).
    pub machine: Option<String>,
    /// `auto` (default: Debian/Ubuntu's `puppetserver` where the image has it,
    /// else OpenVox), `os` or `openvox`.
    pub server: Option<String>,
    /// A new master node's image (default `debian-12`).
    pub image: Option<String>,
    /// A new master node's instance type (default `t3.medium`).
    pub instance_type: Option<String>,
    /// SSM SecureString with the autosign challenge password
    /// (default `/puppetlift/<name>/autosign-challenge`).
    pub challenge_parameter: Option<String>,
    /// Project directories deployed as the production environment's module
    /// path (default: those of `modules`, `site`, `dist` that exist).
    pub modulepath: Option<Vec<String>>,
    /// The production environment's manifest directory (default `manifests`).
    pub manifests: Option<String>,
}

/// `[check]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {
    /// Migration checks not to run (by name, e.g. `vagrant-user`).
    #[serde(default)]
    pub ignore: Vec<String>,
}

/// `[puppet]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PuppetSettings {
    /// `auto` (default), `os` or `openvox`.
    pub install: Option<String>,
    /// OpenVox major version (default 8).
    pub openvox_version: Option<u32>,
}

/// `[delivery]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    /// `embed` (default), `git` or `s3`.
    pub mode: Option<String>,
    /// Where the project lands on the instance (default `/opt/puppetlift/code`).
    pub path: Option<String>,
    /// git: the repository to clone.
    pub repository: Option<String>,
    /// git: branch or tag (default `main`).
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// git: SSM SecureString parameter holding the deploy key.
    pub deploy_key_parameter: Option<String>,
    /// s3: bucket.
    pub bucket: Option<String>,
    /// s3: object key (default `<name>/code.tar.gz`).
    pub key: Option<String>,
}

/// `[machines.NAME]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachineSettings {
    /// EC2 instance type.
    pub instance_type: Option<String>,
    /// An image name from targets/images.toml, an SSM parameter path or an AMI id.
    pub image: Option<String>,
    /// Root volume size in GiB.
    pub disk_gb: Option<u32>,
    /// Extra tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// The settings file's name in a project.
pub const FILE_NAME: &str = "puppetlift.toml";

impl Settings {
    /// Read `puppetlift.toml` from a project directory (defaults when absent).
    pub fn load(dir: &Path) -> Result<Settings, Box<Diagnostic>> {
        let path = dir.join(FILE_NAME);
        if !path.is_file() {
            return Ok(Settings::default());
        }
        let shown = path.display().to_string();
        let text = crate::project::read_text(&path)?;
        toml::from_str(&text).map_err(|e| {
            let span = e.span().map(|r| Span::new(r.start, r.end.max(r.start + 1)));
            Box::new(
                Diagnostic::error("settings-invalid", &shown, span, e.message().to_string())
                    .with_help("see the README's `puppetlift.toml` section for every key and its default"),
            )
        })
    }
}

/// A commented `puppetlift.toml` with what puppetlift derived, every key shown
/// (commented out where the default applies), so the first edit is a small one.
pub fn commented(plan: &super::Plan) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# puppetlift.toml: what the Vagrantfile cannot say. Every key is optional;"
    );
    let _ = writeln!(
        s,
        "# the values below are what puppetlift derived. See the README for each key.\n"
    );
    let _ = writeln!(s, "name = {:?}", plan.name);
    match &plan.region {
        Some(r) => {
            let _ = writeln!(s, "region = {r:?}");
        }
        None => {
            let _ = writeln!(
                s,
                "# region = \"eu-west-1\"          # default: the stack's / AWS CLI's region"
            );
        }
    }
    let key = plan.nodes.iter().find_map(|n| n.instance.key_pair.clone());
    match key {
        Some(k) => {
            let _ = writeln!(s, "key_pair = {k:?}");
        }
        None => {
            let _ = writeln!(s, "# key_pair = \"my-key\"           # default: no SSH key");
        }
    }
    let _ = writeln!(
        s,
        "ssh_cidr = {:?}              # who may SSH in (127.0.0.1/32: closed)",
        plan.ssh_cidr
    );
    let _ = writeln!(
        s,
        "ingress_cidr = {:?}             # who may reach the forwarded ports\n",
        plan.ingress_cidr
    );
    let _ = writeln!(s, "[puppet]");
    let _ = writeln!(
        s,
        "install = \"auto\"     # distribution packages where they are Puppet >= 7, else OpenVox (\"os\", \"openvox\")"
    );
    let _ = writeln!(s, "# openvox_version = 8\n");
    let _ = writeln!(s, "[delivery]");
    match &plan.delivery {
        super::Delivery::Embed { path } => {
            let _ = writeln!(
                s,
                "mode = \"embed\"       # or \"git\" (repository, ref, deploy_key_parameter) or \"s3\" (bucket, key)"
            );
            let _ = writeln!(s, "path = {path:?}");
        }
        super::Delivery::Git {
            path,
            repository,
            git_ref,
            key_parameter,
        } => {
            let _ = writeln!(
                s,
                "mode = \"git\"\npath = {path:?}\nrepository = {repository:?}\nref = {git_ref:?}"
            );
            if let Some(k) = key_parameter {
                let _ = writeln!(s, "deploy_key_parameter = {k:?}");
            }
        }
        super::Delivery::S3 { path, bucket, key } => {
            let _ = writeln!(s, "mode = \"s3\"\npath = {path:?}\nbucket = {bucket:?}\nkey = {key:?}");
        }
    }
    match &plan.puppetmaster {
        Some(pm) => {
            let _ = writeln!(s, "\n[puppetmaster]");
            let new_master = plan
                .nodes
                .iter()
                .find(|n| pm.new_node && pm.node.as_ref() == Some(&n.name));
            match &pm.node {
                Some(n) => {
                    match new_master {
                        Some(m) => {
                            let _ = writeln!(s, "# machine = \"NAME\"              # a Vagrant machine as the master (default: a new node)");
                            let _ = writeln!(s, "instance_type = {:?}", m.instance.instance_type);
                            let _ = writeln!(
                                s,
                                "image = {:?}",
                                m.image.ami.clone().unwrap_or_else(|| m.image.os.clone())
                            );
                        }
                        None => {
                            let _ = writeln!(
                                s,
                                "machine = {n:?}              # the Vagrant machine that is the master"
                            );
                        }
                    }
                    let _ = writeln!(
                        s,
                        "# host = \"puppet.example.com\"  # enroll with an existing master instead"
                    );
                    let _ = writeln!(s, "server = \"auto\"                # Debian's puppetserver where the image has it, else OpenVox (\"os\", \"openvox\")");
                }
                None => {
                    let _ = writeln!(s, "host = {:?}", pm.server);
                }
            }
            let _ = writeln!(
                s,
                "challenge_parameter = {:?}  # SSM SecureString: the autosign password",
                pm.challenge_parameter
            );
        }
        None => {
            let _ = writeln!(s, "\n# [puppetmaster]                # a master in EC2 for `puppet agent` runs (added for puppet_server provisioners)");
            let _ = writeln!(
                s,
                "# machine = \"NAME\"              # a Vagrant machine that becomes the master (default: a new node)"
            );
            let _ = writeln!(
                s,
                "# host = \"puppet.example.com\"  # or: enroll the agents with an existing master"
            );
        }
    }
    let vagrant_nodes = plan.nodes.iter().filter(|n| {
        !plan
            .puppetmaster
            .as_ref()
            .is_some_and(|pm| pm.new_node && pm.node.as_ref() == Some(&n.name))
    });
    for n in vagrant_nodes {
        let _ = writeln!(s, "\n[machines.{}]", toml_key(&n.name));
        let _ = writeln!(s, "instance_type = {:?}", n.instance.instance_type);
        let image = n.image.ami.clone().unwrap_or_else(|| n.image.os.clone());
        let _ = writeln!(s, "image = {image:?}");
        match n.instance.disk_gb {
            Some(gb) => {
                let _ = writeln!(s, "disk_gb = {gb}");
            }
            None => {
                let _ = writeln!(s, "# disk_gb = 20");
            }
        }
        let tags: Vec<String> = n
            .instance
            .tags
            .iter()
            .filter(|(k, _)| *k != "Name")
            .map(|(k, v)| format!("{} = {v:?}", toml_key(k)))
            .collect();
        if tags.is_empty() {
            let _ = writeln!(s, "# tags = {{ team = \"ops\" }}");
        } else {
            let _ = writeln!(s, "tags = {{ {} }}", tags.join(", "));
        }
    }
    s
}

fn toml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        k.to_string()
    } else {
        format!("{k:?}")
    }
}
