//! `environment.conf`: the settings Puppet reads from an environment's
//! directory (Puppet 7's `Puppet::Settings::EnvironmentConf`). Puppet ignores
//! what it does not know with a warning, and fails the environment on a value
//! it cannot use; each is a finding here, at its line.

use crate::diagnostic::{Diagnostic, Span};

/// The settings an environment may set.
const SETTINGS: [&str; 7] = [
    "modulepath",
    "manifest",
    "config_version",
    "environment_timeout",
    "environment_data_provider",
    "static_catalogs",
    "rich_data",
];

/// Every problem in one `environment.conf`.
pub fn validate(path: &str, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut offset = 0;
    // Inside a section other than `main`: Puppet ignores it whole (said once).
    let mut ignored = false;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let indent = body.len() - trimmed.len();
        let span = Span::new(start + indent, start + body.trim_end().len());
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(section) = trimmed.strip_prefix('[') {
            let name = section.trim_end().trim_end_matches(']');
            ignored = name != "main";
            if ignored {
                out.push(
                    Diagnostic::warning(
                        "environment-conf-section",
                        path,
                        Some(span),
                        format!(
                            "environment.conf may not have sections: Puppet ignores section '{name}' and what it holds"
                        ),
                    )
                    .with_help("put the settings at the top of the file, without a section"),
                );
            }
            continue;
        }
        if ignored {
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            out.push(Diagnostic::error(
                "environment-conf-syntax",
                path,
                Some(span),
                format!("cannot read '{}': a setting is `name = value`", trimmed.trim_end()),
            ));
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        let key_span = Span::new(start + indent, start + indent + key.len());
        if !SETTINGS.contains(&key) {
            out.push(
                Diagnostic::warning(
                    "environment-conf-unknown-setting",
                    path,
                    Some(key_span),
                    format!("unknown setting '{key}': Puppet ignores it in environment.conf"),
                )
                .with_help(format!("the settings an environment may set: {}", SETTINGS.join(", "))),
            );
            continue;
        }
        let problem = match key {
            "environment_timeout" if !is_ttl(value) => Some(format!(
                "invalid 'time to live' '{value}' for environment_timeout: Puppet fails to load the environment"
            )),
            "static_catalogs" | "rich_data" if value != "true" && value != "false" => {
                Some(format!("{key} is true or false, not '{value}'"))
            }
            "modulepath" | "manifest" if value.is_empty() => Some(format!("{key} is empty")),
            _ => None,
        };
        if let Some(message) = problem {
            let d = Diagnostic::error("environment-conf-value", path, Some(span), message);
            out.push(if key == "environment_timeout" {
                d.with_help("use 0 (read the code on every compile) or unlimited (cache until the server restarts)")
            } else {
                d
            });
        }
    }
    out
}

/// Puppet's time to live: `unlimited`, or digits with an optional unit y, d, h, m or s.
fn is_ttl(v: &str) -> bool {
    if v == "unlimited" {
        return true;
    }
    let digits = v.trim_end_matches(['y', 'd', 'h', 'm', 's']);
    v.len() - digits.len() <= 1 && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_to_live_as_puppet_reads_it() {
        for ok in ["0", "unlimited", "5m", "180", "3d"] {
            assert!(is_ttl(ok), "{ok}");
        }
        for bad in ["", "-1", "5 m", "5mm", "forever", "m"] {
            assert!(!is_ttl(bad), "{bad}");
        }
    }
}
