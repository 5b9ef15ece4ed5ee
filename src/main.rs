//! The puppetlift command line: argument parsing and output only; the work is in
//! the library.

use clap::{Parser, Subcommand};
use puppetlift::plan::Planned;
use puppetlift::project::Project;
use puppetlift::{files, Diagnostic, Manifest};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "puppetlift", version, about = "Lift Vagrant + Puppet setups to EC2")]
struct Cli {
    /// The largest file puppetlift reads, in bytes (default 64 MiB; also
    /// PUPPETLIFT_MAX_FILE_BYTES).
    #[arg(long, global = true, value_name = "N")]
    max_file_bytes: Option<u64>,
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
    /// Run puppet-lint's checks: puppet-lint's command line, names, messages,
    /// control comments and outputs, as puppet-lint 5 (`--compat 3`: 3.0.1),
    /// the Vox Pupuli plugins with `--plugins voxpupuli` (`lint --help`).
    #[command(disable_help_flag = true)]
    Lint {
        /// puppet-lint's options and the paths (files or directories).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Describe a lint check: what it finds, why, an example, references.
    Explain {
        /// The check's name (as in `--no-CHECK-check`).
        check: String,
    },
    /// Show the EC2 plan: per machine the image, size, ports and boot steps.
    Plan(PlanArgs),
    /// Write the EC2 artifacts: per machine user-data.sh and cloud-config.yaml, and stack.json.
    Build(BuildArgs),
    /// Write a folder a teammate can use: every artifact, a README that says what
    /// was converted and how, and launch scripts (CloudFormation and plain EC2).
    Convert(ConvertArgs),
    /// Write a commented puppetlift.toml with what puppetlift derived.
    Init(InitArgs),
    /// Migration checks: what breaks on the way from Vagrant to EC2, for the
    /// plan's images (or `--image`). A directory without a Vagrantfile is
    /// checked as plain Puppet code (manifests, templates, hiera data) and needs `--image`.
    Check(CheckArgs),
    /// Validate a Puppet repository, module or file as its pre-commit hooks and
    /// CI do: manifests as `puppet parser validate` (Bolt plans with `--tasks`), EPP templates as `puppet
    /// epp validate`, ERB templates as `erb -P -x -T - | ruby -c`, a Puppetfile
    /// as `r10k puppetfile check`, metadata.json as metadata-json-lint, Hiera
    /// data as puppet-syntax, environment.conf as Puppet reads it. Exit 1 when
    /// anything is invalid.
    Validate(ValidateArgs),
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
    /// A place outside the project its files may lead to (a link into a
    /// monorepo's shared modules); without it nothing outside is read (repeatable).
    #[arg(long = "allow-outside", value_name = "PATH")]
    allow_outside: Vec<PathBuf>,
    /// The Vagrantfile's name in DIR (as VAGRANT_VAGRANTFILE; default
    /// `Vagrantfile`, then `vagrantfile`).
    #[arg(long, value_name = "NAME")]
    vagrantfile: Option<String>,
    /// Where the Vagrantfile may read files from besides its own directory
    /// (`../puppet/modules`); default the enclosing git work tree.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// The host Vagrant runs on, for Vagrantfiles that ask
    /// (`RbConfig::CONFIG['host_os']`, `Vagrant::Util::Platform`).
    #[arg(long, value_enum, default_value = "linux")]
    host: HostArg,
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
    /// The puppetmaster's name or address for the agents' user-data and
    /// cloud-config (the CloudFormation stack refers to its master node).
    #[arg(long, value_name = "HOST")]
    puppetmaster: Option<String>,
    #[command(flatten)]
    gate: GateArgs,
    #[command(flatten)]
    project: ProjectArgs,
}

/// What the migration checks' errors do to `build` and `convert`.
#[derive(clap::Args)]
struct GateArgs {
    /// Write the artifacts even though this migration check reports errors (repeatable).
    #[arg(long = "allow", value_name = "CHECK")]
    allow: Vec<String>,
    /// Stop on every error finding, also those that predict how the project's
    /// own code will fail on EC2 (by default they are reported and the
    /// artifacts written).
    #[arg(long)]
    strict: bool,
}

#[derive(clap::Args)]
struct ConvertArgs {
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Overwrite files in OUT that puppetlift did not write.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    gate: GateArgs,
    #[command(flatten)]
    project: ProjectArgs,
}

#[derive(clap::Args)]
struct InitArgs {
    /// Overwrite an existing puppetlift.toml.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    project: ProjectArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum HostArg {
    Linux,
    Darwin,
    Windows,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum BuildTarget {
    UserData,
    CloudInit,
    Cloudformation,
    All,
}

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("format").multiple(false))]
struct ValidateArgs {
    /// Files or directories (default: the current directory).
    paths: Vec<PathBuf>,
    /// Run only these validators (comma-separated): manifests, epp, erb, puppetfile, metadata, hiera, environment-conf.
    #[arg(long, value_delimiter = ',', value_name = "VALIDATORS")]
    only: Vec<String>,
    /// Do not run this validator (repeatable).
    #[arg(long, value_name = "VALIDATOR")]
    skip: Vec<String>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    fail_on_warnings: bool,
    /// metadata.json: a dependency's version range must have an upper bound.
    #[arg(long)]
    strict_dependencies: bool,
    /// One JSON object per finding, one per line.
    #[arg(long, group = "format")]
    json: bool,
    /// A SARIF 2.1.0 log (code scanning).
    #[arg(long, group = "format")]
    sarif: bool,
    /// A JUnit XML report: a test suite per validator, a test case per file.
    #[arg(long, group = "format")]
    junit: bool,
    /// A GitLab Code Quality report (the codeclimate JSON format).
    #[arg(long, group = "format")]
    codeclimate: bool,
    /// GitHub Actions annotations after each finding (the default when GITHUB_ACTIONS is set).
    #[arg(long)]
    github: bool,
}

