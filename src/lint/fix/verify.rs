//! The safety net puppet-lint lacks: a fixed manifest must parse, and its PN
//! (Puppet's AST) must equal the original's but for what the fixes intend.

use super::*;

/// Why a fixed manifest was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The fixed text does not parse.
    DoesNotParse(String),
    /// It parses to a different program.
    ChangesMeaning,
    /// The original does not parse with our parser: nothing to compare with.
    OriginalDoesNotParse,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::DoesNotParse(e) => write!(f, "the fixed manifest would not parse ({e})"),
            Refused::ChangesMeaning => write!(
                f,
                "the fixed manifest would parse to a different program (its AST changes beyond what the fixes mean to change)"
            ),
            Refused::OriginalDoesNotParse => write!(f, "puppetlift cannot parse the manifest to check the fixes"),
        }
    }
}

/// Checks a fix: the fixed text parses, and its PN is the original's once the
/// changes the fixes mean to make are allowed for.
pub fn verify(original: &Manifest, problems: &[Problem], fixed: &Fixed) -> Result<(), Refused> {
    let mut before = original.pn().map_err(|_| Refused::OriginalDoesNotParse)?;
    let own = super::super::registry()
        .iter()
        .filter(|r| r.fix.is_some_and(|f| f.changes_meaning))
        .map(|r| r.name);
    let mut meant: Vec<&str> = MEANING_CHANGING
        .into_iter()
        .chain(own)
        .filter(|c| fixed.checks.contains(c))
        .collect();
    if meant.iter().any(|c| *c != "slash_comments") && fixed.checks.contains(&"variables_not_enclosed") {
        // `"$::x"` becomes `"${facts['x']}"` with both fixes, `"$facts['x']"`
        // with the fact's alone: compare with the first.
        meant.push("variables_not_enclosed");
    }
    if !meant.is_empty() {
        // `// text` is code to Puppet (an empty regex, then words): the fix
        // means to make it the comment it was meant to be; a legacy fact's
        // fix means to read another fact. The program to keep is the one with
        // only those fixes made.
        let only = apply_only(original, problems, &meant).ok_or(Refused::OriginalDoesNotParse)?;
        let m = Manifest::parse_file(original.source.path.clone(), only.text);
        before = m.pn().map_err(|_| {
            Refused::DoesNotParse(
                m.diagnostics()
                    .next()
                    .map_or_else(|| "syntax error".to_string(), |d| d.one_line(None)),
            )
        })?;
    }
    let m = Manifest::parse_file(original.source.path.clone(), fixed.text.clone());
    let after = m.pn().map_err(|_| {
        Refused::DoesNotParse(
            m.diagnostics()
                .next()
                .map_or_else(|| "syntax error".to_string(), |d| d.one_line(None)),
        )
    })?;
    if normalise(&before, &fixed.checks, false) == normalise(&after, &fixed.checks, true) {
        Ok(())
    } else {
        Err(Refused::ChangesMeaning)
    }
}

