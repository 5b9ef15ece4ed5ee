//! Vagrant's configuration objects (`config`, `config.vm`, provider and
//! provisioner configs) and how Vagrant turns them into machines: `define`
//! blocks run after the whole file is read, each machine's config is the root
//! config merged with its own, provider blocks run at finalize time, and v1
//! (`Vagrant::Config.run`) configs are upgraded the way Vagrant upgrades them.

use super::core::to_json;
use super::eval::{Blk, Flow, Interp, R};
use super::model::{Machine, Provisioner, SyncedFolder};
use super::value::*;
use crate::diagnostic::{Severity, Span};
use serde_json::{Map, Value as Json};
use std::rc::Rc;

/// A Vagrant configuration object in the interpreter's arena.
#[derive(Debug)]
pub enum ObjData {
    /// `config` (`vm` is the index of its VM config).
    Root {
        v1: bool,
        vm: ObjId,
        namespaces: Vec<(String, ObjId)>,
    },
    /// `config.vm` (version 2).
    Vm(VmConfig),
    /// `config.vm` of a version 1 file.
    VmV1(V1Config),
    /// Settings of a provider, provisioner or namespace (`config.ssh`, a plugin).
    Settings(Settings),
    /// What Vagrant's DummyConfig is: accepts and ignores everything.
    Dummy,
}

/// Attribute settings with what they belong to.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    /// `virtualbox`, `aws`, `puppet`, `ssh`, ...
    pub kind: String,
    /// Attributes set, in order.
    pub attrs: Vec<(String, Value)>,
    /// VirtualBox `customize` calls: event and command.
    pub customizations: Vec<(String, Value)>,
}

/// A provisioner declared on a VM config.
#[derive(Debug, Clone)]
pub struct ProvDecl {
    /// `type:` name.
    pub name: Option<String>,
    /// Merge key: the name, or a unique id.
    pub id: String,
    /// shell, puppet, ...
    pub kind: String,
    /// `run:`
    pub run: Option<Value>,
    /// `preserve_order:`
    pub preserve_order: bool,
    /// Merged settings.
    pub config: Settings,
}

/// A provider block: a Vagrantfile block, or settings from a v1 upgrade.
#[derive(Debug, Clone)]
pub enum ProviderBlock {
    Block(Rc<Closure>),
    Upgrade(Settings),
}

/// Options as Ruby hash pairs.
pub type Pairs = Vec<(Value, Value)>;
/// A `define`: name, options and its config blocks (version, block).
pub type Define = (String, Pairs, Vec<(String, Rc<Closure>)>);
/// A network: merge key, type and options.
pub type Network = (String, String, Pairs);

/// `config.vm` (v2) as Vagrant's VMConfig keeps it.
#[derive(Debug, Default, Clone)]
pub struct VmConfig {
    pub attrs: Vec<(String, Value)>,
    /// id -> (type, options)
    pub networks: Vec<Network>,
    /// id -> options (with hostpath, guestpath)
    pub folders: Vec<(String, Vec<(Value, Value)>)>,
    pub providers: Vec<(String, Vec<ProviderBlock>)>,
    pub overrides: Vec<(String, Vec<Rc<Closure>>)>,
    pub provisioners: Vec<ProvDecl>,
    /// name -> options, config blocks (version, block)
    pub defined: Vec<Define>,
}

/// `config.vm` of a v1 file.
#[derive(Debug, Default, Clone)]
pub struct V1Config {
    pub attrs: Vec<(String, Value)>,
    pub networks: Vec<(String, Vec<Value>)>,
    pub shared_folders: Vec<(String, Vec<(Value, Value)>)>,
    pub provisioners: Vec<(Value, Option<Value>, Option<Blk>)>,
    pub customizations: Vec<Value>,
    pub defines: Vec<(String, Pairs, Option<Rc<Closure>>)>,
}

fn sym_key(k: &str) -> Value {
    Value::sym(k)
}

fn get<'a>(opts: &'a [(Value, Value)], k: &str) -> Option<&'a Value> {
    opts.iter()
        .find(|(key, _)| key.as_text().as_deref() == Some(k))
        .map(|(_, v)| v)
}

fn set(opts: &mut Vec<(Value, Value)>, k: &str, v: Value) {
    if let Some(slot) = opts.iter_mut().find(|(key, _)| key.as_text().as_deref() == Some(k)) {
        slot.1 = v;
    } else {
        opts.push((sym_key(k), v));
    }
}

fn remove(opts: &mut Vec<(Value, Value)>, k: &str) -> Option<Value> {
    let i = opts.iter().position(|(key, _)| key.as_text().as_deref() == Some(k))?;
    Some(opts.remove(i).1)
}

fn hash_pairs(v: Option<&Value>) -> Vec<(Value, Value)> {
    match v {
        Some(Value::Hash(h)) => h.borrow().clone(),
        _ => Vec::new(),
    }
}

fn set_attr(attrs: &mut Vec<(String, Value)>, k: &str, v: Value) {
    if let Some(slot) = attrs.iter_mut().find(|(n, _)| n == k) {
        slot.1 = v;
    } else {
        attrs.push((k.to_string(), v));
    }
}

fn attr(attrs: &[(String, Value)], k: &str) -> Option<Value> {
    attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
}

/// Options a provisioner type starts with (Vagrant sets these in `initialize`).
fn provisioner_defaults(kind: &str) -> Vec<(String, Value)> {
    match kind {
        "puppet" | "puppet_server" => vec![
            ("options".into(), Value::array(vec![])),
            ("facter".into(), Value::hash(vec![])),
        ],
        _ => vec![],
    }
}

