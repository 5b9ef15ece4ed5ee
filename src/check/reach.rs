//! Which of the project's Puppet code some machine applies: each machine's
//! puppet provisioner (its manifest file or environment, `module_path`) and
//! the `puppet apply` lines of its shell scripts are the roots; the classes
//! and defined types their manifests declare are followed to files on the
//! modulepath the way Puppet's autoloader finds them (`a::b::c` in
//! `a/manifests/b/c.pp`). Where that cannot be decided (a class named by a
//! variable, hiera's `classes`, a `puppet apply` whose paths are variables,
//! a puppetmaster serving the code) the code stays in scope: the checks may
//! say too much, never too little. A module's `spec/`, `tests/` and
//! `examples/` are never applied.

use super::scan;
use crate::project::Project;
use crate::puppet::ast::{Expr, ExprKind};
use crate::puppet::lexer::TokenKind;
use crate::puppet::Manifest;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// One way a machine runs Puppet on the project's code.
#[derive(Debug, Clone)]
pub struct Run {
    /// The Vagrant machine.
    pub machine: String,
    /// Its `config.vm.hostname`.
    pub hostname: Option<String>,
    /// The `--certname` the run names, if it names one.
    pub certname: Option<String>,
    /// The main manifest files (keys, see [`key`]).
    pub main: Vec<String>,
    /// The modulepath directories inside the project (keys).
    pub modulepath: Vec<String>,
    /// Whether a `puppet apply` line of a shell script is the run (not the provisioner).
    pub from_script: bool,
    /// Classes are named where they cannot be followed: all of its modulepath applies.
    pub dynamic: bool,
    /// The manifests (keys) it applies, once followed.
    pub files: BTreeSet<String>,
}

/// The reachability index: built once per project, read by the checks whose
/// findings are in Puppet code.
#[derive(Debug, Default)]
pub struct Reach {
    /// The puppet runs found.
    pub runs: Vec<Run>,
    /// Why everything is in scope, when reachability could not be decided.
    pub undecided: Option<String>,
    /// The manifests applied (keys), when decided.
    applied: BTreeSet<String>,
    /// The manifests Puppet loads (main manifests, imports and the
    /// autoloader's files): the classes defined elsewhere are not found.
    loaded: BTreeSet<String>,
    /// Module directories (keys) whose code is used.
    modules_used: BTreeSet<String>,
    /// Module directories (keys) on some run's modulepath.
    module_dirs: BTreeSet<String>,
    /// Directories (keys) holding a module's `manifests/`: their `spec`, `tests`
    /// and `examples` are never applied.
    module_roots: BTreeSet<String>,
    /// Every class and defined type the delivered manifests define, with its file.
    pub defined: BTreeMap<String, String>,
    /// The names of modules found anywhere in the project (a `NAME/manifests/` directory).
    pub modules_present: BTreeSet<String>,
    /// Modules with a manifest Puppet cannot parse: what they define is unknown.
    modules_unparsed: BTreeSet<String>,
}

/// A path as the index compares them: `.` and `..` resolved lexically.
pub fn key(p: &Path) -> String {
    let mut out: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.last().is_some_and(|l| l != "..") => {
                out.pop();
            }
            c => out.push(c.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let joined = out.join("/");
    joined.replacen("//", "/", 1)
}

/// A class or define reference from a manifest: its name and where it is written.
pub struct ClassRef<'a> {
    /// The name, lower case, without a leading `::`.
    pub name: String,
    /// The expression naming it.
    pub expr: &'a Expr,
    /// `include`, `require`, `contain`, `class`, `inherits`, `Class[]` or `resource`.
    pub how: &'static str,
}

/// What a manifest declares: the classes (and defined types) it names as
/// literals, and whether it names some by a value that cannot be followed.
pub struct Declared<'a> {
    /// Literal class references.
    pub classes: Vec<ClassRef<'a>>,
    /// Resource types, which may be defined types (`apache::vhost`), with the
    /// expression that names them (`how` is `resource`).
    pub types: Vec<ClassRef<'a>>,
    /// `import` patterns.
    pub imports: Vec<String>,
    /// A class named by a variable, hiera's `classes`, ...
    pub dynamic: bool,
}

