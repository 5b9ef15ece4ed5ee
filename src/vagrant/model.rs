//! The machines a Vagrantfile describes, as Vagrant itself would see them, and
//! their normal form (the one `../shared/oracles/vagrant-compare.py` documents).

use serde_json::{json, Map, Value as Json};

/// Everything puppetlift understood from one Vagrant project.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Machines in definition order ("default" when none is defined).
    pub machines: Vec<Machine>,
}

/// One Vagrant machine with its effective configuration.
#[derive(Debug, Clone, Default)]
pub struct Machine {
    /// `config.vm.define` name.
    pub name: String,
    /// `primary: true`.
    pub primary: bool,
    /// `autostart:` (true unless set).
    pub autostart: Json,
    /// `config.vm.box`.
    pub box_name: Option<String>,
    /// First `config.vm.box_url`.
    pub box_url: Option<String>,
    /// `config.vm.hostname`.
    pub hostname: Option<String>,
    /// VirtualBox memory in MiB (`vb.memory` or `modifyvm --memory`).
    pub memory: Option<i64>,
    /// VirtualBox CPUs.
    pub cpus: Option<i64>,
    /// `network "forwarded_port"` options (id removed), Vagrant's merge applied.
    pub forwarded_ports: Vec<Map<String, Json>>,
    /// `network "private_network"` options.
    pub private_networks: Vec<Map<String, Json>>,
    /// `network "public_network"` options.
    pub public_networks: Vec<Map<String, Json>>,
    /// Synced folders: host, guest, disabled and the other options.
    pub synced_folders: Vec<SyncedFolder>,
    /// Provisioners in the order Vagrant runs them.
    pub provisioners: Vec<Provisioner>,
    /// Provider settings by provider name (`virtualbox`, `aws`, ...), evaluated.
    pub providers: Map<String, Json>,
    /// What a provider's `override` changes (by provider): box, ssh username, ...
    pub overrides: Map<String, Json>,
    /// `config.ssh.username`.
    pub ssh_username: Option<String>,
    /// The settings of the other `config.NAME` namespaces (`ssh`, plugins'
    /// such as `r10k` or `hostmanager`), by name: the machine's over the file's.
    pub namespaces: Map<String, Json>,
}

/// A synced folder.
#[derive(Debug, Clone)]
pub struct SyncedFolder {
    /// Host path as written.
    pub host: Json,
    /// Guest path (trailing `/` removed).
    pub guest: Option<String>,
    /// `disabled: true`.
    pub disabled: bool,
    /// The other options (type, owner, mount_options, ...).
    pub options: Map<String, Json>,
}

/// A provisioner with its effective options (Vagrant's defaults filled in).
#[derive(Debug, Clone)]
pub struct Provisioner {
    /// `shell`, `puppet`, `puppet_server`, `file`, ...
    pub kind: String,
    /// The name given with `type:`, if any.
    pub name: Option<String>,
    /// `run:` (`once`, `always`, `never`), if set.
    pub run: Option<String>,
    /// Effective options.
    pub options: Map<String, Json>,
}

impl Model {
    /// The normal form `puppetlift inspect --json` prints.
    pub fn normal_form(&self) -> Json {
        let machines: Vec<Json> = self.machines.iter().map(Machine::normal_form).collect();
        json!({ "machines": machines })
    }
}

