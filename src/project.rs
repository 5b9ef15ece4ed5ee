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
