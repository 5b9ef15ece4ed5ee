//! Escape processing for Puppet's string forms, as Puppet's `SlurpSupport` does it.

/// The escapes a string form honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Escapes {
    chars: &'static str,
    /// Whether `\` + line break is removed (a line continuation).
    pub line_continuation: bool,
}

/// Double-quoted strings: `\\ \$ \' \" \r \n \t \s \u` and line continuations.
pub const DQ: Escapes = Escapes {
    chars: "\\$'\"rntsu",
    line_continuation: true,
};

/// No escapes at all (a heredoc without `/flags`).
pub const NONE: Escapes = Escapes {
    chars: "",
    line_continuation: false,
};

impl Escapes {
    /// The escapes a heredoc's `/flags` turn on (`None`: no flags, no escapes).
    pub fn heredoc(flags: Option<&str>) -> Option<Escapes> {
        let flags = flags?;
        let flags = if flags.is_empty() { "trnsuL$" } else { flags };
        // Interned combinations: the flags are a subset of "trnsuL$", in any order.
        let mut set = String::from("\\");
        for c in ['t', 'r', 'n', 's', 'u', '$'] {
            if flags.contains(c) {
                set.push(c);
            }
        }
        Some(Escapes {
            chars: intern(set),
            line_continuation: flags.contains('L'),
        })
    }

    /// Whether `\c` is an escape here.
    pub fn has(&self, c: char) -> bool {
        self.chars.contains(c)
    }
}

fn intern(s: String) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(s) = seen.get(s.as_str()) {
        return s;
    }
    let leaked: &'static str = Box::leak(s.into_boxed_str());
    seen.insert(leaked);
    leaked
}

/// Applies `escapes` to `text`: known escapes become their character, unknown ones
/// stay as written (backslash included), as Puppet does.
pub fn unescape(text: &str, escapes: Escapes) -> String {
    if !text.contains('\\') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&(_, next)) = chars.peek() else {
            out.push('\\');
            break;
        };
        if next == 'u' && escapes.has('u') {
            if let Some((ch, len)) = unicode_escape(&text[i + 2..]) {
                out.push(ch);
                for _ in 0..len + 1 {
                    chars.next();
                }
                continue;
            }
        }
        let is_break = next == '\n' || (next == '\r' && text[i + 1..].starts_with("\r\n"));
        if is_break {
            if escapes.line_continuation {
                chars.next();
                if next == '\r' {
                    chars.next();
                }
            } else if next == '\r' {
                // `\` + `\r\n` without line continuation: kept as written.
                out.push('\\');
            } else {
                out.push('\\');
                out.push('\n');
                chars.next();
            }
            continue;
        }
        if next == '\r' {
            out.push('\\');
            continue;
        }
        chars.next();
        if escapes.has(next) {
            match next {
                'r' => out.push('\r'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                's' => out.push(' '),
                'u' => out.push_str("\\u"),
                other => out.push(other),
            }
        } else {
            out.push('\\');
            out.push(next);
        }
    }
    out
}

/// `u` escape bodies: `XXXX` or `{X..XXXXXX}`; the char and the bytes consumed after `u`.
fn unicode_escape(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    if b.len() >= 4 && b[..4].iter().all(u8::is_ascii_hexdigit) {
        let v = u32::from_str_radix(&s[..4], 16).ok()?;
        return char::from_u32(v).map(|c| (c, 4));
    }
    if b.first() == Some(&b'{') {
        let close = s.find('}')?;
        let hex = &s[1..close];
        if (1..=6).contains(&hex.len()) && hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            let v = u32::from_str_radix(hex, 16).ok()?;
            return char::from_u32(v).map(|c| (c, close + 1));
        }
    }
    None
}

/// A single-quoted string's value: `\\` and `\'` are the only escapes.
pub fn unescape_sq(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.peek(), Some('\\' | '\'')) {
            out.push(chars.next().unwrap_or('\\'));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dq_escapes() {
        assert_eq!(unescape(r"a\nb\tc\\d\$e\x", DQ), "a\nb\tc\\d$e\\x");
        assert_eq!(unescape("a\\\nb", DQ), "ab");
        assert_eq!(unescape(r"\u0041\u{1F600}\\u0041", DQ), "A\u{1F600}\\u0041");
        assert_eq!(unescape(r"\s", DQ), " ");
    }

    #[test]
    fn sq_escapes() {
        assert_eq!(unescape_sq(r"a\'b\\c\nd"), r"a'b\c\nd");
    }

    #[test]
    fn heredoc_escapes() {
        let none = Escapes::heredoc(Some("L")).unwrap();
        assert_eq!(unescape("a \\\nb\\n", none), "a b\\n");
        let all = Escapes::heredoc(Some("")).unwrap();
        assert_eq!(unescape(r"\t\$", all), "\t$");
        assert!(Escapes::heredoc(None).is_none());
    }
}
