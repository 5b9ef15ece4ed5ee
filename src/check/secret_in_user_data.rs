//! ## What it does
//! Finds secrets that would travel in EC2 user data: passwords, tokens and
//! keys given as facts to the Vagrant puppet provisioner (`facter` keys
//! matching `password`, `passwd`, `secret`, `token` or `api_key`), private keys
//! (`-----BEGIN ... PRIVATE KEY-----`) and credentials in URLs
//! (`https://user:pass@host/...`) in shell provisioners, and — when the code
//! is embedded (`delivery.mode = "embed"`; `auto` sends code holding one
//! through S3 instead) — in any delivered file
//! but a vendored module's `spec/`, `tests/` and `examples/`, which never run
//! on the instance. Documentation placeholders, words that say what goes
//! there (`https://user:password@...`, `someuser:hispassword@`), are not secrets.
//!
//! ## Why is this bad on EC2?
//! On Vagrant these stayed on the laptop. User data is not secret: anyone
//! allowed `ec2:DescribeInstanceAttribute` can read it, every process on the
//! instance can fetch it from the metadata service, it is kept in the launch
//! template or CloudFormation template, and cloud-init copies it to disk.
//!
//! ## Example
//! ```ruby
//! puppet.facter = { "db_password" => "s3cret" }
//! ```
//! Use instead:
//! ```puppet
//! # an SSM SecureString, read at boot by the instance role
//! $db_password = Sensitive(generate('/usr/bin/aws', 'ssm', 'get-parameter', '--name', '/app/db_password',
//!   '--with-decryption', '--query', 'Parameter.Value', '--output', 'text'))
//! ```
//!
//! ## References
//! Amazon EC2 User Guide, "Run commands when you launch an EC2 instance with
//! user data input" (user data is not protected); AWS Systems Manager,
//! "Parameter Store: SecureString parameters".

use super::context::Context;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::plan::Delivery;
use crate::secrets;
use regex::Regex;
use serde_json::Value as Json;
use std::sync::OnceLock;

/// The check.
pub const CHECK: Check = Check {
    name: "secret-in-user-data",
    source: include_str!("secret_in_user_data.rs"),
    stops_build: true,
    run,
};

const HELP: &str = "keep it in SSM Parameter Store as a SecureString and read it at boot with the instance role (`aws ssm get-parameter --with-decryption`); puppetlift's git delivery reads its deploy key that way";

fn secret_key() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"(?i)password|passwd|secret|token|api_?key").expect("regex"))
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let Some(planned) = &p.planned else {
        return vec![];
    };
    // The plan's own finding: a git repository URL with credentials (puppetlift.toml).
    let mut out: Vec<Diagnostic> = super::plan_findings(p, CHECK.name)
        .into_iter()
        .map(|mut d| {
            if let Some(toml) = p
                .project
                .settings_file
                .as_ref()
                .filter(|_| d.file == crate::settings::FILE_NAME)
            {
                d.file = toml.path.clone();
                d.span = secrets::find(&toml.text)
                    .into_iter()
                    .find(|f| f.kind == secrets::Kind::UrlCredentials)
                    .map(|f| Span::new(f.start, f.end));
            }
            d
        })
        .collect();
    let vf = p.vagrantfile.as_ref();
    for m in p.project.machines() {
        for prov in m
            .provisioners
            .iter()
            .filter(|x| x.kind == "puppet" || x.kind == "puppet_server")
        {
            let Some(Json::Object(facts)) = prov.options.get("facter") else {
                continue;
            };
            for (k, v) in facts {
                if !secret_key().is_match(k) || v.is_null() || v.as_str() == Some("") {
                    continue;
                }
                let span = vf.and_then(|vf| {
                    let re = Regex::new(&format!(r#"["':]({})["']?\s*(?:=>|:)"#, regex::escape(k))).ok()?;
                    let g = re.captures(&vf.text)?.get(1)?;
                    Some(Span::new(g.start(), g.end()))
                });
                let file = vf.map_or_else(|| "Vagrantfile".to_string(), |v| v.path.clone());
                let d = Diagnostic::error(
                    CHECK.name,
                    &file,
                    span,
                    format!(
                        "machine `{}` passes the fact `{k}` to Puppet; on EC2 its value is written into the user data",
                        m.name
                    ),
                )
                .with_help(HELP);
                if !out.contains(&d) {
                    out.push(d);
                }
            }
        }
    }
    for s in &p.scripts {
        for (at, line) in scan::code_lines(&s.text) {
            for f in secrets::find(line) {
                out.push(
                    p.in_script(
                        CHECK.name,
                        Severity::Error,
                        s,
                        at + f.start,
                        at + f.end,
                        format!("{} in a shell provisioner ends up in the user data", f.kind.describe()),
                    )
                    .with_help(HELP),
                );
            }
        }
    }
    if matches!(planned.plan.delivery, Delivery::Embed { .. }) {
        let files = p
            .manifests
            .iter()
            .map(|m| &m.source)
            .chain(p.templates.iter())
            .chain(p.hiera_data.iter())
            .chain(p.other_files.iter())
            // A module's tests and examples never run on the instance; their keys are fixtures.
            .filter(|f| !super::paths::in_module_tests(p.dir, std::path::Path::new(&f.path)));
        for f in files {
            for found in secrets::find(&f.text) {
                out.push(
                    p.at(
                        CHECK.name,
                        Severity::Error,
                        f,
                        found.start,
                        found.end,
                        format!(
                            "{} in the embedded code ends up in the user data",
                            found.kind.describe()
                        ),
                    )
                    .with_help(format!("{HELP}; or deliver the code by git or s3 (`delivery.mode`)")),
                );
            }
        }
    }
    out
}
