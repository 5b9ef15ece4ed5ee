//! Finding and reading a project's files: the one place that touches the file
//! system for input.

use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

/// Manifests (`*.pp`) named by `paths`: files as given, directories walked
/// (sorted, symlinks not followed). Paths that cannot be read become diagnostics.
pub fn manifest_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
                match entry {
                    Ok(e) if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "pp") => {
                        files.push(e.into_path())
                    }
                    Ok(_) => {}
                    Err(err) => problems.push(unreadable(err.path().unwrap_or(p), &err.to_string())),
                }
            }
        } else if p.exists() {
            files.push(p.clone());
        } else {
            problems.push(unreadable(p, "no such file or directory"));
        }
    }
    (files, problems)
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
