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
/// file under the `plans/` directory of a module or a Bolt project (under
/// `manifests/`, a `plans` directory is only part of class names).
pub fn is_plan(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "pp")
        && path
            .parent()
            .into_iter()
            .flat_map(Path::components)
            .map(|c| c.as_os_str())
            .find(|c| *c == "plans" || *c == "manifests")
            .is_some_and(|c| c == "plans")
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
