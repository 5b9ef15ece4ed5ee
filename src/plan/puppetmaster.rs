//! The puppetmaster in EC2: which machine is the master, what the agents
//! enroll with, and the steps that make a node a master.
//!
//! A plan has a master when a Vagrant machine uses the `puppet_server`
//! provisioner or `puppetlift.toml` has a `[puppetmaster]` table. The master is
//! the Vagrant machine the provisioner names (by name or hostname), the one
//! `[puppetmaster] machine` names, or else a new `puppetmaster` node; with
//! `[puppetmaster] host` the agents enroll with an existing master instead.

use super::images::Family;
use super::settings::{PuppetmasterSettings, Settings};
use super::{Node, PuppetSource, Step};
use crate::vagrant::Machine;
use serde::Serialize;
use serde_json::Value as Json;

/// The name of the node added when no Vagrant machine is the master.
pub const NEW_NODE: &str = "puppetmaster";

/// What the agents enroll with.
#[derive(Debug, Clone, Serialize)]
pub struct Puppetmaster {
    /// The plan node that is the master; `None` for an existing master (`[puppetmaster] host`).
    pub node: Option<String>,
    /// The master node is not a Vagrant machine but added by the plan.
    pub new_node: bool,
    /// The name the agents ask for where the artifact cannot refer to the master
    /// node (plain user-data, cloud-init): `--puppetmaster HOST`,
    /// `[puppetmaster] host`, or what the Vagrantfile's `puppet_server` says.
    pub server: String,
    /// Where `server` comes from.
    pub server_from: ServerFrom,
    /// SSM SecureString with the autosign challenge password (read at boot by the
    /// master and the agents; never in an artifact).
    pub challenge_parameter: String,
    /// The nodes that enroll with the master, in plan order.
    pub agents: Vec<String>,
}

/// Where the name agents use in plain user-data and cloud-init comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerFrom {
    /// The `puppet_server` option of the Vagrantfile: a name from the Vagrant network.
    Vagrantfile,
    /// `[puppetmaster] host` in puppetlift.toml.
    Settings,
    /// `build --puppetmaster HOST`.
    CommandLine,
}

/// The master chosen before the nodes are built: the agents' steps need it.
#[derive(Debug, Clone)]
pub(super) struct Choice {
    pub settings: PuppetmasterSettings,
    /// The Vagrant machine that is the master, or `None` (a new node or an existing host).
    pub machine: Option<String>,
    pub server: String,
    pub server_from: ServerFrom,
    pub challenge_parameter: String,
}

/// The `puppet_server` value of a machine's (first, enabled) puppet_server provisioner.
pub(super) fn server_option(m: &Machine) -> Option<String> {
    m.provisioners
        .iter()
        .filter(|p| p.kind == "puppet_server" && p.run.as_deref() != Some("never"))
        .find_map(|p| {
            p.options
                .get("puppet_server")
                .and_then(Json::as_str)
                .map(str::to_string)
        })
}

/// `name` names the machine: its name or hostname, or the first label of one of
/// them when the other is a single label (`puppet` and `puppet.vagrant.test`).
fn names_machine(name: &str, m: &Machine) -> bool {
    let first = |s: &str| s.split('.').next().unwrap_or_default().to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    [Some(m.name.as_str()), m.hostname.as_deref()]
        .into_iter()
        .flatten()
        .any(|own| {
            let own = own.to_ascii_lowercase();
            own == name || (!own.contains('.') || !name.contains('.')) && first(&own) == first(&name)
        })
}

