//! Versions and version ranges as semantic_puppet 1.0.4 reads them (what
//! Puppet and metadata-json-lint use), down to which ranges it finds empty and
//! which it fails on.
use regex::Regex;
use std::cmp::Ordering;
use std::fmt;
use std::sync::LazyLock;

/// Ruby's `\s`.
const WS: &str = r"[ \t\n\r\x0B\x0C]";

/// A partial version: `1`, `1.x`, `1.2.*`, `1.2.3-rc.1+build`.
fn partial(capturing: bool) -> String {
    let xr = if capturing {
        "(x|X|\\*|0|[1-9][0-9]*)"
    } else {
        "(?:x|X|\\*|0|[1-9][0-9]*)"
    };
    let parts = "[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*";
    let qualifier = if capturing {
        format!("(?:-({parts}))?(?:\\+({parts}))?")
    } else {
        format!("(?:-{parts})?(?:\\+{parts})?")
    };
    format!("{xr}(?:\\.{xr}(?:\\.{xr}{qualifier})?)?")
}

static AFTER_OPERATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("([><=~^])(?:{WS}+|{WS}*v)")).expect("regex"));
static OR: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"{WS}*\|\|{WS}*")).expect("regex"));
static SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!("{WS}+")).expect("regex"));
static HYPHEN: LazyLock<Regex> = LazyLock::new(|| {
    let p = partial(false);
    Regex::new(&format!(r"\A({p}){WS}+-{WS}+({p})\z")).expect("regex")
});
static SIMPLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"\A([<>=~^]|<=|>=|~>|~=)?({})\z", partial(false))).expect("regex"));
static PARTIAL: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"\A{}\z", partial(true))).expect("regex"));
static FULL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\A(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)",
        r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\z"
    ))
    .expect("regex")
});

/// A whole number of any size (Ruby's integers have no limit), in decimal
/// without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Whole(String);

impl Whole {
    fn of(digits: &str) -> Whole {
        let d = digits.trim_start_matches('0');
        Whole(if d.is_empty() { "0".to_string() } else { d.to_string() })
    }

    fn zero() -> Whole {
        Whole("0".to_string())
    }

    fn next(&self) -> Whole {
        let mut digits = self.0.clone().into_bytes();
        for d in digits.iter_mut().rev() {
            if *d == b'9' {
                *d = b'0';
            } else {
                *d += 1;
                return Whole(String::from_utf8(digits).unwrap_or_default());
            }
        }
        digits.insert(0, b'1');
        Whole(String::from_utf8(digits).unwrap_or_default())
    }
}

impl Ord for Whole {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Whole {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A major version, or the infinite one semantic_puppet ends open ranges with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Major {
    Whole(Whole),
    Infinite,
}

/// A pre-release identifier: numbers sort below words.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Ident {
    Number(Whole),
    Word(String),
}

/// A semantic version. `pre` is `None` for a release, `Some(vec![])` only
/// for the lowest version there is (which sorts below 0.0.0's pre-releases).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Version {
    major: Major,
    minor: Whole,
    patch: Whole,
    pre: Option<Vec<Ident>>,
    build: Option<Vec<String>>,
}

impl Version {
    fn new(major: Whole, minor: Whole, patch: Whole) -> Version {
        Version {
            major: Major::Whole(major),
            minor,
            patch,
            pre: None,
            build: None,
        }
    }

    fn min() -> Version {
        Version {
            pre: Some(Vec::new()),
            ..Version::new(Whole::zero(), Whole::zero(), Whole::zero())
        }
    }

    fn max() -> Version {
        Version {
            major: Major::Infinite,
            ..Version::new(Whole::zero(), Whole::zero(), Whole::zero())
        }
    }

    fn next_patch(&self) -> Version {
        Version {
            major: self.major.clone(),
            minor: self.minor.clone(),
            patch: self.patch.next(),
            pre: None,
            build: None,
        }
    }

