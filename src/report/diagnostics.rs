//! Machine outputs for [`Diagnostic`]s (`check`, `validate`): JSON lines,
//! SARIF 2.1.0, JUnit XML (what CI dashboards read, as PDK's `validate`
//! writes it), GitLab Code Quality (codeclimate) and GitHub Actions
//! annotations. Every format gives file, line and column.

use crate::diagnostic::{Diagnostic, Severity, SourceFile};
use serde_json::{json, Value};
use std::sync::Arc;

/// A finding with its file's source (none for whole-path problems).
pub type Found<'a> = (&'a Diagnostic, Option<&'a Arc<SourceFile>>);

/// A JUnit test case: a file and its findings.
pub type Case<'a> = (&'a str, Vec<Found<'a>>);

/// A JUnit test suite: a name (a validator) and its cases.
pub type Suite<'a> = (&'a str, Vec<Case<'a>>);

/// 1-based line and column of a finding, when it has a place.
pub fn position(d: &Diagnostic, src: Option<&SourceFile>) -> Option<(usize, usize)> {
    Some(src?.line_col(d.span?.start as usize))
}

/// One finding as a JSON object: the diagnostic's fields plus `line` and `column`.
pub fn json(d: &Diagnostic, src: Option<&SourceFile>) -> Value {
    let mut v = serde_json::to_value(d).unwrap_or_default();
    if let (Some((line, column)), Some(obj)) = (position(d, src), v.as_object_mut()) {
        obj.insert("line".into(), line.into());
        obj.insert("column".into(), column.into());
    }
    v
}

/// A GitHub Actions workflow command that annotates the finding's line.
pub fn github(d: &Diagnostic, src: Option<&SourceFile>) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let property = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
            .replace(':', "%3A")
            .replace(',', "%2C")
    };
    let data = d.message.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let place = match position(d, src) {
        Some((line, col)) => format!(",line={line},col={col}"),
        None => String::new(),
    };
    format!(
        "::{level} file={}{place},title={}::{data}",
        property(&d.file),
        property(d.code)
    )
}

/// A SARIF 2.1.0 log of the findings of tool `tool`, rules being the codes.
pub fn sarif(found: &[Found], tool: &str) -> Value {
    let mut rules: Vec<&str> = Vec::new();
    let mut results = Vec::new();
    for (d, src) in found {
        let index = match rules.iter().position(|r| *r == d.code) {
            Some(i) => i,
            None => {
                rules.push(d.code);
                rules.len() - 1
            }
        };
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        let mut location = json!({ "artifactLocation": { "uri": d.file } });
        if let Some((line, col)) = position(d, src.map(|s| s.as_ref())) {
            location["region"] = json!({ "startLine": line, "startColumn": col });
        }
        results.push(json!({
            "ruleId": d.code,
            "ruleIndex": index,
            "level": level,
            "message": { "text": d.message },
            "locations": [{ "physicalLocation": location }]
        }));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": tool,
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| json!({ "id": r })).collect::<Vec<_>>()
            }},
            "results": results,
            "columnKind": "unicodeCodePoints"
        }]
    })
}

/// GitLab's Code Quality report (the codeclimate format): one issue per
/// finding, with a fingerprint stable across runs.
pub fn codeclimate(found: &[Found]) -> Value {
    let issues: Vec<Value> = found
        .iter()
        .map(|(d, src)| {
            let line = position(d, src.map(|s| s.as_ref())).map_or(1, |(l, _)| l);
            let severity = match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Info => "info",
            };
            json!({
                "type": "issue",
                "check_name": d.code,
                "description": d.message,
                "categories": ["Bug Risk"],
                "severity": severity,
                "fingerprint": fingerprint(&[&d.file, d.code, &d.message, &line.to_string()]),
                "location": { "path": d.file, "lines": { "begin": line, "end": line } }
            })
        })
        .collect();
    Value::Array(issues)
}

/// FNV-1a (128 bits, hex) of the parts: stable, and unique enough to tell findings apart.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u128::from(b);
            h = h.wrapping_mul(0x0000000001000000000000000000013B);
        }
    }
    format!("{h:032x}")
}

/// A JUnit XML report: one test suite per group (a validator), one test case
/// per file, a failure per error (warnings are the case's system-out).
pub fn junit(name: &str, groups: &[Suite]) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let line = |d: &Diagnostic, src: Option<&Arc<SourceFile>>| match position(d, src.map(|s| s.as_ref())) {
        Some((l, c)) => format!("{}:{l}:{c}: {}[{}]: {}", d.file, d.severity, d.code, d.message),
        None => format!("{}: {}[{}]: {}", d.file, d.severity, d.code, d.message),
    };
    let count = |cases: &[Case]| -> (usize, usize) {
        let failed = cases
            .iter()
            .filter(|(_, f)| f.iter().any(|(d, _)| d.severity == Severity::Error))
            .count();
        (cases.len(), failed)
    };
    let (tests, failures) = groups.iter().fold((0, 0), |(t, f), (_, cases)| {
        let (a, b) = count(cases);
        (t + a, f + b)
    });
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\">\n",
        esc(name)
    ));
    for (group, cases) in groups {
        let (t, f) = count(cases);
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{t}\" failures=\"{f}\" errors=\"0\">\n",
            esc(group)
        ));
        for (file, found) in cases {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                esc(group),
                esc(file)
            ));
            if found.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            for (d, src) in found.iter().filter(|(d, _)| d.severity == Severity::Error) {
                out.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    esc(d.code),
                    esc(&d.message),
                    esc(&line(d, *src))
                ));
            }
            let others: Vec<String> = found
                .iter()
                .filter(|(d, _)| d.severity != Severity::Error)
                .map(|(d, src)| esc(&line(d, *src)))
                .collect();
            if !others.is_empty() {
                out.push_str(&format!("      <system-out>{}</system-out>\n", others.join("\n")));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
