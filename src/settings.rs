//! `puppetlift.toml`: what the team decides that the Vagrantfile cannot say.
//! Every key is optional; the defaults are documented in the README.

use crate::diagnostic::{Diagnostic, SourceFile, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

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
    /// What a Vagrant box gave the code that EC2 images lack.
    #[serde(default)]
    pub compat: CompatSettings,
    /// Where the Vagrant private networks go.
    #[serde(default)]
    pub network: NetworkSettings,
    /// Minutes CloudFormation waits for a machine's boot script to report that
    /// provisioning finished (default 30).
    pub boot_timeout_minutes: Option<u32>,
}

/// `[network]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    /// An existing VPC to deploy into (default: the stack creates one).
    pub vpc: Option<String>,
    /// With `vpc`: one existing subnet per Vagrant private network, in the
    /// order the Vagrantfile names them; each must hold its network's addresses.
    #[serde(default)]
    pub subnets: Vec<String>,
    /// The VPC's block (default: the smallest covering the Vagrant networks;
    /// with `vpc`, the existing VPC's block, so addresses outside it are found here).
    pub cidr: Option<String>,
}

/// `[compat]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompatSettings {
    /// Create the `vagrant` user and group as Vagrant boxes have them (default false).
    pub vagrant_user: Option<bool>,
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
    /// Run Puppet 8 with Puppet 7's leniency (default true): legacy facts as
    /// top-scope variables, unknown variables undef, language warnings not
    /// fatal, so code written for Puppet 3–7 applies unchanged. `false`: Puppet
    /// 8's own defaults.
    pub legacy_compat: Option<bool>,
}

impl PuppetSettings {
    /// Whether a Puppet 8 `puppet apply` runs with Puppet 7's leniency.
    pub fn legacy_compat(&self) -> bool {
        self.legacy_compat.unwrap_or(true)
    }
}

/// `[delivery]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    /// `auto` (default: `embed` while the code fits in EC2's user data, else
    /// `s3`), `embed`, `git` or `s3`.
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
    /// s3: bucket (needed by `s3`; under `auto` the default is
    /// `<name>-<account id>-<region>`, named and created at deploy time).
    pub bucket: Option<String>,
    /// s3: object key (default `<name>/code.tar.gz`; under `auto`
    /// `<name>/code-<digest>.tar.gz`, so new code is a new boot).
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
        let (settings, _, error) = Settings::read(&crate::files::Root::new(dir, &[]));
        match error {
            Some(d) => Err(Box::new(d)),
            None => Ok(settings),
        }
    }

    /// Read `puppetlift.toml` from a project directory: the settings (the
    /// defaults when it is absent or invalid), its text, and why it is invalid.
    pub fn read(root: &crate::files::Root) -> (Settings, Option<Arc<SourceFile>>, Option<Diagnostic>) {
        let path = root.dir().join(FILE_NAME);
        if std::fs::symlink_metadata(&path).is_err() {
            return (Settings::default(), None, None);
        }
        let shown = path.display().to_string();
        let text = match root.read_text(&path) {
            Ok(t) => t,
            Err(d) => return (Settings::default(), None, Some(*d)),
        };
        let parsed = toml::from_str(&text).map_err(|e| {
            let span = e.span().map(|r| Span::new(r.start, r.end.max(r.start + 1)));
            Diagnostic::error("settings-invalid", &shown, span, e.message().to_string())
                .with_help("see the README's `puppetlift.toml` section for every key and its default")
        });
        let source = Some(SourceFile::new(shown, text));
        match parsed {
            Ok(s) => (s, source, None),
            Err(d) => (Settings::default(), source, Some(d)),
        }
    }
}
