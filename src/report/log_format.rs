//! puppet-lint's `--log-format`: a template with nine placeholders.

use crate::check::Problem;
use std::path::Path;

/// puppet-lint's default format.
pub const DEFAULT: &str = "%{KIND}: %{message} on line %{line} (check: %{check})";

/// puppet-lint's default format with `--with-filename`.
pub const WITH_FILENAME: &str = "%{path} - %{KIND}: %{message} on line %{line} (check: %{check})";

/// Fills `template` for one problem found in `path` (as given on the command line).
pub fn render(template: &str, path: &str, p: &Problem) -> String {
    let kind = if p.ignored.is_some() {
        "ignored"
    } else {
        p.kind.as_str()
    };
    let fullpath = std::fs::canonicalize(path)
        .map(|f| f.display().to_string())
        .unwrap_or_else(|_| path.to_string());
    let filename = Path::new(path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
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
