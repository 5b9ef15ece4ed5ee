//! `metadata.json` validation, by example and against metadata-json-lint.
//!
//! By example: each case under `fixtures/validate/metadata/<case>/` is one
//! module's metadata (clean ones, one per check); its findings are the snapshot
//! `validate_metadata__metadata-<case>.snap`. A case whose name starts with
//! `clean` has none; one whose name has `strict` runs with
//! `strict_dependencies`, one whose name has `lenient-license` without
//! `strict_license`.
//!
//! Against the oracle: the 88 `metadata.json` of Debian's Puppet modules, and
//! mutations of each (broken JSON, a bad version, license, range, a duplicated
//! or open-ended dependency, a missing or deprecated field, …), written under
//! the target directory. metadata-json-lint 3.0.0 judges each file (its own
//! `MetadataJsonLint.parse`, run for every file in one Ruby process so Puppet
//! loads once; a sample is run through the `metadata-json-lint` command as
//! well, to show the two agree). The files each rejects must agree on at least
//! 99.5%. Ignored in plain `cargo test`, run by `.ci/run`, failing loudly
//! without the oracle.

use puppetlift::validate::metadata::{self, Options};
use puppetlift::{Diagnostic, Severity};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;
use common::{rendered, root};

fn options_for(case: &str) -> Options {
    Options {
        strict_dependencies: case.contains("strict"),
        strict_license: !case.contains("lenient-license"),
    }
}

#[test]
fn fixtures() {
    let dir = root().join("fixtures/validate/metadata");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/validate/metadata")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() > 10, "fixtures under {}", dir.display());
    for case in cases {
        let name = case.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let path = format!("fixtures/validate/metadata/{name}/metadata.json");
        let text = std::fs::read_to_string(root().join(&path)).expect("fixture");
        let found = metadata::validate(&path, &text, options_for(&name));
        if name.starts_with("clean") {
            assert!(found.is_empty(), "{}", rendered(&path, &text, &found));
        } else {
            assert!(!found.is_empty(), "{name}: no findings");
        }
        for d in &found {
            let span = d.span.expect("every finding has a place").range();
            assert!(
                span.end <= text.len() && text.is_char_boundary(span.start),
                "{name}: {span:?}"
            );
        }
        insta::assert_snapshot!(format!("metadata-{name}"), rendered(&path, &text, &found));
    }
}

#[test]
fn places_survive_comments_and_ruby_only_escapes() {
    // Ruby's JSON.parse takes both; the license's place is in the user's text.
    let text = "{ /* a comment */ \"summary\": \"Puppet\\'s \\q\", // why\n \"license\": \"GPL\" }";
    let found = metadata::validate("m.json", text, Options::default());
    let license = found
        .iter()
        .find(|d| d.code == "metadata-license")
        .expect("license warning");
    assert_eq!(&text[license.span.expect("span").range()], "\"GPL\"");
    assert!(found.iter().all(|d| d.code != "metadata-json-syntax"));
    let bad = metadata::validate("m.json", "{\"a\": 1,\n  \"b\" 2}", Options::default());
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].code, "metadata-json-syntax");
    assert_eq!(bad[0].span.map(|s| s.start), Some(15), "{:?}", bad[0]);
}

// ------------------------------------------------------------ conformance

const CORPUS: &str = "/usr/share/puppet/modules.available";

