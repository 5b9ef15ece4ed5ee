//! `metadata.json`: a Puppet module's metadata, checked as `metadata-json-lint`
//! 3.0.0 checks it (Debian's ruby-metadata-json-lint, which reads ranges with
//! semantic_puppet 1.0.4, validates its schema with json-schema 2.8.1 and looks
//! licenses up in spdx-licenses 1.2.0).
//!
//! What it checks, in the order metadata-json-lint finds it:
//! - the JSON itself, as Ruby's `JSON.parse` reads it (which also takes `/* */`
//!   and `//` comments, `\q`-style escapes and odd surrogate escapes, and nests
//!   at most 100 deep);
//! - the schema: each known field's type, the module's and each dependency's
//!   name (`owner-name`), `version` as a semantic version, `project_page` and
//!   `issues_url` as URLs, `summary` at most 144 characters, then the required
//!   fields (`author`, `dependencies`, `license`, `name`, `source`, `summary`,
//!   `version`);
//! - each dependency: listed once, its `version_requirement` a range Puppet can
//!   read that matches some version, no operator mixed with an `x`/`*`
//!   wildcard, no `version_range` attribute, and (with `strict_dependencies`)
//!   an upper bound;
//! - the deprecated fields `types` and `checksum`;
//! - each requirement: no `pe`, a readable `version_requirement`, each name once;
//! - (with `strict_license`) the license an SPDX identifier or `proprietary`.
//!
//! Errors and warnings are metadata-json-lint's; it fails on warnings too unless
//! told `--no-fail-on-warnings`, which is the caller's business. Where
//! metadata-json-lint crashes instead of reporting (a dependency that is not an
//! object, a range semantic_puppet fails on, a file that is not an object), the
//! finding here is an error, since Puppet's module tool fails on the same input.

use crate::diagnostic::{Diagnostic, Span};
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

/// Options metadata-json-lint has (`--strict-dependencies`, `--strict-license`/`--no-strict-license`, `--fail-on-warnings` is the caller's business).
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Warn on a dependency whose range has no upper bound (`--strict-dependencies`).
    pub strict_dependencies: bool,
    /// Warn on a license that is not an SPDX identifier (`--strict-license`).
    pub strict_license: bool,
}

impl Default for Options {
    /// metadata-json-lint's defaults: lenient dependencies, strict license.
    fn default() -> Self {
        Options {
            strict_dependencies: false,
            strict_license: true,
        }
    }
}

/// Every problem in one metadata.json's text, errors and warnings as metadata-json-lint classifies them.
pub fn validate(path: &str, text: &str, options: Options) -> Vec<Diagnostic> {
    let doc = match json::Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            return vec![Diagnostic::error(
                "metadata-json-syntax",
                path,
                Some(e.span),
                format!("metadata.json is not valid JSON: {}", e.message),
            )
            .with_help("Puppet and the Forge cannot read the module's metadata until this is fixed")]
        }
    };
    let root = doc.root();
    let mut out = Findings {
        path,
        found: Vec::new(),
    };
    if root.value.is_object() {
        schema(&mut out, root);
        dependencies(&mut out, root, options);
        deprecated_fields(&mut out, root);
        requirements(&mut out, root);
        if options.strict_license {
            license(&mut out, root);
        }
    } else {
        let d = out.error(
            "metadata-not-an-object",
            root.span(),
            format!("metadata.json holds {}, not an object of fields", article(root.kind())),
        );
        out.push(
            d.with_help("write the metadata as one object: {\"name\": \"owner-module\", \"version\": \"0.1.0\", …}"),
        );
    }
    out.found.into_iter().map(|d| doc.to_original(d)).collect()
}

/// The findings so far, for one file.
struct Findings<'p> {
    path: &'p str,
    found: Vec<Diagnostic>,
}

impl Findings<'_> {
    fn error(&self, code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, self.path, Some(span), message)
    }

    fn warning(&self, code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(code, self.path, Some(span), message)
    }

    fn push(&mut self, d: Diagnostic) {
        self.found.push(d);
    }
}

// ---------------------------------------------------------------- the schema

/// What the schema says of a field: the JSON types it may have and what else
/// its value must be.
#[derive(Clone, Copy)]
enum Rule {
    Text,
    NullOrText,
    ModuleName,
    Url,
    Summary,
    Version,
    Dependencies,
    OperatingSystems,
    Requirements,
    Tags,
}

