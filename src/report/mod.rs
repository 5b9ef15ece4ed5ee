//! Output formats for problems.

pub mod formats;
pub mod log_format;