/// Known settings per provisioner type (others are reported, as `vagrant validate` would).
fn provisioner_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "puppet" => &[
            "binary_path",
            "facter",
            "structured_facts",
            "hiera_config_path",
            "manifest_file",
            "manifests_path",
            "environment",
            "environment_path",
            "environment_variables",
            "module_path",
            "options",
            "synced_folder_type",
            "synced_folder_args",
            "temp_dir",
            "working_directory",
            "nfs",
        ],
        "puppet_server" => &[
            "binary_path",
            "client_cert_path",
            "client_private_key_path",
            "facter",
            "options",
            "puppet_node",
            "puppet_server",
        ],
        "shell" => &[
            "args",
            "inline",
            "path",
            "md5",
            "sha1",
            "sha256",
            "sha384",
            "sha512",
            "env",
            "upload_path",
            "privileged",
            "binary",
            "keep_color",
            "name",
            "sensitive",
            "reboot",
            "reset",
            "powershell_args",
            "powershell_elevated_interactive",
        ],
        "file" => &["source", "destination"],
        _ => return None,
    })
}

/// `config.vm` settings of Vagrant 2.3.4 (its VMConfig attr_accessors).
const VM_SETTINGS: [&str; 28] = [
    "allowed_synced_folder_types",
    "allow_fstab_modification",
    "allow_hosts_modification",
    "base_mac",
    "base_address",
    "boot_timeout",
    "box",
    "ignore_box_vagrantfile",
    "box_check_update",
    "box_url",
    "box_server_url",
    "box_version",
    "box_download_ca_cert",
    "box_download_ca_path",
    "box_download_checksum",
    "box_download_checksum_type",
    "box_download_client_cert",
    "box_download_insecure",
    "box_download_location_trusted",
    "box_download_options",
    "communicator",
    "graceful_halt_timeout",
    "guest",
    "hostname",
    "post_up_message",
    "usable_port_range",
    "clone",
    "box_extra_download_options",
];

impl Interp {
    /// A setting given a value that was not evaluated is left unset; say so where it is set.
    fn unknown_value_set(&mut self, v: &Value, setting: &str, sp: Span) {
        if let Value::Unknown(w) = v {
            let msg = format!("`{setting}` is set to something not evaluated ({w}); it is left unset in the model");
            self.note(
                Severity::Warning,
                "vagrant-unknown-value",
                sp,
                msg,
                Some("set it explicitly, or pass what it depends on (--env, --plugin)"),
            );
        }
    }

    fn alloc(&mut self, o: ObjData) -> Value {
        self.objs.push(o);
        Value::Object(self.objs.len() - 1)
    }

    /// A fresh root config (`config`) of version 1 or 2.
    pub fn new_root(&mut self, v1: bool) -> ObjId {
        let vm = match self.alloc(if v1 {
            ObjData::VmV1(V1Config::default())
        } else {
            ObjData::Vm(VmConfig::default())
        }) {
            Value::Object(id) => id,
            _ => 0,
        };
        match self.alloc(ObjData::Root {
            v1,
            vm,
            namespaces: vec![],
        }) {
            Value::Object(id) => id,
            _ => 0,
        }
    }

    fn settings(&mut self, kind: &str, attrs: Vec<(String, Value)>) -> Value {
        self.alloc(ObjData::Settings(Settings {
            kind: kind.to_string(),
            attrs,
            customizations: vec![],
        }))
    }

    /// Method calls on Vagrant configuration objects.
    pub(super) fn config_call(&mut self, id: ObjId, name: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        match &self.objs[id] {
            ObjData::Root { vm, namespaces, .. } => {
                if name == "vm" {
                    return Ok(Value::Object(*vm));
                }
                if let Some((_, ns)) = namespaces.iter().find(|(n, _)| n == name) {
                    return Ok(Value::Object(*ns));
                }
                if name.ends_with('=') {
                    let what = format!("`config.{name}`");
                    return Ok(self.not_evaluated(sp, &what, "the setting was ignored"));
                }
                // config.ssh, config.winrm, config.vagrant, plugin namespaces (hostmanager, ...)
                let ns = self.settings(name, vec![]);
                let Value::Object(nsid) = ns else { return Ok(Value::Nil) };
                if let ObjData::Root { namespaces, .. } = &mut self.objs[id] {
                    namespaces.push((name.to_string(), nsid));
                }
                Ok(ns)
            }
            ObjData::Vm(_) => self.vm_call(id, name, args, blk, sp),
            ObjData::VmV1(_) => self.v1_call(id, name, args, blk, sp),
            ObjData::Settings(_) => self.settings_call(id, name, args, blk, sp),
            ObjData::Dummy => Ok(if name.ends_with('=') {
                args.into_iter().next().unwrap_or(Value::Nil)
            } else {
                Value::Object(id)
            }),
        }
    }

    /// The VM config `id` (only VM ids reach this; anything else gets a scratch
    /// config whose settings go nowhere, never a panic).
    fn vm_mut(&mut self, id: ObjId) -> &mut VmConfig {
        if !matches!(self.objs[id], ObjData::Vm(_)) {
            self.objs.push(ObjData::Vm(VmConfig::default()));
            let last = self.objs.len() - 1;
            return match &mut self.objs[last] {
                ObjData::Vm(v) => v,
                _ => unreachable!("just pushed a VM config"),
            };
        }
        match &mut self.objs[id] {
            ObjData::Vm(v) => v,
            _ => unreachable!("checked above"),
        }
    }

