//! hiera-eyaml values (`ENC[PKCS7,<base64>]`) as puppet-syntax 3.2.1 judges
//! them: any string with a line starting `ENC[` must close with `]`, name a
//! method eyaml knows, and carry whole, uncorrupted base64.

/// The methods hiera-eyaml's encryptors provide.
const METHODS: [&str; 4] = ["PKCS7", "GPG", "GKMS", "KMS"];

/// What is wrong with one string value, if it is an eyaml block at all.
pub(super) enum Problem {
    /// No closing `]`.
    Unterminated,
    /// A method other than [`METHODS`].
    UnknownMethod(String),
    /// Base64 whose length is not a multiple of 4.
    Unpadded,
    /// Base64 with characters outside its alphabet, or padding in the middle.
    Corrupt,
    /// `ENC[]`: nothing inside; puppet-syntax itself stops with a `NoMethodError`.
    Empty,
}

impl Problem {
    /// puppet-syntax's words after `Key <name>`.
    pub(super) fn message(&self) -> String {
        match self {
            Problem::Unterminated => "has unterminated eyaml value".into(),
            Problem::UnknownMethod(m) => format!("has unknown eyaml method {m}"),
            Problem::Unpadded => "has unpadded or truncated base64 data".into(),
            Problem::Corrupt => "has corrupt base64 data".into(),
            Problem::Empty => "is an empty eyaml value (puppet-syntax stops with NoMethodError on it)".into(),
        }
    }

    /// What to do about it.
    pub(super) fn help(&self) -> String {
        match self {
            Problem::Unterminated => "close the value with `]`, e.g. `ENC[PKCS7,...]`".into(),
            Problem::UnknownMethod(_) => format!("the method is one of {}", METHODS.join(", ")),
            Problem::Unpadded | Problem::Corrupt | Problem::Empty => {
                "re-encrypt the value with `eyaml encrypt` and paste the whole output".into()
            }
        }
    }
}

/// The problem with `value` when one of its lines starts with `ENC[`.
pub(super) fn check(value: &str) -> Option<Problem> {
    if !value.split('\n').any(|line| line.starts_with("ENC[")) {
        return None;
    }
    // As puppet-syntax does: drop the first `ENC[` (wherever it is) and all whitespace.
    let body: String = value
        .replacen("ENC[", "", 1)
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0c' | '\x0b'))
        .collect();
    let Some(body) = body.strip_suffix(']') else {
        return Some(Problem::Unterminated);
    };
    // Ruby's `split(',')` drops trailing empty fields.
    let mut fields: Vec<&str> = body.split(',').collect();
    while fields.last() == Some(&"") {
        fields.pop();
    }
    let (method, base64) = match fields.as_slice() {
        [] => return Some(Problem::Empty),
        [only] => ("PKCS7", *only),
        [method, base64, ..] => (*method, *base64),
    };
    if !METHODS.contains(&method) {
        return Some(Problem::UnknownMethod(method.to_string()));
    }
    let length = base64.chars().count();
    if length % 4 != 0 {
        return Some(Problem::Unpadded);
    }
    let padding = base64.chars().filter(|&c| c == '=').count();
    // Ruby's lenient decoder skips what is not base64, so a shorter result
    // than the length promises means corrupt data (Ruby's integer arithmetic).
    if decoded_len(base64.as_bytes()) as i64 != (length * 3 / 4) as i64 - padding as i64 {
        return Some(Problem::Corrupt);
    }
    None
}

fn sextet(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// How many bytes Ruby's `unpack("m")` (non-strict) decodes from `s`: it
/// skips characters outside the alphabet, and stops at `=` in the third or
/// fourth place of a quantum.
fn decoded_len(s: &[u8]) -> usize {
    let mut i = 0;
    let mut out = 0;
    // Take the next sextet; `stop_at_pad` ends the quantum at `=`.
    let next = |i: &mut usize, stop_at_pad: bool| -> Option<u8> {
        while *i < s.len() {
            if stop_at_pad && s[*i] == b'=' {
                return None;
            }
            if let Some(v) = sextet(s[*i]) {
                *i += 1;
                return Some(v);
            }
            *i += 1;
        }
        None
    };
    loop {
        if next(&mut i, false).is_none() {
            return out;
        }
        if next(&mut i, false).is_none() {
            return out;
        }
        if next(&mut i, true).is_none() {
            return out + 1;
        }
        if next(&mut i, true).is_none() {
            return out + 2;
        }
        out += 3;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_ruby() {
        assert_eq!(decoded_len(b"TWFu"), 3);
        assert_eq!(decoded_len(b"TWE="), 2);
        assert_eq!(decoded_len(b"TQ=="), 1);
        assert_eq!(decoded_len(b"T!Q="), 1);
        assert!(check("ENC[PKCS7,TWFu]").is_none());
        assert!(matches!(check("ENC[PKCS7,TWF!]"), Some(Problem::Corrupt)));
        assert!(matches!(check("ENC[PKCS7,TWF"), Some(Problem::Unterminated)));
        assert!(matches!(check("ENC[RSA,TWFu]"), Some(Problem::UnknownMethod(_))));
        assert!(matches!(check("ENC[TWFuA]"), Some(Problem::Unpadded)));
        assert!(matches!(check("ENC[]"), Some(Problem::Empty)));
    }
}
