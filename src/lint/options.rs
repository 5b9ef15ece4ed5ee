//! `puppetlift lint`'s command line, read the way puppet-lint 3.0.1 reads its
//! own (Ruby's `OptionParser`): options anywhere among the paths, unique
//! prefixes of long options accepted, `--opt=VALUE` or `--opt VALUE`, and the
//! option files `/etc/puppet-lint.rc`, `~/.puppet-lint.rc` and
//! `./.puppet-lint.rc` (one argument a line) read first, in that order, unless
//! `--no-config` is given. `-c FILE` reads a file of options where it stands.
//! Check switches apply in order: `--only-checks` turns every other check off
//! at the point it is read, a later `--CHECK-check` turns one back on.

use super::{registry, Compat};
use std::path::{Path, PathBuf};

/// Which problems are printed (`--error-level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorLevel {
    /// Warnings and errors.
    All,
    /// Warnings only.
    Warning,
    /// Errors only.
    Error,
}

/// Everything the command line and option files say.
#[derive(Debug, Clone)]
pub struct LintOptions {
    /// `--version`.
    pub version: bool,
    /// `--list-checks`.
    pub list_checks: bool,
    /// `--help`.
    pub help: bool,
    /// `--with-context`.
    pub with_context: bool,
    /// `--with-filename`.
    pub with_filename: bool,
    /// `--fail-on-warnings`.
    pub fail_on_warnings: bool,
    /// `--error-level`.
    pub error_level: ErrorLevel,
    /// `--show-ignored`.
    pub show_ignored: bool,
    /// `--relative`.
    pub relative: bool,
    /// `-f`, `--fix`.
    pub fix: bool,
    /// `--log-format` (empty: the default).
    pub log_format: String,
    /// `--json`.
    pub json: bool,
    /// `--sarif`.
    pub sarif: bool,
    /// `--ignore-paths` (default `vendor/**/*.pp`).
    pub ignore_paths: Vec<String>,
    /// Each check's state in registry order: `(name, Some(on))` once an
    /// option turns it on or off, `None` while it keeps its default (which
    /// depends on `--compat` and `--plugins`, wherever they stand).
    pub checks: Vec<(&'static str, Option<bool>)>,
    /// `--compat 3|5`: which puppet-lint to behave as (default 5).
    pub compat: Compat,
    /// `--plugins voxpupuli`: the Vox Pupuli plugin checks run, as when
    /// `voxpupuli-puppet-lint-plugins` is installed.
    pub plugins: bool,
    /// `--top-scope-variables`: top-scope variables `top_scope_facts` allows.
    pub top_scope_variables: Vec<String>,
    /// `--codeclimate-report-file`: where to write a Code Climate report too.
    pub codeclimate_report_file: Option<String>,
    /// The paths (arguments that are not options).
    pub paths: Vec<PathBuf>,
    /// `--stdin`: lint the manifest read from standard input (with `--fix`,
    /// write the fixed text to standard output).
    pub stdin: bool,
    /// `--stdin-filename`: the path that manifest is (for messages, path
    /// checks, `--ignore-paths` and the option file).
    pub stdin_filename: Option<String>,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            version: false,
            list_checks: false,
            help: false,
            with_context: false,
            with_filename: false,
            fail_on_warnings: false,
            error_level: ErrorLevel::All,
            show_ignored: false,
            relative: false,
            fix: false,
            log_format: String::new(),
            json: false,
            sarif: false,
            ignore_paths: vec!["vendor/**/*.pp".to_string()],
            checks: registry().iter().map(|r| (r.name, None)).collect(),
            compat: Compat::default(),
            plugins: false,
            top_scope_variables: Vec::new(),
            codeclimate_report_file: None,
            paths: Vec::new(),
            stdin: false,
            stdin_filename: None,
        }
    }
}

impl LintOptions {
    /// Whether the check `name` runs.
    pub fn enabled(&self, name: &str) -> bool {
        let Some(&(_, state)) = self.checks.iter().find(|c| c.0 == name) else {
            return false;
        };
        state.unwrap_or_else(|| {
            super::rule(name).is_some_and(|r| match r.plugin {
                Some(_) => self.plugins && r.enabled_by_default,
                None => self.compat.on_by_default(r),
            })
        })
    }

    fn set_check(&mut self, name: &str, on: bool) {
        for c in self.checks.iter_mut().filter(|c| c.0 == name) {
            c.1 = Some(on);
        }
    }
}

/// Why the command line was refused (puppet-lint prints these and exits 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptError {
    /// An option nobody defines (`invalid option: --foo`).
    Invalid(String),
    /// A prefix of several options.
    Ambiguous(String),
    /// An option that needs a value got none.
    MissingArgument(String),
    /// A value an option does not take (`--error-level loud`).
    InvalidArgument(String),
}

