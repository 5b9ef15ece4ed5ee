//! Ruby code Puppet loads from outside its own Ruby, for `rubylib-missing`:
//! gems installed into the system Ruby, and faces checked out from git.

use super::context::{Context, TargetImage};
use super::scan;
use crate::diagnostic::{Diagnostic, Severity};
use crate::plan::{PuppetSource, Step};
use regex::Regex;
use std::sync::OnceLock;

/// Gems only Puppet or Hiera load (backends and merge strategies), so the
/// system Ruby has no use for them.
const PUPPET_GEMS: [&str; 9] = [
    "hiera-eyaml",
    "hiera-eyaml-gpg",
    "hiera-eyaml-kms",
    "hiera-eyaml-gkms",
    "hiera-vault",
    "hiera-http",
    "hiera-file",
    "deep_merge",
    "toml-rb",
];

/// Puppet's own subcommands (2.7 to 8) and Puppet Enterprise's client tools.
const SUBCOMMANDS: [&str; 49] = [
    "access",
    "agent",
    "apply",
    "ca",
    "catalog",
    "cert",
    "certificate",
    "certificate_request",
    "certificate_revocation_list",
    "code",
    "config",
    "db",
    "describe",
    "device",
    "doc",
    "epp",
    "facts",
    "file",
    "filebucket",
    "generate",
    "help",
    "infrastructure",
    "inspect",
    "instrumentation_data",
    "instrumentation_listener",
    "instrumentation_probe",
    "job",
    "key",
    "kick",
    "lookup",
    "man",
    "master",
    "module",
    "node",
    "parser",
    "plan",
    "plugin",
    "query",
    "queue",
    "report",
    "resource",
    "resource_type",
    "script",
    "secret_agent",
    "server",
    "ssl",
    "status",
    "strings",
    "task",
];

/// The targets whose Puppet runs on OpenVox's own Ruby.
fn aio_targets<'a>(p: &'a Context) -> Vec<&'a TargetImage> {
    match &p.planned {
        Some(pl) => p
            .targets
            .iter()
            .filter(|t| {
                pl.plan.nodes.iter().any(|n| {
                    n.image.os == t.image.os
                        && n.steps.iter().any(|s| {
                            matches!(
                                s,
                                Step::InstallPuppet {
                                    source: PuppetSource::OpenVox { .. },
                                    ..
                                }
                            )
                        })
                })
            })
            .collect(),
        // Plain Puppet code: what `puppet.install = "auto"` would choose.
        None => p.targets_where(|i| i.puppet_os < 7),
    }
}

/// `require 'NAME'` (group 1) and `libs: ['NAME']` of Puppet features (group 2).
fn required() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r#"(?m)^\s*require\s*\(?\s*['"]([\w./-]+)['"]|:?libs\s*(?:=>|:)\s*\[?\s*['"]([\w./-]+)['"]"#)
            .expect("regex")
    })
}

/// Whether `require 'path'` loads gem `gem` (`aws-sdk` by `aws-sdk` or
/// `aws-sdk/s3`, `toml-rb` by `toml-rb`, `hiera-eyaml` by `hiera/eyaml/...`).
fn loads(path: &str, gem: &str) -> bool {
    let slashed = gem.replace('-', "/");
    [gem, slashed.as_str()]
        .iter()
        .any(|g| path == *g || path.starts_with(&format!("{g}/")))
}

