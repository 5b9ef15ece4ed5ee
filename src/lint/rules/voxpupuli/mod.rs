//! The checks of the Vox Pupuli plugin set (`voxpupuli-puppet-lint-plugins`
//! 7.0.0, the gems Vox Pupuli modules lint with), one file per plugin gem,
//! under the names, kinds and messages the gems give them. Off unless the set
//! is turned on (`--plugins voxpupuli`) or a check is named.
//!
//! `ALL` is in the order puppet-lint loads and runs them once installed: by
//! gem name, then by file in the gem, then in the file's order.

mod lookup_in_parameter;
mod optional_default;
mod param_docs;
mod param_types;
mod params;
mod params_empty_string;
mod params_not_optional_with_undef;

use crate::lint::Rule;

/// Every plugin check, in puppet-lint's order.
pub static ALL: &[Rule] = &[
    lookup_in_parameter::RULE,
    optional_default::RULE,
    param_docs::RULE,
    param_types::RULE,
    params_empty_string::RULE,
    params_not_optional_with_undef::RULE,
];