    fn vm_call(&mut self, id: ObjId, name: &str, args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        let mut args = args;
        match name {
            "network" => {
                let ty = args.first().map(|v| v.to_s()).unwrap_or_default();
                let mut opts = hash_pairs(args.get(1));
                self.network(id, &ty, &mut opts);
                Ok(Value::Nil)
            }
            "synced_folder" => {
                let host = args.first().cloned().unwrap_or(Value::Nil);
                let (guest, opts) = match args.get(1) {
                    Some(Value::Hash(h)) => (Value::Nil, h.borrow().clone()),
                    Some(g) => (g.clone(), hash_pairs(args.get(2))),
                    None => (Value::Nil, vec![]),
                };
                self.synced_folder(id, host, guest, opts);
                Ok(Value::Nil)
            }
            "provider" => {
                let pname = args.first().map(|v| v.to_s()).unwrap_or_default();
                let closure = match blk {
                    Some(Blk::Closure(c)) => Some(c),
                    _ => None,
                };
                let vm = self.vm_mut(id);
                let slot = match vm.providers.iter().position(|(n, _)| *n == pname) {
                    Some(i) => i,
                    None => {
                        vm.providers.push((pname.clone(), vec![]));
                        vm.providers.len() - 1
                    }
                };
                if let Some(c) = closure {
                    let two = c.body.params.len() == 2;
                    vm.providers[slot].1.push(ProviderBlock::Block(c.clone()));
                    if two {
                        match vm.overrides.iter_mut().find(|(n, _)| *n == pname) {
                            Some((_, v)) => v.push(c),
                            None => vm.overrides.push((pname, vec![c])),
                        }
                    }
                }
                Ok(Value::Nil)
            }
            "provision" => {
                let first = args.first().cloned().unwrap_or(Value::Nil);
                let opts = if args.len() > 1 {
                    hash_pairs(args.get(1))
                } else {
                    vec![]
                };
                self.provision(id, first, opts, blk, sp)?;
                Ok(Value::Nil)
            }
            "define" => {
                let name = args.first().map(|v| v.to_s()).unwrap_or_default();
                let mut opts = hash_pairs(args.get(1));
                if get(&opts, "config_version").is_none() {
                    set(&mut opts, "config_version", Value::str("2"));
                }
                let version = get(&opts, "config_version")
                    .map(|v| v.to_s())
                    .unwrap_or_else(|| "2".into());
                let closure = match blk {
                    Some(Blk::Closure(c)) => Some(c),
                    _ => None,
                };
                let vm = self.vm_mut(id);
                let slot = match vm.defined.iter().position(|(n, ..)| *n == name) {
                    Some(i) => i,
                    None => {
                        vm.defined.push((name, vec![], vec![]));
                        vm.defined.len() - 1
                    }
                };
                for (k, v) in opts {
                    hash_set(&mut vm.defined[slot].1, k, v);
                }
                if let Some(c) = closure {
                    vm.defined[slot].2.push((version, c));
                }
                Ok(Value::Nil)
            }
            "disk" | "cloud_init" | "usable_port_range=" | "post_up_message=" => {
                if let Some(stripped) = name.strip_suffix('=') {
                    let v = args.pop().unwrap_or(Value::Nil);
                    set_attr(&mut self.vm_mut(id).attrs, stripped, v.clone());
                    return Ok(v);
                }
                Ok(Value::Nil)
            }
            "defined_vms" | "defined_vm_keys" => {
                let names: Vec<Value> = self.vm_mut(id).defined.iter().map(|(n, ..)| Value::sym(n)).collect();
                Ok(Value::array(names))
            }
            _ if name.ends_with('=') => {
                let key = name.trim_end_matches('=');
                let v = args.pop().unwrap_or(Value::Nil);
                if !VM_SETTINGS.contains(&key) {
                    let msg =
                        format!("`config.vm.{key}` is not a Vagrant setting; Vagrant would refuse this Vagrantfile");
                    self.note(
                        Severity::Warning,
                        "vagrant-unknown-setting",
                        sp,
                        msg,
                        Some("check the spelling against Vagrant's `config.vm` settings"),
                    );
                }
                self.unknown_value_set(&v, &format!("config.vm.{key}"), sp);
                set_attr(&mut self.vm_mut(id).attrs, key, v.clone());
                Ok(v)
            }
            _ if args.is_empty() && blk.is_none() => Ok(attr(&self.vm_mut(id).attrs, name).unwrap_or(Value::Nil)),
            _ => {
                let what = format!("`config.vm.{name}`");
                Ok(self.not_evaluated(sp, &what, "Vagrant has no such VM setting; it was ignored"))
            }
        }
    }

    fn network(&mut self, id: ObjId, ty: &str, opts: &mut Vec<(Value, Value)>) {
        if get(opts, "protocol").is_none_or(|v| !v.truthy()) {
            set(opts, "protocol", Value::str("tcp"));
        }
        let nid = match get(opts, "id") {
            Some(v) if v.truthy() => v.to_s(),
            _ => {
                if ty == "forwarded_port" {
                    let s = |k: &str| get(opts, k).map(|v| v.to_s()).unwrap_or_default();
                    format!("{}{}{}", s("host_ip"), s("protocol"), s("host"))
                } else {
                    self.objs.len().to_string() + "-" + &self.steps_id()
                }
            }
        };
        let key = format!("{ty}-{nid}");
        let vm = self.vm_mut(id);
        match vm.networks.iter_mut().find(|(k, ..)| *k == key) {
            Some(slot) => {
                for (k, v) in opts.drain(..) {
                    hash_set(&mut slot.2, k, v);
                }
                slot.1 = ty.to_string();
            }
            None => vm.networks.push((key, ty.to_string(), std::mem::take(opts))),
        }
    }

    /// A unique id for networks and provisioners without one (Vagrant uses a UUID).
    fn steps_id(&mut self) -> String {
        self.unique += 1;
        format!("u{}", self.unique)
    }

