//! One CloudFormation stack for the whole Vagrant environment: parameters for
//! what changes per deployment, a security group and an instance per machine,
//! an instance role only as wide as the boot script needs, and outputs.

use crate::plan::{Delivery, Node, Plan};
use serde_json::{json, Map, Value as Json};

/// A logical id from a machine name (`web-1` -> `Web1`).
pub fn logical_id(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'M');
    }
    out
}

/// `Fn::Sub` reads `${...}`; a literal shell `${VAR}` must be written `${!VAR}`.
pub fn escape_sub(script: &str) -> String {
    script.replace("${", "${!")
}

/// What the boot scripts read with the instance role: the deploy key or the
/// code object, and the autosign challenge; empty when they need no role.
pub fn role_statements(plan: &Plan) -> Vec<Json> {
    let ssm_read = |parameter: &str| {
        json!({
            "Effect": "Allow", "Action": ["ssm:GetParameter"],
            "Resource": {"Fn::Sub": format!("arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/{}", parameter.trim_start_matches('/'))}
        })
    };
    let mut statement = Vec::new();
    match &plan.delivery {
        Delivery::Git {
            key_parameter: Some(key_parameter),
            ..
        } => statement.push(ssm_read(key_parameter)),
        // Exactly the code object: the stack's own bucket is named
        // `<prefix>-<account id>-<region>`, as deploy-stack.sh created it.
        Delivery::S3 {
            bucket,
            bucket_prefix,
            key,
            ..
        } => {
            let bucket = match bucket {
                Some(b) => b.clone(),
                None => format!("{bucket_prefix}-${{AWS::AccountId}}-${{AWS::Region}}"),
            };
            statement.push(json!({
                "Effect": "Allow", "Action": ["s3:GetObject"],
                "Resource": {"Fn::Sub": format!("arn:${{AWS::Partition}}:s3:::{bucket}/{key}")}
            }))
        }
        _ => {}
    }
    if let Some(pm) = &plan.puppetmaster {
        statement.push(ssm_read(&pm.challenge_parameter));
    }
    statement
}

