//! ## What it does
//! Reads the project's `.gitmodules` and reports each git submodule whose
//! directory is missing or empty, when a provisioner reads that directory
//! (a module path, the manifests, a script, a file it copies) or one inside it.
//!
//! ## Why is this bad on EC2?
//! `git clone` without `--recurse-submodules` leaves submodules as empty
//! directories. With Vagrant the team had them checked out long ago; the
//! artifacts built from a fresh clone carry the empty directory, and Puppet
//! fails on the instance with "Could not find class ..." for every module the
//! submodules held.
//!
//! ## Example
//! ```ini
//! # .gitmodules
//! [submodule "puppet/modules/ntp"]
//!     path = puppet/modules/ntp
//!     url = https://git.example.com/ops/puppet-ntp.git
//! ```
//! with `puppet/modules/ntp` empty.
//!
//! Use instead:
//! ```sh
//! git submodule update --init --recursive
//! ```
//! before `puppetlift build`, or list the module in a Puppetfile.
//!
//! ## References
//! git documentation, `git-submodule(1)` and `gitmodules(5)`.

use super::context::Context;
use super::Check;
use crate::diagnostic::Diagnostic;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// The check.
pub const CHECK: Check = Check {
    name: "submodule-not-checked-out",
    source: include_str!("submodule_not_checked_out.rs"),
    stops_build: true,
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    if p.planned.is_none() {
        return vec![];
    }
    let Some((top, gitmodules)) = find_gitmodules(p) else {
        return vec![];
    };
    let Ok(text) = p.project.root.read_text(&gitmodules) else {
        return vec![];
    };
    let read = read_paths(p);
    // Named as the project's other files are, when it is the project's own.
    let file = match std::path::absolute(&p.project.dir).ok().filter(|d| *d == top) {
        Some(_) => p.project.dir.join(".gitmodules").display().to_string(),
        None => gitmodules.display().to_string(),
    };
    let mut out = Vec::new();
    for (line, path) in submodule_paths(&text) {
        let Some(rel) = relative_to_project(&top.join(&path), &p.project.dir) else {
            continue;
        };
        let state = match std::fs::read_dir(p.project.dir.join(&rel)).map(|mut e| e.next().is_none()) {
            Ok(false) => continue,
            Ok(true) => "empty",
            Err(_) => "missing",
        };
        let Some(reader) = read.iter().find(|r| overlaps(r, &rel)) else {
            continue;
        };
        out.push(
            Diagnostic::error(
                CHECK.name,
                &file,
                None,
                format!(
                    "the git submodule `{path}` (.gitmodules line {line}) is not checked out: `{rel}` is {state}, \
                     and the provisioners read `{reader}`"
                ),
            )
            .with_help(
                "run `git submodule update --init --recursive` before building, or list its module in a Puppetfile",
            ),
        );
    }
    out
}

/// The nearest `.gitmodules` at or above the project directory, within its
/// git work tree, and the directory it is in.
fn find_gitmodules(p: &Context) -> Option<(PathBuf, PathBuf)> {
    let dir = std::path::absolute(&p.project.dir).ok()?;
    for a in dir.ancestors() {
        let f = a.join(".gitmodules");
        if f.is_file() {
            return Some((a.to_path_buf(), f));
        }
        if a.join(".git").exists() {
            break;
        }
    }
    None
}

/// `path = ...` of each submodule, with its 1-based line.
fn submodule_paths(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "path").then(|| (i + 1, v.trim().trim_end_matches('/').to_string()))
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// `path` relative to the project directory, if it is inside it.
fn relative_to_project(path: &Path, dir: &Path) -> Option<String> {
    let dir = std::path::absolute(dir).ok()?;
    let rel = path.strip_prefix(&dir).ok()?;
    Some(rel.display().to_string())
}

/// The project paths the machines' provisioners read.
fn read_paths(p: &Context) -> Vec<String> {
    let mut out = Vec::new();
    for m in p.project.machines() {
        for prov in &m.provisioners {
            for key in [
                "module_path",
                "manifests_path",
                "hiera_config_path",
                "environment_path",
                "path",
                "source",
            ] {
                match prov.options.get(key) {
                    Some(Json::String(s)) => out.push(s.clone()),
                    Some(Json::Array(a)) if matches!(key, "manifests_path" | "environment_path") => out.extend(
                        (a.first().and_then(Json::as_str) != Some("vm"))
                            .then(|| a.get(1).and_then(Json::as_str).map(str::to_string))
                            .flatten(),
                    ),
                    Some(Json::Array(a)) => out.extend(a.iter().filter_map(Json::as_str).map(str::to_string)),
                    _ => {}
                }
            }
        }
    }
    out.iter()
        .map(|s| s.trim_start_matches("./").trim_end_matches('/').to_string())
        .filter(|s| !s.is_empty() && !s.starts_with('/'))
        .collect()
}

/// Whether a provisioner path and a submodule path are one inside the other.
fn overlaps(read: &str, submodule: &str) -> bool {
    let inside = |a: &str, b: &str| a == b || a.starts_with(&format!("{b}/"));
    inside(read, submodule) || inside(submodule, read)
}
