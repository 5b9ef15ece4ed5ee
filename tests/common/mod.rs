//! What the validator tests share: the repository root, and findings written
//! out for snapshots.
// Each test crate includes this module and uses only part of it.
#![allow(dead_code)]

use puppetlift::{Diagnostic, SourceFile};
use std::path::Path;

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Findings one per paragraph: `file:line:col: severity[code]: message`, then labels and help.
pub fn rendered(path: &str, text: &str, findings: &[Diagnostic]) -> String {
    let source = SourceFile::new(path, text);
    findings
        .iter()
        .map(|d| {
            let mut out = d.one_line(Some(&source));
            for label in &d.labels {
                let (line, col) = source.line_col(label.span.start as usize);
                out.push_str(&format!("\n  {line}:{col}: {}", label.message));
            }
            if let Some(h) = &d.help {
                out.push_str(&format!("\n  help: {h}"));
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}
