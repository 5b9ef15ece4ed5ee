//! What counts as a secret in a file's text: a private key, or a URL's
//! credentials that are not a documentation placeholder. The plan reads it
//! (`auto` delivery keeps such code out of user data) and so does the
//! `secret-in-user-data` check.

use regex::Regex;
use std::sync::OnceLock;

/// A secret found in a text: its byte range and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Secret {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

/// What a secret is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `-----BEGIN ... PRIVATE KEY-----`.
    PrivateKey,
    /// `scheme://user:pass@` (not a variable, not a placeholder).
    UrlCredentials,
}

impl Kind {
    /// How a message names it.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::PrivateKey => "a private key",
            Kind::UrlCredentials => "a URL with a password",
        }
    }
}

/// A private key (group 1) or a URL's credentials (group 2, `user:pass@`, not a variable).
fn pattern() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r#"(-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----)|[a-z][a-z0-9+.-]*://([^/\s:@'"$%{}]+:[^/\s@'"$%{}]+@)"#)
            .expect("regex")
    })
}

/// Whether URL credentials are a documentation placeholder: words that say
/// what goes there (`user:password@`, `someuser:hispassword@`, `my_user:my_pass@`,
/// `<login>:<secret>@`), not a value.
fn placeholder(creds: &str) -> bool {
    let words = creds.trim_end_matches('@').to_ascii_lowercase();
    let (user, pass) = words.split_once(':').unwrap_or_default();
    let says = |w: &str, names: &[&str]| names.iter().any(|n| w.contains(n));
    says(user, &["user", "login", "name"]) && says(pass, &["pass", "pw", "secret"])
}

/// The secrets in `text`, in order.
pub fn find(text: &str) -> Vec<Secret> {
    pattern()
        .captures_iter(text)
        .filter_map(|c| match (c.get(1), c.get(2)) {
            (Some(k), _) => Some(Secret {
                start: k.start(),
                end: k.end(),
                kind: Kind::PrivateKey,
            }),
            (None, Some(u)) if !placeholder(u.as_str()) => Some(Secret {
                start: u.start(),
                end: u.end(),
                kind: Kind::UrlCredentials,
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{find, Kind};

    #[test]
    fn keys_and_credentials_not_placeholders() {
        let kinds = |t: &str| find(t).into_iter().map(|s| s.kind).collect::<Vec<_>>();
        assert_eq!(kinds("-----BEGIN RSA PRIVATE KEY-----\nMII"), [Kind::PrivateKey]);
        assert_eq!(
            kinds("git clone https://deploy:Xk29fq@git.example.test/app"),
            [Kind::UrlCredentials]
        );
        assert!(kinds("https://user:password@example.test and https://$u:$p@x").is_empty());
        let s = find("url=https://bot:hunter2@h/")[0];
        assert_eq!((s.start, s.end), (12, 24));
    }
}
