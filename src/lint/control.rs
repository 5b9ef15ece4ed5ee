//! puppet-lint's control comments, read exactly as puppet-lint 3.0.1 reads them
//! (`PuppetLint::Data.parse_control_comments`):
//!
//! - `# lint:ignore:CHECK reason` after code on a line ignores CHECK on that line;
//! - on a line of its own it starts a block that `# lint:endignore` ends;
//! - several `lint:ignore:` words may stand in one comment; the words after the
//!   first that is not a control word are the reason.

use super::Context;
use crate::puppet::lexer::TokenKind;
use std::collections::HashMap;

/// Which lines each check is ignored on, with the reason given.
#[derive(Debug, Default)]
pub struct Overrides {
    lines: HashMap<String, HashMap<usize, String>>,
}

impl Overrides {
    /// Reads the control comments of a manifest; also returns puppet-lint's
    /// warnings for an `endignore` without `ignore` and an `ignore` never closed.
    pub fn parse(ctx: &Context) -> (Overrides, Vec<String>) {
        let mut o = Overrides::default();
        let mut warnings = Vec::new();
        let mut stack: Vec<Vec<(usize, String, String)>> = Vec::new();
        for (i, t) in ctx.tokens.iter().enumerate() {
            let body = match t.kind {
                TokenKind::Comment => ctx.text(t).trim_start_matches('#'),
                TokenKind::MlComment => ctx.text(t).trim_start_matches("/*").trim_end_matches("*/"),
                _ => continue,
            };
            let body = body.trim();
            if !is_control(body) {
                continue;
            }
            let (line, _) = ctx.line_col(t.span.start as usize);
            let words: Vec<&str> = body.split_whitespace().collect();
            let controls = words
                .iter()
                .take_while(|w| w.starts_with("lint:ignore") || w.starts_with("lint:endignore"));
            let n = controls.clone().count();
            let reason = words[n..].join(" ");
            // After code on the line: the previous token is not a line break or indent.
            let before = &ctx.tokens[..i];
            let trailing = match before.last() {
                None => false,
                Some(p) if p.kind == TokenKind::Newline => false,
                // Blanks after a line break are an indent, not code.
                Some(p) if p.kind == TokenKind::Whitespace => {
                    before.len() >= 2 && before[before.len() - 2].kind != TokenKind::Newline
                }
                Some(_) => true,
            };
            let mut opened = Vec::new();
            for control in controls {
                let parts: Vec<&str> = control.split(':').collect();
                match parts.get(1) {
                    Some(&"ignore") => {
                        let check = parts.get(2).copied().unwrap_or("").to_string();
                        if trailing {
                            o.lines.entry(check).or_default().insert(line, reason.clone());
                        } else {
                            opened.push((line, reason.clone(), check));
                        }
                    }
                    _ => match stack.pop() {
                        None => warnings.push(format!(
                            "WARNING: lint:endignore comment with no opening lint:ignore:<check> comment found on line {line}"
                        )),
                        Some(top) => {
                            for (start, why, check) in top {
                                let lines = o.lines.entry(check).or_default();
                                for l in start..=line {
                                    lines.insert(l, why.clone());
                                }
                            }
                        }
                    },
                }
            }
            if !opened.is_empty() {
                stack.push(opened);
            }
        }
        for open in stack {
            if let Some((line, _, check)) = open.first() {
                warnings.push(format!(
                    "WARNING: lint:ignore:{check} comment on line {line} with no closing lint:endignore comment"
                ));
            }
        }
        (o, warnings)
    }

    /// The reason `check` is ignored on `line`, if it is.
    pub fn reason(&self, check: &str, line: usize) -> Option<&str> {
        self.lines.get(check)?.get(&line).map(String::as_str)
    }
}

/// `lint:ignore:WORD` or `lint:endignore` at the start of a comment.
fn is_control(body: &str) -> bool {
    if let Some(rest) = body.strip_prefix("lint:ignore:") {
        return rest.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_');
    }
    body.starts_with("lint:endignore")
}