/// A mutation: its name and what it does to a module's metadata (`None` when
/// it does not apply).
type Mutation = (&'static str, fn(&str, &Map<String, Value>) -> Option<String>);

fn with(meta: &Map<String, Value>, change: impl FnOnce(&mut Map<String, Value>)) -> Option<String> {
    let mut m = meta.clone();
    change(&mut m);
    serde_json::to_string_pretty(&m).ok().map(|s| s + "\n")
}

/// The first dependency changed by `change` (one on stdlib added if there is none).
fn first_dependency(meta: &Map<String, Value>, change: impl FnOnce(&mut Map<String, Value>)) -> Option<String> {
    with(meta, |m| {
        let deps = m.entry("dependencies").or_insert_with(|| json!([]));
        if let Value::Array(list) = deps {
            if list.is_empty() {
                list.push(json!({"name": "puppetlabs-stdlib", "version_requirement": ">= 4.13.1 < 10.0.0"}));
            }
            if let Some(Value::Object(first)) = list.first_mut() {
                change(first);
            }
        }
    })
}

fn set(field: &'static str, value: Value) -> impl FnOnce(&mut Map<String, Value>) {
    move |m| {
        m.insert(field.to_string(), value);
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

const MUTATIONS: &[Mutation] = &[
    ("original", |t, _| Some(t.to_string())),
    ("truncated", |t, _| {
        Some(t[..floor_boundary(t, t.len() * 2 / 3)].to_string())
    }),
    ("no-closing-brace", |t, _| {
        t.rfind('}').map(|i| format!("{}{}", &t[..i], &t[i + 1..]))
    }),
    ("colon-to-comma", |t, _| {
        t.find("\":").map(|i| format!("{},{}", &t[..=i], &t[i + 2..]))
    }),
    ("trailing-comma", |t, _| {
        t.rfind('}').map(|i| format!("{},{}", t[..i].trim_end(), &t[i..]))
    }),
    ("comments", |t, _| {
        Some(format!("/* generated */\n{}", t.replacen(",\n", ", // note\n", 1)))
    }),
    ("ruby-escape", |_, m| with(m, set("summary", json!("PLACEHOLDER")))),
    ("version-short", |_, m| with(m, set("version", json!("1.0")))),
    ("version-leading-zero", |_, m| {
        with(m, set("version", json!("1.0.0-01")))
    }),
    ("version-number", |_, m| with(m, set("version", json!(1)))),
    ("license-gpl", |_, m| with(m, set("license", json!("GPL")))),
    ("license-proprietary", |_, m| {
        with(m, set("license", json!("proprietary")))
    }),
    ("name-bad", |_, m| with(m, set("name", json!("Stdlib")))),
    ("summary-long", |_, m| {
        with(m, set("summary", json!("word ".repeat(30))))
    }),
    ("project-page-bad", |_, m| {
        with(m, set("project_page", json!("http://")))
    }),
    ("issues-url-space", |_, m| {
        with(m, set("issues_url", json!("https://exa mple.com/issues")))
    }),
    ("tags-string", |_, m| with(m, set("tags", json!("web")))),
    ("tags-numbers", |_, m| with(m, set("tags", json!(["web", 5])))),
    ("types", |_, m| with(m, set("types", json!([])))),
    ("checksum", |_, m| with(m, set("checksum", json!({"a": "b"})))),
    ("checksums", |_, m| with(m, set("checksums", json!({"a": "b"})))),
    ("data-provider-null", |_, m| with(m, set("data_provider", Value::Null))),
    ("missing-author", |_, m| {
        with(m, |m| {
            m.shift_remove("author");
        })
    }),
    ("missing-dependencies", |_, m| {
        with(m, |m| {
            m.shift_remove("dependencies");
        })
    }),
    ("missing-summary-and-source", |_, m| {
        with(m, |m| {
            m.shift_remove("summary");
            m.shift_remove("source");
        })
    }),
    ("duplicate-dependency", |_, m| {
        with(m, |m| {
            let deps = m.entry("dependencies").or_insert_with(|| json!([]));
            if let Value::Array(list) = deps {
                let first = list
                    .first()
                    .cloned()
                    .unwrap_or_else(|| json!({"name": "puppetlabs-stdlib", "version_requirement": ">= 4.0.0 < 9.0.0"}));
                list.insert(0, first.clone());
                if list.len() == 2 {
                    list.push(first);
                }
            }
        })
    }),
    ("no-version-requirement", |_, m| {
        first_dependency(m, |d| {
            d.shift_remove("version_requirement");
        })
    }),
    ("open-ended", |_, m| {
        first_dependency(m, set("version_requirement", json!(">= 1.0.0")))
    }),
    ("range-dangling-hyphen", |_, m| {
        first_dependency(m, set("version_requirement", json!("1.0.0 - ")))
    }),
    ("range-empty", |_, m| {
        first_dependency(m, set("version_requirement", json!(">= 2.0.0 < 1.0.0")))
    }),
    ("range-mixed", |_, m| {
        first_dependency(m, set("version_requirement", json!(">= 1.x")))
    }),
    ("range-caret-wildcard", |_, m| {
        first_dependency(m, set("version_requirement", json!("^x")))
    }),
    ("range-or-same-end", |_, m| {
        first_dependency(m, set("version_requirement", json!(">= 1.0.0 || >= 2.0.0")))
    }),
    ("range-tilde", |_, m| {
        first_dependency(m, set("version_requirement", json!("~> 1.2")))
    }),
    ("range-number", |_, m| {
        first_dependency(m, set("version_requirement", json!(4)))
    }),
    ("version-range-attribute", |_, m| {
        first_dependency(m, set("version_range", json!(">= 1.0.0")))
    }),
    ("dependency-name-bad", |_, m| {
        first_dependency(m, set("name", json!("stdlib")))
    }),
    ("dependency-no-name", |_, m| {
        first_dependency(m, |d| {
            d.shift_remove("name");
        })
    }),
    ("dependency-string", |_, m| {
        with(m, set("dependencies", json!(["puppetlabs-stdlib"])))
    }),
    ("dependencies-object", |_, m| {
        with(m, set("dependencies", json!({"puppetlabs-stdlib": ">= 1.0.0"})))
    }),
    ("requirement-pe", |_, m| {
        with(
            m,
            set(
                "requirements",
                json!([{"name": "pe", "version_requirement": ">= 3.0.0 < 2015.4.0"}]),
            ),
        )
    }),
    ("requirement-twice", |_, m| {
        with(
            m,
            set(
                "requirements",
                json!([{"name": "puppet", "version_requirement": ">= 6.0.0 < 8.0.0"},
                       {"name": "Puppet", "version_requirement": ">= 7.0.0 < 9.0.0"}]),
            ),
        )
    }),
    ("requirement-bad-range", |_, m| {
        with(
            m,
            set(
                "requirements",
                json!([{"name": "puppet", "version_requirement": "7"}, {"name": "openvox", "version_requirement": "> > 7"}]),
            ),
        )
    }),
    ("os-support-bad", |_, m| {
        with(
            m,
            set("operatingsystem_support", json!([{"operatingsystemrelease": "12"}])),
        )
    }),
    ("top-level-array", |t, _| Some(format!("[{t}]"))),
    ("top-level-string", |_, _| Some("\"metadata\"\n".to_string())),
];

/// Values each tried in one field of one module (the modules taken in turn):
/// the corners of each check.
const RANGES: &[&str] = &[
    "",
    " ",
    "*",
    "x",
    "X",
    "1.x",
    "1.X",
    "1.2.x",
    "1.2.3",
    "=1.2.3",
    ">=1.2.3",
    "> 1.2.3",
    ">1",
    ">1.2",
    "<2",
    "<=2",
    "<=2.1",
    "<=2.1.3",
    "~1",
    "~1.2",
    "~1.2.3",
    "~>1.2",
    "~=1.2",
    "^0.1",
    "^0.1.2",
    "^1",
    "^1.2",
    "^1.2.3",
    "^1.2.3-rc1",
    "^1.2.3+b",
    "1.2.3-rc.1",
    "1.2.3-01",
    "1.2.3+build.01",
    "1 - 2",
    "1.0.0 - 2.x",
    "1.0.0 -2.0.0",
    ">=1.0.0 <2.0.0 || >=3.0.0 <4.0.0",
    ">=1.0.0 <2.0.0 || 2.x",
    "1.x || 2.x",
    "1.x || 1.x",
    "<1.0.0 || >2.0.0",
    "<=1.0.0 || >=1.0.1",
    "<1.0.0 || >=1.0.0",
    ">=1.0.0\t<2.0.0",
    ">= 1.0.0  < 2.0.0",
    "v1.0.0",
    ">=v1.0.0",
    "> v1",
    "1.0.0 || ",
    "|| 1.0.0",
    " 1.0.0",
    "1.0.0 ",
    ">=1.0.0 <1.0.0",
    ">1.0.0 <1.0.1",
    ">=1.0.0 <=1.0.0",
    "<0.0.0",
    "<0.0.0-0",
    ">*",
    ">=*",
    "<*",
    "<=*",
    "^*",
    "~*",
    "^0",
    "^0.0",
    "^0.x",
    "1.2.3.4",
    "01.2.3",
    "1.02.3",
    "a.b.c",
    ">=1.0.0,<2.0.0",
    "latest",
    ">= 4.0.0 < 5.0.0 ",
    "==1.0.0",
    "=>1.0.0",
    "< 2.0.x",
    ">=1.x <2.x",
    "~> 1.x",
    "99999999999999999999.0.0",
    ">=99999999999999999999.0.0 <99999999999999999999.1.0",
    "1.0.0-alpha <1.0.0",
    ">=1.0.0-rc1 <1.0.0",
    "*.1",
    "1.*.3",
    "1.0.0||2.0.0",
    "1.0.0 | 2.0.0",
    ">=4.0.0 <5.0.0 || >=4.5.0 <6.0.0",
    ">=2.0.0 <3.0.0 >=1.0.0",
    ">=2.0.0 <1.0.0 >=0.5.0",
    "* || >=1.0.0",
    "1.x || >=2.0.0",
    "<=1.0.0 || <=2.0.0",
    "1.0.0 || 1.0.1",
    "1.0.0 || 1.0.2",
    ">1.0.0 || 1.0.0",
    "> =1.0.0",
    ">= 1.0.0 <2.0.0 >= 1.5.0",
    "~1.2 || ^1.3",
    "<2.0.0 || <3.0.0",
    ">=1.0.0 || >2.0.0",
    ">=1.0.0 <2.0.0\n",
];
const VERSIONS: &[&str] = &[
    "1.0.0",
    "1.0",
    "1",
    "v1.0.0",
    "1.0.0-rc1",
    "1.0.0-rc.01",
    "1.0.0-01",
    "1.0.0+build",
    "1.0.0+01",
    "01.0.0",
    "1.0.0\n",
    "1.0.0 ",
    " 1.0.0",
    "1.0.0-",
    "1.0.0+",
    "1.0.0-a..b",
    "1.0.0-alpha.1+b.2",
    "",
    "1.0.0\n\n",
    "99999999999999999999999.0.0",
    "1.0.0-Ä",
    "1.0.0-x-y",
    "1.0.0-0",
    "1.0.0-00",
];
const NAMES: &[&str] = &[
    "puppetlabs-stdlib",
    "puppetlabs/stdlib",
    "stdlib",
    "Puppetlabs-stdlib",
    "puppetlabs-Stdlib",
    "puppetlabs-std-lib",
    "puppet_labs-stdlib",
    "puppetlabs-1stdlib",
    "puppetlabs-std_lib2",
    "x\npuppetlabs-stdlib",
    "puppetlabs-stdlib\n",
    "puppetlabs-stdlib\nx y",
    "",
    "-stdlib",
    "pupp\u{e9}t-stdlib",
    "puppetlabs--stdlib",
    "a-b",
    "a/b/c",
    "a-b\r",
];
const URLS: &[&str] = &[
    "https://github.com/o/m",
    "http://",
    "http:",
    "https:foo",
    "github.com/o/m",
    "not a url",
    ":foo",
    "foo:bar",
    "1foo:bar",
    "see http://x",
    "http://exa mple.com",
    "http://x:8o/",
    "http://x:80/",
    "http://x:/",
    "http://[::1]/",
    "http://[::1/",
    "http://[zz%]/",
    "http://u@/",
    "http://@",
    "mailto:a@b",
    "file://",
    "//x",
    "ftp://",
    "svn+ssh://x",
    "http://x y@host/",
    "http://x\"y/",
    "http://x{y}",
    "HTTP://X",
    "",
    "http://%41/",
    "https://x:%38%30/",
    "https://x:%zz/",
    "a:b:c",
    "/a:b",
    "a/b:c",
    "\n:x",
    "https://example.com/ foo",
    "http://x\u{a0}y/",
    "git@github.com:o/m.git",
    "https://github.com/o/m#readme?x",
];

/// Whole values for fields, each tried on one module.
fn field_values() -> Vec<(&'static str, Value)> {
    let long_multibyte = "é".repeat(145);
    vec![
        ("license", json!("MIT")),
        ("license", json!("mit")),
        ("license", json!("Apache 2.0")),
        ("license", json!("GPL-2.0+")),
        ("license", json!("Proprietary")),
        ("license", json!("")),
        ("license", json!("MIT OR Apache-2.0")),
        ("license", json!(" MIT")),
        ("license", json!(5)),
        ("license", Value::Null),
        ("license", json!(true)),
        ("license", json!(["MIT"])),
        ("author", json!(5)),
        ("author", Value::Null),
        ("description", json!(1.5)),
        ("source", json!([])),
        ("data_provider", json!(1)),
        ("data_provider", json!("hiera")),
        ("dependencies", json!("x")),
        ("dependencies", json!({})),
        ("dependencies", Value::Null),
        ("dependencies", json!(false)),
        ("dependencies", json!([null])),
        ("dependencies", json!([[]])),
        ("dependencies", json!([5])),
        ("dependencies", json!([{}])),
        ("dependencies", json!([{"name": 5}])),
        ("dependencies", json!([{"name": null, "version_requirement": "1.x"}])),
        (
            "dependencies",
            json!([{"version_requirement": "1.x"}, {"version_requirement": "2.x"}]),
        ),
        ("dependencies", json!([{"name": "a-b", "version_requirement": null}])),
        ("dependencies", json!([{"name": "a-b", "version_requirement": 4}])),
        (
            "dependencies",
            json!([{"name": "a-b"}, {"name": "a/b"}, {"name": "a-b"}]),
        ),
        ("requirements", json!("x")),
        ("requirements", Value::Null),
        ("requirements", json!({})),
        ("requirements", json!([{"name": "puppet"}])),
        ("requirements", json!([{"name": "PE"}])),
        ("requirements", json!([{"version_requirement": "1.x"}])),
        ("requirements", json!([{"name": 5}])),
        ("requirements", json!([null])),
        ("requirements", json!(["puppet"])),
        (
            "requirements",
            json!([{"name": "puppet", "version_requirement": ">= 1.x"}]),
        ),
        (
            "requirements",
            json!([{"name": "puppet", "version_requirement": "bogus"}]),
        ),
        ("requirements", json!([{"name": "puppet", "version_requirement": 5}])),
        ("requirements", json!([{"name": "Ä"}, {"name": "ä"}])),
        (
            "requirements",
            json!([{"name": "puppet"}, {"name": "puppet"}, {"name": "puppet"}]),
        ),
        ("tags", json!([1])),
        ("tags", json!({})),
        ("tags", json!([])),
        ("operatingsystem_support", json!({})),
        ("operatingsystem_support", json!([{"operatingsystem": 1}])),
        (
            "operatingsystem_support",
            json!([{"operatingsystem": "Debian", "operatingsystemrelease": [12]}]),
        ),
        ("operatingsystem_support", json!([5])),
        ("summary", json!(long_multibyte)),
        ("summary", json!("é".repeat(144))),
        ("summary", json!(5)),
        ("version", Value::Null),
        ("name", json!(5)),
        ("issues_url", json!(5)),
        ("checksum", Value::Null),
        ("types", Value::Null),
        ("types", json!(0)),
        ("types", json!(false)),
        ("checksums", json!("x")),
        ("data_provider", Value::Null),
    ]
}

/// Edits of the JSON text itself, each tried on one module.
/// An edit of a file's text: its name and what it does.
type TextEdit = (&'static str, fn(&str) -> String);

const TEXT_EDITS: &[TextEdit] = &[
    ("bom", |t| format!("\u{feff}{t}")),
    ("line-comment-at-end", |t| format!("{} // end", t.trim_end())),
    ("line-comment-then-newline", |t| format!("{} // end\n", t.trim_end())),
    ("unterminated-comment", |t| format!("{} /* end", t.trim_end())),
    ("nan", |t| t.replacen('{', "{\"x\": NaN,", 1)),
    ("raw-tab", |t| t.replacen('{', "{\"x\": \"a\tb\",", 1)),
    ("escape-q", |t| t.replacen('{', "{\"x\": \"a\\qb\",", 1)),
    ("escape-unicode", |t| t.replacen('{', "{\"x\": \"caf\\u00e9\",", 1)),
    ("lone-low-surrogate", |t| t.replacen('{', "{\"x\": \"\\udc00\",", 1)),
    ("bad-surrogate-pair", |t| {
        t.replacen('{', "{\"x\": \"\\ud800\\u0041\",", 1)
    }),
    ("huge-float", |t| t.replacen('{', "{\"x\": 1e400,", 1)),
    ("huge-integer", |t| {
        t.replacen('{', "{\"x\": 123456789012345678901234567890,", 1)
    }),
    ("nesting-100", |t| {
        t.replacen('{', &format!("{{\"x\": {}{},", "[".repeat(99), "]".repeat(99)), 1)
    }),
    ("nesting-101", |t| {
        t.replacen('{', &format!("{{\"x\": {}{},", "[".repeat(100), "]".repeat(100)), 1)
    }),
    ("duplicate-name-bad-last", |t| {
        t.replacen('{', "{\"name\": \"good-name\",", 1)
            .replacen('}', ", \"name\": \"Bad\"}", 1)
    }),
    ("duplicate-name-bad-first", |t| {
        t.replacen('{', "{\"name\": \"Bad\",", 1)
    }),
    ("escaped-key", |t| t.replacen('{', "{\"na\\u006de\": \"Bad\",", 1)),
    ("trailing-garbage", |t| format!("{t}x")),
    ("empty", |_| String::new()),
    ("whitespace", |_| " \n".to_string()),
    ("empty-object", |_| "{}".to_string()),
    ("crlf", |t| t.replace('\n', "\r\n")),
    ("form-feed", |t| t.replacen('{', "{\u{c}", 1)),
    ("nul-after", |t| format!("{t}\u{0}")),
    ("numbers", |t| t.replacen('{', "{\"x\": [-0, 1.5e3, -2E-2, 0.0],", 1)),
    ("leading-zero", |t| t.replacen('{', "{\"x\": 01,", 1)),
    ("single-quotes", |t| t.replacen('{', "{'x': 1,", 1)),
    ("comment-in-string", |t| {
        t.replacen('{', "{\"x\": \"/* not a comment */\",", 1)
    }),
    ("del-char", |t| t.replacen('{', "{\"x\": \"\u{7f}\",", 1)),
];

/// The edge cases, each on one module: (kind, module index, text).
fn edge_cases(modules: &[(String, Map<String, Value>)]) -> Vec<(String, usize, String)> {
    let n = modules.len();
    let mut out = Vec::new();
    let mut next = 0usize;
    let mut pick = || {
        next += 1;
        (next * 7) % n
    };
    for (i, range) in RANGES.iter().enumerate() {
        let m = pick();
        if let Some(t) = first_dependency(&modules[m].1, set("version_requirement", json!(range))) {
            out.push((format!("edge-range-{i:03}"), m, t));
        }
    }
    for (i, version) in VERSIONS.iter().enumerate() {
        let m = pick();
        out.extend(with(&modules[m].1, set("version", json!(version))).map(|t| (format!("edge-version-{i:03}"), m, t)));
    }
    for (i, name) in NAMES.iter().enumerate() {
        let m = pick();
        out.extend(with(&modules[m].1, set("name", json!(name))).map(|t| (format!("edge-name-{i:03}"), m, t)));
        let m = pick();
        out.extend(
            first_dependency(&modules[m].1, set("name", json!(name)))
                .map(|t| (format!("edge-dependency-name-{i:03}"), m, t)),
        );
    }
    for (i, url) in URLS.iter().enumerate() {
        let m = pick();
        out.extend(with(&modules[m].1, set("project_page", json!(url))).map(|t| (format!("edge-url-{i:03}"), m, t)));
    }
    for (i, (field, value)) in field_values().into_iter().enumerate() {
        let m = pick();
        out.extend(with(&modules[m].1, set(field, value)).map(|t| (format!("edge-field-{i:03}"), m, t)));
    }
    for (name, edit) in TEXT_EDITS {
        let m = pick();
        out.push((format!("edge-text-{name}"), m, edit(&modules[m].0)));
    }
    out
}

/// The mutations that concern dependencies, judged with `--strict-dependencies` too.
const STRICT: &[&str] = &[
    "original",
    "no-version-requirement",
    "open-ended",
    "range-mixed",
    "range-tilde",
    "duplicate-dependency",
    "missing-dependencies",
];

/// One file as metadata-json-lint judged it.
#[derive(Debug, Clone)]
struct Verdict {
    status: i64,
    errors: Vec<String>,
    warnings: Vec<String>,
    abort: Option<String>,
    crash: Option<String>,
    crash_at: Option<String>,
}

impl Verdict {
    /// Its first problem's kind, in our codes: the first error (a crash
    /// counting as one, after those found before it), else the first warning.
    fn first_kind(&self) -> Option<&'static str> {
        if self.abort.is_some() {
            return Some("metadata-json-syntax");
        }
        if let Some(e) = self.errors.first() {
            return Some(kind_of(e));
        }
        if self.crash.is_some() {
            let at = self.crash_at.as_deref().unwrap_or_default();
            return Some(if at.contains("version_range") {
                "metadata-version-range"
            } else if at.starts_with("metadata_json_lint.rb:96:") {
                // `parsed['dependencies']` on what is not an object
                "metadata-not-an-object"
            } else {
                "metadata-field-type"
            });
        }
        self.warnings.first().map(|w| kind_of(w))
    }

    fn has_error(&self) -> bool {
        self.abort.is_some() || self.crash.is_some() || !self.errors.is_empty()
    }

    fn shown(&self) -> String {
        let mut lines: Vec<String> = self.errors.iter().map(|e| format!("(ERROR) {e}")).collect();
        lines.extend(self.warnings.iter().map(|w| format!("(WARN) {w}")));
        lines.extend(self.abort.iter().map(|a| format!("(ABORT) {a}")));
        lines.extend(
            self.crash
                .iter()
                .map(|c| format!("(CRASH) {c} at {}", self.crash_at.as_deref().unwrap_or("?"))),
        );
        format!("exit {}: {}", self.status, lines.join(" | "))
    }
}

/// One of metadata-json-lint's findings (`check: message`) as our code.
fn kind_of(finding: &str) -> &'static str {
    let (check, msg) = finding.split_once(": ").unwrap_or(("", finding));
    let has = |s: &str| msg.contains(s);
    match check {
        "required_fields" => "metadata-missing-field",
        "deprecated_fields" => "metadata-deprecated-field",
        _ if has("did not match the following type") || has("did not match one or more of the following types") => {
            "metadata-field-type"
        }
        _ if has("did not contain a required property") => "metadata-missing-field",
        "name" if has("did not match the regex") => "metadata-name",
        "dependencies" if has("did not match the regex") => "metadata-dependency-name",
        _ if has("must be a valid URI") => "metadata-url",
        _ if has("must be a valid semantic version") => "metadata-version",
        _ if has("maximum string length") => "metadata-summary-too-long",
        _ if has("Duplicate dependencies") => "metadata-duplicate-dependency",
        _ if has("Duplicate entries in the 'requirements'") => "metadata-duplicate-requirement",
        _ if has("Invalid 'version_requirement'") => "metadata-version-range",
        _ if has("open ended dependency") => "metadata-open-ended-dependency",
        _ if has("Mixing \"x\" or \"*\"") => "metadata-mixed-version-syntax",
        _ if has("'version_range' attribute") => "metadata-deprecated-version-range",
        _ if has("'pe' requirement") => "metadata-pe-requirement",
        "license" if has("SPDX") => "metadata-license",
        _ => "unknown",
    }
}

/// Our first problem's kind: the first error, else the first warning.
fn our_first_kind(found: &[Diagnostic]) -> Option<&'static str> {
    found
        .iter()
        .find(|d| d.severity == Severity::Error)
        .or_else(|| found.first())
        .map(|d| d.code)
}

fn oracle(script: &Path, files: &[PathBuf], strict: bool) -> BTreeMap<PathBuf, Verdict> {
    let mut cmd = Command::new("ruby");
    cmd.arg(script);
    if strict {
        cmd.arg("strict");
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("ruby runs (install the oracles: bash ../shared/oracles/install.sh)");
    let list: String = files.iter().map(|p| format!("{}\n", p.display())).collect();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(list.as_bytes()));
    let out = child.wait_with_output().expect("oracle output");
    writer.join().expect("writer").expect("paths written");
    assert!(out.status.success(), "the metadata-json-lint driver failed");
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("a driver line is JSON");
            let text = |k: &str| v[k].as_str().map(str::to_string);
            (
                PathBuf::from(text("file").unwrap_or_default()),
                Verdict {
                    status: v["status"].as_i64().unwrap_or(-1),
                    errors: strings(&v["errors"]),
                    warnings: strings(&v["warnings"]),
                    abort: text("abort"),
                    crash: text("crash"),
                    crash_at: text("crash_at"),
                },
            )
        })
        .collect()
}

