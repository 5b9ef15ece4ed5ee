//! ## What it does
//! Renders each machine's artifacts in memory, as `puppetlift build` would, and
//! measures each one as it reaches EC2: the user data inside `stack.json` as
//! plain text (CloudFormation passes a template's user data as a string, so it
//! cannot be gzip'd), `user-data.sh` and `cloud-config.yaml` gzip'd (the way
//! `run-instances.sh` hands them over; cloud-init unpacks gzip'd user data).
//! It reports those over EC2's limit of 16,384 bytes.
//!
//! ## Why is this bad on EC2?
//! EC2 refuses to launch an instance with larger user data
//! (`InvalidParameterValue: User data is limited to 16384 bytes`). With
//! `embed` delivery the project's code travels inside the user data, so a few
//! large files (vendored modules, binaries under `files/`) are enough. The
//! default delivery, `auto`, embeds only code that fits and otherwise puts it
//! in S3; then only a boot script that is large by itself (long inline shell
//! provisioners) is reported.
//!
//! ## Example
//! ```toml
//! # puppetlift.toml
//! [delivery]
//! mode = "embed"
//! ```
//! Use instead:
//! ```toml
//! [delivery]
//! mode = "auto"   # the default: S3 when the code does not fit
//! ```
//! or `mode = "git"` with `repository = "git@github.com:acme/ops.git"`.
//!
//! ## References
//! Amazon EC2 User Guide, "Run commands when you launch an EC2 instance with
//! user data input" (the 16 KB limit); cloud-init, "User-Data Formats" (gzip
//! compressed content); AWS CloudFormation, `AWS::EC2::Instance` `UserData`
//! and `Fn::Base64` (a string).

use super::context::Context;
use super::Check;
use crate::diagnostic::Diagnostic;

/// The check.
pub const CHECK: Check = Check {
    name: "user-data-too-large",
    source: include_str!("user_data_too_large.rs"),
    stops_build: true,
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    super::plan_findings(p, CHECK.name)
}
