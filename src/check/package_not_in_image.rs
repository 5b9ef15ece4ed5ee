//! ## What it does
//! Finds packages the machine's image no longer has: `package` resources
//! (titles, `name`) and `apt-get`/`apt`/`yum`/`dnf install` in shell
//! provisioners and delivered scripts, matched against a table of packages
//! renamed or removed in the releases puppetlift plans on
//! (`targets/packages.toml`, each row with its source): `php5`, `python-pip`,
//! `ruby1.9.1`, `openjdk-7-jdk`, `upstart`, `mysql-server` on Debian, ...
//! Also, as a warning, the values of variables and class parameters named
//! for packages (`$server_package_name = 'puppetmaster'` in a params class;
//! not in a branch on the OS release other than its `default`), where the
//! name travels to a `package` elsewhere.
//! A resource inside a `case` branch the image never takes is not reported;
//! where the project adds a package repository (a PPA, `apt::source`,
//! `yumrepo`, EPEL) the package may come from there: a warning, not an error.
//!
//! ## Why is this bad on EC2?
//! The box was Ubuntu 12.04 or Debian 7; the image is a current release,
//! where these names are gone (PHP 5, Python 2, Ruby 1.9, Java 7 and Upstart
//! were removed; Debian replaced MySQL with MariaDB). `apt-get install`
//! stops with "Unable to locate package" or "has no installation
//! candidate", the `package` resource fails and everything that requires
//! it is skipped.
//!
//! ## Example
//! ```puppet
//! package { ['php5', 'php5-mysql', 'python-pip']: ensure => installed }
//! ```
//! Use instead:
//! ```puppet
//! package { ['php', 'php-mysql', 'python3-pip']: ensure => installed }
//! ```
//!
//! ## References
//! `targets/packages.toml` (the table and the source of each row);
//! Debian and Ubuntu release notes; packages.debian.org, packages.ubuntu.com.

use super::context::{Context, TargetImage};
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::plan::images::Family;
use serde::Deserialize;
use std::sync::OnceLock;

/// The check.
pub const CHECK: Check = Check {
    name: "package-not-in-image",
    source: include_str!("package_not_in_image.rs"),
    stops_build: false,
    run,
};

/// One row of `targets/packages.toml`.
#[derive(Debug, Deserialize)]
struct Row {
    names: Vec<String>,
    missing: Vec<String>,
    instead: String,
    #[allow(dead_code)]
    source: String,
}

#[derive(Debug, Default, Deserialize)]
struct Table {
    package: Vec<Row>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| toml::from_str(include_str!("../../targets/packages.toml")).unwrap_or_default())
}

/// The rows saying `name` is missing on some of `on`, with those images.
fn missing<'a>(name: &str, on: &[&'a TargetImage]) -> Option<(&'static Row, Vec<&'a TargetImage>)> {
    table().package.iter().find_map(|row| {
        if !row.names.iter().any(|g| glob(g, name)) {
            return None;
        }
        let images: Vec<&TargetImage> = on
            .iter()
            .copied()
            .filter(|t| row.missing.contains(&t.image.os))
            .collect();
        (!images.is_empty()).then_some((row, images))
    })
}

fn message(name: &str, row: &Row, images: &[&TargetImage]) -> (String, String) {
    (
        format!(
            "package `{name}` is not in {}'s repositories",
            scan::image_names(images)
        ),
        format!("install {} instead", row.instead),
    )
}

/// Package providers that read the distribution's repositories.
const OS_PROVIDERS: [&str; 5] = ["apt", "aptitude", "yum", "dnf", "rpm"];

/// What adds another package repository (a PPA, the vendor's, EPEL): the
/// package may come from there, so the finding is a warning.
const REPOSITORIES: [&str; 7] = [
    "add-apt-repository",
    "apt::ppa",
    "apt::source",
    "sources.list.d",
    "yumrepo",
    "epel-release",
    "yum-config-manager",
];