    /// A version as `version` in metadata.json must be.
    pub(super) fn parse(text: &str) -> Result<Version, VersionError> {
        // Ruby's `\Z` also ends before a final newline.
        let body = text.strip_suffix('\n').unwrap_or(text);
        let c = FULL.captures(body).ok_or(VersionError::NotOne)?;
        let whole = |i: usize| Whole::of(c.get(i).map_or("0", |m| m.as_str()));
        Ok(Version {
            pre: pre_release(c.get(4).map(|m| m.as_str())).map_err(|_| VersionError::LeadingZero)?,
            build: build(c.get(5).map(|m| m.as_str())),
            ..Version::new(whole(1), whole(2), whole(3))
        })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.major
            .cmp(&other.major)
            .then_with(|| self.minor.cmp(&other.minor))
            .then_with(|| self.patch.cmp(&other.patch))
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.major {
            Major::Whole(w) => write!(f, "{}.{}.{}", w.0, self.minor.0, self.patch.0)?,
            Major::Infinite => write!(f, "Infinity.{}.{}", self.minor.0, self.patch.0)?,
        }
        if let Some(pre) = self.pre.as_ref().filter(|p| !p.is_empty()) {
            let parts: Vec<&str> = pre
                .iter()
                .map(|i| match i {
                    Ident::Number(w) => w.0.as_str(),
                    Ident::Word(s) => s.as_str(),
                })
                .collect();
            write!(f, "-{}", parts.join("."))?;
        }
        if let Some(build) = &self.build {
            write!(f, "+{}", build.join("."))?;
        }
        Ok(())
    }
}

/// Why a version is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum VersionError {
    /// Not MAJOR.MINOR.PATCH with an optional pre-release and build.
    NotOne,
    /// A numeric pre-release identifier with a leading zero.
    LeadingZero,
}

/// A numeric pre-release identifier with a leading zero.
struct LeadingZero;