    fn synced_folder(&mut self, id: ObjId, host: Value, guest: Value, mut opts: Vec<(Value, Value)>) {
        if get(&opts, "nfs").is_some_and(Value::truthy) {
            set(&mut opts, "type", Value::sym("nfs"));
            remove(&mut opts, "nfs");
        }
        let guest_s = if matches!(guest, Value::Nil) {
            None
        } else {
            Some(guest.to_s().trim_end_matches('/').to_string())
        };
        let name = match remove(&mut opts, "name") {
            Some(n) => n.to_s(),
            None => guest_s.clone().unwrap_or_default(),
        };
        if let Some(g) = &guest_s {
            set(&mut opts, "guestpath", Value::str(g.clone()));
        }
        set(&mut opts, "hostpath", host);
        if get(&opts, "disabled").is_none() {
            set(&mut opts, "disabled", Value::Bool(false));
        }
        let vm = self.vm_mut(id);
        let mut merged = guest_s
            .as_ref()
            .and_then(|g| vm.folders.iter().find(|(k, _)| k == g).map(|(_, o)| o.clone()))
            .unwrap_or_default();
        for (k, v) in opts {
            hash_set(&mut merged, k, v);
        }
        match vm.folders.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = merged,
            None => vm.folders.push((name, merged)),
        }
    }

    fn provision(
        &mut self,
        id: ObjId,
        first: Value,
        mut opts: Vec<(Value, Value)>,
        blk: Option<Blk>,
        sp: Span,
    ) -> Result<(), Flow> {
        let (name, kind) = match remove(&mut opts, "type") {
            Some(t) => (Some(first.to_s()), t.to_s()),
            None => (None, first.to_s()),
        };
        let existing = name.as_ref().and_then(|n| {
            self.vm_mut(id)
                .provisioners
                .iter()
                .position(|p| p.name.as_ref() == Some(n))
        });
        let idx = match existing {
            Some(i) => i,
            None => {
                remove(&mut opts, "before");
                remove(&mut opts, "after");
                let pid = match &name {
                    Some(n) => n.clone(),
                    None => self.steps_id(),
                };
                let decl = ProvDecl {
                    name: name.clone(),
                    id: pid,
                    kind: kind.clone(),
                    run: None,
                    preserve_order: false,
                    config: Settings {
                        kind: kind.clone(),
                        attrs: provisioner_defaults(&kind),
                        customizations: vec![],
                    },
                };
                let vm = self.vm_mut(id);
                vm.provisioners.push(decl);
                vm.provisioners.len() - 1
            }
        };
        if let Some(p) = remove(&mut opts, "preserve_order") {
            self.vm_mut(id).provisioners[idx].preserve_order = p.truthy();
        }
        if let Some(r) = remove(&mut opts, "run") {
            self.vm_mut(id).provisioners[idx].run = Some(r);
        }
        remove(&mut opts, "communicator_required");
        // add_config: a fresh config with the options, then the block, merged over the old one.
        let kind = self.vm_mut(id).provisioners[idx].kind.clone();
        let fresh = self.settings(&kind, provisioner_defaults(&kind));
        let Value::Object(fid) = fresh else { return Ok(()) };
        for (k, v) in opts {
            let key = format!("{}=", k.to_s());
            self.settings_call(fid, &key, vec![v], None, sp)?;
        }
        if let Some(b) = blk {
            self.call_block(&b, vec![fresh.clone()], sp)?;
        }
        let new = match &self.objs[fid] {
            ObjData::Settings(s) => s.clone(),
            _ => Settings::default(),
        };
        let vm = self.vm_mut(id);
        let old = &mut vm.provisioners[idx].config;
        merge_settings(old, &new);
        Ok(())
    }

    fn settings_call(&mut self, id: ObjId, name: &str, mut args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        let kind = match &self.objs[id] {
            ObjData::Settings(s) => s.kind.clone(),
            _ => String::new(),
        };
        fn settings(me: &mut Interp, id: ObjId) -> &mut Settings {
            if !matches!(me.objs[id], ObjData::Settings(_)) {
                me.objs.push(ObjData::Settings(Settings::default()));
                let last = me.objs.len() - 1;
                return match &mut me.objs[last] {
                    ObjData::Settings(s) => s,
                    _ => unreachable!("just pushed settings"),
                };
            }
            match &mut me.objs[id] {
                ObjData::Settings(s) => s,
                _ => unreachable!("checked above"),
            }
        }
        if kind == "virtualbox" {
            match name {
                "customize" => {
                    let event = match args.first() {
                        Some(Value::Str(s)) if args.len() > 1 => s.borrow().clone(),
                        _ => "pre-boot".to_string(),
                    };
                    let cmd = args.pop().unwrap_or(Value::Nil);
                    settings(self, id).customizations.push((event, cmd));
                    return Ok(Value::Nil);
                }
                "memory=" | "cpus=" => {
                    let v = args.pop().unwrap_or(Value::Nil);
                    let flag = if name == "memory=" { "--memory" } else { "--cpus" };
                    let cmd = Value::array(vec![
                        Value::str("modifyvm"),
                        Value::sym("id"),
                        Value::str(flag),
                        Value::str(v.to_s()),
                    ]);
                    let s = settings(self, id);
                    s.customizations.push(("pre-boot".into(), cmd));
                    set_attr(&mut s.attrs, name.trim_end_matches('='), v.clone());
                    return Ok(v);
                }
                _ => {}
            }
        }
        if let Some(key) = name.strip_suffix('=') {
            let v = args.pop().unwrap_or(Value::Nil);
            self.unknown_value_set(&v, &format!("{kind}.{key}"), sp);
            if let Some(keys) = provisioner_keys(&kind) {
                if !keys.contains(&key) {
                    let msg =
                        format!("the {kind} provisioner has no setting `{key}`; Vagrant would refuse this Vagrantfile");
                    self.note(
                        Severity::Warning,
                        "vagrant-unknown-setting",
                        sp,
                        msg,
                        Some("check the spelling against Vagrant's documentation for this provisioner"),
                    );
                }
            }
            set_attr(&mut settings(self, id).attrs, key, v.clone());
            return Ok(v);
        }
        if args.is_empty() && blk.is_none() {
            if let Some(v) = attr(&settings(self, id).attrs, name) {
                return Ok(v);
            }
            // Reading an unset Hash-valued setting (`aws.tags["x"] = ...`) gets a hash to fill.
            if matches!(
                name,
                "tags" | "facter" | "env" | "environment_variables" | "block_device_mapping"
            ) {
                let h = Value::hash(vec![]);
                set_attr(&mut settings(self, id).attrs, name, h.clone());
                return Ok(h);
            }
            return Ok(Value::Nil);
        }
        // Plugin-specific calls inside provider blocks (`aws.region_config "x" do ... end`).
        let what = format!("`{kind}.{name}`");
        Ok(self.not_evaluated(
            sp,
            &what,
            "this provider or plugin call is not modelled; it was ignored",
        ))
    }

    // ---- v1 ------------------------------------------------------------------

    fn v1_call(&mut self, id: ObjId, name: &str, mut args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
        let v1 = match &mut self.objs[id] {
            ObjData::VmV1(v) => v,
            _ => return Ok(Value::Nil),
        };
        match name {
            "forward_port" => {
                let opts = hash_pairs(args.get(2));
                let mut net = vec![];
                set(
                    &mut net,
                    "virtualbox__adapter",
                    get(&opts, "adapter").cloned().unwrap_or(Value::Nil),
                );
                set(
                    &mut net,
                    "virtualbox__protocol",
                    get(&opts, "protocol").cloned().unwrap_or(Value::Nil),
                );
                v1.networks.push((
                    "forwarded_port".into(),
                    vec![
                        args.first().cloned().unwrap_or(Value::Nil),
                        args.get(1).cloned().unwrap_or(Value::Nil),
                        Value::hash(net),
                    ],
                ));
            }
            "share_folder" => {
                let name = args.first().map(|v| v.to_s()).unwrap_or_default();
                let mut o = vec![];
                set(
                    &mut o,
                    "guestpath",
                    Value::str(args.get(1).map(|v| v.to_s()).unwrap_or_default()),
                );
                set(
                    &mut o,
                    "hostpath",
                    Value::str(args.get(2).map(|v| v.to_s()).unwrap_or_default()),
                );
                set(&mut o, "create", Value::Bool(false));
                set(&mut o, "owner", Value::Nil);
                set(&mut o, "group", Value::Nil);
                set(&mut o, "nfs", Value::Bool(false));
                set(&mut o, "transient", Value::Bool(false));
                set(&mut o, "extra", Value::Nil);
                for (k, v) in hash_pairs(args.get(3)) {
                    hash_set(&mut o, k, v);
                }
                match v1.shared_folders.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = o,
                    None => v1.shared_folders.push((name, o)),
                }
            }
            "network" => {
                let ty = args.first().map(|v| v.to_s()).unwrap_or_default();
                let rest: Vec<Value> = args.into_iter().skip(1).collect();
                match ty.as_str() {
                    "hostonly" => v1.networks.push(("private_network".into(), rest)),
                    "bridged" => v1.networks.push(("public_network".into(), rest)),
                    other => {
                        let what = format!("the v1 network type `{other}`");
                        return Ok(self.not_evaluated(
                            sp,
                            &what,
                            "Vagrant ignores unknown network types when it upgrades a v1 file",
                        ));
                    }
                }
            }
            "provision" => {
                let first = args.first().cloned().unwrap_or(Value::Nil);
                v1.provisioners.push((first, args.get(1).cloned(), blk));
            }
            "customize" => {
                if let Some(c) = args.pop() {
                    v1.customizations.push(c);
                }
            }
            "define" => {
                let name = args.first().map(|v| v.to_s()).unwrap_or_default();
                let mut opts = hash_pairs(args.get(1));
                set(&mut opts, "config_version", Value::str("1"));
                let c = match blk {
                    Some(Blk::Closure(c)) => Some(c),
                    _ => None,
                };
                v1.defines.push((name, opts, c));
            }
            _ if name.ends_with('=') => {
                let v = args.pop().unwrap_or(Value::Nil);
                set_attr(&mut v1.attrs, name.trim_end_matches('='), v.clone());
                return Ok(v);
            }
            _ if args.is_empty() => return Ok(attr(&v1.attrs, name).unwrap_or(Value::Nil)),
            _ => {
                let what = format!("`config.vm.{name}` (v1)");
                return Ok(self.not_evaluated(sp, &what, "Vagrant 1 has no such VM setting; it was ignored"));
            }
        }
        Ok(Value::Nil)
    }

    /// Vagrant's v1 -> v2 upgrade of a VM config, applied onto the v2 `vm`.
    fn upgrade_v1(&mut self, v1: V1Config, vm: ObjId, sp: Span) -> Result<(), Flow> {
        for (from, to) in [
            ("box", "box"),
            ("box_url", "box_url"),
            ("guest", "guest"),
            ("host_name", "hostname"),
            ("base_mac", "base_mac"),
        ] {
            if let Some(v) = attr(&v1.attrs, from).filter(Value::truthy) {
                set_attr(&mut self.vm_mut(vm).attrs, to, v);
            }
        }
        let mut vb = Settings {
            kind: "virtualbox".into(),
            ..Default::default()
        };
        if let Some(mode) = attr(&v1.attrs, "boot_mode").filter(Value::truthy) {
            set_attr(&mut vb.attrs, "gui", Value::Bool(mode.to_s() == "gui"));
        }
        for c in &v1.customizations {
            vb.customizations.push(("pre-boot".into(), c.clone()));
        }
        if !vb.attrs.is_empty() || !vb.customizations.is_empty() {
            let v = self.vm_mut(vm);
            match v.providers.iter_mut().find(|(n, _)| n == "virtualbox") {
                Some((_, blocks)) => blocks.push(ProviderBlock::Upgrade(vb)),
                None => v
                    .providers
                    .push(("virtualbox".into(), vec![ProviderBlock::Upgrade(vb)])),
            }
        }
        for (ty, mut args) in v1.networks {
            let mut opts = match args.last() {
                Some(Value::Hash(h)) => {
                    let o = h.borrow().clone();
                    args.pop();
                    o
                }
                _ => vec![],
            };
            if ty == "forwarded_port" {
                set(&mut opts, "guest", args.first().cloned().unwrap_or(Value::Nil));
                set(&mut opts, "host", args.get(1).cloned().unwrap_or(Value::Nil));
            } else if ty == "private_network" {
                set(&mut opts, "ip", args.first().cloned().unwrap_or(Value::Nil));
            }
            self.network(vm, &ty, &mut opts);
        }
        for (name, options, block) in v1.provisioners {
            let opts = hash_pairs(options.as_ref());
            self.provision(vm, name, opts, block, sp)?;
        }
        for (name, mut o) in v1.shared_folders {
            set(
                &mut o,
                "id",
                Value::str(if name == "v-root" {
                    "vagrant-root".to_string()
                } else {
                    name
                }),
            );
            let guest = remove(&mut o, "guestpath").unwrap_or(Value::Nil);
            let host = remove(&mut o, "hostpath").unwrap_or(Value::Nil);
            self.synced_folder(vm, host, guest, o);
        }
        for (name, opts, block) in v1.defines {
            let v = self.vm_mut(vm);
            let slot = match v.defined.iter().position(|(n, ..)| *n == name) {
                Some(i) => i,
                None => {
                    v.defined.push((name, vec![], vec![]));
                    v.defined.len() - 1
                }
            };
            for (k, x) in opts {
                hash_set(&mut v.defined[slot].1, k, x);
            }
            if let Some(c) = block {
                v.defined[slot].2.push(("1".into(), c));
            }
        }
        Ok(())
    }

    /// Run config blocks (version, block) against a fresh config; the v2 VM config that results.
    /// A block stopped by a limit keeps what it configured before it stopped.
    pub fn load_config(&mut self, procs: &[(String, Rc<Closure>)], sp: Span) -> Result<ObjId, Flow> {
        let root = self.new_root(false);
        match self.load_config_into(root, procs, sp) {
            Err(Flow::Stop) => {
                self.fresh_budget();
                Ok(root)
            }
            Err(e) => Err(e),
            Ok(()) => Ok(root),
        }
    }

    fn load_config_into(&mut self, root: ObjId, procs: &[(String, Rc<Closure>)], sp: Span) -> Result<(), Flow> {
        let vm = self.vm_of(root);
        for (version, c) in procs {
            if version == "1" {
                let r1 = self.new_root(true);
                self.call_closure(c, vec![Value::Object(r1)], sp)?;
                let v1id = self.vm_of(r1);
                let v1 = match &self.objs[v1id] {
                    ObjData::VmV1(v) => v.clone(),
                    _ => V1Config::default(),
                };
                self.upgrade_v1(v1, vm, sp)?;
                self.copy_namespaces(r1, root);
            } else {
                self.call_closure(c, vec![Value::Object(root)], sp)?;
            }
        }
        Ok(())
    }

    fn copy_namespaces(&mut self, from: ObjId, to: ObjId) {
        let ns = match &self.objs[from] {
            ObjData::Root { namespaces, .. } => namespaces.clone(),
            _ => vec![],
        };
        if let ObjData::Root { namespaces, .. } = &mut self.objs[to] {
            for n in ns {
                if !namespaces.iter().any(|(k, _)| *k == n.0) {
                    namespaces.push(n);
                }
            }
        }
    }

    /// The `vm` of a root config.
    pub fn vm_of(&self, root: ObjId) -> ObjId {
        match &self.objs[root] {
            ObjData::Root { vm, .. } => *vm,
            _ => root,
        }
    }

    fn vm_data(&self, root: ObjId) -> VmConfig {
        match &self.objs[self.vm_of(root)] {
            ObjData::Vm(v) => v.clone(),
            _ => VmConfig::default(),
        }
    }

    fn namespace_attr(&self, root: ObjId, ns: &str, key: &str) -> Option<Value> {
        let ObjData::Root { namespaces, .. } = &self.objs[root] else {
            return None;
        };
        let (_, id) = namespaces.iter().find(|(n, _)| n == ns)?;
        match &self.objs[*id] {
            ObjData::Settings(s) => attr(&s.attrs, key),
            _ => None,
        }
    }

    /// The machines, as Vagrant builds them from the root config.
    pub fn machines(&mut self, root: ObjId, sp: Span) -> Vec<Machine> {
        let root_vm = self.vm_data(root);
        let mut names: Vec<String> = root_vm.defined.iter().map(|(n, ..)| n.clone()).collect();
        if names.is_empty() {
            names.push("default".into());
        }
        let mut out = Vec::new();
        for name in names {
            let (opts, procs) = root_vm
                .defined
                .iter()
                .find(|(n, ..)| *n == name)
                .map(|(_, o, p)| (o.clone(), p.clone()))
                .unwrap_or_default();
            self.fresh_budget();
            let sub_root = match self.load_config(&procs, sp) {
                Ok(r) => r,
                Err(Flow::Raise(class, msg, at)) => {
                    self.raised(&class, &msg, at);
                    continue;
                }
                Err(_) => continue,
            };
            let sub = self.vm_data(sub_root);
            let merged = merge_vm(&root_vm, &sub);
            let ssh_user = self
                .namespace_attr(sub_root, "ssh", "username")
                .or_else(|| self.namespace_attr(root, "ssh", "username"));
            match self.finalize(&name, &opts, &merged, ssh_user, sp) {
                Ok(m) => out.push(m),
                Err(Flow::Raise(class, msg, at)) => self.raised(&class, &msg, at),
                Err(_) => {
                    self.fresh_budget();
                    continue;
                }
            }
        }
        out
    }

    /// An exception the Vagrantfile raised and did not rescue.
    pub fn raised(&mut self, class: &str, msg: &str, at: Span) {
        let text = format!("the Vagrantfile raises {class}: {msg}");
        if let Some(f) = self.raise_file.take() {
            self.file = f;
        }
        self.note(
            Severity::Error,
            "vagrant-raise",
            at,
            text,
            Some("Vagrant itself would stop here; the machines configured so far are kept"),
        );
    }

    fn finalize(
        &mut self,
        name: &str,
        opts: &[(Value, Value)],
        vm: &VmConfig,
        ssh_user: Option<Value>,
        sp: Span,
    ) -> Result<Machine, Flow> {
        // Unknown values stay out of the model (said where they were set).
        let a = |k: &str| attr(&vm.attrs, k).filter(|v| !matches!(v, Value::Nil | Value::Unknown(_)));
        let mut m = Machine {
            name: name.to_string(),
            primary: get(opts, "primary").is_some_and(Value::truthy),
            autostart: get(opts, "autostart").map_or(Json::Bool(true), to_json),
            box_name: a("box").map(|v| v.to_s()),
            box_url: a("box_url").map(|v| match v {
                Value::Array(x) => x.borrow().first().map(|v| v.to_s()).unwrap_or_default(),
                v => v.to_s(),
            }),
            hostname: a("hostname").filter(Value::truthy).map(|v| v.to_s()),
            ssh_username: ssh_user.filter(Value::truthy).map(|v| v.to_s()),
            ..Default::default()
        };
        for (_, ty, o) in &vm.networks {
            let mut map = Map::new();
            for (k, v) in o {
                let key = k.to_s();
                let mut j = to_json(v);
                if ty == "forwarded_port" && (key == "guest" || key == "host") {
                    j = match v {
                        Value::Str(s) => Json::from(s.borrow().trim().parse::<i64>().unwrap_or(0)),
                        Value::Float(f) => Json::from(*f as i64),
                        _ => j,
                    };
                }
                map.insert(key, j);
            }
            match ty.as_str() {
                "forwarded_port" => m.forwarded_ports.push(map),
                "private_network" => m.private_networks.push(map),
                "public_network" => m.public_networks.push(map),
                _ => {}
            }
        }
        for (_, o) in &vm.folders {
            let mut options = Map::new();
            for (k, v) in o {
                let key = k.to_s();
                if !matches!(key.as_str(), "hostpath" | "guestpath" | "disabled") {
                    options.insert(key, to_json(v));
                }
            }
            m.synced_folders.push(SyncedFolder {
                host: get(o, "hostpath").map_or(Json::Null, to_json),
                guest: get(o, "guestpath").map(|v| v.to_s()),
                disabled: get(o, "disabled").is_some_and(Value::truthy),
                options,
            });
        }
        for p in &vm.provisioners {
            m.provisioners.push(Provisioner {
                kind: p.kind.clone(),
                name: p.name.clone(),
                run: p.run.as_ref().map(|v| v.to_s()),
                options: finalize_provisioner(&p.kind, &p.config),
            });
        }
        // Provider blocks run now, each against a fresh provider config (Vagrant's finalize!).
        for (pname, blocks) in &vm.providers {
            let mut s = Settings {
                kind: pname.clone(),
                ..Default::default()
            };
            for b in blocks {
                match b {
                    ProviderBlock::Upgrade(u) => merge_settings(&mut s, u),
                    ProviderBlock::Block(c) => {
                        let cfg = self.settings(pname, vec![]);
                        let dummy = self.alloc(ObjData::Dummy);
                        let args = if c.body.params.len() == 2 {
                            vec![cfg.clone(), dummy]
                        } else {
                            vec![cfg.clone()]
                        };
                        self.call_closure(c, args, sp)?;
                        if let Value::Object(id) = cfg {
                            if let ObjData::Settings(new) = &self.objs[id] {
                                let new = new.clone();
                                merge_settings(&mut s, &new);
                            }
                        }
                    }
                }
            }
            if pname == "virtualbox" {
                m.memory = modifyvm(&s.customizations, "--memory");
                m.cpus = modifyvm(&s.customizations, "--cpus");
            }
            let mut map: Map<String, Json> = s.attrs.iter().map(|(k, v)| (k.clone(), to_json(v))).collect();
            if !s.customizations.is_empty() {
                map.insert(
                    "customize".into(),
                    Json::Array(
                        s.customizations
                            .iter()
                            .map(|(e, c)| Json::Array(vec![Json::String(e.clone()), to_json(c)]))
                            .collect(),
                    ),
                );
            }
            m.providers.insert(pname.clone(), Json::Object(map));
        }
        // Provider overrides (`|aws, override|`) apply only when that provider is used;
        // they are recorded, not merged into the provider-neutral machine.
        for (pname, blocks) in &vm.overrides {
            let oroot = self.new_root(false);
            for c in blocks {
                let dummy = self.alloc(ObjData::Dummy);
                self.call_closure(c, vec![dummy, Value::Object(oroot)], sp)?;
            }
            let ovm = self.vm_data(oroot);
            let mut map = Map::new();
            for (k, v) in &ovm.attrs {
                map.insert(k.clone(), to_json(v));
            }
            if let Some(u) = self.namespace_attr(oroot, "ssh", "username") {
                map.insert("ssh.username".into(), to_json(&u));
            }
            if let Some(u) = self.namespace_attr(oroot, "ssh", "private_key_path") {
                map.insert("ssh.private_key_path".into(), to_json(&u));
            }
            m.overrides.insert(pname.clone(), Json::Object(map));
        }
        Ok(m)
    }
}