/// Gems installed with `provider => gem` that Puppet's Ruby must load, on images where
/// Puppet is OpenVox.
pub fn gems(p: &Context, code: &'static str) -> Vec<Diagnostic> {
    let aio = aio_targets(p);
    if aio.is_empty() {
        return vec![];
    }
    // Ruby code of modules (facts, functions, types, providers) and what it requires.
    let requires: Vec<(String, &str)> = p
        .other_files
        .iter()
        .filter(|f| f.path.ends_with(".rb") && f.path.contains("/lib/"))
        .flat_map(|f| {
            required()
                .captures_iter(&f.text)
                .filter_map(|c| c.get(1).or_else(|| c.get(2)))
                .map(|g| (g.as_str().to_string(), f.path.as_str()))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut out = Vec::new();
    for m in &p.manifests {
        let guards = p.guards(m);
        for r in scan::resources(m).into_iter().filter(|r| r.type_name == "package") {
            let Some(provider) = r
                .attr("provider")
                .filter(|v| scan::literal(v).as_deref() == Some("gem"))
            else {
                continue;
            };
            if r.attr("ensure")
                .and_then(scan::literal)
                .is_some_and(|e| matches!(e.as_str(), "absent" | "purged"))
            {
                continue;
            }
            let at = provider.span.start as usize;
            let on: Vec<&TargetImage> = aio.iter().copied().filter(|t| guards.runs_on(at, &t.image)).collect();
            if on.is_empty() {
                continue;
            }
            let names = scan::literals(r.attr("name").unwrap_or(&r.body.title));
            for (name, _) in names {
                let why = if PUPPET_GEMS.contains(&name.as_str()) {
                    " (only Puppet and Hiera use it)".to_string()
                } else if let Some((_, file)) = requires.iter().find(|(path, _)| loads(path, &name)) {
                    let rel = std::path::Path::new(file)
                        .strip_prefix(p.dir)
                        .map_or(file.to_string(), |r| r.display().to_string());
                    format!("; `{rel}` requires it")
                } else {
                    continue;
                };
                out.push(
                    p.at(
                        code,
                        Severity::Error,
                        &m.source,
                        at,
                        provider.span.end as usize,
                        format!(
                            "`{name}` is installed with `provider => gem`, into the system Ruby, but Puppet on {} is OpenVox, whose own Ruby does not load it{why}",
                            scan::image_names(&on)
                        ),
                    )
                    .with_help("use `provider => puppet_gem` (the gem command of Puppet's Ruby); keep a second `gem` package only if the system Ruby needs it too"),
                );
            }
        }
    }
    out
}

/// `git clone [OPTIONS] URL [DIR]`: the URL (group 1) and the directory (group 2).
fn git_clone() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"\bgit\s+clone\s+(?:(?:-b|--branch|--depth|-o|--origin|-c|--config|--reference|-j|--jobs)[ =]\S+\s+|-[-\w]+\s+)*([^\s;&|]+)(?:\s+([^\s;&|-][^\s;&|]*))?",
        )
            .expect("regex")
    })
}

/// `puppet FACE` (group 1) where a command starts.
fn puppet_face() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?:^|[\s/;&|(])puppet\s+([a-z][a-z0-9_]*)\b").expect("regex"))
}

/// The directory a clone lands in: the one named, or the URL's last part.
fn clone_dir(c: &regex::Captures, cwd: Option<&str>) -> Option<String> {
    if let Some(d) = c.get(2) {
        return d.as_str().starts_with('/').then(|| d.as_str().to_string());
    }
    let name = c[1].trim_end_matches('/').rsplit('/').next()?.trim_end_matches(".git");
    Some(format!("{}/{name}", cwd?.trim_end_matches('/')))
}

/// The directories Puppet loads modules (and their `lib/`) from.
fn modulepath(p: &Context) -> Vec<String> {
    let mut out: Vec<String> = [
        "/etc/puppet/modules",
        "/etc/puppetlabs/code",
        "/usr/share/puppet/modules",
        "/opt/puppetlabs",
    ]
    .map(String::from)
    .to_vec();
    let re = Regex::new(r"--modulepath[= ]'?([^'\s]+)").expect("regex");
    for (command, _) in p.puppet_runs() {
        for c in re.captures_iter(command) {
            out.extend(c[1].split(':').map(str::to_string));
        }
    }
    out
}

