//! Variables Puppet 8 does not know (`strict_variables`): legacy facts, and
//! names that no scope the reference can see sets. Only what the code
//! decides is reported: a class whose parent is not in the project, a
//! variable qualified to a class that is not, and anything in a Puppet
//! language function are left alone.

use super::Finding;
use crate::lint::rules::legacy_facts;
use crate::puppet::ast::{BinaryOp, Expr, ExprKind, Lambda, Parameter};
use crate::puppet::{visit, Manifest};
use std::collections::{BTreeMap, BTreeSet};

/// The top-level facts Facter 4 sets on a Linux EC2 instance, and the ones
/// Puppet adds (`facter -j` on Debian 12, and Puppet's `add_local_facts`).
const CORE_FACTS: &[&str] = &[
    "aio_agent_version",
    "augeas",
    "az_metadata",
    "cloud",
    "clientcert",
    "clientnoop",
    "clientversion",
    "disks",
    "dmi",
    "ec2_metadata",
    "ec2_userdata",
    "facterversion",
    "filesystems",
    "fips_enabled",
    "gce",
    "hypervisors",
    "identity",
    "is_virtual",
    "kernel",
    "kernelmajversion",
    "kernelrelease",
    "kernelversion",
    "load_averages",
    "memory",
    "mountpoints",
    "networking",
    "os",
    "partitions",
    "path",
    "processors",
    "puppetversion",
    "ruby",
    "ssh",
    "system_uptime",
    "timezone",
    "virtual",
    "xen",
    "zfs_version",
    "zpool_version",
];

/// Variables Puppet itself sets in every scope (or that a server may set).
const BUILT_IN: &[&str] = &[
    "facts",
    "trusted",
    "server_facts",
    "environment",
    "module_name",
    "caller_module_name",
    "title",
    "name",
    "servername",
    "serverip",
    "serverversion",
    "agent_specified_environment",
];

/// The names a class sets: its parameters and every variable it assigns.
#[derive(Default)]
struct ClassVars {
    names: BTreeSet<String>,
    parent: Option<String>,
}

/// What the whole project's code sets, as the references see it.
pub(super) struct Index {
    classes: BTreeMap<String, ClassVars>,
    /// Assigned at top level or in a node block (seen by every class a node declares).
    global: BTreeSet<String>,
    /// Facts the instance will have: Facter's, modules' custom facts, FACTER_* variables.
    facts: BTreeSet<String>,
    /// Whether something sets facts this code cannot list (external fact scripts).
    unlisted_facts: bool,
}

impl Index {
    /// The index of `manifests`, with `facts` beyond Facter's own.
    pub(super) fn new(manifests: &[&Manifest], facts: BTreeSet<String>, unlisted_facts: bool) -> Index {
        let mut ix = Index {
            classes: BTreeMap::new(),
            global: BTreeSet::new(),
            facts: CORE_FACTS.iter().map(|s| s.to_string()).chain(facts).collect(),
            unlisted_facts,
        };
        for m in manifests {
            if let Ok(body) = &m.body {
                ix.top(body);
            }
        }
        ix
    }

