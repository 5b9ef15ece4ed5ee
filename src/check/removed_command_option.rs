//! ## What it does
//! Finds command-line options that the tools on every image puppetlift
//! targets no longer accept, in shell provisioners, delivered scripts the
//! provisioners run, and the commands of `exec` resources:
//!
//! | tool | option | removed in | instead |
//! |---|---|---|---|
//! | `gem` | `--no-ri`, `--no-rdoc` | RubyGems 3.0 (2018) | `--no-document` |
//! | `pip`, `pip3` | `--use-mirrors`, `--mirrors` | pip 7.0 (2015) | nothing: PyPI's CDN serves every download |
//!
//! ## Why is this bad on EC2?
//! A box from 2014 had the RubyGems or pip its script was written for. The
//! images EC2 runs today carry RubyGems 3.2+ and pip 20+, which stop on the
//! unknown option ("ERROR: While executing gem ... invalid option: --no-ri";
//! "no such option: --use-mirrors"): nothing is installed, and a script whose
//! last command it is — or one with `set -e` — fails the boot.
//!
//! ## Example
//! ```sh
//! gem install bundler --no-ri --no-rdoc
//! ```
//! Use instead:
//! ```sh
//! gem install bundler --no-document
//! ```
//!
//! ## References
//! RubyGems 3.0.0 release notes ("Removed deprecated `--[no-]ri` and
//! `--[no-]rdoc` options"); pip 7.0.0 release notes ("Removed the deprecated
//! `--use-mirrors` and `--mirrors` options").

use super::context::Context;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};

/// The check.
pub const CHECK: Check = Check {
    name: "removed-command-option",
    source: include_str!("removed_command_option.rs"),
    stops_build: false,
    run,
};

/// A removed option: the tools that accepted it, the option, since when it
/// fails, and what to do instead.
struct Removed {
    tools: &'static [&'static str],
    option: &'static str,
    since: &'static str,
    help: &'static str,
}

const REMOVED: [Removed; 4] = [
    Removed {
        tools: &["gem"],
        option: "--no-ri",
        since: "RubyGems 3.0",
        help: "write `--no-document` instead",
    },
    Removed {
        tools: &["gem"],
        option: "--no-rdoc",
        since: "RubyGems 3.0",
        help: "write `--no-document` instead",
    },
    Removed {
        tools: &["pip", "pip3", "pip2"],
        option: "--use-mirrors",
        since: "pip 7.0",
        help: "delete it: PyPI's CDN serves every download",
    },
    Removed {
        tools: &["pip", "pip3", "pip2"],
        option: "--mirrors",
        since: "pip 7.0",
        help: "delete it: PyPI's CDN serves every download",
    },
];

fn run(p: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let message = |f: &Found| {
        let options: Vec<String> = f.removed.iter().map(|r| format!("`{}`", r.option)).collect();
        (
            format!(
                "`{}` has not accepted {} since {}: the command stops on the unknown option and installs nothing",
                f.tool,
                options.join(" and "),
                f.removed[0].since
            ),
            f.removed[0].help.to_string(),
        )
    };
    for s in &p.scripts {
        for (at, line) in scan::code_lines(&s.text) {
            for f in finds(line) {
                let (msg, help) = message(&f);
                out.push(
                    p.in_script(CHECK.name, Severity::Error, s, at + f.start, at + f.end, msg)
                        .with_help(help),
                );
            }
        }
    }
    for m in &p.manifests {
        for r in scan::resources(m).into_iter().filter(|r| r.type_name == "exec") {
            for (text, e) in scan::literals(r.command()) {
                for f in finds(&text) {
                    let (msg, help) = message(&f);
                    out.push(
                        p.at(
                            CHECK.name,
                            Severity::Error,
                            &m.source,
                            e.span.start as usize,
                            e.span.end as usize,
                            msg,
                        )
                        .with_help(help),
                    );
                }
            }
        }
    }
    out
}

/// One command with removed options: its tool, the options (all of one
/// release of that tool), and the bytes from the first option to the last.
struct Found {
    tool: &'static str,
    removed: Vec<&'static Removed>,
    start: usize,
    end: usize,
}

/// The commands of a line of shell (each up to `;`, `&`, `|`) whose program
/// is a tool that no longer accepts some of its options.
fn finds(line: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for c in scan::commands(line) {
        let mut found: Option<Found> = None;
        for (a, w) in c.args {
            let w = w.trim_end_matches('\n').trim_matches(['"', '\'']);
            for r in REMOVED.iter().filter(|r| r.option == w) {
                let Some(tool) = r.tools.iter().find(|t| **t == c.program) else {
                    continue;
                };
                let f = found.get_or_insert(Found {
                    tool,
                    removed: vec![],
                    start: a,
                    end: a,
                });
                f.removed.push(r);
                f.end = a + w.len();
            }
        }
        out.extend(found);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::finds;

    #[test]
    fn options_of_the_command_they_follow() {
        let found = |l: &str| {
            finds(l)
                .into_iter()
                .map(|f| {
                    (
                        f.start,
                        f.end,
                        f.tool,
                        f.removed.iter().map(|r| r.option).collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            found("sudo gem install rake --no-ri --no-rdoc"),
            [(22, 39, "gem", vec!["--no-ri", "--no-rdoc"])]
        );
        assert_eq!(
            found("apt-get install -y python-pip && pip install --use-mirrors x"),
            [(45, 58, "pip", vec!["--use-mirrors"])]
        );
        assert!(found("echo gem install --no-ri; gem install --no-document x").is_empty());
        assert_eq!(found("/usr/bin/gem install --no-ri x")[0].2, "gem");
    }
}
