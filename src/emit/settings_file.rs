//! `puppetlift init`: a commented `puppetlift.toml` rendered from the plan, so
//! the first edit a team makes is a small one.

use crate::plan::{Delivery, Plan, Step};

/// A commented `puppetlift.toml` with what puppetlift derived, every key shown
/// (commented out where the default applies), so the first edit is a small one.
pub fn commented(plan: &Plan) -> String {
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
        Delivery::Embed { path } => {
            let _ = writeln!(
                s,
                "mode = \"embed\"       # or \"git\" (repository, ref, deploy_key_parameter) or \"s3\" (bucket, key)"
            );
            let _ = writeln!(s, "path = {path:?}");
        }
        Delivery::Git {
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
        Delivery::S3 { path, bucket, key } => {
            let _ = writeln!(s, "mode = \"s3\"\npath = {path:?}\nbucket = {bucket:?}\nkey = {key:?}");
        }
    }
    let vagrant_user = plan
        .nodes
        .iter()
        .any(|n| n.steps.iter().any(|st| matches!(st, Step::AddVagrantUser)));
    let compat = if vagrant_user { "" } else { "# " };
    let _ = writeln!(s, "\n{compat}[compat]");
    let _ = writeln!(
        s,
        "{compat}vagrant_user = true            # the `vagrant` user and group, as Vagrant boxes have them, for code that needs them"
    );
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
