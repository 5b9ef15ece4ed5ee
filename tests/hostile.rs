//! Hostile projects: links out of the project, links to devices and pipes,
//! machine names that are paths, links planted in `--out`. Every command runs
//! on them with a time limit; nothing outside the project may be read (a
//! sentinel file outside never shows up in any output) and nothing outside
//! `--out` may be written.
#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// What a file outside every project says; it must never appear in any output.
const SECRET: &str = "sentinel-outside-the-project-7f3a";

/// A scratch area: `outside/` (the sentinel), and projects beside it.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("puppetlift-hostile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("outside/modules/leak/manifests")).expect("scratch");
        std::fs::write(dir.join("outside/secret.txt"), format!("{SECRET}\n")).expect("secret");
        std::fs::write(
            dir.join("outside/modules/leak/manifests/init.pp"),
            format!("class leak {{ notify {{ '{SECRET}': }} }}\n"),
        )
        .expect("module");
        std::fs::write(dir.join("outside/settings.yaml"), format!("box: {SECRET}\n")).expect("yaml");
        Scratch { dir }
    }

    /// A project `name` with `vagrantfile` and a plain manifest.
    fn project(&self, name: &str, vagrantfile: &str) -> PathBuf {
        let p = self.dir.join(name);
        std::fs::create_dir_all(p.join("manifests")).expect("project");
        std::fs::create_dir_all(p.join("modules")).expect("modules");
        std::fs::write(p.join("Vagrantfile"), vagrantfile).expect("Vagrantfile");
        std::fs::write(p.join("manifests/default.pp"), "notify { 'hello': }\n").expect("manifest");
        p
    }

    fn outside(&self, rel: &str) -> PathBuf {
        self.dir.join("outside").join(rel)
    }

    /// Every file under the scratch area but `skip` (the projects and OUT trees).
    fn files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![self.dir.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let t = e.file_type().expect("type");
                if t.is_dir() {
                    stack.push(e.path());
                } else {
                    out.push(e.path());
                }
            }
        }
        out.sort();
        out
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Run puppetlift with `args`; it must finish within 10 s (a pipe or device
/// read would hang it) and never print the sentinel.
fn run(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_puppetlift"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("puppetlift runs");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("puppetlift {args:?} did not finish in 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains(SECRET),
        "puppetlift {args:?} printed what lies outside the project:\n{text}"
    );
    assert!(
        out.status.code().is_some_and(|c| c < 100),
        "puppetlift {args:?} crashed: {:?}\n{text}",
        out.status
    );
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// No file under `out` holds the sentinel (base64 or gzip'd archives are
/// unpacked by their consumers; a leaked file would be named in the archive).
fn assert_clean(out: &Path) {
    let mut stack = vec![out.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let t = e.file_type().expect("type");
            if t.is_dir() {
                stack.push(e.path());
                continue;
            }
            if t.is_symlink() {
                continue;
            }
            let bytes = std::fs::read(e.path()).expect("artifact");
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(SECRET), "{} carries the sentinel", e.path().display());
            assert!(
                !text.contains("outside/secret.txt"),
                "{} names the outside file",
                e.path().display()
            );
        }
    }
}

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().expect("mkfifo").success();
    assert!(ok, "mkfifo {}", p.display());
}

const EVERY_PROJECT_COMMAND: [&str; 4] = ["inspect", "plan", "check", "init"];

