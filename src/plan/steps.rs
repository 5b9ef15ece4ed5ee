//! Each Vagrant machine becomes a node: its image, its size and ports, and its
//! boot steps in Vagrant's order (hostname, Puppet, environment, code, then one
//! step per provisioner, with Vagrant's own `puppet apply` command line).

use super::*;

/// The plan being built: what the nodes share while Vagrant's machines are
/// planned in order (settings, where the code lands, the bundle, diagnostics).
pub(super) struct Builder<'a> {
    pub(super) dir: &'a Path,
    /// The project's boundary, which every file the plan reads stays in.
    pub(super) root: &'a crate::files::Root,
    pub(super) settings: &'a Settings,
    pub(super) vagrantfile: &'a str,
    pub(super) code: String,
    pub(super) diags: &'a mut Vec<Diagnostic>,
    pub(super) bundle: Vec<String>,
    pub(super) image_override: Option<&'a str>,
    pub(super) master: Option<puppetmaster::Choice>,
    /// Each Puppetfile read so far (by its path in the project), once.
    pub(super) puppetfiles: BTreeMap<String, Option<crate::puppetfile::Puppetfile>>,
}

/// A JSON value from the Vagrant model as a string (`nil` is none).
pub(super) fn jstr(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) => Some(s.clone()),
        Json::Null => None,
        other => Some(other.to_string()),
    }
}

/// A Vagrant option that takes a string or a list of strings (`module_path`,
/// `options`) as the list.
pub(super) fn jstrs(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::Array(a)) => a.iter().filter_map(|x| jstr(Some(x))).collect(),
        Some(Json::String(s)) => vec![s.clone()],
        _ => vec![],
    }
}

