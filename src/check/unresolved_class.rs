//! ## What it does
//! Finds `include`, `require`, `contain`, `class { 'NAME': }`, `inherits`
//! and `Class['NAME']` naming a class that Puppet will not find, and
//! resources of a type nothing defines (`unzip { ... }`): no module of that
//! name is in the project, the modulepath or the `Puppetfile`, the module
//! does not define it, or it is defined in a file Puppet's autoloader never
//! reads (`a::b` belongs in `a/manifests/b.pp`), or a `define` nested in a
//! class is used by its short name (Puppet names it `class::short`). A type
//! is found among Puppet's own, those of the core type modules its packages
//! carry, defined types and the project's modules' Ruby types
//! (`lib/puppet/type/`); a short type name is not judged when modules come
//! from outside the project (their Ruby types are unknown). Types that left
//! Puppet's core in Puppet 6 (`nagios_*`, `k5login`, `mailalias`) name the
//! module that has them now. Modules
//! a shell provisioner installs (`puppet module install`, `r10k`,
//! `librarian-puppet`, `puppet-module-*` packages) and git submodules
//! count as present; a `Puppetfile` that reads its modules from elsewhere
//! (`metadata`, `modulefile`) covers every module.
//!
//! A warning, not an error, where the reference may never be evaluated: under
//! an `if`/`case`, a `Class['x']` reference, or a file in scope only because
//! the classes could not be followed.
//!
//! ## Why is this bad on EC2?
//! `puppet apply` stops at the first class it cannot find ("Could not find
//! class ::redis", "Unknown resource type: 'unzip'") and applies nothing. On the Vagrant box the module was
//! often there by other means: installed by hand into `/etc/puppet/modules`,
//! a checkout of a submodule, Puppet 3's relative name lookup (`include
//! install` inside class `app` meant `app::install`, which Puppet 4 removed).
//!
//! ## Example
//! ```puppet
//! class app {
//!   include install      # Puppet 3 found app::install; Puppet 8 looks for `install`
//!   include redis        # no module `redis` anywhere
//! }
//! ```
//! Use instead:
//! ```puppet
//! class app {
//!   include app::install
//!   include redis        # with `mod 'puppet/redis'` in the Puppetfile
//! }
//! ```
//!
//! ## References
//! Puppet, "Autoloader: module layout"; Puppet 4 release notes, "Relative
//! class name resolution removed"; r10k and librarian-puppet, "Puppetfile".

use super::context::Context;
use super::reach::{self, Found};
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use std::collections::BTreeSet;

/// The check.
pub const CHECK: Check = Check {
    name: "unresolved-class",
    source: include_str!("unresolved_class.rs"),
    stops_build: false,
    run,
};

/// The modules the project's tree and other sources provide.
struct Provided {
    /// Module names: in the tree, a Puppetfile, a submodule, an install command.
    modules: BTreeSet<String>,
    /// Whether modules come from outside the tree (whose Ruby types are unknown).
    external: bool,
    /// The Ruby resource types the project's modules define (`lib/puppet/type/NAME.rb`).
    ruby_types: BTreeSet<String>,
}