    fn top(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Class { def, parent } => {
                let cv = self
                    .classes
                    .entry(def.name.trim_start_matches("::").to_string())
                    .or_default();
                cv.parent = parent.as_ref().map(|p| p.trim_start_matches("::").to_string());
                cv.names.extend(def.params.iter().map(|p| p.name.clone()));
                let mut names = BTreeSet::new();
                def.body.iter().flatten().for_each(|s| assigned(s, &mut names));
                self.classes
                    .entry(def.name.trim_start_matches("::").to_string())
                    .or_default()
                    .names
                    .extend(names);
                // Classes nested in a class body are definitions of their own.
                def.body.iter().flatten().for_each(|s| self.nested(s));
            }
            ExprKind::Define(_) | ExprKind::Function { .. } => {}
            ExprKind::Node { body, .. } => {
                let mut names = BTreeSet::new();
                body.iter().flatten().for_each(|s| assigned(s, &mut names));
                self.global.extend(names);
                body.iter().flatten().for_each(|s| self.nested(s));
            }
            _ => {
                let mut names = BTreeSet::new();
                assigned(e, &mut names);
                self.global.extend(names);
                visit::for_each_child(e, |c| self.nested(c));
            }
        }
    }

    fn nested(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Class { .. } | ExprKind::Node { .. } => self.top(e),
            _ => visit::for_each_child(e, |c| self.nested(c)),
        }
    }

    /// Whether `name` is set in class `class` or a class it inherits from;
    /// `None` when some class of the chain is not in the project.
    fn in_class(&self, class: &str, name: &str) -> Option<bool> {
        let mut at = class;
        for _ in 0..32 {
            let cv = self.classes.get(at)?;
            if cv.names.contains(name) {
                return Some(true);
            }
            match &cv.parent {
                Some(p) => at = p,
                None => return Some(false),
            }
        }
        None
    }

    /// Whether the instance has a top-scope variable `name` (a fact, a
    /// built-in, or something top-level code or a node block assigns).
    fn top_scope(&self, name: &str) -> bool {
        BUILT_IN.contains(&name) || self.facts.contains(name) || self.global.contains(name)
    }
}

/// Every variable `e` assigns, in itself and nested blocks and lambdas
/// (not in nested definitions).
fn assigned(e: &Expr, out: &mut BTreeSet<String>) {
    match &e.kind {
        ExprKind::Class { .. } | ExprKind::Define(_) | ExprKind::Function { .. } | ExprKind::Node { .. } => {}
        ExprKind::Binary {
            op: BinaryOp::Assign | BinaryOp::AddAssign | BinaryOp::SubAssign,
            left,
            right,
        } => {
            targets(left, out);
            assigned(right, out);
        }
        _ => visit::for_each_child(e, |c| assigned(c, out)),
    }
}

fn targets(e: &Expr, out: &mut BTreeSet<String>) {
    match &e.kind {
        ExprKind::Variable(n) => {
            out.insert(n.clone());
        }
        ExprKind::List(items) => items.iter().for_each(|i| targets(i, out)),
        _ => {}
    }
}

/// Where a reference is: what its scope sets, and whether that is all it can see.
struct Scope<'a> {
    /// Parameters and assignments of the enclosing class, define or node, and lambda parameters.
    local: Vec<&'a BTreeSet<String>>,
    lambda: Vec<String>,
    /// False in a class whose parent is not in the project, or in a function.
    decidable: bool,
}

/// The unknown variables of one manifest.
pub(super) fn check(ix: &Index, m: &Manifest, out: &mut Vec<Finding>) {
    let Ok(body) = &m.body else { return };
    let global = BTreeSet::new();
    let mut scope = Scope {
        local: vec![&global],
        lambda: vec![],
        decidable: true,
    };
    walk(ix, body, &mut scope, out);
}

