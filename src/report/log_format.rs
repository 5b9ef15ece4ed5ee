//! puppet-lint's `--log-format`: a template with nine placeholders.

use super::formats::{basename, expand_path, Entry};
use crate::lint::Problem;

/// puppet-lint's default format.
pub const DEFAULT: &str = "%{KIND}: %{message} on line %{line} (check: %{check})";

/// puppet-lint's default format with `--with-filename`.
pub const WITH_FILENAME: &str = "%{path} - %{KIND}: %{message} on line %{line} (check: %{check})";

/// Fills `template` for one problem found in `path` (as given on the command line).
pub fn render(template: &str, path: &str, p: &Problem) -> String {
    render_entry(
        template,
        &Entry {
            path,
            problem: p,
            fixed: false,
        },
    )
}

/// Fills `template` for one problem to report (`%{kind}` is `fixed` or
/// `ignored` for those).
pub fn render_entry(template: &str, e: &Entry) -> String {
    let (path, p) = (e.path, e.problem);
    let kind = e.kind();
    let fullpath = expand_path(path);
    let filename = basename(path);
    let mut out = String::with_capacity(template.len() + 40);
    let mut rest = template;
    while let Some(at) = rest.find("%{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[at..]);
            rest = "";
            break;
        };
        let value = match &after[..end] {
            "filename" => filename.clone(),
            "path" => path.to_string(),
            "fullpath" => fullpath.clone(),
            "line" => p.line.to_string(),
            "column" => p.column.to_string(),
            "kind" => kind.to_string(),
            "KIND" => kind.to_uppercase(),
            "check" => p.check.to_string(),
            "message" => p.message.clone(),
            other => format!("%{{{other}}}"),
        };
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}
