//! ## What it does
//! Renders the CloudFormation template (`stack.json`) in memory, as
//! `puppetlift build` would, and reports it when it is over the 51,200 bytes
//! CloudFormation accepts inline.
//!
//! ## Why is this bad on EC2?
//! `aws cloudformation deploy --template-file` and `create-stack
//! --template-body` refuse a larger template. Every machine's user data is in
//! it, so embedded code in a multi-machine project gets there quickly.
//!
//! ## Example
//! ```sh
//! aws cloudformation deploy --template-file stack.json --stack-name app
//! ```
//! Use instead:
//! ```sh
//! aws cloudformation deploy --template-file stack.json --stack-name app --s3-bucket my-templates
//! ```
//!
//! ## References
//! AWS CloudFormation User Guide, "CloudFormation quotas" (template body size).

use super::context::Context;
use super::Check;
use crate::diagnostic::Diagnostic;

/// The check.
pub const CHECK: Check = Check {
    name: "template-too-large",
    source: include_str!("template_too_large.rs"),
    stops_build: true,
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    super::plan_findings(p, CHECK.name)
}