fn pre_release(text: Option<&str>) -> Result<Option<Vec<Ident>>, LeadingZero> {
    let Some(text) = text else {
        return Ok(None);
    };
    text.split('.')
        .map(|x| {
            if !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()) {
                if x.len() > 1 && x.starts_with('0') {
                    return Err(LeadingZero);
                }
                Ok(Ident::Number(Whole::of(x)))
            } else {
                Ok(Ident::Word(x.to_string()))
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn build(text: Option<&str>) -> Option<Vec<String>> {
    text.map(|t| t.split('.').map(str::to_string).collect())
}

/// Why a range is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RangeError {
    /// Not a range's syntax.
    Unparsable,
    /// A numeric pre-release identifier with a leading zero.
    LeadingZeros,
    /// A range no version is in (`>= 2.0.0 < 1.0.0`).
    MatchesNothing,
    /// semantic_puppet raises an internal error on it (a bug of its own),
    /// so Puppet cannot read it either.
    Fails(&'static str),
}

impl From<LeadingZero> for RangeError {
    fn from(_: LeadingZero) -> Self {
        RangeError::LeadingZeros
    }
}

/// One of semantic_puppet's range kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum R {
    All,
    Gt(Version),
    GtEq(Version),
    Lt(Version),
    LtEq(Version),
    Eq(Version),
    /// Both bounds (never themselves `MinMax`).
    MinMax(Box<R>, Box<R>),
}

impl R {
    fn min_max(min: R, max: R) -> R {
        let min = match min {
            R::MinMax(a, _) => *a,
            other => other,
        };
        let max = match max {
            R::MinMax(_, b) => *b,
            other => other,
        };
        R::MinMax(Box::new(min), Box::new(max))
    }

    fn begin(&self) -> Version {
        match self {
            R::Gt(v) | R::GtEq(v) | R::Eq(v) => v.clone(),
            R::All | R::Lt(_) | R::LtEq(_) => Version::min(),
            R::MinMax(min, _) => min.begin(),
        }
    }

    fn end(&self) -> Version {
        match self {
            R::Lt(v) | R::LtEq(v) | R::Eq(v) => v.clone(),
            R::All | R::Gt(_) | R::GtEq(_) => Version::max(),
            R::MinMax(_, max) => max.end(),
        }
    }

    fn exclude_begin(&self) -> bool {
        match self {
            R::Gt(_) => true,
            R::MinMax(min, _) => min.exclude_begin(),
            _ => false,
        }
    }

    fn exclude_end(&self) -> bool {
        match self {
            R::Lt(_) => true,
            R::MinMax(_, max) => max.exclude_end(),
            _ => false,
        }
    }

    fn includes(&self, v: &Version) -> bool {
        match self {
            R::All => true,
            R::Gt(x) => v > x,
            R::GtEq(x) => v >= x,
            R::Lt(x) => v < x,
            R::LtEq(x) => v <= x,
            R::Eq(x) => v == x,
            R::MinMax(min, max) => min.includes(v) && max.includes(v),
        }
    }

    fn lower_bound(&self) -> bool {
        match self {
            R::Gt(_) => true,
            R::GtEq(v) | R::Eq(v) => *v != Version::min(),
            R::MinMax(min, _) => min.lower_bound(),
            _ => false,
        }
    }

    fn upper_bound(&self) -> bool {
        match self {
            R::Lt(_) => true,
            R::LtEq(v) | R::Eq(v) => *v != Version::max(),
            R::MinMax(_, max) => max.upper_bound(),
            _ => false,
        }
    }

    /// The versions in both, if any.
    fn intersection(&self, other: &R) -> Option<R> {
        if *self == R::All {
            return Some(other.clone());
        }
        match self.begin().cmp(&other.end()) {
            Ordering::Greater => return None,
            Ordering::Equal => {
                return (!self.exclude_begin() && !other.exclude_end()).then(|| R::Eq(self.begin()));
            }
            Ordering::Less => {}
        }
        match other.begin().cmp(&self.end()) {
            Ordering::Greater => return None,
            Ordering::Equal => {
                return (!other.exclude_begin() && !self.exclude_end()).then(|| R::Eq(other.begin()));
            }
            Ordering::Less => {}
        }
        let min = match self.begin().cmp(&other.begin()) {
            Ordering::Less => other,
            Ordering::Greater => self,
            Ordering::Equal if self.exclude_begin() => self,
            Ordering::Equal => other,
        };
        let max = match self.end().cmp(&other.end()) {
            Ordering::Greater => other,
            Ordering::Less => self,
            Ordering::Equal if self.exclude_end() => self,
            Ordering::Equal => other,
        };
        Some(if !max.upper_bound() {
            min.clone()
        } else if !min.lower_bound() {
            max.clone()
        } else {
            R::min_max(min.clone(), max.clone())
        })
    }

    /// The union of two ranges that overlap or touch; `None` if they do not.
    fn merge(&self, other: &R) -> Result<Option<R>, RangeError> {
        if *self == R::All {
            return Ok(Some(R::All));
        }
        if self.includes(&other.begin()) || other.includes(&self.begin()) {
            let (min, exclude_begin) = match self.begin().cmp(&other.begin()) {
                Ordering::Less => (self.begin(), self.exclude_begin()),
                Ordering::Greater => (other.begin(), other.exclude_begin()),
                Ordering::Equal => (self.begin(), self.exclude_begin() && other.exclude_begin()),
            };
            let (max, exclude_end) = match self.end().cmp(&other.end()) {
                Ordering::Greater => (self.end(), self.exclude_end()),
                Ordering::Less => (other.end(), other.exclude_end()),
                // semantic_puppet calls a method that does not exist here.
                Ordering::Equal => return Err(RangeError::Fails("two alternatives end at the same version")),
            };
            let low = if exclude_begin { R::Gt(min) } else { R::GtEq(min) };
            let high = if exclude_end { R::Lt(max) } else { R::LtEq(max) };
            return create(vec![low, high]);
        }
        let touching = if self.exclude_end() && !other.exclude_begin() && self.end() == other.begin() {
            Some((self, other))
        } else if other.exclude_end() && !self.exclude_begin() && other.end() == self.begin() {
            Some((other, self))
        } else if !self.exclude_end() && !other.exclude_begin() && self.end().next_patch() == other.begin() {
            Some((self, other))
        } else if !other.exclude_end() && !self.exclude_begin() && other.end().next_patch() == self.begin() {
            Some((other, self))
        } else {
            None
        };
        match touching {
            Some((a, b)) => {
                let low = if a.exclude_begin() {
                    R::Gt(a.begin())
                } else {
                    R::GtEq(a.begin())
                };
                let high = if b.exclude_end() {
                    R::Lt(b.end())
                } else {
                    R::LtEq(b.end())
                };
                create(vec![low, high])
            }
            None => Ok(None),
        }
    }
}

/// The intersection of `ranges`, left to right (`None`: no version, or no ranges).
fn create(ranges: Vec<R>) -> Result<Option<R>, RangeError> {
    let mut it = ranges.into_iter();
    let mut memo = it.next();
    for r in it {
        // semantic_puppet goes on intersecting with nothing, and fails.
        let m = memo.ok_or(RangeError::Fails(
            "its comparators exclude each other before the last one",
        ))?;
        memo = m.intersection(&r);
    }
    Ok(memo)
}

/// A range of versions, as alternatives.
#[derive(Debug)]
pub(super) struct VersionRange {
    ranges: Vec<R>,
}

impl VersionRange {
    /// A `version_requirement`, as semantic_puppet parses it and
    /// metadata-json-lint then checks it.
    pub(super) fn parse(text: &str) -> Result<VersionRange, RangeError> {
        let squeezed = AFTER_OPERATOR.replace_all(text, "$1");
        let alternatives = ruby_split(&squeezed, &OR);
        if alternatives.is_empty() {
            return Ok(VersionRange { ranges: vec![R::All] });
        }
        let mut ranges: Vec<Option<R>> = Vec::new();
        for alternative in alternatives {
            let range = if let Some(c) = HYPHEN.captures(alternative) {
                let low = version(&c[1])?;
                let high = version(&c[2])?;
                create(vec![R::GtEq(low), R::LtEq(high)])?
            } else {
                let mut simples = Vec::new();
                for simple in ruby_split(alternative, &SPACES) {
                    let c = SIMPLE.captures(simple).ok_or(RangeError::Unparsable)?;
                    simples.push(comparator(c.get(1).map_or("", |m| m.as_str()), &c[2])?);
                }
                if simples.len() == 1 {
                    simples.pop()
                } else {
                    create(simples)?
                }
            };
            if !ranges.contains(&range) {
                ranges.push(range);
            }
        }
        let ranges = merge_all(ranges.into_iter().flatten().collect())?;
        if ranges == [R::Lt(Version::min())] {
            return Err(RangeError::MatchesNothing);
        }
        Ok(VersionRange { ranges })
    }

    /// Whether the range has no upper bound, as metadata-json-lint decides
    /// it: one alternative, ending at infinity.
    pub(super) fn open_ended(&self) -> bool {
        self.ranges.len() == 1 && self.ranges[0].end() == Version::max()
    }

    /// `>= low < next-major` for a range with only a lower bound.
    pub(super) fn upper_bound_hint(&self) -> Option<String> {
        let [R::GtEq(v)] = self.ranges.as_slice() else {
            return None;
        };
        let Major::Whole(major) = &v.major else {
            return None;
        };
        Some(format!(">= {v} < {}.0.0", major.next().0))
    }
}

/// Alternatives merged where they overlap or touch, as semantic_puppet does.
fn merge_all(mut ranges: Vec<R>) -> Result<Vec<R>, RangeError> {
    let mut merged_some = true;
    while ranges.len() > 1 && merged_some {
        merged_some = false;
        let mut result = Vec::new();
        while let Some(x) = ranges.pop() {
            let mut unmerged = Vec::new();
            let mut memo = x;
            for y in ranges.drain(..) {
                match memo.merge(&y)? {
                    Some(m) => {
                        merged_some = true;
                        memo = m;
                    }
                    None => unmerged.push(y),
                }
            }
            result.push(memo);
            ranges = unmerged;
        }
        result.reverse();
        ranges = result;
    }
    if ranges.is_empty() {
        ranges.push(R::Lt(Version::min()));
    }
    Ok(ranges)
}

/// Ruby's `String#split` by a pattern: a leading empty field kept,
/// trailing ones dropped.
fn ruby_split<'t>(text: &'t str, by: &Regex) -> Vec<&'t str> {
    let mut fields = Vec::new();
    let mut last = 0;
    for m in by.find_iter(text) {
        fields.push(&text[last..m.start()]);
        last = m.end();
    }
    fields.push(&text[last..]);
    while fields.last() == Some(&"") {
        fields.pop();
    }
    fields
}