impl std::fmt::Display for OptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptError::Invalid(o) => write!(f, "invalid option: {o}"),
            OptError::Ambiguous(o) => write!(f, "ambiguous option: {o}"),
            OptError::MissingArgument(o) => write!(f, "missing argument: {o}"),
            OptError::InvalidArgument(o) => write!(f, "invalid argument: {o}"),
        }
    }
}

/// The long options that take a value.
const WITH_VALUE: [&str; 12] = [
    "compat",
    "codeclimate-report-file",
    "top-scope-variables",
    "plugins",
    "config",
    "error-level",
    "load",
    "load-from-puppet",
    "log-format",
    "only-checks",
    "ignore-paths",
    "stdin-filename",
];

/// The long options that take none (check switches aside).
const SWITCHES: [&str; 13] = [
    "version",
    "no-config",
    "with-context",
    "with-filename",
    "fail-on-warnings",
    "show-ignored",
    "relative",
    "fix",
    "json",
    "sarif",
    "list-checks",
    "help",
    "stdin",
];

/// Where the option files are: `/etc/puppet-lint.rc`, `$HOME/.puppet-lint.rc`,
/// `./.puppet-lint.rc` (with `--stdin-filename PATH`, the `.puppet-lint.rc`
/// nearest above PATH instead of the working directory's, so that an editor
/// lints a buffer as the project lints its file).
#[derive(Debug, Clone)]
pub struct ConfigPlaces {
    /// `/etc/puppet-lint.rc`.
    pub system: PathBuf,
    /// `$HOME`, when set.
    pub home: Option<PathBuf>,
    /// The working directory.
    pub cwd: PathBuf,
}

impl ConfigPlaces {
    /// The places for this process and command line `args`.
    pub fn from_env(args: &[String]) -> Self {
        ConfigPlaces {
            system: PathBuf::from("/etc/puppet-lint.rc"),
            home: std::env::var_os("HOME").map(PathBuf::from),
            cwd: stdin_filename(args)
                .and_then(|f| {
                    Path::new(&f)
                        .ancestors()
                        .skip(1)
                        .map(|d| if d.as_os_str().is_empty() { Path::new(".") } else { d })
                        .find(|d| d.join(".puppet-lint.rc").is_file())
                        .map(Path::to_path_buf)
                })
                .unwrap_or_else(|| PathBuf::from(".")),
        }
    }
}

/// The value of `--stdin-filename` in `args`, read before the option files are.
fn stdin_filename(args: &[String]) -> Option<String> {
    let mut it = args.iter().take_while(|a| *a != "--");
    while let Some(a) = it.next() {
        if let Some(v) = a.strip_prefix("--stdin-filename=") {
            return Some(v.to_string());
        }
        if a == "--stdin-filename" {
            return it.next().cloned();
        }
    }
    None
}

/// Reads `args` (the arguments after `lint`) the way puppet-lint does, option
/// files first.
pub fn parse(args: &[String], places: &ConfigPlaces) -> Result<LintOptions, OptError> {
    let mut o = LintOptions::default();
    if !args.iter().any(|a| a == "--no-config") {
        load(&mut o, &places.system)?;
        if let Some(home) = &places.home {
            load(&mut o, &home.join(".puppet-lint.rc"))?;
        }
        load(&mut o, &places.cwd.join(".puppet-lint.rc"))?;
    }
    let paths = apply(&mut o, args)?;
    o.paths = paths.into_iter().map(PathBuf::from).collect();
    Ok(o)
}

/// Ruby's `OptionParser#load`: every line of the file is one argument; a file
/// that is missing is skipped; arguments that are not options are dropped.
fn load(o: &mut LintOptions, file: &Path) -> Result<(), OptError> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Ok(());
    };
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    apply(o, &lines).map(|_| ())
}