/// Writes every mutation of every corpus file under `dir`; the files, by mutation name.
fn write_mutations(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut modules: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path().join("metadata.json"))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    modules.sort();
    assert!(
        modules.len() >= 80,
        "{CORPUS} has {} metadata.json: install the oracles (bash ../shared/oracles/install.sh)",
        modules.len()
    );
    let _ = std::fs::remove_dir_all(dir);
    let names: Vec<String> = modules
        .iter()
        .map(|m| {
            m.parent()
                .and_then(Path::file_name)
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let texts: Vec<(String, Map<String, Value>)> = modules
        .iter()
        .map(|m| {
            let text = std::fs::read_to_string(m).expect("corpus file is UTF-8");
            let meta = serde_json::from_str(&text).unwrap_or_default();
            (text, meta)
        })
        .collect();
    let mut files = Vec::new();
    let mut written = std::collections::HashSet::new();
    let mut write = |mutation: &str, module: &str, text: String| {
        if !written.insert(text.clone()) {
            return; // the same file again (a mutation that ignores the module) measures nothing new
        }
        let path = dir.join(mutation).join(module).join("metadata.json");
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mutation dir");
        std::fs::write(&path, text).expect("mutation written");
        files.push((mutation.to_string(), path));
    };
    for (name, (text, meta)) in names.iter().zip(&texts) {
        for (mutation, make) in MUTATIONS {
            let Some(mut mutated) = make(text, meta) else {
                continue;
            };
            if *mutation == "ruby-escape" {
                // An escape only Ruby takes (`\'`), and a comment.
                mutated = mutated.replacen("\"PLACEHOLDER\"", "\"Puppet\\'s module\" /* see README */", 1);
            }
            write(mutation, name, mutated);
        }
    }
    for (kind, m, text) in edge_cases(&texts) {
        write(&kind, &names[m], text);
    }
    files
}

/// A few files through the `metadata-json-lint` command itself: it must be
/// installed, and its exit status must be the driver's.
fn the_command_agrees(sample: &[&PathBuf], verdicts: &BTreeMap<PathBuf, Verdict>) {
    for file in sample {
        let out = Command::new("metadata-json-lint").arg(file).output();
        let out = out.unwrap_or_else(|e| {
            panic!("metadata-json-lint is not installed ({e}): install the oracles (bash ../shared/oracles/install.sh)")
        });
        let code = i64::from(out.status.code().unwrap_or(-1));
        let driver = verdicts[*file].status;
        assert_eq!(
            code != 0,
            driver != 0,
            "{}: the command exits {code}, the driver {driver}",
            file.display()
        );
    }
}

#[test]
#[ignore = "needs metadata-json-lint (oracle): run by .ci/run"]
fn agrees_with_metadata_json_lint() {
    let probe = Command::new("metadata-json-lint").arg("--help").output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "metadata-json-lint is not installed: install the oracles (bash ../shared/oracles/install.sh)"
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("validate-metadata");
    let files = write_mutations(&dir.join("files"));
    let script = root().join("tests/oracle/metadata_json_lint.rb");

    let all: Vec<PathBuf> = files.iter().map(|(_, p)| p.clone()).collect();
    let strict_files: Vec<PathBuf> = files
        .iter()
        .filter(|(m, _)| STRICT.contains(&m.as_str()))
        .map(|(_, p)| p.clone())
        .collect();
    let runs = [(false, all), (true, strict_files)];

    let mut report = String::new();
    let mut differences = Vec::new();
    let (mut total, mut agreed) = (0usize, 0usize);
    for (strict, list) in &runs {
        let verdicts = oracle(&script, list, *strict);
        assert_eq!(verdicts.len(), list.len(), "a verdict per file");
        if !strict {
            // Ten files, spread over the mutations, through the command itself.
            let sample: Vec<&PathBuf> = list.iter().step_by(list.len() / 10 + 1).collect();
            the_command_agrees(&sample, &verdicts);
        }
        let options = Options {
            strict_dependencies: *strict,
            ..Options::default()
        };
        let (mut rejected_oracle, mut rejected_us, mut same) = (0, 0, 0);
        let (mut errors_same, mut kinds_compared, mut kinds_same) = (0, 0, 0);
        let (mut lists_compared, mut lists_same) = (0, 0);
        for file in list {
            let v = &verdicts[file];
            let text = std::fs::read_to_string(file).expect("mutation is UTF-8");
            let found = metadata::validate(&file.display().to_string(), &text, options);
            let theirs = v.status != 0;
            let ours = !found.is_empty(); // it fails on warnings too, by default
            rejected_oracle += usize::from(theirs);
            rejected_us += usize::from(ours);
            same += usize::from(theirs == ours);
            errors_same += usize::from(v.has_error() == found.iter().any(|d| d.severity == Severity::Error));
            let (k_theirs, k_ours) = (v.first_kind(), our_first_kind(&found));
            if theirs && ours {
                kinds_compared += 1;
                kinds_same += usize::from(k_theirs == k_ours);
            }
            // Every finding, where metadata-json-lint got to the end.
            let mut all_theirs: Vec<&str> = v.errors.iter().chain(&v.warnings).map(|f| kind_of(f)).collect();
            let mut all_ours: Vec<&str> = found.iter().map(|d| d.code).collect();
            all_theirs.sort_unstable();
            all_ours.sort_unstable();
            let lists_differ = v.crash.is_none() && v.abort.is_none() && all_theirs != all_ours;
            if v.crash.is_none() && v.abort.is_none() {
                lists_compared += 1;
                lists_same += usize::from(!lists_differ);
            }
            if theirs != ours || (theirs && ours && k_theirs != k_ours) || lists_differ {
                let rel = file.strip_prefix(&dir).unwrap_or(file);
                let ours_shown: Vec<String> = found
                    .iter()
                    .map(|d| format!("{}[{}] {}", d.severity, d.code, d.message))
                    .collect();
                differences.push(format!(
                    "{}{}\n  oracle: {}\n  ours:   {}",
                    rel.display(),
                    if *strict { " (strict dependencies)" } else { "" },
                    v.shown(),
                    if ours_shown.is_empty() {
                        "nothing".to_string()
                    } else {
                        ours_shown.join(" | ")
                    }
                ));
            }
        }
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        report.push_str(&format!(
            "{}: {} files, rejected by metadata-json-lint {}, by us {}, agreement {:.2}% ({} differ); \
             errors alone (--no-fail-on-warnings) {:.2}%; first problem's kind {}/{} ({:.2}%); \
             every finding's kind, where metadata-json-lint finished, {}/{} ({:.2}%)\n",
            if *strict { "--strict-dependencies" } else { "defaults" },
            list.len(),
            rejected_oracle,
            rejected_us,
            pct(same, list.len()),
            list.len() - same,
            pct(errors_same, list.len()),
            kinds_same,
            kinds_compared,
            pct(kinds_same, kinds_compared),
            lists_same,
            lists_compared,
            pct(lists_same, lists_compared),
        ));
        total += list.len();
        agreed += same;
    }
    println!("{report}");
    for d in &differences {
        println!("{d}");
    }
    let agreement = 100.0 * agreed as f64 / total as f64;
    assert!(
        agreement >= 99.5,
        "rejection agreement {agreement:.2}% < 99.5%:\n{report}"
    );
}

/// Hostile input: every prefix of every fixture, and strings cut inside an
/// escape or a comment, give findings, never a panic.
#[test]
fn every_prefix_is_validated_without_panic() {
    let dir = root().join("fixtures/validate/metadata");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| std::fs::read_to_string(e.expect("entry").path().join("metadata.json")).expect("fixture"))
        .collect();
    texts.extend(
        [
            "\"\\",
            "{\"a\": \"\\",
            "{\"a\":\"\\u12",
            "{\"a\":\"\\ud800",
            "/*",
            "{\"a\":1}//",
            "[",
            "\u{feff}{}",
        ]
        .map(String::from),
    );
    for text in &texts {
        for (at, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            let _ = metadata::validate("metadata.json", &text[..at], Options::default());
        }
    }
}
