//! `legacy_facts` over Hiera data (puppet-lint 4.3 and later, `--compat 5`):
//! the YAML files under a directory linted, or named, are loaded as Ruby's
//! `YAML.safe_load` loads them (aliases followed, Symbols permitted), and
//! every string in them, keys included, is searched for a legacy fact read
//! by interpolation: `%{::osfamily}`, `%{ipaddress_eth0}`, `%{facts.fqdn}`.
//!
//! Where puppet-lint places it: line of the first line of the file holding
//! the whole string (1 when none does, as for a folded string), column 1.
//! What puppet-lint also does and puppetlift does not: lex the YAML as Puppet
//! (reporting Puppet syntax errors in YAML files), crash on YAML it cannot
//! load or on `--fix` of such a finding. Here YAML that does not load has no
//! findings (`puppetlift validate` reports it), and the findings are not
//! fixed. Control comments (`# lint:ignore:legacy_facts`) apply as in a
//! manifest.

use super::rules::legacy_facts::is_legacy;
use super::{control, Context, Kind, Problem, Rule};
use crate::puppet::Manifest;
use crate::validate::hiera::{loaded_as, Loaded};
use libyaml_safer::{EventData, Parser, ScalarStyle};
use std::collections::HashMap;

/// Whether `path` is linted as YAML (`.yaml`, `.yml`, any case).
pub fn is_yaml(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// The problems of the `enabled` checks that read YAML (`legacy_facts`) in a
/// YAML file, control comments applied.
pub fn run(m: &Manifest, enabled: &[&Rule]) -> Vec<Problem> {
    if !enabled.iter().any(|r| r.name == "legacy_facts") {
        return Vec::new();
    }
    let text = &m.source.text;
    let Some(strings) = strings(text) else {
        return Vec::new();
    };
    let lines: Vec<&str> = text.split('\n').collect();
    // puppet-lint's line: the first holding the whole string (1 if none).
    let line_of = |s: &str| lines.iter().position(|l| l.contains(s)).map_or(1, |i| i + 1);
    let ctx = Context::new(m);
    // Comments count where puppet-lint's lexer reads the file as Puppet.
    let overrides = ctx.lint_error().is_none().then(|| control::Overrides::parse(&ctx).0);
    let mut problems = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for s in &strings {
        for name in interpolated_facts(s) {
            if !is_legacy(name) {
                continue;
            }
            let line = *seen.entry(s.as_str()).or_insert_with(|| line_of(s));
            let mut p = Problem {
                check: "legacy_facts",
                kind: Kind::Warning,
                message: format!("legacy fact '{name}'"),
                line,
                column: 1,
                ignored: None,
            };
            p.ignored = overrides
                .as_ref()
                .and_then(|o| o.reason(p.check, p.line))
                .map(str::to_string);
            problems.push(p);
        }
    }
    problems
}

/// The names puppet-lint's pattern `%{(?:(?:::?)?|facts\.)(\w+)(?!\.[a-zA-Z])}`
/// captures in `s`, in order: a name alone in `%{...}`, after `::`, `:` or
/// `facts.` (`%{facts.os.family}` names nothing).
pub fn interpolated_facts(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let word = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = s[i..].find("%{") {
        let open = i + k + 2;
        i = open;
        for prefix in ["::", ":", "", "facts."] {
            if !s[open..].starts_with(prefix) {
                continue;
            }
            let start = open + prefix.len();
            let end = start + b[start..].iter().take_while(|c| word(c)).count();
            if end > start && b.get(end) == Some(&b'}') {
                out.push(&s[start..end]);
                i = end + 1;
                break;
            }
        }
    }
    out
}

/// Every string `YAML.safe_load` gives for the first document of `text`, in
/// the order puppet-lint visits them (a key, then its value; an alias visits
/// its anchor's again). `None` when the load fails.
pub fn strings(text: &str) -> Option<Vec<String>> {
    let fed = crate::yaml::input(text);
    let mut input = fed.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    let mut out: Vec<String> = Vec::new();
    let mut anchors: HashMap<String, Vec<String>> = HashMap::new();
    // Open collections: whether a mapping's next item is a key, whether the
    // collection is itself a key (puppet-lint reads no string inside one),
    // its anchor and where its strings start.
    struct Open {
        map: bool,
        key_next: bool,
        in_key: bool,
        anchor: Option<(String, usize)>,
    }
    let mut stack: Vec<Open> = Vec::new();
    // What aliases may copy in all, in bytes.
    let mut budget = text.len().saturating_mul(16).max(1 << 20);
    loop {
        let event = crate::yaml::as_given(parser.parse().ok()?, text);
        // Whether this node is a mapping key, and inside one.
        let is_key = stack.last().is_some_and(|o| o.map && o.key_next);
        let in_key = is_key || stack.last().is_some_and(|o| o.in_key);
        let closes_item = |stack: &mut Vec<Open>| {
            if let Some(o) = stack.last_mut() {
                if o.map {
                    o.key_next = !o.key_next;
                }
            }
        };
        let map = matches!(event.data, EventData::MappingStart { .. });
        match event.data {
            EventData::StreamEnd | EventData::DocumentEnd { .. } => break,
            EventData::StreamStart { .. } | EventData::DocumentStart { .. } => {}
            EventData::Scalar {
                value,
                tag,
                style,
                anchor,
                ..
            } => {
                let start = out.len();
                match loaded_as(&value, style == ScalarStyle::Plain, tag.as_deref()) {
                    Loaded::Refused => return None,
                    Loaded::String if !in_key || is_key => out.push(value),
                    // A key is read as text (`k.to_s`): a Symbol's name.
                    Loaded::Symbol if is_key => out.push(value.trim_start_matches(':').to_string()),
                    _ => {}
                }
                if let Some(a) = anchor {
                    anchors.insert(a, out[start..].to_vec());
                }
                closes_item(&mut stack);
            }
            EventData::Alias { anchor } => {
                if !in_key || is_key {
                    let copied = anchors.get(&anchor).map_or(&[][..], Vec::as_slice);
                    // Aliases of aliases grow exponentially (a "billion
                    // laughs"): beyond what the text could spell out, give up.
                    budget = budget.checked_sub(copied.iter().map(|s| s.len() + 1).sum::<usize>())?;
                    out.extend_from_slice(copied);
                }
                closes_item(&mut stack);
            }
            EventData::SequenceStart { anchor, .. } | EventData::MappingStart { anchor, .. } => {
                if stack.len() >= 1000 {
                    return None;
                }
                let start = out.len();
                stack.push(Open {
                    map,
                    key_next: true,
                    in_key,
                    anchor: anchor.map(|a| (a, start)),
                });
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
                if let Some(Open {
                    anchor: Some((a, start)),
                    ..
                }) = stack.pop()
                {
                    anchors.insert(a, out.get(start..).map(<[String]>::to_vec).unwrap_or_default());
                }
                closes_item(&mut stack);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_is_puppet_lints() {
        assert_eq!(
            interpolated_facts("%{::osfamily} %{:fqdn} %{hostname}"),
            ["osfamily", "fqdn", "hostname"]
        );
        assert_eq!(interpolated_facts("%{facts.hostname} %{facts.os.family}"), ["hostname"]);
        assert!(interpolated_facts("%{::a.b} %{lookup('x')} %{} %{:::x}").is_empty());
    }

    #[test]
    fn strings_are_what_safe_load_gives() {
        let text = "a: &x '%{::fqdn}'\nb: *x\n? [k]\n: v\nn: 1\nd: 2024-01-01x\n:sym: s\n";
        let got = strings(text).unwrap();
        assert_eq!(
            got,
            [
                "a",
                "%{::fqdn}",
                "b",
                "%{::fqdn}",
                "v",
                "n",
                "d",
                "2024-01-01x",
                "sym",
                "s"
            ]
        );
        assert_eq!(strings("d: 2024-01-01\n"), None, "a Date is refused");
        assert_eq!(strings("a: [\n"), None);
        // Nested aliases that would copy billions of strings are given up.
        let mut bomb = String::from("a: &a [\"%{::fqdn}\", \"x\"]\n");
        for k in 0..30 {
            bomb.push_str(&format!(
                "b{k}: &b{k} [*{p}, *{p}, *{p}]\n",
                p = if k == 0 { "a".to_string() } else { format!("b{}", k - 1) }
            ));
        }
        assert_eq!(strings(&bomb), None);
    }
}
