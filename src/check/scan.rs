//! What several checks look for the same way: string literals of a manifest,
//! every expression of its AST, resources and their attributes, lines of text.

use crate::puppet::ast::{AttributeOp, Expr, ExprKind, ResourceBody};
use crate::puppet::lexer::TokenKind;
use crate::puppet::{visit, Manifest};

/// Each string literal of a manifest (quoted strings, heredoc bodies) with the
/// offset of its first byte. Comments are never strings.
pub fn strings(m: &Manifest) -> impl Iterator<Item = (usize, &str)> {
    m.tokens()
        .tokens
        .iter()
        .filter(|t| {
            matches!(
                t.kind,
                TokenKind::SqString | TokenKind::DqString | TokenKind::HeredocBody
            )
        })
        .map(move |t| (t.span.start as usize, &m.source.text[t.span.range()]))
}

/// Calls `f` on every expression of the manifest, outermost first.
pub fn walk<'a>(m: &'a Manifest, f: &mut dyn FnMut(&'a Expr)) {
    fn go<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
        stacker::maybe_grow(64 << 10, 4 << 20, || {
            f(e);
            visit::for_each_child(e, |c| go(c, f));
        })
    }
    if let Ok(body) = &m.body {
        go(body, f);
    }
}

/// A resource body with its type name (lower case, `class` for class resources).
pub struct Resource<'a> {
    /// `file`, `exec`, `apt::source`, `class`, ...
    pub type_name: String,
    /// The title and attributes.
    pub body: &'a ResourceBody,
}

impl<'a> Resource<'a> {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&'a Expr> {
        self.body.ops.iter().find_map(|op| match op {
            AttributeOp::Set { name: n, value, .. } if n == name => Some(value),
            _ => None,
        })
    }

    /// An exec's command: its `command`, else its title (the namevar).
    pub fn command(&self) -> &'a Expr {
        self.attr("command").unwrap_or(&self.body.title)
    }
}

/// Every resource body of the manifest.
pub fn resources(m: &Manifest) -> Vec<Resource<'_>> {
    let mut out = Vec::new();
    walk(m, &mut |e| {
        if let ExprKind::Resource { type_name, bodies, .. } = &e.kind {
            let name = match &type_name.kind {
                ExprKind::QualifiedName(n) | ExprKind::QualifiedReference(n) => n.to_ascii_lowercase(),
                _ => return,
            };
            for b in bodies {
                out.push(Resource {
                    type_name: name.trim_start_matches("::").to_string(),
                    body: b,
                });
            }
        }
    });
    out
}

/// The text of a string expression (plain, a bare word, or the literal parts
/// of an interpolated one).
pub fn literal(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Str(s) | ExprKind::QualifiedName(s) => Some(s.clone()),
        ExprKind::Concat(parts) => Some(
            parts
                .iter()
                .map(|p| match &p.kind {
                    ExprKind::Str(s) => s.as_str(),
                    _ => "${}",
                })
                .collect(),
        ),
        ExprKind::Heredoc { text, .. } => literal(text),
        _ => None,
    }
}

/// The strings of a value: itself, or the items of an array.
pub fn literals(e: &Expr) -> Vec<(String, &Expr)> {
    match &e.kind {
        ExprKind::List(items) => items.iter().filter_map(|i| literal(i).map(|s| (s, i))).collect(),
        _ => literal(e).map(|s| vec![(s, e)]).unwrap_or_default(),
    }
}

/// One command of a line of shell: its program (the base name of its first
/// word that is not `sudo`, `env`, `then`, `do` or a `VAR=value`), where that
/// base name starts in the line, and the words after it with their offsets.
pub struct ShellCommand<'a> {
    pub program: &'a str,
    pub at: usize,
    pub args: Vec<(usize, &'a str)>,
}

/// The commands of a line of shell, each up to `;`, `&`, `|`, `(` or a
/// backquote, its words split on spaces.
pub fn commands(line: &str) -> Vec<ShellCommand<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for segment in line.split([';', '&', '|', '(', '`']) {
        let mut words = segment.split(' ').scan(start, |at, w| {
            let a = *at;
            *at += w.len() + 1;
            Some((a, w))
        });
        start += segment.len() + 1;
        let first = words
            .by_ref()
            .find(|(_, w)| !w.is_empty() && !matches!(*w, "sudo" | "env" | "then" | "do") && !w.contains('='));
        if let Some((here, word)) = first {
            let program = word.rsplit('/').next().unwrap_or(word);
            out.push(ShellCommand {
                program,
                at: here + (word.len() - program.len()),
                args: words.collect(),
            });
        }
    }
    out
}

