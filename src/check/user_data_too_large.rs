//! ## What it does
//! Renders each machine's `user-data.sh` and `cloud-config.yaml` in memory, as
//! `puppetlift build` would, and reports those over EC2's limit of 16,384
//! bytes.
//!
//! ## Why is this bad on EC2?
//! EC2 refuses to launch an instance with larger user data
//! (`InvalidParameterValue: User data is limited to 16384 bytes`). With the
//! default `embed` delivery the project's code travels inside the user data,
//! so a few large files (vendored modules, binaries under `files/`) are enough.
//!
//! ## Example
//! ```toml
//! # puppetlift.toml: the default
//! [delivery]
//! mode = "embed"
//! ```
//! Use instead:
//! ```toml
//! [delivery]
//! mode = "git"
//! repository = "git@github.com:acme/ops.git"
//! ```
//!
//! ## References
//! Amazon EC2 User Guide, "Run commands when you launch an EC2 instance with
//! user data input" (the 16 KB limit); cloud-init, "User data formats" (gzip).

use super::context::Context;
use super::Check;
use crate::diagnostic::Diagnostic;

/// The check.
pub const CHECK: Check = Check {
    name: "user-data-too-large",
    source: include_str!("user_data_too_large.rs"),
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    super::plan_findings(p, CHECK.name)
}