fn run(p: &Context) -> Vec<Diagnostic> {
    let texts = (p.manifests.iter().map(|m| m.source.text.as_str()))
        .chain(p.scripts.iter().map(|s| s.text.as_str()))
        .chain(
            p.other_files
                .iter()
                .filter(|f| f.path.ends_with(".sh"))
                .map(|f| f.text.as_str()),
        );
    let severity = if texts.into_iter().any(|t| REPOSITORIES.iter().any(|r| t.contains(r))) {
        Severity::Warning
    } else {
        Severity::Error
    };
    let mut out = Vec::new();
    for m in &p.manifests {
        let guards = p.guards(m);
        for r in scan::resources(m).into_iter().filter(|r| r.type_name == "package") {
            let ensure = r.attr("ensure").and_then(scan::literal).unwrap_or_default();
            let provider = r.attr("provider").and_then(scan::literal);
            if ["absent", "purged"].contains(&ensure.as_str())
                || provider.is_some_and(|v| !OS_PROVIDERS.contains(&v.as_str()))
            {
                continue;
            }
            let names = match r.attr("name") {
                Some(n) => scan::literals(n),
                None => scan::literals(&r.body.title),
            };
            for (name, e) in names {
                let at = e.span.start as usize;
                let on: Vec<&TargetImage> = p.targets.iter().filter(|t| guards.runs_on(at, &t.image)).collect();
                if let Some((row, images)) = missing(&name, &on) {
                    let (msg, help) = message(&name, row, &images);
                    out.push(
                        p.at(CHECK.name, severity, &m.source, at, e.span.end as usize, msg)
                            .with_help(help),
                    );
                }
            }
        }
    }
    // Package names that travel through a variable or a parameter named for
    // them (`$server_package_name = 'puppetmaster'` in a params class): one
    // warning per value, as the use is elsewhere.
    for m in &p.manifests {
        let guards = p.guards(m);
        for (var, value) in package_values(m) {
            let mut names = Vec::new();
            let mut rows: Vec<&Row> = Vec::new();
            let mut images: Vec<&TargetImage> = Vec::new();
            for (name, e) in scan::literals(value) {
                let at = e.span.start as usize;
                let on: Vec<&TargetImage> = p.targets.iter().filter(|t| guards.runs_on(at, &t.image)).collect();
                if let Some((row, missing_on)) = missing(&name, &on) {
                    names.push(format!("`{name}`"));
                    if !rows.iter().any(|r| std::ptr::eq(*r, row)) {
                        rows.push(row);
                    }
                    for t in missing_on {
                        if !images.iter().any(|i| i.image.os == t.image.os) {
                            images.push(t);
                        }
                    }
                }
            }
            if names.is_empty() {
                continue;
            }
            let what = match names.len() {
                1 => format!("package {}", names[0]),
                _ => format!("packages {}", names.join(", ")),
            };
            let help: Vec<String> = rows.iter().map(|r| format!("install {} instead", r.instead)).collect();
            out.push(
                p.at(
                    CHECK.name,
                    Severity::Warning,
                    &m.source,
                    value.span.start as usize,
                    value.span.end as usize,
                    format!(
                        "`${var}` names {what}, not in {}'s repositories (when it is installed)",
                        scan::image_names(&images)
                    ),
                )
                .with_help(help.join("; ")),
            );
        }
    }
    let family_of = |tool: &str| match tool {
        "apt-get" | "apt" => Some(vec![Family::Debian]),
        "yum" | "dnf" => Some(vec![Family::Redhat, Family::Amazon]),
        _ => None,
    };
    let in_line = |line: &str| -> Vec<(usize, usize, String, String)> {
        let mut found = Vec::new();
        for i in scan::installs(line) {
            let Some(families) = family_of(i.tool) else {
                continue;
            };
            let on: Vec<&TargetImage> = p
                .targets
                .iter()
                .filter(|t| families.contains(&t.image.family))
                .collect();
            if let Some((row, images)) = missing(i.name, &on) {
                let (msg, help) = message(i.name, row, &images);
                found.push((i.start, i.end, msg, help));
            }
        }
        found
    };
    for f in p.other_files.iter().filter(|f| f.path.ends_with(".sh")) {
        for (at, line) in scan::code_lines(&f.text) {
            for (a, b, msg, help) in in_line(line) {
                out.push(
                    p.at(CHECK.name, Severity::Error, f, at + a, at + b, msg)
                        .with_help(help),
                );
            }
        }
    }
    for s in &p.scripts {
        for (at, line) in scan::code_lines(&s.text) {
            for (a, b, msg, help) in in_line(line) {
                out.push(
                    p.in_script(CHECK.name, Severity::Error, s, at + a, at + b, msg)
                        .with_help(help),
                );
            }
        }
    }
    out
}

