//! puppetlift: take a Vagrant + Puppet setup to EC2.
//!
//! The library API: parse manifests ([`puppet::Manifest`]), find the files of a
//! project ([`project`]) and report [`diagnostic::Diagnostic`]s.

pub mod check;
pub mod diagnostic;
pub mod emit;
pub mod plan;
pub mod project;
pub mod puppet;
pub mod report;
pub mod vagrant;

pub use diagnostic::{Diagnostic, Severity, SourceFile, Span};
pub use puppet::Manifest;
