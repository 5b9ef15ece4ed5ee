//! `puppetlift init`: a commented `puppetlift.toml` rendered from the plan, so
//! the first edit a team makes is a small one.

use crate::plan::{Delivery, Plan, Step};
use crate::project::GitRemote;

/// A commented `puppetlift.toml` with what puppetlift derived, every key shown
/// (commented out where the default applies), so the first edit is a small one.
pub fn commented(plan: &Plan) -> String {
    commented_with_remote(plan, None)
}

/// [`commented`], proposing `git` delivery from `remote` (the project's own
/// git checkout: see [`crate::project::Project::git_remote`]).
pub fn commented_with_remote(plan: &Plan, remote: Option<&GitRemote>) -> String {
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
        "ingress_cidr = {:?}             # who may reach the forwarded ports",
        plan.ingress_cidr
    );
    let _ = writeln!(
        s,
        "# boot_timeout_minutes = {}    # how long CloudFormation waits for each machine's provisioning\n",
        plan.boot_timeout_minutes
    );
    let _ = writeln!(s, "[puppet]");
    let _ = writeln!(
        s,
        "install = \"auto\"     # distribution packages where they are Puppet >= 7, else OpenVox (\"os\", \"openvox\")"
    );
    let _ = writeln!(s, "# openvox_version = 8");
    let _ = writeln!(
        s,
        "# legacy_compat = true  # Puppet 8 runs with Puppet 7's leniency (legacy facts, strict_variables off); false: Puppet 8's defaults\n"
    );
    delivery_section(&mut s, plan, remote);
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
    network_section(&mut s, plan);
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

/// `[delivery]`: the mode the plan uses, and `git` proposed (commented) when
/// the project is a git checkout with a remote.
fn delivery_section(s: &mut String, plan: &Plan, remote: Option<&GitRemote>) {
    use std::fmt::Write;
    let _ = writeln!(s, "[delivery]");
    let path = plan.delivery.path();
    let auto = "mode = \"auto\"        # embed the code while it fits in EC2's user data, else S3 (the launch scripts create the bucket); or \"embed\", \"git\", \"s3\"";
    match &plan.delivery {
        Delivery::Embed { .. } if plan.delivery_auto => {
            let _ = writeln!(s, "{auto}\npath = {path:?}");
        }
        Delivery::Embed { .. } => {
            let _ = writeln!(
                s,
                "mode = \"embed\"       # or \"auto\", \"git\" (repository, ref, deploy_key_parameter) or \"s3\" (bucket, key)\npath = {path:?}"
            );
        }
        Delivery::Git {
            repository,
            git_ref,
            key_parameter,
            ..
        } => {
            let _ = writeln!(
                s,
                "mode = \"git\"\npath = {path:?}\nrepository = {repository:?}\nref = {git_ref:?}"
            );
            if let Some(k) = key_parameter {
                let _ = writeln!(s, "deploy_key_parameter = {k:?}");
            }
        }
        Delivery::S3 {
            bucket,
            bucket_prefix,
            key,
            ..
        } => {
            if plan.delivery_auto {
                let _ = writeln!(s, "{auto}\npath = {path:?}");
            } else {
                let _ = writeln!(s, "mode = \"s3\"\npath = {path:?}");
            }
            match bucket {
                Some(b) => {
                    let _ = writeln!(s, "bucket = {b:?}");
                }
                None => {
                    let _ = writeln!(
                        s,
                        "# bucket = \"my-bucket\"        # default: {bucket_prefix}-ACCOUNT-REGION, created by the launch scripts"
                    );
                }
            }
            if !plan.delivery_auto {
                let _ = writeln!(s, "key = {key:?}");
            }
        }
    }
    if let (Some(r), false) = (remote, matches!(plan.delivery, Delivery::Git { .. })) {
        let _ = writeln!(
            s,
            "# The project is a git checkout: the instances can clone it instead (remote `{}`).",
            r.name
        );
        let _ = writeln!(s, "# mode = \"git\"\n# repository = {:?}", r.url);
        let _ = writeln!(s, "# ref = {:?}", r.branch.as_deref().unwrap_or("main"));
        if !r.url.starts_with("https://") && !r.url.starts_with("http://") {
            let _ = writeln!(
                s,
                "# deploy_key_parameter = \"/puppetlift/{}/deploy-key\"  # SSM SecureString with a read-only deploy key",
                plan.name
            );
        }
    }
}

/// `[network]`: what the plan made of the Vagrant private networks, commented.
fn network_section(s: &mut String, plan: &Plan) {
    use std::fmt::Write;
    let Some(net) = &plan.network else {
        return;
    };
    let _ = writeln!(
        s,
        "\n# [network]  # the Vagrant private networks: a new VPC {} keeps every address",
        net.cidr
    );
    let _ = writeln!(
        s,
        "# vpc = \"vpc-0123456789abcdef0\"   # deploy into an existing VPC instead"
    );
    let subnets: Vec<String> = net
        .subnets
        .iter()
        .map(|x| format!("\"subnet-for-{}\"", x.cidr))
        .collect();
    let _ = writeln!(
        s,
        "# subnets = [{}]   # with vpc: one per network, in this order",
        subnets.join(", ")
    );
    let _ = writeln!(
        s,
        "# cidr = {:?}   # the VPC's block (with vpc: the existing VPC's)",
        net.cidr
    );
}
