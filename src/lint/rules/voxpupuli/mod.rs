//! The checks of the Vox Pupuli plugin set (`voxpupuli-puppet-lint-plugins`
//! 7.0.0, the gems Vox Pupuli modules lint with), one file per plugin gem,
//! under the names, kinds and messages the gems give them. Off unless the set
//! is turned on (`--plugins voxpupuli`) or a check is named.
//!
//! `ALL` is in the order puppet-lint loads and runs them once installed: by
//! gem name, then by file in the gem, then in the file's order.

pub mod absolute_classname;
pub mod resource_reference_syntax;
pub mod topscope_variable;
pub mod variable_contains_upcase;

use crate::lint::Rule;

/// Every plugin check, in puppet-lint's order.
pub static ALL: &[Rule] = &[
    absolute_classname::INCLUSION,
    absolute_classname::REFERENCE,
    resource_reference_syntax::CHAIN_WITHOUT_WHITESPACE,
    resource_reference_syntax::WITH_UNQUOTED_TITLE,
    resource_reference_syntax::WITHOUT_TITLE_CAPITAL,
    resource_reference_syntax::WITHOUT_WHITESPACE,
    topscope_variable::RULE,
    variable_contains_upcase::RULE,
];
