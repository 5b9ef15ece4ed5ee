//! A `Puppetfile`, as `r10k puppetfile check` (r10k 3.15.4) judges it.
//!
//! r10k evaluates the Puppetfile as Ruby on an object that answers `mod`,
//! `forge` and `moduledir` (anything else is an "unrecognized declaration",
//! `metadata` included), builds each module as it is declared, and stops at
//! the first exception; after the last declaration it refuses duplicate module
//! names. Here the Puppetfile is evaluated by the safe evaluator (never run by
//! Ruby, see [`crate::puppetfile::evaluate`]) and each call is judged the way
//! r10k's module classes judge it: the name (`owner/name` or `name`; the Forge
//! needs an owner), which class takes the options (`:git`, `:svn`, `:local`,
//! `:type`), the Forge version (a semantic version or `:latest`), the git
//! remote, an `:install_path` inside the Puppetfile's directory, and the
//! options a class does not know (r10k warns, except for tarballs, which it
//! refuses). Findings come in r10k's order, so the first error is the one
//! r10k prints; those after it are what r10k would say once that is fixed.

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::files::Root;
use crate::puppetfile::{evaluate, Call};
use crate::vagrant::value::Value;
use std::path::{Component, Path};

/// Every problem in one Puppetfile (`name` is its path, `text` its content).
pub fn validate(name: &str, text: &str) -> Vec<Diagnostic> {
    let path = Path::new(name);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let evaluated = evaluate(text.to_string(), path, name, &Root::new(dir, &[]));
    if let Some(d) = evaluated.syntax_error.or_else(|| ends_with_comma(name, text)) {
        let d = ruby_first(name, text, d);
        let mut out = Diagnostic::error("puppetfile-syntax-error", name, d.span, d.message);
        out.help = d.help;
        out.labels = d.labels;
        return vec![out];
    }
    let mut out = Vec::new();
    let mut declared: Vec<(String, Span)> = Vec::new();
    for call in &evaluated.calls {
        match call.method.as_str() {
            "mod" => {
                if let Some(short) = module(name, text, call, &mut out) {
                    declared.push((short, call.span));
                }
            }
            "forge" => {
                arity(name, call, 1, 1, &mut out);
            }
            "moduledir" => {
                if arity(name, call, 1, 1, &mut out) {
                    if let Some(v) = call.args.first().filter(|v| !is_text(v) && !has_unknown(v)) {
                        out.push(Diagnostic::error(
                            "puppetfile-moduledir",
                            name,
                            Some(call.span),
                            format!("no implicit conversion of {} into String", v.class_name()),
                        ));
                    }
                }
            }
            other => out.push(
                Diagnostic::error(
                    "puppetfile-unknown-declaration",
                    name,
                    Some(call.span),
                    format!("unrecognized declaration '{other}'"),
                )
                .with_help("a Puppetfile declares modules with `mod`, and may set `forge` and `moduledir`"),
            ),
        }
    }
    if let Some((class, message, at)) = &evaluated.raised {
        out.push(Diagnostic::error(
            "puppetfile-raise",
            name,
            Some(*at),
            format!("the Puppetfile raises {class}: {message}"),
        ));
    }
    out.extend(duplicates(name, &declared));
    // What the evaluator could not follow, except what is said above already.
    let undefined: Vec<Span> = evaluated.calls.iter().map(|c| c.span).collect();
    out.extend(
        evaluated
            .diagnostics
            .into_iter()
            .filter(|d| d.severity != Severity::Error && !d.span.is_some_and(|s| undefined.contains(&s))),
    );
    out
}

