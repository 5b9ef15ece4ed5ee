//! ## What it does
//! Finds uses of the CloudFormation helper scripts (`cfn-init`, `cfn-signal`,
//! `cfn-hup`, `cfn-get-metadata`, anything under `/opt/aws/bin`) in manifests
//! (exec commands, file contents, service names), templates and shell
//! provisioners, when a machine's image is not Amazon Linux and nothing
//! installs `aws-cfn-bootstrap` first (a `package` or `exec` in the manifests,
//! or an earlier shell provisioner).
//!
//! ## Why is this bad on EC2?
//! Only Amazon Linux ships the helpers (package `aws-cfn-bootstrap`, in
//! `/opt/aws/bin`). On Ubuntu, Debian or Rocky the command is not found: the
//! `exec` fails, `service { 'cfn-hup': }` fails, and a stack waiting for
//! `cfn-signal` times out after its whole `CreationPolicy` and rolls back.
//!
//! ## Example
//! ```puppet
//! exec { 'signal':
//!   command => "/opt/aws/bin/cfn-signal -e 0 --stack ${stack} --resource Web",
//! }
//! ```
//! Use instead:
//! ```puppet
//! exec { 'aws-cfn-bootstrap':
//!   command => 'pip3 install https://s3.amazonaws.com/cloudformation-examples/aws-cfn-bootstrap-py3-latest.tar.gz',
//!   creates => '/usr/local/bin/cfn-signal',
//!   path    => ['/usr/bin', '/bin'],
//! }
//! -> exec { 'signal':
//!   command => "/usr/local/bin/cfn-signal -e 0 --stack ${stack} --resource Web",
//! }
//! ```
//!
//! ## References
//! AWS CloudFormation User Guide, "CloudFormation helper scripts reference"
//! (installing the helpers on other distributions).

use super::context::Context;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::plan::images::Family;
use crate::puppet::lexer::TokenKind;
use regex::Regex;
use std::sync::OnceLock;

/// The check.
pub const CHECK: Check = Check {
    name: "cfn-helpers-need-amazon-linux",
    source: include_str!("cfn_helpers_need_amazon_linux.rs"),
    stops_build: false,
    run,
};

/// A helper (group 1), not part of a longer name such as `aws-cfn-bootstrap`.
fn helper() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?:^|[^\w-])((?:/opt/aws/bin/)?cfn-(?:init|signal|hup|get-metadata)\b|/opt/aws/bin\b)")
            .expect("regex")
    })
}

const PACKAGE: &str = "aws-cfn-bootstrap";

fn run(p: &Context) -> Vec<Diagnostic> {
    let targets = p.targets_where(|i| i.family != Family::Amazon);
    if targets.is_empty() {
        return vec![];
    }
    let images = scan::image_names(&targets);
    let message = |what: &str, on: &[&super::TargetImage]| {
        let images = if on.is_empty() {
            images.clone()
        } else {
            scan::image_names(on)
        };
        format!("`{what}` is a CloudFormation helper only Amazon Linux ships; {images} has none")
    };
    let help = "install aws-cfn-bootstrap before using it (`pip3 install https://s3.amazonaws.com/cloudformation-examples/aws-cfn-bootstrap-py3-latest.tar.gz`; the helpers land in /usr/local/bin, not /opt/aws/bin), or run this machine on amazon-linux-2023";
    // Where the helpers get installed: by the manifests, or by a shell provisioner (its step).
    let by_puppet = p.manifests.iter().any(|m| {
        m.tokens().tokens.iter().any(|t| {
            matches!(
                t.kind,
                TokenKind::SqString | TokenKind::DqString | TokenKind::Word | TokenKind::HeredocBody
            ) && m.source.text[t.span.range()].contains(PACKAGE)
        })
    });
    let installs = Regex::new(r"\b(?:install|localinstall)\b[^\n]*aws-cfn-bootstrap").expect("regex");
    let by_shell = p
        .scripts
        .iter()
        .filter(|s| installs.is_match(&s.text))
        .map(|s| s.step)
        .min();
    let puppet_step = p.first_puppet_step();
    let mut out = Vec::new();
    let manifests_covered = by_puppet || matches!((by_shell, puppet_step), (Some(i), Some(j)) if i < j);
    if !manifests_covered {
        for m in &p.manifests {
            let guards = p.guards(m);
            // An exec's title is only a name when it has a `command`.
            let names: Vec<_> = scan::resources(m)
                .into_iter()
                .filter(|r| r.type_name == "exec" && r.attr("command").is_some())
                .map(|r| r.body.title.span)
                .collect();
            for t in m.tokens().tokens.iter().filter(|t| {
                matches!(
                    t.kind,
                    TokenKind::SqString | TokenKind::DqString | TokenKind::Word | TokenKind::HeredocBody
                ) && !names.iter().any(|n| n.start <= t.span.start && t.span.end <= n.end)
            }) {
                let at = t.span.start as usize;
                let on: Vec<&super::TargetImage> = targets
                    .iter()
                    .copied()
                    .filter(|x| guards.runs_on(at, &x.image))
                    .collect();
                if on.is_empty() {
                    continue;
                }
                for c in helper().captures_iter(&m.source.text[t.span.range()]) {
                    let g = c.get(1).expect("group");
                    out.push(
                        p.at(
                            CHECK.name,
                            Severity::Error,
                            &m.source,
                            at + g.start(),
                            at + g.end(),
                            message(g.as_str(), &on),
                        )
                        .with_help(help),
                    );
                }
            }
        }
        for t in &p.templates {
            for c in helper().captures_iter(&t.text) {
                let g = c.get(1).expect("group");
                out.push(
                    p.at(
                        CHECK.name,
                        Severity::Error,
                        t,
                        g.start(),
                        g.end(),
                        message(g.as_str(), &[]),
                    )
                    .with_help(help),
                );
            }
        }
    }
    for s in &p.scripts {
        if by_shell.is_some_and(|i| i <= s.step) {
            continue;
        }
        for (at, line) in scan::code_lines(&s.text) {
            for c in helper().captures_iter(line) {
                let g = c.get(1).expect("group");
                out.push(
                    p.in_script(
                        CHECK.name,
                        Severity::Error,
                        s,
                        at + g.start(),
                        at + g.end(),
                        message(g.as_str(), &[]),
                    )
                    .with_help(help),
                );
            }
        }
    }
    out
}