/// A shell provisioner's script that is a link to a file outside, a manifests
/// directory and a module path that link out (one through a `..` chain, one
/// absolute): `build` and `convert` refuse them by name and write nothing;
/// every other command finishes without reading them.
#[test]
fn links_out_of_the_project_are_refused_by_name() {
    let s = Scratch::new("links");
    let p = s.project(
        "proj",
        r#"Vagrant.configure("2") do |config|
  config.vm.box = "debian/bookworm64"
  config.vm.provision "shell", path: "scripts/setup.sh"
  config.vm.provision "puppet" do |puppet|
    puppet.manifests_path = "linked-manifests"
    puppet.manifest_file = "init.pp"
    puppet.module_path = ["modules", "shared"]
  end
end
"#,
    );
    std::fs::create_dir_all(p.join("scripts")).expect("scripts");
    symlink(s.outside("secret.txt"), p.join("scripts/setup.sh")).expect("link");
    symlink(s.outside("modules/leak/manifests"), p.join("linked-manifests")).expect("link");
    symlink("../../outside/modules", p.join("modules/up")).expect("link");
    symlink(s.outside("modules"), p.join("shared")).expect("link");
    let dir = p.to_str().expect("utf-8");
    let out = s.dir.join("out");
    let o = out.to_str().expect("utf-8");
    for cmd in ["build", "convert"] {
        let r = run(&[cmd, dir, "--out", o]);
        let err = stderr(&r);
        assert_eq!(r.status.code(), Some(1), "{cmd}: {err}");
        assert!(!out.exists(), "{cmd} wrote something: {err}");
        for name in ["scripts/setup.sh", "linked-manifests", "modules/up", "shared"] {
            assert!(err.contains(name), "{cmd} does not name the link `{name}`:\n{err}");
        }
        assert!(err.contains("outside-project"), "{err}");
        assert!(err.contains("--allow-outside"), "{err}");
    }
    for cmd in EVERY_PROJECT_COMMAND {
        run(&[cmd, dir]);
    }
    // Opting in reads them (the monorepo case), and only what was allowed.
    let allowed = run(&[
        "build",
        dir,
        "--out",
        o,
        "--allow-outside",
        s.outside("").to_str().expect("utf-8"),
        "--allow",
        "vagrant-path",
    ]);
    assert!(allowed.status.success(), "{}", stderr(&allowed));
}

/// Files that are links to devices, pipes and links planted as manifests,
/// scripts, settings or the Vagrantfile itself: refused at once, never read.
#[test]
fn devices_and_pipes_are_never_read() {
    let s = Scratch::new("devices");
    let p = s.project(
        "proj",
        r#"Vagrant.configure("2") do |config|
  config.vm.box = "debian/bookworm64"
  config.vm.provision "shell", path: "pipe.sh"
  config.vm.provision "puppet"
end
"#,
    );
    symlink("/dev/zero", p.join("manifests/zero.pp")).expect("link");
    symlink("/dev/urandom", p.join("manifests/random.pp")).expect("link");
    mkfifo(&p.join("pipe.sh"));
    mkfifo(&p.join("manifests/fifo.pp"));
    let dir = p.to_str().expect("utf-8");
    let out = s.dir.join("out");
    let r = run(&["build", dir, "--out", out.to_str().expect("utf-8")]);
    assert_eq!(r.status.code(), Some(1));
    let err = stderr(&r);
    assert!(err.contains("named pipe"), "{err}");
    assert!(!out.exists());
    for cmd in EVERY_PROJECT_COMMAND {
        run(&[cmd, dir]);
    }
    let manifests = p.join("manifests");
    let m = manifests.to_str().expect("utf-8");
    for cmd in ["lint", "parse"] {
        run(&[cmd, m]);
        let fifo = run(&[cmd, p.join("manifests/fifo.pp").to_str().expect("utf-8")]);
        assert_ne!(fifo.status.code(), Some(0), "{cmd} on a pipe");
        let zero = run(&[cmd, p.join("manifests/zero.pp").to_str().expect("utf-8")]);
        assert_ne!(zero.status.code(), Some(0), "{cmd} on /dev/zero");
    }
    // The Vagrantfile itself, and puppetlift.toml, as pipes.
    let q = s.project("pipes", "");
    std::fs::remove_file(q.join("Vagrantfile")).expect("rm");
    mkfifo(&q.join("Vagrantfile"));
    mkfifo(&q.join("puppetlift.toml"));
    for cmd in EVERY_PROJECT_COMMAND {
        let r = run(&[cmd, q.to_str().expect("utf-8")]);
        assert_ne!(r.status.code(), Some(0), "{cmd} on a Vagrantfile that is a pipe");
    }
}

