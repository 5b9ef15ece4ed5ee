//! `puppetlift explain NAME`: the documentation of a migration check or a lint
//! check, from the doc comment of the file that implements it, as plain text.

use crate::lint::{registry, rule, Compat, Rule};

/// The rule's doc comment (the `//!` lines its `doc` starts with) as text for a
/// terminal: headings underlined, code blocks indented, Markdown marks dropped.
pub fn explain(r: &Rule) -> String {
    let mut out = format!("{}\n{}\n", r.name, "=".repeat(r.name.chars().count()));
    let name = r.name;
    out.push_str(&match r.plugin {
        Some(gem) => format!(
            "A Vox Pupuli plugin check ({gem}): runs with --plugins voxpupuli{}, or when named (--{name}-check).\n",
            if r.enabled_by_default {
                format!(" (--no-{name}-check turns it off)")
            } else {
                " only when named".to_string()
            }
        ),
        None if r.enabled_by_default => format!("Enabled by default; --no-{name}-check turns it off.\n"),
        None if Compat::V5.on_by_default(r) => format!(
            "Enabled by default as in puppet-lint 4 and later (disabled with --compat 3); --no-{name}-check turns it off.\n"
        ),
        None => format!("Disabled by default; --{name}-check turns it on.\n"),
    });
    if let Some((description, help)) = crate::lint::descriptions::describe(r.name) {
        // puppet-lint leaves `#{character_count}` uninterpolated in its line-length text.
        let limit = r.name.trim_end_matches("chars");
        out.push_str(&format!(
            "puppet-lint: {}\n",
            description.replace("#{character_count}", limit)
        ));
        if let Some(help) = help {
            out.push_str(&format!("Style guide: {help}\n"));
        }
    }
    let mut in_code = false;
    for line in r.doc.lines() {
        let Some(text) = line.strip_prefix("//!") else {
            break;
        };
        let text = text.strip_prefix(' ').unwrap_or(text);
        if text.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(&format!("    {text}\n"));
        } else if let Some(h) = text.strip_prefix("## ") {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str(&format!("{h}\n{}\n", "-".repeat(h.chars().count())));
        } else {
            out.push_str(&format!("{}\n", text.replace('`', "")));
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Levenshtein distance, for suggestions.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j])).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The check names close to `name` (a typo away, or containing it), closest first.
pub fn close_matches(name: &str) -> Vec<&'static str> {
    let wanted = name.to_lowercase().replace('-', "_");
    let mut found: Vec<(usize, &'static str)> = registry()
        .iter()
        .filter_map(|r| {
            let d = distance(&wanted, r.name);
            let near = d <= 3.max(wanted.len() / 4) || (wanted.len() >= 3 && r.name.contains(&wanted));
            near.then_some((d, r.name))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, n)| n).collect()
}

/// `explain`'s whole answer: the text, or an error naming close matches.
pub fn explain_name(name: &str) -> Result<String, String> {
    let wanted = name.strip_prefix("--").unwrap_or(name);
    let wanted = wanted.strip_suffix("-check").unwrap_or(wanted);
    let wanted = wanted
        .strip_prefix("no-")
        .filter(|n| rule(n).is_some())
        .unwrap_or(wanted);
    if let Some(r) = rule(wanted) {
        return Ok(explain(r));
    }
    let close = close_matches(wanted);
    let mut msg = format!("unknown check `{name}`");
    if close.is_empty() {
        msg.push_str("; `puppetlift lint --list-checks` lists them all");
    } else {
        msg.push_str("; did you mean ");
        let quoted: Vec<String> = close.iter().map(|c| format!("`{c}`")).collect();
        msg.push_str(&quoted.join(", "));
        msg.push('?');
    }
    Err(msg)
}

/// What `puppetlift explain NAME` prints: a migration check's documentation, or
/// a lint check's; else an error naming close matches (and the migration checks).
pub fn explain_any(name: &str) -> Result<String, String> {
    if let (Some(doc), Some(check)) = (crate::check::doc(name), crate::check::check(name)) {
        let gate = if check.stops_build {
            format!(
                "Its errors are about the artifacts: they stop `build` and `convert` \
                 (`--allow {name}` builds anyway)."
            )
        } else {
            "Its errors predict how the project's code will fail on EC2: `build` and \
             `convert` report them and write the artifacts (`--strict` stops on them); \
             `puppetlift check` exits 1."
                .to_string()
        };
        return Ok(format!("{doc}\n{gate}\n"));
    }
    match explain_name(name) {
        Ok(text) => Ok(format!("{text}\n")),
        Err(e) if e.contains("did you mean") => Err(e),
        Err(e) => {
            let migration: Vec<&str> = crate::check::ALL.iter().map(|c| c.name).collect();
            Err(format!("{e}; the migration checks are {}", migration.join(", ")))
        }
    }
}