/// `vb.memory` / `modifyvm --memory`: the last one wins, as in VirtualBox.
fn modifyvm(custom: &[(String, Value)], flag: &str) -> Option<i64> {
    let mut v = None;
    for (_, cmd) in custom {
        let Value::Array(c) = cmd else { continue };
        let c = c.borrow();
        if c.first().map(|x| x.to_s()).as_deref() != Some("modifyvm") {
            continue;
        }
        for (i, a) in c.iter().enumerate() {
            if a.to_s() == flag {
                v = c.get(i + 1).map(|x| {
                    let s = x.to_s();
                    let digits: String = s
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || *c == '-')
                        .collect();
                    digits.parse().unwrap_or(0)
                });
            }
        }
    }
    v
}

/// Vagrant's Config#merge: the newer object's set values win; `facter` hashes merge.
fn merge_settings(old: &mut Settings, new: &Settings) {
    for (k, v) in &new.attrs {
        if k == "facter" {
            if let (Some(Value::Hash(o)), Value::Hash(n)) = (attr(&old.attrs, "facter"), v) {
                let mut merged = o.borrow().clone();
                for (k2, v2) in n.borrow().iter() {
                    hash_set(&mut merged, k2.clone(), v2.clone());
                }
                set_attr(&mut old.attrs, k, Value::hash(merged));
                continue;
            }
        }
        set_attr(&mut old.attrs, k, v.clone());
    }
    old.customizations.extend(new.customizations.iter().cloned());
}