/// The class references and defined-type uses of manifest `m`.
pub fn declared(m: &Manifest) -> Declared<'_> {
    let mut d = Declared {
        classes: vec![],
        types: vec![],
        imports: vec![],
        dynamic: false,
    };
    scan::walk(m, &mut |e| match &e.kind {
        ExprKind::CallNamed { functor, args, .. } => {
            let ExprKind::QualifiedName(f) = &functor.kind else {
                return;
            };
            let how = match f.as_str() {
                "include" => "include",
                "require" => "require",
                "contain" => "contain",
                "hiera_include" => {
                    d.dynamic = true;
                    return;
                }
                "import" => {
                    d.imports.extend(args.iter().filter_map(scan::literal));
                    return;
                }
                _ => return,
            };
            for a in args {
                class_names(a, how, &mut d);
            }
        }
        ExprKind::Resource { type_name, bodies, .. } => match &type_name.kind {
            ExprKind::QualifiedName(t) if t == "class" => {
                for b in bodies {
                    class_names(&b.title, "class", &mut d);
                }
            }
            ExprKind::QualifiedName(t) | ExprKind::QualifiedReference(t) => d.types.push(ClassRef {
                name: t.trim_start_matches("::").to_ascii_lowercase(),
                expr: type_name,
                how: "resource",
            }),
            _ => d.dynamic = true,
        },
        ExprKind::Class { parent: Some(p), .. } => {
            d.classes.push(ClassRef {
                name: p.trim_start_matches("::").to_ascii_lowercase(),
                expr: e,
                how: "inherits",
            });
        }
        ExprKind::Access { left, keys } => {
            if matches!(&left.kind, ExprKind::QualifiedReference(r) if r == "Class") {
                for k in keys {
                    class_names(k, "Class[]", &mut d);
                }
            }
        }
        _ => {}
    });
    d
}

fn class_names<'a>(e: &'a Expr, how: &'static str, d: &mut Declared<'a>) {
    match &e.kind {
        ExprKind::List(items) => items.iter().for_each(|i| class_names(i, how, d)),
        ExprKind::Str(s) | ExprKind::QualifiedName(s) | ExprKind::QualifiedReference(s) => d.classes.push(ClassRef {
            name: s.trim_start_matches("::").to_ascii_lowercase(),
            expr: e,
            how,
        }),
        _ => d.dynamic = true,
    }
}

/// The classes and defined types manifest `m` defines.
fn definitions(m: &Manifest) -> Vec<String> {
    let mut out = Vec::new();
    scan::walk(m, &mut |e| match &e.kind {
        ExprKind::Class { def, .. } | ExprKind::Define(def) => {
            out.push(def.name.trim_start_matches("::").to_ascii_lowercase());
        }
        _ => {}
    });
    out
}

