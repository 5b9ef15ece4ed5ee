//! The Vagrantfile front end: a safe Ruby-subset parser and interpreter that
//! sees the machines Vagrant would see, without running Ruby.

pub mod config;
pub mod eval;
pub mod model;
pub mod parser;

pub use eval::value;
pub use parser::ast;

pub use eval::Options;
pub use model::{Machine, Model};

use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::files::Root;
use eval::{Flow, Interp};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What evaluating a project's Vagrantfile gave: the machines, the diagnostics
/// and the sources they point into.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// The machines Vagrant would see.
    pub model: Model,
    /// Everything not evaluated, assumed or wrong, with its place.
    pub diagnostics: Vec<Diagnostic>,
    /// The Ruby files read (Vagrantfile first).
    pub sources: Vec<Arc<SourceFile>>,
}

/// The Vagrantfile of a project directory (or the file itself).
pub fn vagrantfile_path(dir: &Path) -> PathBuf {
    if dir.is_file() {
        dir.to_path_buf()
    } else {
        dir.join("Vagrantfile")
    }
}

/// Evaluate the Vagrantfile `file` as Vagrant would, safely: it reads files
/// only inside `root` (links followed), the project's boundary.
///
/// It runs on a stack of its own, as the parser does (see
/// `parser::PARSE_STACK`): the tree is as deep as the lexer's limits let it
/// be, and walking and dropping it recurse. Ruby calls nest up to
/// `Options::max_depth` and each level is several interpreter frames, so
/// evaluation also grows its stack on demand (see `Interp::eval`).
pub fn evaluate(file: &Path, root: &Root, opts: Options) -> Evaluation {
    let stack = parser::PARSE_STACK;
    stacker::maybe_grow(stack / 2, stack, || evaluate_here(file, root, opts))
}

fn evaluate_here(file: &Path, bounds: &Root, opts: Options) -> Evaluation {
    let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = std::path::absolute(&root)
        .map(|p| eval::modules::normalize(&p))
        .unwrap_or(root);
    let display = file.display().to_string();
    let text = match bounds.read_text(file) {
        Ok(t) => t,
        Err(d) => {
            return Evaluation {
                model: Model::default(),
                diagnostics: vec![*d],
                sources: vec![],
            }
        }
    };
    let abs = root.join(file.file_name().unwrap_or_default());
    let mut it = Interp::new(root, bounds.clone(), opts);
    it.display_root = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let scope = Interp::new_scope(None);
    let whole = Span::new(0, text.len().min(1));
    let mut model = Model::default();
    let completed = match it.run_file(&abs, &display, text, &scope) {
        Ok(_) | Err(Flow::Next(_)) | Err(Flow::Break(_)) | Err(Flow::Return(_)) => true,
        Err(Flow::Raise(class, msg, at)) => {
            it.raised(&class, &msg, at);
            false
        }
        Err(Flow::Stop) => false,
    };
    it.fresh_budget();
    if !it.configures.is_empty() {
        let procs = std::mem::take(&mut it.configures);
        match it.load_config(&procs, whole) {
            Ok(root_cfg) => model.machines = it.machines(root_cfg, whole),
            Err(Flow::Raise(class, msg, at)) => it.raised(&class, &msg, at),
            Err(_) => {}
        }
    } else if completed {
        it.diags.push(
            Diagnostic::warning(
                "vagrant-no-config",
                &display,
                None,
                "this Vagrantfile has no `Vagrant.configure` block",
            )
            .with_help("Vagrant would see no machine settings; is this the right file?"),
        );
    }
    // Reading the machines' settings walks their values too.
    let _ = it.check_allowance(whole);
    Evaluation {
        model,
        diagnostics: it.diags,
        sources: it.sources,
    }
}