/// A partial version's parts: major, minor, patch (`None` for a
/// wildcard or when left out), pre-release and build.
struct Parts<'t> {
    major: Option<Whole>,
    minor: Option<Whole>,
    patch: Option<Whole>,
    pre: Option<&'t str>,
    build: Option<&'t str>,
}

fn parts(text: &str) -> Result<Parts<'_>, RangeError> {
    let c = PARTIAL.captures(text).ok_or(RangeError::Unparsable)?;
    let digit = |i: usize| {
        c.get(i)
            .map(|m| m.as_str())
            .filter(|s| !matches!(*s, "x" | "X" | "*"))
            .map(Whole::of)
    };
    Ok(Parts {
        major: digit(1),
        minor: digit(2),
        patch: digit(3),
        pre: c.get(4).map(|m| m.as_str()),
        build: c.get(5).map(|m| m.as_str()),
    })
}

/// The version a partial one stands for, wildcards and missing parts 0.
fn version(text: &str) -> Result<Version, RangeError> {
    let p = parts(text)?;
    let or_zero = |w: Option<Whole>| w.unwrap_or_else(Whole::zero);
    Ok(Version {
        pre: pre_release(p.pre)?,
        build: build(p.build),
        ..Version::new(or_zero(p.major), or_zero(p.minor), or_zero(p.patch))
    })
}

