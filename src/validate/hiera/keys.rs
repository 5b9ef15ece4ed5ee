//! puppet-syntax's optional `check_hiera_keys`: a top-level key must be a
//! name Puppet's automatic parameter lookup can find (`class::param`).

use super::yaml::Node;
use crate::diagnostic::Diagnostic;

/// The finding for one top-level key, if its name is unusable.
pub(super) fn check(path: &str, key: &Node) -> Option<Diagnostic> {
    let name = key.display();
    let span = Some(key.span());
    let (code, why, help) = if key.is_symbol() {
        if name.starts_with(':') {
            (
                "hiera-key-leading-colons",
                "Puppet automatic lookup will not use leading '::'",
                format!(
                    "write the key without the leading colons: `{}`",
                    name.trim_start_matches(':')
                ),
            )
        } else if !name.bytes().all(|b| b.is_ascii_lowercase()) || name.is_empty() {
            (
                "hiera-key-symbol",
                "Puppet automatic lookup will not look up symbols",
                format!("write the key without the leading colon: `{name}`"),
            )
        } else {
            // Hiera's own configuration keys (`:backends`) are allowed.
            return None;
        }
    } else if is_lookup_name(&name) {
        return None;
    } else if has_single_colon(&name) {
        (
            "hiera-key-single-colon",
            "Looks like a missing colon",
            format!(
                "separate the class and parameter with `::`: `{}`",
                name.replace(':', "::").replace("::::", "::")
            ),
        )
    } else {
        (
            "hiera-key-name",
            "Not a valid Puppet variable name for automatic lookup",
            "a key is `class::parameter`, lowercase letters, digits and `_`, each part starting with a letter"
                .to_string(),
        )
    };
    Some(Diagnostic::warning(code, path, span, format!("Key :{name}: {why}")).with_help(help))
}

/// `^[a-z][a-z0-9_]+(::[a-z][a-z0-9_]+)*$` (each part at least two characters).
fn is_lookup_name(name: &str) -> bool {
    // Ruby's `$` also matches before a final newline.
    let name = name.strip_suffix('\n').unwrap_or(name);
    name.split("::").all(|part| {
        let mut b = part.bytes();
        part.len() >= 2
            && b.next().is_some_and(|c| c.is_ascii_lowercase())
            && b.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
    })
}

/// A `:` with something other than `:` on both sides.
fn has_single_colon(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    chars
        .windows(3)
        .any(|w| w[1] == ':' && w[0] != ':' && w[2] != ':' && w[0] != '\n' && w[2] != '\n')
}
