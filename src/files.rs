//! Finding, reading and writing a project's files: the one place that touches
//! the file system for input, and the one way puppetlift writes files.

use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

/// Manifests (`*.pp`) named by `paths`: files as given, directories walked
/// (sorted, symlinks not followed). Paths that cannot be read become diagnostics.
pub fn manifest_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            // The top level's entries are walked in parallel (each in order),
            // then put together in order: the same list as one sorted walk.
            let mut top: Vec<std::fs::DirEntry> = match std::fs::read_dir(p) {
                Ok(rd) => rd.filter_map(Result::ok).collect(),
                Err(err) => {
                    problems.push(unreadable(p, &err.to_string()));
                    continue;
                }
            };
            top.sort_by_key(|e| e.file_name());
            use rayon::prelude::*;
            let walked: Vec<(Vec<PathBuf>, Vec<Diagnostic>)> = top
                .par_iter()
                .map(|e| {
                    let (mut f, mut d) = (Vec::new(), Vec::new());
                    for entry in walkdir::WalkDir::new(e.path())
                        .follow_root_links(false)
                        .sort_by_file_name()
                    {
                        match entry {
                            Ok(e) if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "pp") => {
                                f.push(e.into_path())
                            }
                            Ok(_) => {}
                            Err(err) => d.push(unreadable(err.path().unwrap_or(p), &err.to_string())),
                        }
                    }
                    (f, d)
                })
                .collect();
            for (f, d) in walked {
                files.extend(f);
                problems.extend(d);
            }
        } else if p.exists() {
            files.push(p.clone());
        } else {
            problems.push(unreadable(p, "no such file or directory"));
        }
    }
    (files, problems)
}

/// Regular files under `p` (or `p` itself), sorted, skipping VCS and Vagrant state.
pub fn files_under(p: &Path) -> Vec<PathBuf> {
    if p.is_file() {
        return vec![p.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(p)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some(".git" | ".vagrant" | ".svn")))
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// Reads a file as UTF-8 text, or says why it cannot.
pub fn read_text(path: &Path) -> Result<String, Box<Diagnostic>> {
    let bytes = std::fs::read(path).map_err(|e| Box::new(unreadable(path, &e.to_string())))?;
    String::from_utf8(bytes).map_err(|e| {
        Box::new(Diagnostic::error(
            "unreadable-file",
            &path.display().to_string(),
            None,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
}

fn unreadable(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(
        "unreadable-file",
        &path.display().to_string(),
        None,
        format!("cannot read: {why}"),
    )
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a
/// rename, so a reader never sees half a file. The file gets `mode` when given,
/// else keeps the permissions of the file it replaces.
pub fn write_atomically(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.puppetlift-tmp-{}", std::process::id()));
    let result = (|| {
        std::fs::write(&tmp, bytes)?;
        match mode {
            #[cfg(unix)]
            Some(m) => {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(m))?;
            }
            #[cfg(not(unix))]
            Some(_) => {}
            None => {
                if let Ok(meta) = std::fs::metadata(path) {
                    std::fs::set_permissions(&tmp, meta.permissions())?;
                }
            }
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