fn full(major: Whole, minor: Whole, patch: Whole, p: &Parts) -> Result<Version, RangeError> {
    Ok(Version {
        pre: pre_release(p.pre)?,
        build: build(p.build),
        ..Version::new(major, minor, patch)
    })
}

fn between(low: Version, high: Version) -> R {
    R::min_max(R::GtEq(low), R::Lt(high))
}

/// One comparator: an operator (or none) and a partial version.
fn comparator(op: &str, operand: &str) -> Result<R, RangeError> {
    let p = parts(operand)?;
    let zero = Whole::zero;
    Ok(match op {
        "~" | "~>" | "~=" => patch_updates(&p, true)?,
        "^" => match &p.major {
            Some(m) if *m == zero() => patch_updates(&p, true)?,
            Some(major) => match (&p.minor, &p.patch) {
                (None, _) => between(
                    Version::new(major.clone(), zero(), zero()),
                    Version::new(major.next(), zero(), zero()),
                ),
                (Some(minor), None) => between(
                    Version::new(major.clone(), minor.clone(), zero()),
                    Version::new(major.next(), zero(), zero()),
                ),
                (Some(minor), Some(patch)) => {
                    // Without a pre-release, semantic_puppet drops the build too.
                    let low = if p.pre.is_none() {
                        Version::new(major.clone(), minor.clone(), patch.clone())
                    } else {
                        full(major.clone(), minor.clone(), patch.clone(), &p)?
                    };
                    between(low, Version::new(major.next(), zero(), zero()))
                }
            },
            None => return Err(RangeError::Fails("a caret before a wildcard major version")),
        },
        ">" => match (&p.major, &p.minor, &p.patch) {
            (None, _, _) => R::Lt(Version::min()),
            (Some(major), None, _) => R::GtEq(Version::new(major.next(), zero(), zero())),
            (Some(major), Some(minor), None) => R::GtEq(Version::new(major.clone(), minor.next(), zero())),
            (Some(major), Some(minor), Some(patch)) => R::Gt(full(major.clone(), minor.clone(), patch.clone(), &p)?),
        },
        ">=" => R::GtEq(version(operand)?),
        "<" => R::Lt(version(operand)?),
        "<=" => match (&p.major, &p.minor, &p.patch) {
            (None, _, _) => return Err(RangeError::Fails("<= before a wildcard major version")),
            (Some(major), None, _) => R::Lt(Version::new(major.next(), zero(), zero())),
            (Some(major), Some(minor), None) => R::Lt(Version::new(major.clone(), minor.next(), zero())),
            (Some(major), Some(minor), Some(patch)) => R::LtEq(full(major.clone(), minor.clone(), patch.clone(), &p)?),
        },
        _ => patch_updates(&p, false)?,
    })
}

