//! What puppet-lint 3.0.1 says about each check in its SARIF report: the
//! `description` and `help_uri` its plugins attach to their problems (taken
//! from its source, its typos and an uninterpolated `#{character_count}`
//! kept).

/// `(check, description, help URI)`, in puppet-lint's order.
pub const DESCRIPTIONS: &[(&str, &str, Option<&str>)] = &[
    ("arrow_on_right_operand_line", "Test the manifest tokens for chaining arrow that is on the line of the left operand when the right operand is on another line.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#chaining-arrow-syntax")),
    ("autoloader_layout", "Test the manifest tokens for any classes or defined types that are not in an appropriately named file for the autoloader to detect and record an error of each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#separate-files")),
    ("class_inherits_from_params_class", "Check the manifest tokens for any classes that inherit a params subclass and record a warning for each instance found.", None),
    ("code_on_top_scope", "Test that no code is outside of a class or define scope.", None),
    ("inherits_across_namespaces", "Test the manifest tokens for any classes that inherit across namespaces and record a warning for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#class-inheritance")),
    ("names_containing_dash", "Check the manifest tokens for any classes or defined types that have a dash in their name and record an error for each instance found.", None),
    ("names_containing_uppercase", "Find and warn about module names with illegal uppercase characters.", Some("https://puppet.com/docs/puppet/latest/modules_fundamentals.html#allowed-module-names")),
    ("nested_classes_or_defines", "Test the manifest tokens for any classes or defined types that are defined inside another class.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#nested-classes-or-defined-types")),
    ("parameter_order", "Test the manifest tokens for any parameterised classes or defined types that take parameters and record a warning if there are any optional parameters listed before required parameters.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#display-order-of-parameters")),
    ("right_to_left_relationship", "Test the manifest tokens for any right-to-left (<-) chaining operators and record a warning for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#chaining-arrow-syntax")),
    ("variable_scope", "Test the manifest tokens for any variables that are referenced in the manifest. If the variables are not fully qualified or one of the variables automatically created in the scope, check that they have been defined in the local scope and record a warning for each variable that has not.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#namespacing-variables")),
    ("slash_comments", "Check the manifest tokens for any comments started with slashes (//) and record a warning for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#comments")),
    ("star_comments", "Check the manifest tokens for any comments encapsulated with slash-asterisks (/* */) and record a warning for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#comments")),
    ("case_without_default", "Test the manifest tokens for any case statements that do not contain a \"default\" case and record a warning for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#defaults-for-case-statements-and-selectors")),
    ("selector_inside_resource", "Test the manifest tokens for any selectors embedded within resource declarations and record a warning for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#keep-resource-declarations-simple")),
    ("documentation", "Check the manifest tokens for any class or defined type that does not have a comment directly above it (hopefully, explaining the usage of it) and record a warning for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#public-and-private")),
    ("unquoted_node_name", "Check the manifest for unquoted node names and record a warning for each instance found.", None),
    ("duplicate_params", "Check the tokens of each resource instance for any duplicate parameters and record a warning for each instance found.", None),
    ("ensure_first_param", "Check the tokens of each resource instance for an ensure parameter and if found, check that it is the first parameter listed.  If it is not the first parameter, record a warning.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#attribute-ordering")),
    ("ensure_not_symlink_target", "Check the tokens of each File resource instance for an ensure parameter and record a warning if the value of that parameter looks like a symlink target (starts with a '/').", Some("https://puppet.com/docs/puppet/latest/style_guide.html#symbolic-links")),
    ("file_mode", "Check the tokens of each File resource instance for a mode parameter and if found, record a warning if the value of that parameter is not a 4 digit octal value (0755) or a symbolic mode ('o=rwx,g\\+r').", Some("https://puppet.com/docs/puppet/latest/style_guide.html#file-modes")),
    ("unquoted_file_mode", "Check the tokens of each File resource instance for a mode parameter and if found, record a warning if the value of that parameter is not a quoted string.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#file-modes")),
    ("unquoted_resource_title", "Check the manifest tokens for any resource titles / namevars that are not quoted and record a warning for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#resource-names")),
    ("double_quoted_strings", "Check the manifest tokens for any double quoted strings that don't contain any variables or common escape characters and record a warning for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#quoting")),
    ("only_variable_string", "Check the manifest tokens for double quoted strings that contain a single variable only and record a warning for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#quoting")),
    ("puppet_url_without_modules", "Check the manifest tokens for any puppet:// URL strings where the path section doesn't start with modules/ and record a warning for each instance found.", None),
    ("quoted_booleans", "Check the manifest tokens for any double or single quoted strings containing only a boolean value and record a warning for each instance found.", None),
    ("single_quote_string_with_variables", "Check the manifest tokens for any single quoted strings containing a enclosed variable and record an error for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#quoting")),
    ("variables_not_enclosed", "Check the manifest tokens for any variables in a string that have not been enclosed by braces ({}) and record a warning for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#quoting")),
    ("variable_contains_dash", "Test the manifest tokens for variables that contain a dash and record a warning for each instance found.", None),
    ("variable_is_lowercase", "Test the manifest tokens for variables that contain an uppercase letter and record a warning for each instance found.", None),
    ("140chars", "Test the raw manifest string for lines containing more than #{character_count} characters and record a warning for each instance found. The only exceptions to this rule are lines containing URLs and template() calls which would hurt readability if split.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#spacing-indentation-and-whitespace")),
    ("2sp_soft_tabs", "Check the manifest tokens for any indentation not using 2 space soft tabs and record an error for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#spacing-indentation-and-whitespace")),
    ("80chars", "Test the raw manifest string for lines containing more than #{character_count} characters and record a warning for each instance found. The only exceptions to this rule are lines containing URLs and template() calls which would hurt readability if split.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#spacing-indentation-and-whitespace")),
    ("arrow_alignment", "Check the manifest tokens for any arrows (=>) in a grouping ({}) that are not aligned with other arrows in that grouping.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#spacing-indentation-and-whitespace")),
    ("hard_tabs", "Check the raw manifest string for lines containing hard tab characters and record an error for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#spacing-indentation-and-whitespace")),
    ("trailing_whitespace", "Check the manifest tokens for lines ending with whitespace and record an error for each instance found.", Some("https://puppet.com/docs/puppet/latest/style_guide.html#spacing-indentation-and-whitespace")),
];

/// The description of syntax errors.
pub const SYNTAX: &str = "Check for any syntax error and record an error of each instance found.";

/// The description and help URI puppet-lint gives `check`'s problems.
pub fn describe(check: &str) -> Option<(&'static str, Option<&'static str>)> {
    if check == "syntax" {
        return Some((SYNTAX, None));
    }
    DESCRIPTIONS.iter().find(|d| d.0 == check).map(|d| (d.1, d.2))
}
