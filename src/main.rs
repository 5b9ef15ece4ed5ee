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
    /// Run puppet-lint's checks (same names, messages, control comments and
    /// output). `--no-CHECK-check` and `--CHECK-check` turn single checks off and on.
    Lint(LintArgs),
    /// Show the EC2 plan: per machine the image, size, ports and boot steps.
    Plan(PlanArgs),
    /// Write the EC2 artifacts: per machine user-data.sh and cloud-config.yaml, and stack.json.
    Build(BuildArgs),
    /// Migration checks: what breaks on the way from Vagrant to EC2, for the
    /// plan's images (or `--image`). A directory without a Vagrantfile is
    /// checked as plain Puppet code (manifests, templates, hiera data) and needs `--image`.
    Check(CheckArgs),
    /// Print a check's documentation.
    Explain {
        /// The check's name (`vagrant-path`).
        name: String,
    },
    /// Show the machines puppetlift understood from a Vagrantfile (evaluated
    /// safely, never run by Ruby).
    Inspect(InspectArgs),
}

#[derive(clap::Args)]
struct ProjectArgs {
    /// A value for `ENV[KEY]` in the Vagrantfile (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// Let the Vagrantfile read this process's environment.
    #[arg(long)]
    env_from_process: bool,
    /// A Vagrant plugin `Vagrant.has_plugin?` reports as installed (repeatable).
    #[arg(long = "plugin", value_name = "NAME")]
    plugins: Vec<String>,
    /// The project directory (Vagrantfile, manifests, puppetlift.toml).
    #[arg(default_value = ".")]
    dir: PathBuf,
}

#[derive(clap::Args)]
struct PlanArgs {
    /// Print the plan as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    project: ProjectArgs,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Check for this image instead of each machine's (ubuntu-22.04, amazon-linux-2023, rocky-9, ...).
    #[arg(long, value_name = "NAME")]
    image: Option<String>,
    /// One JSON object per diagnostic, one per line.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    project: ProjectArgs,
}

#[derive(clap::Args)]
struct BuildArgs {
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Which artifacts.
    #[arg(long, value_enum, default_value = "all")]
    target: BuildTarget,
    /// Overwrite files in OUT that puppetlift did not write.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    project: ProjectArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum BuildTarget {
    UserData,
    CloudInit,
    Cloudformation,
    All,
}

#[derive(clap::Args)]
struct InspectArgs {
    /// Print the machines as JSON (the normal form vagrant-compare.py documents).
    #[arg(long)]
    json: bool,
    /// A value for `ENV[KEY]` in the Vagrantfile (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// Let the Vagrantfile read this process's environment.
    #[arg(long)]
    env_from_process: bool,
    /// A Vagrant plugin `Vagrant.has_plugin?` reports as installed (repeatable).
    #[arg(long = "plugin", value_name = "NAME")]
    plugins: Vec<String>,
    /// The project directory (with a Vagrantfile) or the Vagrantfile.
    #[arg(default_value = ".")]
    dir: PathBuf,
}