/// The Vagrantfile reads files through links and `..`: what leads out is not
/// read (its value is unknown, with a diagnostic), what stays inside is.
#[test]
fn the_vagrantfile_reads_nothing_outside() {
    let s = Scratch::new("ruby");
    let p = s.project(
        "proj",
        r#"require 'yaml'
settings = YAML.load_file("linked.yaml")
up = File.read("../outside/secret.txt")
Vagrant.configure("2") do |config|
  config.vm.box = settings["box"]
  config.vm.hostname = up
end
"#,
    );
    symlink(s.outside("settings.yaml"), p.join("linked.yaml")).expect("link");
    let r = run(&["inspect", p.to_str().expect("utf-8"), "--json"]);
    let err = stderr(&r);
    assert!(err.contains("linked.yaml"), "{err}");
    assert!(err.contains("outside the project"), "{err}");
}

/// Machine names that are paths: their artifacts land in one plain folder
/// each under `--out`, and nothing is written anywhere else.
#[test]
fn machine_names_never_leave_out() {
    let s = Scratch::new("names");
    let p = s.project(
        "proj",
        r#"Vagrant.configure("2") do |config|
  config.vm.box = "debian/bookworm64"
  ["../../escaped", "/tmp/puppetlift-absolute-name", "a/b", ".hidden", "c:d", ".."].each do |name|
    config.vm.define name do |m|
      m.vm.provision "shell", inline: "true"
    end
  end
end
"#,
    );
    let before = s.files();
    let out = s.dir.join("out");
    let r = run(&[
        "build",
        p.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    let mut dirs: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(
        dirs,
        [
            "_..",
            "_.._.._escaped",
            "_.hidden",
            "_tmp_puppetlift-absolute-name",
            "a_b",
            "c_d"
        ]
    );
    let after: Vec<PathBuf> = s.files().into_iter().filter(|f| !f.starts_with(&out)).collect();
    assert_eq!(before, after, "files appeared outside --out");
    assert!(!Path::new("/tmp/puppetlift-absolute-name").exists());
    let conv = s.dir.join("conv");
    let r = run(&[
        "convert",
        p.to_str().expect("utf-8"),
        "--out",
        conv.to_str().expect("utf-8"),
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    let script = std::fs::read_to_string(conv.join("run-instances.sh")).expect("script");
    assert!(script.contains("launch 'a/b' 'a_b' "), "{script}");
}

/// A link planted in `--out` (a machine's folder pointing elsewhere) stops
/// the write before anything is written.
#[test]
fn links_in_out_are_not_followed() {
    let s = Scratch::new("out");
    let p = s.project(
        "proj",
        r#"Vagrant.configure("2") do |config|
  config.vm.box = "debian/bookworm64"
  config.vm.provision "shell", inline: "true"
end
"#,
    );
    let out = s.dir.join("out");
    std::fs::create_dir_all(&out).expect("out");
    let elsewhere = s.dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("elsewhere");
    symlink(&elsewhere, out.join("default")).expect("link");
    let r = run(&[
        "build",
        p.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(r.status.code(), Some(1));
    assert!(stderr(&r).contains("write-outside-out"), "{}", stderr(&r));
    assert_eq!(std::fs::read_dir(&elsewhere).expect("dir").count(), 0);
    assert!(
        !out.join("stack.json").exists(),
        "nothing is written when one path is refused"
    );
    assert_clean(&out);
}

/// `init` over a `puppetlift.toml` that links out replaces the link, never
/// the file it points at.
#[test]
fn init_does_not_write_through_a_link() {
    let s = Scratch::new("init");
    let p = s.project(
        "proj",
        r#"Vagrant.configure("2") do |config|
  config.vm.box = "debian/bookworm64"
end
"#,
    );
    symlink(s.outside("secret.txt"), p.join("puppetlift.toml")).expect("link");
    run(&["init", p.to_str().expect("utf-8"), "--force"]);
    let secret = std::fs::read_to_string(s.outside("secret.txt")).expect("secret");
    assert_eq!(secret, format!("{SECRET}\n"));
}
