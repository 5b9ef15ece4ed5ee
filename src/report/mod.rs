//! Output formats for problems.

pub mod log_format;
