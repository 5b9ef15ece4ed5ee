//! What a manifest says about the OS it runs on: the `case`s, selectors and
//! `if`s over OS facts, the values an image's facts take, and from both what
//! cannot run on an image (its [`Guards`]).

use super::scan::{literal, literals, walk};
use crate::puppet::ast::{Expr, ExprKind};
use crate::puppet::Manifest;

/// Which OS fact a `case` or selector switches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsFact {
    /// `$osfamily`, `$facts['os']['family']`: Debian, RedHat, ...
    Family,
    /// `$operatingsystem`, `$facts['os']['name']`: Ubuntu, Rocky, Amazon, ...
    Name,
}

/// The OS fact `e` reads, if it reads one.
pub fn os_fact(e: &Expr) -> Option<OsFact> {
    let var = |e: &Expr| match &e.kind {
        ExprKind::Variable(v) => Some(v.trim_start_matches("::").to_string()),
        _ => None,
    };
    let key = |keys: &[Expr]| match keys {
        [k] => literal(k),
        _ => None,
    };
    let by_name = |n: &str| match n {
        "osfamily" => Some(OsFact::Family),
        "operatingsystem" => Some(OsFact::Name),
        _ => None,
    };
    let by_os_key = |n: &str| match n {
        "family" => Some(OsFact::Family),
        "name" => Some(OsFact::Name),
        _ => None,
    };
    match &e.kind {
        ExprKind::Paren(x) => os_fact(x),
        ExprKind::Variable(_) => by_name(&var(e)?),
        ExprKind::Access { left, keys } => {
            let k = key(keys)?;
            match var(left).as_deref() {
                Some("facts") => by_name(&k),
                Some("os") => by_os_key(&k),
                Some(_) => None,
                None => match &left.kind {
                    ExprKind::Access { left: inner, keys: ik } => (var(inner).as_deref() == Some("facts")
                        && key(ik).as_deref() == Some("os"))
                    .then(|| by_os_key(&k))
                    .flatten(),
                    _ => None,
                },
            }
        }
        _ => None,
    }
}

/// A `case` or selector over an OS fact.
pub struct OsSwitch<'a> {
    /// The `case` keyword or the selector (where to point).
    pub expr: &'a Expr,
    /// The fact switched on.
    pub fact: OsFact,
    /// Every option's values (never `default`).
    pub values: Vec<&'a Expr>,
    /// Whether there is a `default` option.
    pub has_default: bool,
    /// Whether the `default` option only calls `fail` (the code refuses other systems).
    pub default_fails: bool,
}

impl OsSwitch<'_> {
    /// Whether some option's value matches one of `names` (case-insensitively;
    /// a regex value is matched against each name).
    pub fn matches_any(&self, names: &[&str]) -> bool {
        self.values.iter().any(|v| match &v.kind {
            ExprKind::Regex(r) => regex::RegexBuilder::new(r)
                .case_insensitive(true)
                .build()
                .is_ok_and(|re| names.iter().any(|n| re.is_match(n))),
            _ => literal(v).is_some_and(|s| names.iter().any(|n| n.eq_ignore_ascii_case(&s))),
        })
    }
}

/// Every `case` and selector over an OS fact in the manifest.
pub fn os_switches(m: &Manifest) -> Vec<OsSwitch<'_>> {
    let mut out = Vec::new();
    walk(m, &mut |e| {
        let (test, values): (&Expr, Vec<&Expr>) = match &e.kind {
            ExprKind::Case { test, options } => (test, options.iter().flat_map(|o| o.values.iter()).collect()),
            ExprKind::Selector { left, entries } => (left, entries.iter().map(|en| &en.key).collect()),
            _ => return,
        };
        let Some(fact) = os_fact(test) else {
            return;
        };
        let has_default = values.iter().any(|v| matches!(v.kind, ExprKind::Default));
        let is_fail = |x: &Expr| matches!(&x.kind, ExprKind::CallNamed { functor, .. } if functor.as_qualified_name() == Some("fail"));
        let default_fails = match &e.kind {
            ExprKind::Case { options, .. } => options.iter().any(|o| {
                o.values.iter().any(|v| matches!(v.kind, ExprKind::Default))
                    && o.body.as_deref().is_some_and(|b| b.len() == 1 && is_fail(&b[0]))
            }),
            ExprKind::Selector { entries, .. } => entries
                .iter()
                .any(|en| matches!(en.key.kind, ExprKind::Default) && is_fail(&en.value)),
            _ => false,
        };
        out.push(OsSwitch {
            expr: e,
            fact,
            values: values
                .into_iter()
                .filter(|v| !matches!(v.kind, ExprKind::Default))
                .collect(),
            has_default,
            default_fails,
        });
    });
    out
}