/// metadata-json-lint's schema, in its order (which is the order of its findings).
const FIELDS: [(&str, Rule); 14] = [
    ("author", Rule::Text),
    ("data_provider", Rule::NullOrText),
    ("dependencies", Rule::Dependencies),
    ("description", Rule::Text),
    ("issues_url", Rule::Url),
    ("license", Rule::Text),
    ("operatingsystem_support", Rule::OperatingSystems),
    ("name", Rule::ModuleName),
    ("project_page", Rule::Url),
    ("requirements", Rule::Requirements),
    ("source", Rule::Text),
    ("summary", Rule::Summary),
    ("tags", Rule::Tags),
    ("version", Rule::Version),
];

/// The fields every module's metadata has, with an example value for help.
const REQUIRED: [(&str, &str); 7] = [
    ("author", "\"Your Name\""),
    (
        "dependencies",
        "[] (or the modules this one needs, with their version ranges)",
    ),
    ("license", "\"Apache-2.0\" (an SPDX identifier)"),
    ("name", "\"owner-modulename\""),
    ("source", "\"https://github.com/owner/puppet-modulename\""),
    ("summary", "\"One sentence on what the module manages\""),
    ("version", "\"0.1.0\""),
];

/// The Forge's limit on a summary, in characters.
const SUMMARY_MAX: usize = 144;

/// The schema's findings: each known field's value, then the required fields.
fn schema(out: &mut Findings, root: At) {
    for (field, rule) in FIELDS {
        if let Some(m) = root.get(field) {
            field_rule(out, field, m.value, rule);
        }
    }
    for (field, example) in REQUIRED {
        if root.get(field).is_none() {
            let d = out.error(
                "metadata-missing-field",
                root.opening(),
                format!("metadata.json has no '{field}' field, which every module needs"),
            );
            out.push(d.with_help(format!("add \"{field}\": {example}")));
        }
    }
}

fn field_rule(out: &mut Findings, name: &str, at: At, rule: Rule) {
    match rule {
        Rule::Text => {
            of_type(out, name, at, &["string"]);
        }
        Rule::NullOrText => {
            of_type(out, name, at, &["null", "string"]);
        }
        Rule::ModuleName => {
            if of_type(out, name, at, &["string"]) {
                name_pattern(out, at, NameKind::Module);
            }
        }
        Rule::Url => {
            if of_type(out, name, at, &["string"]) {
                url(out, name, at);
            }
        }
        Rule::Summary => {
            let chars = at.str().map_or(0, |s| s.chars().count());
            if of_type(out, name, at, &["string"]) && chars > SUMMARY_MAX {
                let d = out.error(
                    "metadata-summary-too-long",
                    at.span(),
                    format!("the summary is {chars} characters long; the Forge takes at most {SUMMARY_MAX}"),
                );
                out.push(d.with_help("say it in one sentence; the description and README can say more"));
            }
        }
        Rule::Version => {
            if of_type(out, name, at, &["string"]) {
                version(out, at);
            }
        }
        Rule::Tags => {
            if of_type(out, name, at, &["array"]) {
                for (i, tag) in at.items().into_iter().enumerate() {
                    of_type(out, &format!("tags[{i}]"), tag, &["string"]);
                }
            }
        }
        Rule::Dependencies | Rule::Requirements => {
            if of_type(out, name, at, &["array"]) {
                let dependencies = matches!(rule, Rule::Dependencies);
                for (i, item) in at.items().into_iter().enumerate() {
                    module_reference(out, &format!("{name}[{i}]"), item, dependencies);
                }
            }
        }
        Rule::OperatingSystems => {
            if of_type(out, name, at, &["array"]) {
                for (i, item) in at.items().into_iter().enumerate() {
                    operating_system(out, &format!("{name}[{i}]"), item);
                }
            }
        }
    }
}

/// A dependency's or requirement's schema: a string name (a module's, for a
/// dependency), a string range. Items that are not objects are left to
/// [`dependencies`] and [`requirements`].
fn module_reference(out: &mut Findings, here: &str, item: At, dependency: bool) {
    if !item.value.is_object() {
        return;
    }
    if let Some(m) = item.get("name") {
        if of_type(out, &format!("{here}.name"), m.value, &["string"]) && dependency {
            name_pattern(out, m.value, NameKind::Dependency);
        }
    }
    if let Some(m) = item.get("version_requirement") {
        of_type(out, &format!("{here}.version_requirement"), m.value, &["string"]);
    }
    if item.get("name").is_none() {
        let what = if dependency { "dependency" } else { "requirement" };
        let d = out.error(
            "metadata-missing-field",
            item.span(),
            format!("{what} '{here}' has no 'name'"),
        );
        out.push(d.with_help(if dependency {
            "name the module it needs, e.g. \"name\": \"puppetlabs-stdlib\""
        } else {
            "name what it requires, e.g. \"name\": \"puppet\""
        }));
    }
}

