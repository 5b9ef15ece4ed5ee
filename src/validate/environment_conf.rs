//! `environment.conf`: what Puppet 7 makes of an environment's settings file
//! (`Puppet::Settings::EnvironmentConf`, read by `Puppet::Settings::IniFile`
//! and `ConfigFile`), and PDK's control-repository check of it.
//!
//! Errors: what makes Puppet fail to load the environment (a line that is
//! neither a setting, a section, a comment nor blank; file options it cannot
//! read; an `environment_timeout` that is no time to live), and what PDK's
//! `environment-conf` validator refuses: sections and settings Puppet ignores
//! (Puppet only warns), an `environment_timeout` other than `0` or
//! `unlimited`. Warnings: what Puppet takes silently but not as written (a
//! setting given twice: the first wins; a boolean that is not `true` or
//! `false`; an empty path).
//!
//! PDK also refuses `static_catalogs`, `rich_data` and
//! `environment_data_provider`, which Puppet 7 reads from environment.conf
//! (`EnvironmentConf::VALID_SETTINGS`): those follow Puppet here.

use crate::diagnostic::{Diagnostic, Span};

/// The settings an environment may set (Puppet's `VALID_SETTINGS`).
const SETTINGS: [&str; 7] = [
    "modulepath",
    "manifest",
    "config_version",
    "environment_timeout",
    "environment_data_provider",
    "static_catalogs",
    "rich_data",
];

/// One line of the file, as Puppet's ini reader classifies it.
enum Line<'a> {
    /// Blank, or a `#` comment.
    Nothing,
    /// `[name]`
    Section(&'a str),
    /// `name = value`: the name and the value as written (trimmed).
    Setting(&'a str, &'a str),
    /// Anything else: Puppet's "Could not match line".
    Unmatched,
}

/// Ruby's `[[:word:]]`, nearly: letters and digits of any script and `_`
/// (Ruby also takes combining marks and other connector punctuation).
fn is_ini_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Ruby's `\s`: ASCII blanks only (a no-break space is text to Puppet).
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

fn classify(line: &str) -> Line<'_> {
    let t = line.trim_matches(is_blank);
    if t.is_empty() || t.starts_with('#') {
        return Line::Nothing;
    }
    if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        if !name.is_empty() && name.chars().all(is_ini_word) {
            return Line::Section(name);
        }
    }
    match t.split_once('=') {
        Some((name, value)) => {
            let name = name.trim_end_matches(is_blank);
            if !name.is_empty() && name.chars().all(is_ini_word) {
                Line::Setting(name, value.trim_matches(is_blank))
            } else {
                Line::Unmatched
            }
        }
        None => Line::Unmatched,
    }
}

/// What Puppet's `ValueTranslator` leaves of a value: a leading and a
/// trailing quote removed (each on its own), and the file options
/// (`{owner = x, group = y, mode = 0644}`) taken out; `Err` with Puppet's
/// words when the options are not ones it reads.
fn value_of(written: &str) -> Result<String, String> {
    let mut v = written;
    v = v.strip_prefix(['"', '\'']).unwrap_or(v);
    v = v.strip_suffix(['"', '\'']).unwrap_or(v);
    let v = v.trim_end_matches(is_blank);
    // `sub(/\{\s*([^}]+)\s*\}/)`: the first braces with something inside.
    let Some(open) = v
        .char_indices()
        .find(|&(i, c)| c == '{' && v[i + 1..].find('}').is_some_and(|j| j > 0))
        .map(|(i, _)| i)
    else {
        return Ok(v.to_string());
    };
    let close = open + 1 + v[open + 1..].find('}').unwrap_or(0);
    // Ruby's `split` drops empty pieces at the end.
    let inside = v[open + 1..close]
        .trim_matches(is_blank)
        .trim_end_matches(|c| c == ',' || is_blank(c));
    for option in inside.split(',') {
        let Some((name, value)) = option.split_once('=') else {
            return Err(format!("Could not parse '{v}'"));
        };
        let (name, value) = (name.trim_matches(is_blank), value.trim_matches(is_blank));
        let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !word(name) || !word(value) {
            return Err(format!("Could not parse '{v}'"));
        }
        if !["owner", "group", "mode"].contains(&name) {
            return Err(format!("Invalid file option '{name}'"));
        }
        if name == "mode" && !value.chars().all(|c| c.is_ascii_digit()) {
            return Err("File modes must be numbers".into());
        }
    }
    Ok(format!("{}{}", &v[..open], &v[close + 1..])
        .trim_end_matches(is_blank)
        .to_string())
}