/// The syntax error Ruby meets first. puppetlift lexes the whole file before
/// parsing it, Ruby lexes as it parses: a literal never closed, or a token the
/// lexer refuses, is found here even when Ruby's parser stops earlier. So the
/// text before the error is parsed alone; an error inside it (not merely at its
/// end) comes first. An unterminated literal is Ruby's error at the end of the
/// file, on the last line.
fn ruby_first(name: &str, text: &str, mut d: Diagnostic) -> Diagnostic {
    // Each step moves the error earlier; a few are enough in practice.
    for _ in 0..8 {
        let Some(at) = d.span.map(|s| s.start as usize).filter(|&at| at > 0 && at < text.len()) else {
            break;
        };
        let Some(prefix) = text.get(..at) else { break };
        match crate::vagrant::parser::parse(name, prefix) {
            Err(earlier) if earlier.span.is_some_and(|s| (s.start as usize) < prefix.len()) => d = *earlier,
            _ => break,
        }
    }
    let at_end = d.span.is_some_and(|s| s.start as usize >= text.len());
    if (at_end || d.message.contains("never closed")) && !text.is_empty() {
        // Ruby counts the end of the file on the line of its last character.
        let last = text.len() - text.chars().next_back().map_or(0, char::len_utf8);
        d.span = Some(Span::new(last, text.len()));
    }
    d
}

/// Ruby's error for a file whose last token is a comma (an argument list
/// left open), which puppetlift's grammar lets end at the end of the file.
fn ends_with_comma(name: &str, text: &str) -> Option<Diagnostic> {
    let body = text.trim_end();
    let last_line = body.rsplit('\n').next().unwrap_or(body);
    // After `__END__` is data, not Ruby.
    let data = text.starts_with("__END__\n") || text.contains("\n__END__\n");
    (body.ends_with(',') && !last_line.contains('#') && !data).then(|| {
        Diagnostic::error(
            "syntax-error",
            name,
            Some(Span::new(text.len(), text.len())),
            "unexpected end of file",
        )
        .with_help("the last argument is missing, or the comma before it is one too many")
    })
}

/// r10k's check of the number of arguments; whether it is right.
fn arity(file: &str, call: &Call, min: usize, max: usize, out: &mut Vec<Diagnostic>) -> bool {
    let given = call.args.len();
    if (min..=max).contains(&given) {
        return true;
    }
    let expected = if min == max {
        min.to_string()
    } else {
        format!("{min}..{max}")
    };
    out.push(
        Diagnostic::error(
            "puppetfile-arguments",
            file,
            Some(call.span),
            format!(
                "wrong number of arguments to `{}` (given {given}, expected {expected})",
                call.method
            ),
        )
        .with_help("`mod NAME`, `mod NAME, VERSION` or `mod NAME, OPTIONS`; `forge URL`; `moduledir PATH`"),
    );
    false
}

/// The classes r10k builds a module with, chosen by its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Git,
    Svn,
    Local,
    Forge,
    Tarball,
}

impl Kind {
    /// r10k's class name, as its messages say it.
    fn class(self) -> &'static str {
        match self {
            Kind::Git => "R10K::Module::Git",
            Kind::Svn => "R10K::Module::SVN",
            Kind::Local => "R10K::Module::Local",
            Kind::Forge => "R10K::Module::Forge",
            Kind::Tarball => "R10K::Module::Tarball",
        }
    }

    /// The options the class takes, in groups that set the same thing
    /// (two of one group conflict); none for a local module, which takes anything.
    fn options(self) -> Option<&'static [&'static [&'static str]]> {
        match self {
            Kind::Git => Some(&[
                &["version", "branch", "tag", "commit", "ref"],
                &["source", "git"],
                &["type"],
                &["default_branch"],
                &["default_branch_override"],
            ]),
            Kind::Svn => Some(&[
                &["source", "svn"],
                &["version", "rev", "revision"],
                &["type"],
                &["username"],
                &["password"],
            ]),
            Kind::Forge => Some(&[&["version"], &["source"], &["type"]]),
            Kind::Tarball => Some(&[&["source"], &["version", "checksum"], &["type"]]),
            Kind::Local => None,
        }
    }
}