/// Modules something other than the project's tree provides, or `None` when
/// a Puppetfile names its modules where this check cannot read them.
fn provided(p: &Context) -> Option<Provided> {
    let mut out = BTreeSet::new();
    let mut ruby_types = BTreeSet::new();
    let root = &p.project.root;
    // A modulepath outside the project (`module_path = "../.."` in a module's own tests).
    let inside = reach::key(root.dir());
    let outside = |d: &String| {
        d.starts_with("..") || d.contains('~') || !(inside.is_empty() || inside == "." || d.starts_with(&inside))
    };
    if p.reach.runs.iter().any(|r| r.modulepath.iter().any(outside)) {
        return None;
    }
    let (files, _) = root.files_under(root.dir());
    for f in &files {
        // A module anywhere in the project (a synced folder, a directory off
        // the modulepath): its absence is some other check's finding.
        let comps: Vec<&str> = f.iter().filter_map(|c| c.to_str()).collect();
        if f.extension().is_some_and(|e| e == "pp") {
            if let Some(i) = comps.iter().position(|c| *c == "manifests").filter(|&i| i > 0) {
                out.insert(comps[i - 1].to_string());
            }
        }
        if let [.., "lib", "puppet", "type", file] = comps.as_slice() {
            ruby_types.extend(file.strip_suffix(".rb").map(str::to_string));
        }
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name == "Puppetfile" || name == ".gitmodules" {
            let text = root.read_text(f).unwrap_or_default();
            for line in text.lines().map(str::trim) {
                if name == "Puppetfile" && !plain_puppetfile_line(line) {
                    return None;
                }
                // A submodule not checked out: what it holds is unknown.
                if name == ".gitmodules" {
                    if let Some(path) = line
                        .strip_prefix("path")
                        .map(|r| r.trim_start_matches([' ', '=']).trim())
                    {
                        let dir = root.dir().join(path);
                        if !files.iter().any(|f| f.starts_with(&dir)) {
                            return None;
                        }
                    }
                }
                let value = if name == "Puppetfile" {
                    line.strip_prefix("mod ").or_else(|| line.strip_prefix("mod("))
                } else {
                    line.strip_prefix("path").map(|r| r.trim_start_matches([' ', '=']))
                };
                if let Some(v) = value {
                    let v = v.trim_start_matches(['(', ' ']);
                    let first = v
                        .split(',')
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .trim_matches(['\'', '"', ':']);
                    if let Some(n) = first.rsplit(['/', '-']).next().filter(|n| !n.is_empty()) {
                        out.insert(n.to_string());
                    }
                }
            }
        }
    }
    let in_tree = out.clone();
    let texts = (p.scripts.iter().map(|s| s.text.as_str())).chain(
        p.other_files
            .iter()
            .filter(|f| f.path.ends_with(".sh"))
            .map(|f| f.text.as_str()),
    );
    for text in texts {
        for (_, line) in scan::code_lines(text) {
            let words: Vec<&str> = line.split_whitespace().collect();
            for (i, w) in words.iter().enumerate() {
                if w.ends_with("puppet") && words.get(i + 1) == Some(&"module") && words.get(i + 2) == Some(&"install")
                {
                    if let Some(m) = words[i + 3..].iter().find(|a| !a.starts_with('-')) {
                        let m = m.trim_matches(['\'', '"', ';']);
                        // `$name` or a loop variable: any module may come this way.
                        if m.contains('$') {
                            return None;
                        }
                        out.extend(m.rsplit(['/', '-']).next().map(str::to_string));
                    }
                }
                // `git clone URL /etc/puppet/modules/NAME`, `ln -s ... modules/NAME`.
                if let Some((_, rest)) = w.rsplit_once("modules/") {
                    let name = rest.trim_end_matches(['/', ';', '\'', '"']);
                    if reach::is_class_name(name) {
                        out.insert(name.to_string());
                    }
                }
                if w.ends_with("librarian-puppet") || *w == "r10k" {
                    out.insert("*".into());
                }
            }
            for i in scan::installs(line) {
                if let Some(rest) = i.name.strip_prefix("puppet-module-") {
                    out.extend(rest.rsplit('-').next().map(str::to_string));
                }
            }
        }
    }
    Some(Provided {
        external: !out.is_subset(&in_tree),
        modules: out,
        ruby_types,
    })
}

/// A Puppetfile line this check reads: `mod`, `forge`, `moduledir`, a
/// comment, or the options continuing a `mod`. Anything else (`metadata`,
/// Ruby code) may name modules where the check cannot see them.
fn plain_puppetfile_line(line: &str) -> bool {
    line.is_empty()
        || line.starts_with('#')
        || line.starts_with(':')
        || line.ends_with(',') && !line.contains('(')
        || ["mod ", "mod(", "mod\t", "forge ", "moduledir "]
            .iter()
            .any(|k| line.starts_with(k))
}