impl Reach {
    /// The index of a project: `manifests` are the delivered manifests, `files`
    /// every delivered file, `scripts` the texts of the shell scripts that may
    /// run Puppet. Without a plan (a plain directory) everything is in scope.
    pub fn build(
        project: &Project,
        planned: bool,
        manifests: &[Manifest],
        files: &[PathBuf],
        scripts: &[&str],
    ) -> Reach {
        let by_key: BTreeMap<String, &Manifest> =
            manifests.iter().map(|m| (key(Path::new(&m.source.path)), m)).collect();
        let file_keys: BTreeSet<String> = files.iter().map(|f| key(f.as_path())).collect();
        let mut r = Reach::default();
        for k in file_keys.iter().chain(by_key.keys()) {
            if let Some(i) = k
                .find("/manifests/")
                .or_else(|| k.starts_with("manifests/").then_some(0))
            {
                let root = if i == 0 { String::new() } else { k[..i].to_string() };
                if let Some(name) = root.rsplit('/').next().filter(|n| !n.is_empty()) {
                    r.modules_present.insert(name.to_string());
                }
                r.module_roots.insert(root);
            }
        }
        for (k, m) in &by_key {
            if m.body.is_err() {
                if let Some((root, _)) = k.split_once("/manifests/") {
                    r.modules_unparsed.extend(root.rsplit('/').next().map(str::to_string));
                }
            }
            for name in definitions(m) {
                r.defined.entry(name).or_insert_with(|| k.clone());
            }
        }
        if !planned {
            r.undecided = Some("the directory has no Vagrantfile".into());
            return r;
        }
        let dir = project.dir.as_path();
        for m in project.machines() {
            for p in m.provisioners.iter().filter(|p| p.run.as_deref() != Some("never")) {
                match p.kind.as_str() {
                    "puppet" => r.runs.push(provisioner_run(&project.root, dir, m, &p.options, &by_key)),
                    "puppet_server" => {
                        r.undecided = Some(format!("machine `{}` gets its catalog from a puppetmaster", m.name));
                    }
                    _ => {}
                }
            }
            for s in scripts {
                match script_runs(dir, m, s, &by_key) {
                    Ok(runs) => r.runs.extend(runs),
                    Err(why) => r.undecided = Some(why),
                }
            }
        }
        if r.runs.is_empty() && r.undecided.is_none() {
            r.undecided = Some("no machine runs Puppet in a way puppetlift can follow".into());
        }
        for run in &r.runs {
            r.module_dirs.extend(module_dirs(&run.modulepath, &file_keys));
        }
        if r.undecided.is_some() {
            return r;
        }
        let mut runs = std::mem::take(&mut r.runs);
        for run in &mut runs {
            r.follow(run, &by_key, &file_keys);
        }
        r.runs = runs;
        r
    }

    /// Follow the classes from a run's main manifests.
    fn follow(&mut self, run: &mut Run, by_key: &BTreeMap<String, &Manifest>, file_keys: &BTreeSet<String>) {
        let mut todo: Vec<String> = run.main.clone();
        self.loaded.extend(run.main.iter().cloned());
        let mut seen: BTreeSet<String> = BTreeSet::new();
        while let Some(k) = todo.pop() {
            if !seen.insert(k.clone()) {
                continue;
            }
            let Some(m) = by_key.get(&k) else {
                continue;
            };
            let dir = Path::new(&k).parent().unwrap_or(Path::new(""));
            let mut names: Vec<String> = Vec::new();
            let mut imports: Vec<String> = Vec::new();
            if m.body.is_ok() {
                let d = declared(m);
                run.dynamic |= d.dynamic;
                names.extend(d.classes.into_iter().map(|c| c.name));
                names.extend(d.types.into_iter().map(|t| t.name));
                imports = d.imports;
            } else {
                // A file Puppet refuses: every name in it that a module file answers to.
                for t in &m.tokens().tokens {
                    let text = &m.source.text[t.span.range()];
                    match t.kind {
                        TokenKind::Name | TokenKind::Word => names.push(text.to_string()),
                        TokenKind::SqString | TokenKind::DqString => {
                            let s = text.trim_matches(|c| c == '\'' || c == '"');
                            names.push(s.to_ascii_lowercase());
                            if s.ends_with(".pp") || s.contains('*') {
                                imports.push(s.to_string());
                            }
                        }
                        _ => {}
                    }
                }
            }
            for imp in imports {
                let files = glob(dir, &imp, by_key);
                self.loaded.extend(files.iter().cloned());
                todo.extend(files);
            }
            for n in names {
                let files = self.autoload(&n, &run.modulepath, by_key);
                self.loaded.extend(files.iter().cloned());
                todo.extend(files);
                // Defined where the autoloader does not look: Puppet fails
                // (`unresolved-class` says so), but its code stays in scope.
                todo.extend(self.defined.get(n.trim_start_matches("::")).cloned());
            }
        }
        if run.dynamic {
            let mut dirs: Vec<String> = run.modulepath.clone();
            dirs.extend(run.main.iter().filter_map(|m| Path::new(m).parent().map(key)));
            seen.extend(by_key.keys().filter(|k| dirs.iter().any(|d| under(k, d))).cloned());
        }
        for k in &seen {
            if let Some(md) = self.module_dirs.iter().find(|d| under(k, d)) {
                self.modules_used.insert(md.clone());
            }
        }
        // Modules whose templates or files a reached manifest names.
        for k in &seen {
            let Some(m) = by_key.get(k) else { continue };
            for (_, s) in scan::strings(m) {
                let s = s.trim_matches(|c| c == '\'' || c == '"');
                for md in module_dirs(&run.modulepath, file_keys) {
                    let name = md.rsplit('/').next().unwrap_or_default();
                    if s.starts_with(&format!("{name}/")) || s.contains(&format!("modules/{name}/")) {
                        self.modules_used.insert(md);
                    }
                }
            }
        }
        run.files = seen.clone();
        self.applied.extend(seen);
    }

