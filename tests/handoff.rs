//! The launch scripts `convert` writes (`deploy-stack.sh`, `run-instances.sh`),
//! run for real with bash against a recording stand-in for the AWS CLI: the
//! calls they make, in order, with the names and documents they pass. One
//! ignored test runs the S3 part against `aws-standin` (a local AWS API) with
//! the real AWS CLI.

use puppetlift::emit::{self, Target};
use puppetlift::plan::{self, Delivery};
use puppetlift::project::Project;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The account the stand-ins answer with.
const ACCOUNT: &str = "123456789012";

/// A scratch directory of this test process, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("puppetlift-handoff-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `convert` of a fixture into `out`; the plan it was made from.
fn convert(fixture: &str, out: &Path) -> plan::Plan {
    let project = Project::load(Path::new(fixture), Default::default());
    let planned = plan::build(&project);
    let (mut artifacts, _) = emit::render_all(&planned.plan, &project.root, Target::All);
    emit::handoff::add(&planned.plan, project.machines(), &mut artifacts).expect("handoff");
    emit::write::write_out(out, &artifacts, true).expect("written");
    planned.plan
}

/// The bucket and key the plan's S3 delivery resolves to in `region`.
fn object(plan: &plan::Plan, region: &str) -> (String, String) {
    match &plan.delivery {
        Delivery::S3 {
            bucket,
            bucket_prefix,
            key,
            ..
        } => (
            bucket
                .clone()
                .unwrap_or_else(|| format!("{bucket_prefix}-{ACCOUNT}-{region}")),
            key.clone(),
        ),
        other => panic!("not S3: {other:?}"),
    }
}

/// A recording `aws` (and a `sleep` that does not wait) in `dir/bin`: every
/// call is appended to `dir/aws.log`; answers are what a fresh account gives
/// (no bucket, no role, no security group) unless `BUCKET_EXISTS` is set.
fn recording_aws(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let aws = format!(
        r#"#!/usr/bin/env bash
echo "aws $*" >> "$AWS_LOG"
case "$1 $2" in
  "configure get") exit 1 ;;
  "sts get-caller-identity")
    case "$*" in *Arn*) echo "arn:aws:iam::{ACCOUNT}:user/ops" ;; *) echo {ACCOUNT} ;; esac ;;
  "s3api head-bucket") [ -n "${{BUCKET_EXISTS:-}}" ] || exit 254 ;;
  "iam get-role"|"iam get-instance-profile") exit 254 ;;
  "ec2 describe-security-groups") echo None ;;
  "ec2 create-security-group") echo sg-0123456789abcdef0 ;;
  "ssm get-parameter") echo ami-0123456789abcdef0 ;;
  "ec2 run-instances") echo i-0123456789abcdef0 ;;
esac
exit 0
"#
    );
    for (name, text) in [("aws", aws.as_str()), ("sleep", "#!/bin/sh\nexit 0\n")] {
        let p = bin.join(name);
        std::fs::write(&p, text).expect("stand-in");
        make_executable(&p);
    }
    bin
}

fn make_executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Run `script` in `out` with the stand-in first on PATH; the calls it made.
fn run_script(out: &Path, bin: &Path, script: &str, env: &[(&str, &str)]) -> Vec<String> {
    let log = out.join("aws.log");
    let _ = std::fs::remove_file(&log);
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let r = Command::new("bash")
        .arg(out.join(script))
        .env("PATH", path)
        .env("AWS_LOG", &log)
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("INSTANCE_PROFILE")
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("bash (needed to run {script}): {e}"));
    assert!(
        r.status.success(),
        "{script} failed:\n{}{}",
        String::from_utf8_lossy(&r.stdout),
        String::from_utf8_lossy(&r.stderr)
    );
    std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The index of the first call starting with `prefix` (and containing `with`).
