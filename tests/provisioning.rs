//! The generated boot scripts really provision: each runs in a Debian 12 root
//! built with debootstrap (chroot, private mount and UTS namespaces), then what
//! the fixture's EXPECTED.md lists must be there. Needs root and the base from
//! `.ci/debian-base.sh` (an install step of `.ci/run`).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn puppetlift() -> Command {
    Command::new(env!("CARGO_BIN_EXE_puppetlift"))
}

fn workdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("puppetlift-provisioning-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("work dir");
    d
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Fails unless this runs as root with `unshare` and the Debian base.
fn require_chroot_support() -> PathBuf {
    let uid = Command::new("id").arg("-u").output().expect("id");
    assert_eq!(
        String::from_utf8_lossy(&uid.stdout).trim(),
        "0",
        "this test builds a chroot: run it as root"
    );
    let unshare = Command::new("sh").args(["-c", "command -v unshare"]).output();
    assert!(
        unshare.is_ok_and(|o| o.status.success()),
        "unshare (util-linux) is not installed"
    );
    let base = root().join("target/debian-bookworm-base");
    // `cp -a` copies a symlink as a symlink: copy what it points at.
    let base = std::fs::canonicalize(&base).unwrap_or(base);
    assert!(
        base.join("usr/bin/apt-get").exists(),
        "no Debian 12 base at {}: run `bash .ci/debian-base.sh` (an install step of .ci/run)",
        base.display()
    );
    base
}

/// A fresh copy of the pristine Debian 12 base at `dir`, with the host's DNS
/// and a policy that starts no daemon on package installation.
fn fresh_root(base: &Path, dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    let cp = Command::new("cp").arg("-a").arg(base).arg(dir).status().expect("cp");
    assert!(cp.success(), "copying the base root failed");
    std::fs::copy("/etc/resolv.conf", dir.join("etc/resolv.conf")).expect("resolv.conf");
    install(dir, "usr/sbin/policy-rc.d", "#!/bin/sh\nexit 101\n", 0o755);
}

fn install(root: &Path, rel: &str, content: &str, mode: u32) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
    std::fs::write(&p, content).expect("write");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Machine `machine`'s user data as the CloudFormation stack `stack` hands it
/// over (its `Fn::Sub` resolved), from `stack.json` in `out`.
fn stack_user_data(out: &Path, machine: &str, stack: &str) -> String {
    let template: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("stack.json")).expect("stack.json")).expect("JSON");
    let id = puppetlift::emit::cloudformation::logical_id(machine);
    template["Resources"][&id]["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
        .as_str()
        .expect("UserData is Fn::Base64 of Fn::Sub")
        .replace("${AWS::StackName}", stack)
        .replace("${!", "${")
}

/// A recording AWS CLI in a root: every call appended to /var/log/aws-calls.
const RECORDING_AWS: &str = "#!/bin/sh\necho \"$*\" >> /var/log/aws-calls\n";

