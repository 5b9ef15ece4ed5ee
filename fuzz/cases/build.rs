//! A project built as `puppetlift build --target all` and the handoff would
//! build it, written under a fresh `--out`; what was written must all be
//! under it, and no artifact may carry a file from outside the project.

use puppetlift::emit::{self, Target};
use puppetlift::project::{Options, Project};
use std::path::Path;

/// What a file outside every project holds (three-byte aligned, so its
/// base64 is the same wherever an encoder starts it).
pub const SECRET: &str = "OUTSIDE-THE-PROJECT-SECRET-KEY-MATERIAL";

pub fn build_and_check(dir: &Path, out: &Path) {
    let project = Project::load(dir, Options::default());
    let planned = puppetlift::plan::build(&project);
    let (mut artifacts, _) = emit::render_all(&planned.plan, &project.root, Target::All);
    let _ = emit::handoff::add(&planned.plan, project.machines(), &mut artifacts);
    let encoded = base64_of(SECRET.as_bytes());
    for (name, bytes) in &artifacts {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(SECRET), "{name} holds the outside file");
        assert!(!text.contains(&encoded), "{name} holds the outside file, base64'd");
    }
    let _ = std::fs::remove_dir_all(out);
    if let Ok(written) = emit::write::write_out(out, &artifacts, false) {
        let out = out.canonicalize().expect("out exists after a write");
        for p in written {
            let p = p.canonicalize().unwrap_or(p);
            assert!(p.starts_with(&out), "{} was written outside --out", p.display());
        }
    }
    let _ = std::fs::remove_dir_all(out);
}

fn base64_of(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    b.chunks(3)
        .flat_map(|c| {
            let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
            (0..4).map(move |i| A[(n >> (18 - 6 * i)) as usize & 63] as char)
        })
        .collect()
}
