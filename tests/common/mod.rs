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

/// A small deterministic generator (xorshift): every run makes the same edits.
pub struct Rng(pub u64);

impl Rng {
    /// A number below `n` (0 for `n` = 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}
