//! The grammar that parses (grammar/fast.pest) and the one that explains a
//! syntax error (grammar/exact.pest) must accept exactly the same text: the
//! quick rejects of the first may only turn away what would fail anyway.

use super::*;
use std::path::Path;

/// Punctuation and words that the quick rejects look at, inserted into fixtures.
const PIECES: [&str; 24] = [
    "(", ")", "[", "]", "{", "}", ",", ".", "<", "=", "?", "!", "-", "*", "/", "#", "$", "'", "\"", " ", "\n", "in ",
    "and ", "\u{a0}",
];

/// Both grammars on `src`, read as a plan (tasks mode) or a manifest.
fn agree(src: &str, what: &str, plan: bool) {
    let (fast, exact) = match plan {
        true => (Rule::tasks_program, exact::Rule::tasks_program),
        false => (Rule::program, exact::Rule::program),
    };
    let fast = PuppetGrammar::parse(fast, src).is_ok();
    let exact = exact::ExactGrammar::parse(exact, src).is_ok();
    assert_eq!(
        fast, exact,
        "the fast grammar accepts {what}: {fast}, the exact one: {exact}\n{src}"
    );
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("fixture directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|x| x == "pp") {
            out.push(path);
        }
    }
}

#[test]
fn fast_and_exact_grammars_accept_the_same_text() {
    let mut files = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"), &mut files);
    assert!(files.len() > 100, "fixtures found: {}", files.len());
    for path in files {
        let src = std::fs::read_to_string(&path).expect("readable fixture");
        let name = path.display();
        let plan = crate::puppet::is_plan(&path);
        agree(&src, &format!("{name}"), plan);
        let cuts: Vec<usize> = (0..src.len()).filter(|&i| src.is_char_boundary(i)).step_by(9).collect();
        for &at in &cuts {
            agree(&src[..at], &format!("{name} cut at {at}"), plan);
        }
        for (k, &at) in cuts.iter().step_by(7).enumerate() {
            let piece = PIECES[k % PIECES.len()];
            let mutated = format!("{}{piece}{}", &src[..at], &src[at..]);
            agree(&mutated, &format!("{name} with {piece:?} at {at}"), plan);
        }
    }
}
