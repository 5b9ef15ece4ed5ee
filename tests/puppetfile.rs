//! Puppetfiles, by example: each `fixtures/puppetfile/<case>/Puppetfile` is
//! read by the safe evaluator; the modules it names and the diagnostics for
//! what it could not understand (with line and column) are a snapshot.

use puppetlift::files::Root;
use puppetlift::puppetfile;
use std::path::Path;

#[test]
fn puppetfiles_give_their_modules_and_say_what_they_could_not_understand() {
    let base = Path::new("fixtures/puppetfile");
    let mut cases: Vec<_> = std::fs::read_dir(base)
        .expect("fixtures/puppetfile")
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "the Puppetfile fixtures are missing");
    for case in cases {
        let file = case.join("Puppetfile");
        let pf =
            puppetfile::read(&file, &file.display().to_string(), &Root::new(&case, &[])).expect("the fixture reads");
        let mut text = format!("moduledir {}\n", pf.moduledir);
        for m in &pf.modules {
            text.push_str(&format!(
                "{} {}\n",
                m.name,
                serde_json::to_string(&m.from).expect("json")
            ));
        }
        for d in &pf.diagnostics {
            text.push_str(&d.one_line(Some(&pf.source)));
            text.push('\n');
        }
        let name = case.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_suffix(&name);
        settings.bind(|| insta::assert_snapshot!("puppetfile", text));
    }
}
