//! The plan and its three targets: snapshots of every artifact of every fixture
//! project, determinism, and equivalence (read back from the artifacts, not the
//! plan: the script, the cloud-config and the template carry the same steps in
//! the same order for every machine).

use puppetlift::emit::{self, settings_file, Target};
use puppetlift::project::Project;
use puppetlift::{plan, settings};
use std::path::{Path, PathBuf};

/// fixtures/demo and every project under fixtures/projects.
fn projects() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("fixtures/demo")];
    if let Ok(rd) = std::fs::read_dir(root.join("fixtures/projects")) {
        let mut more: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("Vagrantfile").is_file())
            .collect();
        more.sort();
        dirs.extend(more);
    }
    dirs
}

fn rel(dir: &Path) -> PathBuf {
    dir.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| dir.to_path_buf())
}

fn name(dir: &Path) -> String {
    dir.file_name().unwrap_or_default().to_string_lossy().into_owned()
}

fn build(dir: &Path) -> (plan::Planned, emit::Artifacts, Vec<puppetlift::Diagnostic>) {
    let project = Project::load(&rel(dir), Default::default());
    let planned = plan::build(&project);
    let (artifacts, diags) = emit::render_all(&planned.plan, &project.root, Target::All);
    (planned, artifacts, diags)
}

fn text(a: &emit::Artifacts, key: &str) -> String {
    String::from_utf8(a.get(key).unwrap_or_else(|| panic!("no artifact {key}")).clone()).expect("utf-8")
}

