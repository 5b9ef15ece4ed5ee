//! Output formats for problems.

pub mod diagnostics;
pub mod formats;
pub mod log_format;