/// Applies the options in `args` in order; returns the other arguments.
fn apply(o: &mut LintOptions, args: &[String]) -> Result<Vec<String>, OptError> {
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            rest.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let name = complete(name, arg)?;
            if WITH_VALUE.contains(&name.as_str()) {
                let value = match inline {
                    Some(v) => v,
                    None if i < args.len() => {
                        i += 1;
                        args[i - 1].clone()
                    }
                    None => return Err(OptError::MissingArgument(format!("--{name}"))),
                };
                with_value(o, &name, &value)?;
            } else {
                if inline.is_some() {
                    return Err(OptError::Invalid(format!("needless argument: {arg}")));
                }
                switch(o, &name);
            }
        } else if arg.len() > 1 && arg.starts_with('-') {
            // Short options, possibly bundled: `-f`, `-c FILE`, `-cFILE`, `-fc FILE`.
            let chars: Vec<char> = arg[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                match chars[k] {
                    'f' => o.fix = true,
                    'h' => o.help = true,
                    c @ ('c' | 'l') => {
                        let attached: String = chars[k + 1..].iter().collect();
                        let value = if !attached.is_empty() {
                            attached
                        } else if i < args.len() {
                            i += 1;
                            args[i - 1].clone()
                        } else {
                            return Err(OptError::MissingArgument(format!("-{c}")));
                        };
                        with_value(o, if c == 'c' { "config" } else { "load" }, &value)?;
                        break;
                    }
                    c => return Err(OptError::Invalid(format!("-{c}"))),
                }
                k += 1;
            }
        } else {
            rest.push(arg.clone());
        }
    }
    Ok(rest)
}

/// Every long option name there is, check switches included.
fn long_names() -> Vec<String> {
    let mut names: Vec<String> = WITH_VALUE
        .iter()
        .chain(SWITCHES.iter())
        .map(|s| s.to_string())
        .collect();
    for r in registry() {
        names.push(format!("no-{}-check", r.name));
        names.push(format!("{}-check", r.name));
    }
    names.sort();
    names.dedup();
    names
}

/// The option `name` stands for: itself, or the only one it is a prefix of.
fn complete(name: &str, arg: &str) -> Result<String, OptError> {
    let names = long_names();
    if names.iter().any(|n| n == name) {
        return Ok(name.to_string());
    }
    let found: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with(name) && !name.is_empty())
        .collect();
    match found.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(OptError::Invalid(arg.to_string())),
        _ => Err(OptError::Ambiguous(arg.to_string())),
    }
}

fn switch(o: &mut LintOptions, name: &str) {
    match name {
        "version" => o.version = true,
        "no-config" => {}
        "with-context" => o.with_context = true,
        "with-filename" => o.with_filename = true,
        "fail-on-warnings" => o.fail_on_warnings = true,
        "show-ignored" => o.show_ignored = true,
        "relative" => o.relative = true,
        "fix" => o.fix = true,
        "json" => o.json = true,
        "sarif" => o.sarif = true,
        "list-checks" => o.list_checks = true,
        "help" => o.help = true,
        "stdin" => o.stdin = true,
        check => {
            let check = check.strip_suffix("-check").unwrap_or(check);
            match check.strip_prefix("no-") {
                Some(c) if registry().iter().any(|r| r.name == c) => o.set_check(c, false),
                _ => o.set_check(check, true),
            }
        }
    }
}

fn with_value(o: &mut LintOptions, name: &str, value: &str) -> Result<(), OptError> {
    match name {
        "stdin-filename" => o.stdin_filename = Some(value.to_string()),
        "config" => load(o, Path::new(value))?,
        "error-level" => {
            // OptionParser completes enumerated values too.
            let levels = [
                ("all", ErrorLevel::All),
                ("warning", ErrorLevel::Warning),
                ("error", ErrorLevel::Error),
            ];
            let found: Vec<_> = levels
                .iter()
                .filter(|(n, _)| !value.is_empty() && n.starts_with(value))
                .collect();
            match found.as_slice() {
                [(_, level)] => o.error_level = *level,
                _ => return Err(OptError::InvalidArgument(format!("--error-level {value}"))),
            }
        }
        "load" | "load-from-puppet" => {
            return Err(OptError::Invalid(format!(
                "--{name} (puppetlift runs its own checks; Ruby plugins cannot be loaded)"
            )))
        }
        "log-format" => o.log_format = value.to_string(),
        "only-checks" => {
            let wanted: Vec<&str> = value.split(',').collect();
            for c in o.checks.iter_mut() {
                c.1 = Some(wanted.contains(&c.0));
            }
        }
        "compat" => {
            o.compat = match value {
                "3" => Compat::V3,
                "5" => Compat::V5,
                _ => return Err(OptError::InvalidArgument(format!("--compat {value} (3 or 5)"))),
            }
        }
        "plugins" => match value {
            "voxpupuli" => o.plugins = true,
            "none" => o.plugins = false,
            _ => {
                return Err(OptError::InvalidArgument(format!(
                    "--plugins {value} (voxpupuli or none)"
                )))
            }
        },
        "ignore-paths" => o.ignore_paths = value.split(',').map(str::to_string).collect(),
        "codeclimate-report-file" => o.codeclimate_report_file = Some(value.to_string()),
        "top-scope-variables" => o.top_scope_variables = value.split(',').map(str::to_string).collect(),
        _ => unreachable!("every option that takes a value is handled"),
    }
    Ok(())
}

