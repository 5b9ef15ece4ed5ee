//! Hiera data files and `hiera.yaml`, as puppet-syntax 3.2.1's `syntax:hiera`
//! task (`PuppetSyntax::Hiera#check`, under Ruby 3.1 and Psych 4.0) judges
//! them, plus the Hiera 5 schema for `hiera.yaml` that Puppet itself enforces.
//!
//! puppet-syntax loads each file with `YAML.load_file`, so a file is refused
//! for a YAML syntax error, an alias, or a plain scalar that Psych would turn
//! into a `Date` or `Time` (safe loading permits neither); then, for every
//! top-level key, the first malformed hiera-eyaml block (`ENC[...]`) in its
//! value, however deep. Its key-name check (`check_hiera_keys`) is off by
//! default there and here: [`validate_data_with`] turns it on. A top level
//! that is a scalar makes puppet-syntax stop with a `NoMethodError`; that is
//! a finding here too.

mod config;
mod eyaml;
mod keys;
mod yaml;
pub(crate) use yaml::{loaded_as, Loaded};

use crate::diagnostic::{Diagnostic, Span};
use yaml::Node;

/// Which of puppet-syntax's optional checks run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// puppet-syntax's `check_hiera_keys`: top-level keys must be names
    /// Puppet's automatic parameter lookup can use.
    pub check_hiera_keys: bool,
}

/// Every problem in one Hiera data file (YAML) as puppet-syntax's Hiera check finds it.
pub fn validate_data(path: &str, text: &str) -> Vec<Diagnostic> {
    validate_data_with(path, text, Options::default())
}

/// [`validate_data`] with puppet-syntax's optional checks chosen.
pub fn validate_data_with(path: &str, text: &str, options: Options) -> Vec<Diagnostic> {
    match yaml::load(text) {
        Ok(doc) => doc.map_or_else(Vec::new, |doc| check_document(path, &doc, options)),
        Err(e) => vec![load_error(path, e)],
    }
}

/// The data directories a `hiera.yaml` names, as written: Hiera 5's
/// `defaults` and hierarchy levels' `datadir` (`data` where a level names
/// none), Hiera 3's backends' `:datadir:` (the `:yaml:` and `:eyaml:` ones).
/// Nothing for a file that does not load.
pub fn datadirs(text: &str) -> Vec<String> {
    let Ok(Some(Node::Map(pairs, _))) = yaml::load(text) else {
        return Vec::new();
    };
    let datadir_of = |node: Option<&Node>| match node {
        Some(Node::Map(pairs, _)) => setting(pairs, "datadir").and_then(Node::as_string).map(str::to_string),
        _ => None,
    };
    let mut dirs = Vec::new();
    if pairs.iter().any(|(k, _)| k.is_symbol()) {
        // Hiera 3: `:yaml:` / `:eyaml:` hold the backend's `:datadir:`.
        for backend in ["yaml", "eyaml"] {
            dirs.extend(datadir_of(setting(&pairs, backend)));
        }
        return dirs;
    }
    let default = datadir_of(setting(&pairs, "defaults")).unwrap_or_else(|| "data".to_string());
    let levels = ["hierarchy", "default_hierarchy", "plan_hierarchy"]
        .into_iter()
        .filter_map(|key| match setting(&pairs, key) {
            Some(Node::Seq(levels, _)) => Some(levels),
            _ => None,
        })
        .flatten();
    for level in levels {
        let dir = datadir_of(Some(level)).unwrap_or_else(|| default.clone());
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    dirs
}

/// The value of the setting `name` (`name:` or `:name:`; the last one wins, as in Ruby).
fn setting<'a>(pairs: &'a [(Node, Node)], name: &str) -> Option<&'a Node> {
    pairs.iter().rev().find(|(k, _)| k.display() == name).map(|(_, v)| v)
}

/// Every problem in one `hiera.yaml` (version 3 or 5): YAML syntax, and Hiera 5's schema
/// (version, defaults, hierarchy entries with name and exactly one of path/paths/glob/globs/mapped_paths, data_hash/lookup_key/data_dig backends, options).
pub fn validate_config(path: &str, text: &str) -> Vec<Diagnostic> {
    match yaml::load(text) {
        Ok(Some(doc)) => {
            let mut out = check_document(path, &doc, Options::default());
            out.extend(config::check(path, &doc));
            out
        }
        Ok(None) => vec![Diagnostic::error(
            "hiera-config-empty",
            path,
            Some(Span::new(0, 0)),
            "hiera.yaml is empty: Hiera needs at least `version`",
        )
        .with_help("start the file with `version: 5`")],
        Err(e) => vec![load_error(path, e)],
    }
}

