//! Writing artifacts: only under `--out` (every path is checked, links in
//! `OUT` included, before anything is written), atomically (temporary file,
//! then rename), and never over a file puppetlift did not write unless
//! forced. `OUT/.puppetlift-written` lists what the last build wrote.

use super::Artifacts;
use crate::diagnostic::Diagnostic;
use std::path::{Component, Path, PathBuf};

const RECORD: &str = ".puppetlift-written";

/// Write `artifacts` under `out`; the paths written.
pub fn write_out(out: &Path, artifacts: &Artifacts, force: bool) -> Result<Vec<PathBuf>, Box<Diagnostic>> {
    let shown = out.display().to_string();
    let fail = |what: String| Box::new(Diagnostic::error("write-failed", &shown, None, what));
    for rel in artifacts.keys().map(String::as_str).chain([RECORD]) {
        inside_out(out, rel)?;
    }
    let record = out.join(RECORD);
    let ours: Vec<String> = std::fs::read_to_string(&record)
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default();
    if !force {
        for rel in artifacts.keys() {
            let p = out.join(rel);
            if p.exists() && !ours.contains(rel) {
                return Err(Box::new(
                    Diagnostic::error(
                        "would-overwrite",
                        &p.display().to_string(),
                        None,
                        "this file exists and puppetlift did not write it",
                    )
                    .with_help("choose another --out, or pass --force to overwrite it"),
                ));
            }
        }
    }
    let mut written = Vec::new();
    for (rel, content) in artifacts {
        let p = out.join(rel);
        make_dirs(out, rel).map_err(|e| fail(format!("cannot create the folders of {}: {e}", p.display())))?;
        let mode = rel.ends_with(".sh").then_some(0o755);
        crate::files::write_atomically(&p, content, mode)
            .map_err(|e| fail(format!("cannot write {}: {e}", p.display())))?;
        written.push(p);
    }
    let mut list: Vec<String> = ours;
    for rel in artifacts.keys() {
        if !list.contains(rel) {
            list.push(rel.clone());
        }
    }
    list.sort();
    crate::files::write_atomically(&record, (list.join("\n") + "\n").as_bytes(), None)
        .map_err(|e| fail(format!("cannot write {RECORD}: {e}")))?;
    Ok(written)
}

/// `rel` must be a plain relative path (no root, no `..`), and no folder on
/// its way under `out` may be a link: a link planted in `OUT` could otherwise
/// carry a write anywhere.
fn inside_out(out: &Path, rel: &str) -> Result<(), Box<Diagnostic>> {
    let refuse = |why: String| {
        Box::new(
            Diagnostic::error("write-outside-out", &out.join(rel).display().to_string(), None, why)
                .with_help("puppetlift writes only under --out; remove the link, or choose another --out"),
        )
    };
    let path = Path::new(rel);
    if rel.is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(refuse(format!("`{rel}` is not a plain path under --out")));
    }
    let mut at = out.to_path_buf();
    let parts: Vec<Component> = path.components().collect();
    for c in &parts[..parts.len() - 1] {
        at.push(c);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            let to = std::fs::read_link(&at)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            return Err(refuse(format!("`{}` is a link (to `{to}`)", at.display())));
        }
    }
    Ok(())
}

/// The folders of `out/rel`, made one at a time (after [`inside_out`]).
fn make_dirs(out: &Path, rel: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    let mut at = out.to_path_buf();
    let parts: Vec<Component> = Path::new(rel).components().collect();
    for c in &parts[..parts.len().saturating_sub(1)] {
        at.push(c);
        if std::fs::symlink_metadata(&at).is_err() {
            std::fs::create_dir(&at)?;
        }
    }
    Ok(())
}