/// A string as Ruby's `String#inspect` writes it (for one line of text).
fn inspect(s: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '#' if matches!(chars.peek(), Some('{' | '$' | '@')) => out.push_str("\\#"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Puppet's time to live: `unlimited`, or digits with an optional unit y, d, h, m or s.
fn is_ttl(v: &str) -> bool {
    if v == "unlimited" {
        return true;
    }
    let digits = v.strip_suffix(['y', 'd', 'h', 'm', 's']).unwrap_or(v);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

/// Every problem in one `environment.conf`.
pub fn validate(path: &str, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut offset = 0;
    // Puppet reads the settings before the first section and in `[main]`.
    let mut in_main = true;
    let mut seen: Vec<&str> = Vec::new();
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let indent = line.len() - line.trim_start_matches(is_blank).len();
        let span = Span::new(start + indent, start + line.trim_end_matches(is_blank).len());
        let (name, written) = match classify(line) {
            Line::Nothing => continue,
            Line::Unmatched => {
                out.push(
                    Diagnostic::error(
                        "environment-conf-syntax",
                        path,
                        Some(span),
                        format!("Could not match line {}", line.trim_end_matches(is_blank)),
                    )
                    .with_help(
                        "a setting is `name = value` (a name of letters, digits and `_`); a comment starts with `#`",
                    ),
                );
                continue;
            }
            Line::Section(name) => {
                in_main = name == "main";
                if !in_main {
                    out.push(
                        Diagnostic::error(
                            "environment-conf-section",
                            path,
                            Some(span),
                            format!("environment.conf may not have sections: Puppet ignores section '{name}' and what it holds"),
                        )
                        .with_help("put the settings at the top of the file, without a section"),
                    );
                }
                continue;
            }
            Line::Setting(name, value) => (name, value),
        };
        let value = match value_of(written) {
            Ok(v) => v,
            Err(message) => {
                out.push(Diagnostic::error("environment-conf-value", path, Some(span), message));
                continue;
            }
        };
        if !in_main {
            continue;
        }
        let name_span = Span::new(start + indent, start + indent + name.len());
        if !SETTINGS.contains(&name) {
            out.push(
                Diagnostic::error(
                    "environment-conf-unknown-setting",
                    path,
                    Some(name_span),
                    format!("unknown setting '{name}': Puppet ignores it in environment.conf"),
                )
                .with_help(format!("the settings an environment may set: {}", SETTINGS.join(", "))),
            );
            continue;
        }
        if seen.contains(&name) {
            out.push(
                Diagnostic::warning(
                    "environment-conf-duplicate",
                    path,
                    Some(name_span),
                    format!("'{name}' is set twice: Puppet uses the first and ignores this one"),
                )
                .with_help("keep one line per setting"),
            );
            continue;
        }
        seen.push(name);
        // Puppet's translator takes `true`/`false` (any case) before it strips quotes.
        let boolean = written.eq_ignore_ascii_case("true") || written.eq_ignore_ascii_case("false");
        match name {
            "environment_timeout" if boolean || !is_ttl(&value) => {
                // Puppet shows the value as Ruby's inspect does.
                let shown = if boolean { value.to_ascii_lowercase() } else { inspect(&value) };
                out.push(
                    Diagnostic::error(
                        "environment-conf-value",
                        path,
                        Some(span),
                        format!("Invalid 'time to live' format '{shown}' for parameter: environment_timeout"),
                    )
                    .with_help("use 0 (read the code on every compile) or unlimited (cache until the server restarts)"),
                );
            }
            "environment_timeout" if value != "0" && value != "unlimited" => out.push(
                Diagnostic::error(
                    "environment-conf-timeout",
                    path,
                    Some(span),
                    format!("environment_timeout is '{value}': 0 or unlimited, or leave it unset"),
                )
                .with_help(
                    "a cache that expires after a time makes servers run old and new code at once; \
                     use 0 (read the code on every compile) or unlimited and flush the cache on deploy (PDK requires this)",
                ),
            ),
            "static_catalogs" | "rich_data" if !boolean => out.push(
                Diagnostic::warning(
                    "environment-conf-boolean",
                    path,
                    Some(span),
                    format!("{name} is '{value}': Puppet reads any value but false as true"),
                )
                .with_help("write true or false"),
            ),
            "modulepath" | "manifest" if value.is_empty() => out.push(
                Diagnostic::warning(
                    "environment-conf-empty",
                    path,
                    Some(span),
                    format!("{name} is empty: the environment gets no {}", if name == "manifest" { "main manifest" } else { "modules" }),
                )
                .with_help(format!("remove the line to get Puppet's default {name}")),
            ),
            _ => {}
        }
    }
    out
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

    #[test]
    fn values_as_puppets_translator_leaves_them() {
        assert_eq!(value_of("'site:modules\"").as_deref(), Ok("site:modules"));
        assert_eq!(value_of("5m {owner = puppet, mode = 0644}").as_deref(), Ok("5m"));
        assert_eq!(value_of("x {mode = rw}"), Err("File modes must be numbers".into()));
        assert_eq!(value_of("x {colour = red}"), Err("Invalid file option 'colour'".into()));
        assert_eq!(value_of("x {}").as_deref(), Ok("x {}"));
        assert_eq!(inspect(r#"10 m"in\ #{x}"#), r#""10 m\"in\\ \#{x}""#);
    }
}
