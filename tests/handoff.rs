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
        use std::io::BufRead;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new("aws-standin")
            .arg(port.to_string())
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
    let aws = |args: &[&str]| -> serde_json::Value {
        let r = Command::new(&real_aws)
            .args(args)
            .args(["--output", "json"])
            .envs(env.iter().copied())
            .output()
            .expect("aws");
        assert!(
            r.status.success(),
            "aws {args:?}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
        serde_json::from_slice(&r.stdout).expect("JSON")
    };
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
