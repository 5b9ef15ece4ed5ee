//! Migration checks: what breaks on the way from Vagrant to EC2, found before
//! anyone launches. Each check is one file whose doc comment is its
//! documentation (`puppetlift explain NAME`); each reads the [`Context`] (the
//! plan, its target images and the project's files) and returns diagnostics
//! pointing at the source line and naming the image that makes it a problem.
//!
//! Suppression: `# puppetlift:ignore:NAME reason` on the line or the line above
//! (manifests, Vagrantfiles, templates, hiera data, scripts), and
//! `[check] ignore = ["NAME"]` in puppetlift.toml.

pub mod context;
mod os_facts;
mod paths;
pub mod reach;
mod ruby_code;
mod scan;

mod amazon_linux_only;
mod cfn_helpers_need_amazon_linux;
mod conflicting_puppet_install;
mod end_of_life_image;
mod exec_not_qualified;
mod legacy_puppet_syntax;
mod manifest_syntax_error;
mod no_matching_node;
mod nothing_to_provision;
mod package_manager_mismatch;
mod package_not_in_image;
mod previous_generation_instance;
mod private_network_address;
pub mod public_admin_port;
mod puppet3_paths;
mod puppet8_strict;
mod puppetmaster_unreachable;
mod removed_command_option;
mod requiretty;
mod rubylib_missing;
mod secret_in_user_data;
mod service_provider_mismatch;
mod submodule_not_checked_out;
mod synced_folder_not_delivered;
mod template_too_large;
mod unknown_box;
mod unresolved_class;
mod unsupported_os;
mod user_data_too_large;
mod vagrant_nic_name;
mod vagrant_path;
mod vagrant_user;

pub use context::{Context, TargetImage};

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::project::Project;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// A migration check: its name, its documentation and the function that runs it.
pub struct Check {
    /// The name (`vagrant-path`), as `puppetlift explain` and the ignore comments take it.
    pub name: &'static str,
    /// The rule file; its `//!` comment is the documentation.
    source: &'static str,
    /// Whether an error of this check stops `build`: the artifacts would be
    /// wrong, incomplete or unsafe (an unknown box, a secret in user data, a
    /// submodule missing from the checkout). The other checks predict how the
    /// project's own code will fail on EC2; `build` reports them and writes
    /// the artifacts, which carry that code as it is (`--strict` stops on them too).
    pub stops_build: bool,
    /// Finds the problems in a project.
    pub run: fn(&Context) -> Vec<Diagnostic>,
}

/// Every migration check, in priority order.
pub static ALL: &[Check] = &[
    // Paths and users only a Vagrant box has.
    vagrant_path::CHECK,
    vagrant_user::CHECK,
    // What only Amazon Linux has.
    cfn_helpers_need_amazon_linux::CHECK,
    amazon_linux_only::CHECK,
    // Ruby code the Vagrant box or its login shell supplied.
    rubylib_missing::CHECK,
    // Written for another distribution.
    package_manager_mismatch::CHECK,
    // What the move to EC2's network and user data changes.
    private_network_address::CHECK,
    synced_folder_not_delivered::CHECK,
    secret_in_user_data::CHECK,
    public_admin_port::CHECK,
    puppetmaster_unreachable::CHECK,
    // What the move to current instances and Puppet changes.
    previous_generation_instance::CHECK,
    service_provider_mismatch::CHECK,
    legacy_puppet_syntax::CHECK,
    puppet8_strict::CHECK,
    // What stops Puppet before it applies anything.
    manifest_syntax_error::CHECK,
    unresolved_class::CHECK,
    no_matching_node::CHECK,
    // What Puppet refuses on any machine, stopping the boot on EC2.
    exec_not_qualified::CHECK,
    // What the EC2 image has that the box did not, and what it lacks.
    conflicting_puppet_install::CHECK,
    puppet3_paths::CHECK,
    package_not_in_image::CHECK,
    removed_command_option::CHECK,
    vagrant_nic_name::CHECK,
    // What boot scripts meet on EC2 that a Vagrant box spared them.
    requiretty::CHECK,
    // What the plan and the emitters find.
    nothing_to_provision::CHECK,
    submodule_not_checked_out::CHECK,
    unknown_box::CHECK,
    unsupported_os::CHECK,
    end_of_life_image::CHECK,
    user_data_too_large::CHECK,
    template_too_large::CHECK,
];

/// The migration check named `name`.
pub fn check(name: &str) -> Option<&'static Check> {
    ALL.iter().find(|c| c.name == name)
}

