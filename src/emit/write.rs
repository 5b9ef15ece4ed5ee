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
        let tmp = dir.join(format!(
            ".{}.puppetlift-tmp",
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        std::fs::write(&tmp, content).map_err(|e| fail(format!("cannot write {}: {e}", tmp.display())))?;
        #[cfg(unix)]
        if rel.ends_with(".sh") {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755));
        }
        std::fs::rename(&tmp, &p).map_err(|e| fail(format!("cannot move {} into place: {e}", p.display())))?;
        written.push(p);
    }
    let mut list: Vec<String> = ours;
    for rel in artifacts.keys() {
        if !list.contains(rel) {
            list.push(rel.clone());
        }
    }
    list.sort();
    let tmp = out.join(format!("{RECORD}.tmp"));
    std::fs::write(&tmp, list.join("\n") + "\n").map_err(|e| fail(format!("cannot write {RECORD}: {e}")))?;
    std::fs::rename(&tmp, &record).map_err(|e| fail(format!("cannot write {RECORD}: {e}")))?;
    Ok(written)
}