fn call(calls: &[String], prefix: &str, with: &str) -> usize {
    calls
        .iter()
        .position(|c| c.starts_with(prefix) && c.contains(with))
        .unwrap_or_else(|| panic!("no `{prefix}` call with `{with}` in:\n{}", calls.join("\n")))
}

#[test]
fn deploy_stack_creates_a_private_encrypted_tagged_bucket_and_uploads_the_code_first() {
    let s = Scratch::new("deploy");
    let out = s.0.join("out");
    let plan = convert("fixtures/projects/bookworm-vendored-auto", &out);
    let (bucket, key) = object(&plan, "eu-west-1");
    let bin = recording_aws(&s.0);
    let calls = run_script(&out, &bin, "deploy-stack.sh", &[("AWS_REGION", "eu-west-1")]);
    let order = [
        call(&calls, "aws s3api head-bucket", &bucket),
        call(&calls, "aws s3api create-bucket", "LocationConstraint=eu-west-1"),
        call(
            &calls,
            "aws s3api put-public-access-block",
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ),
        call(&calls, "aws s3api put-bucket-encryption", r#""SSEAlgorithm":"AES256""#),
        call(
            &calls,
            "aws s3api put-bucket-tagging",
            &format!("Key=puppetlift:stack,Value={}", plan.name),
        ),
        call(&calls, "aws s3 cp", &format!("code.tar.gz s3://{bucket}/{key}")),
        call(&calls, "aws cloudformation deploy", "--capabilities CAPABILITY_IAM"),
    ];
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "out of order:\n{}",
        calls.join("\n")
    );
    assert!(calls
        .iter()
        .all(|c| !c.contains("put-bucket-policy") && !c.contains("public-read")));

    // The stack's instance role reads exactly that object, and signals its own stack.
    let stack: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("stack.json")).expect("stack.json")).expect("JSON");
    let statements = &stack["Resources"]["InstanceRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
    assert_eq!(statements.as_array().map(Vec::len), Some(2), "{statements}");
    assert_eq!(
        statements[1]["Action"],
        serde_json::json!(["cloudformation:SignalResource"])
    );
    assert_eq!(
        statements[1]["Resource"]["Fn::Sub"],
        "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${AWS::StackName}/*"
    );
    assert_eq!(statements[0]["Action"], serde_json::json!(["s3:GetObject"]));
    let resource = statements[0]["Resource"]["Fn::Sub"]
        .as_str()
        .expect("Fn::Sub")
        .replace("${AWS::Partition}", "aws")
        .replace("${AWS::AccountId}", ACCOUNT)
        .replace("${AWS::Region}", "eu-west-1");
    assert_eq!(resource, format!("arn:aws:s3:::{bucket}/{key}"));

    // An existing bucket is used as it is; us-east-1 takes no location constraint.
    let again = run_script(
        &out,
        &bin,
        "deploy-stack.sh",
        &[("AWS_REGION", "eu-west-1"), ("BUCKET_EXISTS", "1")],
    );
    assert!(
        again
            .iter()
            .all(|c| !c.contains("create-bucket") && !c.contains("put-bucket")),
        "{}",
        again.join("\n")
    );
    call(&again, "aws s3 cp", &format!("s3://{bucket}/{key}"));
    let virginia = run_script(&out, &bin, "deploy-stack.sh", &[("AWS_REGION", "us-east-1")]);
    let create = &virginia[call(&virginia, "aws s3api create-bucket", "")];
    assert!(
        !create.contains("LocationConstraint") && create.contains(&format!("{}-{ACCOUNT}-us-east-1", plan.name)),
        "{create}"
    );
}

