//! The project's code as a deterministic tar.gz (sorted entries, zero times and
//! owners), so the same project always gives byte-identical artifacts.

use crate::diagnostic::Diagnostic;
use crate::files::Root;
use flate2::{Compression, GzBuilder};
use std::io::Write;
use std::path::Path;

/// Archive the files `rel_paths` (relative to the project), read through its
/// boundary; a link among them that points at nothing here stays a link.
pub fn archive(root: &Root, rel_paths: &[String]) -> Result<Vec<u8>, Box<Diagnostic>> {
    let fail = |p: &str, e: std::io::Error| {
        Box::new(Diagnostic::error(
            "unreadable-file",
            p,
            None,
            format!("cannot read it for the code archive: {e}"),
        ))
    };
    let mut tar = tar::Builder::new(Vec::new());
    for rel in rel_paths {
        let full = root.dir().join(rel);
        if crate::files::is_dangling_link(&full) {
            // A link to nothing here (written for the machine): copied as the
            // link it is, nothing read through it.
            root.check(full.parent().unwrap_or(&full))?;
            let to = std::fs::read_link(&full).map_err(|e| fail(rel, e))?;
            let mut h = header(tar::EntryType::Symlink, 0, 0o777);
            tar.append_link(&mut h, rel, &to).map_err(|e| fail(rel, e))?;
            continue;
        }
        let data = root.read_bytes(&full)?;
        let mode = if executable(&full) { 0o755 } else { 0o644 };
        let mut h = header(tar::EntryType::Regular, data.len() as u64, mode);
        tar.append_data(&mut h, rel, data.as_slice())
            .map_err(|e| fail(rel, e))?;
    }
    let raw = tar.into_inner().map_err(|e| fail("code.tar.gz", e))?;
    let mut gz = GzBuilder::new().mtime(0).write(Vec::new(), Compression::best());
    gz.write_all(&raw).map_err(|e| fail("code.tar.gz", e))?;
    gz.finish().map_err(|e| fail("code.tar.gz", e))
}

/// An entry's header with no time and no owner, so archives are byte-identical.
fn header(kind: tar::EntryType, size: u64, mode: u32) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_size(size);
    h.set_mode(mode);
    h.set_mtime(0);
    h.set_uid(0);
    h.set_gid(0);
    h.set_entry_type(kind);
    h
}

#[cfg(unix)]
fn executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(_: &Path) -> bool {
    false
}