/// An `operatingsystem_support` entry's schema.
fn operating_system(out: &mut Findings, here: &str, item: At) {
    if !item.value.is_object() {
        return;
    }
    if let Some(m) = item.get("operatingsystem") {
        of_type(out, &format!("{here}.operatingsystem"), m.value, &["string"]);
    }
    if let Some(m) = item.get("operatingsystemrelease") {
        let field = format!("{here}.operatingsystemrelease");
        if of_type(out, &field, m.value, &["array"]) {
            for (j, release) in m.value.items().into_iter().enumerate() {
                of_type(out, &format!("{field}[{j}]"), release, &["string"]);
            }
        }
    }
    if item.get("operatingsystem").is_none() {
        let d = out.error(
            "metadata-missing-field",
            item.span(),
            format!("'{here}' has no 'operatingsystem'"),
        );
        out.push(d.with_help("name the operating system, e.g. \"operatingsystem\": \"Debian\""));
    }
}

/// Whether `at` has one of the JSON `types`; an error if not.
fn of_type(out: &mut Findings, name: &str, at: At, types: &[&str]) -> bool {
    let kind = at.kind();
    if types.contains(&kind) {
        return true;
    }
    let wanted = types.iter().map(|t| article(t)).collect::<Vec<_>>().join(" or ");
    let d = out.error(
        "metadata-field-type",
        at.span(),
        format!("'{name}' is {}; it must be {wanted}", article(kind)),
    );
    out.push(d);
    false
}

