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

/// The YAML files (`.yaml`, `.yml`) under the directories of `paths`, as
/// Ruby's `Dir.glob("DIR/**/*.{yaml,yml}")` finds them: sorted, no hidden
/// file or directory below DIR (`.github/`, `.travis.yml`), no link followed
/// below DIR (DIR itself may be one). For puppet-lint 4.3+'s lint of Hiera
/// data; what cannot be read is left to the manifests' walk to report.
pub fn yaml_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for p in paths.iter().filter(|p| p.is_dir()) {
        let walk = walkdir::WalkDir::new(p).sort_by_file_name();
        let visible = |e: &walkdir::DirEntry| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.');
        files.extend(
            walk.into_iter()
                .filter_entry(visible)
                .flatten()
                .filter(|e| e.file_type().is_file() && crate::lint::yaml::is_yaml(e.path()))
                .map(walkdir::DirEntry::into_path),
        );
    }
    files
}

/// The largest file puppetlift reads unless `--max-file-bytes` (or
/// `PUPPETLIFT_MAX_FILE_BYTES`) says otherwise.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 << 20;

static MAX_FILE_BYTES: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// Set the size limit of every read (once, before the first read; the command
/// line does).
pub fn set_max_file_bytes(n: u64) {
    let _ = MAX_FILE_BYTES.set(n);
}

/// The size limit of every read.
pub fn max_file_bytes() -> u64 {
    *MAX_FILE_BYTES.get_or_init(|| {
        std::env::var("PUPPETLIFT_MAX_FILE_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_MAX_FILE_BYTES)
    })
}

/// Reads a regular file, at most [`max_file_bytes`] of it: devices, FIFOs and
/// sockets are refused before they are opened, so a link to `/dev/zero` or a
/// pipe never hangs a run.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| Box::new(unreadable(path, &e.to_string())))?;
    if !meta.is_file() {
        let what = file_kind(&meta);
        return Err(Box::new(
            unreadable(path, &format!("it is {what}, not a regular file"))
                .with_help("puppetlift reads only regular files; remove it or point at the file it stands for"),
        ));
    }
    let limit = max_file_bytes();
    let too_large = |n: u64| {
        Box::new(
            Diagnostic::error(
                "file-too-large",
                &path.display().to_string(),
                None,
                format!("it is {n} bytes, more than the {limit} bytes puppetlift reads"),
            )
            .with_help("raise the limit with --max-file-bytes N (or PUPPETLIFT_MAX_FILE_BYTES) if the file is meant to be this large"),
        )
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| Box::new(unreadable(path, &e.to_string())))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Box::new(unreadable(path, &e.to_string())))?;
    if bytes.len() as u64 > limit {
        // It grew while read, or its size was not what it said (/proc).
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What a file that is not a regular file is, for people.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Reads a file as UTF-8 text (through [`read_bytes`]), or says why it cannot.
pub fn read_text(path: &Path) -> Result<String, Box<Diagnostic>> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&bytes[line_start..at]).chars().count() + 1;
        Box::new(Diagnostic::error(
            "unreadable-file",
            &path.display().to_string(),
            None,
            format!("not UTF-8 text (invalid byte at line {line}, column {column}; offset {at})"),
        ))
    })
}

/// Where `path` really is: absolute, `.` and `..` taken lexically, links
/// followed as far as the path exists.
fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                lexical.pop();
            }
            std::path::Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut rest = Vec::new();
    let mut at = lexical.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(at) {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return lexical,
        }
    }
}

/// The boundary of a project: every path read for it must resolve (links
/// followed) to a place under its directory, or under a path the user allowed
/// with `--allow-outside`.
#[derive(Debug, Clone)]
pub struct Root {
    /// The directory as given.
    dir: PathBuf,
    /// Where it really is, and the places allowed outside it.
    inside: Vec<PathBuf>,
}

impl Root {
    /// The boundary of the project in `dir`, plus `allow_outside`.
    pub fn new(dir: &Path, allow_outside: &[PathBuf]) -> Root {
        let mut inside = vec![resolve(dir)];
        inside.extend(allow_outside.iter().map(|p| resolve(p)));
        Root {
            dir: dir.to_path_buf(),
            inside,
        }
    }

    /// The project directory, as given.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether `path` resolves (links followed) to a place inside; a path
    /// that does not exist yet, through its deepest ancestor that does.
    pub fn contains(&self, path: &Path) -> bool {
        let real = resolve(path);
        self.inside.iter().any(|i| real.starts_with(i))
    }

