//! ## What it does
//! Reports machines whose Vagrant box puppetlift cannot map to an operating
//! system, and points at the box in the Vagrantfile. puppetlift reads what the
//! box's name says (a distribution or codename and its release: `precise64`,
//! `centos-6.5-x86_64`, `ubuntu-server-12042`, `bento/debian-10`), then its
//! `box_url`, then the provider blocks (vagrant-aws's `dummy` box: the `:aws`
//! block's AMI and login user); the words are in `targets/images.toml`.
//! When nothing says the operating system, this is an error: the plan leaves the
//! machine out and its code is not checked. When the box names its distribution
//! but not the release (`centos`, `debian`), this is a warning: the machine is
//! planned and checked on the distribution's current row, as the message says.
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
    stops_build: true,
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    super::plan_findings(p, CHECK.name)
}