#[test]
fn run_instances_uploads_the_code_and_launches_with_a_role_that_reads_only_it() {
    let s = Scratch::new("run");
    let out = s.0.join("out");
    let plan = convert("fixtures/projects/bookworm-vendored-auto", &out);
    let (bucket, key) = object(&plan, "eu-west-1");
    let bin = recording_aws(&s.0);
    let calls = run_script(&out, &bin, "run-instances.sh", &[("AWS_REGION", "eu-west-1")]);
    let upload = call(&calls, "aws s3 cp", &format!("code.tar.gz s3://{bucket}/{key}"));
    let create = call(&calls, "aws s3api create-bucket", &bucket);
    let policy_call = call(&calls, "aws iam put-role-policy", "--role-name");
    let launch = call(&calls, "aws ec2 run-instances", "");
    assert!(
        create < upload && upload < launch && policy_call < launch,
        "{}",
        calls.join("\n")
    );

    let document = calls[policy_call]
        .split_once("--policy-document ")
        .map(|(_, d)| d)
        .expect("policy document");
    let policy: serde_json::Value = serde_json::from_str(document).expect("policy JSON");
    assert_eq!(
        policy["Statement"],
        serde_json::json!([{"Effect": "Allow", "Action": ["s3:GetObject"],
                            "Resource": format!("arn:aws:s3:::{bucket}/{key}")}])
    );
    let role = calls[policy_call]
        .split_whitespace()
        .nth(4)
        .expect("role name")
        .to_string();
    let run = &calls[launch];
    assert!(run.contains(&format!("--iam-instance-profile Name={role}")), "{run}");
    assert!(run.contains("--user-data fileb://collector/user-data.sh.gz"), "{run}");

    // What travels is the script, gzip'd: cloud-init unpacks it to the same bytes.
    let gz = std::fs::read(out.join("collector/user-data.sh.gz")).expect("gzip'd user data");
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz.as_slice()), &mut unpacked).expect("gzip");
    assert_eq!(
        unpacked,
        std::fs::read(out.join("collector/user-data.sh")).expect("user-data.sh")
    );

    // A profile given is used as it is: no role is made.
    let given = run_script(
        &out,
        &bin,
        "run-instances.sh",
        &[("AWS_REGION", "eu-west-1"), ("INSTANCE_PROFILE", "ops-boot")],
    );
    assert!(given.iter().all(|c| !c.starts_with("aws iam")), "{}", given.join("\n"));
    assert!(given[call(&given, "aws ec2 run-instances", "")].contains("Name=ops-boot"));
}

#[test]
fn embedded_code_needs_no_bucket_and_no_role() {
    let s = Scratch::new("embed");
    let out = s.0.join("out");
    let plan = convert("fixtures/demo", &out);
    assert!(matches!(plan.delivery, Delivery::Embed { .. }), "{:?}", plan.delivery);
    let bin = recording_aws(&s.0);
    let calls = run_script(&out, &bin, "run-instances.sh", &[("AWS_REGION", "eu-west-1")]);
    assert!(
        calls
            .iter()
            .all(|c| !c.starts_with("aws s3") && !c.starts_with("aws iam")),
        "{}",
        calls.join("\n")
    );
    call(
        &calls,
        "aws ec2 run-instances",
        "--user-data fileb://web/user-data.sh.gz",
    );
    let deploy = run_script(&out, &bin, "deploy-stack.sh", &[("AWS_REGION", "eu-west-1")]);
    assert!(deploy.iter().all(|c| !c.starts_with("aws s3")), "{}", deploy.join("\n"));
}

/// The first executable `name` on PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// aws-standin on a free port of 127.0.0.1, killed when dropped.
struct Standin {
    child: std::process::Child,
    endpoint: String,
}

impl Standin {
    fn start() -> Standin {
        Standin::start_with(&[])
    }

