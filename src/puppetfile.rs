//! The Puppetfile front end: the modules an r10k or librarian-puppet
//! `Puppetfile` asks for. A Puppetfile is Ruby, so it is read by the
//! Vagrantfile's safe evaluator (parsed and evaluated, never run by Ruby), with
//! the Puppetfile methods (`forge`, `mod`, `moduledir`, `metadata`) recorded as
//! they are called; what it cannot understand is a diagnostic with its place.

use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::files::Root;
use crate::vagrant::eval::{Dsl, Flow, Interp};
use crate::vagrant::value::Value;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// The methods a Puppetfile calls (r10k and librarian-puppet).
const METHODS: &[&str] = &["forge", "mod", "moduledir", "metadata"];

/// The options of `mod` puppetlift understands.
const GIT_REFS: &[&str] = &["ref", "tag", "branch", "commit"];

/// What one Puppetfile asks for.
#[derive(Debug, Clone)]
pub struct Puppetfile {
    /// Where modules go, relative to the Puppetfile's directory (`moduledir`, else `modules`).
    pub moduledir: String,
    /// The modules, in the Puppetfile's order.
    pub modules: Vec<Module>,
    /// Entries not understood, and what the evaluation could not follow.
    pub diagnostics: Vec<Diagnostic>,
    /// The Puppetfile's text.
    pub source: Arc<SourceFile>,
}

/// One `mod` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Module {
    /// The module's directory name (`apt` for `puppetlabs/apt`).
    pub name: String,
    /// Where it comes from.
    pub from: Source,
}

/// Where a module comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    /// The Forge: `owner-name`, at a version (or requirement) or the newest.
    Forge { slug: String, version: Option<String> },
    /// A git repository at a ref, tag, branch or commit (else its default branch).
    Git { url: String, reference: Option<String> },
    /// A directory of the project (librarian's `:path`), relative to the Puppetfile.
    Path { path: String },
}

/// One call a Puppetfile made without a receiver, in the order it made them.
#[derive(Debug, Clone)]
pub struct Call {
    /// The method: one of the Puppetfile's (`mod`, `forge`, `moduledir`,
    /// `metadata`) or one its DSL does not have.
    pub method: String,
    /// Its arguments as evaluated (options are the last one, a hash).
    pub args: Vec<Value>,
    /// The file it was made in (the Puppetfile, or a file it evaluated).
    pub file: String,
    /// Its place, from the method's name to its last argument.
    pub span: Span,
}

/// A Puppetfile as evaluated, before its calls are read as modules.
#[derive(Debug)]
pub struct Evaluation {
    /// The calls, in order (none after a syntax error).
    pub calls: Vec<Call>,
    /// The Ruby syntax error that kept it from being evaluated at all.
    pub syntax_error: Option<Diagnostic>,
    /// The exception it raised, which stops evaluation: class, message, place.
    pub raised: Option<(String, String, Span)>,
    /// What the evaluation could not follow (and the syntax error, the exception).
    pub diagnostics: Vec<Diagnostic>,
    /// The Puppetfile's text.
    pub source: Arc<SourceFile>,
}

