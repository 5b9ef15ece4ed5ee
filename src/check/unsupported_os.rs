//! ## What it does
//! Reports machines whose Vagrant box is an operating system puppetlift cannot
//! target — Windows, the BSDs, openSUSE and SUSE, macOS, Arch Linux, Gentoo,
//! Alpine, Solaris and its kin — naming the family the box's name says
//! (`[unsupported]` in `targets/images.toml`). The plan leaves such machines out.
//!
//! ## Why is this bad on EC2?
//! puppetlift plans Linux instances that install Puppet with apt or dnf and run
//! a bash boot script: Debian, Ubuntu, RHEL and its rebuilds, Fedora and Amazon
//! Linux. A Windows or BSD box needs another boot mechanism (EC2Launch,
//! PowerShell user data) and another Puppet install, so nothing is built for it;
//! saying so by name is clearer than calling the box unknown.
//!
//! ## Example
//! ```ruby
//! config.vm.define "build" do |b|
//!   b.vm.box = "example/windows-server-2019"
//! end
//! ```
//! Use instead: keep the machine out of the Vagrantfile puppetlift converts
//! (behind an `if`, or in a Vagrantfile of its own), or, if the box is in fact
//! Linux despite its name, say which image it is:
//! ```toml
//! # puppetlift.toml
//! [machines.build]
//! image = "debian-12"
//! ```
//!
//! ## References
//! `targets/images.toml` (`[unsupported]`); puppetlift README, `[machines.NAME] image`.

use super::context::Context;
use super::Check;
use crate::diagnostic::Diagnostic;

/// The check.
pub const CHECK: Check = Check {
    name: "unsupported-os",
    source: include_str!("unsupported_os.rs"),
    stops_build: true,
    run,
};

fn run(p: &Context) -> Vec<Diagnostic> {
    super::plan_findings(p, CHECK.name)
}
