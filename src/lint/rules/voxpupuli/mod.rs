//! The checks of the Vox Pupuli plugin set (`voxpupuli-puppet-lint-plugins`
//! 7.0.0, the gems Vox Pupuli modules lint with), one file per plugin gem,
//! under the names, kinds and messages the gems give them. Off unless the set
//! is turned on (`--plugins voxpupuli`) or a check is named.
//!
//! `ALL` is in the order puppet-lint loads and runs them once installed: by
//! gem name, then by file in the gem, then in the file's order.

mod anchor;
mod exec_idempotency;
mod file_ensure;
mod leading_zero;
mod package_ensure;
mod strict_indent;
mod trailing_comma;
mod unquoted_string;
mod version_comparison;

use crate::lint::Rule;

/// Every plugin check, in puppet-lint's order.
pub static ALL: &[Rule] = &[
    anchor::RULE,
    exec_idempotency::RULE,
    file_ensure::RULE,
    leading_zero::RULE,
    package_ensure::RULE,
    strict_indent::RULE,
    trailing_comma::RULE,
    unquoted_string::IN_CASE,
    unquoted_string::IN_SELECTOR,
    version_comparison::RULE,
];