/// The values given to variables and parameters whose names say they hold
/// package names (`$package`, `$server_package_name`, `$java_packages`), with
/// those names; not those in a branch on the OS release (`case
/// $lsbdistcodename`, `if $os['release']['major'] == '12'`) other than a
/// `default`, whose guards the checks do not evaluate.
fn package_values(m: &crate::puppet::Manifest) -> Vec<(&str, &crate::puppet::ast::Expr)> {
    use crate::puppet::ast::{BinaryOp, ExprKind};
    let named = |n: &str| n.to_ascii_lowercase().contains("package");
    let text = &m.source.text;
    let mut by_release: Vec<(u32, u32)> = Vec::new();
    let mut out = Vec::new();
    let on_release = |test: &crate::puppet::ast::Expr| {
        let t = text.get(test.span.range()).unwrap_or_default().to_ascii_lowercase();
        t.contains("release") || t.contains("codename")
    };
    let is_default = |v: &crate::puppet::ast::Expr| matches!(v.kind, ExprKind::Default);
    scan::walk(m, &mut |e| match &e.kind {
        // A `default` branch applies to the releases nobody named: kept.
        ExprKind::Case { test, options } if on_release(test) => by_release.extend(
            options
                .iter()
                .filter(|o| !o.values.iter().any(is_default))
                .map(|o| (o.span.start, o.span.end)),
        ),
        ExprKind::Selector { left, entries } if on_release(left) => by_release.extend(
            entries
                .iter()
                .filter(|en| !is_default(&en.key))
                .map(|en| (en.span.start, en.span.end)),
        ),
        ExprKind::If { test, .. } | ExprKind::Unless { test, .. } if on_release(test) => {
            by_release.push((e.span.start, e.span.end));
        }
        ExprKind::Binary {
            op: BinaryOp::Assign,
            left,
            right,
        } => {
            if let ExprKind::Variable(v) = &left.kind {
                if named(v) {
                    out.push((v.as_str(), right.as_ref()));
                }
            }
        }
        ExprKind::Class { def, .. } | ExprKind::Define(def) => {
            for prm in &def.params {
                if let Some(v) = prm.value.as_ref().filter(|_| named(&prm.name)) {
                    out.push((prm.name.as_str(), v));
                }
            }
        }
        _ => {}
    });
    // The walk visits a conditional before what it holds.
    out.retain(|(_, v)| !by_release.iter().any(|&(a, b)| a <= v.span.start && v.span.end <= b));
    out
}

/// `*` glob match over a package name.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(p) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            match rest.find(p) {
                Some(at) => rest = &rest[at + p.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::table;
    use crate::plan::images;

    #[test]
    fn every_row_names_known_images_and_a_source() {
        let rows = &table().package;
        assert!(!rows.is_empty(), "targets/packages.toml parses");
        for r in rows {
            assert!(!r.source.trim().is_empty() && !r.names.is_empty());
            for os in &r.missing {
                assert!(images::resolve(os).is_some(), "{os} is no image");
            }
        }
    }
}