    /// The manifests (keys) Puppet's autoloader reads for class or type `name`,
    /// or, when none is on the modulepath, the file that defines it.
    fn autoload(&self, name: &str, modulepath: &[String], by_key: &BTreeMap<String, &Manifest>) -> Vec<String> {
        let name = name.trim_start_matches("::");
        // Puppet 3 accepted hyphens (`app::wp-install`): follow them too.
        if !is_class_name(&name.replace('-', "_")) {
            return vec![];
        }
        let mut out = Vec::new();
        for d in modulepath {
            let cands = autoload_files(name).into_iter().map(|c| format!("{}{c}", prefix(d)));
            out.extend(cands.filter(|c| by_key.contains_key(c)));
        }
        out
    }

    /// Whether a file (its path as the manifests and sources name it) is code
    /// some machine applies, or data and files such code uses.
    pub fn applies(&self, path: &str) -> bool {
        let k = key(Path::new(path));
        if self.applied.contains(&k) {
            return true;
        }
        if self.in_module_tests(&k) {
            return false;
        }
        if self.undecided.is_some() {
            return true;
        }
        if k.ends_with(".pp") {
            return self.applied.contains(&k);
        }
        // A module's Ruby code (functions, facts, types) serves every module.
        match self.module_dirs.iter().find(|d| under(&k, d)) {
            Some(md) => self.modules_used.contains(md) || k[md.len()..].starts_with("/lib/"),
            None => true,
        }
    }

    /// Whether Puppet surely loads this manifest: a main manifest, an import or
    /// the autoloader's file for a class named as a literal. When the index is
    /// undecided, every manifest but those a module serves as a file (a
    /// puppetmaster's `site.pp` under `files/`, applied elsewhere).
    pub fn loads(&self, path: &str) -> bool {
        let k = key(Path::new(path));
        let served = self.module_roots.iter().chain(self.module_dirs.iter()).any(|root| {
            k.strip_prefix(&prefix(root))
                .is_some_and(|rest| rest.starts_with("files/") || rest.starts_with("templates/"))
        });
        self.loaded.contains(&k) || (self.undecided.is_some() && !served)
    }

    /// Whether Puppet reaches this manifest through the autoloader (a file in
    /// the `manifests/` of a module on some run's modulepath), not as a main manifest.
    pub fn autoloaded(&self, path: &str) -> bool {
        let k = key(Path::new(path));
        let main = self.runs.iter().any(|r| r.main.iter().any(|m| *m == k || under(&k, m)));
        !main
            && self.module_dirs.iter().any(|d| {
                k.strip_prefix(&prefix(d))
                    .is_some_and(|rest| rest.starts_with("manifests/"))
            })
    }

    /// Under a module's `spec/`, `tests/` or `examples/`.
    fn in_module_tests(&self, k: &str) -> bool {
        let top = |root: &String| {
            let rest = k.strip_prefix(&prefix(root))?;
            rest.contains('/').then(|| rest.split('/').next().unwrap_or_default())
        };
        let tests = |t: &str| ["spec", "tests", "examples"].contains(&t);
        self.module_roots
            .iter()
            .chain(self.module_dirs.iter())
            .filter_map(top)
            .any(tests)
    }

