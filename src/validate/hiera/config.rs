//! `hiera.yaml`'s schema as Puppet 7's Hiera 5 reads it (`version: 5`):
//! `defaults` and each `hierarchy` entry name a backend (`data_hash`,
//! `lookup_key` or `data_dig`), each entry has a `name` and at most one way
//! to say where its data is. Version 3 files (`:backends:`, `:hierarchy:`)
//! have no schema to check beyond YAML; version 4 is gone from Puppet 7.

use super::yaml::Node;
use crate::diagnostic::{Diagnostic, Span};

/// Keys a Hiera 5 file may have at its top level.
const TOP: [&str; 5] = [
    "version",
    "defaults",
    "hierarchy",
    "default_hierarchy",
    "plan_hierarchy",
];
/// The three kinds of backend function.
const BACKENDS: [&str; 3] = ["data_hash", "lookup_key", "data_dig"];
/// The ways to say where an entry's data is.
const LOCATIONS: [&str; 7] = ["path", "paths", "glob", "globs", "uri", "uris", "mapped_paths"];
/// Keys an entry may have besides backends and locations.
const ENTRY_OTHER: [&str; 4] = ["name", "datadir", "options", "hiera3_backend"];

/// The schema problems of a loaded `hiera.yaml`.
pub(super) fn check(path: &str, doc: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Node::Map(pairs, span) = doc else {
        out.push(err(
            path,
            doc.span(),
            "hiera-config-not-a-hash",
            "hiera.yaml must be a hash of settings".into(),
        ));
        return out;
    };
    let get = |name: &str| pairs.iter().find(|(k, _)| k.display() == name);
    // Version 3 writes its keys as symbols (`:backends:`): no schema here.
    if pairs.iter().any(|(k, _)| k.is_symbol()) && get("version").is_none() {
        return out;
    }
    let Some((_, version)) = get("version") else {
        out.push(
            err(
                path,
                Span::new(span.start as usize, span.start as usize),
                "hiera-config-version",
                "hiera.yaml has no `version`".into(),
            )
            .with_help("Hiera 5 files start with `version: 5`"),
        );
        return out;
    };
    match version.display().as_str() {
        "5" if version.as_string().is_none() => {}
        "3" if version.as_string().is_none() => return out,
        other => {
            out.push(
                err(
                    path,
                    version.span(),
                    "hiera-config-version",
                    format!("unsupported Hiera version '{other}'"),
                )
                .with_help("use `version: 5`"),
            );
            return out;
        }
    }
    for (k, v) in pairs {
        let key = k.display();
        if !TOP.contains(&key.as_str()) {
            out.push(
                err(
                    path,
                    k.span(),
                    "hiera-config-unknown-key",
                    format!("unknown top-level key '{key}' in a Hiera 5 config"),
                )
                .with_help(format!("the keys are {}", TOP.join(", "))),
            );
            continue;
        }
        match key.as_str() {
            "defaults" => check_defaults(path, v, &mut out),
            "version" => {}
            _ => match v {
                Node::Seq(entries, _) => entries.iter().for_each(|e| check_entry(path, e, &mut out)),
                other => out.push(err(
                    path,
                    other.span(),
                    "hiera-config-hierarchy",
                    format!("'{key}' must be a list of entries"),
                )),
            },
        }
    }
    out
}

fn err(path: &str, span: Span, code: &'static str, message: String) -> Diagnostic {
    Diagnostic::error(code, path, Some(span), message)
}

fn check_defaults(path: &str, node: &Node, out: &mut Vec<Diagnostic>) {
    let Node::Map(pairs, _) = node else {
        out.push(err(
            path,
            node.span(),
            "hiera-config-defaults",
            "'defaults' must be a hash".into(),
        ));
        return;
    };
    for (k, v) in pairs {
        let key = k.display();
        if !(BACKENDS.contains(&key.as_str()) || key == "datadir" || key == "options") {
            out.push(
                err(
                    path,
                    k.span(),
                    "hiera-config-defaults",
                    format!("'defaults' may not have '{key}'"),
                )
                .with_help("'defaults' may set datadir, options and one of data_hash, lookup_key, data_dig"),
            );
        }
        check_value(path, &key, v, out);
    }
    check_backends(path, pairs, out);
}