/// The values an image's OS facts take: its family and its name, as Facter says them.
pub fn fact_values(image: &crate::plan::images::Image) -> [&'static str; 2] {
    use crate::plan::images::Family;
    let family = match image.family {
        Family::Debian => "Debian",
        // Amazon Linux 2023 reports os.family RedHat.
        Family::Redhat | Family::Amazon => "RedHat",
    };
    let name = match image.distro.as_str() {
        "ubuntu" => "Ubuntu",
        "debian" => "Debian",
        "rocky" => "Rocky",
        "almalinux" => "AlmaLinux",
        "centos" => "CentOS",
        "amzn" => "Amazon",
        _ => "",
    };
    [family, name]
}

/// The span of the `case` keyword line start: the whole switch is long, its first line is enough.
pub fn head(e: &Expr, text: &str) -> (usize, usize) {
    let start = e.span.start as usize;
    let end = text[start..e.span.end as usize]
        .find(['{', '\n'])
        .map_or(e.span.end as usize, |i| start + i);
    (start, end.max(start + 1))
}

/// The fact in words, for messages.
pub fn fact_name(f: OsFact) -> &'static str {
    match f {
        OsFact::Family => "the OS family",
        OsFact::Name => "the OS name",
    }
}

/// The parts of a manifest that cannot run on an image: `case` options,
/// selector entries and `if`/`unless` branches over an OS fact that the
/// image's facts do not select, and classes and defines whose names say they
/// are for another family (`mongodb::repo::yum`, `apt::source`).
pub struct Guards {
    /// Per image (by name), the spans that do not run there.
    skipped: Vec<(String, Vec<crate::diagnostic::Span>)>,
}