    /// Where Puppet finds a class or defined type of this name.
    pub fn find_class(&self, name: &str) -> Found {
        let name = name.trim_start_matches("::");
        let module = name.split("::").next().unwrap_or_default();
        if BUILTIN_CLASSES.contains(&name) {
            return Found::Builtin;
        }
        match self.defined.get(name) {
            Some(f)
                if self.undecided.is_some()
                    || self.loaded.contains(f)
                    || autoload_files(name).iter().any(|c| under_name(f, c)) =>
            {
                Found::Defined
            }
            Some(f) => Found::NotLoaded(f.clone()),
            None if self.modules_unparsed.contains(module) => Found::Defined,
            None if self.undecided.is_some() && self.modules_present.contains(module) => Found::Defined,
            None if self.modules_present.contains(module) => Found::NotInModule,
            None => Found::NoModule,
        }
    }
}

/// Where a class is found, as [`Reach::find_class`] answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Puppet's own (`settings`).
    Builtin,
    /// Defined in a manifest Puppet loads.
    Defined,
    /// Defined in this file, which Puppet's autoloader never reads.
    NotLoaded(String),
    /// Its module is in the project but does not define it.
    NotInModule,
    /// No module of that name is in the project.
    NoModule,
}

/// The files (relative to a modulepath directory) where Puppet's autoloader
/// looks for class `name`: `a/manifests/init.pp`, `a/manifests/b.pp`, ...
pub fn autoload_files(name: &str) -> Vec<String> {
    let segs: Vec<&str> = name.split("::").collect();
    let base = format!("{}/manifests", segs[0]);
    let mut out = vec![format!("{base}/init.pp")];
    for i in 1..segs.len() {
        out.push(format!("{base}/{}.pp", segs[1..=i].join("/")));
    }
    out
}

/// Whether key `k` is `rel` or ends with `/rel`.
fn under_name(k: &str, rel: &str) -> bool {
    k == rel || k.ends_with(&format!("/{rel}"))
}

/// Classes Puppet itself defines.
const BUILTIN_CLASSES: [&str; 2] = ["settings", "main"];

/// `d/` (empty for the current directory).
fn prefix(d: &str) -> String {
    if d.is_empty() {
        String::new()
    } else {
        format!("{d}/")
    }
}

/// Whether key `k` is inside directory key `d`.
fn under(k: &str, d: &str) -> bool {
    d.is_empty() || k.strip_prefix(d).is_some_and(|r| r.starts_with('/'))
}

/// A class name as Puppet writes them: lower-case segments joined by `::`.
pub fn is_class_name(n: &str) -> bool {
    !n.is_empty()
        && n.split("::").all(|s| {
            s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// The module directories (keys) of a modulepath.
fn module_dirs(modulepath: &[String], file_keys: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for d in modulepath {
        let p = prefix(d);
        for k in file_keys.iter().filter(|k| k.starts_with(&p)) {
            if let Some(name) = k[p.len()..]
                .split('/')
                .next()
                .filter(|n| k[p.len() + n.len()..].starts_with('/'))
            {
                out.insert(format!("{p}{name}"));
            }
        }
    }
    out
}

/// The manifests an `import` pattern names, relative to the importing file.
fn glob(dir: &Path, pattern: &str, by_key: &BTreeMap<String, &Manifest>) -> Vec<String> {
    let pat = if pattern.ends_with(".pp") || pattern.ends_with('*') {
        pattern.to_string()
    } else {
        format!("{pattern}.pp")
    };
    let full = key(&dir.join(pat));
    by_key.keys().filter(|k| wildcard(&full, k)).cloned().collect()
}

/// `*` matching within one path segment.
fn wildcard(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            let Some(rest) = text.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len())
                .filter(|&i| rest.is_char_boundary(i) && !rest[..i].contains('/'))
                .any(|i| wildcard(tail, &rest[i..]))
        }
    }
}

/// The manifests a main manifest path names: the file, or a directory's `.pp` files.
fn main_manifests(path: &str, by_key: &BTreeMap<String, &Manifest>) -> Vec<String> {
    if by_key.contains_key(path) {
        return vec![path.to_string()];
    }
    by_key.keys().filter(|k| under(k, path)).cloned().collect()
}

fn jstr(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) => Some(s.clone()),
        Json::Array(a) if a.len() == 2 => a[1].as_str().map(str::to_string),
        _ => None,
    }
}

fn jlist(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        Some(Json::String(s)) => vec![s.clone()],
        _ => vec![],
    }
}

