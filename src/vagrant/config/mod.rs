//! Vagrant's configuration objects (`config`, `config.vm`, provider and
//! provisioner configs) and how Vagrant turns them into machines: `define`
//! blocks run after the whole file is read, each machine's config is the root
//! config merged with its own, provider blocks run at finalize time, and v1
//! (`Vagrant::Config.run`) configs are upgraded the way Vagrant upgrades them.

mod finalize;
use finalize::merge_settings;
mod v1;

use super::eval::modules::to_json;
use super::eval::value::*;
use super::eval::{Blk, Flow, Interp, R};
use super::model::{Machine, Provisioner, SyncedFolder};
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
    /// An instance of a class the Vagrantfile defined.
    Instance(crate::vagrant::eval::classes::Instance),
    /// `config.vm.provisioners[i]` (the VM config and the index).
    Provisioner(ObjId, usize),
    /// `config.vm.provisioners[i].config`: its settings, changed in place.
    ProvisionerConfig(ObjId, usize),
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
            ObjData::Instance(_) => self.instance_call(id, name, args, blk, sp),
            ObjData::Provisioner(vm, i) => {
                let (vm, i) = (*vm, *i);
                match name {
                    "config" => Ok(self.alloc(ObjData::ProvisionerConfig(vm, i))),
                    "name" => Ok(self
                        .vm_mut(vm)
                        .provisioners
                        .get(i)
                        .and_then(|p| p.name.clone())
                        .map_or(Value::Nil, |n| Value::sym(&n))),
                    "type" => Ok(self
                        .vm_mut(vm)
                        .provisioners
                        .get(i)
                        .map_or(Value::Nil, |p| Value::sym(&p.kind))),
                    _ => Ok(self.unsupported_call(sp, "provisioner.", name)?),
                }
            }
            ObjData::ProvisionerConfig(vm, i) => {
                let (vm, i) = (*vm, *i);
                let Some(decl) = self.vm_mut(vm).provisioners.get_mut(i) else {
                    return Ok(Value::Nil);
                };
                match name.strip_suffix('=') {
                    Some(key) => {
                        let v = args.into_iter().next().unwrap_or(Value::Nil);
                        set_attr(&mut decl.config.attrs, key, v.clone());
                        Ok(v)
                    }
                    None => Ok(attr(&decl.config.attrs, name).unwrap_or(Value::Nil)),
                }
            }
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
            "provisioners" => {
                let n = self.vm_mut(id).provisioners.len();
                let items = (0..n).map(|i| self.alloc(ObjData::Provisioner(id, i))).collect();
                Ok(Value::array(items))
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
                // `host_name=` is Vagrant's alias for `hostname=`, kept from version 1.
                let key = match name.trim_end_matches('=') {
                    "host_name" => "hostname",
                    k => k,
                };
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
            // Reading an unset Hash-valued setting (`aws.tags["x"] = ...`,
            // `vmware.vmx["memsize"] = ...`) gets a hash to fill.
            if matches!(
                name,
                "tags"
                    | "facter"
                    | "env"
                    | "environment_variables"
                    | "block_device_mapping"
                    | "vmx"
                    | "labels"
                    | "metadata"
            ) {
                let h = Value::hash(vec![]);
                set_attr(&mut settings(self, id).attrs, name, h.clone());
                return Ok(h);
            }
            return Ok(Value::Nil);
        }
        // `config.trigger.before :up do |t| ... end`: runs on the host or the
        // guest around Vagrant's commands; read, and said when it would run
        // something on the machine.
        if kind == "trigger" && matches!(name, "before" | "after") {
            if let Some(b) = blk {
                let t = self.settings("trigger_action", vec![]);
                self.call_block(&b, vec![t.clone()], sp)?;
                let remote = match t {
                    Value::Object(tid) => match &self.objs[tid] {
                        ObjData::Settings(s) => attr(&s.attrs, "run_remote").is_some(),
                        _ => false,
                    },
                    _ => false,
                };
                if remote {
                    self.note(
                        Severity::Warning,
                        "vagrant-trigger-not-converted",
                        sp,
                        format!("this `trigger.{name}` runs a command on the machine (`run_remote`); it is not in the EC2 artifacts"),
                        Some("make it a shell provisioner if the machine needs it at boot"),
                    );
                }
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
}
