//! One CloudFormation stack for the whole Vagrant environment: parameters for
//! what changes per deployment, a security group and an instance per machine,
//! an instance role only as wide as the boot script needs, and outputs.

use crate::plan::network::Network;
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

/// Tags every resource of the stack carries, with `Name`.
fn stack_tags(plan: &Plan, name: &str) -> Json {
    json!([{"Key": "Name", "Value": name}, {"Key": "puppetlift:stack", "Value": plan.name}])
}

/// The VPC, subnets, internet gateway and route that reproduce the Vagrant
/// private networks (only the subnets' references for an existing VPC), and a
/// security group through which the machines reach each other on every port,
/// as on a host-only network. Returns the VPC and each subnet as references.
fn network_resources(plan: &Plan, net: &Network, resources: &mut Map<String, Json>) -> (Json, Vec<Json>) {
    let vpc = match &net.vpc {
        Some(id) => json!(id),
        None => {
            resources.insert(
                "Vpc".into(),
                json!({"Type": "AWS::EC2::VPC", "Properties": {
                    "CidrBlock": net.cidr, "EnableDnsSupport": true, "EnableDnsHostnames": true,
                    "Tags": stack_tags(plan, &plan.name)}}),
            );
            resources.insert(
                "InternetGateway".into(),
                json!({"Type": "AWS::EC2::InternetGateway", "Properties": {"Tags": stack_tags(plan, &plan.name)}}),
            );
            resources.insert(
                "InternetGatewayAttachment".into(),
                json!({"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {
                    "VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "InternetGateway"}}}),
            );
            resources.insert(
                "RouteTable".into(),
                json!({"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}, "Tags": stack_tags(plan, &plan.name)}}),
            );
            // Outbound traffic (packages, the Forge, the AWS API) through the gateway.
            resources.insert(
                "DefaultRoute".into(),
                json!({"Type": "AWS::EC2::Route", "DependsOn": "InternetGatewayAttachment", "Properties": {
                    "RouteTableId": {"Ref": "RouteTable"}, "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": {"Ref": "InternetGateway"}}}),
            );
            json!({"Ref": "Vpc"})
        }
    };
    let mut subnets = Vec::new();
    for (i, subnet) in net.subnets.iter().enumerate() {
        if let Some(id) = &subnet.id {
            subnets.push(json!(id));
            continue;
        }
        let id = format!("Subnet{}", i + 1);
        // One zone for all: a machine's interfaces must share its zone.
        resources.insert(
            id.clone(),
            json!({"Type": "AWS::EC2::Subnet", "Properties": {
                "VpcId": vpc, "CidrBlock": subnet.cidr, "MapPublicIpOnLaunch": true,
                "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
                "Tags": stack_tags(plan, &format!("{} {}", plan.name, subnet.cidr))}}),
        );
        if net.vpc.is_none() {
            resources.insert(
                format!("{id}RouteTableAssociation"),
                json!({"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
                    "SubnetId": {"Ref": id}, "RouteTableId": {"Ref": "RouteTable"}}}),
            );
        }
        subnets.push(json!({"Ref": id}));
    }
    resources.insert(
        "StackSecurityGroup".into(),
        json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": format!("the machines of the {} stack reach each other, as on their Vagrant network", plan.name),
            "VpcId": vpc, "Tags": stack_tags(plan, &plan.name)}}),
    );
    resources.insert(
        "StackSecurityGroupIngress".into(),
        json!({"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Fn::GetAtt": ["StackSecurityGroup", "GroupId"]}, "IpProtocol": "-1",
            "SourceSecurityGroupId": {"Fn::GetAtt": ["StackSecurityGroup", "GroupId"]},
            "Description": "every port from the stack's machines"}}),
    );
    (vpc, subnets)
}