/// One `mod` declaration's problems, in the order r10k meets them; the
/// module's directory name when r10k would take the declaration.
fn module(file: &str, text: &str, call: &Call, out: &mut Vec<Diagnostic>) -> Option<String> {
    if !arity(file, call, 1, 2, out) {
        return None;
    }
    let name = &call.args[0];
    let info = call.args.get(1).cloned().unwrap_or(Value::Nil);
    if has_unknown(name) || has_unknown(&info) {
        return None; // said by the evaluation; r10k's verdict depends on the value
    }
    let mut options: Vec<(Value, Value)> = match &info {
        Value::Hash(pairs) => pairs.borrow().clone(),
        version => vec![
            (Value::sym("type"), Value::str("forge")),
            (Value::sym("version"), version.clone()),
        ],
    };
    let at = call.span;
    let error = |code: &'static str, span: Span, message: String| Diagnostic::error(code, file, Some(span), message);

    let shown_name = name.as_text().unwrap_or_else(|| name.inspect());
    if let Some(i) = options.iter().position(|(k, _)| is_sym(k, "install_path")) {
        let (_, install_path) = options.remove(i);
        if install_path.truthy() {
            let place = option_span(text, at, "install_path");
            match &install_path {
                Value::Str(p) if inside(&p.borrow()) => {}
                Value::Str(p) => {
                    out.push(
                        error(
                            "puppetfile-install-path",
                            place,
                            format!(
                                "Puppetfile cannot manage content '{shown_name}' outside of containing environment: {} is not within the Puppetfile's directory",
                                p.borrow()
                            ),
                        )
                        .with_help("give `:install_path` relative to the Puppetfile's directory, without `..` leaving it"),
                    );
                    return None;
                }
                other => {
                    out.push(error(
                        "puppetfile-install-path",
                        place,
                        format!("no implicit conversion of {} into String", other.class_name()),
                    ));
                    return None;
                }
            }
        }
    }

    let get = |key: &str| options.iter().rev().find(|(k, _)| is_sym(k, key)).map(|(_, v)| v);
    let has = |key: &str| options.iter().any(|(k, _)| is_sym(k, key));
    let kind_named = get("type").map(|t| t.to_s()).unwrap_or_default();
    let kind = if has("git") || kind_named == "git" {
        Kind::Git
    } else if has("svn") || kind_named == "svn" {
        Kind::Svn
    } else if get("local").is_some_and(Value::truthy) || kind_named == "local" {
        Kind::Local
    } else if kind_named == "forge" {
        Kind::Forge
    } else if kind_named == "tarball" {
        Kind::Tarball
    } else {
        out.push(
            error(
                "puppetfile-module-source",
                at,
                format!(
                    "Module {shown_name} with args {} doesn't have an implementation. (Are you using the right arguments?)",
                    info.inspect()
                ),
            )
            .with_help(
                "say where the module comes from: a version for the Forge, or `:git`, `:svn`, `:local => true`, \
                 or `:type` (forge, git, svn, local, tarball); option names are symbols (`:git`, `git:`), not strings",
            ),
        );
        return None;
    };

    let Value::Str(full) = name else {
        out.push(error(
            "puppetfile-module-name",
            at,
            format!("the module name {} is not a string", name.inspect()),
        ));
        return None;
    };
    let title = full.borrow().replace('/', "-");
    let Some((owner, short)) = title_parts(&title) else {
        out.push(
            error(
                "puppetfile-module-name",
                at,
                format!("Module name ({title}) must match either 'modulename' or 'owner/modulename'"),
            )
            .with_help("a module name is letters, digits and underscores, after an optional owner and `/` or `-`"),
        );
        return None;
    };
    if kind == Kind::Forge && owner.is_none() {
        out.push(
            error(
                "puppetfile-module-name",
                at,
                format!("Forge module names must match 'owner/modulename', instead got {title}"),
            )
            .with_help(format!("name the module's owner on the Forge: `mod 'OWNER/{short}'`")),
        );
        return None;
    }

    unknown_options(file, text, at, kind, &options, out)?;

    match kind {
        Kind::Forge => {
            let version = get("version").cloned().unwrap_or(Value::Nil);
            let problem = match &version {
                Value::Nil => None,
                Value::Sym(s) if &**s == "latest" => None,
                Value::Str(_) | Value::Sym(_) if semantic_version(&version.to_s()) => None,
                Value::Str(_) | Value::Sym(_) => Some(format!(
                    "Module version {} is not a valid Forge module version",
                    version.to_s()
                )),
                other => Some(format!(
                    "Module version {} is not a valid Forge module version: a {} is neither a version string nor :latest",
                    other.inspect(),
                    other.class_name()
                )),
            };
            if let Some(message) = problem {
                out.push(
                    error("puppetfile-module-version", at, message)
                        .with_help("a Forge version is a full semantic version such as '1.2.0', or :latest"),
                );
                return None;
            }
        }
        Kind::Git => {
            let remote = options
                .iter()
                .rev()
                .find(|(k, _)| is_sym(k, "git") || is_sym(k, "source"))
                .map(|(_, v)| v);
            if !matches!(remote, Some(Value::Str(_))) {
                out.push(
                    error(
                        "puppetfile-git-remote",
                        at,
                        match remote {
                            Some(v) => format!("the git remote {} is not a string", v.inspect()),
                            None => format!("module {shown_name} is a git module without a remote (`:git => URL`)"),
                        },
                    )
                    .with_help("give the repository's URL: `:git => 'https://…'`"),
                );
                return None;
            }
        }
        Kind::Svn | Kind::Local | Kind::Tarball => {}
    }
    Some(short.to_string())
}