#[derive(clap::Args)]
struct InspectArgs {
    /// Print the machines as JSON (the normal form vagrant-compare.py documents).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    project: ProjectArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(n) = cli.max_file_bytes {
        files::set_max_file_bytes(n);
    }
    // Deeply nested manifests recurse deeply; give the workers room.
    // The parser needs stack in proportion to a file's size at worst (see
    // `puppet::parser`); large reserved stacks cost nothing until touched, and a
    // stack grown per file would (fresh pages).
    // `lint --stdin` (an editor, on every keystroke) reads one buffer on this
    // thread: workers would only be started and then spin beside it.
    let one_buffer = matches!(&cli.command, Command::Lint { args } if args.iter().any(|a| a == "--stdin"));
    if !one_buffer {
        let _ = rayon::ThreadPoolBuilder::new().stack_size(1 << 30).build_global();
    }
    match cli.command {
        Command::Parse { pn, paths } => parse(pn, &paths),
        Command::Lint { args } => lint(&args),
        Command::Inspect(args) => inspect(&args),
        Command::Plan(args) => plan(&args),
        Command::Build(args) => build(&args),
        Command::Convert(args) => convert(&args),
        Command::Init(args) => init(&args),
        Command::Check(args) => check(&args),
        Command::Validate(args) => validate(&args),
        Command::Explain { check } => match puppetlift::explain::explain_any(&check) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// Prints puppet-lint's two lines about a command-line mistake; exit 1.
fn lint_usage_error(what: &str) -> ExitCode {
    println!("puppetlift lint: {what}");
    println!("puppetlift lint: try 'puppetlift lint --help' for more information");
    ExitCode::FAILURE
}

/// A linted manifest's problems, each with whether `--fix` fixed it.
type Found = Vec<(puppetlift::lint::Problem, bool)>;

/// What `--fix` does with a manifest and its problems (writes the file back,
/// or keeps the fixed text), marking what it fixed; messages for stderr.
type FixWith<'a> = &'a dyn Fn(&Manifest, &mut Found) -> Vec<String>;

/// One linted file: its name, text, problems (with whether `--fix` fixed
/// each), messages for stderr.
struct Linted {
    name: String,
    text: String,
    found: Found,
    warnings: Vec<String>,
    /// It could not be read (or decoded): the run fails, whatever the options.
    unreadable: bool,
}

fn lint(args: &[String]) -> ExitCode {
    use puppetlift::lint::{self, options};
    let opts = match options::parse(args, &options::ConfigPlaces::from_env(args)) {
        Ok(o) => o,
        Err(e) => return lint_usage_error(&e.to_string()),
    };
    if opts.help {
        print!("{}", options::HELP);
        return ExitCode::SUCCESS;
    }
    if opts.version {
        let like = match opts.compat {
            lint::Compat::V3 => "3.0.1",
            lint::Compat::V5 => "5",
        };
        println!("puppetlift lint {} (puppet-lint {like})", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    if opts.list_checks {
        for r in lint::registry().iter().filter(|r| r.plugin.is_none() || opts.plugins) {
            println!("{}", r.name);
        }
        return ExitCode::SUCCESS;
    }
    if opts.stdin && !opts.paths.is_empty() {
        return lint_usage_error("--stdin reads no PATH (name the manifest with --stdin-filename)");
    }
    if opts.stdin_filename.is_some() && !opts.stdin {
        return lint_usage_error("--stdin-filename names the manifest --stdin reads");
    }
    if opts.paths.is_empty() && !opts.stdin {
        return lint_usage_error("no file specified");
    }
    if opts.paths.iter().any(|p| !p.exists()) {
        return lint_usage_error("no file specified or specified file does not exist");
    }
    let enabled: Vec<&lint::Rule> = lint::registry().iter().filter(|r| opts.enabled(r.name)).collect();
    let settings = lint::Settings {
        relative: opts.relative,
        compat: opts.compat,
        top_scope_variables: opts.top_scope_variables.clone().into(),
    };
    // puppet-lint 4.3 and later lint Hiera data for legacy facts too.
    let yaml = opts.compat == lint::Compat::V5 && opts.enabled("legacy_facts");
    // One manifest's text (or why it cannot be read) to its problems; `fix`
    // says what --fix does with the fixed text.
    let lint_one = |name: String, read: Result<String, Box<puppetlift::Diagnostic>>, fix: FixWith| {
        let read = read.and_then(|text| match puppetlift::puppet::parser::too_large(&name, text.len()) {
            Some(d) => Err(d),
            None => Ok(text),
        });
        match read {
            Ok(text) => {
                if yaml && lint::yaml::is_yaml(Path::new(&name)) {
                    // Hiera data: only legacy_facts reads it, and has no fix there.
                    let m = Manifest::unparsed(name.clone(), text.clone());
                    let found = lint::yaml::run(&m, &enabled).into_iter().map(|p| (p, false)).collect();
                    return Linted {
                        name,
                        text,
                        found,
                        warnings: Vec::new(),
                        unreadable: false,
                    };
                }
                // The checks read tokens only; --fix compares programs.
                let m = if opts.fix {
                    Manifest::parse_file(name.clone(), text.clone())
                } else {
                    Manifest::unparsed(name.clone(), text.clone())
                };
                let (found, mut warnings) = lint::run_with(&m, &enabled, &settings);
                let mut found: Vec<_> = found.into_iter().map(|p| (p, false)).collect();
                if opts.fix {
                    warnings.extend(fix(&m, &mut found));
                }
                Linted {
                    name,
                    text,
                    found,
                    warnings,
                    unreadable: false,
                }
            }
            Err(d) => Linted {
                name,
                text: String::new(),
                found: Vec::new(),
                warnings: vec![d.one_line(None)],
                unreadable: true,
            },
        }
    };
    if opts.stdin {
        return lint_stdin(&opts, lint_one);
    }
    let (mut files, problems) = files::manifest_paths(&opts.paths);
    if yaml {
        files.extend(files::yaml_paths(&opts.paths));
    }
    for p in &problems {
        eprintln!("{}", p.one_line(None));
    }
    let with_filename = opts.with_filename || files.len() > 1;
    let files: Vec<&PathBuf> = files
        .iter()
        .filter(|f| {
            let name = f.display().to_string();
            !opts.ignore_paths.iter().any(|p| options::fnmatch(p, &name))
        })
        .collect();
    let results: Vec<Linted> = files
        .par_iter()
        .map(|f| {
            let write_back = |m: &Manifest, found: &mut Found| lint::fix::fix_file(f, m, found);
            lint_one(f.display().to_string(), files::read_text(f), &write_back)
        })
        .collect();
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::new(stdout.lock());
    report_lint(&opts, &results, with_filename, !problems.is_empty(), out)
}

/// `lint --stdin`: the manifest on standard input, named by
/// `--stdin-filename` (or `-`); skipped when `--ignore-paths` covers that
/// name. With `--fix`, standard output gets the fixed manifest (the text as
/// read when nothing is fixed or the fixes are refused) and the report goes
/// to standard error.
fn lint_stdin(
    opts: &puppetlift::lint::options::LintOptions,
    lint_one: impl Fn(String, Result<String, Box<puppetlift::Diagnostic>>, FixWith) -> Linted,
) -> ExitCode {
    use std::io::Read;
    let name = opts.stdin_filename.clone().unwrap_or_else(|| "-".to_string());
    let unreadable = |why: String| Box::new(puppetlift::Diagnostic::error("unreadable-file", &name, None, why));
    // At most one byte more than a manifest may have: more is refused
    // before anything is decoded (and, with --fix, passed through untouched).
    let mut input = std::io::stdin().lock();
    let mut bytes = Vec::new();
    let limit = puppetlift::puppet::parser::MAX_MANIFEST_BYTES;
    let read = match (&mut input).take(limit as u64 + 1).read_to_end(&mut bytes) {
        Err(e) => Err(unreadable(format!("cannot read standard input: {e}"))),
        Ok(n) if n > limit => Err(Box::new(puppetlift::Diagnostic::error(
            "file-too-large",
            &name,
            None,
            format!(
                "standard input is more than the {} MiB a manifest may have",
                limit >> 20
            ),
        ))),
        Ok(_) => String::from_utf8(bytes.clone()).map_err(|_| unreadable("standard input is not UTF-8".into())),
    };
    let ignored = opts
        .ignore_paths
        .iter()
        .any(|p| puppetlift::lint::options::fnmatch(p, &name));
    let fixed_text = std::cell::RefCell::new(None);
    let keep = |m: &Manifest, found: &mut Found| match puppetlift::lint::fix::checked(m, found) {
        Ok(Some(fixed)) => {
            puppetlift::lint::fix::mark(found, &fixed);
            *fixed_text.borrow_mut() = Some(fixed.text);
            Vec::new()
        }
        Ok(None) => Vec::new(),
        Err(why) => vec![format!("puppetlift lint: not fixing {name}: {why}")],
    };
    let results: Vec<Linted> = if ignored {
        Vec::new()
    } else {
        vec![lint_one(name.clone(), read, &keep)]
    };
    let report: Box<dyn Write> = if opts.fix {
        // Standard output is the manifest: fixed, or every byte as it came.
        let mut stdout = std::io::stdout().lock();
        let written = match fixed_text.into_inner() {
            Some(text) => stdout.write_all(text.as_bytes()),
            None => stdout
                .write_all(&bytes)
                .and_then(|_| std::io::copy(&mut input, &mut stdout).map(|_| ())),
        };
        if written.and_then(|_| stdout.flush()).is_err() {
            return ExitCode::FAILURE;
        }
        Box::new(std::io::BufWriter::new(std::io::stderr().lock()))
    } else {
        Box::new(std::io::BufWriter::new(std::io::stdout().lock()))
    };
    report_lint(opts, &results, opts.with_filename, false, report)
}

/// Writes the problems of `results` to `out` as the options say; the exit
/// code (failure for errors, or warnings with --fail-on-warnings, unreadable
/// files, or `failed` already).
fn report_lint(
    opts: &puppetlift::lint::options::LintOptions,
    results: &[Linted],
    with_filename: bool,
    mut failed: bool,
    mut out: impl Write,
) -> ExitCode {
    use puppetlift::lint::options::ErrorLevel;
    use puppetlift::lint::Kind;
    use puppetlift::report::formats::{self, Entry};
    let template = if !opts.log_format.is_empty() {
        opts.log_format.as_str()
    } else if with_filename {
        puppetlift::report::log_format::WITH_FILENAME
    } else {
        puppetlift::report::log_format::DEFAULT
    };
    let github = std::env::var_os("GITHUB_ACTION").is_some();
    let structured = opts.json || opts.sarif;
    let mut json_files: Vec<serde_json::Value> = Vec::new();
    let mut sarif_entries: Vec<Entry> = Vec::new();
    let mut climate_entries: Vec<Entry> = Vec::new();
    for file in results {
        for w in &file.warnings {
            eprintln!("{w}");
        }
        failed |= file.unreadable;
        let mut json_problems = Vec::new();
        for (p, fixed) in &file.found {
            let e = Entry {
                path: &file.name,
                problem: p,
                fixed: *fixed,
            };
            if !fixed && p.ignored.is_none() {
                failed |= p.kind == Kind::Error || (opts.fail_on_warnings && p.kind == Kind::Warning);
            }
            if p.ignored.is_some() && !*fixed && !opts.show_ignored {
                continue;
            }
            let shown = *fixed
                || match opts.error_level {
                    ErrorLevel::All => true,
                    ErrorLevel::Warning => e.kind() == "warning",
                    ErrorLevel::Error => e.kind() == "error",
                };
            if !shown {
                continue;
            }
            if opts.codeclimate_report_file.is_some() {
                climate_entries.push(e);
            }
            if structured {
                let context = opts
                    .with_context
                    .then(|| formats::context_line(&file.text, p.line).to_string());
                json_problems.push(formats::json_problem(&e, context.as_deref()));
                sarif_entries.push(e);
                continue;
            }
            let _ = writeln!(out, "{}", puppetlift::report::log_format::render_entry(template, &e));
            if let (Some(reason), false) = (&p.ignored, *fixed) {
                let _ = writeln!(out, "  {reason}");
            }
            if opts.with_context {
                let _ = write!(out, "{}", formats::context(&file.text, &e));
            }
            if github {
                let _ = write!(out, "{}", formats::github(&e));
            }
        }
        json_files.push(serde_json::Value::Array(json_problems));
    }
    if opts.sarif {
        // The first path given (for --stdin, the manifest's name).
        let first = opts
            .paths
            .first()
            .map(|p| p.display().to_string())
            .or_else(|| opts.stdin_filename.clone())
            .unwrap_or_else(|| ".".to_string());
        let first = formats::expand_path(&first);
        let base = if Path::new(&first).is_dir() {
            first
        } else {
            Path::new(&first)
                .parent()
                .map_or_else(|| "/".to_string(), |d| d.display().to_string())
        };
        let _ = writeln!(out, "{}", formats::ruby_pretty(&formats::sarif(&sarif_entries, &base)));
    } else if opts.json {
        let _ = writeln!(out, "{}", formats::ruby_pretty(&serde_json::Value::Array(json_files)));
    }
    let _ = out.flush();
    if let Some(file) = &opts.codeclimate_report_file {
        let report = formats::ruby_pretty(&formats::codeclimate(&climate_entries)) + "\n";
        if let Err(e) = files::write_atomically(Path::new(file), report.as_bytes(), None) {
            eprintln!("puppetlift lint: cannot write {file}: {e}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn parse(pn: bool, paths: &[PathBuf]) -> ExitCode {
    let (files, problems) = files::manifest_paths(paths);
    let mut failed = !problems.is_empty();
    let stderr = std::io::stderr();
    for p in &problems {
        let _ = writeln!(stderr.lock(), "{}", p.one_line(None));
    }
    let results: Vec<(String, Result<Manifest, Box<puppetlift::Diagnostic>>)> = files
        .par_iter()
        .map(|f| {
            let name = f.display().to_string();
            let m = files::read_text(f).map(|text| Manifest::parse_file(name.clone(), text));
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
    let project = match load(&args.project) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let ev = &project.evaluation;
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

/// Load the project the command line names: the Vagrantfile evaluated with
/// the `--env`/`--plugin` options, and `puppetlift.toml`. Once per command.
fn load(p: &ProjectArgs) -> Result<Project, ExitCode> {
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
    opts.host = match p.host {
        HostArg::Linux => puppetlift::vagrant::eval::Host::Linux,
        HostArg::Darwin => puppetlift::vagrant::eval::Host::Darwin,
        HostArg::Windows => puppetlift::vagrant::eval::Host::Windows,
    };
    let opts = puppetlift::project::Options {
        vagrant: opts,
        allow_outside: p.allow_outside.clone(),
        vagrantfile: p.vagrantfile.clone(),
        root: p.root.clone(),
    };
    Ok(Project::load(&p.dir, opts))
}

/// Print the Vagrantfile's and the plan's diagnostics; whether any is an error.
fn report_planned(project: &Project, planned: &Planned, extra: &[Diagnostic]) -> bool {
    let mut stderr = std::io::stderr().lock();
    let all = || {
        (project.evaluation.diagnostics.iter())
            .chain(planned.diagnostics.iter())
            .chain(extra.iter())
    };
    for d in all() {
        let src = (project.evaluation.sources.iter())
            .chain(planned.sources.iter())
            .find(|s| s.path == d.file);
        let _ = write!(stderr, "{}", d.render(src));
    }
    all().any(|d| d.severity == puppetlift::Severity::Error)
}

/// Run the migration checks before writing, as `check` does; print what they
/// find beyond what the plan and the emitters reported; whether an error
/// stops the build (see [`puppetlift::check::gate`]).
fn checks_stop(
    project: &Project,
    planned: &Planned,
    emitted: &[Diagnostic],
    args: &GateArgs,
    plan_failed: bool,
) -> bool {
    use puppetlift::check;
    // Without a Vagrantfile there is no plan to check; the plan already said so.
    if !project.has_vagrantfile {
        return false;
    }
    let shown: Vec<Diagnostic> = (project.evaluation.diagnostics.iter())
        .chain(planned.diagnostics.iter())
        .chain(emitted.iter())
        .cloned()
        .collect();
    // The checks read the plan that is written (with `--puppetmaster` applied), not a second one.
    let cx = check::Context::of_plan(project, planned);
    let gate = check::gate(&cx, &shown, &args.allow, args.strict);
    eprint!("{}", gate.render(&cx, plan_failed));
    !gate.stopping.is_empty()
}

fn plan(args: &PlanArgs) -> ExitCode {
    let project = match load(&args.project) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let planned = puppetlift::plan::build(&project);
    let exposed = puppetlift::check::public_admin_port::exposed(&project, &planned);
    let failed = report_planned(&project, &planned, &exposed);
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
    let project = match load(&args.project) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let mut planned = puppetlift::plan::build(&project);
    if let Some(host) = &args.puppetmaster {
        if let Err(msg) = planned.plan.set_puppetmaster_host(host) {
            eprintln!("error: --puppetmaster: {msg}");
            return ExitCode::from(2);
        }
    }
    let target = match args.target {
        BuildTarget::UserData => puppetlift::emit::Target::UserData,
        BuildTarget::CloudInit => puppetlift::emit::Target::CloudInit,
        BuildTarget::Cloudformation => puppetlift::emit::Target::CloudFormation,
        BuildTarget::All => puppetlift::emit::Target::All,
    };
    let (artifacts, mut diags) = puppetlift::emit::render_all(&planned.plan, &project.root, target);
    diags.extend(puppetlift::check::public_admin_port::exposed(&project, &planned));
    let failed = report_planned(&project, &planned, &diags);
    if checks_stop(&project, &planned, &diags, &args.gate, failed) || failed {
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

fn convert(args: &ConvertArgs) -> ExitCode {
    let project = match load(&args.project) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let planned = puppetlift::plan::build(&project);
    let (mut artifacts, mut diags) =
        puppetlift::emit::render_all(&planned.plan, &project.root, puppetlift::emit::Target::All);
    if let Err(d) = puppetlift::emit::handoff::add(&planned.plan, project.machines(), &mut artifacts) {
        diags.push(*d);
    }
    let failed = report_planned(&project, &planned, &diags);
    if checks_stop(&project, &planned, &diags, &args.gate, failed) || failed {
        eprintln!("puppetlift: nothing written (fix the errors above)");
        return ExitCode::from(1);
    }
    match puppetlift::emit::write::write_out(&args.out, &artifacts, args.force) {
        Ok(_) => {
            println!(
                "{}: read {}/README.md to launch it",
                args.out.display(),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprint!("{}", d.render(None));
            ExitCode::from(1)
        }
    }
}

fn init(args: &InitArgs) -> ExitCode {
    let project = match load(&args.project) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let path = args.project.dir.join(puppetlift::settings::FILE_NAME);
    if path.exists() && !args.force {
        eprintln!("error: {} exists; pass --force to replace it", path.display());
        return ExitCode::from(1);
    }
    let planned = puppetlift::plan::build(&project);
    report_planned(&project, &planned, &[]);
    let remote = project.git_remote();
    let text = puppetlift::emit::settings_file::commented_with_remote(&planned.plan, remote.as_ref());
    match puppetlift::files::write_atomically(&path, text.as_bytes(), None) {
        Ok(()) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            ExitCode::from(1)
        }
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    use puppetlift::check;
    let project = match load(&args.project) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let report = match check::check_project(&project, args.image.as_deref()) {
        Ok(r) => r,
        Err(d) => {
            eprint!("{}", d.render(None));
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    for d in &report.findings {
        let src = report.source(&d.file);
        if args.json {
            let _ = writeln!(out, "{}", check::json(d, src.map(|s| s.as_ref())));
        } else {
            let _ = write!(out, "{}", d.render(src));
        }
    }
    if report
        .findings
        .iter()
        .any(|d| d.severity == puppetlift::Severity::Error)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn validate(args: &ValidateArgs) -> ExitCode {
    use puppetlift::report::diagnostics as out_fmt;
    use puppetlift::validate::{self, Validator};
    let mut validators: Vec<Validator> = Validator::ALL.to_vec();
    let named = |names: &[String]| -> Result<Vec<Validator>, String> {
        names
            .iter()
            .map(|n| {
                Validator::from_name(n).ok_or_else(|| {
                    let known: Vec<&str> = Validator::ALL.iter().map(|v| v.name()).collect();
                    format!("unknown validator '{n}' (known: {})", known.join(", "))
                })
            })
            .collect()
    };
    match (named(&args.only), named(&args.skip)) {
        (Ok(only), Ok(skip)) => {
            if !only.is_empty() {
                validators.retain(|v| only.contains(v));
            }
            validators.retain(|v| !skip.contains(v));
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let options = validate::Options {
        validators,
        metadata: validate::metadata::Options {
            strict_dependencies: args.strict_dependencies,
            ..Default::default()
        },
    };
    let report = validate::run(&paths, &options);
    let found: Vec<out_fmt::Found> = report.findings().collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let github = args.github || std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true");
    if args.json {
        for (d, src) in &found {
            let _ = writeln!(out, "{}", out_fmt::json(d, src.map(|s| s.as_ref())));
        }
    } else if args.sarif {
        let _ = writeln!(out, "{:#}", out_fmt::sarif(&found, "puppetlift validate"));
    } else if args.codeclimate {
        let _ = writeln!(out, "{:#}", out_fmt::codeclimate(&found));
    } else if args.junit {
        let mut groups: Vec<out_fmt::Suite> = Vec::new();
        if !report.problems.is_empty() {
            let cases = report
                .problems
                .iter()
                .map(|d| (d.file.as_str(), vec![(d, None)]))
                .collect();
            groups.push(("paths", cases));
        }
        for v in Validator::ALL {
            let cases: Vec<out_fmt::Case> = report
                .files
                .iter()
                .filter(|f| f.validator == v)
                .map(|f| {
                    (
                        f.source.path.as_str(),
                        f.findings.iter().map(|d| (d, Some(&f.source))).collect(),
                    )
                })
                .collect();
            if !cases.is_empty() {
                groups.push((v.name(), cases));
            }
        }
        let _ = write!(out, "{}", out_fmt::junit("puppetlift validate", &groups));
    } else {
        for (d, src) in &found {
            let _ = write!(out, "{}", d.render(*src));
        }
    }
    if github {
        for (d, src) in &found {
            let _ = writeln!(out, "{}", out_fmt::github(d, src.map(|s| s.as_ref())));
        }
    }
    let failed = found.iter().any(|(d, _)| {
        d.severity == puppetlift::Severity::Error
            || (args.fail_on_warnings && d.severity == puppetlift::Severity::Warning)
    });
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
