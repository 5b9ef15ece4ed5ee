//! Double-quoted strings as puppet-lint's lexer splits them (`DQPRE`, the
//! interpolated expressions' tokens, `DQMID`, `DQPOST`), and the `[...]`
//! indexes it folds into a variable token.

use super::*;

pub(super) trait OddBackslashes {
    fn ends_with_odd_backslashes(&self) -> bool;
}

impl OddBackslashes for str {
    fn ends_with_odd_backslashes(&self) -> bool {
        self.bytes().rev().take_while(|&c| c == b'\\').count() % 2 == 1
    }
}

/// Length of the `(\[.+?\])*` puppet-lint folds into a variable at `at`.
pub fn variable_index_len(src: &str, at: usize) -> usize {
    let mut end = at;
    while src[end..].starts_with('[') {
        let line_end = src[end..].find('\n').map_or(src.len(), |n| end + n);
        // `.+?`: at least one character, then the nearest `]`.
        let Some(first) = src[end + 1..line_end].chars().next() else {
            break;
        };
        let from = end + 1 + first.len_utf8();
        match src[from..line_end].find(']') {
            Some(k) => end = from + k + 1,
            None => break,
        }
    }
    end - at
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Seg {
    Text,
    Interp,
    Var,
}

/// puppet-lint's string slurper over `src[from..limit]` (after the opening `"`,
/// or a heredoc's text): pushes the string's tokens and returns where it
/// stopped (after the closing `"`). An error when the string is not closed
/// before any interpolation (its lexer's start is filled in by the caller).
pub(super) fn slurp<'a>(
    src: &'a str,
    from: usize,
    limit: usize,
    heredoc: bool,
    out: &mut Vec<LintToken<'a>>,
) -> Result<usize, LexError> {
    let b = &src.as_bytes()[..limit.max(from)];
    let mut segs: Vec<(Seg, usize, usize)> = Vec::new();
    let (mut p, mut seg_start, mut depth) = (from, from, 0usize);
    // Whether the last thing read into the segment is one backslash.
    let mut after_backslash = false;
    let mut closed = None;
    let backslashes = |at: usize| b[at.min(b.len())..].iter().take_while(|&&c| c == b'\\').count();
    while p < b.len() {
        let c = b[p];
        if c == b'$' && b.get(p + 1) == Some(&b'{') {
            if after_backslash {
                p += 1;
                after_backslash = false;
                continue;
            }
            if depth == 0 {
                segs.push((Seg::Text, seg_start, p));
                seg_start = p + 2;
            }
            p += 2;
            depth += 1;
            after_backslash = false;
            continue;
        }
        if depth > 0 && c == b'{' {
            p += 1;
            depth += 1;
            after_backslash = false;
            continue;
        }
        if c == b'}' && (!heredoc || depth > 0) {
            if depth > 0 {
                depth -= 1;
                if depth == 0 {
                    segs.push((Seg::Interp, seg_start, p));
                    seg_start = p + 1;
                }
            }
            p += 1;
            after_backslash = false;
            continue;
        }
        if depth == 0 && !after_backslash {
            // `(\A|[^\\])\$name`: a `$` here, or one more character first.
            let name = |d: usize| (b.get(d) == Some(&b'$')).then(|| crate::lint::lint_variable_len(&b[d + 1..]));
            let dollar = [p, p + 1]
                .into_iter()
                .filter(|&d| d == p || c != b'\\')
                .find_map(|d| name(d).filter(|&n| n > 0).map(|n| (d, n)));
            if let Some((d, n)) = dollar {
                // `.` in `.\$` stops at a line break: that is then part of the variable.
                let var_start = if d > p && c != b'\n' { d } else { p };
                segs.push((Seg::Text, seg_start, var_start));
                segs.push((Seg::Var, var_start, d + 1 + n));
                p = d + 1 + n;
                seg_start = p;
                continue;
            }
        }
        if !heredoc {
            // END_STRING_PATTERN `(\A|[^\\])(\\\\)*"`.
            let run = backslashes(p);
            let end = if run % 2 == 0 && b.get(p + run) == Some(&b'"') {
                Some(p + run + 1)
            } else if c != b'\\' && backslashes(p + 1) % 2 == 0 && b.get(p + 1 + backslashes(p + 1)) == Some(&b'"') {
                Some(p + 1 + backslashes(p + 1) + 1)
            } else {
                None
            };
            if let Some(end) = end {
                after_backslash = false;
                p = end;
                if depth == 0 {
                    segs.push((Seg::Text, seg_start, end - 1));
                    closed = Some(end);
                    break;
                }
                continue;
            }
            // ESC_DQUOTE_PATTERN `\\+"`.
            if c == b'\\' && b.get(p + run) == Some(&b'"') {
                p += run + 1;
                after_backslash = false;
                continue;
            }
        }
        let len = src[p..].chars().next().map_or(1, char::len_utf8);
        after_backslash = c == b'\\';
        p += len;
    }
    // puppet-lint fails on an unclosed string only when it has no segment yet;
    // otherwise the string runs to the end, the segment being read is dropped
    // and the last one becomes the string's end.
    let unclosed = !heredoc && closed.is_none();
    let close = if heredoc {
        segs.push((Seg::Text, seg_start, b.len()));
        b.len()
    } else if segs.is_empty() {
        closed.ok_or(LexError {
            at: from - 1,
            base: usize::MAX,
            reason: Some("unterminated string"),
        })?
    } else {
        closed.unwrap_or(b.len())
    };
    let quote = usize::from(!heredoc);
    let kinds = if heredoc {
        [
            LintKind::Heredoc,
            LintKind::HeredocPre,
            LintKind::HeredocMid,
            LintKind::HeredocPost,
        ]
    } else {
        [LintKind::String, LintKind::DqPre, LintKind::DqMid, LintKind::DqPost]
    };
    if segs.len() == 1 {
        out.push(LintToken {
            kind: kinds[0],
            value: &src[from..segs[0].2],
            start: from - quote,
        });
        return Ok(close);
    }
    let last = segs.len() - 1;
    for (k, &(seg, s, e)) in segs.iter().enumerate() {
        if unclosed && k == last && seg != Seg::Text {
            // Placed as if `${` had been written before it.
            let at = if seg == Seg::Var { s + 2 } else { s };
            out.push(LintToken {
                kind: kinds[3],
                value: &src[s..e],
                start: at,
            });
            continue;
        }
        match seg {
            Seg::Text => {
                let kind = if k == 0 {
                    kinds[1]
                } else if k == last {
                    kinds[3]
                } else {
                    kinds[2]
                };
                // Its text starts with the `}` of an interpolation before it, or the `"`.
                let at = if k == 0 {
                    s - quote
                } else if segs[k - 1].0 == Seg::Interp {
                    s - 1
                } else {
                    s
                };
                out.push(LintToken {
                    kind,
                    value: &src[s..e],
                    start: at,
                });
            }
            Seg::Var => out.push(LintToken {
                kind: LintKind::UnencVariable,
                value: src[s..e].strip_prefix('$').unwrap_or(&src[s..e]),
                start: s,
            }),
            Seg::Interp => {
                let first = out.len();
                let lexed = lexer::lex(&src[s..e]);
                // Strings nest in interpolations: grow the stack for deep ones.
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || convert_all(&src[..e], s, &lexed.tokens, out))?;
                // The first token of an interpolation, a name or keyword, is a variable.
                if let Some(t) = out.get_mut(first) {
                    if matches!(t.kind, LintKind::Name | LintKind::Keyword) {
                        t.kind = LintKind::Variable;
                    }
                }
            }
        }
    }
    Ok(close)
}