#[test]
fn artifacts_match_their_snapshots() {
    for dir in projects() {
        let (planned, artifacts, diags) = build(&dir);
        let errors: Vec<_> = planned
            .diagnostics
            .iter()
            .chain(diags.iter())
            .filter(|d| d.severity == puppetlift::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", name(&dir));
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_suffix(name(&dir));
        settings.bind(|| {
            insta::assert_snapshot!("plan", plan::describe(&planned.plan));
            for (path, content) in &artifacts {
                if path.ends_with(".gz") {
                    continue;
                }
                let text = String::from_utf8_lossy(content);
                insta::assert_snapshot!(format!("artifact-{}", path.replace('/', "-")), text);
            }
        });
    }
}

#[test]
fn builds_are_byte_identical() {
    for dir in projects() {
        let (_, a, _) = build(&dir);
        let (_, b, _) = build(&dir);
        assert_eq!(a, b, "{}: two builds differ", name(&dir));
    }
}

/// `(number, kind)` of each `run_step N KIND ...` line, and each step function's body.
fn script_steps(script: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    let mut body: Option<(usize, String)> = None;
    for line in script.lines() {
        if let Some(rest) = line.strip_prefix("step_") {
            if let Some(n) = rest.strip_suffix("() {").and_then(|n| n.parse().ok()) {
                body = Some((n, String::new()));
                continue;
            }
        }
        if let Some(rest) = line.strip_prefix("run_step ") {
            let mut it = rest.split_whitespace();
            let n: usize = it.next().and_then(|x| x.parse().ok()).expect("step number");
            let kind = it.next().expect("step kind").to_string();
            let b = body.take().filter(|(m, _)| *m == n).map(|(_, b)| b).unwrap_or_default();
            out.push((n, kind, b));
            continue;
        }
        if let Some((_, b)) = body.as_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    out
}

/// A step body with an inline base64 archive reduced to what the staged variant has.
fn without_inline_archive(body: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in body.lines() {
        if line.contains("<<'PUPPETLIFT_CODE'") {
            skipping = true;
            continue;
        }
        if skipping {
            if line == "PUPPETLIFT_CODE" {
                skipping = false;
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn the_three_targets_carry_the_same_steps_in_the_same_order() {
    for dir in projects() {
        let (planned, artifacts, _) = build(&dir);
        let template: serde_json::Value =
            serde_json::from_str(&text(&artifacts, "stack.json")).expect("template is JSON");
        for node in &planned.plan.nodes {
            let script = text(&artifacts, &format!("{}/user-data.sh", node.name));
            let from_script = script_steps(&script);
            assert!(
                !from_script.is_empty(),
                "{}/{}: no steps in user-data.sh",
                name(&dir),
                node.name
            );

            // cloud-config: a script per step, run by cloud-init in name order.
            let yaml = text(&artifacts, &format!("{}/cloud-config.yaml", node.name));
            assert!(yaml.starts_with("#cloud-config\n"));
            let docs = yaml_rust2::YamlLoader::load_from_str(&yaml).expect("cloud-config is YAML");
            let doc = &docs[0];
            assert!(
                doc["runcmd"].is_badvalue(),
                "steps run by runcmd would not stop at a failure"
            );
            let mut staged: Vec<(&str, &str)> = doc["write_files"]
                .as_vec()
                .expect("write_files")
                .iter()
                .filter_map(|f| Some((f["path"].as_str()?, f["content"].as_str()?)))
                .filter(|(path, _)| path.starts_with("/var/lib/cloud/scripts/per-instance/"))
                .collect();
            staged.sort();
            let mut from_yaml = Vec::new();
            for (i, (path, content)) in staged.iter().enumerate() {
                let steps = script_steps(content);
                assert_eq!(steps.len(), 1, "{path}: one step per file");
                let step = steps.into_iter().next().expect("step");
                assert_eq!(step.0, i + 1, "{path}: steps run in name order");
                assert!(
                    path.ends_with(&format!("-{}.sh", step.1)),
                    "{path}: named after its step"
                );
                from_yaml.push(step);
            }
            assert_eq!(
                from_script.len(),
                from_yaml.len(),
                "{}/{}: step counts differ",
                name(&dir),
                node.name
            );
            for (s, y) in from_script.iter().zip(from_yaml.iter()) {
                assert_eq!((s.0, &s.1), (y.0, &y.1), "{}/{}: steps differ", name(&dir), node.name);
                assert_eq!(
                    without_inline_archive(&s.2),
                    y.2,
                    "{}/{} step {}: bodies differ",
                    name(&dir),
                    node.name,
                    s.0
                );
            }

            // CloudFormation: the instance's UserData is the same script.
            let id = emit::cloudformation::logical_id(&node.name);
            let sub = template["Resources"][&id]["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
                .as_str()
                .unwrap_or_else(|| panic!("{id}: UserData is Fn::Base64 of Fn::Sub"));
            // The stack's boots signal their own instance; the others none.
            let signalled = format!("\nPUPPETLIFT_SIGNAL={id}\n");
            assert!(sub.contains(&signalled), "{id}: the boot signals its instance");
            let unescaped = sub
                .replace(
                    "PUPPETLIFT_STACK=${AWS::StackName}",
                    &format!("PUPPETLIFT_STACK={}", planned.plan.name),
                )
                .replacen(&signalled, "\nPUPPETLIFT_SIGNAL=\n", 1)
                .replace("${!", "${");
            // An agent's master is a reference in the stack, a name in user-data.
            let unescaped = match &planned.plan.puppetmaster {
                Some(plan::puppetmaster::Puppetmaster {
                    node: Some(master),
                    server,
                    ..
                }) => unescaped.replace(
                    &format!(
                        "local server=${{{}.PrivateDnsName}}",
                        emit::cloudformation::logical_id(master)
                    ),
                    &format!("local server={server}"),
                ),
                _ => unescaped,
            };
            assert_eq!(
                script_steps(&unescaped),
                from_script,
                "{}/{}: template steps differ",
                name(&dir),
                node.name
            );
            assert_eq!(
                unescaped,
                script,
                "{}/{}: template user data differs from user-data.sh",
                name(&dir),
                node.name
            );
        }
    }
}

#[test]
fn oversized_user_data_is_an_error_that_names_the_fix() {
    let tmp = std::env::temp_dir().join(format!("puppetlift-big-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("manifests")).expect("tmp project");
    std::fs::write(
        tmp.join("Vagrantfile"),
        "Vagrant.configure(\"2\") do |c|\n  c.vm.box = \"debian/bookworm64\"\n  c.vm.provision \"puppet\"\nend\n",
    )
    .expect("Vagrantfile");
    // 40 KB of incompressible data in a manifest comment.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: String = (0..40_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect();
    std::fs::write(tmp.join("manifests/default.pp"), format!("# {noise}\nnotice('hi')\n")).expect("manifest");
    // Asked for explicitly, embedding stays what it was: too large is an error.
    std::fs::write(tmp.join("puppetlift.toml"), "[delivery]\nmode = \"embed\"\n").expect("settings");
    let project = Project::load(&tmp, Default::default());
    let planned = plan::build(&project);
    assert!(matches!(planned.plan.delivery, plan::Delivery::Embed { .. }));
    let (_, diags) = emit::render_all(&planned.plan, &project.root, Target::All);
    let sizes: Vec<_> = diags.iter().filter(|d| d.code == "user-data-too-large").collect();
    let files: Vec<&str> = sizes.iter().map(|d| d.file.as_str()).collect();
    // Each artifact as it travels: the stack's text, the gzip'd script and cloud-config.
    assert_eq!(
        files,
        ["stack.json", "default/user-data.sh", "default/cloud-config.yaml"],
        "{sizes:?}"
    );
    assert!(sizes[1].message.contains("gzip'd"), "{:?}", sizes[1]);
    assert!(sizes[0].help.as_deref().unwrap_or("").contains("git"), "{:?}", sizes[0]);
    // By default (auto) the same project goes through S3, and nothing is too large.
    std::fs::remove_file(tmp.join("puppetlift.toml")).expect("settings removed");
    let project = Project::load(&tmp, Default::default());
    let planned = plan::build(&project);
    let plan::Delivery::S3 { bucket, key, .. } = &planned.plan.delivery else {
        panic!("auto did not choose S3: {:?}", planned.plan.delivery);
    };
    assert_eq!(bucket, &None, "the stack's own bucket, named at deploy time");
    assert!(key.ends_with(".tar.gz"), "{key}");
    let why = planned.plan.delivery_choice.as_deref().unwrap_or("");
    assert!(why.contains("stack.json") || why.contains("in the stack"), "{why}");
    let (artifacts, diags) = emit::render_all(&planned.plan, &project.root, Target::All);
    assert!(diags.iter().all(|d| d.code != "user-data-too-large"), "{diags:?}");
    assert!(artifacts.contains_key("code.tar.gz"));
    let _ = std::fs::remove_dir_all(&tmp);
}

/// `auto` never embeds code that holds a secret (user data is readable by
/// anyone allowed to describe the instance): a small project with a private
/// key goes through S3 and says why; asked for `embed`, it stays embedded and
/// `secret-in-user-data` reports it (tests/check.rs fixtures).
#[test]
fn auto_delivery_keeps_a_secret_out_of_user_data() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/checks/secret-in-user-data");
    let dir = fixtures.join("clean-auto-delivers-key-by-s3");
    let project = Project::load(&dir, Default::default());
    let planned = plan::build(&project);
    assert!(
        matches!(planned.plan.delivery, plan::Delivery::S3 { .. }),
        "auto embedded a private key: {:?}",
        planned.plan.delivery
    );
    let why = planned.plan.delivery_choice.as_deref().unwrap_or("");
    assert!(
        why.contains("modules/app/files/deploy_key") && why.contains("a private key"),
        "{why}"
    );
    let embedded = fixtures.join("trigger-embedded-key");
    let planned = plan::build(&Project::load(&embedded, Default::default()));
    assert!(matches!(planned.plan.delivery, plan::Delivery::Embed { .. }));
}

/// `init` in a git checkout proposes `git` delivery with the checkout's
/// remote (credentials left out), read from the project's own `.git/config`;
/// a checkout above the project is not read.
#[test]
fn init_proposes_git_delivery_from_the_projects_own_remote() {
    let dir = tmp_project(
        "init-git",
        "Vagrant.configure(\"2\") do |c|\n  c.vm.box = \"debian/bookworm64\"\n  c.vm.provision \"puppet\"\nend\n",
    );
    std::fs::create_dir_all(dir.join(".git")).expect(".git");
    std::fs::write(
        dir.join(".git/config"),
        "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = git@example.org:up/ops.git\n[remote \"origin\"]\n\turl = https://deploy:s3cret@example.org/acme/ops.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
    )
    .expect("config");
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/production\n").expect("HEAD");
    let project = Project::load(&dir, Default::default());
    let remote = project.git_remote().expect("a remote");
    assert_eq!(remote.name, "origin");
    assert_eq!(remote.url, "https://example.org/acme/ops.git");
    let planned = plan::build(&project);
    let text = settings_file::commented_with_remote(&planned.plan, Some(&remote));
    assert!(text.contains("mode = \"auto\""), "{text}");
    assert!(
        text.contains("# mode = \"git\"\n# repository = \"https://example.org/acme/ops.git\"\n# ref = \"production\""),
        "{text}"
    );
    assert!(!text.contains("s3cret"), "{text}");
    std::fs::write(dir.join("puppetlift.toml"), &text).expect("toml");
    settings::Settings::load(&dir).expect("init output is valid puppetlift.toml");
    // The project inside a checkout it is not the top of: nothing above is read.
    let inner = dir.join("inner");
    std::fs::create_dir_all(inner.join("manifests")).expect("inner");
    std::fs::copy(dir.join("Vagrantfile"), inner.join("Vagrantfile")).expect("Vagrantfile");
    assert_eq!(Project::load(&inner, Default::default()).git_remote(), None);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn build_never_overwrites_files_it_did_not_write() {
    let out = std::env::temp_dir().join(format!("puppetlift-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join("stack.json"), "mine").expect("user file");
    let (_, artifacts, _) = build(&projects()[0]);
    let err = emit::write::write_out(&out, &artifacts, false).expect_err("refused");
    assert_eq!(err.code, "would-overwrite");
    assert_eq!(std::fs::read_to_string(out.join("stack.json")).expect("kept"), "mine");
    emit::write::write_out(&out, &artifacts, true).expect("forced");
    // Now puppetlift wrote it: a rebuild needs no --force.
    emit::write::write_out(&out, &artifacts, false).expect("rebuild");
    let _ = std::fs::remove_dir_all(&out);
}

/// The command line of the first machine's first `puppet apply`.
fn first_puppet_apply(planned: &plan::Planned) -> String {
    let apply = planned.plan.nodes[0].steps.iter().find_map(|s| match s {
        plan::Step::PuppetApply { command, .. } => Some(command.clone()),
        _ => None,
    });
    apply.expect("a puppet apply step")
}

fn tmp_project(tag: &str, vagrantfile: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("puppetlift-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("manifests")).expect("tmp project");
    std::fs::write(dir.join("Vagrantfile"), vagrantfile).expect("Vagrantfile");
    std::fs::write(dir.join("manifests/default.pp"), "notice('hi')\n").expect("manifest");
    dir
}

#[test]
fn end_of_life_boxes_are_replaced_and_said_so() {
    let dir = tmp_project(
        "eol",
        "Vagrant::Config.run do |c|\n  c.vm.box = \"lucid32\"\n  c.vm.provision :puppet\nend\n",
    );
    let planned = plan::build(&Project::load(&dir, Default::default()));
    let d = planned
        .diagnostics
        .iter()
        .find(|d| d.code == "end-of-life-image")
        .expect("eol diagnostic");
    assert!(
        d.message.contains("ubuntu-10.04") && d.message.contains("ubuntu-22.04"),
        "{}",
        d.message
    );
    assert_eq!(planned.plan.nodes[0].image.os, "ubuntu-22.04");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_boxes_ask_for_an_image() {
    let dir = tmp_project(
        "unknown",
        "Vagrant.configure(\"2\") do |c|\n  c.vm.box = \"acme/golden-2019\"\nend\n",
    );
    let planned = plan::build(&Project::load(&dir, Default::default()));
    let d = planned
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-box")
        .expect("unknown-box");
    assert!(
        d.help.as_deref().unwrap_or("").contains("[machines.default] image"),
        "{d:?}"
    );
    assert!(planned.plan.nodes.is_empty(), "no silent guess");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn convert_writes_a_readme_and_launch_scripts() {
    let dir = Path::new("fixtures/demo");
    let project = Project::load(dir, Default::default());
    let planned = plan::build(&project);
    let (mut artifacts, _) = emit::render_all(&planned.plan, &project.root, Target::All);
    emit::handoff::add(&planned.plan, project.machines(), &mut artifacts).expect("handoff");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for f in ["README.md", "deploy-stack.sh", "run-instances.sh"] {
            insta::assert_snapshot!(format!("convert-demo-{f}"), text(&artifacts, f));
        }
        insta::assert_snapshot!("init-demo", settings_file::commented(&planned.plan));
    });
    // What init writes reads back as settings that give the same plan.
    let tmp = std::env::temp_dir().join(format!("puppetlift-init-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).expect("tmp");
    std::fs::write(tmp.join("puppetlift.toml"), settings_file::commented(&planned.plan)).expect("toml");
    settings::Settings::load(&tmp).expect("init output is valid puppetlift.toml");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// A link in the delivered code that points at nothing on this machine
/// (`current -> /opt/...`, written for the machine the code runs on) is
/// delivered as the link it is, as a synced folder showed it to the box; the
/// build reads nothing through it and does not stop on it.
#[cfg(unix)]
#[test]
fn links_to_nothing_here_are_delivered_as_links() {
    use std::io::Read;
    let dir = tmp_project(
        "dangling",
        "Vagrant.configure('2') do |c|\n  c.vm.box = 'debian/bookworm64'\n  c.vm.provision 'puppet' do |p|\n    p.module_path = 'modules'\n  end\nend\n",
    );
    let files = dir.join("modules/site/files");
    std::fs::create_dir_all(&files).expect("module");
    std::fs::write(files.join("index.html"), "hello\n").expect("file");
    let nowhere = format!("/opt/puppetlift-test-nowhere-{}/current", std::process::id());
    std::os::unix::fs::symlink(&nowhere, files.join("current")).expect("link");
    std::os::unix::fs::symlink("../missing", files.join("relative")).expect("link");
    let project = Project::load(&dir, Default::default());
    let planned = plan::build(&project);
    let bundle = &planned.plan.bundle;
    for rel in ["modules/site/files/current", "modules/site/files/relative"] {
        assert!(bundle.iter().any(|b| b == rel), "{rel} not in {bundle:?}");
    }
    assert!(
        planned.diagnostics.iter().all(|d| d.code != "unreadable-file"),
        "{:?}",
        planned.diagnostics
    );
    let gz = emit::bundle::archive(&project.root, bundle).expect("archive");
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_end(&mut raw)
        .expect("gunzip");
    let mut tar = tar::Archive::new(raw.as_slice());
    let links: Vec<(String, String)> = tar
        .entries()
        .expect("entries")
        .map(|e| e.expect("entry"))
        .filter(|e| e.header().entry_type() == tar::EntryType::Symlink)
        .map(|e| {
            let path = e.path().expect("path").display().to_string();
            let to = e.link_name().expect("link").expect("target").display().to_string();
            (path, to)
        })
        .collect();
    assert_eq!(
        links,
        [
            ("modules/site/files/current".to_string(), nowhere),
            ("modules/site/files/relative".to_string(), "../missing".to_string()),
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The vagrant-r10k plugin (`config.r10k`) installs a Puppetfile's modules
/// into a module path that is not in the project: the plan installs them
/// there at boot, and the missing directory is no `missing-file`.
#[test]
fn vagrant_r10k_fills_the_module_path_it_names() {
    let dir = tmp_project(
        "r10k",
        r#"Vagrant.configure("2") do |config|
  config.vm.box = "debian/bookworm64"
  config.r10k.puppet_dir = "puppet"
  config.r10k.puppetfile_path = "puppet/Puppetfile"
  config.vm.provision :puppet do |puppet|
    puppet.manifests_path = "manifests"
    puppet.module_path = ["puppet/vendor", "puppet/site"]
  end
end
"#,
    );
    std::fs::create_dir_all(dir.join("puppet/site/app/manifests")).expect("site");
    std::fs::write(dir.join("puppet/site/app/manifests/init.pp"), "class app {}\n").expect("class");
    std::fs::write(dir.join("puppet/Puppetfile"), "mod 'puppetlabs/stdlib', '9.4.1'\n").expect("Puppetfile");
    let planned = plan::build(&Project::load(&dir, Default::default()));
    assert!(
        planned.diagnostics.iter().all(|d| d.code != "missing-file"),
        "{:?}",
        planned.diagnostics
    );
    let steps = &planned.plan.nodes[0].steps;
    let install = steps.iter().find_map(|s| match s {
        plan::Step::InstallModules {
            puppetfile, moduledir, ..
        } => Some((puppetfile, moduledir)),
        _ => None,
    });
    let (puppetfile, moduledir) = install.expect("an InstallModules step");
    assert_eq!(puppetfile, "puppet/Puppetfile");
    assert!(moduledir.ends_with("/puppet/vendor"), "{moduledir}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Paths the Vagrantfile builds from its own location (`__FILE__`,
/// `__dir__`) are the project's paths: planned and delivered as such, not
/// as an absolute host path put under the code path.
#[test]
fn host_paths_built_from_the_vagrantfiles_location_are_project_paths() {
    let dir = tmp_project(
        "expand-path",
        r#"here = File.expand_path(File.dirname(__FILE__))
Vagrant.configure("2") do |config|
  config.vm.box = "debian/bookworm64"
  config.vm.provision "puppet" do |puppet|
    puppet.manifests_path = File.join(here, "manifests")
    puppet.module_path = [File.expand_path("modules", __dir__)]
  end
end
"#,
    );
    std::fs::create_dir_all(dir.join("modules/app/manifests")).expect("module");
    std::fs::write(dir.join("modules/app/manifests/init.pp"), "class app {}\n").expect("class");
    let planned = plan::build(&Project::load(&dir, Default::default()));
    let codes: Vec<&str> = planned.diagnostics.iter().map(|d| d.code).collect();
    assert!(
        !codes.contains(&"outside-project") && !codes.contains(&"missing-file"),
        "{codes:?}"
    );
    let bundle = &planned.plan.bundle;
    for rel in ["manifests/default.pp", "modules/app/manifests/init.pp"] {
        assert!(bundle.iter().any(|b| b == rel), "{rel} not in {bundle:?}");
    }
    let command = first_puppet_apply(&planned);
    let host = dir.display().to_string();
    assert!(!command.contains(&host), "{command}");
    assert!(command.contains("/modules'"), "{command}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Puppet refuses a certname with capitals ("Certificate names must be lower
/// case"); its default, the host's name, is lower case, and so is the
/// `--certname` the plan gives from the Vagrantfile's hostname.
#[test]
fn certnames_from_hostnames_are_lower_case() {
    let dir = tmp_project(
        "certname",
        "Vagrant.configure('2') do |c|\n  c.vm.box = 'debian/bookworm64'\n  c.vm.hostname = 'Web01.Example.test'\n  c.vm.provision 'puppet'\nend\n",
    );
    let planned = plan::build(&Project::load(&dir, Default::default()));
    let command = first_puppet_apply(&planned);
    assert!(
        command.contains("--certname='web01.example.test'") || command.contains("--certname=web01.example.test"),
        "{command}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A manifest file the manifests directory lacks is a `missing-file` error,
/// as Vagrant refuses it, not a boot that fails at `puppet apply`.
#[test]
fn a_manifest_file_the_project_lacks_is_missing() {
    let dir = tmp_project(
        "manifest-file",
        "Vagrant.configure('2') do |c|\n  c.vm.box = 'debian/bookworm64'\n  c.vm.provision 'puppet' do |p|\n    p.manifest_file = 'site.pp'\n  end\nend\n",
    );
    let planned = plan::build(&Project::load(&dir, Default::default()));
    let missing: Vec<&str> = (planned.diagnostics.iter())
        .filter(|d| d.code == "missing-file")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        missing,
        ["machine `default` applies `manifests/site.pp`, which does not exist in the project"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A provisioner path outside the project cannot be delivered: an error that
/// stops the build, not a boot that fails at `puppet apply`.
#[test]
fn provisioner_paths_outside_the_project_are_errors() {
    let dir = tmp_project(
        "outside-path",
        "Vagrant.configure('2') do |c|\n  c.vm.box = 'debian/bookworm64'\n  c.vm.provision 'puppet' do |p|\n    p.manifests_path = '../shared/manifests'\n  end\nend\n",
    );
    let planned = plan::build(&Project::load(&dir, Default::default()));
    let outside: Vec<_> = planned
        .diagnostics
        .iter()
        .filter(|d| d.code == "outside-project")
        .collect();
    assert_eq!(outside.len(), 1, "{:?}", planned.diagnostics);
    assert_eq!(outside[0].severity, puppetlift::Severity::Error);
    assert!(
        outside[0].message.contains("`../shared/manifests`"),
        "{}",
        outside[0].message
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// What EC2 cannot reproduce of a Vagrant network is said at the Vagrantfile
/// line, and only those addresses are left to EC2.
#[test]
fn the_network_says_what_it_cannot_keep_at_the_vagrantfile_line() {
    let dir = Path::new("fixtures/projects/network-existing-vpc");
    let project = Project::load(dir, Default::default());
    let planned = plan::build(&project);
    let lines: Vec<String> = planned
        .diagnostics
        .iter()
        .map(|d| d.one_line(project.source(&d.file).map(|s| s.as_ref())))
        .collect();
    insta::assert_snapshot!("network-diagnostics@network-existing-vpc", lines.join("\n"));
    let kept: Vec<(&str, Option<&str>)> = (planned.plan.nodes.iter())
        .map(|n| (n.name.as_str(), n.interfaces[0].address.as_deref()))
        .collect();
    assert_eq!(kept, [("web", Some("172.20.5.10")), ("cache", None), ("admin", None)]);
    let net = planned.plan.network.as_ref().expect("network");
    assert_eq!(net.vpc.as_deref(), Some("vpc-0a1b2c3d4e5f67890"));
    // An existing VPC: the stack creates no VPC, gateway or subnet.
    let (artifacts, _) = emit::render_all(&planned.plan, &project.root, Target::All);
    let stack: serde_json::Value = serde_json::from_str(&text(&artifacts, "stack.json")).expect("JSON");
    let types: Vec<&str> = (stack["Resources"].as_object().expect("resources").values())
        .filter_map(|r| r["Type"].as_str())
        .collect();
    for created in ["AWS::EC2::VPC", "AWS::EC2::InternetGateway", "AWS::EC2::Subnet"] {
        assert!(!types.contains(&created), "{created} in {types:?}");
    }
    assert_eq!(
        stack["Resources"]["Web"]["Properties"]["SubnetId"],
        "subnet-0fedcba9876543210"
    );
}