/// Single-quote for the shell.
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c)) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The AIO packages put `puppet` in /opt/puppetlabs/bin, not on a boot script's PATH.
pub(super) fn aio_path() -> Step {
    Step::SetEnv {
        vars: vec![(
            "PATH".into(),
            "/opt/puppetlabs/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        )],
    }
}

pub(super) fn facter_env(f: Option<&Json>) -> Vec<(String, String)> {
    match f {
        Some(Json::Object(o)) => o
            .iter()
            .map(|(k, v)| (format!("FACTER_{k}"), jstr(Some(v)).unwrap_or_default()))
            .collect(),
        _ => vec![],
    }
}

impl Builder<'_> {
    pub(super) fn warn(&mut self, code: &'static str, msg: String, help: &str) {
        self.say(Diagnostic::warning(code, self.vagrantfile, None, msg).with_help(help));
    }

    pub(super) fn error(&mut self, code: &'static str, msg: String, help: &str) {
        self.say(Diagnostic::error(code, self.vagrantfile, None, msg).with_help(help));
    }

    /// A diagnostic, once: several provisioners of a machine often name the same path.
    fn say(&mut self, d: Diagnostic) {
        if !self.diags.contains(&d) {
            self.diags.push(d);
        }
    }

    pub(super) fn node(&mut self, m: &Machine) -> Option<Node> {
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
            interfaces: Vec::new(),
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
            Some(e) if e.starts_with("ami-") => (None, Some(e.to_string()), None),
            Some(e) if e.starts_with('/') => (None, None, Some(e.to_string())),
            Some(e) => (Some(e.to_string()), None, None),
            None => (None, None, None),
        };
        let os = match os {
            Some(os) => os,
            None => self.os_of_box(m, &box_name, ami.as_deref())?,
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
        // An explicit AMI or parameter wins over the publisher's newest AMI.
        if ami.is_some() || ssm.is_some() {
            image.ami_lookup = None;
        }
        if let Some(s) = ssm {
            image.ssm_parameter = Some(s);
        }
        image.ami = ami;
        if image.ami.is_none() && image.ssm_parameter.is_none() && image.ami_lookup.is_none() {
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
        let mut puppet8 = false;
        let mut distribution_puppet = false;
        if uses_puppet {
            let source = self.puppet_source(image);
            let aio = matches!(source, PuppetSource::OpenVox { .. });
            puppet8 = source.major(image.puppet_os) >= 8;
            distribution_puppet = !aio;
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
                "puppet" => {
                    if let Some(install) = self.install_modules(m, p) {
                        if !steps.iter().any(|s| super::puppetfile::same(s, &install)) {
                            steps.push(install);
                        }
                    }
                    steps.push(self.puppet_apply(m, p, puppet8, distribution_puppet))
                }
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

    pub(super) fn puppet_source(&mut self, image: &Image) -> PuppetSource {
        let (source, refused) = PuppetSource::choose(&self.settings.puppet, image);
        if refused {
            self.error(
                "settings-invalid",
                format!("`puppet.install = \"os\"` but {} ships no Puppet 7 or newer", image.os),
                "use install = \"openvox\" (or \"auto\")",
            );
        }
        source
    }

    pub(super) fn code_path(&self, rel: &str) -> String {
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
        let upload_path = jstr(p.options.get("upload_path")).unwrap_or_else(|| "/tmp/vagrant-shell".into());
        let binary = p.options.get("binary").and_then(Json::as_bool).unwrap_or(false);
        Some(Step::RunShell {
            name: label.to_string(),
            inline,
            path,
            args,
            env,
            privileged,
            upload_path,
            binary,
        })
    }

    /// Vagrant's `puppet apply` command line (plugins/provisioners/puppet/provisioner/puppet.rb).
    fn puppet_apply(
        &mut self,
        m: &Machine,
        p: &vagrant::model::Provisioner,
        puppet8: bool,
        distribution_puppet: bool,
    ) -> Step {
        let o = &p.options;
        let host_or_vm = |v: Option<&Json>| -> Option<(bool, String)> {
            match v? {
                Json::Array(a) if a.len() == 2 => Some((a[0].as_str() == Some("host"), jstr(a.get(1))?)),
                Json::String(s) => Some((true, s.clone())),
                _ => None,
            }
        };
        let mut parts = jstrs(o.get("options"));
        let module_paths = jstrs(o.get("module_path"));
        if !module_paths.is_empty() {
            let mut guest: Vec<String> = Vec::new();
            for mp in &module_paths {
                if !self.made_by_puppetfile(mp) {
                    self.add_to_bundle(mp, &m.name);
                }
                guest.push(self.code_path(mp));
            }
            guest.push("/etc/puppet/modules".into());
            // A modulepath on the command line replaces the base one, where a
            // distribution's Puppet keeps the core type modules (host, cron,
            // mount, ...) that every box's Puppet had built in; OpenVox keeps
            // them in its vendored modules, which it always reads.
            if distribution_puppet {
                guest.push("/usr/share/puppet/modules".into());
            }
            parts.push(format!("--modulepath '{}'", guest.join(":")));
        }
        if let Some(h) = jstr(o.get("hiera_config_path")) {
            self.add_to_bundle(&h, &m.name);
            self.bundle_hiera_data(&h, &m.name);
            parts.push(format!("--hiera_config={}", self.code_path(&h)));
        }
        // Puppet names the node by its certname, which on Vagrant was the
        // machine's hostname (`hostname -f`); Puppet 8 matches `node` statements
        // against the certname only, so it is given as the Vagrantfile says it,
        // lower case as Puppet's default certname is (it refuses capitals).
        if let Some(h) = m
            .hostname
            .as_deref()
            .filter(|_| !parts.iter().any(|p| p.contains("--certname")))
        {
            parts.push(format!("--certname={}", sh_quote(&h.to_ascii_lowercase())));
        }
        // Code written for Puppet 3–7 reads legacy facts and unset variables,
        // which Puppet 8 rejects by default; `[puppet] legacy_compat` (on unless
        // switched off) keeps Puppet 7's leniency, and `puppet8-strict` says
        // what to change before switching it off. The Vagrantfile's own
        // options win.
        if puppet8 && self.settings.puppet.legacy_compat() {
            let given = |name: &str| {
                parts.iter().flat_map(|p| p.split_whitespace()).any(|w| {
                    let w = w.trim_start_matches('-');
                    w.trim_start_matches("no-").split('=').next() == Some(name)
                })
            };
            let flags = [
                ("include_legacy_facts", "--include_legacy_facts"),
                ("strict_variables", "--no-strict_variables"),
                ("strict", "--strict=warning"),
            ];
            let missing: Vec<&str> = flags.iter().filter(|(n, _)| !given(n)).map(|(_, f)| *f).collect();
            parts.extend(missing.into_iter().map(String::from));
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
                // Vagrant refuses a manifest file its manifests directory lacks.
                let rel = format!("{}/{file}", mpath.trim_end_matches('/'));
                if self.dir.join(&mpath).is_dir() && !self.dir.join(&rel).exists() {
                    self.error(
                        "missing-file",
                        format!(
                            "machine `{}` applies `{rel}`, which does not exist in the project",
                            m.name
                        ),
                        "set `manifest_file` to the manifest to apply (Vagrant 1.0 defaulted to `BOX.pp`, later Vagrant to `default.pp`)",
                    );
                }
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
        parts.extend(jstrs(o.get("options")));
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
