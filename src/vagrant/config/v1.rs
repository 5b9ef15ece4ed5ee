//! Vagrant's version 1 configuration (`Vagrant::Config.run`): its calls, and
//! the upgrade to version 2 that Vagrant performs when it loads one.

use super::*;

impl Interp {
    pub(super) fn v1_call(&mut self, id: ObjId, name: &str, mut args: Vec<Value>, blk: Option<Blk>, sp: Span) -> R {
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
    pub(super) fn upgrade_v1(&mut self, v1: V1Config, vm: ObjId, sp: Span) -> Result<(), Flow> {
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
}