/// VMConfig#merge: root config first, the machine's own config over it.
fn merge_vm(root: &VmConfig, sub: &VmConfig) -> VmConfig {
    let mut out = root.clone();
    for (k, v) in &sub.attrs {
        set_attr(&mut out.attrs, k, v.clone());
    }
    for n in &sub.networks {
        match out.networks.iter_mut().find(|(k, ..)| *k == n.0) {
            Some(slot) => *slot = n.clone(),
            None => out.networks.push(n.clone()),
        }
    }
    for (id, o) in &sub.folders {
        match out.folders.iter_mut().find(|(k, _)| k == id) {
            Some(slot) => {
                for (k, v) in o {
                    hash_set(&mut slot.1, k.clone(), v.clone());
                }
            }
            None => out.folders.push((id.clone(), o.clone())),
        }
    }
    for (name, blocks) in &sub.providers {
        match out.providers.iter_mut().find(|(n, _)| n == name) {
            Some((_, b)) => b.extend(blocks.iter().cloned()),
            None => out.providers.push((name.clone(), blocks.clone())),
        }
    }
    for (name, blocks) in &sub.overrides {
        match out.overrides.iter_mut().find(|(n, _)| n == name) {
            Some((_, b)) => b.extend(blocks.iter().cloned()),
            None => out.overrides.push((name.clone(), blocks.clone())),
        }
    }
    // Provisioners: one the machine re-declares (same name) is merged; without
    // preserve_order it moves to the machine's position.
    let mut others = sub.provisioners.clone();
    let mut provs = Vec::new();
    for p in &root.provisioners {
        if let Some(i) = others.iter().position(|o| o.id == p.id) {
            let mut o = others[i].clone();
            let mut cfg = p.config.clone();
            merge_settings(&mut cfg, &o.config);
            o.config = cfg;
            if o.run.is_none() {
                o.run = p.run.clone();
            }
            if !o.preserve_order {
                others[i] = o;
                continue;
            }
            others.remove(i);
            provs.push(o);
        } else {
            provs.push(p.clone());
        }
    }
    provs.extend(others);
    out.provisioners = provs;
    out
}