/// The PN with the differences the applied fixes legitimately make removed.
fn normalise(pn: &str, checks: &[&str], fixed: bool) -> String {
    let mut pn = pn.to_string();
    if fixed && checks.contains(&"ensure_not_symlink_target") {
        pn = rewrite_ops(&pn, &|ops| {
            let mut out: Vec<String> = Vec::new();
            let mut k = 0;
            while k < ops.len() {
                let target = ops.get(k + 1).and_then(|t| t.strip_prefix("(=> \"target\" "));
                if ops[k] == "(=> \"ensure\" (qn \"symlink\"))" && target.is_some() {
                    out.push(format!("(=> \"ensure\" {}", target.unwrap_or_default()));
                    k += 2;
                } else {
                    out.push(ops[k].clone());
                    k += 1;
                }
            }
            out
        });
    }
    if checks.contains(&"names_containing_uppercase") {
        pn = pn.to_lowercase();
    }
    if checks.contains(&"puppet_url_without_modules") {
        let re = regex::Regex::new(r"(puppet://[^/]*?/)modules/").expect("valid regex");
        pn = re.replace_all(&pn, "$1").into_owned();
    }
    if ["unquoted_resource_title", "unquoted_node_name", "unquoted_file_mode"]
        .iter()
        .any(|c| checks.contains(c))
    {
        // A bare word is a string to Puppet: `(qn "motd")` and `"motd"` alike.
        let re = regex::Regex::new(r#"\(qn ("(?:[^"\\]|\\.)*")\)"#).expect("valid regex");
        pn = re.replace_all(&pn, "$1").into_owned();
    }
    if checks.contains(&"file_mode") || checks.contains(&"unquoted_file_mode") {
        // The fixes mean to change modes (`644` -> `'0644'`): modes are not compared.
        pn = rewrite_ops(&pn, &|ops| {
            ops.iter()
                .map(|op| {
                    if op.starts_with("(=> \"mode\" ") {
                        "(=> \"mode\" _)".to_string()
                    } else {
                        op.clone()
                    }
                })
                .collect()
        });
    }
    if checks.contains(&"only_variable_string") {
        // `"${x}"` is `(concat (str (var "x")))`; the fix means it to be `$x`.
        pn = unwrap_single_interpolations(&pn);
    }
    if checks.contains(&"quoted_booleans") {
        pn = pn.replace("\"true\"", "true").replace("\"false\"", "false");
    }
    if checks.contains(&"ensure_first_param") {
        pn = rewrite_ops(&pn, &|ops| {
            let mut ops = ops.to_vec();
            ops.sort();
            ops
        });
    }
    pn
}

/// `(concat (str E))` (a string that is one interpolation) becomes `E`.
fn unwrap_single_interpolations(pn: &str) -> String {
    const OPEN: &str = "(concat (str ";
    let mut out = String::with_capacity(pn.len());
    let mut rest = pn;
    while let Some(k) = rest.find(OPEN) {
        out.push_str(&rest[..k]);
        let after = &rest[k + OPEN.len()..];
        match balanced_end(after).filter(|&e| after[e..].starts_with("))")) {
            Some(e) => {
                out.push_str(&unwrap_single_interpolations(&after[..e]));
                rest = &after[e + 2..];
            }
            None => {
                out.push_str(OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The end of the one PN form `s` starts with (an atom, a string or a
/// bracketed form).
fn balanced_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_str = false;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    if depth == 0 {
                        return Some(i);
                    }
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                b' ' if depth == 0 => return Some(i),
                _ => {}
            }
        }
        i += 1;
    }
    (depth == 0).then_some(i)
}

/// Rewrites every `:ops [...]` list of the PN (a resource body's attributes).
fn rewrite_ops(pn: &str, f: &dyn Fn(&[String]) -> Vec<String>) -> String {
    let mut out = String::with_capacity(pn.len());
    let mut rest = pn;
    while let Some(k) = rest.find(":ops [") {
        out.push_str(&rest[..k + 6]);
        rest = &rest[k + 6..];
        // The items: balanced (...) forms, strings and atoms, up to the matching `]`.
        let mut items = Vec::new();
        let mut i = 0;
        loop {
            while rest[i..].starts_with(' ') {
                i += 1;
            }
            if i >= rest.len() || rest[i..].starts_with(']') {
                break;
            }
            let len = balanced_end(&rest[i..]).unwrap_or(rest.len() - i);
            if len == 0 {
                break;
            }
            items.push(rest[i..i + len].to_string());
            i += len;
        }
        // Nested bodies are rewritten too.
        let items: Vec<String> = items.iter().map(|it| rewrite_ops(it, f)).collect();
        out.push_str(&f(&items).join(" "));
        rest = &rest[i.min(rest.len())..];
    }
    out.push_str(rest);
    out
}