fn walk(ix: &Index, e: &Expr, scope: &mut Scope<'_>, out: &mut Vec<Finding>) {
    stacker::maybe_grow(64 << 10, 4 << 20, || match &e.kind {
        ExprKind::Class { def, .. } => {
            let name = def.name.trim_start_matches("::");
            let decidable = ix.in_class(name, "").is_some();
            let sets = ix.classes.get(name);
            let empty = BTreeSet::new();
            let own = sets.map_or(&empty, |c| &c.names);
            let mut inner = Scope {
                local: vec![own],
                lambda: vec![],
                decidable,
            };
            // A class sees what its ancestors set, unqualified.
            let mut at = sets.and_then(|c| c.parent.clone());
            let mut ancestors = Vec::new();
            while let Some(p) = at.take() {
                if let Some(c) = ix.classes.get(&p) {
                    if ancestors.len() < 32 {
                        ancestors.push(&c.names);
                        at = c.parent.clone();
                    }
                }
            }
            inner.local.extend(ancestors);
            // A class nested in another may see what the outer one sets: not decided here.
            inner.local.extend(scope.local.iter().copied());
            inner.lambda.extend(scope.lambda.iter().cloned());
            definition(ix, &def.params, def.body.as_deref(), &mut inner, out);
        }
        ExprKind::Define(def) => {
            let mut names: BTreeSet<String> = def.params.iter().map(|p| p.name.clone()).collect();
            def.body.iter().flatten().for_each(|s| assigned(s, &mut names));
            let mut inner = Scope {
                local: vec![&names],
                lambda: vec![],
                decidable: scope.decidable,
            };
            definition(ix, &def.params, def.body.as_deref(), &mut inner, out);
        }
        ExprKind::Function { .. } => {} // its own scope rules: left undecided
        ExprKind::Node { body, .. } => {
            let mut names = BTreeSet::new();
            body.iter().flatten().for_each(|s| assigned(s, &mut names));
            let mut inner = Scope {
                local: vec![&names],
                lambda: vec![],
                decidable: scope.decidable,
            };
            body.iter().flatten().for_each(|s| walk(ix, s, &mut inner, out));
        }
        ExprKind::CallNamed {
            functor, args, lambda, ..
        }
        | ExprKind::CallMethod { functor, args, lambda } => {
            walk(ix, functor, scope, out);
            args.iter().for_each(|a| walk(ix, a, scope, out));
            if let Some(l) = lambda {
                in_lambda(ix, l, scope, out);
            }
        }
        ExprKind::Lambda(l) => in_lambda(ix, l, scope, out),
        ExprKind::Variable(name) => reference(ix, e, name, scope, out),
        _ => visit::for_each_child(e, |c| walk(ix, c, scope, out)),
    })
}

fn definition(ix: &Index, params: &[Parameter], body: Option<&[Expr]>, scope: &mut Scope<'_>, out: &mut Vec<Finding>) {
    for p in params {
        for x in p.type_expr.iter().chain(p.value.iter()) {
            walk(ix, x, scope, out);
        }
    }
    body.into_iter().flatten().for_each(|s| walk(ix, s, scope, out));
}

fn in_lambda(ix: &Index, l: &Lambda, scope: &mut Scope<'_>, out: &mut Vec<Finding>) {
    let before = scope.lambda.len();
    scope.lambda.extend(l.params.iter().map(|p| p.name.clone()));
    for p in &l.params {
        p.value.iter().for_each(|v| walk(ix, v, scope, out));
    }
    l.body.iter().flatten().for_each(|s| walk(ix, s, scope, out));
    scope.lambda.truncate(before);
}

/// What Puppet 8 makes of a reference to `$name`.
fn reference(ix: &Index, e: &Expr, name: &str, scope: &Scope<'_>, out: &mut Vec<Finding>) {
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return; // match results always exist
    }
    let (top_only, bare) = match name.strip_prefix("::") {
        Some(rest) => (true, rest),
        None => (false, name),
    };
    if let Some((class, var)) = bare.rsplit_once("::") {
        if class == "settings" || !scope.decidable {
            return;
        }
        if ix.in_class(class, var) == Some(false) && !ix.global.contains(bare) {
            out.push(Finding::strict(
                e.span,
                format!("Unknown variable: '{name}'."),
                format!("class `{class}` sets no `${var}`: name a parameter or a variable it assigns"),
            ));
        }
        return;
    }
    let known = ix.top_scope(bare)
        || (!top_only && (scope.local.iter().any(|s| s.contains(bare)) || scope.lambda.iter().any(|l| l == bare)));
    if known {
        return;
    }
    if legacy_facts::is_legacy(bare) {
        let help = super::legacy_help(bare, "$");
        out.push(Finding::strict(e.span, format!("Unknown variable: '{name}'."), help));
    } else if scope.decidable && !ix.unlisted_facts {
        out.push(Finding::strict(
            e.span,
            format!("Unknown variable: '{name}'."),
            "nothing in scope sets it (no parameter, assignment, fact or top-scope variable): \
             assign it, make it a parameter, or qualify it with the class that sets it",
        ));
    }
}
