//! One diagnostic type for every stage (parse errors, evaluation errors, checks),
//! rendered by miette for people and serialized for machines.

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The span as a `Range<usize>`.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Probably a problem.
    Warning,
    /// Certainly a problem: the input cannot be used as it is.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A source file's text with its name and a line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or as found when walking a directory).
    pub path: String,
    /// The whole text.
    pub text: String,
    /// Where each line starts, built when a position is first asked for (most
    /// files parse without one).
    index: std::sync::OnceLock<Index>,
}

/// Line starts, and characters counted at every `CHUNK` bytes: a column is
/// found in at most two chunks, however long its line (a one-line file with
/// thousands of findings stays linear).
#[derive(Debug)]
struct Index {
    line_starts: Vec<usize>,
    chars_before_chunk: Vec<usize>,
}

const CHUNK: usize = 1024;

impl Index {
    fn new(text: &str) -> Index {
        let bytes = text.as_bytes();
        let line_starts = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        let mut chars_before_chunk = vec![0];
        for chunk in bytes.chunks(CHUNK) {
            let last = *chars_before_chunk.last().unwrap_or(&0);
            chars_before_chunk.push(last + chunk.iter().filter(|&&b| !is_continuation(b)).count());
        }
        Index {
            line_starts,
            chars_before_chunk,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let chunk = offset / CHUNK;
        let from = chunk * CHUNK;
        self.chars_before_chunk[chunk]
            + text.as_bytes()[from..offset]
                .iter()
                .filter(|&&b| !is_continuation(b))
                .count()
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

impl SourceFile {
    /// A source file named `path` holding `text`.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(SourceFile {
            path: path.into(),
            text: text.into(),
            index: std::sync::OnceLock::new(),
        })
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let index = self.index.get_or_init(|| Index::new(&self.text));
        let line = match index.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = index.line_starts[line];
        let offset = floor_char_boundary(&self.text, offset);
        let col = index.chars_before(&self.text, offset) - index.chars_before(&self.text, start);
        (line + 1, col + 1)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Lines longer than this are not shown in excerpts.
const MAX_EXCERPT_LINE: usize = 400;

/// A secondary location with a note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What about it.
    pub message: String,
}

/// A finding about the user's input, with where it is and what to do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `syntax-error`, `legacy-syntax`; `puppetlift explain CODE`.
    pub code: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong, in the user's terms.
    pub message: String,
    /// The file it is about.
    pub file: String,
    /// The primary location (none for whole-file problems such as an unreadable file).
    pub span: Option<Span>,
    /// Further locations.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with `code` and `message` at `span` of `file`.
    pub fn error(code: &'static str, file: &str, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            file: file.to_string(),
            span,
            labels: Vec::new(),
            help: None,
        }
    }

    /// A warning with `code` and `message` at `span` of `file`.
    pub fn warning(code: &'static str, file: &str, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    /// The same diagnostic with a `help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same diagnostic with one more label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// `file:line:col: severity[code]: message`, the one-line form for terminals and logs.
    pub fn one_line(&self, source: Option<&SourceFile>) -> String {
        match (self.span, source) {
            (Some(span), Some(src)) => {
                let (line, col) = src.line_col(span.start as usize);
                format!(
                    "{}:{}:{}: {}[{}]: {}",
                    self.file, line, col, self.severity, self.code, self.message
                )
            }
            _ => format!("{}: {}[{}]: {}", self.file, self.severity, self.code, self.message),
        }
    }

    /// The diagnostic rendered for people, with the source excerpt (miette).
    /// Excerpts of very long lines are left out (one line, location and help instead).
    pub fn render(&self, source: Option<&Arc<SourceFile>>) -> String {
        let long_line = |src: &SourceFile, at: u32| {
            let at = floor_char_boundary(&src.text, (at as usize).min(src.text.len()));
            let start = src.text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = src.text[at..].find('\n').map_or(src.text.len(), |i| at + i);
            end - start > MAX_EXCERPT_LINE
        };
        if let (Some(src), Some(span)) = (source, self.span) {
            if long_line(src, span.start) || long_line(src, span.end) {
                let mut out = self.one_line(Some(src));
                if let Some(help) = &self.help {
                    out.push_str("\n  help: ");
                    out.push_str(help);
                }
                out.push('\n');
                return out;
            }
        }
        let mut diag = self.clone();
        if let Some(src) = source {
            // Places from a lexer that stopped inside a character are shown
            // from its first byte to its last.
            let snap = |sp: &mut Span| {
                let len = src.text.len();
                let start = floor_char_boundary(&src.text, (sp.start as usize).min(len));
                let mut end = (sp.end as usize).clamp(start, len);
                while !src.text.is_char_boundary(end) {
                    end += 1;
                }
                *sp = Span::new(start, end);
            };
            if let Some(sp) = diag.span.as_mut() {
                snap(sp);
            }
            for l in &mut diag.labels {
                snap(&mut l.span);
            }
        }
        let report = miette::Report::new(Rendered {
            diag,
            source: source.map(|s| miette::NamedSource::new(s.path.clone(), s.text.clone())),
        });
        let mut out = String::new();
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor()).with_width(100);
        if handler.render_report(&mut out, report.as_ref()).is_err() {
            out = self.one_line(source.map(|s| s.as_ref()));
        }
        out
    }
}

/// A diagnostic paired with its source, in the shape miette renders.
#[derive(Debug)]
struct Rendered {
    diag: Diagnostic,
    source: Option<miette::NamedSource<String>>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("puppetlift::{}", self.diag.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h.clone()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let primary = self
            .diag
            .span
            .map(|s| miette::LabeledSpan::new_primary_with_span(Some("here".to_string()), s.range()));
        let rest = self
            .diag
            .labels
            .iter()
            .map(|l| miette::LabeledSpan::new_with_span(Some(l.message.clone()), l.span.range()));
        Some(Box::new(primary.into_iter().chain(rest)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_across_chunks() {
        // Multi-byte characters on both sides of chunk boundaries, long lines, short ones.
        let text: String = (0..5000)
            .map(|i| match i % 7 {
                0 => "é".to_string(),
                1 => "\n".to_string(),
                2 => "日本".to_string(),
                _ => "ab".to_string(),
            })
            .collect::<Vec<_>>()
            .join("x");
        let file = SourceFile::new("t", text.clone());
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            assert_eq!(file.line_col(offset), (line, col), "at {offset}");
        }
    }
}
