//! `puppetlift convert`: the artifacts plus what a teammate needs to use them
//! without reading puppetlift's docs — a README that says what was converted and
//! how, and launch scripts for both ways in (CloudFormation, plain EC2), using
//! only the AWS CLI and portable bash (macOS's 3.2 included).

use super::{render, Artifacts};
use crate::diagnostic::Diagnostic;
use crate::plan::{Delivery, Plan};
use crate::vagrant::Machine;
use serde_json::json;

/// Add README.md, deploy-stack.sh, run-instances.sh and destroy.sh to `artifacts`.
pub fn add(plan: &Plan, machines: &[Machine], artifacts: &mut Artifacts) -> Result<(), Box<Diagnostic>> {
    let nodes: Vec<serde_json::Value> = plan
        .nodes
        .iter()
        .map(|n| {
            let image_ref = n
                .image
                .ami
                .clone()
                .or_else(|| n.image.ssm_parameter.clone())
                .or_else(|| n.image.ami_lookup.as_ref().map(|l| format!("{}:{}", l.owner, l.name)))
                .unwrap_or_default();
            // The stack parameter deploy-stack.sh fills with the looked-up AMI.
            let lookup = match (&n.image.ami, &n.image.ssm_parameter, &n.image.ami_lookup) {
                (None, None, Some(l)) => json!({
                    "param": format!("{}Image", super::cloudformation::logical_id(&n.name)),
                    "owner": l.owner, "name": l.name,
                }),
                _ => serde_json::Value::Null,
            };
            let ports: Vec<String> = n.ingress.iter().map(|i| format!("{}/{}", i.protocol, i.port)).collect();
            let box_name = machines
                .iter()
                .find(|m| m.name == n.name)
                .and_then(|m| m.box_name.clone())
                .unwrap_or_default();
            json!({
                "name": n.name,
                "dir": super::machine_dir(&n.name),
                "box": box_name,
                "image": n.image.os,
                "ami": image_ref,
                "image_ref": image_ref,
                "lookup": lookup,
                "instance_type": n.instance.instance_type,
                "ports": if ports.is_empty() { "22 only".to_string() } else { format!("22, {}", ports.join(", ")) },
                "ingress": ports,
                // SUBNET-INDEX:ADDRESS per interface, for run-instances.sh.
                "interfaces": n.interfaces.iter()
                    .map(|i| format!("{}:{}", i.subnet, i.address.as_deref().unwrap_or("")))
                    .collect::<Vec<_>>().join(" "),
                "steps": n.steps.iter().map(|s| format!("{} ({})", s.kind(), s.label(&plan.delivery))).collect::<Vec<_>>(),
            })
        })
        .collect();
    let delivery = match &plan.delivery {
        Delivery::Embed { path } => {
            format!("the code is embedded in each machine's boot script and unpacked to `{path}`.")
        }
        Delivery::Git {
            path,
            repository,
            git_ref,
            ..
        } => format!("each machine clones `{repository}` (`{git_ref}`) to `{path}`."),
        Delivery::S3 { path, .. } => format!(
            "each machine downloads `{}` with its instance role and unpacks it to `{path}`; `deploy-stack.sh` and `run-instances.sh` upload `code.tar.gz` there first{}.",
            plan.delivery.s3_url().unwrap_or_default(),
            match &plan.delivery_choice {
                Some(why) => format!(" (`delivery.mode = \"auto\"`: {why})"),
                None => String::new(),
            }
        ),
    };
    let mut secrets = Vec::new();
    if let Delivery::Git {
        key_parameter: Some(k),
        repository,
        ..
    } = &plan.delivery
    {
        secrets.push(format!(
            "# the private half of a deploy key with read access to {repository}\naws ssm put-parameter --name {k} --type SecureString --value file://deploy_key"
        ));
    }
    if let Some(pm) = &plan.puppetmaster {
        secrets.push(format!(
            "# the puppetmaster's autosign challenge password: agents present it, the master signs only them\naws ssm put-parameter --name {} --type SecureString --value \"$(openssl rand -hex 24)\"",
            pm.challenge_parameter
        ));
    }
    let s3 = match &plan.delivery {
        Delivery::S3 {
            bucket,
            bucket_prefix,
            key,
            ..
        } => json!({"bucket": bucket, "bucket_prefix": bucket_prefix, "key": key,
                    "url": plan.delivery.s3_url()}),
        _ => serde_json::Value::Null,
    };
    // The stack's instance role; plain launches create its twin (or take INSTANCE_PROFILE).
    let statements = super::cloudformation::role_statements(plan);
    let iam = !statements.is_empty();
    // The master launches first; agents learn its name from EC2.
    let master = plan
        .puppetmaster
        .as_ref()
        .and_then(|pm| pm.node.clone())
        .unwrap_or_default();
    let agents: Vec<&String> = plan
        .puppetmaster
        .iter()
        .flat_map(|pm| pm.agents.iter())
        .filter(|a| **a != master)
        .collect();
    let mut launch_order: Vec<&str> = plan.nodes.iter().map(|n| n.name.as_str()).collect();
    launch_order.sort_by_key(|n| *n != master);
    let key_pair = plan
        .nodes
        .iter()
        .find_map(|n| n.instance.key_pair.clone())
        .unwrap_or_default();
    let mut ctx = tera::Context::new();
    ctx.insert("plan", plan);
    let lookups: Vec<&serde_json::Value> = nodes.iter().map(|n| &n["lookup"]).filter(|l| !l.is_null()).collect();
    ctx.insert("lookups", &lookups);
    ctx.insert("nodes", &nodes);
    ctx.insert("delivery", &delivery);
    ctx.insert("secrets", &secrets);
    ctx.insert("s3", &s3);
    ctx.insert("iam", &iam);
    let role_policy = shell_policy(&statements);
    // Whether the policy names the account (looked up only then).
    ctx.insert("role_vars", &json!({"account": role_policy.contains("${account}")}));
    ctx.insert("role_policy", &role_policy);
    ctx.insert("role_name", &role_name(&plan.name));
    ctx.insert("key_pair", &key_pair);
    ctx.insert("master", &master);
    ctx.insert("agents", &agents);
    ctx.insert("launch_order", &launch_order);
    ctx.insert("puppetmaster", &plan.puppetmaster);
    ctx.insert("network", &plan.network);
    artifacts.insert("README.md".into(), render("handoff-README.md", &ctx)?.into_bytes());
    artifacts.insert("deploy-stack.sh".into(), render("deploy-stack.sh", &ctx)?.into_bytes());
    artifacts.insert(
        "run-instances.sh".into(),
        render("run-instances.sh", &ctx)?.into_bytes(),
    );
    artifacts.insert("destroy.sh".into(), render("destroy.sh", &ctx)?.into_bytes());
    Ok(())
}

