//! The checks of the Vox Pupuli plugin set (`voxpupuli-puppet-lint-plugins`
//! 7.0.0, the gems Vox Pupuli modules lint with), one file per plugin gem,
//! under the names, kinds and messages the gems give them. Off unless the set
//! is turned on (`--plugins voxpupuli`) or a check is named.
//!
//! `ALL` is in the order puppet-lint loads and runs them once installed: by
//! gem name, then by file in the gem, then in the file's order.

pub mod manifest_whitespace;
pub mod manifest_whitespace_arrows;
pub mod manifest_whitespace_class;
pub mod manifest_whitespace_closing;
pub mod manifest_whitespace_lines;
pub mod manifest_whitespace_opening;

use crate::lint::Rule;

/// Every plugin check, in puppet-lint's order.
pub static ALL: &[Rule] = &[
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
];
