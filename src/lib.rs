//! puppetlift: take a Vagrant + Puppet setup to EC2.
//!
//! The rooms, in the order data flows through them: the front ends
//! ([`puppet`], [`vagrant`]) parse; [`project`] loads one project once; [`plan`]
//! turns it into a [`plan::Plan`]; [`emit`] renders the plan's targets;
//! [`check`] finds what breaks on the way to EC2; [`lint`] is puppet-lint's
//! checks. [`diagnostic`] is the one finding type, [`report`] its output formats,
//! [`files`] the only way in and out of the file system.

pub mod check;
pub mod diagnostic;
pub mod emit;
pub mod explain;
pub mod files;
pub mod lint;
pub mod plan;
pub mod project;
pub mod puppet;
pub mod puppetfile;
pub mod report;
pub mod secrets;
pub mod settings;
pub mod vagrant;
pub mod validate;
pub mod yaml;

pub use diagnostic::{Diagnostic, Severity, SourceFile, Span};
pub use puppet::Manifest;