#[derive(clap::Args)]
struct LintArgs {
    /// Output template; placeholders %{filename} %{path} %{fullpath} %{line}
    /// %{column} %{kind} %{KIND} %{check} %{message}.
    #[arg(long)]
    log_format: Option<String>,
    /// Run only these checks (comma separated).
    #[arg(long, value_delimiter = ',')]
    only_checks: Vec<String>,
    /// Exit non-zero on warnings too.
    #[arg(long)]
    fail_on_warnings: bool,
    /// Put the file name before each problem.
    #[arg(long)]
    with_filename: bool,
    /// Also show problems ignored by control comments.
    #[arg(long)]
    show_ignored: bool,
    /// Files or directories (walked for *.pp).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

fn main() -> ExitCode {
    // `--no-CHECK-check` / `--CHECK-check` name checks, so clap cannot know them.
    let mut toggles: Vec<(String, bool)> = Vec::new();
    let args: Vec<String> = std::env::args()
        .filter(|a| match check_toggle(a) {
            Some(t) => {
                toggles.push(t);
                false
            }
            None => true,
        })
        .collect();
    let cli = Cli::parse_from(args);
    // Deeply nested manifests recurse deeply; give the workers room.
    // The parser needs stack in proportion to a file's size at worst (see
    // `puppet::parser`); large reserved stacks cost nothing until touched, and a
    // stack grown per file would (fresh pages).
    let _ = rayon::ThreadPoolBuilder::new().stack_size(1 << 30).build_global();
    match cli.command {
        Command::Parse { pn, paths } => parse(pn, &paths),
        Command::Lint(args) => lint(&args, &toggles),
        Command::Inspect(args) => inspect(&args),
        Command::Plan(args) => plan(&args),
        Command::Build(args) => build(&args),
        Command::Check(args) => check(&args),
        Command::Explain { name } => explain(&name),
    }
}

/// `--no-NAME-check` -> (NAME, false), `--NAME-check` -> (NAME, true), for known checks.
fn check_toggle(arg: &str) -> Option<(String, bool)> {
    let name = arg.strip_prefix("--")?.strip_suffix("-check")?;
    let (name, on) = match name.strip_prefix("no-") {
        Some(n) => (n, false),
        None => (name, true),
    };
    puppetlift::check::rule(name).map(|r| (r.name.to_string(), on))
}

fn lint(args: &LintArgs, toggles: &[(String, bool)]) -> ExitCode {
    use puppetlift::check::{self, Kind};
    let enabled: Vec<&check::Rule> = check::registry()
        .iter()
        .filter(|r| {
            if !args.only_checks.is_empty() {
                return args.only_checks.iter().any(|c| c == r.name);
            }
            toggles
                .iter()
                .rev()
                .find(|(n, _)| n == r.name)
                .map_or(r.enabled_by_default, |(_, on)| *on)
        })
        .collect();
    let template = args.log_format.as_deref().unwrap_or(if args.with_filename {
        puppetlift::report::log_format::WITH_FILENAME
    } else {
        puppetlift::report::log_format::DEFAULT
    });
    let (files, problems) = project::manifest_paths(&args.paths);
    for p in &problems {
        eprintln!("{}", p.one_line(None));
    }
    let results: Vec<(String, Vec<check::Problem>, Vec<String>)> = files
        .par_iter()
        .map(|f| {
            let name = f.display().to_string();
            match project::read_text(f) {
                Ok(text) => {
                    let m = Manifest::parse(name.clone(), text);
                    let (found, warnings) = check::run(&m, &enabled);
                    (name, found, warnings)
                }
                Err(d) => (name, Vec::new(), vec![d.one_line(None)]),
            }
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = !problems.is_empty();
    for (name, found, warnings) in &results {
        for w in warnings {
            eprintln!("{w}");
        }
        for p in found {
            if p.ignored.is_none() {
                failed |= p.kind == Kind::Error || (args.fail_on_warnings && p.kind == Kind::Warning);
            } else if !args.show_ignored {
                continue;
            }
            let _ = writeln!(out, "{}", puppetlift::report::log_format::render(template, name, p));
            if let Some(reason) = &p.ignored {
                let _ = writeln!(out, "  {reason}");
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

fn inspect(args: &InspectArgs) -> ExitCode {
    let mut opts = puppetlift::vagrant::Options {
        env_from_process: args.env_from_process,
        plugins: args.plugins.clone(),
        ..Default::default()
    };
    for kv in &args.env {
        match kv.split_once('=') {
            Some((k, v)) => opts.env.push((k.to_string(), v.to_string())),
            None => {
                eprintln!("error: --env takes KEY=VALUE, not {kv:?}");
                return ExitCode::from(2);
            }
        }
    }
    let ev = puppetlift::vagrant::evaluate(&args.dir, opts);
    let mut stderr = std::io::stderr().lock();
    for d in &ev.diagnostics {
        let src = ev.sources.iter().find(|s| s.path == d.file);
        let _ = write!(stderr, "{}", d.render(src));
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&ev.model.normal_form()).unwrap_or_default()
        );
    } else {
        let _ = write!(out, "{}", puppetlift::vagrant::model::describe(&ev.model));
    }
    let failed = ev.diagnostics.iter().any(|d| d.severity == puppetlift::Severity::Error);
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn vagrant_options(p: &ProjectArgs) -> Result<puppetlift::vagrant::Options, ExitCode> {
    let mut opts = puppetlift::vagrant::Options {
        env_from_process: p.env_from_process,
        plugins: p.plugins.clone(),
        ..Default::default()
    };
    for kv in &p.env {
        match kv.split_once('=') {
            Some((k, v)) => opts.env.push((k.to_string(), v.to_string())),
            None => {
                eprintln!("error: --env takes KEY=VALUE, not {kv:?}");
                return Err(ExitCode::from(2));
            }
        }
    }
    Ok(opts)
}

/// Print the plan's and the Vagrantfile's diagnostics; whether any is an error.
fn report_planned(planned: &puppetlift::plan::Planned, extra: &[puppetlift::Diagnostic]) -> bool {
    let mut stderr = std::io::stderr().lock();
    let ev = &planned.evaluation;
    for d in ev
        .diagnostics
        .iter()
        .chain(planned.diagnostics.iter())
        .chain(extra.iter())
    {
        let src = ev.sources.iter().find(|s| s.path == d.file);
        let _ = write!(stderr, "{}", d.render(src));
    }
    ev.diagnostics
        .iter()
        .chain(planned.diagnostics.iter())
        .chain(extra.iter())
        .any(|d| d.severity == puppetlift::Severity::Error)
}

fn plan(args: &PlanArgs) -> ExitCode {
    let opts = match vagrant_options(&args.project) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let planned = puppetlift::plan::build(&args.project.dir, opts);
    let exposed = puppetlift::check::migration::public_admin_port::exposed(&planned);
    let failed = report_planned(&planned, &exposed);
    let mut out = std::io::stdout().lock();
    if args.json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&planned.plan).unwrap_or_default()
        );
    } else {
        let _ = write!(out, "{}", puppetlift::plan::describe(&planned.plan));
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn build(args: &BuildArgs) -> ExitCode {
    let opts = match vagrant_options(&args.project) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let planned = puppetlift::plan::build(&args.project.dir, opts);
    let target = match args.target {
        BuildTarget::UserData => puppetlift::emit::Target::UserData,
        BuildTarget::CloudInit => puppetlift::emit::Target::CloudInit,
        BuildTarget::Cloudformation => puppetlift::emit::Target::CloudFormation,
        BuildTarget::All => puppetlift::emit::Target::All,
    };
    let (artifacts, mut diags) = puppetlift::emit::render_all(&planned.plan, &args.project.dir, target);
    diags.extend(puppetlift::check::migration::public_admin_port::exposed(&planned));
    if report_planned(&planned, &diags) {
        eprintln!("puppetlift: nothing written (fix the errors above)");
        return ExitCode::from(1);
    }
    match puppetlift::emit::write::write_out(&args.out, &artifacts, args.force) {
        Ok(written) => {
            for p in written {
                println!("{}", p.display());
            }
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprint!("{}", d.render(None));
            ExitCode::from(1)
        }
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    use puppetlift::check::migration::{self, Project};
    let opts = match vagrant_options(&args.project) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let project = match Project::load(&args.project.dir, opts, args.image.as_deref()) {
        Ok(p) => p,
        Err(d) => {
            eprint!("{}", d.render(None));
            return ExitCode::from(2);
        }
    };
    let found = migration::report(&project);
    let mut out = std::io::stdout().lock();
    for d in &found {
        let src = project.source(&d.file);
        if args.json {
            let _ = writeln!(out, "{}", migration::json(d, src.map(|s| s.as_ref())));
        } else {
            let _ = write!(out, "{}", d.render(src));
        }
    }
    if found.iter().any(|d| d.severity == puppetlift::Severity::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn explain(name: &str) -> ExitCode {
    let lint = || puppetlift::check::rule(name).map(|r| puppetlift::check::migration::doc_comment(r.doc));
    match puppetlift::check::migration::doc(name)
        .map(str::to_string)
        .or_else(lint)
    {
        Some(doc) => {
            print!("{doc}");
            ExitCode::SUCCESS
        }
        None => {
            let names: Vec<&str> = puppetlift::check::migration::ALL.iter().map(|c| c.name).collect();
            eprintln!("error: no check named `{name}`; the checks are {}", names.join(", "));
            ExitCode::from(2)
        }
    }
}
