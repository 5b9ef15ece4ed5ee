//! The Puppet front end: manifests to a typed AST with spans, Puppet's PN, and a
//! lossless token view for checks.

pub mod ast;
pub mod checker;
pub mod lexer;
pub mod parser;
pub mod pn;
pub mod strings;
pub mod visit;

use crate::diagnostic::{Diagnostic, SourceFile};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Whether `path` is a Bolt plan, which Puppet reads in tasks mode: a `.pp`
/// file under the `plans/` directory of a module or a Bolt project. Decided
/// by the innermost code directory on its (absolute) path: a `plans` or
/// `manifests` directory whose parent is neither (`mod/plans/x.pp` is a plan;
/// `mod/manifests/plans/x.pp` is class `mod::plans::x`), unless a directory
/// between it and the file is a project's or module's root (a checkout kept
/// under some `plans/` directory keeps its manifests).
pub fn is_plan(path: &Path) -> bool {
    if path.extension().is_none_or(|e| e != "pp") {
        return false;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dirs: Vec<&std::ffi::OsStr> = absolute
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .map(|c| c.as_os_str())
        .collect();
    let code = |d: &std::ffi::OsStr| d == "plans" || d == "manifests";
    let Some(at) = (1..dirs.len()).rev().find(|&i| code(dirs[i]) && !code(dirs[i - 1])) else {
        return false;
    };
    // A directory between `plans/` and the file that is a project's or a
    // module's root (a checkout kept under some `plans/`) is not a plan's.
    let roots = [
        ".git",
        "metadata.json",
        "manifests",
        "Puppetfile",
        "Vagrantfile",
        "bolt-project.yaml",
    ];
    let mut below = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
    for _ in at + 1..dirs.len() {
        if roots.iter().any(|r| below.join(r).exists()) {
            return false;
        }
        below.pop();
    }
    dirs[at] == "plans"
}

/// A parsed manifest: its source, its AST (or the syntax error) and, on demand,
/// its tokens.
#[derive(Debug)]
pub struct Manifest {
    /// The file's text and name.
    pub source: Arc<SourceFile>,
    /// The program body, or the syntax error that stopped the parse.
    pub body: Result<ast::Expr, Diagnostic>,
    /// Warnings found while parsing (legacy syntax).
    pub warnings: Vec<Diagnostic>,
    tokens: OnceLock<lexer::Lexed>,
}

impl Manifest {
    /// Parses `text`, naming it `path` in diagnostics.
    pub fn parse(path: impl Into<String>, text: impl Into<String>) -> Manifest {
        Manifest::parsed_by(parser::parse, path, text)
    }

    /// Parses the EPP template `text`, naming it `path` in diagnostics: the
    /// body is the lambda Puppet's EPP parser makes of a template.
    pub fn parse_epp(path: impl Into<String>, text: impl Into<String>) -> Manifest {
        Manifest::parsed_by(parser::parse_epp, path, text)
    }

    /// Parses the Bolt plan `text` (a module's `plans/`) in tasks mode,
    /// naming it `path` in diagnostics.
    pub fn parse_plan(path: impl Into<String>, text: impl Into<String>) -> Manifest {
        Manifest::parsed_by(parser::parse_plan, path, text)
    }

    /// Parses `text` as what its path says it is: an EPP template (`.epp`),
    /// a Bolt plan ([`is_plan`]) or a manifest.
    pub fn parse_file(path: impl Into<String>, text: impl Into<String>) -> Manifest {
        let path = path.into();
        let parse = if path.ends_with(".epp") {
            parser::parse_epp
        } else if is_plan(Path::new(&path)) {
            parser::parse_plan
        } else {
            parser::parse
        };
        Manifest::parsed_by(parse, path, text)
    }

    fn parsed_by(
        parse: fn(&str, &str) -> Result<parser::Parsed, Box<Diagnostic>>,
        path: impl Into<String>,
        text: impl Into<String>,
    ) -> Manifest {
        let source = SourceFile::new(path, text);
        let (body, warnings) = match parse(&source.path, &source.text) {
            Ok(p) => (Ok(p.body), p.warnings),
            Err(d) => (Err(*d), Vec::new()),
        };
        Manifest {
            source,
            body,
            warnings,
            tokens: OnceLock::new(),
        }
    }

    /// `text` read for `lint`, which only reads tokens: not parsed (half of the
    /// work), `body` is an `unparsed` error saying so. Use [`Manifest::parse`]
    /// for anything that needs the program.
    pub fn unparsed(path: impl Into<String>, text: impl Into<String>) -> Manifest {
        let source = SourceFile::new(path, text);
        let body = Err(Diagnostic::error(
            "unparsed",
            &source.path,
            None,
            "read for lint only: not parsed",
        ));
        Manifest {
            source,
            body,
            warnings: Vec::new(),
            tokens: OnceLock::new(),
        }
    }

    /// The lossless token view, built once on first use.
    pub fn tokens(&self) -> &lexer::Lexed {
        self.tokens.get_or_init(|| lexer::lex(&self.source.text))
    }

    /// The program in Puppet's PN, or the syntax error.
    pub fn pn(&self) -> Result<String, &Diagnostic> {
        self.body.as_ref().map(pn::to_pn)
    }

    /// Every diagnostic: the syntax error, if any, then the warnings.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.body.as_ref().err().into_iter().chain(self.warnings.iter())
    }

    /// The syntax error in Puppet's wording: `message (file: F, line: L, column: C)`.
    pub fn puppet_error_message(&self) -> Option<String> {
        let d = self.body.as_ref().err()?;
        Some(match d.span {
            // Puppet gives no position for an error at the end of the input.
            Some(_) if d.message.ends_with("at end of input") => {
                format!("{} (file: {})", d.message, self.source.path)
            }
            Some(span) => {
                let (line, col) = self.source.line_col(span.start as usize);
                format!(
                    "{} (file: {}, line: {}, column: {})",
                    d.message, self.source.path, line, col
                )
            }
            None => format!("{} (file: {})", d.message, self.source.path),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_plan;
    use std::path::Path;

    #[test]
    fn a_plan_by_its_place() {
        for plan in [
            "mod/plans/deploy.pp",
            "/srv/mod/plans/sub/x.pp",
            "proj/plans/manifests/odd.pp",
            "/x/manifests/proj/plans/a.pp",
        ] {
            assert!(is_plan(Path::new(plan)), "{plan}");
        }
        for manifest in [
            "mod/manifests/plans/x.pp",
            "/tmp/plans/repo/manifests/init.pp",
            "mod/plans/notes.txt",
        ] {
            assert!(!is_plan(Path::new(manifest)), "{manifest}");
        }
        // A checkout kept under a `plans` directory: its root's files are manifests.
        let dir = std::env::temp_dir().join(format!("puppetlift-is-plan-{}", std::process::id()));
        let repo = dir.join("plans/repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        assert!(!is_plan(&repo.join("site.pp")));
        assert!(is_plan(&dir.join("plans/site.pp")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