/// Ruby's `File.fnmatch(pattern, path)` without flags, as puppet-lint matches
/// `--ignore-paths`: `*` and `?` match `/` too, `[...]` is a class, `\`
/// escapes, and a wildcard never matches a `.` that starts the path.
pub fn fnmatch(pattern: &str, path: &str) -> bool {
    fn go(p: &[char], s: &[char], at_start: bool) -> bool {
        let leading_dot = at_start && s.first() == Some(&'.');
        match p.first() {
            None => s.is_empty(),
            Some('*') => {
                if leading_dot {
                    return false;
                }
                let rest = &p[1..];
                (0..=s.len()).any(|k| go(rest, &s[k..], at_start && k == 0))
            }
            Some('?') => !s.is_empty() && !leading_dot && go(&p[1..], &s[1..], false),
            Some('[') => {
                let Some(close) = p.iter().skip(2).position(|&c| c == ']').map(|k| k + 2) else {
                    return !s.is_empty() && s[0] == '[' && go(&p[1..], &s[1..], false);
                };
                if s.is_empty() || leading_dot {
                    return false;
                }
                let mut class = &p[1..close];
                let negate = matches!(class.first(), Some('!' | '^'));
                if negate {
                    class = &class[1..];
                }
                let c = s[0];
                let mut hit = false;
                let mut k = 0;
                while k < class.len() {
                    if k + 2 < class.len() && class[k + 1] == '-' {
                        hit |= class[k] <= c && c <= class[k + 2];
                        k += 3;
                    } else {
                        hit |= class[k] == c;
                        k += 1;
                    }
                }
                hit != negate && go(&p[close + 1..], &s[1..], false)
            }
            Some('\\') if p.len() > 1 => !s.is_empty() && s[0] == p[1] && go(&p[2..], &s[1..], false),
            Some(&c) => !s.is_empty() && s[0] == c && go(&p[1..], &s[1..], false),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = path.chars().collect();
    go(&p, &s, true)
}

/// What `puppetlift lint --help` prints.
pub const HELP: &str = "puppetlift lint (puppet-lint's command line)

Basic Command Line Usage:
  puppetlift lint [OPTIONS] PATH...

        PATH                         The paths to Puppet manifests or directories of them.

Option:
        --version                    Display the current version.
        --no-config                  Do not load default puppet-lint option files.
    -c, --config FILE                Load puppet-lint options from file.
        --with-context               Show where in the manifest the problem is.
        --with-filename              Display the filename before the warning.
        --fail-on-warnings           Return a non-zero exit status for warnings
        --error-level LEVEL          The level of error to return (warning, error or all).
        --show-ignored               Show problems that have been ignored by control comments
        --relative                   Compare module layout relative to the module root
    -f, --fix                        Attempt to automatically fix errors
        --log-format FORMAT          Change the log format.
                                     Overrides --with-filename.
                                     The following placeholders can be used:
                                     %{filename} - Filename without path.
                                     %{path}     - Path as provided to puppet-lint.
                                     %{fullpath} - Expanded path to the file.
                                     %{line}     - Line number.
                                     %{column}   - Column number.
                                     %{kind}     - The kind of message (warning, error).
                                     %{KIND}     - Uppercase version of %{kind}.
                                     %{check}    - The name of the check.
                                     %{message}  - The message.
        --json                       Log output as JSON
        --sarif                      Log output as SARIF
        --codeclimate-report-file FILE
                                     Save a code climate compatible report to this file
        --list-checks                List available check names.
        --stdin                      Lint the manifest on standard input; with --fix,
                                     write the fixed manifest to standard output
                                     (problems then go to standard error).
        --stdin-filename PATH        The path of that manifest: in messages, for the
                                     checks that read paths, --ignore-paths, and the
                                     .puppet-lint.rc nearest above it.

        --compat VERSION             Behave as puppet-lint VERSION: 5 (the default, what
                                     `gem install puppet-lint` gives) or 3 (3.0.1, Debian 12's):
                                     the checks on by default, the data types its lexer knows.
        --plugins SET                Run the plugin checks of SET: voxpupuli (the checks of
                                     voxpupuli-puppet-lint-plugins) or none (the default).

    Checks:
        --only-checks CHECKS         A comma separated list of checks that should be run
        --ignore-paths PATHS         A comma separated list of patterns to ignore
        --top-scope-variables VARS   A comma separated list of allowed top scope variables
        --no-CHECK-check             Skip the CHECK check.
        --CHECK-check                Enable the CHECK check.

`puppetlift explain CHECK` describes a check.
";