/// A JSON type's name with its article: "a string", "an integer".
fn article(kind: &str) -> String {
    match kind {
        "null" => "null".to_string(),
        "integer" | "object" | "array" => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

#[derive(Clone, Copy)]
enum NameKind {
    Module,
    Dependency,
}

/// The module's name is `owner-name`; a dependency's `owner-name` or
/// `owner/name`: the owner letters, digits and `_`, the name a lowercase
/// letter then lowercase letters, digits and `_`. (As the schema's Ruby regex
/// reads it, one line of a value of several is enough.)
fn name_pattern(out: &mut Findings, at: At, kind: NameKind) {
    let value = at.str().unwrap_or_default();
    let separators: &[u8] = match kind {
        NameKind::Module => b"-",
        NameKind::Dependency => b"-/",
    };
    let fits = |line: &str| {
        let b = line.as_bytes();
        let owner = b
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        let rest = b.get(owner + 1..).unwrap_or_default();
        owner > 0
            && b.get(owner).is_some_and(|c| separators.contains(c))
            && rest.first().is_some_and(u8::is_ascii_lowercase)
            && rest
                .iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
    };
    if value.split('\n').any(fits) {
        return;
    }
    let d = match kind {
        NameKind::Module => out
            .error(
                "metadata-name",
                at.span(),
                format!("module name '{value}' is not 'owner-modulename' (the owner in letters, digits or _, a hyphen, then a lowercase letter and lowercase letters, digits or _)"),
            )
            .with_help("name it as on the Forge, e.g. \"puppetlabs-stdlib\""),
        NameKind::Dependency => out
            .error(
                "metadata-dependency-name",
                at.span(),
                format!("dependency name '{value}' is not 'owner-modulename' or 'owner/modulename'"),
            )
            .with_help("name the module as on the Forge, e.g. \"puppetlabs-stdlib\""),
    };
    out.push(d);
}

fn url(out: &mut Findings, name: &str, at: At) {
    let value = at.str().unwrap_or_default();
    if let Some(reason) = uri::problem(value) {
        let d = out.error(
            "metadata-url",
            at.span(),
            format!("'{name}' is not a valid URL: {reason}"),
        );
        out.push(d.with_help("write the whole address, e.g. \"https://github.com/owner/puppet-module\""));
    }
}

fn version(out: &mut Findings, at: At) {
    let value = at.str().unwrap_or_default();
    let Err(e) = semver::Version::parse(value) else {
        return;
    };
    let d = out.error(
        "metadata-version",
        at.span(),
        match e {
            semver::VersionError::NotOne => {
                format!("version '{value}' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0)")
            }
            semver::VersionError::LeadingZero => format!(
                "version '{value}' is not a semantic version: a numeric pre-release identifier has a leading zero"
            ),
        },
    );
    let numbers: Vec<&str> = value.split('.').collect();
    let short = numbers.len() < 3
        && numbers
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    out.push(d.with_help(if short {
        let zeros = vec!["0"; 3 - numbers.len()];
        format!("give all three numbers: \"{}\"", [numbers, zeros].concat().join("."))
    } else {
        "write three numbers with an optional pre-release, e.g. \"1.2.0\" or \"2.0.0-rc1\"".to_string()
    }));
}

// ------------------------------------------------- dependencies, requirements

fn dependencies(out: &mut Findings, root: At, options: Options) {
    let Some(deps) = root.get("dependencies") else {
        return;
    };
    let mut seen: Vec<(&Value, Span)> = Vec::new();
    // Not an array: the schema said so (and metadata-json-lint crashes).
    for (i, dep) in deps.value.items().into_iter().enumerate() {
        if !dep.value.is_object() {
            not_an_object(out, "dependency", &format!("dependencies[{i}]"), dep);
            continue;
        }
        let name = dep.get("name");
        let name_value = name.map_or(&Value::Null, |m| m.value.value);
        let name_span = name.map_or(dep.span(), |m| m.value.span());
        let shown = format!("dependency '{}'", ruby_text(name_value));
        if let Some((_, first)) = seen.iter().find(|(v, _)| *v == name_value) {
            let d = out.warning(
                "metadata-duplicate-dependency",
                name_span,
                format!("{shown} is listed more than once"),
            );
            out.push(
                d.with_label(*first, "first listed here")
                    .with_help("keep one entry, with the range the module works with"),
            );
        }
        seen.push((name_value, name_span));
        let req = dep.get("version_requirement");
        let (req_text, req_span) = match req.map(|m| (m.value.str(), m.value.span())) {
            None => ("", name_span),
            Some((Some(text), span)) => (text, span),
            Some((None, _)) => continue, // the schema's finding
        };
        let range = match semver::VersionRange::parse(req_text) {
            Ok(range) => range,
            Err(e) => {
                range_error(out, &shown, req_text, req_span, e);
                continue;
            }
        };
        if options.strict_dependencies && range.open_ended() {
            let message = match req {
                None => format!("{shown} has no version_requirement: any version of it will do, however new"),
                Some(_) => format!("{shown} has no upper bound: '{req_text}' takes any version, however new"),
            };
            let hint = range
                .upper_bound_hint()
                .unwrap_or_else(|| ">= 1.0.0 < 2.0.0".to_string());
            let d = out.warning("metadata-open-ended-dependency", req_span, message);
            out.push(d.with_help(format!(
                "bound it above by the next major version it has not been tested with, e.g. \"{hint}\""
            )));
        }
        if mixes_syntax(req_text) {
            mixed_syntax(out, &shown, req_text, req_span);
        }
        if let Some(m) = dep.get("version_range") {
            let d = out.warning(
                "metadata-deprecated-version-range",
                m.key,
                format!("{shown} has a 'version_range' attribute, which the Forge no longer reads"),
            );
            out.push(d.with_help("give the range as 'version_requirement' and remove 'version_range'"));
        }
    }
}

fn requirements(out: &mut Findings, root: At) {
    let Some(reqs) = root.get("requirements") else {
        return;
    };
    let mut names: Vec<(String, Span)> = Vec::new();
    for (i, req) in reqs.value.items().into_iter().enumerate() {
        if !req.value.is_object() {
            not_an_object(out, "requirement", &format!("requirements[{i}]"), req);
            continue;
        }
        let name = req.get("name");
        let name_text = name.and_then(|m| m.value.str());
        let name_span = name.map_or(req.span(), |m| m.value.span());
        if name_text == Some("pe") {
            let d = out.warning(
                "metadata-pe-requirement",
                name_span,
                "the 'pe' requirement is no longer supported by the Forge",
            );
            out.push(
                d.with_help("remove it; say which Puppet versions the module works with in a 'puppet' requirement"),
            );
        }
        let shown = format!("requirement '{}'", name_text.unwrap_or_default());
        if let Some((text, span)) = req
            .get("version_requirement")
            .and_then(|m| Some((m.value.str()?, m.value.span())))
        {
            match semver::VersionRange::parse(text) {
                Err(e) => range_error(out, &shown, text, span, e),
                Ok(_) if mixes_syntax(text) => mixed_syntax(out, &shown, text, span),
                Ok(_) => {}
            }
        }
        if let Some(text) = name_text {
            names.push((text.to_lowercase(), name_span));
        }
    }
    for (i, (name, first)) in names.iter().enumerate() {
        if names[..i].iter().any(|(n, _)| n == name) {
            continue; // reported at its first
        }
        if let Some((_, again)) = names[i + 1..].iter().find(|(n, _)| n == name) {
            let d = out.error(
                "metadata-duplicate-requirement",
                *again,
                format!("requirement '{name}' is listed more than once (names are compared ignoring case)"),
            );
            out.push(
                d.with_label(*first, "first listed here")
                    .with_help("keep one entry, with the range that holds"),
            );
        }
    }
}

/// A dependency or requirement that is not an object (metadata-json-lint
/// crashes on it; Puppet's module tool cannot read it either).
fn not_an_object(out: &mut Findings, what: &str, here: &str, at: At) {
    let d = out.error(
        "metadata-field-type",
        at.span(),
        format!(
            "'{here}' is {}; each {what} must be an object with a 'name' and a 'version_requirement'",
            article(at.kind())
        ),
    );
    out.push(d.with_help(format!(
        "write it as {{\"name\": \"{}\", \"version_requirement\": \">= 1.0.0 < 2.0.0\"}}",
        if what == "dependency" {
            "puppetlabs-stdlib"
        } else {
            "puppet"
        }
    )));
}

fn range_error(out: &mut Findings, whose: &str, text: &str, span: Span, e: semver::RangeError) {
    let reason = match e {
        semver::RangeError::Unparsable => "it is not a version range".to_string(),
        semver::RangeError::MatchesNothing => "no version is in it".to_string(),
        semver::RangeError::LeadingZeros => "a numeric pre-release identifier has a leading zero".to_string(),
        semver::RangeError::Fails(why) => {
            format!("semantic_puppet, which Puppet reads ranges with, fails on it ({why})")
        }
    };
    let d = out.error(
        "metadata-version-range",
        span,
        format!("{whose} has an invalid version_requirement '{text}': {reason}"),
    );
    out.push(d.with_help(
        "write a range such as \">= 1.0.0 < 2.0.0\", \"1.x\", \"~1.2\" or \"1.2.3\" (alternatives joined by ||)",
    ));
}

/// An operator before a wildcard version (`>= 1.x`, `< 2.0.x`), as
/// metadata-json-lint looks for it: anywhere in the text, one digit for the
/// major and, before a wildcard patch, one for the minor.
static MIXED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[><=^~]{1,2}[ \t\n\r\x0B\x0C]*[0-9]\.(?:x|\*|[0-9]\.(?:x|\*))").expect("regex"));

fn mixes_syntax(req: &str) -> bool {
    MIXED.is_match(req)
}

fn mixed_syntax(out: &mut Findings, whose: &str, text: &str, span: Span) {
    let d = out.warning(
        "metadata-mixed-version-syntax",
        span,
        format!("{whose} mixes an operator with an 'x' or '*' wildcard in '{text}'"),
    );
    out.push(d.with_help("use one style: \"1.x\", or \">= 1.0.0 < 2.0.0\" (Puppet before 5 cannot read the mix)"));
}

// ----------------------------------------------- deprecated fields, license

/// Fields metadata-json-lint reports as deprecated (when present and not null).
const DEPRECATED: [&str; 2] = ["types", "checksum"];

fn deprecated_fields(out: &mut Findings, root: At) {
    for field in DEPRECATED {
        if let Some(m) = root.get(field).filter(|m| !m.value.value.is_null()) {
            let d = out.error(
                "metadata-deprecated-field",
                m.key,
                format!("field '{field}' is deprecated in metadata.json"),
            );
            out.push(d.with_help(format!("remove '{field}' from metadata.json")));
        }
    }
}

fn license(out: &mut Findings, root: At) {
    let Some(m) = root.get("license").filter(|m| !m.value.value.is_null()) else {
        return;
    };
    let text = ruby_text(m.value.value);
    let known = m.value.str().is_some_and(|s| SPDX_LICENSES.binary_search(&s).is_ok());
    if known || text == "proprietary" {
        return;
    }
    let d = out.warning(
        "metadata-license",
        m.value.span(),
        format!("license '{text}' is not an SPDX license identifier (https://spdx.org/licenses/)"),
    );
    out.push(
        d.with_help(match spdx_suggestion(&text) {
            Some(id) => format!("write \"{id}\""),
            None => {
                "use the license's SPDX identifier, e.g. \"Apache-2.0\" or \"GPL-3.0-or-later\", or \"proprietary\""
                    .to_string()
            }
        }),
    );
}

/// The SPDX identifier `text` probably means: the same ignoring case, with
/// hyphens for spaces ("apache 2.0" is "Apache-2.0").
fn spdx_suggestion(text: &str) -> Option<&'static str> {
    let wanted = text.trim().replace(' ', "-").to_lowercase();
    SPDX_LICENSES.iter().copied().find(|id| id.to_lowercase() == wanted)
}

/// A value as metadata-json-lint's messages show it (Ruby's `to_s`): a
/// string as it is, null as nothing, anything else as its JSON.
fn ruby_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

// ------------------------------------------------------------- navigation

/// A value with its place in the text.
#[derive(Clone, Copy)]
struct At<'a> {
    value: &'a Value,
    node: &'a json::Node,
    text: &'a str,
}