/// A provisioner's effective options after Vagrant's `finalize!`.
fn finalize_provisioner(kind: &str, s: &Settings) -> Map<String, Json> {
    let get = |k: &str| attr(&s.attrs, k);
    let mut o: Map<String, Json> = s.attrs.iter().map(|(k, v)| (k.clone(), to_json(v))).collect();
    let mut put = |k: &str, v: Json| {
        o.insert(k.to_string(), v);
    };
    match kind {
        "puppet" => {
            let env_path = get("environment_path");
            let manifests = get("manifests_path");
            let host_path = |v: Value| match v {
                Value::Array(_) => to_json(&v),
                other => Json::Array(vec![Json::String("host".into()), to_json(&other)]),
            };
            match env_path {
                None => {
                    put(
                        "manifests_path",
                        manifests.map_or(serde_json::json!(["host", "manifests"]), host_path),
                    );
                    put("environment_path", Json::Null);
                    if get("manifest_file").is_none() {
                        put("manifest_file", Json::String("default.pp".into()));
                    }
                    if get("environment").is_none() {
                        put("environment", Json::String(String::new()));
                    }
                }
                Some(e) => {
                    put("environment_path", host_path(e));
                    if get("environment").is_none() {
                        put("environment", Json::String("production".into()));
                    }
                    put("manifests_path", manifests.map_or(Json::Null, host_path));
                    if get("manifest_file").is_none() {
                        put("manifest_file", Json::Null);
                    }
                }
            }
            if get("temp_dir").is_none() {
                put("temp_dir", Json::String("/tmp/vagrant-puppet".into()));
            }
            for k in [
                "hiera_config_path",
                "binary_path",
                "module_path",
                "working_directory",
                "synced_folder_type",
                "structured_facts",
            ] {
                if get(k).is_none() {
                    put(k, Json::Null);
                }
            }
            if get("environment_variables").is_none() {
                put("environment_variables", Json::Object(Map::new()));
            }
        }
        "puppet_server" => {
            if get("puppet_server").is_none() {
                put("puppet_server", Json::String("puppet".into()));
            }
            for k in [
                "binary_path",
                "client_cert_path",
                "client_private_key_path",
                "puppet_node",
            ] {
                if get(k).is_none() {
                    put(k, Json::Null);
                }
            }
        }
        "shell" => {
            if get("env").is_none() {
                put("env", Json::Object(Map::new()));
            }
            if get("privileged").is_none() {
                put("privileged", Json::Bool(true));
            }
            if let Some(a) = get("args") {
                match a {
                    Value::Array(items) => put(
                        "args",
                        Json::Array(items.borrow().iter().map(|x| Json::String(x.to_s())).collect()),
                    ),
                    Value::Str(_) | Value::Int(_) => put("args", Json::String(a.to_s())),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    o
}