/// The spans of code that runs only under a condition (`if`, `unless`, `case`, selectors).
fn conditional_spans(m: &crate::puppet::Manifest) -> Vec<(u32, u32)> {
    use crate::puppet::ast::ExprKind;
    let mut out = Vec::new();
    scan::walk(m, &mut |e| match &e.kind {
        ExprKind::If {
            then_expr, else_expr, ..
        }
        | ExprKind::Unless {
            then_expr, else_expr, ..
        } => {
            out.extend(
                then_expr
                    .iter()
                    .chain(else_expr.iter())
                    .map(|b| (b.span.start, b.span.end)),
            );
        }
        ExprKind::Case { options, .. } => out.extend(options.iter().map(|o| (o.span.start, o.span.end))),
        ExprKind::Selector { entries, .. } => {
            out.extend(entries.iter().map(|x| (x.value.span.start, x.value.span.end)))
        }
        _ => {}
    });
    out
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let Some(provided) = provided(p) else {
        return vec![];
    };
    let mut out = Vec::new();
    for m in &p.manifests {
        let conditional = conditional_spans(m);
        let declared = reach::declared(m);
        let types = declared.types.into_iter().filter(|t| {
            !CORE_TYPES.contains(&t.name.as_str())
                && !provided.ruby_types.contains(&t.name)
                // A Ruby type may come from a module this check cannot read.
                && (t.name.contains("::") || !provided.external)
        });
        for c in declared.classes.into_iter().chain(types) {
            if !reach::is_class_name(&c.name) {
                continue;
            }
            let what = if c.how == "resource" { "defined type" } else { "class" };
            let fails = if c.how == "resource" {
                format!("`{} {{ ... }}` fails", c.name)
            } else {
                format!("`{} {}` fails", c.how, c.name)
            };
            let module = c.name.split("::").next().unwrap_or_default();
            let external = provided.modules.contains(module) || provided.modules.contains("*");
            let (msg, help) = match p.reach.find_class(&c.name) {
                Found::Builtin | Found::Defined => continue,
                Found::NotLoaded(file) => (
                    format!(
                        "{what} `{}` is defined in `{file}`, where Puppet's autoloader never looks: {fails}",
                        c.name
                    ),
                    format!("move it to `{}`", autoload_path(&c.name)),
                ),
                Found::NotInModule if !external => (
                    format!("module `{module}` has no {what} `{}`: {fails}", c.name),
                    format!(
                        "Puppet looks for it in `{}`; Puppet 3's relative names (`include install` in class `app`) are gone: write the full name",
                        autoload_path(&c.name)
                    ),
                ),
                Found::NoModule if !external => {
                    let msg = if c.how == "resource" {
                        format!(
                            "no module, manifest or Puppet release defines the resource type `{}`: {fails} with \"Unknown resource type\"",
                            c.name
                        )
                    } else {
                        format!(
                            "no module `{module}` is in the project, its modulepath or a Puppetfile: {fails} with \"Could not find class\"",
                        )
                    };
                    let relative = p.reach.defined.keys().find(|d| d.ends_with(&format!("::{}", c.name)));
                    let short_type = c.how == "resource" && !c.name.contains("::");
                    let help = match (relative, left_core(&c.name), module_of_type(&c.name)) {
                        (Some(full), _, _) => format!(
                            "write `{full}`: Puppet 3 looked names up relative to the enclosing class, Puppet 4 and later do not"
                        ),
                        (None, Some(module), _) => format!(
                            "`{}` left Puppet's core in Puppet 6 and its packages do not carry it: add `mod '{module}'` to a Puppetfile",
                            c.name
                        ),
                        (None, None, Some(module)) => format!(
                            "`{}` is a type of the `{module}` module: add it to the modulepath, or `mod '{module}'` to a Puppetfile",
                            c.name
                        ),
                        (None, None, None) if short_type => format!(
                            "add the module that defines it (a `lib/puppet/type/{}.rb`, or a `define`) to the modulepath or a Puppetfile",
                            c.name
                        ),
                        (None, None, None) => format!(
                            "add the module to the modulepath, or `mod '{module}'` (with its owner) to a Puppetfile"
                        ),
                    };
                    (msg, help)
                }
                _ => continue,
            };
            let e = c.expr;
            // Under a condition the class may never be declared (`if $clamav { include clamav }`);
            // `Class['x']` only refers to it; a file kept in scope only because
            // the classes could not be followed may never be loaded.
            let maybe = conditional.iter().any(|&(a, b)| a <= e.span.start && e.span.end <= b)
                || c.how == "Class[]"
                || !p.reach.loads(&m.source.path);
            let (severity, msg) = if maybe {
                (Severity::Warning, format!("{msg} (when this branch runs)"))
            } else {
                (Severity::Error, msg)
            };
            out.push(
                p.at(
                    CHECK.name,
                    severity,
                    &m.source,
                    e.span.start as usize,
                    e.span.end as usize,
                    msg,
                )
                .with_help(help),
            );
        }
    }
    out
}

/// The resource types every planned Puppet has: its own (Puppet 7 and 8's
/// `lib/puppet/type`) and those of the core type modules its packages carry
/// (augeas, cron, host, mount, scheduled_task, selinux, sshkeys, yumrepo,
/// zfs, zone), and `class`.
const CORE_TYPES: [&str; 28] = [
    "exec",
    "file",
    "filebucket",
    "group",
    "notify",
    "package",
    "resources",
    "schedule",
    "service",
    "stage",
    "tidy",
    "user",
    "whit",
    "component",
    "augeas",
    "cron",
    "host",
    "mount",
    "scheduled_task",
    "selboolean",
    "selmodule",
    "ssh_authorized_key",
    "sshkey",
    "yumrepo",
    "zfs",
    "zpool",
    "zone",
    "class",
];

/// The module of a widely used Ruby resource type (each module's `lib/puppet/type/`).
fn module_of_type(name: &str) -> Option<&'static str> {
    Some(match name {
        "file_line" | "anchor" => "puppetlabs/stdlib",
        "ini_setting" | "ini_subsetting" => "puppetlabs/inifile",
        "vcsrepo" => "puppetlabs/vcsrepo",
        "concat_file" | "concat_fragment" => "puppetlabs/concat",
        "firewall" | "firewallchain" => "puppetlabs/firewall",
        "mysql_database" | "mysql_user" | "mysql_grant" => "puppetlabs/mysql",
        "logical_volume" | "physical_volume" | "volume_group" | "filesystem" => "puppetlabs/lvm",
        _ => return None,
    })
}

/// The module a resource type that left Puppet's core in Puppet 6 (and is
/// not in the agent packages) lives in now.
fn left_core(name: &str) -> Option<&'static str> {
    Some(match name {
        n if n.starts_with("nagios_") => "puppetlabs/nagios_core",
        "k5login" => "puppetlabs/k5login_core",
        "mailalias" => "puppetlabs/mailalias_core",
        "maillist" => "puppetlabs/maillist_core",
        "computer" | "macauthorization" | "mcx" => "puppetlabs/macdslocal_core",
        _ => return None,
    })
}

/// Where the autoloader looks for class `name` first.
fn autoload_path(name: &str) -> String {
    reach::autoload_files(name).pop().unwrap_or_default()
}