/// An object's member: its key's place and its value.
#[derive(Clone, Copy)]
struct Member<'a> {
    key: Span,
    value: At<'a>,
}

impl<'a> At<'a> {
    fn span(self) -> Span {
        self.node.span
    }

    /// The first byte: an object's `{`.
    fn opening(self) -> Span {
        Span::new(self.node.span.start as usize, self.node.span.start as usize + 1)
    }

    /// The member called `key` (the last, when a key is repeated: Ruby keeps that one).
    fn get(self, key: &str) -> Option<Member<'a>> {
        let value = self.value.as_object()?.get(key)?;
        let json::Kind::Object(members) = &self.node.kind else {
            return None;
        };
        let m = members.iter().rev().find(|m| m.key == key)?;
        Some(Member {
            key: m.key_span,
            value: At {
                value,
                node: &m.value,
                text: self.text,
            },
        })
    }

    /// An array's items (none for anything else).
    fn items(self) -> Vec<At<'a>> {
        match (self.value, &self.node.kind) {
            (Value::Array(values), json::Kind::Array(nodes)) => values
                .iter()
                .zip(nodes)
                .map(|(value, node)| At {
                    value,
                    node,
                    text: self.text,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn str(self) -> Option<&'a str> {
        self.value.as_str()
    }

    /// The type's name as the schema's messages give it; a number written
    /// without fraction or exponent is an integer, as Ruby reads it.
    fn kind(self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Number(_) => {
                let literal = self.text.get(self.span().range()).unwrap_or_default();
                if literal.contains(['.', 'e', 'E']) {
                    "number"
                } else {
                    "integer"
                }
            }
        }
    }
}

