//! Writing artifacts: atomically (temporary file, then rename), and never over a
//! file puppetlift did not write unless forced. `OUT/.puppetlift-written` lists
//! what the last build wrote.

use super::Artifacts;
use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

const RECORD: &str = ".puppetlift-written";

/// Write `artifacts` under `out`; the paths written.
pub fn write_out(out: &Path, artifacts: &Artifacts, force: bool) -> Result<Vec<PathBuf>, Box<Diagnostic>> {
    let shown = out.display().to_string();
    let fail = |what: String| Box::new(Diagnostic::error("write-failed", &shown, None, what));
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
        let dir = p.parent().map(Path::to_path_buf).unwrap_or_else(|| out.to_path_buf());
        std::fs::create_dir_all(&dir).map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
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