/// The documentation of the check named `name` (its rule file's `//!` comment).
pub fn doc(name: &str) -> Option<&'static str> {
    static DOCS: OnceLock<BTreeMap<&'static str, String>> = OnceLock::new();
    let docs = DOCS.get_or_init(|| ALL.iter().map(|c| (c.name, doc_comment(c.source))).collect());
    docs.get(name).map(String::as_str)
}

/// The `//!` lines of a Rust file, without the markers (a rule file's documentation).
pub fn doc_comment(source: &str) -> String {
    let mut out = String::new();
    for line in source.lines().take_while(|l| l.starts_with("//!")) {
        let text = line.trim_start_matches("//!");
        out.push_str(text.strip_prefix(' ').unwrap_or(text));
        out.push('\n');
    }
    out
}

/// Run every check not ignored by `[check] ignore`, drop the findings an
/// ignore comment covers, and sort what is left by file and place.
pub fn run(project: &Context) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for c in ALL {
        if project.ignored_checks.iter().any(|n| n == c.name) {
            continue;
        }
        for d in (c.run)(project) {
            if !ignored_by_comment(&d, project.source(&d.file)) && !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out.sort_by(|a, b| {
        (a.file.as_str(), a.span.map(|s| s.start), a.code).cmp(&(b.file.as_str(), b.span.map(|s| s.start), b.code))
    });
    out
}

/// Everything `puppetlift check` reports: what the Vagrantfile's evaluation,
/// the plan and the emitters found that no check owns, then the checks'
/// findings; ignore comments and `[check] ignore` apply to all.
pub fn report(project: &Context) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = project
        .diagnostics
        .iter()
        .chain(project.emitted().iter())
        .filter(|d| check(d.code).is_none())
        .filter(|d| !project.ignored_checks.iter().any(|n| n == d.code))
        .filter(|d| !ignored_by_comment(d, project.source(&d.file)))
        .cloned()
        .collect();
    out.extend(run(project));
    out
}

/// What `puppetlift check` found in a project, with the sources the findings point into.
pub struct Report {
    /// The findings, as [`report`] orders them.
    pub findings: Vec<Diagnostic>,
    sources: Vec<Arc<SourceFile>>,
}

impl Report {
    /// The source a finding points into.
    pub fn source(&self, path: &str) -> Option<&Arc<SourceFile>> {
        self.sources.iter().find(|s| s.path == path)
    }
}

/// `puppetlift check`: the project's plan checked for its images (or every
/// machine on `image`); a directory without a Vagrantfile is plain Puppet code
/// checked for `image`, which it then needs.
pub fn check_project(project: &Project, image: Option<&str>) -> Result<Report, context::LoadError> {
    if !project.dir.exists() {
        return Err(Box::new(Diagnostic::error(
            "unreadable-file",
            &project.dir.display().to_string(),
            None,
            "cannot read: no such file or directory",
        )));
    }
    let named = context::image_named(image)?;
    let planned;
    let cx = if project.has_vagrantfile {
        planned = crate::plan::build_on(project, image);
        Context::of_plan(project, &planned)
    } else {
        Context::plain(project, named)?
    };
    let findings = report(&cx);
    let mut sources: Vec<Arc<SourceFile>> = Vec::new();
    for d in &findings {
        if let Some(s) = cx.source(&d.file) {
            if !sources.iter().any(|x| Arc::ptr_eq(x, s)) {
                sources.push(s.clone());
            }
        }
    }
    Ok(Report { findings, sources })
}

/// What the migration checks decide before `build` or `convert` writes anything.
pub struct Gate {
    /// The checks' findings the plan and the emitters did not already report.
    pub findings: Vec<Diagnostic>,
    /// The checks whose errors stop the build (not named by `--allow`), in order.
    pub stopping: Vec<&'static str>,
    /// Errors that predict the project's code failing on EC2 and do not stop the build.
    pub predicted: usize,
}

/// Run the checks as `puppetlift check` does (for the plan's images) before
/// writing: an error of a check that [`Check::stops_build`] (of every check
/// when `strict`) stops the build unless `allow` names its check; the other
/// errors and the warnings do not. `shown` are the plan's and the emitters'
/// diagnostics the caller reports itself (a check restating one is left out,
/// and its errors stop the build on their own). A name in `allow` that is no
/// check is an error too, so a typo never lets a build through.
pub fn gate(project: &Context, shown: &[Diagnostic], allow: &[String], strict: bool) -> Gate {
    let mut findings: Vec<Diagnostic> = run(project)
        .into_iter()
        .filter(|d| !shown.iter().any(|s| s.code == d.code && s.message == d.message))
        .collect();
    for name in allow.iter().filter(|n| check(n).is_none()) {
        findings.push(
            Diagnostic::error(
                "unknown-check",
                "--allow",
                None,
                format!("`--allow {name}`: there is no migration check `{name}`"),
            )
            .with_help(format!(
                "the checks are {}",
                ALL.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
            )),
        );
    }
    let mut stopping: Vec<&'static str> = Vec::new();
    let mut predicted = 0;
    for d in findings.iter().filter(|d| d.severity == crate::Severity::Error) {
        if allow.iter().any(|a| a == d.code) {
            continue;
        }
        if strict || check(d.code).is_none_or(|c| c.stops_build) {
            if !stopping.contains(&d.code) {
                stopping.push(d.code);
            }
        } else {
            predicted += 1;
        }
    }
    Gate {
        findings,
        stopping,
        predicted,
    }
}