/// The instance role run-instances.sh creates when no INSTANCE_PROFILE is
/// given: the stack's name and `-boot`, within IAM's 64 characters.
fn role_name(stack: &str) -> String {
    format!("{}-boot", stack.chars().take(59).collect::<String>())
}

/// The stack's role policy (its `Fn::Sub` resources) as a bash double-quoted
/// string, with the partition, region and account as the variables
/// run-instances.sh looks up: the same statements, so a plain launch may read
/// exactly what a stack's instance may.
fn shell_policy(statements: &[serde_json::Value]) -> String {
    const VARS: [(&str, &str, &str); 3] = [
        ("${AWS::Partition}", "@@PUPPETLIFT_PARTITION@@", "${partition}"),
        ("${AWS::Region}", "@@PUPPETLIFT_REGION@@", "${region}"),
        ("${AWS::AccountId}", "@@PUPPETLIFT_ACCOUNT@@", "${account}"),
    ];
    let plain: Vec<serde_json::Value> = statements
        .iter()
        .map(|st| {
            let mut st = st.clone();
            if let Some(sub) = st["Resource"]["Fn::Sub"].as_str() {
                let marked = VARS
                    .iter()
                    .fold(sub.to_string(), |s, (cfn, mark, _)| s.replace(cfn, mark));
                st["Resource"] = serde_json::Value::String(marked);
            }
            st
        })
        .collect();
    let doc = json!({"Version": "2012-10-17", "Statement": plain}).to_string();
    let mut quoted = String::from("\"");
    for c in doc.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    VARS.iter().fold(quoted, |s, (_, mark, var)| s.replace(mark, var))
}