/// Choose the master, or `None` when the setup has none.
pub(super) fn choose(
    settings: &Settings,
    stack: &str,
    machines: &[Machine],
    errors: &mut Vec<(String, String)>,
) -> Option<Choice> {
    let vagrant_server = machines.iter().find_map(server_option);
    if settings.puppetmaster.is_none() && vagrant_server.is_none() {
        return None;
    }
    let ps = settings.puppetmaster.clone().unwrap_or_default();
    let challenge_parameter = ps
        .challenge_parameter
        .clone()
        .unwrap_or_else(|| format!("/puppetlift/{stack}/autosign-challenge"));
    let (mut server, server_from) = match (&ps.host, &vagrant_server) {
        (Some(h), _) => (h.clone(), ServerFrom::Settings),
        (None, Some(v)) => (v.clone(), ServerFrom::Vagrantfile),
        (None, None) => (NEW_NODE.to_string(), ServerFrom::Vagrantfile),
    };
    if !valid_host(&server) {
        errors.push((
            format!("the puppetmaster `{server}` is not a host name or address"),
            "set `[puppetmaster] host`, or pass `build --puppetmaster HOST`".into(),
        ));
        server = "puppet".into();
    }
    let machine = if ps.host.is_some() {
        None
    } else if let Some(name) = &ps.machine {
        if machines.iter().any(|m| &m.name == name) {
            Some(name.clone())
        } else {
            errors.push((
                format!("`[puppetmaster] machine = \"{name}\"` names no machine of the Vagrantfile"),
                format!(
                    "use one of {}, or remove the key to add a new `{NEW_NODE}` node",
                    machines
                        .iter()
                        .map(|m| format!("`{}`", m.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            None
        }
    } else {
        vagrant_server
            .as_deref()
            .and_then(|s| machines.iter().find(|m| names_machine(s, m)))
            .map(|m| m.name.clone())
    };
    Some(Choice {
        settings: ps,
        machine,
        server,
        server_from,
        challenge_parameter,
    })
}

/// How the server is installed: the distribution's `puppetserver` where the
/// master's image has one and every agent runs the distribution's Puppet (an
/// agent newer than its server is not supported), else OpenVox's `openvox-server`.
pub(super) fn server_source(
    choice: &Choice,
    image: &super::Image,
    agents: &[&Node],
    openvox_version: u32,
) -> Result<PuppetSource, String> {
    let openvox = PuppetSource::OpenVox {
        version: openvox_version,
        repo: image.openvox_repo.clone(),
    };
    let agents_os = agents.iter().all(|n| {
        n.steps.iter().all(|s| {
            !matches!(
                s,
                Step::InstallPuppet {
                    source: PuppetSource::OpenVox { .. },
                    ..
                }
            )
        })
    });
    match choice.settings.server.as_deref().unwrap_or("auto") {
        "os" if image.puppetserver_os => Ok(PuppetSource::Os),
        "os" => Err(format!(
            "`[puppetmaster] server = \"os\"` but {} has no puppetserver package",
            image.os
        )),
        "openvox" => Ok(openvox),
        "auto" if image.puppetserver_os && agents_os => Ok(PuppetSource::Os),
        "auto" => Ok(openvox),
        other => Err(format!(
            "unknown `[puppetmaster] server = \"{other}\"`: use \"auto\", \"os\" or \"openvox\""
        )),
    }
}

/// The master's steps before the machine's own: install, code, start.
pub(super) fn master_steps(
    family: Family,
    source: PuppetSource,
    challenge_parameter: &str,
    environment: super::Environment,
    alt_names: Vec<String>,
) -> Vec<Step> {
    let aio = matches!(source, PuppetSource::OpenVox { .. });
    let mut steps = vec![Step::InstallPuppetServer { family, source }];
    if aio {
        steps.push(super::steps::aio_path());
    }
    steps.push(Step::FetchCode);
    steps.push(Step::DeployEnvironment(environment));
    steps.push(Step::StartPuppetServer {
        challenge_parameter: challenge_parameter.to_string(),
        alt_names,
    });
    steps
}

/// The certificate name of an agent: Vagrant's `puppet_node`, the hostname, or
/// the machine's name (Vagrant falls back to the box name, which every machine
/// of a box shares: a second agent's certificate request would be refused).
pub(super) fn certname(m: &Machine, provisioner_options: &serde_json::Map<String, Json>) -> String {
    provisioner_options
        .get("puppet_node")
        .and_then(Json::as_str)
        .map(str::to_string)
        // Without `puppet_node`, Puppet's own default: the host's name, lower case.
        .or_else(|| m.hostname.as_ref().map(|h| h.to_ascii_lowercase()))
        .unwrap_or_else(|| m.name.to_ascii_lowercase())
}

/// A DNS name or address an agent can be pointed at (no shell or template metacharacters).
pub fn valid_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':')
        && !h.starts_with(['-', '.'])
}

impl super::Builder<'_> {
    /// Make the chosen master a node of the plan (a Vagrant machine's, or a new
    /// one) and say who enrolls with it.
    pub(super) fn finish_master(
        &mut self,
        choice: Choice,
        machines: &[Machine],
        nodes: &mut Vec<Node>,
    ) -> Puppetmaster {
        let agents: Vec<String> = nodes
            .iter()
            .filter(|n| n.steps.iter().any(|s| matches!(s, Step::EnrollAgent { .. })))
            .map(|n| n.name.clone())
            .collect();
        let mut done = Puppetmaster {
            node: None,
            new_node: false,
            server: choice.server.clone(),
            server_from: choice.server_from,
            challenge_parameter: choice.challenge_parameter.clone(),
            agents: agents.clone(),
        };
        if choice.settings.host.is_some() {
            return done;
        }
        let index = match &choice.machine {
            Some(name) => match nodes.iter().position(|n| &n.name == name) {
                Some(i) => i,
                // The machine has no node (its image is unknown): already reported.
                None => return done,
            },
            None => match self.new_master_node(&choice, machines, nodes) {
                Some(n) => {
                    nodes.insert(0, n);
                    done.new_node = true;
                    0
                }
                None => return done,
            },
        };
        let agent_nodes: Vec<&Node> = nodes.iter().filter(|n| agents.contains(&n.name)).collect();
        let master_image = nodes[index].image.clone();
        let openvox_version = self.settings.puppet.openvox_version.unwrap_or(8);
        let source = match server_source(&choice, &master_image, &agent_nodes, openvox_version) {
            Ok(s) => s,
            Err(msg) => {
                self.diags.push(
                    crate::diagnostic::Diagnostic::error("settings-invalid", super::settings::FILE_NAME, None, msg)
                        .with_help(
                            "use server = \"auto\" (the distribution's puppetserver where it has one, else OpenVox)",
                        ),
                );
                PuppetSource::OpenVox {
                    version: openvox_version,
                    repo: master_image.openvox_repo.clone(),
                }
            }
        };
        let name = nodes[index].name.clone();
        let environment = self.environment(&choice.settings, &name);
        let mut alt_names = vec!["puppet".to_string()];
        for n in [Some(choice.server.as_str()), nodes[index].hostname.as_deref()]
            .into_iter()
            .flatten()
        {
            if valid_host(n) && n.parse::<std::net::IpAddr>().is_err() && !alt_names.iter().any(|a| a == n) {
                alt_names.push(n.to_string());
            }
        }
        if agents.contains(&name) {
            alt_names.push("localhost".into());
        }
        let node = &mut nodes[index];
        let mut steps = Vec::new();
        let mut own = std::mem::take(&mut node.steps).into_iter().peekable();
        if let Some(h) = own.next_if(|s| matches!(s, Step::SetHostname { .. })) {
            steps.push(h);
        }
        steps.extend(master_steps(
            master_image.family,
            source,
            &choice.challenge_parameter,
            environment,
            alt_names,
        ));
        // The server's packages bring Puppet; the code is already fetched.
        steps.extend(own.filter(|s| {
            !matches!(s, Step::InstallPuppet { .. } | Step::FetchCode)
                && !matches!(s, Step::SetEnv { vars } if vars.iter().all(|(k, _)| k == "PATH"))
        }));
        node.steps = steps;
        done.node = Some(name);
        done
    }

    /// A node for the master when no Vagrant machine is one.
    fn new_master_node(&mut self, choice: &Choice, machines: &[Machine], nodes: &[Node]) -> Option<Node> {
        let mut name = NEW_NODE.to_string();
        let mut i = 1;
        while machines.iter().any(|m| m.name == name) {
            i += 1;
            name = format!("{NEW_NODE}-{i}");
        }
        let os = choice.settings.image.clone().unwrap_or_else(|| "debian-12".into());
        let (os, ami, ssm) = if os.starts_with("ami-") {
            ("debian-12".to_string(), Some(os), None)
        } else if os.starts_with('/') {
            ("debian-12".to_string(), None, Some(os))
        } else {
            (os, None, None)
        };
        let Some(resolved) = super::images::resolve(&os) else {
            self.diags.push(
                crate::diagnostic::Diagnostic::error(
                    "settings-invalid",
                    super::settings::FILE_NAME,
                    None,
                    format!("`[puppetmaster] image = \"{os}\"` is not an image puppetlift knows"),
                )
                .with_help(format!("use one of {}", super::images::known_images().join(", "))),
            );
            return None;
        };
        let mut image = resolved.image;
        if ami.is_some() || ssm.is_some() {
            image.ami = ami;
            image.ssm_parameter = ssm;
        }
        let mut tags = std::collections::BTreeMap::new();
        tags.insert("Name".to_string(), name.clone());
        Some(Node {
            name,
            hostname: None,
            image,
            instance: super::InstanceSpec {
                instance_type: choice
                    .settings
                    .instance_type
                    .clone()
                    .unwrap_or_else(|| "t3.medium".into()),
                key_pair: self
                    .settings
                    .key_pair
                    .clone()
                    .or_else(|| nodes.iter().find_map(|n| n.instance.key_pair.clone())),
                disk_gb: None,
                tags,
            },
            ingress: vec![],
            interfaces: vec![],
            steps: vec![],
        })
    }

    /// The production environment: the project's manifests and module
    /// directories, delivered with the code.
    fn environment(&mut self, ps: &PuppetmasterSettings, master: &str) -> super::Environment {
        let manifest = ps
            .manifests
            .clone()
            .or_else(|| self.dir.join("manifests").is_dir().then(|| "manifests".to_string()));
        let modulepath = ps.modulepath.clone().unwrap_or_else(|| {
            ["modules", "site", "dist"]
                .into_iter()
                .filter(|d| self.dir.join(d).is_dir())
                .map(str::to_string)
                .collect()
        });
        for d in manifest.iter().chain(&modulepath) {
            self.add_to_bundle(d, master);
        }
        // An environment reads its own hiera.yaml (Hiera 5) at its root.
        if self.dir.join("hiera.yaml").is_file() {
            self.add_to_bundle("hiera.yaml", master);
            self.bundle_hiera_data("hiera.yaml", master);
        }
        super::Environment {
            name: "production".into(),
            manifest,
            modulepath,
        }
    }
}

impl super::Plan {
    /// Point the agents at `host` (`build --puppetmaster HOST`): the name plain
    /// user-data and cloud-init use; CloudFormation refers to the master node.
    pub fn set_puppetmaster_host(&mut self, host: &str) -> Result<(), String> {
        if !valid_host(host) {
            return Err(format!("`{host}` is not a host name or address"));
        }
        let Some(pm) = &mut self.puppetmaster else {
            return Err("this setup has no puppetmaster: no `puppet_server` provisioner and no `[puppetmaster]` in puppetlift.toml".into());
        };
        pm.server = host.to_string();
        pm.server_from = ServerFrom::CommandLine;
        let master = pm.node.clone();
        for node in &mut self.nodes {
            let is_master = Some(&node.name) == master.as_ref();
            for step in &mut node.steps {
                match step {
                    Step::EnrollAgent { server, .. } if !is_master => *server = host.to_string(),
                    // The master's certificate must be valid for the name agents use.
                    Step::StartPuppetServer { alt_names, .. }
                        if host.parse::<std::net::IpAddr>().is_err() && !alt_names.iter().any(|a| a == host) =>
                    {
                        alt_names.push(host.to_string())
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}