/// Evaluates `text`, the Puppetfile at `path` inside `root`, named `display`
/// in diagnostics; files it reads must be inside `root`.
pub fn evaluate(text: String, path: &Path, display: &str, root: &Root) -> Evaluation {
    let syntax_error = crate::vagrant::parser::parse(display, &text).err().map(|d| *d);
    if let Some(d) = syntax_error {
        return Evaluation {
            calls: Vec::new(),
            diagnostics: vec![d.clone()],
            syntax_error: Some(d),
            raised: None,
            source: SourceFile::new(display, text),
        };
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    let mut it = Interp::new(dir, root.clone(), Default::default());
    it.dsl = Some(Dsl {
        methods: METHODS,
        calls: Vec::new(),
    });
    let scope = Interp::new_scope(None);
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut raised = None;
    if let Err(Flow::Raise(class, msg, at)) = it.run_file(&abs, display, text.clone(), &scope) {
        it.raised(&class, &msg, at);
        raised = Some((class, msg, at));
    }
    let source = it
        .sources
        .first()
        .cloned()
        .unwrap_or_else(|| SourceFile::new(display, text));
    let calls = it.dsl.take().map(|d| d.calls).unwrap_or_default();
    Evaluation {
        calls: calls
            .into_iter()
            .map(|(method, args, file, span)| Call {
                method,
                args,
                file: file.to_string(),
                span,
            })
            .collect(),
        syntax_error: None,
        raised,
        diagnostics: it.diags,
        source,
    }
}

/// Read and evaluate the Puppetfile at `path` (inside `root`); `display` is
/// its name in diagnostics.
pub fn read(path: &Path, display: &str, root: &Root) -> Result<Puppetfile, Box<Diagnostic>> {
    let text = root.read_text(path)?;
    let evaluated = evaluate(text, path, display, root);
    let mut pf = Puppetfile {
        moduledir: "modules".into(),
        modules: Vec::new(),
        diagnostics: evaluated.diagnostics,
        source: evaluated.source,
    };
    for Call {
        method,
        args,
        file,
        span,
    } in evaluated.calls
    {
        match method.as_str() {
            "mod" => match module(&args) {
                Ok(Some(m)) => pf.modules.push(m),
                Ok(None) => {}
                Err(why) => pf.diagnostics.push(not_understood(&file, span, why)),
            },
            "moduledir" => match args.first().and_then(Value::as_text) {
                Some(d) => pf.moduledir = d.trim_end_matches('/').to_string(),
                None => pf
                    .diagnostics
                    .push(not_understood(&file, span, "`moduledir` without a path".into())),
            },
            "metadata" => pf.diagnostics.push(not_understood(
                &file,
                span,
                "`metadata` (the dependencies in metadata.json) is not followed; list them with `mod`".into(),
            )),
            // The Forge the modules come from is the one Puppet on the instance
            // is set up for; other methods were said by the evaluation.
            _ => {}
        }
    }
    Ok(pf)
}

fn not_understood(file: &str, span: Span, why: String) -> Diagnostic {
    Diagnostic::warning("puppetfile-not-understood", file, Some(span), why).with_help(
        "this module is not installed at boot; vendor it into the modulepath, or write the entry as \
         `mod 'owner/name', 'version'` or `mod 'name', :git => URL, :ref => REF`",
    )
}

/// One `mod NAME, [VERSION], [OPTIONS]` call; none for r10k's `:local =>
/// true` (a module already in the module directory, which r10k leaves alone).
fn module(args: &[Value]) -> Result<Option<Module>, String> {
    let Some(full) = args.first().and_then(Value::as_text) else {
        return Err("a `mod` entry whose name puppetlift could not evaluate".into());
    };
    let short = full.rsplit(['/', '-']).next().unwrap_or(&full).to_string();
    if short.is_empty() || !short.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("`mod '{full}'`: `{short}` is not a Puppet module name"));
    }
    let options = args.iter().skip(1).find(|a| matches!(a, Value::Hash(_)));
    let version = match args.get(1) {
        Some(Value::Hash(_)) | None => None,
        Some(Value::Sym(s)) if &**s == "latest" => None,
        Some(v) => match v.as_text() {
            Some(t) => Some(t),
            None => return Err(format!("`mod '{full}'`: its version could not be evaluated")),
        },
    };
    let Some(Value::Hash(pairs)) = options else {
        if !full.contains(['/', '-']) {
            return Err(format!("`mod '{full}'` names no owner; the Forge needs `owner/{full}`"));
        }
        let slug = full.replacen('/', "-", 1);
        return Ok(Some(Module {
            name: short,
            from: Source::Forge { slug, version },
        }));
    };
    let mut url = None;
    let mut path = None;
    let mut reference = None;
    if pairs
        .borrow()
        .iter()
        .any(|(k, v)| k.as_text().as_deref() == Some("local") && v.truthy())
    {
        return Ok(None);
    }
    for (k, v) in pairs.borrow().iter() {
        let key = k.as_text().unwrap_or_default();
        let text = v.as_text();
        if text.is_none() {
            return Err(format!("`mod '{full}'`: the value of `{key}` could not be evaluated"));
        }
        match key.as_str() {
            "git" => url = text,
            "path" => path = text,
            k if GIT_REFS.contains(&k) => reference = text,
            other => return Err(format!("`mod '{full}'`: the option `{other}` is not understood")),
        }
    }
    match (url, path) {
        (Some(url), _) => Ok(Some(Module {
            name: short,
            from: Source::Git { url, reference },
        })),
        (None, Some(path)) => Ok(Some(Module {
            name: short,
            from: Source::Path { path },
        })),
        (None, None) => Err(format!("`mod '{full}'`: options without `git` or `path`")),
    }
}
