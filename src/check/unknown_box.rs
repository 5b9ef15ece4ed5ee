//! ## What it does
//! Reports machines whose Vagrant box puppetlift cannot map to an operating
//! system (`targets/images.toml`), and points at the box in the Vagrantfile.
//! The plan leaves such machines out: nothing is built for them.
//!
//! ## Why is this bad on EC2?
//! An EC2 instance needs an AMI, and the manifests were written for the box's
//! distribution. Guessing one (the newest Ubuntu, say) would hide every other
//! check's findings behind the wrong facts, so puppetlift asks instead.
//!
//! ## Example
//! ```ruby
//! config.vm.box = "acme/base-2019"
//! ```
//! Use instead:
//! ```toml
//! # puppetlift.toml
//! [machines.default]
//! image = "ubuntu-22.04"   # what acme/base-2019 was built from
//! ```
//!
//! ## References
//! puppetlift README, `puppetlift.toml` (`[machines.NAME] image`); `targets/images.toml`.

use super::context::Context;
use super::Check;
use crate::diagnostic::Diagnostic;

/// The check.
pub const CHECK: Check = Check {
    name: "unknown-box",
    source: include_str!("unknown_box.rs"),
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    super::plan_findings(p, CHECK.name)
}
