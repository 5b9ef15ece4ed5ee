//! ## What it does
//! Finds classes and defined types whose file is not where Puppet's autoloader
//! looks for them: `MODULE/manifests/init.pp` for `MODULE`,
//! `MODULE/manifests/a/b.pp` for `MODULE::a::b`.
//!
//! ## Why is this bad?
//! Puppet finds a class by its name only at that path: anywhere else it is
//! found only if something happened to load that file first.
//!
//! ## Example
//! ```puppet
//! # in ntp/manifests/server.pp
//! class ntp::config { }
//! ```
//! Use instead:
//! ```puppet
//! # in ntp/manifests/config.pp
//! class ntp::config { }
//! ```
//!
//! ## References
//! puppet-lint `autoloader_layout`; the Puppet style guide, "Separate files".

use crate::lint::{lint_definitions, Context, Kind, Problem, Rule};
use std::path::{Component, Path, PathBuf};

/// The rule.
pub const RULE: Rule = Rule {
    name: "autoloader_layout",
    enabled_by_default: true,
    plugin: None,
    fix: None,
    doc: include_str!("autoloader_layout.rs"),
    check,
};

/// The path made absolute against the working directory, `.` and `..`
/// resolved without touching the file system (Ruby's `File.expand_path`).
fn full_path(path: &str) -> String {
    let p = Path::new(path);
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::from("/");
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(s) => out.push(s),
            _ => {}
        }
    }
    out.display().to_string()
}

fn check(ctx: &Context) -> Vec<Problem> {
    let Some(lt) = ctx.lint() else {
        return Vec::new();
    };
    let path = &ctx.manifest.source.path;
    if path.is_empty() {
        return Vec::new();
    }
    let full = full_path(path);
    lint_definitions(ctx)
        .into_iter()
        .filter_map(|d| {
            let name = lt.get(d.name);
            // Ruby's `split('::')` drops trailing empty parts.
            let mut parts: Vec<&str> = name.value.split("::").collect();
            while parts.last() == Some(&"") {
                parts.pop();
            }
            let expected = match parts.as_slice() {
                [module, rest @ ..] if !rest.is_empty() => format!("/{module}/manifests/{}.pp", rest.join("/")),
                _ => format!("/{}/manifests/init.pp", name.value),
            };
            let expected = if ctx.relative {
                // puppet-lint: `gsub(%r{^/}, '').split('/')[1..-1].join('/')`.
                let mut parts: Vec<&str> = expected.trim_start_matches('/').split('/').collect();
                while parts.last() == Some(&"") {
                    parts.pop();
                }
                parts.get(1..).unwrap_or_default().join("/")
            } else {
                expected
            };
            (!full.ends_with(&expected)).then(|| {
                ctx.problem(
                    RULE.name,
                    Kind::Error,
                    &format!("{} not in autoload module layout", name.value),
                    name.start,
                )
            })
        })
        .collect()
}