/// The `cloudformation signal-resource` calls a root's boot made.
fn signals(rootfs: &Path) -> Vec<String> {
    std::fs::read_to_string(rootfs.join("var/log/aws-calls"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("cloudformation signal-resource"))
        .map(str::to_string)
        .collect()
}

/// Runs `/root/user-data.sh` in `rootfs` (own mount and UTS namespaces, as
/// cloud-init would: root, no tty) with `env` added.
fn run_user_data(rootfs: &Path, env: &[(&str, &str)]) -> Output {
    let r = rootfs.display().to_string();
    let script =
        format!("mount -t proc proc {r}/proc && mount --rbind /dev {r}/dev && chroot {r} /bin/bash /root/user-data.sh");
    let mut c = Command::new("unshare");
    c.args(["--mount", "--uts", "--fork", "sh", "-c", &script])
        .env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("unshare runs")
}

/// `puppetlift build --target user-data` of a fixture project into `out`.
fn build_user_data(project: &Path, out: &Path, extra: &[&str]) {
    build_target(project, out, "user-data", extra);
}

/// `puppetlift build --target TARGET` of a fixture project into `out`.
fn build_target(project: &Path, out: &Path, target: &str, extra: &[&str]) {
    let _ = std::fs::remove_dir_all(out);
    let b = puppetlift()
        .args(["build", "--target", target, "--out"])
        .arg(out)
        .args(extra)
        .arg(project)
        .output()
        .expect("build");
    assert!(b.status.success(), "build failed:\n{}", text(&b));
}

/// What a fixture's EXPECTED.md lists: packages, groups, users with homes,
/// and files with mode and exact content.
struct Expected {
    packages: Vec<String>,
    users: Vec<(String, String)>,
    groups: Vec<String>,
    files: Vec<(String, u32, String)>,
}

fn backticked(line: &str) -> Vec<String> {
    line.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

fn read_expected(project: &Path) -> Expected {
    let text = std::fs::read_to_string(project.join("EXPECTED.md")).expect("EXPECTED.md");
    let mut e = Expected {
        packages: vec![],
        users: vec![],
        groups: vec![],
        files: vec![],
    };
    let mut section = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(h) = line.strip_prefix("## ") {
            section = h.to_lowercase();
            continue;
        }
        let ticks = backticked(line);
        if section.starts_with("packages") && line.starts_with("- ") {
            e.packages.extend(ticks);
        } else if section.starts_with("group") && line.starts_with("- ") {
            e.groups.extend(ticks.into_iter().take(1));
        } else if section.starts_with("user") && line.starts_with("- ") {
            let mut full = line.to_string();
            while lines.peek().is_some_and(|l| l.starts_with("  ")) {
                full.push_str(lines.next().unwrap_or_default());
            }
            let t = backticked(&full);
            let home = t
                .iter()
                .find(|x| x.starts_with('/') && !x.starts_with("/bin"))
                .cloned()
                .unwrap_or_default();
            e.users.push((t[0].clone(), home));
        } else if section.starts_with("files") && line.starts_with("`/") {
            let path = ticks[0].clone();
            let mode = line
                .split_whitespace()
                .find_map(|w| u32::from_str_radix(w, 8).ok().filter(|_| w.len() == 4))
                .expect("mode");
            while lines.peek().is_some_and(|l| !l.starts_with("```")) {
                lines.next();
            }
            lines.next();
            let mut content = String::new();
            for l in lines.by_ref() {
                if l.starts_with("```") {
                    break;
                }
                content.push_str(l);
                content.push('\n');
            }
            e.files.push((path, mode, content));
        }
    }
    assert!(
        !e.packages.is_empty() && !e.files.is_empty(),
        "{}: EXPECTED.md lists nothing",
        project.display()
    );
    e
}

/// What of `expected` is not in `rootfs`.
fn missing(rootfs: &Path, expected: &Expected) -> Vec<String> {
    let mut missing = Vec::new();
    for p in &expected.packages {
        let st = Command::new("chroot")
            .arg(rootfs)
            .args(["dpkg-query", "-W", "-f", "${Status}", p])
            .output()
            .expect("dpkg-query");
        if String::from_utf8_lossy(&st.stdout) != "install ok installed" {
            missing.push(format!("package {p}"));
        }
    }
    let passwd = std::fs::read_to_string(rootfs.join("etc/passwd")).unwrap_or_default();
    for (u, home) in &expected.users {
        if !passwd
            .lines()
            .any(|l| l.starts_with(&format!("{u}:")) && l.split(':').nth(5) == Some(home.as_str()))
        {
            missing.push(format!("user {u} with home {home}"));
        }
    }
    let group = std::fs::read_to_string(rootfs.join("etc/group")).unwrap_or_default();
    for g in &expected.groups {
        if !group.lines().any(|l| l.starts_with(&format!("{g}:"))) {
            missing.push(format!("group {g}"));
        }
    }
    for (path, mode, content) in &expected.files {
        let p = rootfs.join(path.trim_start_matches('/'));
        match std::fs::metadata(&p) {
            Ok(m) if m.permissions().mode() & 0o7777 != *mode => missing.push(format!(
                "{path}: mode {:o}, expected {mode:o}",
                m.permissions().mode() & 0o7777
            )),
            Ok(_) => {
                let got = std::fs::read_to_string(&p).unwrap_or_default();
                if &got != content {
                    missing.push(format!("{path}: content {got:?}, expected {content:?}"));
                }
            }
            Err(_) => missing.push(format!("{path}: missing")),
        }
    }
    missing
}

#[test]
#[ignore = "needs root, the Debian base from .ci/debian-base.sh and Debian's package mirror: run by .ci/run"]
fn user_data_really_provisions_a_debian_12_root() {
    let base = require_chroot_support();
    let started = Instant::now();
    let work = workdir("chroot");
    let rootfs = work.join("rootfs");
    fresh_root(&base, &rootfs);
    let bootstrapped = started.elapsed();
    let project = root().join("fixtures/projects/debian-chroot");
    let out = work.join("out");
    build_target(&project, &out, "all", &[]);
    // As the stack hands it over: the boot tells CloudFormation it succeeded.
    std::fs::write(
        rootfs.join("root/user-data.sh"),
        stack_user_data(&out, "default", "chroot-stack"),
    )
    .expect("script");
    install(&rootfs, "usr/local/bin/aws", RECORDING_AWS, 0o755);
    let first = run_user_data(&rootfs, &[("AWS_REGION", "eu-west-1")]);
    let provisioned = started.elapsed();
    assert!(
        first.status.success(),
        "user-data.sh failed in the chroot:\n{}",
        text(&first)
    );
    let signalled = signals(&rootfs);
    assert!(
        signalled.len() == 1
            && signalled[0].contains("--stack-name chroot-stack --logical-resource-id Default")
            && signalled[0].contains("--status SUCCESS"),
        "one SUCCESS signal: {signalled:?}"
    );
    let second = run_user_data(&rootfs, &[("AWS_REGION", "eu-west-1")]);
    assert!(second.status.success(), "a second run failed:\n{}", text(&second));
    let expected = read_expected(&project);
    let missing = missing(&rootfs, &expected);
    eprintln!(
        "chroot provisioning: fresh copy of the base {:.0?}, first run of user-data.sh {:.0?}, second run {:.0?}; {} packages, {} users, {} groups, {} files checked",
        bootstrapped,
        provisioned - bootstrapped,
        started.elapsed() - provisioned,
        expected.packages.len(),
        expected.users.len(),
        expected.groups.len(),
        expected.files.len()
    );
    assert!(missing.is_empty(), "after user-data.sh:\n{}", missing.join("\n"));
    let _ = std::fs::remove_dir_all(&work);
}

/// A fresh root as a Debian 12 cloud image has cloud-init: Debian's package
/// (from the base's apt cache), `locales` with the en_US.UTF-8 locale that
/// cloud-init's `locale` module sets, and a system configuration for a root that
/// is no virtual machine: the NoCloud datasource only, no network to configure,
/// and never growing or resizing a disk (the root's disk is the host's).
fn cloud_root(base: &Path, dir: &Path) {
    fresh_root(base, dir);
    let prep = Command::new("chroot")
        .arg(dir)
        .args([
            "sh",
            "-c",
            "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q cloud-init locales \
             && sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen && locale-gen",
        ])
        .output()
        .expect("chroot runs");
    assert!(prep.status.success(), "installing cloud-init failed:\n{}", text(&prep));
    install(
        dir,
        "etc/cloud/cloud.cfg.d/99-puppetlift-test.cfg",
        "# The test root: seeded by NoCloud, no network to configure, no disk of its own.\n\
         datasource_list: [NoCloud, None]\n\
         network: {config: disabled}\n\
         growpart: {mode: 'off'}\n\
         resize_rootfs: false\n",
        0o644,
    );
}

/// One boot of `rootfs` as instance `iid`, `user_data` its NoCloud seed:
/// cloud-init's four stages in the order systemd runs them (each whatever the
/// one before said, after a reboot's empty /run), then `cloud-init status --long`.
fn cloud_boot(rootfs: &Path, user_data: &[u8], iid: &str) -> (Output, String) {
    let seed = rootfs.join("var/lib/cloud/seed/nocloud");
    std::fs::create_dir_all(&seed).expect("seed dir");
    std::fs::write(seed.join("user-data"), user_data).expect("user-data");
    std::fs::write(seed.join("meta-data"), format!("instance-id: {iid}\n")).expect("meta-data");
    let _ = std::fs::remove_dir_all(rootfs.join("run/cloud-init"));
    let r = rootfs.display().to_string();
    let script = format!(
        "mount -t proc proc {r}/proc && mount --rbind /dev {r}/dev && mount -t sysfs -o ro sys {r}/sys && \
         chroot {r} sh -c 'cloud-init init --local; cloud-init init; cloud-init modules --mode config; \
         cloud-init modules --mode final'"
    );
    let boot = Command::new("unshare")
        .args(["--mount", "--uts", "--fork", "sh", "-c", &script])
        .env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        .output()
        .expect("unshare runs");
    let status = Command::new("chroot")
        .arg(rootfs)
        .args(["cloud-init", "status", "--long"])
        .output()
        .expect("cloud-init status");
    (boot, String::from_utf8_lossy(&status.stdout).into_owned())
}

/// The step scripts a cloud-config stages, `(number, kind, file name)`, in the
/// order cloud-init runs them (their names').
fn staged_steps(cloud_config: &str) -> Vec<(usize, String, String)> {
    let mut steps: Vec<(usize, String, String)> = cloud_config
        .lines()
        .filter_map(|l| {
            let name = l.trim().strip_prefix("- path: /var/lib/cloud/scripts/per-instance/")?;
            let (n, kind) = name.strip_prefix("puppetlift-")?.strip_suffix(".sh")?.split_once('-')?;
            Some((n.parse().ok()?, kind.to_string(), name.to_string()))
        })
        .collect();
    steps.sort_by(|a, b| a.2.cmp(&b.2));
    steps
}

/// `(number, kind)` of each step the boot log says started (not those it
/// found done, nor those it did not run).
fn started_steps(log: &str) -> Vec<(usize, String)> {
    log.lines()
        .filter(|l| !l.ends_with(" already done"))
        .filter_map(|l| {
            let (n, rest) = l.strip_prefix("puppetlift: step ")?.split_once(' ')?;
            let (kind, label) = rest.split_once(' ')?;
            label
                .starts_with('(')
                .then(|| Some((n.parse().ok()?, kind.to_string())))?
        })
        .collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(data).expect("gzip");
    gz.finish().expect("gzip")
}

/// The generated cloud-config, as cloud-init boots it (plain, and gzip'd as EC2
/// hands large user data over), provisions a Debian 12 root as user-data.sh does:
/// what EXPECTED.md lists is there, cloud-init reports `done`, every step ran
/// once in plan order, and a second boot of the same instance runs nothing again.
#[test]
#[ignore = "needs root, the Debian base from .ci/debian-base.sh and Debian's package mirror: run by .ci/run"]
fn cloud_config_really_provisions_a_debian_12_root_with_cloud_init() {
    let base = require_chroot_support();
    let work = workdir("cloud-init");
    let project = root().join("fixtures/projects/debian-chroot");
    let out = work.join("out");
    build_target(&project, &out, "cloud-init", &[]);
    let yaml = std::fs::read_to_string(out.join("default/cloud-config.yaml")).expect("cloud-config");
    let steps = staged_steps(&yaml);
    assert!(steps.len() >= 3, "the cloud-config stages {} steps", steps.len());
    let planned: Vec<(usize, String)> = steps.iter().map(|(n, k, _)| (*n, k.clone())).collect();
    let expected = read_expected(&project);
    for (how, user_data) in [("plain", yaml.clone().into_bytes()), ("gzip'd", gzip(yaml.as_bytes()))] {
        let started = Instant::now();
        let rootfs = work.join("rootfs");
        cloud_root(&base, &rootfs);
        let prepared = started.elapsed();
        let (boot, status) = cloud_boot(&rootfs, &user_data, "i-0puppetlift00001");
        let booted = started.elapsed();
        assert!(
            status.starts_with("status: done\n"),
            "{how}: cloud-init says\n{status}\n{}",
            text(&boot)
        );
        let (again, status) = cloud_boot(&rootfs, &user_data, "i-0puppetlift00001");
        assert!(
            status.starts_with("status: done\n"),
            "{how}, second boot: cloud-init says\n{status}\n{}",
            text(&again)
        );
        let log = std::fs::read_to_string(rootfs.join("var/log/puppetlift.log")).unwrap_or_default();
        assert_eq!(
            started_steps(&log),
            planned,
            "{how}: the steps did not run once each in plan order over two boots:\n{log}"
        );
        for (n, kind) in &planned {
            assert!(
                rootfs.join(format!("var/lib/puppetlift/done/{n}-{kind}")).exists(),
                "{how}: step {n} {kind} left no marker"
            );
        }
        let missing = missing(&rootfs, &expected);
        eprintln!(
            "cloud-init provisioning ({how}): fresh root with cloud-init {:.0?}, first boot {:.0?}, second boot {:.0?}; {} steps, {} packages, {} users, {} groups, {} files checked",
            prepared,
            booted - prepared,
            started.elapsed() - booted,
            planned.len(),
            expected.packages.len(),
            expected.users.len(),
            expected.groups.len(),
            expected.files.len()
        );
        assert!(missing.is_empty(), "{how}: after cloud-init:\n{}", missing.join("\n"));
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// A step that fails stops the boot where Vagrant stops: `cloud-init status`
/// names the step, the steps after it do not run, and user-data.sh stops at
/// the same step.
#[test]
#[ignore = "needs root, the Debian base from .ci/debian-base.sh and Debian's package mirror: run by .ci/run"]
fn a_failing_step_stops_the_boot_and_cloud_init_names_it() {
    let base = require_chroot_support();
    let work = workdir("failing-step");
    let project = root().join("fixtures/projects/debian-failing-step");
    let out = work.join("out");
    build_target(&project, &out, "all", &[]);
    let yaml = std::fs::read_to_string(out.join("default/cloud-config.yaml")).expect("cloud-config");
    let steps = staged_steps(&yaml);
    // The step that fails: the shell provisioner that says so.
    let failing = steps
        .iter()
        .position(|(_, kind, name)| {
            kind == "RunShell"
                && yaml
                    .lines()
                    .skip_while(|l| !l.ends_with(name.as_str()))
                    .nth(2)
                    .is_some_and(|content| content.contains("fails on purpose"))
        })
        .expect("a step that fails on purpose");
    let ran: Vec<(usize, String)> = steps[..=failing].iter().map(|(n, k, _)| (*n, k.clone())).collect();
    let (n, kind, name) = &steps[failing];
    let (next_n, next_kind, _) = steps.get(failing + 1).expect("a step after the failing one");

    let rootfs = work.join("cloud");
    cloud_root(&base, &rootfs);
    let (boot, status) = cloud_boot(&rootfs, yaml.as_bytes(), "i-0puppetlift00002");
    assert!(
        status.starts_with("status: error\n") && status.contains(name.as_str()),
        "cloud-init does not name the failed step {name}:\n{status}\n{}",
        text(&boot)
    );
    let log = std::fs::read_to_string(rootfs.join("var/log/puppetlift.log")).unwrap_or_default();
    assert_eq!(started_steps(&log), ran, "cloud-init: steps started:\n{log}");
    assert!(
        log.contains(&format!(
            "step {next_n} {next_kind} not run: step {n} {kind} did not finish"
        )),
        "cloud-init: the step after the failed one does not say why it did not run:\n{log}"
    );
    assert!(
        rootfs.join("var/lib/first-provisioner-ran").exists(),
        "cloud-init: the first provisioner did not run"
    );
    assert!(
        !rootfs.join("var/lib/puppet-apply-ran").exists(),
        "cloud-init: Puppet applied after a failed step"
    );

    // The stack's user data: the same stop, and CloudFormation hears of it.
    let rootfs = work.join("user-data");
    fresh_root(&base, &rootfs);
    let stack = "failing-step-stack";
    std::fs::write(
        rootfs.join("root/user-data.sh"),
        stack_user_data(&out, "default", stack),
    )
    .expect("script");
    install(&rootfs, "usr/local/bin/aws", RECORDING_AWS, 0o755);
    let run = run_user_data(&rootfs, &[("AWS_REGION", "eu-west-1")]);
    assert!(
        !run.status.success(),
        "user-data.sh succeeded past a failed step:\n{}",
        text(&run)
    );
    let log = std::fs::read_to_string(rootfs.join("var/log/puppetlift.log")).unwrap_or_default();
    assert_eq!(started_steps(&log), ran, "user-data.sh: steps started:\n{log}");
    assert!(
        !rootfs.join("var/lib/puppet-apply-ran").exists(),
        "user-data.sh: Puppet applied after a failed step"
    );
    let signalled = signals(&rootfs);
    assert_eq!(signalled.len(), 1, "one signal: {signalled:?}\n{log}");
    for part in [
        "--region eu-west-1".to_string(),
        format!("--stack-name {stack}"),
        "--logical-resource-id Default".to_string(),
        "--status FAILURE".to_string(),
        format!("-step-{n}-{kind} "),
    ] {
        assert!(signalled[0].contains(&part), "{part} not in {}", signalled[0]);
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// Stops the puppetserver a master root started (its session, by the pid the
/// boot script recorded), also when the test fails.
struct Server(PathBuf);

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.0.join("var/lib/puppetlift/puppetserver.pid")) {
            let _ = Command::new("kill")
                .args(["-TERM", "--", &format!("-{}", pid.trim())])
                .status();
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline && std::net::TcpStream::connect(("127.0.0.1", 8140)).is_ok() {
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    }
}

/// The test double for the AWS CLI in a root: `ssm get-parameter` of the
/// stack's challenge parameter answers `password`; anything else fails.
fn fake_aws(parameter: &str, password: &str) -> String {
    format!(
        "#!/bin/sh\n# test double: the AWS CLI's `ssm get-parameter` for one parameter\ncase \"$*\" in\n  *'ssm get-parameter'*'--name {parameter} '*) echo '{password}' ;;\n  *) echo \"fake aws: unexpected: $*\" >&2; exit 255 ;;\nesac\n"
    )
}

/// The generated master bootstrap runs Debian's puppetserver in one root; the
/// generated agent bootstrap, in another, enrolls with it over loopback: it
/// is autosigned by the challenge password, applies its catalog, and what the
/// fixture declares exists. An agent with a wrong password is not signed.
#[test]
#[ignore = "needs root, the Debian base from .ci/debian-base.sh, Debian's package mirror and a free port 8140: run by .ci/run"]
fn puppetmaster_autosigns_an_agent_with_the_challenge_password() {
    let base = require_chroot_support();
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", 8140)).is_err(),
        "port 8140 is in use: this test runs a puppetserver there"
    );
    let started = Instant::now();
    let work = workdir("puppetmaster");
    let project = root().join("fixtures/projects/puppetserver-pair");
    let out = work.join("out");
    // The agents reach the master by its hostname; /etc/hosts maps it to loopback.
    let master_name = "puppet.example.test";
    build_user_data(&project, &out, &["--puppetmaster", master_name]);
    let parameter = "/puppetlift/staging-pair/autosign-challenge";
    let region = [("AWS_REGION", "eu-west-1")];

    let master = work.join("master");
    fresh_root(&base, &master);
    install(
        &master,
        "usr/local/bin/aws",
        &fake_aws(parameter, "s3cret-challenge"),
        0o755,
    );
    std::fs::copy(out.join("puppet/user-data.sh"), master.join("root/user-data.sh")).expect("master script");
    let _server = Server(master.clone());
    let m = run_user_data(&master, &region);
    let master_up = started.elapsed();
    assert!(m.status.success(), "the master's user-data.sh failed:\n{}", text(&m));

    let agent_root = |name: &str, password: &str, certname: Option<&str>| {
        let r = work.join(name);
        fresh_root(&base, &r);
        install(&r, "usr/local/bin/aws", &fake_aws(parameter, password), 0o755);
        let hosts = std::fs::read_to_string(r.join("etc/hosts")).unwrap_or_default();
        install(&r, "etc/hosts", &format!("{hosts}127.0.0.1 {master_name}\n"), 0o644);
        let mut script = std::fs::read_to_string(out.join("app/user-data.sh")).expect("agent script");
        if let Some(c) = certname {
            let from = "--section main certname app.example.test";
            assert!(script.contains(from), "the agent script sets no certname");
            script = script.replace(from, &format!("--section main certname {c}"));
        }
        install(&r, "root/user-data.sh", &script, 0o755);
        r
    };

    let agent = agent_root("agent", "s3cret-challenge", None);
    let a = run_user_data(&agent, &region);
    let agent_done = started.elapsed();
    assert!(a.status.success(), "the agent's user-data.sh failed:\n{}", text(&a));
    let expected = read_expected(&project);
    let missing = missing(&agent, &expected);
    assert!(missing.is_empty(), "after the agent's run:\n{}", missing.join("\n"));

    let intruder = agent_root("intruder", "guessed-wrong", Some("intruder.example.test"));
    let i = run_user_data(&intruder, &region);
    let log = text(&i);
    assert!(
        !i.status.success(),
        "an agent with a wrong password provisioned:\n{log}"
    );
    assert!(
        log.contains("did not sign this agent's certificate"),
        "the wrong-password agent failed for another reason:\n{log}"
    );
    assert!(
        !intruder.join("etc/app/app.conf").exists(),
        "the wrong-password agent got a catalog"
    );
    let signed = |certname: &str| {
        walk(&master)
            .iter()
            .any(|p| p.ends_with(format!("{certname}.pem")) && p.to_string_lossy().contains("/signed/"))
    };
    assert!(
        signed("app.example.test"),
        "the master holds no signed certificate for the agent"
    );
    assert!(
        !signed("intruder.example.test"),
        "the master signed the wrong-password agent"
    );
    eprintln!(
        "puppetmaster: master bootstrapped and serving in {:.0?}, agent enrolled and applied in {:.0?}, wrong-password agent refused in {:.0?}",
        master_up,
        agent_done - master_up,
        started.elapsed() - agent_done
    );
    drop(_server);
    let _ = std::fs::remove_dir_all(&work);
}

/// Every file under `dir` that is not in /proc or /dev.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.join("etc"), dir.join("var/lib")];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(e.path());
            } else if ft.is_file() {
                out.push(e.path());
            }
        }
    }
    out
}