// ------------------------------------------------------------------- JSON

mod json;

// ------------------------------------------------------- semantic versions

mod semver;

// ------------------------------------------------------------------- URLs

mod uri;

// ------------------------------------------------------------------- SPDX

/// The license identifiers metadata-json-lint accepts: the SPDX License List
/// 3.1 (2018-04-14) as the spdx-licenses 1.2.0 gem ships it (its
/// `licenses.json`, Debian's ruby-spdx-licenses 1.2.0-2), sorted by byte for a
/// binary search. The list is the SPDX Workgroup's (a Linux Foundation
/// project), CC-BY-3.0 per Debian's copyright file; regenerate with
/// `ruby -rjson -e 'puts JSON.parse(File.read(ARGV[0]))["licenses"].map { |l| l["licenseId"] }.sort'`
/// on that file.
#[rustfmt::skip]
const SPDX_LICENSES: &[&str] = &[
    "0BSD", "AAL", "ADSL", "AFL-1.1", "AFL-1.2", "AFL-2.0", "AFL-2.1", "AFL-3.0", "AGPL-1.0", "AGPL-1.0-only",
    "AGPL-1.0-or-later", "AGPL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "AMDPLPA", "AML", "AMPAS", "ANTLR-PD",
    "APAFML", "APL-1.0", "APSL-1.0", "APSL-1.1", "APSL-1.2", "APSL-2.0", "Abstyles", "Adobe-2006", "Adobe-Glyph",
    "Afmparse", "Aladdin", "Apache-1.0", "Apache-1.1", "Apache-2.0", "Artistic-1.0", "Artistic-1.0-Perl",
    "Artistic-1.0-cl8", "Artistic-2.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-2-Clause-FreeBSD",
    "BSD-2-Clause-NetBSD", "BSD-2-Clause-Patent", "BSD-3-Clause", "BSD-3-Clause-Attribution", "BSD-3-Clause-Clear",
    "BSD-3-Clause-LBNL", "BSD-3-Clause-No-Nuclear-License", "BSD-3-Clause-No-Nuclear-License-2014",
    "BSD-3-Clause-No-Nuclear-Warranty", "BSD-4-Clause", "BSD-4-Clause-UC", "BSD-Protection", "BSD-Source-Code",
    "BSL-1.0", "Bahyph", "Barr", "Beerware", "BitTorrent-1.0", "BitTorrent-1.1", "Borceux", "CATOSL-1.1",
    "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-NC-1.0", "CC-BY-NC-2.0", "CC-BY-NC-2.5",
    "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-NC-ND-1.0", "CC-BY-NC-ND-2.0", "CC-BY-NC-ND-2.5", "CC-BY-NC-ND-3.0",
    "CC-BY-NC-ND-4.0", "CC-BY-NC-SA-1.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-2.5", "CC-BY-NC-SA-3.0",
    "CC-BY-NC-SA-4.0", "CC-BY-ND-1.0", "CC-BY-ND-2.0", "CC-BY-ND-2.5", "CC-BY-ND-3.0", "CC-BY-ND-4.0",
    "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "CDDL-1.0",
    "CDDL-1.1", "CDLA-Permissive-1.0", "CDLA-Sharing-1.0", "CECILL-1.0", "CECILL-1.1", "CECILL-2.0", "CECILL-2.1",
    "CECILL-B", "CECILL-C", "CNRI-Jython", "CNRI-Python", "CNRI-Python-GPL-Compatible", "CPAL-1.0", "CPL-1.0",
    "CPOL-1.02", "CUA-OPL-1.0", "Caldera", "ClArtistic", "Condor-1.1", "Crossword", "CrystalStacker", "Cube",
    "D-FSL-1.0", "DOC", "DSDP", "Dotseqn", "ECL-1.0", "ECL-2.0", "EFL-1.0", "EFL-2.0", "EPL-1.0", "EPL-2.0",
    "EUDatagrid", "EUPL-1.0", "EUPL-1.1", "EUPL-1.2", "Entessa", "ErlPL-1.1", "Eurosym", "FSFAP", "FSFUL",
    "FSFULLR", "FTL", "Fair", "Frameworx-1.0", "FreeImage", "GFDL-1.1", "GFDL-1.1-only", "GFDL-1.1-or-later",
    "GFDL-1.2", "GFDL-1.2-only", "GFDL-1.2-or-later", "GFDL-1.3", "GFDL-1.3-only", "GFDL-1.3-or-later", "GL2PS",
    "GPL-1.0", "GPL-1.0+", "GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0", "GPL-2.0+", "GPL-2.0-only",
    "GPL-2.0-or-later", "GPL-2.0-with-GCC-exception", "GPL-2.0-with-autoconf-exception",
    "GPL-2.0-with-bison-exception", "GPL-2.0-with-classpath-exception", "GPL-2.0-with-font-exception", "GPL-3.0",
    "GPL-3.0+", "GPL-3.0-only", "GPL-3.0-or-later", "GPL-3.0-with-GCC-exception", "GPL-3.0-with-autoconf-exception",
    "Giftware", "Glide", "Glulxe", "HPND", "HaskellReport", "IBM-pibs", "ICU", "IJG", "IPA", "IPL-1.0", "ISC",
    "ImageMagick", "Imlib2", "Info-ZIP", "Intel", "Intel-ACPI", "Interbase-1.0", "JSON", "JasPer-2.0", "LAL-1.2",
    "LAL-1.3", "LGPL-2.0", "LGPL-2.0+", "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1", "LGPL-2.1+",
    "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0", "LGPL-3.0+", "LGPL-3.0-only", "LGPL-3.0-or-later", "LGPLLR",
    "LPL-1.0", "LPL-1.02", "LPPL-1.0", "LPPL-1.1", "LPPL-1.2", "LPPL-1.3a", "LPPL-1.3c", "Latex2e", "Leptonica",
    "LiLiQ-P-1.1", "LiLiQ-R-1.1", "LiLiQ-Rplus-1.1", "Libpng", "Linux-OpenIB", "MIT", "MIT-0", "MIT-CMU",
    "MIT-advertising", "MIT-enna", "MIT-feh", "MITNFA", "MPL-1.0", "MPL-1.1", "MPL-2.0",
    "MPL-2.0-no-copyleft-exception", "MS-PL", "MS-RL", "MTLL", "MakeIndex", "MirOS", "Motosoto", "Multics", "Mup",
    "NASA-1.3", "NBPL-1.0", "NCSA", "NGPL", "NLOD-1.0", "NLPL", "NOSL", "NPL-1.0", "NPL-1.1", "NPOSL-3.0", "NRL",
    "NTP", "Naumen", "Net-SNMP", "NetCDF", "Newsletr", "Nokia", "Noweb", "Nunit", "OCCT-PL", "OCLC-2.0", "ODbL-1.0",
    "OFL-1.0", "OFL-1.1", "OGTSL", "OLDAP-1.1", "OLDAP-1.2", "OLDAP-1.3", "OLDAP-1.4", "OLDAP-2.0", "OLDAP-2.0.1",
    "OLDAP-2.1", "OLDAP-2.2", "OLDAP-2.2.1", "OLDAP-2.2.2", "OLDAP-2.3", "OLDAP-2.4", "OLDAP-2.5", "OLDAP-2.6",
    "OLDAP-2.7", "OLDAP-2.8", "OML", "OPL-1.0", "OSET-PL-2.1", "OSL-1.0", "OSL-1.1", "OSL-2.0", "OSL-2.1",
    "OSL-3.0", "OpenSSL", "PDDL-1.0", "PHP-3.0", "PHP-3.01", "Plexus", "PostgreSQL", "Python-2.0", "QPL-1.0",
    "Qhull", "RHeCos-1.1", "RPL-1.1", "RPL-1.5", "RPSL-1.0", "RSA-MD", "RSCPL", "Rdisc", "Ruby", "SAX-PD", "SCEA",
    "SGI-B-1.0", "SGI-B-1.1", "SGI-B-2.0", "SISSL", "SISSL-1.2", "SMLNJ", "SMPPL", "SNIA", "SPL-1.0", "SWL",
    "Saxpath", "Sendmail", "SimPL-2.0", "Sleepycat", "Spencer-86", "Spencer-94", "Spencer-99", "StandardML-NJ",
    "SugarCRM-1.1.3", "TCL", "TCP-wrappers", "TMate", "TORQUE-1.1", "TOSL", "UPL-1.0", "Unicode-DFS-2015",
    "Unicode-DFS-2016", "Unicode-TOU", "Unlicense", "VOSTROM", "VSL-1.0", "Vim", "W3C", "W3C-19980720",
    "W3C-20150513", "WTFPL", "Watcom-1.0", "Wsuipa", "X11", "XFree86-1.1", "XSkat", "Xerox", "Xnet", "YPL-1.0",
    "YPL-1.1", "ZPL-1.1", "ZPL-2.0", "ZPL-2.1", "Zed", "Zend-2.0", "Zimbra-1.3", "Zimbra-1.4", "Zlib",
    "bzip2-1.0.5", "bzip2-1.0.6", "curl", "diffmark", "dvipdfm", "eCos-2.0", "eGenix", "gSOAP-1.3b", "gnuplot",
    "iMatix", "libtiff", "mpich2", "psfrag", "psutils", "wxWindows", "xinetd", "xpp", "zlib-acknowledgement",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_license_table_is_sorted_for_binary_search() {
        assert!(SPDX_LICENSES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(SPDX_LICENSES.len(), 373);
    }

    #[test]
    fn places_are_in_the_text_whatever_it_holds() {
        let texts = [
            "",
            "é",
            "{\"é\" é}",
            "\"\\",
            "{\"a\":\"\\ud800",
            "{\"a\":1}é",
            "{\"a\": \"\\é\", \"b\" é}",
            "[[[[",
            "{\"a\":\"\\\u{1F600}\", x}",
            "/* é",
            "{} // é",
            "{\"a\": 1e999, \"b\": é}",
        ];
        for text in texts {
            for d in validate("m.json", text, Options::default()) {
                let span = d.span.expect("a place").range();
                assert!(span.start <= span.end && span.end <= text.len(), "{text:?}: {span:?}");
                assert!(
                    text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                    "{text:?}: {span:?}"
                );
            }
        }
    }

    #[test]
    fn mixed_syntax_as_metadata_json_lint_finds_it() {
        for yes in [">= 1.x", "< 2.0.x", ">=1.*", "~> 1.2.x", ">1.x"] {
            assert!(mixes_syntax(yes), "{yes}");
        }
        for no in ["1.x", ">=10.x", ">= 1.0.0 < 2.0.0", "~1.2", "1.2.x"] {
            assert!(!mixes_syntax(no), "{no}");
        }
    }
}
