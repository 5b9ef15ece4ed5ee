//! Heredocs, lifted out before parsing.
//!
//! A heredoc's body starts on the line after its opener and the opener's line goes
//! on (`inline: <<-SHELL, privileged: false`), so no context-free grammar can read
//! it in place. [`lift`] blanks every body (newlines kept, so offsets and line
//! numbers stay true) and records it under the offset of its opener.

use std::collections::HashMap;

/// One heredoc body.
#[derive(Debug, Clone)]
pub struct Heredoc {
    /// Byte range of the body in the original text (terminator line excluded).
    pub start: usize,
    /// End of the body.
    pub end: usize,
    /// `<<~`: common indentation is removed.
    pub squiggly: bool,
    /// `<<'TAG'`: no interpolation, no escapes.
    pub raw: bool,
}

/// The text with heredoc bodies blanked, and the bodies by opener offset.
/// Unterminated heredocs are reported by offset.
pub fn lift(src: &str) -> (String, HashMap<usize, Heredoc>, Vec<usize>) {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut bodies = HashMap::new();
    let mut unterminated = Vec::new();
    let mut pending: Vec<(usize, String, bool, bool, bool)> = Vec::new(); // opener, tag, dash, squiggly, raw
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            if c != b'\n' {
                i += 1;
                continue;
            }
        }
        match c {
            b'#' if quote.is_none() && !(i + 1 < b.len() && b[i + 1] == b'{') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' | b'`' if quote.is_none() => quote = Some(c),
            b'<' if quote.is_none() && b.get(i + 1) == Some(&b'<') => {
                if let Some((len, tag, dash, squiggly, raw)) = opener(b, i) {
                    pending.push((i, tag, dash, squiggly, raw));
                    i += len;
                    continue;
                }
                i += 2;
                continue;
            }
            b'\n' if !pending.is_empty() => {
                // Bodies follow this line, one after another.
                let mut pos = i + 1;
                for (at, tag, dash, squiggly, raw) in pending.drain(..) {
                    let start = pos;
                    let mut found = None;
                    while pos < b.len() {
                        let line_end = b[pos..].iter().position(|&x| x == b'\n').map_or(b.len(), |n| pos + n);
                        let line = &src[pos..line_end];
                        let t = if dash || squiggly { line.trim_start() } else { line };
                        if t.trim_end_matches('\r') == tag {
                            found = Some((pos, line_end));
                            break;
                        }
                        pos = (line_end + 1).min(b.len());
                        if line_end == b.len() {
                            break;
                        }
                    }
                    match found {
                        Some((body_end, term_end)) => {
                            bodies.insert(
                                at,
                                Heredoc {
                                    start,
                                    end: body_end,
                                    squiggly,
                                    raw,
                                },
                            );
                            for x in &mut out[start..term_end] {
                                if *x != b'\n' {
                                    *x = b' ';
                                }
                            }
                            pos = (term_end + 1).min(b.len());
                        }
                        None => {
                            unterminated.push(at);
                            for x in &mut out[start..] {
                                if *x != b'\n' {
                                    *x = b' ';
                                }
                            }
                            pos = b.len();
                        }
                    }
                }
                i = pos;
                quote = None;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    for (at, ..) in pending {
        unterminated.push(at);
    }
    // Only ASCII bytes were replaced by ASCII blanks, so this stays UTF-8.
    (String::from_utf8(out).unwrap_or_default(), bodies, unterminated)
}

/// `<<-TAG`, `<<~"TAG"`, `<<TAG` at `i`: (length, tag, dash, squiggly, raw).
fn opener(b: &[u8], i: usize) -> Option<(usize, String, bool, bool, bool)> {
    // `a<<B` (no blank before, operand before) is a shift/append.
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'_' | b')' | b']')) {
        return None;
    }
    let mut j = i + 2;
    let (dash, squiggly) = match b.get(j) {
        Some(b'-') => (true, false),
        Some(b'~') => (false, true),
        _ => (false, false),
    };
    if dash || squiggly {
        j += 1;
    }
    let q = match b.get(j) {
        Some(&c @ (b'\'' | b'"')) => {
            j += 1;
            Some(c)
        }
        _ => None,
    };
    let start = j;
    if !b.get(j).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') {
        return None;
    }
    // A bare `<<word` is a heredoc only with an upper-case tag (`<<EOS`), as
    // written in practice; `x <<y` appends.
    if q.is_none() && !dash && !squiggly && !b[j].is_ascii_uppercase() {
        return None;
    }
    while b.get(j).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
        j += 1;
    }
    let tag = String::from_utf8_lossy(&b[start..j]).into_owned();
    if let Some(q) = q {
        if b.get(j) != Some(&q) {
            return None;
        }
        j += 1;
    }
    Some((j - i, tag, dash, squiggly, q == Some(b'\'')))
}

/// The body's text as Ruby reads it: `<<~` bodies lose their common indentation.
pub fn body_text(src: &str, h: &Heredoc) -> String {
    let text = &src[h.start..h.end];
    if !h.squiggly {
        return text.to_string();
    }
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let cut = line.len() - line.trim_start_matches([' ', '\t']).len();
        out.push_str(&line[cut.min(indent)..]);
    }
    out
}
