//! Loading the configure blocks in Vagrant's order, merging each machine's
//! `define` over the root, and finalizing every setting as Vagrant does into
//! the machines of the model.

use super::*;

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
pub(super) fn merge_settings(old: &mut Settings, new: &Settings) {
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

impl Interp {
    /// Run config blocks (version, block) against a fresh config; the v2 VM config that results.
    /// A block stopped by a limit keeps what it configured before it stopped.
    pub(in crate::vagrant) fn load_config(&mut self, procs: &[(String, Rc<Closure>)], sp: Span) -> Result<ObjId, Flow> {
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
    fn vm_of(&self, root: ObjId) -> ObjId {
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

    /// [`Self::vm_data`] without the machines defined in it (what a machine's
    /// settings merge from; copying every definition for each machine made
    /// reading N machines cost N squared).
    fn vm_settings(&mut self, root: ObjId) -> VmConfig {
        let id = self.vm_of(root);
        match &mut self.objs[id] {
            ObjData::Vm(v) => {
                let defined = std::mem::take(&mut v.defined);
                let settings = v.clone();
                v.defined = defined;
                settings
            }
            _ => VmConfig::default(),
        }
    }

    /// Every namespace's settings set in `roots`, a later root's over an earlier's.
    fn namespace_settings(&self, roots: &[ObjId]) -> Map<String, Json> {
        let mut out = Map::new();
        for root in roots {
            let ObjData::Root { namespaces, .. } = &self.objs[*root] else {
                continue;
            };
            for (name, id) in namespaces {
                let ObjData::Settings(s) = &self.objs[*id] else {
                    continue;
                };
                let entry = out.entry(name.clone()).or_insert_with(|| Json::Object(Map::new()));
                if let Json::Object(o) = entry {
                    for (k, v) in &s.attrs {
                        o.insert(k.clone(), to_json(v));
                    }
                }
            }
        }
        out.retain(|_, v| v.as_object().is_some_and(|o| !o.is_empty()));
        out
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
    pub(in crate::vagrant) fn machines(&mut self, root: ObjId, sp: Span) -> Vec<Machine> {
        // The definitions only: copying the whole root config for them is
        // what vm_settings avoids per machine.
        let mut defined = match &self.objs[self.vm_of(root)] {
            ObjData::Vm(v) => v.defined.clone(),
            _ => Vec::new(),
        };
        if defined.is_empty() {
            defined.push(("default".into(), vec![], vec![]));
        }
        let mut out = Vec::new();
        for (name, opts, procs) in defined {
            self.fresh_budget();
            let sub_root = match self.load_config(&procs, sp) {
                Ok(r) => r,
                Err(Flow::Raise(class, msg, at)) => {
                    self.raised(&class, &msg, at);
                    continue;
                }
                Err(_) => continue,
            };
            let merged = merge_vm(&self.vm_settings(root), &self.vm_settings(sub_root));
            let providers = match self.run_providers(&merged, sp) {
                Ok(p) => p,
                Err(Flow::Raise(class, msg, at)) => {
                    self.raised(&class, &msg, at);
                    continue;
                }
                Err(_) => continue,
            };
            // What the blocks set on the machine's config counts.
            let merged = merge_vm(&self.vm_settings(root), &self.vm_settings(sub_root));
            let ssh_user = self
                .namespace_attr(sub_root, "ssh", "username")
                .or_else(|| self.namespace_attr(root, "ssh", "username"));
            let namespaces = self.namespace_settings(&[root, sub_root]);
            match self.finalize(&name, &opts, &merged, providers, ssh_user, sp) {
                Ok(m) => out.push(Machine { namespaces, ..m }),
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

    /// Run the provider blocks, each against a fresh provider config
    /// (Vagrant's `finalize!`): their settings per provider. They run before
    /// the machine's settings are read, since a block may set them too
    /// (`config.vm.box = "dummy"` inside `provider :aws`).
    fn run_providers(&mut self, vm: &VmConfig, sp: Span) -> Result<Vec<(String, Settings)>, Flow> {
        let mut out = Vec::new();
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
            out.push((pname.clone(), s));
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn finalize(
        &mut self,
        name: &str,
        opts: &[(Value, Value)],
        vm: &VmConfig,
        providers: Vec<(String, Settings)>,
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
        for (pname, s) in providers {
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
            m.providers.insert(pname, Json::Object(map));
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
