//! URLs as json-schema 2.8's `uri` format checks them: what Addressable 2.8
//! refuses to parse (most strings are URI references to it).
use regex::Regex;
use std::sync::LazyLock;

/// RFC 3986's regex, with Ruby's line anchors.
static PARTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$").expect("regex"));
static SCHEME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\A[a-z][a-z0-9.+\-]*\z").expect("regex"));
static USERINFO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^([^\[\]]*)@").expect("regex"));
static PORT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m):([^:@\[\]]*?)$").expect("regex"));
static DIGITS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^[0-9]+$").expect("regex"));
static BAD_HOST: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"[<>{}/\\?#@"\s]"#).expect("regex"));
static BRACKETED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^\[(.*)\]$").expect("regex"));
static IP_LITERAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[A-Za-z0-9\-._~!$&'()*+,;=:]*$").expect("regex"));

/// Schemes Addressable knows a port for: they need a host or a path.
const IP_BASED: [&str; 13] = [
    "http", "https", "ftp", "tftp", "sftp", "ssh", "svn+ssh", "telnet", "nntp", "gopher", "wais", "ldap", "prospero",
];

/// Why `text` is not a URL, if it is not.
pub(super) fn problem(text: &str) -> Option<String> {
    let c = PARTS.captures(text)?;
    let scheme = c.get(2).map(|m| m.as_str());
    let authority = c.get(4).map(|m| m.as_str());
    let path = c.get(5).map_or("", |m| m.as_str());
    if let Some(s) = scheme.filter(|s| !SCHEME.is_match(s)) {
        return Some(format!("'{s}' is not a scheme (such as https)"));
    }
    let mut host = None;
    if let Some(a) = authority {
        let h = USERINFO.replace(a, "");
        host = Some(PORT.replace(&h, "").into_owned());
        if let Some(port) = PORT.captures(a).map(|p| p[1].to_string()).filter(|p| !p.is_empty()) {
            match percent_decoded(&port) {
                Some(p) if DIGITS.is_match(&p) => {}
                _ => return Some(format!("'{port}' is not a port number")),
            }
        }
    }
    if let Some(s) = scheme {
        let ip_based = IP_BASED.contains(&s.trim().to_lowercase().as_str());
        if ip_based && host.as_deref().is_none_or(str::is_empty) && path.is_empty() {
            return Some(format!("'{s}:' needs a host after it, as in {s}://example.com/"));
        }
    }
    if let Some(h) = &host {
        let bad_literal = BRACKETED.captures(h).is_some_and(|b| !IP_LITERAL.is_match(&b[1]));
        if BAD_HOST.is_match(h) || bad_literal {
            return Some(format!("the host '{h}' has a character a host cannot have"));
        }
    }
    if scheme.is_none() && !path.is_empty() && ambiguous(path) {
        return Some(format!("'{path}' reads as a scheme without one (a ':' before any '/')"));
    }
    None
}

/// Addressable's "ambiguous path": a line that does not start with `/`
/// and has a `:` before any `/`.
fn ambiguous(path: &str) -> bool {
    let starts = std::iter::once(0).chain(path.match_indices('\n').map(|(i, _)| i + 1));
    starts.into_iter().any(|s| {
        let rest = &path[s..];
        !rest.starts_with('/') && rest.find([':', '/']).is_some_and(|i| rest.as_bytes()[i] == b':')
    })
}

/// `%XX` sequences decoded; `None` if that is not UTF-8.
fn percent_decoded(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).and_then(|&c| hex(c)),
            b.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_as_addressable_reads_them() {
        for ok in [
            "https://github.com/o/m",
            "not a url",
            "github.com/o/m",
            "mailto:x@y",
            "https:foo",
            "file://",
        ] {
            assert_eq!(super::problem(ok), None, "{ok}");
        }
        for bad in [
            "http://",
            "http:",
            "see http://x",
            "http://exa mple.com",
            "http://x:8o/",
            ":foo",
            "1http://x",
        ] {
            assert!(super::problem(bad).is_some(), "{bad}");
        }
    }
}
