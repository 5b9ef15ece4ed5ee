//! The rules, one file each; `ALL` lists them in puppet-lint's order.

pub mod arrow_alignment;
mod arrow_on_right_operand_line;
mod autoloader_layout;
mod case_without_default;
mod code_on_top_scope;
mod definition_names;
mod documentation;
mod double_quoted_strings;
mod duplicate_params;
mod ensure_first_param;
mod ensure_not_symlink_target;
mod file_mode;
mod hard_tabs;
mod inheritance;
pub mod legacy_facts;
mod line_length;
mod nested_classes_or_defines;
mod only_variable_string;
mod parameter_order;
mod puppet_url_without_modules;
mod quoted_booleans;
mod right_to_left_relationship;
mod selector_inside_resource;
mod single_quote_string_with_variables;
mod slash_comments;
pub mod space_before_arrow;
mod star_comments;
pub mod top_scope_facts;
mod trailing_whitespace;
mod two_space_soft_tabs;
mod unquoted_node_name;
mod unquoted_resource_title;
mod variable_names;
mod variable_scope;
mod variables_not_enclosed;
pub mod voxpupuli;

use super::Rule;

/// How many of [`ALL`] are puppet-lint 3.0.1's checks (all of them, first, in
/// its order). The rest came later upstream (puppet-lint 3.1 to 5.x): the
/// conformance tests against puppet-lint 3.0.1 leave them out.
pub const PUPPET_LINT_3_0_1: usize = 37;

/// Every rule puppetlift has, in the order puppet-lint runs (and reports) them:
/// puppet-lint 3.0.1's checks, then the later upstream ones.
pub static ALL: &[Rule] = &[
    arrow_on_right_operand_line::RULE,
    autoloader_layout::RULE,
    inheritance::FROM_PARAMS,
    code_on_top_scope::RULE,
    inheritance::ACROSS_NAMESPACES,
    definition_names::DASH,
    definition_names::UPPERCASE,
    nested_classes_or_defines::RULE,
    parameter_order::RULE,
    right_to_left_relationship::RULE,
    variable_scope::RULE,
    slash_comments::RULE,
    star_comments::RULE,
    case_without_default::RULE,
    selector_inside_resource::RULE,
    documentation::RULE,
    unquoted_node_name::RULE,
    duplicate_params::RULE,
    ensure_first_param::RULE,
    ensure_not_symlink_target::RULE,
    file_mode::FORMAT,
    file_mode::UNQUOTED,
    unquoted_resource_title::RULE,
    double_quoted_strings::RULE,
    only_variable_string::RULE,
    puppet_url_without_modules::RULE,
    quoted_booleans::RULE,
    single_quote_string_with_variables::RULE,
    variables_not_enclosed::RULE,
    variable_names::DASH,
    variable_names::LOWERCASE,
    line_length::CHARS_140,
    two_space_soft_tabs::RULE,
    line_length::CHARS_80,
    arrow_alignment::RULE,
    hard_tabs::RULE,
    trailing_whitespace::RULE,
    // Later upstream checks.
    legacy_facts::RULE,
    top_scope_facts::RULE,
    space_before_arrow::RULE,
];
