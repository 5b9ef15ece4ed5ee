//! ## What it does
//! Reports machines whose Vagrant box is a release past its end of life
//! (Ubuntu 10.04–18.04, Debian 8–10, CentOS 6–8, Amazon Linux 2, …) and says
//! which supported release the plan uses instead (`successor` in
//! `targets/images.toml`), pointing at the box in the Vagrantfile.
//!
//! ## Why is this bad on EC2?
//! AWS and the distributions stop publishing AMIs and security updates for
//! these releases. The machine is planned on the successor, whose packages,
//! Puppet version, init system and login user differ: the other checks run
//! against the successor, and the manifests need testing there.
//!
//! ## Example
//! ```ruby
//! config.vm.box = "hashicorp/precise64"
//! ```
//! Use instead:
//! ```toml
//! # puppetlift.toml: say which release the machine should become
//! [machines.default]
//! image = "ubuntu-22.04"
//! ```
//!
//! ## References
//! Ubuntu, "Ubuntu lifecycle and release cadence"; Debian, "Debian Long Term Support";
//! `targets/images.toml`.

use super::context::Context;
use super::Check;
use crate::diagnostic::Diagnostic;

/// The check.
pub const CHECK: Check = Check {
    name: "end-of-life-image",
    source: include_str!("end_of_life_image.rs"),
    stops_build: true,
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    super::plan_findings(p, CHECK.name)
}