/// `~1.2` (and an exact or x-range version when not `tilde`): the
/// versions that differ from it in the parts left out, or the patch.
fn patch_updates(p: &Parts, tilde: bool) -> Result<R, RangeError> {
    let zero = Whole::zero;
    let Some(major) = p.major.clone() else {
        return Ok(R::All);
    };
    let Some(minor) = p.minor.clone() else {
        return Ok(between(
            Version::new(major.clone(), zero(), zero()),
            Version::new(major.next(), zero(), zero()),
        ));
    };
    let Some(patch) = p.patch.clone() else {
        return Ok(between(
            Version::new(major.clone(), minor.clone(), zero()),
            Version::new(major, minor.next(), zero()),
        ));
    };
    let v = full(major.clone(), minor.clone(), patch, p)?;
    Ok(if tilde {
        between(v, Version::new(major, minor.next(), zero()))
    } else {
        R::Eq(v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(text: &str) -> String {
        match VersionRange::parse(text) {
            Ok(r) => format!("open={}", r.open_ended()),
            Err(e) => format!("{e:?}"),
        }
    }

    #[test]
    fn ranges_as_semantic_puppet_reads_them() {
        // Checked against semantic_puppet 1.0.4 (metadata-json-lint's VersionRequirement).
        let cases = [
            ("", "open=true"),
            (" ", "MatchesNothing"),
            ("1.0", "open=false"),
            (">= 1.0.0", "open=true"),
            (">= 1.0.0 < 2.0.0", "open=false"),
            ("1.0.0 - ", "Unparsable"),
            ("2.0.0 - 1.0.0", "MatchesNothing"),
            (
                ">=2.0.0 <1.0.0 <3.0.0",
                "Fails(\"its comparators exclude each other before the last one\")",
            ),
            ("^x", "Fails(\"a caret before a wildcard major version\")"),
            ("<=x", "Fails(\"<= before a wildcard major version\")"),
            (">x", "MatchesNothing"),
            (
                ">=1.0.0 || >=2.0.0",
                "Fails(\"two alternatives end at the same version\")",
            ),
            ("1.x || >=1.0.0", "open=true"),
            (">=1.0.0-01", "LeadingZeros"),
            ("v1.0.0", "Unparsable"),
            (">=v1.0.0", "open=true"),
            (">= v1.0.0", "Unparsable"),
            ("1.0.0 || 2.0.0", "open=false"),
            ("<1.0.0 || >=2.0.0", "open=false"),
            (">1.0.0 <=1.0.0", "MatchesNothing"),
            ("<0.0.0", "open=false"),
            (" >=1.0.0 ", "Unparsable"),
            ("||", "open=true"),
            ("1.0.0 ||", "open=false"),
            (">=1.0.0,<2.0.0", "Unparsable"),
            (">=10.x", "open=true"),
        ];
        for (text, want) in cases {
            assert_eq!(verdict(text), want, "{text:?}");
        }
    }
}