impl Gate {
    /// The findings rendered for people, then what stops the build and how to
    /// go on; or, when the build goes on (nothing else stops it: not
    /// `stopped_already`), what the predictions mean for the artifacts.
    pub fn render(&self, project: &Context, stopped_already: bool) -> String {
        let mut out: String = self
            .findings
            .iter()
            .map(|d| d.render(project.source(&d.file)))
            .collect();
        let checks: Vec<&str> = self.stopping.iter().copied().filter(|c| check(c).is_some()).collect();
        if !checks.is_empty() {
            out.push_str(&format!(
                "puppetlift: the migration checks found errors; fix them, or build anyway with {}\n",
                checks
                    .iter()
                    .map(|c| format!("--allow {c}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        } else if self.predicted > 0 && !stopped_already {
            out.push_str(&format!(
                "puppetlift: {} error{} above predict{} how the project's code will fail on EC2; \
                 the artifacts carry the code as it is (`puppetlift check` exits 1 on {}, `--strict` stops the build)\n",
                self.predicted,
                if self.predicted == 1 { "" } else { "s" },
                if self.predicted == 1 { "s" } else { "" },
                if self.predicted == 1 { "it" } else { "them" },
            ));
        }
        out
    }
}

/// The plan's and the emitters' diagnostics with `code`, pointed at the box
/// they are about when the message names one.
pub(crate) fn plan_findings(p: &Context, code: &str) -> Vec<Diagnostic> {
    let boxes: Vec<String> = p
        .planned
        .iter()
        .flat_map(|_| p.project.machines().iter())
        .filter_map(|m| m.box_name.clone())
        .collect();
    p.diagnostics
        .iter()
        .chain(p.emitted().iter())
        .filter(|d| d.code == code)
        .map(|d| {
            let mut d = d.clone();
            if let (None, Some(vf)) = (d.span, &p.vagrantfile) {
                if d.file == vf.path {
                    d.span = boxes
                        .iter()
                        .filter(|b| d.message.contains(&format!("`{b}`")))
                        .find_map(|b| {
                            let at = vf
                                .text
                                .find(&format!("\"{b}\""))
                                .or_else(|| vf.text.find(&format!("'{b}'")))?;
                            Some(crate::diagnostic::Span::new(at + 1, at + 1 + b.len()))
                        });
                }
            }
            d
        })
        .collect()
}

/// One diagnostic as a JSON object, with its 1-based line and column.
pub fn json(d: &Diagnostic, source: Option<&SourceFile>) -> serde_json::Value {
    let mut v = serde_json::to_value(d).unwrap_or_default();
    if let (Some(src), Some(span), Some(obj)) = (source, d.span, v.as_object_mut()) {
        let (line, column) = src.line_col(span.start as usize);
        obj.insert("line".into(), line.into());
        obj.insert("column".into(), column.into());
    }
    v
}

/// Whether `# puppetlift:ignore:NAME` (several names may share one, comma
/// separated) sits on the diagnostic's line or the line above.
pub fn ignored_by_comment(d: &Diagnostic, source: Option<&Arc<SourceFile>>) -> bool {
    let (Some(src), Some(span)) = (source, d.span) else {
        return false;
    };
    let (line, _) = src.line_col(span.start as usize);
    let lines: Vec<&str> = src.text.lines().collect();
    let covers = |text: &str| {
        let Some(hash) = text.find('#') else {
            return false;
        };
        text[hash..].split("puppetlift:ignore:").skip(1).any(|rest| {
            let names = rest.split(|c: char| c.is_whitespace() || c == '%').next().unwrap_or("");
            names.split(',').any(|n| n == d.code)
        })
    };
    [line.checked_sub(1), line.checked_sub(2)]
        .into_iter()
        .flatten()
        .filter_map(|i| lines.get(i))
        .any(|l| covers(l))
}