/// Faces checked out from git outside the modulepath and run by an exec with no `RUBYLIB`.
pub fn faces(p: &Context, code: &'static str) -> Vec<Diagnostic> {
    let path = modulepath(p);
    let outside = |d: &str| {
        !path
            .iter()
            .any(|m| d == m || d.starts_with(&format!("{}/", m.trim_end_matches('/'))))
    };
    // RUBYLIB the puppet run itself has reaches every exec.
    if p.puppet_runs().any(|(_, env)| env.iter().any(|(k, _)| k == "RUBYLIB")) {
        return vec![];
    }
    let mut out = Vec::new();
    for m in &p.manifests {
        let resources = scan::resources(m);
        let mut checkouts: Vec<String> = Vec::new();
        for r in &resources {
            let text = |name: &str| r.attr(name).and_then(scan::literal);
            match r.type_name.as_str() {
                "vcsrepo"
                    if text("provider").as_deref() == Some("git")
                        || text("source").is_some_and(|s| s.contains("git")) =>
                {
                    checkouts.extend(text("path").or_else(|| scan::literal(&r.body.title)));
                }
                "exec" => {
                    let command = text("command").unwrap_or_else(|| scan::literal(&r.body.title).unwrap_or_default());
                    let cwd = text("cwd");
                    for c in git_clone().captures_iter(&command) {
                        checkouts.extend(clone_dir(&c, cwd.as_deref()));
                    }
                }
                _ => {}
            }
        }
        checkouts.retain(|d| d.starts_with('/') && !d.contains('$') && outside(d));
        if checkouts.is_empty() {
            continue;
        }
        let runs = |at: u32| p.targets.iter().any(|t| p.guards(m).runs_on(at as usize, &t.image));
        for r in resources
            .iter()
            .filter(|r| r.type_name == "exec" && runs(r.body.span.start))
        {
            let Some(command) = r.attr("command") else {
                continue;
            };
            let Some(text) = scan::literal(command) else {
                continue;
            };
            // A shell comment in the command (`/bin/true # to satisfy puppet syntax`) runs nothing.
            let text = match text.find(" #") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            let env: String = r
                .attr("environment")
                .map(|e| scan::literals(e).into_iter().map(|(s, _)| s).collect())
                .unwrap_or_default();
            if text.contains("RUBYLIB") || text.contains("--libdir") || env.contains("RUBYLIB") {
                continue;
            }
            for c in puppet_face().captures_iter(&text) {
                let face = c.get(1).expect("group");
                if SUBCOMMANDS.contains(&face.as_str()) {
                    continue;
                }
                // The face's word in the source: the command is a literal, so find it there.
                let src = &m.source.text[command.span.range()];
                let Some(i) = src
                    .find(&format!("puppet {}", face.as_str()))
                    .or_else(|| src.find(face.as_str()))
                else {
                    continue;
                };
                let start = command.span.start as usize + i;
                let end = start + src[i..].find(face.as_str()).unwrap_or(0) + face.len();
                out.push(
                    p.at(
                        code,
                        Severity::Error,
                        &m.source,
                        start,
                        end,
                        format!(
                            "`puppet {}` is no face Puppet ships: it comes from the git checkout in `{}`, outside the modulepath, which Puppet on {} finds only through `RUBYLIB`, and this exec's environment has none",
                            face.as_str(),
                            checkouts[0],
                            scan::image_names(&p.targets.iter().collect::<Vec<_>>())
                        ),
                    )
                    .with_help(format!(
                        "add `environment => ['RUBYLIB={}/lib']` to the exec, or install the plugin as a module in the modulepath (its `lib/` is on Puppet's load path)",
                        checkouts[0]
                    )),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{clone_dir, git_clone, loads};

    #[test]
    fn which_require_loads_which_gem() {
        assert!(loads("aws-sdk", "aws-sdk"));
        assert!(loads("aws-sdk/s3", "aws-sdk"));
        assert!(loads("hiera/eyaml/parser", "hiera-eyaml"));
        assert!(!loads("aws-sdk-core", "aws-sdk"));
        assert!(!loads("json", "json-schema"));
    }

    #[test]
    fn where_a_clone_lands() {
        let dir = |t: &str, cwd: Option<&str>| clone_dir(&git_clone().captures(t).expect("clone"), cwd);
        assert_eq!(
            dir("git clone https://x/y/faces.git /opt/faces", None).as_deref(),
            Some("/opt/faces")
        );
        assert_eq!(
            dir("git clone --depth 1 git://x/y/faces.git", Some("/opt")).as_deref(),
            Some("/opt/faces")
        );
        assert_eq!(
            dir("git clone -b main https://x/y/faces /srv/f && make", None).as_deref(),
            Some("/srv/f")
        );
        assert_eq!(dir("git clone https://x/y/faces.git", None), None);
    }
}