impl Machine {
    fn normal_form(&self) -> Json {
        // A port with id "ssh" replaces Vagrant's own ssh forward; like that one it is left out.
        let fps: Vec<Json> = self
            .forwarded_ports
            .iter()
            .filter(|o| o.get("id").and_then(Json::as_str) != Some("ssh"))
            .map(|o| {
                json!({"guest": o.get("guest").cloned().unwrap_or(Json::Null),
                       "host": o.get("host").cloned().unwrap_or(Json::Null),
                       "protocol": o.get("protocol").cloned().unwrap_or(json!("tcp"))})
            })
            .collect();
        let privs: Vec<Json> = self
            .private_networks
            .iter()
            .map(|o| {
                let ip = o.get("ip").cloned().unwrap_or(Json::Null);
                let ty = if is_falsy(&ip) {
                    o.get("type").cloned().unwrap_or(Json::Null)
                } else {
                    Json::Null
                };
                json!({"ip": ip, "type": ty})
            })
            .collect();
        let pubs: Vec<Json> = self
            .public_networks
            .iter()
            .map(|o| {
                json!({"ip": o.get("ip").cloned().unwrap_or(Json::Null),
                       "bridge": o.get("bridge").cloned().unwrap_or(Json::Null)})
            })
            .collect();
        let folders: Vec<Json> = self
            .synced_folders
            .iter()
            .filter(|f| f.disabled || !(f.guest.as_deref() == Some("/vagrant") && f.host == json!(".")))
            .map(|f| json!({"host": f.host, "guest": f.guest, "disabled": f.disabled}))
            .collect();
        let provs: Vec<Json> = self
            .provisioners
            .iter()
            .map(|p| json!({"type": p.kind, "name": p.name, "options": normal_options(p)}))
            .collect();
        json!({
            "name": self.name, "primary": self.primary, "autostart": self.autostart,
            "box": self.box_name, "box_url": self.box_url, "hostname": self.hostname,
            "memory": self.memory, "cpus": self.cpus,
            "forwarded_ports": fps, "private_networks": privs, "public_networks": pubs,
            "synced_folders": folders, "provisioners": provs,
        })
    }
}

fn is_falsy(v: &Json) -> bool {
    matches!(v, Json::Null | Json::Bool(false))
}

/// The option keys the normal form keeps per provisioner type.
pub fn option_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "puppet" => &[
            "manifests_path",
            "manifest_file",
            "module_path",
            "hiera_config_path",
            "facter",
            "options",
            "environment",
            "environment_path",
            "binary_path",
            "working_directory",
            "temp_dir",
        ],
        "puppet_server" => &[
            "puppet_server",
            "puppet_node",
            "client_cert_path",
            "client_private_key_path",
            "facter",
            "options",
            "binary_path",
        ],
        "shell" => &["inline", "path", "args", "env", "privileged", "upload_path"],
        "file" => &["source", "destination"],
        _ => &[],
    }
}

fn normal_options(p: &Provisioner) -> Json {
    let mut out = Map::new();
    for &k in option_keys(&p.kind) {
        let mut v = p.options.get(k).cloned().unwrap_or(Json::Null);
        match k {
            "manifests_path" | "environment_path" => {
                if let Json::Array(a) = &v {
                    if a.len() == 2 && matches!(a[0].as_str(), Some("host" | "vm")) {
                        v = a[1].clone();
                    }
                }
            }
            "module_path" if v.is_string() => v = Json::Array(vec![v]),
            "options" if p.kind != "shell" => v = Json::Array(words(&v).into_iter().map(Json::String).collect()),
            "args" => {
                if let Json::String(s) = &v {
                    v = Json::Array(shell_words(s).into_iter().map(Json::String).collect());
                }
            }
            "facter" | "env" if v.is_null() => v = json!({}),
            "environment" if v == json!("") => v = Json::Null,
            _ => {}
        }
        out.insert(k.to_string(), v);
    }
    Json::Object(out)
}