/// The template.
pub fn template(plan: &Plan, scripts: &[(&Node, String)]) -> Json {
    let mut params = Map::new();
    let mut resources = Map::new();
    let mut outputs = Map::new();
    let key_pair = plan.nodes.iter().find_map(|n| n.instance.key_pair.clone());
    if let Some(k) = &key_pair {
        params.insert(
            "KeyName".into(),
            json!({"Type": "AWS::EC2::KeyPair::KeyName", "Default": k, "Description": "EC2 key pair for SSH"}),
        );
    }
    params.insert(
        "SshCidr".into(),
        json!({"Type": "String", "Default": plan.ssh_cidr, "AllowedPattern": r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$",
               "Description": "Who may connect with SSH (127.0.0.1/32 keeps SSH closed)"}),
    );
    let any_ingress = plan.nodes.iter().any(|n| !n.ingress.is_empty());
    if any_ingress {
        params.insert(
            "IngressCidr".into(),
            json!({"Type": "String", "Default": plan.ingress_cidr, "AllowedPattern": r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$",
                   "Description": "Who may reach the ports the Vagrantfile forwarded"}),
        );
    }
    let statement = role_statements(plan);
    let needs_role = !statement.is_empty();
    // The master in the stack: its agents wait for it and reach it on 8140.
    let master = plan
        .puppetmaster
        .as_ref()
        .and_then(|pm| pm.node.as_ref().map(|n| (pm, n)));
    if needs_role {
        resources.insert(
            "InstanceRole".into(),
            json!({"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
                "Policies": [{"PolicyName": "puppetlift-boot", "PolicyDocument": {"Version": "2012-10-17", "Statement": statement}}]
            }}),
        );
        resources.insert(
            "InstanceProfile".into(),
            json!({"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": [{"Ref": "InstanceRole"}]}}),
        );
    }
    for (node, script) in scripts {
        let id = logical_id(&node.name);
        let image_param = format!("{id}Image");
        match (&node.image.ami, &node.image.ssm_parameter) {
            (Some(ami), _) => params.insert(
                image_param.clone(),
                json!({"Type": "AWS::EC2::Image::Id", "Default": ami, "Description": format!("AMI for {} ({})", node.name, node.image.os)}),
            ),
            (None, Some(ssm)) => params.insert(
                image_param.clone(),
                json!({"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": ssm,
                       "Description": format!("AMI for {} ({}), from AWS's public SSM parameter", node.name, node.image.os)}),
            ),
            // No public parameter: deploy-stack.sh looks up the publisher's newest AMI.
            (None, None) => node.image.ami_lookup.as_ref().and_then(|l| {
                params.insert(
                    image_param.clone(),
                    json!({"Type": "AWS::EC2::Image::Id",
                           "Description": format!("AMI for {} ({}): the newest of owner {} named {}, looked up by deploy-stack.sh",
                                                  node.name, node.image.os, l.owner, l.name)}),
                )
            }),
        };
        let type_param = format!("{id}InstanceType");
        params.insert(
            type_param.clone(),
            json!({"Type": "String", "Default": node.instance.instance_type, "Description": format!("Instance type for {}", node.name)}),
        );
        let mut ingress = vec![
            json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Ref": "SshCidr"},
                                      "Description": "SSH"}),
        ];
        for i in &node.ingress {
            ingress.push(
                json!({"IpProtocol": i.protocol, "FromPort": i.port, "ToPort": i.port, "CidrIp": {"Ref": "IngressCidr"},
                                "Description": format!("forwarded port {} in the Vagrantfile", i.port)}),
            );
        }
        if let Some((pm, master)) = master {
            if master == &node.name {
                for agent in pm.agents.iter().filter(|a| *a != master) {
                    ingress.push(json!({"IpProtocol": "tcp", "FromPort": 8140, "ToPort": 8140,
                        "SourceSecurityGroupId": {"Fn::GetAtt": [format!("{}SecurityGroup", logical_id(agent)), "GroupId"]},
                        "Description": format!("puppet agent {agent}")}));
                }
            }
        }
        let sg = format!("{id}SecurityGroup");
        resources.insert(
            sg.clone(),
            json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {
                "GroupDescription": format!("{} ({} stack)", node.name, plan.name),
                "SecurityGroupIngress": ingress
            }}),
        );
        let mut tags: Vec<Json> = node
            .instance
            .tags
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect();
        tags.push(json!({"Key": "puppetlift:stack", "Value": plan.name}));
        let mut props = Map::new();
        props.insert("ImageId".into(), json!({"Ref": image_param}));
        props.insert("InstanceType".into(), json!({"Ref": type_param}));
        if key_pair.is_some() {
            props.insert("KeyName".into(), json!({"Ref": "KeyName"}));
        }
        props.insert("SecurityGroupIds".into(), json!([{"Fn::GetAtt": [sg, "GroupId"]}]));
        if needs_role {
            props.insert("IamInstanceProfile".into(), json!({"Ref": "InstanceProfile"}));
        }
        if let Some(gb) = node.instance.disk_gb {
            let device = match node.image.family {
                crate::plan::images::Family::Debian if node.image.distro == "ubuntu" => "/dev/sda1",
                crate::plan::images::Family::Redhat => "/dev/sda1",
                _ => "/dev/xvda",
            };
            props.insert(
                "BlockDeviceMappings".into(),
                json!([{"DeviceName": device, "Ebs": {"VolumeSize": gb, "VolumeType": "gp3", "Encrypted": true}}]),
            );
        }
        // What is known only at deploy time: the stack's name, and an agent's master.
        let mut body = escape_sub(script).replacen(
            &format!("\nPUPPETLIFT_STACK={}\n", plan.name),
            "\nPUPPETLIFT_STACK=${AWS::StackName}\n",
            1,
        );
        let mut instance = json!({"Type": "AWS::EC2::Instance"});
        if let Some((pm, master)) = master {
            if master != &node.name && pm.agents.contains(&node.name) {
                let reference = format!("${{{}.PrivateDnsName}}", logical_id(master));
                body = body.replace(
                    &format!("\n  local server={}\n", pm.server),
                    &format!("\n  local server={reference}\n"),
                );
                // The reference makes the agent wait for its master; without one, say so.
                if !body.contains(&reference) {
                    instance["DependsOn"] = json!([logical_id(master)]);
                }
            }
        }
        props.insert("UserData".into(), json!({"Fn::Base64": {"Fn::Sub": body}}));
        props.insert("Tags".into(), Json::Array(tags));
        instance["Properties"] = Json::Object(props);
        resources.insert(id.clone(), instance);
        outputs.insert(
            format!("{id}InstanceId"),
            json!({"Description": format!("{} instance", node.name), "Value": {"Ref": id}}),
        );
        outputs.insert(
            format!("{id}PrivateIp"),
            json!({"Description": format!("{} private IP", node.name), "Value": {"Fn::GetAtt": [id, "PrivateIp"]}}),
        );
    }
    if let Some((_, master)) = master {
        outputs.insert(
            "PuppetmasterPrivateDnsName".into(),
            json!({"Description": "The puppetmaster's name for its agents",
                   "Value": {"Fn::GetAtt": [logical_id(master), "PrivateDnsName"]}}),
        );
    }
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("puppetlift: the {} Vagrant environment on EC2 ({} machines)", plan.name, plan.nodes.len()),
        "Parameters": params,
        "Resources": resources,
        "Outputs": outputs,
    })
}