/// The options `kind` does not take (a warning; an error for a tarball, whose
/// class refuses them) and those that set the same thing twice (a warning).
/// None when r10k stops here.
fn unknown_options(
    file: &str,
    text: &str,
    at: Span,
    kind: Kind,
    options: &[(Value, Value)],
    out: &mut Vec<Diagnostic>,
) -> Option<()> {
    let groups = kind.options()?;
    let mut seen: Vec<(usize, String)> = Vec::new();
    for (key, _) in options {
        let key_name = key.to_s();
        let group = match key {
            Value::Sym(s) if matches!(&**s, "overrides" | "exclude_spec") => continue,
            Value::Sym(s) => groups.iter().position(|g| g.contains(&&**s)),
            _ => None,
        };
        let place = option_span(text, at, &key_name);
        let Some(group) = group else {
            let message = format!("{} cannot handle option '{key_name}'", kind.class());
            let help = format!(
                "{} takes {}",
                kind.class(),
                groups
                    .iter()
                    .flat_map(|g| g.iter())
                    .map(|o| format!(":{o}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if kind == Kind::Tarball {
                out.push(Diagnostic::error("puppetfile-unknown-option", file, Some(place), message).with_help(help));
                return None;
            }
            out.push(Diagnostic::warning("puppetfile-unknown-option", file, Some(place), message).with_help(help));
            continue;
        };
        if let Some((_, before)) = seen.iter().rev().find(|(g, _)| *g == group) {
            out.push(Diagnostic::warning(
                "puppetfile-conflicting-options",
                file,
                Some(place),
                format!(
                    "{} parameters '{before}' and '{key_name}' conflict. Specify one or the other, but not both",
                    kind.class()
                ),
            ));
        }
        seen.push((group, key_name));
    }
    Some(())
}

/// One diagnostic per module name declared more than once, at its second
/// declaration (r10k names them all in one error, after the last declaration).
fn duplicates(file: &str, declared: &[(String, Span)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, (short, first)) in declared.iter().enumerate() {
        if declared[..i].iter().any(|(s, _)| s == short) {
            continue;
        }
        if let Some((_, again)) = declared[i + 1..].iter().find(|(s, _)| s == short) {
            out.push(
                Diagnostic::error(
                    "puppetfile-duplicate-module",
                    file,
                    Some(*again),
                    format!(
                        "Puppetfiles cannot contain duplicate module names: '{short}' is declared more than once"
                    ),
                )
                .with_label(*first, "first declared here")
                .with_help("a module directory holds one module: keep one declaration (modules from different owners install to the same directory)"),
            );
        }
    }
    out
}

/// A module title (`/` already turned into `-`) as r10k's `parse_title`
/// splits it: `name` or `owner-name`, word characters only (Ruby's `\Z`
/// lets one line break end it).
fn title_parts(title: &str) -> Option<(Option<&str>, &str)> {
    let body = title.strip_suffix('\n').unwrap_or(title);
    let word = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if word(body) {
        return Some((None, body));
    }
    let (owner, short) = body.split_once('-')?;
    (word(owner) && word(short)).then_some((Some(owner), short))
}

/// SemanticPuppet's `Version.valid?`: `MAJOR.MINOR.PATCH`, no leading zeros,
/// an optional pre-release (no numeric part with a leading zero) and build.
fn semantic_version(v: &str) -> bool {
    let v = v.strip_suffix('\n').unwrap_or(v);
    let (v, build) = match v.split_once('+') {
        Some((v, b)) => (v, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (v, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let number = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0'));
    let ident = |s: &str| {
        s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    };
    numbers.len() == 3
        && numbers.iter().all(|n| number(n))
        && pre.is_none_or(|p| {
            ident(p)
                && p.split('.')
                    .all(|x| !(x.len() > 1 && x.starts_with('0') && x.bytes().all(|b| b.is_ascii_digit())))
        })
        && build.is_none_or(ident)
}

/// Whether an `:install_path` stays inside the Puppetfile's directory (an
/// absolute one is taken to leave it: its directory is not known here).
fn inside(path: &str) -> bool {
    let p = Path::new(path);
    if p.is_absolute() {
        return false;
    }
    let mut depth = 0i64;
    for c in p.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    true
}

/// Whether `v` is the symbol `name`.
fn is_sym(v: &Value, name: &str) -> bool {
    matches!(v, Value::Sym(s) if &**s == name)
}

fn is_text(v: &Value) -> bool {
    matches!(v, Value::Str(_))
}

/// Whether `v` holds a value the evaluation could not know.
fn has_unknown(v: &Value) -> bool {
    match v {
        Value::Unknown(_) => true,
        Value::Array(items) => items.borrow().iter().any(has_unknown),
        Value::Hash(pairs) => pairs.borrow().iter().any(|(k, v)| has_unknown(k) || has_unknown(v)),
        _ => false,
    }
}

/// The place of option `key` in the call at `at` (`:key`, `key:`, or the key
/// quoted), else the call's.
fn option_span(text: &str, at: Span, key: &str) -> Span {
    let (start, end) = (at.start as usize, (at.end as usize).min(text.len()));
    let Some(call) = text.get(start..end) else {
        return at;
    };
    for form in [
        format!(":{key}"),
        format!("{key}:"),
        format!("'{key}'"),
        format!("\"{key}\""),
    ] {
        if let Some(i) = call.find(&form) {
            return Span::new(start + i, start + i + form.len());
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_as_semantic_puppet_reads_them() {
        for ok in [
            "1.2.3",
            "0.0.0",
            "1.0.0-rc.1",
            "1.0.0+build.5",
            "1.0.0-alpha-1",
            "10.20.30\n",
        ] {
            assert!(semantic_version(ok), "{ok}");
        }
        for bad in [
            "1.2", "v1.2.3", "01.2.3", "1.2.3-01", "1.2.3-", "1.2.3+", "", ">= 1.0.0", "1.2.3.4",
        ] {
            assert!(!semantic_version(bad), "{bad}");
        }
    }

    #[test]
    fn titles_as_r10k_splits_them() {
        assert_eq!(title_parts("puppetlabs-apt"), Some((Some("puppetlabs"), "apt")));
        assert_eq!(title_parts("apt"), Some((None, "apt")));
        assert_eq!(title_parts("apt\n"), Some((None, "apt")));
        assert_eq!(title_parts("a-b-c"), None);
        assert_eq!(title_parts("a.b"), None);
        assert_eq!(title_parts("-apt"), None);
    }
}
