//! The checks of the Vox Pupuli plugin set (`voxpupuli-puppet-lint-plugins`
//! 7.0.0, the gems Vox Pupuli modules lint with), one file per plugin gem,
//! under the names, kinds and messages the gems give them. Off unless the set
//! is turned on (`--plugins voxpupuli`) or a check is named.
//!
//! `ALL` is in the order puppet-lint loads and runs them once installed: by
//! gem name, then by file in the gem, then in the file's order.

mod absolute_classname;
mod anchor;
mod exec_idempotency;
mod file_ensure;
mod leading_zero;
mod lookup_in_parameter;
mod manifest_whitespace;
mod manifest_whitespace_arrows;
mod manifest_whitespace_class;
mod manifest_whitespace_closing;
mod manifest_whitespace_lines;
mod manifest_whitespace_opening;
mod optional_default;
mod package_ensure;
mod param_docs;
mod param_types;
mod params;
mod params_empty_string;
mod params_not_optional_with_undef;
mod resource_reference_syntax;
mod strict_indent;
mod topscope_variable;
mod trailing_comma;
mod unquoted_string;
mod variable_contains_upcase;
mod version_comparison;

use crate::lint::Rule;

/// Every plugin check, in puppet-lint's order.
pub static ALL: &[Rule] = &[
    absolute_classname::INCLUSION,
    absolute_classname::REFERENCE,
    anchor::RULE,
    exec_idempotency::RULE,
    file_ensure::RULE,
    leading_zero::RULE,
    lookup_in_parameter::RULE,
    manifest_whitespace_arrows::ARROWS_SINGLE_SPACE_AFTER,
    manifest_whitespace_class::INHERITS_NAME_SINGLE_SPACE_BEFORE,
    manifest_whitespace_class::CLASS_NAME_SINGLE_SPACE_BEFORE,
    manifest_whitespace_class::CLASS_NAME_SINGLE_SPACE_AFTER,
    manifest_whitespace_closing::CLOSING_BRACE_BEFORE,
    manifest_whitespace_closing::CLOSING_BRACE_AFTER,
    manifest_whitespace_closing::CLOSING_BRACKET_BEFORE,
    manifest_whitespace_closing::CLOSING_BRACKET_AFTER,
    manifest_whitespace_lines::TWO_EMPTY_LINES,
    manifest_whitespace_lines::NEWLINE_BEGINNING_OF_FILE,
    manifest_whitespace_lines::MISSING_NEWLINE_END_OF_FILE,
    manifest_whitespace_lines::DOUBLE_NEWLINE_END_OF_FILE,
    manifest_whitespace_opening::OPENING_BRACE_BEFORE,
    manifest_whitespace_opening::OPENING_BRACE_AFTER,
    manifest_whitespace_opening::OPENING_BRACKET_BEFORE,
    manifest_whitespace_opening::OPENING_BRACKET_AFTER,
    optional_default::RULE,
    package_ensure::RULE,
    param_docs::RULE,
    param_types::RULE,
    params_empty_string::RULE,
    params_not_optional_with_undef::RULE,
    resource_reference_syntax::CHAIN_WITHOUT_WHITESPACE,
    resource_reference_syntax::WITH_UNQUOTED_TITLE,
    resource_reference_syntax::WITHOUT_TITLE_CAPITAL,
    resource_reference_syntax::WITHOUT_WHITESPACE,
    strict_indent::RULE,
    topscope_variable::RULE,
    trailing_comma::RULE,
    unquoted_string::IN_CASE,
    unquoted_string::IN_SELECTOR,
    variable_contains_upcase::RULE,
    version_comparison::RULE,
];
