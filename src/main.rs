//! The puppetlift command line: argument parsing and output only; the work is in
//! the library.

use clap::{Parser, Subcommand};
use puppetlift::{project, Manifest};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "puppetlift", version, about = "Lift Vagrant + Puppet setups to EC2")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse Puppet manifests (files or directories of *.pp) and report syntax errors.
    Parse {
        /// Print one JSON object per file with Puppet's PN AST (as `puppet parser dump --format pn`).
        #[arg(long)]
        pn: bool,
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Deeply nested manifests recurse deeply; give the workers room.
    // The parser needs stack in proportion to a file's size at worst (see
    // `puppet::parser`); large reserved stacks cost nothing until touched, and a
    // stack grown per file would (fresh pages).
    let _ = rayon::ThreadPoolBuilder::new().stack_size(1 << 30).build_global();
    match cli.command {
        Command::Parse { pn, paths } => parse(pn, &paths),
    }
}

fn parse(pn: bool, paths: &[PathBuf]) -> ExitCode {
    let (files, problems) = project::manifest_paths(paths);
    let mut failed = !problems.is_empty();
    let stderr = std::io::stderr();
    for p in &problems {
        let _ = writeln!(stderr.lock(), "{}", p.one_line(None));
    }
    let results: Vec<(String, Result<Manifest, Box<puppetlift::Diagnostic>>)> = files
        .par_iter()
        .map(|f| {
            let name = f.display().to_string();
            let m = project::read_text(f).map(|text| Manifest::parse(name.clone(), text));
            (name, m)
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (name, m) in &results {
        match m {
            Err(d) => {
                failed = true;
                if pn {
                    let _ = writeln!(out, "{}", serde_json::json!({"file": name, "error": d.message}));
                }
                let _ = writeln!(stderr.lock(), "{}", d.one_line(None));
            }
            Ok(m) => {
                if m.body.is_err() {
                    failed = true;
                }
                if pn {
                    let line = match m.pn() {
                        Ok(text) => serde_json::json!({"file": name, "pn": text}),
                        Err(_) => serde_json::json!({"file": name, "error": m.puppet_error_message()}),
                    };
                    let _ = writeln!(out, "{line}");
                }
                for d in m.diagnostics() {
                    let _ = write!(stderr.lock(), "{}", d.render(Some(&m.source)));
                }
            }
        }
    }
    let _ = out.flush();
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
