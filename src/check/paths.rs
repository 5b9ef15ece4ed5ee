//! Paths in the provisioning's text: the whole path at a place, the part of
//! it fixed before any interpolation, and the absolute paths the provisioning
//! creates itself (a `file` or `vcsrepo` the manifests manage, an exec's
//! `creates`, and the destinations of the commands execs and shell scripts
//! run: `git clone URL DIR`, `mkdir`, `cp`, `ln`, `tar -C`, `curl -o`,
//! `> FILE`, ...). What is read under those later is the provisioning's own
//! work, which EC2 does as well as Vagrant did.

use super::context::Context;
use super::scan;

/// Every path the provisioning of `p` creates (deduplicated, unordered).
pub fn created(p: &Context) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in &p.manifests {
        for r in scan::resources(m) {
            let absent = r.attr("ensure").and_then(scan::literal).as_deref() == Some("absent");
            match r.type_name.as_str() {
                "file" | "vcsrepo" if !absent => {
                    let named = r.attr("path").map_or(&r.body.title, |e| e);
                    out.extend(scan::literals(named).into_iter().map(|(s, _)| s));
                }
                "exec" => {
                    out.extend(r.attr("creates").into_iter().flat_map(scan::literals).map(|(s, _)| s));
                    for (c, _) in scan::literals(r.command()) {
                        out.extend(destinations(&c));
                    }
                }
                _ => {}
            }
        }
    }
    let scripts = p.scripts.iter().map(|s| s.text.as_str());
    let delivered = p
        .other_files
        .iter()
        .filter(|f| f.path.ends_with(".sh"))
        .map(|f| f.text.as_str());
    for text in scripts.chain(delivered) {
        for (_, line) in scan::code_lines(text) {
            out.extend(destinations(line));
        }
    }
    let mut out: Vec<String> = out
        .into_iter()
        .map(|s| s.trim_end_matches('/').to_string())
        .filter(|s| s.starts_with('/') && s.len() > 1 && !s.contains("${"))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The whole path that starts at byte `start` of `text` (interpolations such
/// as `${dir}` included), without a trailing `/` or `.`.
pub fn path_at(text: &str, start: usize) -> &str {
    let rest = &text[start..];
    let mut end = 0;
    let mut depth = 0;
    for (i, c) in rest.char_indices() {
        match c {
            '{' if rest[..i].ends_with('$') => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            c if c.is_alphanumeric() || "_.-/~@+%$".contains(c) => {}
            _ => break,
        }
        end = i + c.len_utf8();
    }
    rest[..end].trim_end_matches(['.', '/'])
}

/// The part of a path fixed before any interpolation or wildcard: the
/// directory it is in (`/vagrant/files/${name}.conf` -> `/vagrant/files`).
pub fn static_part(path: &str) -> &str {
    match path.find(['$', '*', '?', '[', '<']) {
        Some(i) => path[..i].rfind('/').map_or("", |j| &path[..j]),
        None => path,
    }
}

pub use crate::files::in_module_tests;

/// Whether `path` is one of `created` or under one.
pub fn under_any(path: &str, created: &[String]) -> bool {
    created.iter().any(|c| {
        path.strip_prefix(c.as_str())
            .is_some_and(|r| r.is_empty() || r.starts_with('/'))
    })
}

/// The paths a shell command line writes: the destinations of the commands
/// that create files or directories.
fn destinations(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for command in line.split(['\n', ';', '|', '&']) {
        let words: Vec<&str> = command
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '\'' || c == '"'))
            .filter(|w| !w.is_empty())
            .collect();
        // Redirections: `> FILE`, `>>FILE`, `tee FILE`.
        for (i, w) in words.iter().enumerate() {
            let target = match w.trim_start_matches(['1', '2']).strip_prefix('>') {
                Some(rest) => rest.trim_start_matches('>'),
                None => continue,
            };
            match (target.is_empty(), words.get(i + 1)) {
                (false, _) => out.push(target.to_string()),
                (true, Some(next)) => out.push((*next).to_string()),
                _ => {}
            }
        }
        let Some(at) = words
            .iter()
            .position(|w| !w.contains('=') && *w != "sudo" && *w != "env")
        else {
            continue;
        };
        let program = words[at].rsplit('/').next().unwrap_or_default();
        let args = &words[at + 1..];
        let plain: Vec<&str> = args
            .iter()
            .copied()
            .take_while(|w| !w.starts_with('>'))
            .filter(|w| !w.starts_with('-'))
            .collect();
        let after = |flags: &[&str]| -> Vec<String> {
            args.windows(2)
                .filter(|w| flags.contains(&w[0]))
                .map(|w| w[1].to_string())
                .chain(args.iter().filter_map(|a| {
                    let (flag, value) = a.split_once('=')?;
                    flags.contains(&flag).then(|| value.to_string())
                }))
                .collect()
        };
        match program {
            "mkdir" | "touch" => out.extend(plain.iter().map(|w| w.to_string())),
            "git" | "hg" | "svn" | "bzr" => {
                let verb = plain.first().copied().unwrap_or_default();
                if ["clone", "checkout", "co", "export"].contains(&verb) && plain.len() >= 3 {
                    out.push(plain[plain.len() - 1].to_string());
                }
            }
            "cp" | "mv" | "ln" | "rsync" | "install" | "scp" if plain.len() >= 2 => {
                out.push(plain[plain.len() - 1].to_string());
            }
            // Modules installed into a directory: `puppet module install --target-dir`,
            // `r10k puppetfile install --moduledir`, `librarian-puppet install --path`.
            "puppet" if plain.first() == Some(&"module") => out.extend(after(&["--target-dir", "-i"])),
            "r10k" => out.extend(after(&["--moduledir"])),
            "librarian-puppet" => out.extend(after(&["--path"])),
            "tar" => out.extend(after(&["-C", "--directory"])),
            "unzip" => out.extend(after(&["-d"])),
            "curl" => out.extend(after(&["-o", "--output"])),
            "wget" => out.extend(after(&["-O", "--output-document", "-P", "--directory-prefix"])),
            "tee" => out.extend(plain.iter().map(|w| w.to_string())),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{destinations, under_any};

    #[test]
    fn what_commands_write() {
        assert_eq!(
            destinations("git clone https://example.com/app.git /vagrant/app"),
            ["/vagrant/app"]
        );
        assert_eq!(
            destinations("mkdir -p /vagrant/logs /srv/x && cd /srv/x"),
            ["/vagrant/logs", "/srv/x"]
        );
        assert_eq!(destinations("echo hi > /vagrant/out.txt"), ["/vagrant/out.txt"]);
        assert_eq!(destinations("sudo cp -r /tmp/a /vagrant/b"), ["/vagrant/b"]);
        assert_eq!(destinations("tar -xzf x.tgz -C /opt/app"), ["/opt/app"]);
        assert_eq!(
            destinations("curl -fsSL -o /vagrant/get.sh https://example.com"),
            ["/vagrant/get.sh"]
        );
        assert_eq!(
            destinations("sudo puppet module install -f puppetlabs-ntp --target-dir /vagrant/modules"),
            ["/vagrant/modules"]
        );
        assert!(destinations("cat /vagrant/files/a.conf").is_empty());
        assert!(destinations("git clone https://example.com/app.git").is_empty());
    }

    #[test]
    fn under_a_created_path() {
        let created = ["/vagrant/app".to_string()];
        assert!(under_any("/vagrant/app/bin/setup", &created));
        assert!(under_any("/vagrant/app", &created));
        assert!(!under_any("/vagrant/apps", &created));
    }
}