/// A Route 53 private zone per domain of the machines' hostnames, with each
/// machine's full name: its Vagrant address, or the one EC2 gave it.
fn zones(plan: &Plan, net: &Network, vpc: &Json, resources: &mut Map<String, Json>) {
    for (z, domain) in net.domains.iter().enumerate() {
        let zone = format!("PrivateZone{}", z + 1);
        resources.insert(
            zone.clone(),
            json!({"Type": "AWS::Route53::HostedZone", "Properties": {
                "Name": domain,
                "HostedZoneConfig": {"Comment": format!("the {} stack's Vagrant hostnames", plan.name)},
                "VPCs": [{"VPCId": vpc, "VPCRegion": {"Ref": "AWS::Region"}}],
                "HostedZoneTags": [{"Key": "puppetlift:stack", "Value": plan.name}]}}),
        );
        for node in &plan.nodes {
            let Some(hostname) = node.hostname.as_deref() else {
                continue;
            };
            if hostname.split_once('.').map(|(_, d)| d) != Some(domain.as_str()) {
                continue;
            }
            let address = match node.interfaces.first().and_then(|i| i.address.as_ref()) {
                Some(a) => json!(a),
                None => json!({"Fn::GetAtt": [logical_id(&node.name), "PrivateIp"]}),
            };
            resources.insert(
                format!("{}Record", logical_id(&node.name)),
                json!({"Type": "AWS::Route53::RecordSet", "Properties": {
                    "HostedZoneId": {"Ref": zone}, "Name": hostname, "Type": "A", "TTL": "60",
                    "ResourceRecords": [address]}}),
            );
        }
    }
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
    let mut statement = role_statements(plan);
    // Each boot reports its end to its own instance's CreationPolicy, and to nothing else.
    statement.push(json!({
        "Effect": "Allow", "Action": ["cloudformation:SignalResource"],
        "Resource": {"Fn::Sub": "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${AWS::StackName}/*"}
    }));
    let network = plan
        .network
        .as_ref()
        .map(|net| (net, network_resources(plan, net, &mut resources)));
    // The master in the stack: its agents wait for it and reach it on 8140.
    let master = plan
        .puppetmaster
        .as_ref()
        .and_then(|pm| pm.node.as_ref().map(|n| (pm, n)));
    // Every stack has the role: every boot signals with it.
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
        let mut sg_props = json!({
            "GroupDescription": format!("{} ({} stack)", node.name, plan.name),
            "SecurityGroupIngress": ingress
        });
        let mut groups = vec![json!({"Fn::GetAtt": [sg, "GroupId"]})];
        if let Some((_, (vpc, _))) = &network {
            sg_props["VpcId"] = vpc.clone();
            groups.push(json!({"Fn::GetAtt": ["StackSecurityGroup", "GroupId"]}));
        }
        resources.insert(
            sg.clone(),
            json!({"Type": "AWS::EC2::SecurityGroup", "Properties": sg_props}),
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
        match (&network, node.interfaces.as_slice()) {
            // One interface: the instance's own subnet and address.
            (Some((_, (_, subnets))), [only]) => {
                props.insert("SubnetId".into(), subnets[only.subnet].clone());
                if let Some(a) = &only.address {
                    props.insert("PrivateIpAddress".into(), json!(a));
                }
                props.insert("SecurityGroupIds".into(), Json::Array(groups));
            }
            // Several Vagrant networks: an interface each, attached at launch.
            (Some((_, (_, subnets))), interfaces) if !interfaces.is_empty() => {
                let mut attached = Vec::new();
                for (k, interface) in interfaces.iter().enumerate() {
                    let eni = format!("{id}Interface{k}");
                    let mut eni_props = json!({
                        "SubnetId": subnets[interface.subnet], "GroupSet": groups,
                        "Description": format!("{} interface {k} ({} stack)", node.name, plan.name),
                        "Tags": stack_tags(plan, &format!("{} {k}", node.name))});
                    if let Some(a) = &interface.address {
                        eni_props["PrivateIpAddress"] = json!(a);
                    }
                    resources.insert(
                        eni.clone(),
                        json!({"Type": "AWS::EC2::NetworkInterface", "Properties": eni_props}),
                    );
                    attached.push(json!({"NetworkInterfaceId": {"Ref": eni}, "DeviceIndex": k.to_string()}));
                }
                props.insert("NetworkInterfaces".into(), Json::Array(attached));
                // EC2 gives no public address to an instance launched with
                // several interfaces: an Elastic IP on the first, for the
                // packages and the AWS API the boot reaches.
                resources.insert(
                    format!("{id}PublicAddress"),
                    json!({"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc", "Tags": stack_tags(plan, &node.name)}}),
                );
                resources.insert(
                    format!("{id}PublicAddressAssociation"),
                    json!({"Type": "AWS::EC2::EIPAssociation", "Properties": {
                        "AllocationId": {"Fn::GetAtt": [format!("{id}PublicAddress"), "AllocationId"]},
                        "NetworkInterfaceId": {"Ref": format!("{id}Interface0")}}}),
                );
            }
            _ => {
                props.insert("SecurityGroupIds".into(), Json::Array(groups));
            }
        }
        props.insert("IamInstanceProfile".into(), json!({"Ref": "InstanceProfile"}));
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
        // and the resource the boot signals its end to.
        let mut body = escape_sub(script)
            .replacen(
                &format!("\nPUPPETLIFT_STACK={}\n", plan.name),
                "\nPUPPETLIFT_STACK=${AWS::StackName}\n",
                1,
            )
            .replacen("\nPUPPETLIFT_SIGNAL=\n", &format!("\nPUPPETLIFT_SIGNAL={id}\n"), 1);
        // Done when provisioning is done: a failed boot rolls the stack back.
        let mut instance = json!({"Type": "AWS::EC2::Instance", "CreationPolicy": {"ResourceSignal": {
            "Count": 1, "Timeout": format!("PT{}M", plan.boot_timeout_minutes)}}});
        let mut depends: Vec<String> = Vec::new();
        if let Some((pm, master)) = master {
            if master != &node.name && pm.agents.contains(&node.name) {
                let reference = format!("${{{}.PrivateDnsName}}", logical_id(master));
                body = body.replace(
                    &format!("\n  local server={}\n", pm.server),
                    &format!("\n  local server={reference}\n"),
                );
                // The reference makes the agent wait for its master; without one, say so.
                if !body.contains(&reference) {
                    depends.push(logical_id(master));
                }
            }
        }
        // The boot needs the way out: the stack's route, and a public address.
        if let Some((net, _)) = &network {
            if net.vpc.is_none() {
                depends.push("DefaultRoute".into());
            }
            if node.interfaces.len() > 1 {
                depends.push(format!("{id}PublicAddressAssociation"));
            }
        }
        if !depends.is_empty() {
            instance["DependsOn"] = json!(depends);
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
    if let Some((net, (vpc, _))) = &network {
        zones(plan, net, vpc, &mut resources);
        outputs.insert("VpcId".into(), json!({"Description": "The stack's VPC", "Value": vpc}));
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
