//! The handoff's launch scripts run against a recording stand-in for the AWS
//! CLI (a script on PATH that logs each call and answers what the scripts
//! ask): what they ask AWS, for an image with a public SSM parameter and for
//! one whose AMI they must look up by its publisher.

use puppetlift::emit::{self, Target};
use puppetlift::plan;
use puppetlift::project::Project;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The stand-in: logs its arguments (one call a line) to $AWS_LOG; answers
/// `describe-images` with $NEWEST_AMI (`None` when empty, as the CLI prints).
const STANDIN: &str = r#"#!/usr/bin/env bash
printf '%s\n' "$*" >> "$AWS_LOG"
case "$*" in
  *"ec2 describe-security-groups"*) echo None ;;
  *"ec2 create-security-group"*) echo sg-0standin ;;
  *"ec2 describe-images"*) echo "${NEWEST_AMI:-None}" ;;
  *"ssm get-parameter"*) echo ami-0fromssm ;;
  *"ec2 run-instances"*) echo i-0standin ;;
  *) ;;
esac
"#;

/// A converted project: its Vagrantfile's single machine on `box_name`, the
/// handoff written to a fresh directory.
fn converted(tag: &str, box_name: &str) -> PathBuf {
    let base = std::env::temp_dir().join(format!("puppetlift-handoff-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let project = base.join("project");
    std::fs::create_dir_all(project.join("manifests")).expect("project");
    std::fs::write(
        project.join("Vagrantfile"),
        format!("Vagrant.configure(\"2\") do |c|\n  c.vm.box = \"{box_name}\"\n  c.vm.provision \"puppet\"\nend\n"),
    )
    .expect("Vagrantfile");
    std::fs::write(project.join("manifests/default.pp"), "notice('launched')\n").expect("manifest");
    let loaded = Project::load(&project, Default::default());
    let planned = plan::build(&loaded);
    assert!(
        !planned
            .diagnostics
            .iter()
            .any(|d| d.severity == puppetlift::Severity::Error),
        "{:?}",
        planned.diagnostics
    );
    let (mut artifacts, _) = emit::render_all(&planned.plan, &loaded.root, Target::All);
    emit::handoff::add(&planned.plan, loaded.machines(), &mut artifacts).expect("handoff");
    let out = base.join("out");
    for (name, bytes) in &artifacts {
        let path = out.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(&path, bytes).expect("artifact");
    }
    let bin = base.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    std::fs::write(bin.join("aws"), STANDIN).expect("stand-in");
    Command::new("chmod")
        .arg("+x")
        .arg(bin.join("aws"))
        .status()
        .expect("chmod");
    base
}

/// Run a launch script of `base` with the stand-in first on PATH: its exit
/// status, its stderr and the AWS calls it made.
fn run(base: &Path, script: &str, newest: &str) -> (bool, String, Vec<String>) {
    let log = base.join("aws.log");
    let _ = std::fs::remove_file(&log);
    let path = format!(
        "{}:{}",
        base.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg(base.join("out").join(script))
        .env("PATH", path)
        .env("AWS_LOG", &log)
        .env("NEWEST_AMI", newest)
        .env("INSTANCE_PROFILE", "standin-profile")
        .output()
        .expect("bash runs");
    let calls = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        calls,
    )
}

#[test]
fn an_image_with_a_public_parameter_is_read_from_ssm() {
    let base = converted("ssm", "debian/bookworm64");
    let (ok, err, calls) = run(&base, "run-instances.sh", "");
    assert!(ok, "{err}\n{calls:#?}");
    assert!(
        calls
            .iter()
            .any(|c| c.starts_with("ssm get-parameter --name /aws/service/debian/release/12/latest/amd64")),
        "{calls:#?}"
    );
    assert!(
        calls
            .iter()
            .any(|c| c.contains("run-instances --image-id ami-0fromssm")),
        "{calls:#?}"
    );
    assert!(!calls.iter().any(|c| c.contains("describe-images")), "{calls:#?}");
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn an_image_without_one_is_the_publishers_newest_ami() {
    let base = converted("lookup", "bento/rockylinux-9");
    let (ok, err, calls) = run(&base, "run-instances.sh", "ami-0newestrocky");
    assert!(ok, "{err}\n{calls:#?}");
    let expected = "ec2 describe-images --owners 792107900819 --filters Name=name,Values=Rocky-9-EC2-Base-9.* \
                    Name=architecture,Values=x86_64 --query sort_by(Images,&CreationDate)[-1].ImageId --output text";
    assert!(calls.iter().any(|c| c == expected), "{calls:#?}");
    assert!(
        calls
            .iter()
            .any(|c| c.contains("run-instances --image-id ami-0newestrocky")),
        "{calls:#?}"
    );

    // deploy-stack.sh passes it as the machine's image parameter...
    let (ok, err, calls) = run(&base, "deploy-stack.sh", "ami-0newestrocky");
    assert!(ok, "{err}\n{calls:#?}");
    let deploy = calls
        .iter()
        .find(|c| c.starts_with("cloudformation deploy"))
        .expect("deploy");
    assert!(
        deploy.contains("--parameter-overrides DefaultImage=ami-0newestrocky"),
        "{deploy}"
    );
    // ...which the template declares as a plain AMI id with no default.
    let stack: serde_json::Value =
        serde_json::from_slice(&std::fs::read(base.join("out/stack.json")).expect("stack")).expect("json");
    assert_eq!(stack["Parameters"]["DefaultImage"]["Type"], "AWS::EC2::Image::Id");
    assert!(stack["Parameters"]["DefaultImage"].get("Default").is_none());

    // Nothing found: both scripts stop and say so, before launching anything.
    for script in ["run-instances.sh", "deploy-stack.sh"] {
        let (ok, err, calls) = run(&base, script, "");
        assert!(!ok, "{script} went on without an AMI: {calls:#?}");
        assert!(err.contains("no AMI of owner 792107900819"), "{script}: {err}");
        assert!(
            !calls
                .iter()
                .any(|c| c.starts_with("ec2 run-instances") || c.contains("cloudformation deploy")),
            "{calls:#?}"
        );
    }
    let _ = std::fs::remove_dir_all(&base);
}