impl Guards {
    /// The guards of every manifest of a project for each of `targets`: what
    /// each manifest's own OS tests skip, then the classes that are only
    /// included from skipped code (`case $osfamily { 'RedHat': { include
    /// zk::repo } }` skips all of `zk::repo` elsewhere on Debian).
    pub fn of_project(manifests: &[Manifest], targets: &[super::TargetImage]) -> Vec<Guards> {
        let mut all: Vec<Guards> = manifests
            .iter()
            .map(|m| Guards {
                skipped: targets
                    .iter()
                    .map(|t| (t.image.os.clone(), skipped_on(m, &t.image)))
                    .collect(),
            })
            .collect();
        let defs: Vec<Vec<(String, crate::diagnostic::Span)>> = manifests.iter().map(class_definitions).collect();
        let uses: Vec<Vec<(String, u32)>> = manifests.iter().map(class_uses).collect();
        for (ti, t) in targets.iter().enumerate() {
            // Each round may skip classes that only skipped classes include.
            for _ in 0..4 {
                let mut running = std::collections::HashSet::new();
                let mut skipped_only = std::collections::HashSet::new();
                for (mi, u) in uses.iter().enumerate() {
                    for (name, at) in u {
                        if all[mi].runs_on(*at as usize, &t.image) {
                            running.insert(name.clone());
                        } else {
                            skipped_only.insert(name.clone());
                        }
                    }
                }
                let mut changed = false;
                for (mi, d) in defs.iter().enumerate() {
                    for (name, span) in d {
                        if skipped_only.contains(name)
                            && !running.contains(name)
                            && all[mi].runs_on(span.start as usize, &t.image)
                        {
                            all[mi].skipped[ti].1.push(*span);
                            changed = true;
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
        }
        all
    }

    /// Whether the code at byte `at` may run on `image`.
    pub fn runs_on(&self, at: usize, image: &crate::plan::images::Image) -> bool {
        let at = at as u32;
        self.skipped
            .iter()
            .filter(|(os, _)| *os == image.os)
            .all(|(_, spans)| !spans.iter().any(|s| s.start <= at && at < s.end))
    }
}

/// Whether `v` (a string, bare word or regex) selects `image` for `fact`.
fn selects(v: &Expr, fact: OsFact, image: &crate::plan::images::Image) -> bool {
    let [family, name] = fact_values(image);
    let want = match fact {
        OsFact::Family => family,
        OsFact::Name => name,
    };
    match &v.kind {
        ExprKind::Default => true,
        ExprKind::Regex(r) => regex::Regex::new(r).is_ok_and(|re| re.is_match(want)),
        ExprKind::List(items) => items.iter().any(|i| selects(i, fact, image)),
        _ => literal(v).is_some_and(|s| s.eq_ignore_ascii_case(want)),
    }
}

/// What an `if` test over an OS fact says on `image`, when it is one.
fn test_on(test: &Expr, image: &crate::plan::images::Image) -> Option<bool> {
    use crate::puppet::ast::BinaryOp;
    match &test.kind {
        ExprKind::Paren(x) => test_on(x, image),
        ExprKind::Not(x) => test_on(x, image).map(|b| !b),
        ExprKind::Binary {
            op: BinaryOp::And,
            left,
            right,
        } => match (test_on(left, image), test_on(right, image)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        ExprKind::Binary {
            op: BinaryOp::Or,
            left,
            right,
        } => match (test_on(left, image), test_on(right, image)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        ExprKind::Binary { op, left, right } => {
            let fact = os_fact(left)?;
            match op {
                BinaryOp::Eq | BinaryOp::Match | BinaryOp::In => Some(selects(right, fact, image)),
                BinaryOp::Ne | BinaryOp::NotMatch => Some(!selects(right, fact, image)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The families a definition's name says it is for (`None`: any).
fn named_for(name: &str) -> Option<&'static [crate::plan::images::Family]> {
    use crate::plan::images::Family::*;
    let mut out: Option<&'static [crate::plan::images::Family]> = None;
    for word in name.split([':', '_']).filter(|w| !w.is_empty()) {
        let families: &'static [crate::plan::images::Family] = match word {
            "apt" | "debian" | "ubuntu" | "dpkg" => &[Debian],
            "yum" | "redhat" | "rhel" | "centos" | "el" | "rpm" | "dnf" | "fedora" => &[Redhat, Amazon],
            "amazon" => &[Amazon],
            "suse" | "sles" | "zypper" | "freebsd" | "windows" | "solaris" | "archlinux" | "gentoo" | "darwin" => &[],
            _ => continue,
        };
        out = Some(families);
    }
    out
}

fn skipped_on(m: &Manifest, image: &crate::plan::images::Image) -> Vec<crate::diagnostic::Span> {
    let mut out = Vec::new();
    walk(m, &mut |e| match &e.kind {
        ExprKind::Case { test, options } => {
            if let Some(fact) = os_fact(test) {
                for o in options {
                    if !o.values.iter().any(|v| selects(v, fact, image)) {
                        out.push(o.span);
                    }
                }
            }
        }
        ExprKind::Selector { left, entries } => {
            if let Some(fact) = os_fact(left) {
                for en in entries {
                    if !selects(&en.key, fact, image) {
                        out.push(en.value.span);
                    }
                }
            }
        }
        ExprKind::If {
            test,
            then_expr,
            else_expr,
        }
        | ExprKind::Unless {
            test,
            then_expr,
            else_expr,
        } => {
            let unless = matches!(e.kind, ExprKind::Unless { .. });
            if let Some(holds) = test_on(test, image) {
                let not_taken = if holds != unless { else_expr } else { then_expr };
                if let Some(b) = not_taken {
                    out.push(b.span);
                }
            }
        }
        ExprKind::Class { def, .. } | ExprKind::Define(def)
            if named_for(&def.name).is_some_and(|f| !f.contains(&image.family)) =>
        {
            out.push(e.span);
        }
        _ => {}
    });
    out
}

fn class_name(n: &str) -> String {
    n.trim_start_matches("::").to_ascii_lowercase()
}

/// The classes a manifest defines, with their spans.
fn class_definitions(m: &Manifest) -> Vec<(String, crate::diagnostic::Span)> {
    let mut out = Vec::new();
    walk(m, &mut |e| {
        if let ExprKind::Class { def, .. } = &e.kind {
            out.push((class_name(&def.name), e.span));
        }
    });
    out
}

/// The classes a manifest declares (`include`, `contain`, `require`,
/// `class { 'x': }`), with where.
fn class_uses(m: &Manifest) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    walk(m, &mut |e| match &e.kind {
        ExprKind::CallNamed { functor, args, .. }
            if matches!(functor.as_qualified_name(), Some("include" | "contain" | "require")) =>
        {
            for a in args {
                for (n, x) in literals(a) {
                    out.push((class_name(&n), x.span.start));
                }
            }
        }
        ExprKind::Resource { type_name, bodies, .. } if type_name.as_qualified_name() == Some("class") => {
            for b in bodies {
                for (n, x) in literals(&b.title) {
                    out.push((class_name(&n), x.span.start));
                }
            }
        }
        _ => {}
    });
    out
}