    /// `Ok` when `path` resolves inside; else an error that names the link
    /// that leads out and where it points.
    pub fn check(&self, path: &Path) -> Result<(), Box<Diagnostic>> {
        if self.contains(path) {
            return Ok(());
        }
        let target = resolve(path);
        // The first link on the way, from the project down.
        let link = path
            .ancestors()
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .find(|a| std::fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink()));
        let message = match link {
            Some(l) => {
                let to = std::fs::read_link(l)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                format!(
                    "`{}` is a link to `{to}`, which leads out of the project (to `{}`); it is not read",
                    l.display(),
                    target.display()
                )
            }
            None => format!("`{}` is outside the project; it is not read", path.display()),
        };
        Err(Box::new(
            Diagnostic::error("outside-project", &path.display().to_string(), None, message).with_help(format!(
                "copy what the project needs into it, or pass --allow-outside {} if reading it is intended",
                target.display()
            )),
        ))
    }

    /// [`read_bytes`], for a path that must resolve inside.
    pub fn read_bytes(&self, path: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
        self.check(path)?;
        read_bytes(path)
    }

    /// [`read_text`], for a path that must resolve inside.
    pub fn read_text(&self, path: &Path) -> Result<String, Box<Diagnostic>> {
        self.check(path)?;
        read_text(path)
    }

    /// The regular files under `p` (or `p` itself), sorted, skipping VCS and
    /// Vagrant state. Links are followed while they stay inside; a link that
    /// leads out, and anything that is not a regular file, is a diagnostic and
    /// is left out; a link to nothing here is left out quietly (see
    /// [`Root::walk`]).
    pub fn files_under(&self, p: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
        let walk = self.walk(p);
        (walk.files, walk.problems)
    }

    /// What is under `p` (or `p` itself), as [`Root::files_under`] finds it,
    /// plus the links that point at nothing here (`current -> /opt/app/current`,
    /// written for the machine the code runs on): reading them reads nothing,
    /// so they are listed to be copied as links, not followed.
    pub fn walk(&self, p: &Path) -> Walk {
        let mut out = Walk::default();
        if let Err(d) = self.check(p) {
            out.problems.push(*d);
            return out;
        }
        if p.is_file() {
            out.files.push(p.to_path_buf());
            return out;
        }
        let mut walk = walkdir::WalkDir::new(p)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        loop {
            let entry = match walk.next() {
                None => break,
                Some(Ok(e)) => e,
                Some(Err(err)) => {
                    let at = err.path().unwrap_or(p);
                    if is_dangling_link(at) && self.contains(at.parent().unwrap_or(at)) {
                        out.dangling_links.push(at.to_path_buf());
                    } else {
                        out.problems.push(unreadable(at, &err.to_string()));
                    }
                    continue;
                }
            };
            if matches!(entry.file_name().to_str(), Some(".git" | ".vagrant" | ".svn")) {
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                continue;
            }
            if entry.path_is_symlink() {
                if let Err(d) = self.check(entry.path()) {
                    out.problems.push(*d);
                    if entry.file_type().is_dir() {
                        walk.skip_current_dir();
                    }
                    continue;
                }
            }
            let t = entry.file_type();
            if t.is_file() {
                out.files.push(entry.into_path());
            } else if !t.is_dir() {
                let what = entry.metadata().map(|m| file_kind(&m)).unwrap_or("a special file");
                out.problems
                    .push(unreadable(entry.path(), &format!("it is {what}, not a regular file")));
            }
        }
        out.files.sort();
        out.dangling_links.sort();
        out
    }
}

/// What [`Root::walk`] found under a path.
#[derive(Debug, Default)]
pub struct Walk {
    /// The regular files, sorted.
    pub files: Vec<PathBuf>,
    /// The links that point at nothing on this machine, sorted.
    pub dangling_links: Vec<PathBuf>,
    /// What could not be read, or leads out of the project.
    pub problems: Vec<Diagnostic>,
}

/// Whether `path` is a link whose target does not exist (here).
pub fn is_dangling_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && std::fs::metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
}

fn unreadable(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(
        "unreadable-file",
        &path.display().to_string(),
        None,
        format!("cannot read {}: {why}", path.display()),
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

/// Whether the project file `file` is in a module's `spec/`, `tests/` or
/// `examples/` directory (a vendored module under the project, one with a
/// `manifests` directory or a `metadata.json`): test code and examples that
/// no machine applies.
pub fn in_module_tests(dir: &Path, file: &Path) -> bool {
    let Ok(rel) = file.strip_prefix(dir) else {
        return false;
    };
    let parts: Vec<&std::ffi::OsStr> = rel.components().map(|c| c.as_os_str()).collect();
    (1..parts.len().saturating_sub(1)).any(|i| {
        let is_test_dir = ["spec", "tests", "examples"].iter().any(|t| parts[i] == *t);
        is_test_dir && {
            let module: PathBuf = parts[..i].iter().collect();
            let root = dir.join(module);
            root.join("manifests").is_dir() || root.join("metadata.json").is_file()
        }
    })
}