fn load_error(path: &str, e: yaml::LoadError) -> Diagnostic {
    let help = match e.code {
        "hiera-yaml-alias" => {
            Some("write the value out instead of `*alias`; Puppet's own loader accepts aliases, puppet-syntax does not")
        }
        "hiera-yaml-class" => Some("quote the value to keep it a string, e.g. '2024-01-31'"),
        _ => None,
    };
    let d = Diagnostic::error(
        e.code,
        path,
        Some(e.span),
        format!("failed to parse YAML: {}", e.message),
    );
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// The checks puppet-syntax runs on a loaded document.
fn check_document(path: &str, doc: &Node, options: Options) -> Vec<Diagnostic> {
    let pairs: Vec<(&Node, Option<&Node>)> = match doc {
        Node::Map(pairs, _) => last_wins(pairs),
        // `Array#each` with two block parameters: an item that is itself an
        // array gives its first two elements; any other item has no value.
        Node::Seq(items, _) => items
            .iter()
            .map(|item| match item {
                Node::Seq(inner, _) if !inner.is_empty() => (&inner[0], inner.get(1)),
                other => (other, None),
            })
            .collect(),
        // `nil` and `false` are skipped.
        Node::Scalar { .. } if doc.is_falsey() => Vec::new(),
        other => {
            return vec![Diagnostic::error(
                "hiera-not-a-hash",
                path,
                Some(other.span()),
                "the top level is a single value, not a hash of keys: puppet-syntax stops with NoMethodError",
            )
            .with_help("Hiera data is a mapping of keys to values, e.g. `profile::base::ntp_servers: [...]`")];
        }
    };
    let mut out = Vec::new();
    for (key, value) in pairs {
        if options.check_hiera_keys && matches!(doc, Node::Map(..)) {
            out.extend(keys::check(path, key));
        }
        if let Some(value) = value {
            if let Some((span, name, problem)) = first_eyaml_problem(key.display(), value) {
                out.push(
                    Diagnostic::warning(
                        "hiera-eyaml",
                        path,
                        Some(span),
                        format!("Key {name} {}", problem.message()),
                    )
                    .with_help(problem.help()),
                );
            }
        }
    }
    out
}

/// A mapping's pairs as a Ruby `Hash` holds them: a key given twice keeps
/// its first place and its last value.
fn last_wins(pairs: &[(Node, Node)]) -> Vec<(&Node, Option<&Node>)> {
    let mut out: Vec<(&Node, Option<&Node>)> = Vec::with_capacity(pairs.len());
    let mut seen: std::collections::HashMap<(bool, String), usize> = std::collections::HashMap::new();
    for (k, v) in pairs {
        let identity = key_identity(k);
        match identity.as_ref().and_then(|id| seen.get(id)) {
            Some(&i) => out[i].1 = Some(v),
            None => {
                if let Some(id) = identity {
                    seen.insert(id, out.len());
                }
                out.push((k, Some(v)));
            }
        }
    }
    out
}

/// What makes two scalar keys the same Ruby hash key (collections are never merged here).
fn key_identity(k: &Node) -> Option<(bool, String)> {
    match k {
        Node::Scalar { .. } => Some((k.as_string().is_some(), k.display())),
        _ => None,
    }
}

/// The first malformed eyaml block under `value`, depth first, named as
/// puppet-syntax names it (`key[0]['inner']`).
fn first_eyaml_problem(name: String, value: &Node) -> Option<(Span, String, eyaml::Problem)> {
    match value {
        Node::Scalar { span, .. } => {
            let text = value.as_string()?;
            eyaml::check(text).map(|p| (*span, name, p))
        }
        Node::Seq(items, _) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| first_eyaml_problem(format!("{name}[{i}]"), item)),
        Node::Map(pairs, _) => last_wins(pairs)
            .into_iter()
            .find_map(|(k, v)| first_eyaml_problem(format!("{name}['{}']", k.display()), v?)),
        Node::Alias(..) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::datadirs;

    #[test]
    fn the_data_directories_a_hiera_yaml_names() {
        let v5 = "version: 5\ndefaults:\n  datadir: site\nhierarchy:\n  - name: a\n    path: a.yaml\n  - name: b\n    datadir: other\n    path: b.yaml\n";
        assert_eq!(datadirs(v5), ["site", "other"]);
        let default = "version: 5\nhierarchy:\n  - name: a\n    path: a.yaml\n";
        assert_eq!(datadirs(default), ["data"]);
        let v3 =
            ":backends: [yaml, eyaml]\n:yaml:\n  :datadir: /vagrant/hiera\n:eyaml:\n  :datadir: /etc/puppet/secure\n";
        assert_eq!(datadirs(v3), ["/vagrant/hiera", "/etc/puppet/secure"]);
        assert!(
            datadirs("version: [").is_empty(),
            "a file that does not load names nothing"
        );
    }
}