/// The run of a Vagrant puppet provisioner (its defaults as Vagrant has them).
fn provisioner_run(
    root: &crate::files::Root,
    dir: &Path,
    m: &crate::vagrant::Machine,
    o: &serde_json::Map<String, Json>,
    by_key: &BTreeMap<String, &Manifest>,
) -> Run {
    let at = |p: &str| key(&dir.join(p));
    let guest_only =
        |v: Option<&Json>| matches!(v, Some(Json::Array(a)) if a.first().and_then(Json::as_str) == Some("vm"));
    let mut run = Run {
        machine: m.name.clone(),
        hostname: m.hostname.clone(),
        certname: certname_option(&jlist(o.get("options")).join(" ")),
        main: vec![],
        modulepath: jlist(o.get("module_path")).iter().map(|p| at(p)).collect(),
        from_script: false,
        dynamic: false,
        files: BTreeSet::new(),
    };
    if let Some(env_path) = jstr(o.get("environment_path")) {
        let env = jstr(o.get("environment"))
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| "production".into());
        let env_dir = format!("{}/{env}", at(&env_path));
        let conf = root
            .read_text(&dir.join(&env_path).join(&env).join("environment.conf"))
            .unwrap_or_default();
        let setting = |name: &str| {
            conf.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == name).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        let manifest = setting("manifest").unwrap_or_else(|| "manifests".into());
        run.main = main_manifests(&key(&Path::new(&env_dir).join(manifest)), by_key);
        match setting("modulepath") {
            Some(mp) => run.modulepath.extend(
                mp.split(':')
                    .filter(|e| !e.starts_with('$') && !e.starts_with('/'))
                    .map(|e| key(&Path::new(&env_dir).join(e))),
            ),
            None => run.modulepath.push(format!("{env_dir}/modules")),
        }
        // Vagrant also passes a manifest file named beside an environment.
        if let (Some(mpath), Some(file)) = (jstr(o.get("manifests_path")), jstr(o.get("manifest_file"))) {
            run.main
                .extend(main_manifests(&key(&Path::new(&at(&mpath)).join(file)), by_key));
        }
        if guest_only(o.get("environment_path")) || run.main.is_empty() {
            run.dynamic = true;
        }
    } else {
        let mpath = jstr(o.get("manifests_path")).unwrap_or_else(|| "manifests".into());
        let file = jstr(o.get("manifest_file")).unwrap_or_else(|| "default.pp".into());
        run.main = main_manifests(&key(&Path::new(&at(&mpath)).join(file)), by_key);
        if guest_only(o.get("manifests_path")) || run.main.is_empty() {
            run.dynamic = true;
        }
    }
    run
}

/// `--certname NAME` or `--certname=NAME` in a command line.
fn certname_option(options: &str) -> Option<String> {
    let words: Vec<&str> = options.split_whitespace().collect();
    words.iter().enumerate().find_map(|(i, w)| {
        let v = match w.strip_prefix("--certname") {
            Some(rest) if rest.starts_with('=') => rest[1..].to_string(),
            Some("") => words.get(i + 1)?.to_string(),
            _ => return None,
        };
        Some(v.trim_matches(|c| c == '\'' || c == '"').to_string())
    })
}

/// Options of `puppet apply` that take a value.
const VALUED: [&str; 16] = [
    "--modulepath",
    "--hiera_config",
    "--environment",
    "--environmentpath",
    "--manifestdir",
    "--confdir",
    "--vardir",
    "--logdest",
    "-l",
    "--certname",
    "--node_name_value",
    "--catalog",
    "--tags",
    "--codedir",
    "--basemodulepath",
    "--loadclasses",
];