fn check_entry(path: &str, entry: &Node, out: &mut Vec<Diagnostic>) {
    let Node::Map(pairs, span) = entry else {
        out.push(err(
            path,
            entry.span(),
            "hiera-config-entry",
            "a hierarchy entry must be a hash".into(),
        ));
        return;
    };
    let name = pairs.iter().find(|(k, _)| k.display() == "name");
    let label = name.map_or_else(
        || "a hierarchy entry".to_string(),
        |(_, v)| format!("hierarchy entry '{}'", v.display()),
    );
    if name.is_none() {
        out.push(
            err(
                path,
                *span,
                "hiera-config-entry-name",
                "a hierarchy entry has no `name`".into(),
            )
            .with_help("add `name: \"...\"` describing the level"),
        );
    }
    for (k, v) in pairs {
        let key = k.display();
        let known = BACKENDS.contains(&key.as_str())
            || LOCATIONS.contains(&key.as_str())
            || ENTRY_OTHER.contains(&key.as_str());
        if !known {
            out.push(err(
                path,
                k.span(),
                "hiera-config-entry",
                format!("{label} has unknown key '{key}'"),
            ));
        }
        check_value(path, &key, v, out);
    }
    check_backends(path, pairs, out);
    let locations: Vec<&Node> = pairs
        .iter()
        .filter(|(k, _)| LOCATIONS.contains(&k.display().as_str()))
        .map(|(k, _)| k)
        .collect();
    // A `lookup_key` or `data_dig` function may need no files at all.
    let pathless = pairs
        .iter()
        .any(|(k, _)| matches!(k.display().as_str(), "lookup_key" | "data_dig"));
    if locations.len() > 1 {
        out.push(
            err(
                path,
                locations[1].span(),
                "hiera-config-entry-location",
                format!("{label} gives more than one of {}", LOCATIONS.join(", ")),
            )
            .with_help("keep exactly one way to say where the data is"),
        );
    } else if locations.is_empty() && !pathless {
        out.push(
            err(
                path,
                *span,
                "hiera-config-entry-location",
                format!("{label} says nowhere where its data is"),
            )
            .with_help("add one of path, paths, glob, globs, mapped_paths"),
        );
    }
}

/// At most one backend function.
fn check_backends(path: &str, pairs: &[(Node, Node)], out: &mut Vec<Diagnostic>) {
    let backends: Vec<&Node> = pairs
        .iter()
        .filter(|(k, _)| BACKENDS.contains(&k.display().as_str()))
        .map(|(k, _)| k)
        .collect();
    if backends.len() > 1 {
        out.push(
            err(
                path,
                backends[1].span(),
                "hiera-config-backend",
                "only one of data_hash, lookup_key, data_dig may be given".into(),
            )
            .with_help("an entry uses one backend function; split it into two entries"),
        );
    }
}

/// The value's type for the keys whose type Hiera fixes.
fn check_value(path: &str, key: &str, value: &Node, out: &mut Vec<Diagnostic>) {
    let string = value.as_string().is_some_and(|s| !s.is_empty());
    let strings = |n: &Node| matches!(n, Node::Seq(items, _) if items.iter().all(|i| i.as_string().is_some()));
    let problem = match key {
        "name" | "datadir" | "path" | "glob" | "uri" | "data_hash" | "lookup_key" | "data_dig" | "hiera3_backend"
            if !string =>
        {
            Some("a non-empty string")
        }
        "paths" | "globs" | "uris" if !strings(value) => Some("a list of strings"),
        "mapped_paths" if !matches!(value, Node::Seq(items, _) if items.len() == 3 && strings(value)) => {
            Some("a list of three strings: the variable, the key, the path")
        }
        "options" if !matches!(value, Node::Map(..)) => Some("a hash"),
        _ => None,
    };
    if let Some(want) = problem {
        // Span at the value, or where it should be.
        let span = value.span();
        let span = if span.start == span.end {
            Span::new(span.start as usize, span.start as usize)
        } else {
            span
        };
        out.push(err(path, span, "hiera-config-type", format!("'{key}' must be {want}")));
    }
}
