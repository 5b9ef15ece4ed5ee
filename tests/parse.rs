//! The Puppet front end, by example: fixtures in, snapshots out.

use puppetlift::Manifest;
use std::path::{Path, PathBuf};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .expect("fixture directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "pp"))
        .collect();
    files.sort();
    files
}

fn parse(path: &Path) -> Manifest {
    let rel = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path);
    Manifest::parse(
        rel.display().to_string(),
        std::fs::read_to_string(path).expect("readable fixture"),
    )
}

#[test]
fn syntax_fixtures_parse_to_pn() {
    for path in fixtures("fixtures/puppet/syntax") {
        let m = parse(&path);
        let pn = m.pn().unwrap_or_else(|d| panic!("{}: {}", path.display(), d.message));
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture")
            .to_string();
        insta::assert_snapshot!(format!("pn__{name}"), pn);
    }
}

#[test]
fn error_fixtures_render_a_located_diagnostic() {
    let files = fixtures("fixtures/puppet/errors");
    assert!(files.len() >= 25, "at least 25 broken manifests, found {}", files.len());
    for path in files {
        let m = parse(&path);
        let d = m.body.as_ref().expect_err("a broken manifest must not parse");
        assert!(d.span.is_some(), "{}: the error must have a location", path.display());
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture")
            .to_string();
        insta::assert_snapshot!(format!("error__{name}"), d.render(Some(&m.source)));
    }
}

#[test]
fn legacy_syntax_is_a_warning_that_says_what_to_use() {
    let m = Manifest::parse("legacy.pp", "import 'nodes/*.pp'\nnode 'web' inherits 'base' { }\n");
    assert!(m.body.is_ok());
    let codes: Vec<_> = m.warnings.iter().map(|w| (w.code, w.help.is_some())).collect();
    assert_eq!(codes, vec![("legacy-syntax", true), ("legacy-syntax", true)]);
    let rendered: Vec<String> = m.warnings.iter().map(|w| w.one_line(Some(&m.source))).collect();
    insta::assert_snapshot!(rendered.join("\n"));
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_crash() {
    for (open, close) in [("[", "]"), ("(", ")"), ("{", "}")] {
        let src = format!("$a = {}1{}\n", open.repeat(10_000), close.repeat(10_000));
        let m = Manifest::parse("deep.pp", src);
        let d = m.body.as_ref().expect_err("too deep");
        assert_eq!(d.code, "nesting-too-deep");
        assert_eq!(m.source.line_col(d.span.expect("span").start as usize), (1, 106));
    }
}

#[test]
fn moderate_nesting_still_parses() {
    let src = format!("$a = {}1{}\n", "[".repeat(90), "]".repeat(90));
    assert!(Manifest::parse("ok.pp", src).body.is_ok());
}

#[test]
fn long_chains_are_a_diagnostic_not_a_crash() {
    let inputs = [
        format!("$a = 1{}\n", " + 1".repeat(20_000)),
        format!("$a = {}$b\n", "!".repeat(20_000)),
        format!("$a = {}1\n", "$b = ".repeat(20_000)),
        format!("if $a {{ }}{}\n", " elsif $b { }".repeat(5_000)),
    ];
    for src in inputs {
        let m = Manifest::parse("chain.pp", src);
        let d = m.body.as_ref().expect_err("too deep");
        assert_eq!(d.code, "nesting-too-deep", "{}", d.message);
    }
}

#[test]
fn many_virtual_markers_parse_flat() {
    let m = Manifest::parse("at.pp", format!("{}file {{ 'x': }}\n", "@".repeat(20_001)));
    assert!(m.pn().expect("pn").ends_with(":form \"exported\"})"));
}

#[test]
fn ordinary_chains_parse() {
    let src = format!("$a = 1{}\n", " + 1".repeat(300));
    let m = Manifest::parse("chain.pp", src);
    assert!(m.pn().expect("pn").starts_with("(= (var \"a\") (+ (+"));
}

/// Every prefix of a real manifest either parses or gives a located diagnostic.
#[test]
fn truncated_input_never_panics() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/puppet/syntax/strings.pp"))
        .expect("fixture");
    let text = text
        + &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/puppet/syntax/heredocs.pp"))
            .expect("fixture");
    for (i, _) in text.char_indices() {
        let m = Manifest::parse("cut.pp", &text[..i]);
        if let Err(d) = &m.body {
            assert!(d.span.is_some(), "no location at cut {i}");
        }
    }
}

#[test]
fn tokens_are_lossless() {
    for path in fixtures("fixtures/puppet/syntax") {
        let m = parse(&path);
        let rebuilt: String = m
            .tokens()
            .tokens
            .iter()
            .map(|t| &m.source.text[t.span.range()])
            .collect();
        assert_eq!(rebuilt, m.source.text, "{}", path.display());
    }
}

#[test]
fn spans_point_at_the_source() {
    let m = Manifest::parse("s.pp", "class a {\n  $x = \"v ${y}\"\n}\n");
    let body = m.body.as_ref().expect("parses");
    let puppetlift::puppet::ast::ExprKind::Class { def, .. } = &body.kind else {
        panic!("a class")
    };
    let stmt = &def.body.as_ref().expect("body")[0];
    assert_eq!(&m.source.text[stmt.span.range()], "$x = \"v ${y}\"");
    assert_eq!(&m.source.text[def.name_span.range()], "a");
}

#[test]
fn oversized_manifest_is_a_diagnostic() {
    let m = Manifest::parse("big.pp", "$a = 1\n".repeat(400_000));
    assert_eq!(m.body.as_ref().expect_err("too large").code, "file-too-large");
}