    /// With each public SSM parameter in `parameters` seeded to an AMI.
    fn start_with(parameters: &[String]) -> Standin {
        use std::io::BufRead;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new("aws-standin")
            .arg(port.to_string())
            .args(parameters)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("aws-standin (the local AWS API oracle: /work/shared/oracles/install.sh)");
        let stdout = child.stdout.take().expect("stdout");
        let ready = std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|l| l.trim() == "ready");
        assert!(ready, "aws-standin did not say ready");
        Standin {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Standin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// deploy-stack.sh's S3 part with the real AWS CLI against a local AWS API:
/// the bucket it creates is private, encrypted, tagged, and holds the code.
/// (CloudFormation calls go to a recorder: the stand-in's CloudFormation is
/// not what this test is about.)
#[test]
#[ignore = "needs aws-standin and the AWS CLI (oracles)"]
fn deploy_stack_s3_part_against_aws_standin() {
    let real_aws = on_path("aws").expect("the AWS CLI (aws) on PATH: /work/shared/oracles/install.sh");
    on_path("aws-standin").expect("aws-standin on PATH: /work/shared/oracles/install.sh");
    let standin = Standin::start();
    let s = Scratch::new("standin");
    let out = s.0.join("out");
    let plan = convert("fixtures/projects/bookworm-vendored-auto", &out);
    let region = "eu-west-1";
    let (bucket, key) = object(&plan, region);
    // Everything to the real CLI but CloudFormation, which is recorded.
    let bin = s.0.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let wrapper = bin.join("aws");
    std::fs::write(
        &wrapper,
        format!(
            "#!/usr/bin/env bash\nif [ \"$1\" = cloudformation ]; then echo \"aws $*\" >> \"$AWS_LOG\"; exit 0; fi\nexec {} \"$@\"\n",
            real_aws.display()
        ),
    )
    .expect("wrapper");
    make_executable(&wrapper);
    let env = [
        ("AWS_ENDPOINT_URL", standin.endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", region),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
    ];
    let calls = run_script(&out, &bin, "deploy-stack.sh", &env);
    call(&calls, "aws cloudformation deploy", "stack.json");
    let api = Api::new(&standin, region);
    let aws = |args: &[&str]| api.json(args);
    let enc = aws(&["s3api", "get-bucket-encryption", "--bucket", &bucket]);
    assert_eq!(
        enc["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "AES256"
    );
    let block = aws(&["s3api", "get-public-access-block", "--bucket", &bucket]);
    for k in [
        "BlockPublicAcls",
        "IgnorePublicAcls",
        "BlockPublicPolicy",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(block["PublicAccessBlockConfiguration"][k], true, "{k}");
    }
    let tags = aws(&["s3api", "get-bucket-tagging", "--bucket", &bucket]);
    assert_eq!(
        tags["TagSet"],
        serde_json::json!([{"Key": "puppetlift:stack", "Value": plan.name}])
    );
    let location = aws(&["s3api", "get-bucket-location", "--bucket", &bucket]);
    assert_eq!(location["LocationConstraint"], region);
    let head = aws(&["s3api", "head-object", "--bucket", &bucket, "--key", &key]);
    let code = std::fs::read(out.join("code.tar.gz")).expect("code.tar.gz");
    assert_eq!(head["ContentLength"], code.len());
    assert_eq!(head["ServerSideEncryption"], "AES256");
    // A second deploy finds the bucket and uploads again.
    run_script(&out, &bin, "deploy-stack.sh", &env);
}

/// The real AWS CLI against aws-standin, as run-instances.sh and the tests call it.
struct Api {
    aws: PathBuf,
    env: Vec<(String, String)>,
}

impl Api {
    fn new(standin: &Standin, region: &str) -> Api {
        let aws = on_path("aws").expect("the AWS CLI (aws) on PATH: /work/shared/oracles/install.sh");
        let env = [
            ("AWS_ENDPOINT_URL", standin.endpoint.as_str()),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", region),
            ("AWS_DEFAULT_REGION", region),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        Api { aws, env }
    }

    /// `aws ARGS --output json`, which must succeed.
    fn json(&self, args: &[&str]) -> serde_json::Value {
        let r = Command::new(&self.aws)
            .args(args)
            .args(["--output", "json"])
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("aws");
        assert!(
            r.status.success(),
            "aws {args:?}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
        serde_json::from_slice(&r.stdout).expect("JSON")
    }

    /// Run a launch script of `out`; its success and output.
    fn script(&self, out: &Path, script: &str, bin: &Path) -> (bool, String) {
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
        let r = Command::new("bash")
            .arg(out.join(script))
            .env("PATH", path)
            .env_remove("INSTANCE_PROFILE")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap_or_else(|e| panic!("bash (needed to run {script}): {e}"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&r.stdout),
            String::from_utf8_lossy(&r.stderr)
        );
        (r.status.success(), text)
    }

    /// The tagged resources of `plan` that run-instances.sh made, by kind, non-empty only.
    fn launched(&self, plan: &plan::Plan) -> Vec<(String, usize)> {
        let tag = format!("Name=tag:puppetlift:stack,Values={}", plan.name);
        let mine = "Name=tag:puppetlift:launch,Values=run-instances";
        [
            (
                "describe-instances",
                "Reservations[].Instances[?State.Name!='terminated'][]",
            ),
            ("describe-vpcs", "Vpcs"),
            ("describe-subnets", "Subnets"),
            ("describe-security-groups", "SecurityGroups"),
            ("describe-internet-gateways", "InternetGateways"),
            ("describe-route-tables", "RouteTables"),
            ("describe-addresses", "Addresses"),
        ]
        .iter()
        .map(|(command, query)| {
            let found = self.json(&["ec2", command, "--filters", &tag, mine, "--query", query]);
            (command.to_string(), found.as_array().map_or(0, Vec::len))
        })
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

/// A machine's interfaces as EC2 has them: (address, subnet's block) each.
fn interfaces_of(api: &Api, instance: &serde_json::Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    for nic in instance["NetworkInterfaces"].as_array().into_iter().flatten() {
        let subnet = nic["SubnetId"].as_str().unwrap_or_default();
        let cidr = api.json(&[
            "ec2",
            "describe-subnets",
            "--subnet-ids",
            subnet,
            "--query",
            "Subnets[0].CidrBlock",
        ]);
        found.push((
            nic["PrivateIpAddress"].as_str().unwrap_or_default().to_string(),
            cidr.as_str().unwrap_or_default().to_string(),
        ));
    }
    found
}

/// Each planned interface is there: its subnet's block, and its Vagrant address where kept.
fn assert_interfaces(project: &str, node: &plan::Node, net: &plan::network::Network, found: &[(String, String)]) {
    for interface in &node.interfaces {
        let cidr = &net.subnets[interface.subnet].cidr;
        let ok = found
            .iter()
            .any(|(address, block)| block == cidr && interface.address.as_ref().is_none_or(|a| a == address));
        assert!(
            ok,
            "{project}/{}: {interface:?} in {cidr} not among {found:?}",
            node.name
        );
    }
}

/// Every fixture project's launch scripts, run with the real AWS CLI against a
/// local AWS API: the stack and the plain launch give each machine its Vagrant
/// address in its planned subnet, the security groups the planned rules, the
/// instances the built user data and a role with exactly the planned
/// permissions; destroy.sh leaves nothing run-instances.sh made.
///
/// The stand-in's limits (moto 5.2), each checked where it shows: its
/// CloudFormation ignores an instance's `NetworkInterfaces` (a machine on two
/// networks is checked through the interfaces the stack creates) and cannot
/// delete a stack holding an `AWS::EC2::RouteTable` (it has no deletion for
/// one), so a stack with a VPC is deleted by CloudFormation on AWS, not here.
#[test]
#[ignore = "needs aws-standin and the AWS CLI (oracles)"]
fn every_fixture_deploys_and_destroys_its_network_against_aws_standin() {
    on_path("aws-standin").expect("aws-standin on PATH: /work/shared/oracles/install.sh");
    let s = Scratch::new("network");
    // A `sleep` that does not wait (run-instances.sh waits for a new instance profile).
    let bin = s.0.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    std::fs::write(bin.join("sleep"), "#!/bin/sh\nexit 0\n").expect("sleep");
    make_executable(&bin.join("sleep"));
    let mut projects: Vec<PathBuf> = vec![PathBuf::from("fixtures/demo")];
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("fixtures/projects")
        .expect("fixtures/projects")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("Vagrantfile").is_file())
        .collect();
    dirs.sort();
    projects.extend(dirs);
    let parameters: Vec<String> = {
        let mut p: Vec<String> = projects
            .iter()
            .flat_map(|dir| {
                let project = Project::load(dir, Default::default());
                plan::build(&project)
                    .plan
                    .nodes
                    .into_iter()
                    .filter_map(|n| n.image.ssm_parameter)
            })
            .collect();
        p.sort();
        p.dedup();
        p
    };
    let standin = Standin::start_with(&parameters);
    let api = Api::new(&standin, "us-east-1");
    let mut checked = 0;
    for dir in &projects {
        let name = dir.file_name().expect("name").to_string_lossy().into_owned();
        // An existing VPC: the stand-in's, named in a copy of the settings.
        let dir = if name == "network-existing-vpc" {
            existing_vpc_copy(&api, dir, &s.0)
        } else {
            dir.clone()
        };
        let out = s.0.join(&name);
        let plan = convert(&dir.to_string_lossy(), &out);
        if plan.nodes.is_empty() {
            continue;
        }
        let network_stack = plan.network.as_ref().is_some_and(|n| n.vpc.is_none());

        // CloudFormation.
        let (ok, text) = api.script(&out, "deploy-stack.sh", &bin);
        assert!(ok, "{name}: deploy-stack.sh:\n{text}");
        let resources = api.json(&["cloudformation", "describe-stack-resources", "--stack-name", &plan.name]);
        let physical = |logical: &str| -> String {
            resources["StackResources"]
                .as_array()
                .and_then(|rs| rs.iter().find(|r| r["LogicalResourceId"] == logical))
                .and_then(|r| r["PhysicalResourceId"].as_str())
                .unwrap_or_else(|| panic!("{name}: no {logical} in the stack"))
                .to_string()
        };
        for node in &plan.nodes {
            let id = puppetlift::emit::cloudformation::logical_id(&node.name);
            let instance = &api.json(&["ec2", "describe-instances", "--instance-ids", &physical(&id)])["Reservations"]
                [0]["Instances"][0];
            if let Some(net) = &plan.network {
                let found = if node.interfaces.len() > 1 {
                    (0..node.interfaces.len())
                        .map(|k| {
                            let eni = &api.json(&[
                                "ec2",
                                "describe-network-interfaces",
                                "--network-interface-ids",
                                &physical(&format!("{id}Interface{k}")),
                            ])["NetworkInterfaces"][0];
                            interfaces_of(&api, &serde_json::json!({"NetworkInterfaces": [eni]}))[0].clone()
                        })
                        .collect()
                } else {
                    interfaces_of(&api, instance)
                };
                assert_interfaces(&name, node, net, &found);
            }
            // The node's own group: SSH and its forwarded ports.
            let group = &api.json(&[
                "ec2",
                "describe-security-groups",
                "--group-ids",
                &physical(&format!("{id}SecurityGroup")),
            ])["SecurityGroups"][0];
            let rules: Vec<(String, i64, String)> = (group["IpPermissions"].as_array().into_iter().flatten())
                .flat_map(|p| {
                    (p["IpRanges"].as_array().into_iter().flatten()).map(move |r| {
                        (
                            p["IpProtocol"].as_str().unwrap_or_default().to_string(),
                            p["FromPort"].as_i64().unwrap_or(-1),
                            r["CidrIp"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                })
                .collect();
            assert!(
                rules.contains(&("tcp".into(), 22, plan.ssh_cidr.clone())),
                "{name}/{}: {rules:?}",
                node.name
            );
            for i in &node.ingress {
                assert!(
                    rules.contains(&(i.protocol.clone(), i.port, plan.ingress_cidr.clone())),
                    "{name}/{}: port {} not in {rules:?}",
                    node.name,
                    i.port
                );
            }
            // The built boot script, with what only the stack knows filled in.
            let user_data = api.json(&[
                "ec2",
                "describe-instance-attribute",
                "--instance-id",
                &physical(&id),
                "--attribute",
                "userData",
                "--query",
                "UserData.Value",
            ]);
            let given = base64_decode(user_data.as_str().expect("user data"));
            let built =
                std::fs::read_to_string(out.join(puppetlift::emit::machine_dir(&node.name)).join("user-data.sh"))
                    .expect("user-data.sh")
                    .replacen("\nPUPPETLIFT_SIGNAL=\n", &format!("\nPUPPETLIFT_SIGNAL={id}\n"), 1);
            let built = match plan.puppetmaster.as_ref() {
                Some(pm) if pm.node.as_deref().is_some_and(|m| m != node.name) && pm.agents.contains(&node.name) => {
                    let master = physical(&puppetlift::emit::cloudformation::logical_id(
                        pm.node.as_deref().unwrap_or_default(),
                    ));
                    let dns = api.json(&["ec2", "describe-instances", "--instance-ids", &master])["Reservations"][0]
                        ["Instances"][0]["PrivateDnsName"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string();
                    built.replace(
                        &format!("\n  local server={}\n", pm.server),
                        &format!("\n  local server={dns}\n"),
                    )
                }
                _ => built,
            };
            assert!(
                given == built,
                "{name}/{}: the instance's user data is not the built user-data.sh",
                node.name
            );
        }
        if network_stack {
            let group = physical("StackSecurityGroup");
            let own = &api.json(&["ec2", "describe-security-groups", "--group-ids", &group])["SecurityGroups"][0];
            let every_port_from_itself = (own["IpPermissions"].as_array().into_iter().flatten()).any(|p| {
                p["IpProtocol"] == "-1"
                    && (p["UserIdGroupPairs"].as_array().into_iter().flatten()).any(|g| g["GroupId"] == group.as_str())
            });
            assert!(every_port_from_itself, "{name}: {own}");
        }
        // The role: exactly the planned statements, one being the signal to this stack.
        let role = physical("InstanceRole");
        let policy = api.json(&[
            "iam",
            "get-role-policy",
            "--role-name",
            &role,
            "--policy-name",
            "puppetlift-boot",
        ]);
        // The stand-in returns the document of a role its CloudFormation made
        // as a Python literal (single quotes), not JSON.
        let document = match &policy["PolicyDocument"] {
            serde_json::Value::String(text) => serde_json::from_str(&text.replace('\'', "\""))
                .unwrap_or_else(|e| panic!("{name}: policy document {text}: {e}")),
            other => other.clone(),
        };
        let statements = document["Statement"].as_array().cloned().unwrap_or_default();
        let mut planned = puppetlift::emit::cloudformation::role_statements(&plan);
        planned.push(serde_json::json!({"Action": ["cloudformation:SignalResource"]}));
        assert_eq!(statements.len(), planned.len(), "{name}: {statements:?}");
        for (given, want) in statements.iter().zip(&planned) {
            assert_eq!(given["Action"], want["Action"], "{name}");
        }
        let signal = statements.last().expect("signal")["Resource"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert_eq!(
            signal,
            format!("arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/{}/*", plan.name),
            "{name}"
        );

        // destroy.sh removes the stack (see above for one with a VPC on the
        // stand-in), so the plain launch can take the same addresses.
        let (ok, text) = api.script(&out, "destroy.sh", &bin);
        let stack_gone = |api: &Api| {
            let left = api.json(&[
                "cloudformation",
                "list-stacks",
                "--query",
                "StackSummaries[?StackStatus!='DELETE_COMPLETE'].StackName",
            ]);
            !left.as_array().into_iter().flatten().any(|n| n == plan.name.as_str())
        };
        if network_stack {
            assert!(!ok && text.contains("has dependencies"), "{name}: destroy.sh:\n{text}");
        } else {
            assert!(ok && stack_gone(&api), "{name}: destroy.sh left the stack:\n{text}");
        }

        // The plain launch: the same network and instances, made by the script.
        // (The stand-in keeps a terminated instance's address taken: an
        // existing VPC is a fresh one for this launch.)
        if name == "network-existing-vpc" {
            convert(
                &existing_vpc_copy(&api, &projects_dir(&name), &s.0).to_string_lossy(),
                &out,
            );
        }
        let (ok, text) = api.script(&out, "run-instances.sh", &bin);
        assert!(ok, "{name}: run-instances.sh:\n{text}");
        if let Some(net) = &plan.network {
            for node in &plan.nodes {
                let instance = &api.json(&[
                    "ec2",
                    "describe-instances",
                    "--filters",
                    &format!("Name=tag:puppetlift:stack,Values={}", plan.name),
                    "Name=tag:puppetlift:launch,Values=run-instances",
                    &format!("Name=tag:Name,Values={}", node.name),
                    "--query",
                    "Reservations[0].Instances[0]",
                ]);
                assert_interfaces(&name, node, net, &interfaces_of(&api, instance));
            }
        }
        assert!(
            !api.launched(&plan).is_empty(),
            "{name}: run-instances.sh made nothing tagged"
        );
        let (ok, text) = api.script(&out, "destroy.sh", &bin);
        assert_eq!(api.launched(&plan), [], "{name}: left behind by destroy.sh:\n{text}");
        assert!(ok || network_stack, "{name}: destroy.sh:\n{text}");
        checked += 1;
    }
    assert!(checked >= 14, "only {checked} fixture projects were launched");
}

fn projects_dir(name: &str) -> PathBuf {
    Path::new("fixtures/projects").join(name)
}

/// A copy of the existing-VPC fixture whose settings name a VPC and subnet the stand-in has.
fn existing_vpc_copy(api: &Api, dir: &Path, scratch: &Path) -> PathBuf {
    let vpc = api.json(&[
        "ec2",
        "create-vpc",
        "--cidr-block",
        "172.20.0.0/16",
        "--query",
        "Vpc.VpcId",
    ]);
    let vpc = vpc.as_str().expect("vpc id");
    let subnet = api.json(&[
        "ec2",
        "create-subnet",
        "--vpc-id",
        vpc,
        "--cidr-block",
        "172.20.5.0/24",
        "--query",
        "Subnet.SubnetId",
    ]);
    let copy = scratch.join("existing-vpc-project");
    let _ = std::fs::remove_dir_all(&copy);
    for entry in walk(dir) {
        let to = copy.join(entry.strip_prefix(dir).expect("under"));
        std::fs::create_dir_all(to.parent().expect("parent")).expect("dir");
        std::fs::copy(&entry, &to).expect("copy");
    }
    let settings = std::fs::read_to_string(dir.join("puppetlift.toml")).expect("puppetlift.toml");
    let settings = settings
        .replace("vpc-0a1b2c3d4e5f67890", vpc)
        .replace("subnet-0fedcba9876543210", subnet.as_str().expect("subnet id"));
    std::fs::write(copy.join("puppetlift.toml"), settings).expect("settings");
    copy
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).expect("read_dir").filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}

/// Standard base64, as EC2 returns user data.
fn base64_decode(text: &str) -> String {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            _ => 63,
        }
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let n = chunk.iter().fold(0u32, |acc, c| (acc << 6) | value(*c)) << (6 * (4 - chunk.len() as u32));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    String::from_utf8(out).expect("utf-8 user data")
}
