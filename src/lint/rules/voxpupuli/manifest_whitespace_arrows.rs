//! ## What it does
//! Finds a `=>` not followed by exactly one space: `ensure =>file`,
//! `ensure =>  file`, or a `=>` that ends its line.
//!
//! ## Why is this bad?
//! One space after the arrow is the layout the Vox Pupuli modules keep;
//! anything else is noise in reviews and diffs.
//!
//! ## Example
//! ```puppet
//! file { '/tmp/x': ensure =>file }
//! ```
//! Use instead:
//! ```puppet
//! file { '/tmp/x': ensure => file }
//! ```
//!
//! ## Fix safety
//! `--fix` makes the blanks after the arrow one space, or adds one (also
//! before a line break, leaving a trailing blank, as the gem does): layout only.
//!
//! ## References
//! `manifest_whitespace_arrows_single_space_after` of the gem
//! puppet-lint-manifest_whitespace-check 2.0.0 (voxpupuli).

use super::manifest_whitespace::{now, set_single_space, single_space, View, GEM, T};
use crate::lint::fix::{Fix, FixAt, Fixer, NoFix};
use crate::lint::{Context, Problem, Rule};

/// `manifest_whitespace_arrows_single_space_after`.
pub const ARROWS_SINGLE_SPACE_AFTER: Rule = Rule {
    name: "manifest_whitespace_arrows_single_space_after",
    enabled_by_default: true,
    plugin: Some(GEM),
    fix: Some(Fix {
        apply: fix_arrows,
        changes_meaning: false,
    }),
    doc: include_str!("manifest_whitespace_arrows.rs"),
    check: check_arrows,
};

fn check_arrows(ctx: &Context) -> Vec<Problem> {
    let Some(v) = View::new(ctx) else {
        return Vec::new();
    };
    v.all(T::FArrow)
        .map(|a| a + 1)
        .filter(|&n| n < v.t.len() && !v.single_space(n))
        .map(|n| {
            v.error(
                ARROWS_SINGLE_SPACE_AFTER.name,
                "there should be a single space after an arrow",
                n,
            )
        })
        .collect()
}

fn fix_arrows(f: &mut Fixer, at: &FixAt) -> Result<(), NoFix> {
    let Some(i) = now(f, at) else {
        return Ok(());
    };
    if super::manifest_whitespace::fty(f, i) == T::Whitespace {
        set_single_space(f, i);
    } else {
        f.toks.insert(i, single_space());
    }
    Ok(())
}