/// Puppet provisioner `options`: a string is split on blanks (as the shell would).
fn words(v: &Json) -> Vec<String> {
    match v {
        Json::Null => vec![],
        Json::String(s) => shell_words(s),
        Json::Array(a) => a
            .iter()
            .map(|x| match x {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        other => vec![other.to_string()],
    }
}

/// POSIX shell word splitting (quotes and backslashes), as Python's shlex.split.
pub fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    cur.push(d);
                }
            }
            '"' => {
                in_word = true;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                            if let Some(n) = chars.next() {
                                cur.push(n);
                            }
                        }
                        _ => cur.push(d),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    if n != '\n' {
                        cur.push(n);
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// The machines for people: one block per machine.
pub fn describe(model: &Model) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for m in &model.machines {
        let flags = match (m.primary, m.autostart == Json::Bool(false)) {
            (true, true) => " (primary, no autostart)",
            (true, false) => " (primary)",
            (false, true) => " (no autostart)",
            _ => "",
        };
        let _ = writeln!(s, "machine {}{flags}", m.name);
        let _ = writeln!(s, "  box       {}", m.box_name.as_deref().unwrap_or("(none)"));
        if let Some(u) = &m.box_url {
            let _ = writeln!(s, "  box_url   {u}");
        }
        if let Some(h) = &m.hostname {
            let _ = writeln!(s, "  hostname  {h}");
        }
        if m.memory.is_some() || m.cpus.is_some() {
            let show = |v: Option<i64>| v.map_or("-".to_string(), |x| x.to_string());
            let _ = writeln!(s, "  size      {} MiB, {} cpus", show(m.memory), show(m.cpus));
        }
        for p in &m.forwarded_ports {
            let g = |k: &str| {
                p.get(k)
                    .map_or("-".to_string(), |v| v.to_string().trim_matches('"').to_string())
            };
            let _ = writeln!(s, "  port      {} -> {} ({})", g("host"), g("guest"), g("protocol"));
        }
        for n in &m.private_networks {
            let ip = n.get("ip").and_then(Json::as_str).unwrap_or("dhcp");
            let _ = writeln!(s, "  private   {ip}");
        }
        for n in &m.public_networks {
            let ip = n.get("ip").and_then(Json::as_str).unwrap_or("dhcp");
            let _ = writeln!(s, "  public    {ip}");
        }
        for f in &m.synced_folders {
            let host = f.host.as_str().map_or_else(|| f.host.to_string(), str::to_string);
            let off = if f.disabled { " (disabled)" } else { "" };
            let _ = writeln!(s, "  folder    {host} -> {}{off}", f.guest.as_deref().unwrap_or("?"));
        }
        for p in &m.provisioners {
            let name = p.name.as_deref().map(|n| format!(" {n:?}")).unwrap_or_default();
            let run = p.run.as_deref().map(|r| format!(" (run: {r})")).unwrap_or_default();
            let detail = match p.kind.as_str() {
                "puppet" => {
                    let mp = p.options.get("manifests_path").map(|v| match v {
                        Json::Array(a) => a.get(1).cloned().unwrap_or(Json::Null),
                        o => o.clone(),
                    });
                    let mf = p.options.get("manifest_file").and_then(Json::as_str).unwrap_or("");
                    match mp {
                        Some(Json::String(d)) => format!(" {d}/{mf}"),
                        _ => String::new(),
                    }
                }
                "puppet_server" => format!(
                    " server {}",
                    p.options
                        .get("puppet_server")
                        .and_then(Json::as_str)
                        .unwrap_or("puppet")
                ),
                "shell" => match (
                    p.options.get("path").and_then(Json::as_str),
                    p.options.get("inline").and_then(Json::as_str),
                ) {
                    (Some(path), _) => format!(" {path}"),
                    (None, Some(i)) => format!(" inline, {} lines", i.lines().count()),
                    _ => String::new(),
                },
                "file" => format!(
                    " {} -> {}",
                    p.options.get("source").and_then(Json::as_str).unwrap_or("?"),
                    p.options.get("destination").and_then(Json::as_str).unwrap_or("?")
                ),
                _ => String::new(),
            };
            let _ = writeln!(s, "  provision {}{name}{detail}{run}", p.kind);
        }
        for (name, settings) in &m.providers {
            if name != "virtualbox" {
                let keys: Vec<&String> = settings.as_object().map(|o| o.keys().collect()).unwrap_or_default();
                let _ = writeln!(
                    s,
                    "  provider  {name}: {}",
                    keys.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                );
            }
        }
    }
    s
}