/// Each line of `text` with its offset, skipping comment lines (`#` first).
pub fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split_inclusive('\n').filter_map(move |l| {
        let start = at;
        at += l.len();
        let line = l.trim_end_matches(['\n', '\r']);
        (!line.trim_start().starts_with('#')).then_some((start, line))
    })
}

/// Image names for a message: `ubuntu-22.04`, `ubuntu-22.04 and rocky-9`.
pub fn image_names(targets: &[&super::TargetImage]) -> String {
    let names: Vec<&str> = targets.iter().map(|t| t.image.os.as_str()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.to_string(),
        None => String::new(),
    }
}

/// A package a shell command line installs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install<'a> {
    /// `apt-get`, `apt`, `yum`, `dnf`, `zypper` or `gem`.
    pub tool: &'a str,
    /// The package name as written (a version suffix `=1.2` or `-v` left out).
    pub name: &'a str,
    /// Its byte range in the line.
    pub start: usize,
    pub end: usize,
}

/// The packages `apt-get install`, `apt install`, `yum install`, `dnf install`,
/// `zypper install` and `gem install` name in one line of shell (each command
/// of the line up to `;`, `&&`, `||` or `|`).
pub fn installs(line: &str) -> Vec<Install<'_>> {
    let mut out = Vec::new();
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for w in line.split_inclusive(char::is_whitespace) {
        let t = w.trim_end();
        if !t.is_empty() {
            words.push((at, t));
        }
        at += w.len();
    }
    let mut i = 0;
    while i < words.len() {
        let tool = words[i].1.rsplit('/').next().unwrap_or_default();
        let is_tool = ["apt-get", "apt", "yum", "dnf", "zypper", "gem"].contains(&tool);
        let sub = words
            .get(i + 1..)
            .unwrap_or_default()
            .iter()
            .find(|(_, w)| !w.starts_with('-'));
        if !(is_tool && sub.is_some_and(|(_, w)| *w == "install")) {
            i += 1;
            continue;
        }
        let Some(from) = words.iter().position(|(a, w)| *a > words[i].0 && *w == "install") else {
            break;
        };
        let mut j = from + 1;
        while let Some(&(a, w)) = words.get(j) {
            if [";", "&&", "||", "|", "\\"].iter().any(|s| w.starts_with(s))
                || w.starts_with('>')
                || w.starts_with("2>")
            {
                break;
            }
            let ends_command = w.ends_with(';');
            let w = w.trim_end_matches(';').trim_matches(['"', '\'']);
            // Options, and the value of `gem install -v`/`--version`.
            if w.starts_with('-') {
                if tool == "gem" && (w == "-v" || w == "--version") {
                    j += 1;
                }
            } else if !w.is_empty() && !w.contains(['$', '`', '(', ')', '{', '}']) {
                let name = w.split('=').next().unwrap_or(w);
                let s = a + line[a..].find(name).unwrap_or(0);
                out.push(Install {
                    tool,
                    name,
                    start: s,
                    end: s + name.len(),
                });
            }
            j += 1;
            if ends_command {
                break;
            }
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::installs;

    #[test]
    fn packages_of_install_commands() {
        fn names(l: &str) -> Vec<(&str, &str)> {
            installs(l).into_iter().map(|i| (i.tool, i.name)).collect()
        }
        assert_eq!(
            names("sudo apt-get -y install puppet=3.8.7-1 git && yum install -q php5"),
            [("apt-get", "puppet"), ("apt-get", "git"), ("yum", "php5")]
        );
        assert_eq!(
            names("gem install puppet -v 3.8.7 --no-ri; echo hi"),
            [("gem", "puppet")]
        );
        assert!(names("apt-get update; echo apt install foo")
            .iter()
            .all(|(t, _)| *t == "apt"));
        assert!(names("apt-get install $PKGS").is_empty());
    }
}
