//! Which operating system a Vagrant box is, from what its name says: a
//! distribution's word or codename and the release number after it
//! (`targets/images.toml` has the words; here are the rules for reading them).

use super::images::{table, Distro, VersionStyle};

/// What a box name (or URL, or login user) says about its operating system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognised {
    /// A release: the `[os]` row it is (which may be past its end of life).
    Release { os: String, distro: &'static str },
    /// A release the table does not list but older than every listed one:
    /// past its end of life, planned on the distro's current row.
    Old {
        distro: &'static str,
        release: String,
        current: &'static str,
    },
    /// The distribution but no release.
    Family {
        distro: &'static str,
        current: &'static str,
    },
    /// A release newer than the table knows.
    Newer { distro: &'static str, release: String },
    /// A family puppetlift cannot target.
    Unsupported { family: &'static str },
    /// Nothing.
    Nothing,
}

impl Recognised {
    /// Whether this says which release (or that the family is unsupported):
    /// nothing more to learn from other evidence.
    pub fn is_definite(&self) -> bool {
        matches!(
            self,
            Recognised::Release { .. } | Recognised::Old { .. } | Recognised::Unsupported { .. }
        )
    }

    /// What was recognised, for a message (`Ubuntu 26.04`, `CentOS Linux`).
    pub fn describe(&self) -> Option<String> {
        match self {
            Recognised::Release { os, .. } => Some(os.clone()),
            Recognised::Old { distro, release, .. } | Recognised::Newer { distro, release } => {
                Some(format!("{distro} {release}"))
            }
            Recognised::Family { distro, .. } => Some((*distro).to_string()),
            Recognised::Unsupported { family } => Some((*family).to_string()),
            Recognised::Nothing => None,
        }
    }
}

/// Spellings of the architecture, removed before reading release numbers.
const ARCH: &[&str] = &[
    "x86_64", "x86-64", "amd64", "i386", "i686", "x64", "64bit", "32bit", "64-bit", "32-bit",
];

/// The words of a name: lower case, letters and numbers apart
/// (`CentOS-6.4-x86_64` -> `centos`, `6.4`), the architecture left out.
fn words(name: &str) -> Vec<String> {
    let mut s = name.to_ascii_lowercase();
    for a in ARCH {
        s = s.replace(a, " ");
    }
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut digits = false;
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        let w = cur.trim_end_matches('.');
        if !w.is_empty() {
            out.push(w.to_string());
        }
        cur.clear();
    };
    for c in s.chars() {
        let kind_changes = !cur.is_empty() && (c.is_ascii_digit() != digits);
        if c.is_ascii_alphabetic() || c.is_ascii_digit() {
            if kind_changes {
                flush(&mut cur, &mut out);
            }
            digits = c.is_ascii_digit();
            cur.push(c);
        } else if c == '.' && digits && !cur.is_empty() {
            cur.push(c);
        } else {
            flush(&mut cur, &mut out);
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// Whether word `w` names `key`: the same word, or for a key of 5 letters or
/// more, a word that starts or ends with it (`puppetprecise`, `ubuntuserver`).
fn names(w: &str, key: &str) -> bool {
    w == key || (key.len() >= 5 && (w.starts_with(key) || w.ends_with(key)))
}

/// How many words at `i` a (possibly several-word) key covers.
fn matches_at(ws: &[String], i: usize, key: &str) -> Option<usize> {
    let parts: Vec<&str> = key.split(' ').collect();
    if parts.len() == 1 {
        return names(&ws[i], key).then_some(1);
    }
    let all = parts
        .iter()
        .enumerate()
        .all(|(k, p)| ws.get(i + k).is_some_and(|w| w == p));
    all.then_some(parts.len())
}

/// A release as the table writes it, as numbers for comparing.
fn release_key(r: &str) -> Vec<u32> {
    r.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

fn is_number(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_digit())
}

/// The releases of `d` the table has a row for.
fn listed(d: &Distro) -> Vec<String> {
    let prefix = format!("{}-", d.prefix);
    table()
        .os
        .keys()
        .filter_map(|k| k.strip_prefix(&prefix))
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// The release number words `ws` (after the distro's word) say, in `d`'s spelling.
fn release_of(d: &Distro, ws: &[String]) -> Option<String> {
    // The first number, unless a codename comes first (`debian/bullseye64`:
    // the 64 after it is the architecture).
    let is_codename = |w: &String| table().distros.iter().any(|d| d.codenames.contains_key(w));
    let at = ws.iter().position(|w| is_number(w) || is_codename(w))?;
    let first = &ws[at];
    if !is_number(first) {
        return None;
    }
    let listed = listed(d);
    match d.version {
        VersionStyle::YearMonth => {
            let parts: Vec<&str> = first.split('.').collect();
            let (yy, mm) = match parts.as_slice() {
                [y, m, ..] => (y.to_string(), m.to_string()),
                [n] if n.len() >= 4 => (n[..2].to_string(), n[2..4].to_string()),
                // `14-04`, `14_10`; a lone `14` is that year's April (LTS) release.
                [n] if n.len() == 2 => match ws.get(at + 1) {
                    Some(m) if m == "04" || m == "10" => (n.to_string(), m.clone()),
                    _ if n == &"32" || n == &"64" => return None,
                    _ => (n.to_string(), "04".into()),
                },
                _ => return None,
            };
            Some(format!("{}.{mm}", yy.trim_start_matches('0')))
        }
        VersionStyle::Major => {
            let whole = first.split('.').next().unwrap_or("");
            let newest = listed.iter().map(|r| release_key(r)).max().unwrap_or_default();
            let n: u32 = whole.parse().ok()?;
            if vec![n] <= newest {
                return Some(n.to_string());
            }
            // `65` is 6.5 and `73` 7.3, when that major release is a row.
            let head = &whole[..1];
            (whole.len() == 2 && listed.iter().any(|r| r == head)).then(|| head.to_string())
        }
    }
}

/// What `d` named with `release` is.
fn classify(d: &'static Distro, release: Option<String>) -> Recognised {
    let Some(release) = release else {
        return Recognised::Family {
            distro: &d.name,
            current: &d.current,
        };
    };
    let os = format!("{}-{release}", d.prefix);
    if table().os.contains_key(&os) {
        return Recognised::Release { os, distro: &d.name };
    }
    let newest = listed(d).iter().map(|r| release_key(r)).max().unwrap_or_default();
    if release_key(&release) <= newest {
        Recognised::Old {
            distro: &d.name,
            release,
            current: &d.current,
        }
    } else {
        Recognised::Newer {
            distro: &d.name,
            release,
        }
    }
}

/// What a box name says: the first distribution it names with a release the
/// table places, else the first it names at all; a codename says both.
pub fn recognise(name: &str) -> Recognised {
    let t = table();
    let ws = words(name);
    let mut found: Vec<Recognised> = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let mut step = 1;
        let mut hit = None;
        for d in &t.distros {
            // A codename stands alone or ends a word (`puppetprecise`).
            let codename = |c: &&String| ws[i] == **c || (c.len() >= 5 && ws[i].ends_with(c.as_str()));
            if let Some((_, release)) = d.codenames.iter().find(|(c, _)| codename(c)) {
                hit = Some(classify(d, Some(release.clone())));
                break;
            }
            if let Some(n) = d.words.iter().find_map(|w| matches_at(&ws, i, w)) {
                step = n;
                hit = Some(classify(d, release_of(d, &ws[i + n..])));
                break;
            }
        }
        if hit.is_none() {
            if let Some((family, _)) = t
                .unsupported
                .iter()
                .find(|(_, keys)| keys.iter().any(|k| names(&ws[i], k)))
            {
                hit = Some(Recognised::Unsupported { family });
            }
        }
        if let Some(h) = hit {
            if h.is_definite() {
                return h;
            }
            found.push(h);
        }
        i += step;
    }
    found.into_iter().next().unwrap_or(Recognised::Nothing)
}

/// What a box URL says: its path (the host names no box), read as a name.
pub fn recognise_url(url: &str) -> Recognised {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, p)| p),
        None => url,
    };
    recognise(path)
}

/// What a login user says: the distribution whose images log in as it.
pub fn recognise_login(user: &str) -> Recognised {
    let t = table();
    t.login
        .get(user)
        .and_then(|name| t.distros.iter().find(|d| &d.name == name))
        .map_or(Recognised::Nothing, |d| classify(d, None))
}

/// What a box says by its name (a URL too: Vagrant takes one as the box),
/// then by its `box_url` when the name leaves the release open; `true` when
/// the answer came from the URL.
pub fn recognise_box(name: &str, url: Option<&str>) -> (Recognised, bool) {
    let by_name = if name.contains("://") {
        recognise_url(name)
    } else {
        recognise(name)
    };
    if by_name.is_definite() {
        return (by_name, false);
    }
    match url.map(recognise_url) {
        Some(by_url) if by_url.is_definite() || (by_name == Recognised::Nothing && by_url != Recognised::Nothing) => {
            (by_url, true)
        }
        _ => (by_name, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_letters_numbers_and_drop_the_arch() {
        assert_eq!(words("CentOS-6.4-x86_64-v20130731"), ["centos", "6.4", "v", "20130731"]);
        assert_eq!(words("centos6_64"), ["centos", "6", "64"]);
        assert_eq!(
            words("ubuntu-server-12042-x64-vbox4210"),
            ["ubuntu", "server", "12042", "vbox", "4210"]
        );
    }

    #[test]
    fn release_spellings() {
        let os = |n: &str| match recognise(n) {
            Recognised::Release { os, .. } => os,
            other => format!("{other:?}"),
        };
        assert_eq!(os("ubuntu-server-12042-x64-vbox4210"), "ubuntu-12.04");
        assert_eq!(os("ubuntu-14-04-LTS-x64"), "ubuntu-14.04");
        assert_eq!(os("centos6_64"), "centos-6");
        assert_eq!(os("Centos65_x64"), "centos-6");
        assert_eq!(os("debian-73-x64-virtualbox-puppet"), "debian-7");
        assert_eq!(os("bento/debian-10"), "debian-10");
        assert_eq!(os("centos/stream9"), "centos-stream-9");
        assert_eq!(os("oracle11g-xe-oel7"), "oracle-7");
        assert_eq!(os("amzn2"), "amazon-linux-2");
    }

    #[test]
    fn what_is_not_a_release() {
        assert!(matches!(recognise("centos"), Recognised::Family { .. }));
        assert!(matches!(recognise("ubuntu-26.04"), Recognised::Newer { .. }));
        assert!(matches!(recognise("ubuntu-11.10-server"), Recognised::Old { .. }));
        assert!(matches!(
            recognise("StefanScherer/windows_10"),
            Recognised::Unsupported { family: "Windows" }
        ));
        assert_eq!(recognise("acme/golden-2019"), Recognised::Nothing);
        assert_eq!(recognise("dummy"), Recognised::Nothing);
    }
}