/// The `puppet apply` runs in a shell script's text, or why they cannot be followed.
fn script_runs(
    dir: &Path,
    m: &crate::vagrant::Machine,
    text: &str,
    by_key: &BTreeMap<String, &Manifest>,
) -> Result<Vec<Run>, String> {
    let joined = text.replace("\\\n", " ");
    let mut out = Vec::new();
    for (_, line) in scan::code_lines(&joined) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(i) = words
            .windows(2)
            .position(|w| w[0].trim_start_matches(['"', '\'', '`', '(']).ends_with("puppet") && w[1] == "apply")
        else {
            if words.windows(2).any(|w| w[0].ends_with("puppet") && w[1] == "agent") {
                return Err(format!("a shell script of machine `{}` runs `puppet agent`", m.name));
            }
            continue;
        };
        let mut run = Run {
            machine: m.name.clone(),
            hostname: m.hostname.clone(),
            certname: certname_option(line),
            main: vec![],
            modulepath: vec![],
            from_script: true,
            dynamic: false,
            files: BTreeSet::new(),
        };
        let mut args = words[i + 2..].iter();
        while let Some(w) = args.next() {
            if [";", "&&", "||", "|", ">", ">>", "2>&1", "then", "fi"].contains(w)
                || w.starts_with('>')
                || w.starts_with("2>")
            {
                break;
            }
            let (opt, inline) = match w.split_once('=') {
                Some((o, v)) if o.starts_with('-') => (o, Some(v.to_string())),
                _ => (*w, None),
            };
            if opt == "-e" || opt == "--execute" {
                return Err(format!("a shell script of machine `{}` runs `puppet apply -e`", m.name));
            }
            if opt.starts_with('-') {
                let value = if VALUED.contains(&opt) {
                    inline.or_else(|| args.next().map(|s| s.to_string()))
                } else {
                    None
                };
                if opt == "--modulepath" {
                    for entry in value.unwrap_or_default().trim_matches(['"', '\'']).split(':') {
                        if let Some(p) = guest_to_project(dir, m, entry) {
                            run.modulepath.push(p);
                        }
                    }
                } else if opt == "--environment" || opt == "--environmentpath" {
                    run.dynamic = true;
                }
                continue;
            }
            let path = w.trim_matches(['"', '\'', ';']);
            let Some(p) = guest_to_project(dir, m, path) else {
                return Err(format!(
                    "a shell script of machine `{}` applies `{path}`, which puppetlift cannot place in the project",
                    m.name
                ));
            };
            run.main = main_manifests(&p, by_key);
            if run.main.is_empty() {
                return Err(format!(
                    "a shell script of machine `{}` applies `{path}`, which is not among the delivered manifests",
                    m.name
                ));
            }
        }
        if run.main.is_empty() {
            return Err(format!(
                "a shell script of machine `{}` runs `puppet apply` without a manifest",
                m.name
            ));
        }
        out.push(run);
    }
    Ok(out)
}

/// A path on the machine as a path in the project: under `/vagrant` or a synced
/// folder's guest path. `None` for anything else (and for variables).
fn guest_to_project(dir: &Path, m: &crate::vagrant::Machine, path: &str) -> Option<String> {
    if path.contains(['$', '`', '*']) || path.is_empty() {
        return None;
    }
    let mut folders: Vec<(String, String)> = m
        .synced_folders
        .iter()
        .filter(|f| !f.disabled)
        .filter_map(|f| Some((f.host.as_str()?.to_string(), f.guest.clone()?)))
        .collect();
    if !folders.iter().any(|(_, g)| g == "/vagrant") {
        folders.push((".".into(), "/vagrant".into()));
    }
    for (host, guest) in &folders {
        if let Some(rest) = path.strip_prefix(guest.as_str()) {
            if rest.is_empty() || rest.starts_with('/') {
                return Some(key(&dir.join(host).join(rest.trim_start_matches('/'))));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_globs() {
        assert_eq!(key(Path::new("a/./b/../c.pp")), "a/c.pp");
        assert_eq!(key(Path::new("./manifests")), "manifests");
        assert!(wildcard("m/nodes/*.pp", "m/nodes/web.pp"));
        assert!(!wildcard("m/nodes/*.pp", "m/nodes/x/web.pp"));
        assert!(is_class_name("apache::mod::ssl") && !is_class_name("Apache") && !is_class_name("a-b"));
        assert_eq!(
            certname_option("--verbose --certname=web.example.com"),
            Some("web.example.com".into())
        );
        assert_eq!(certname_option("--certname 'db'"), Some("db".into()));
    }
}
