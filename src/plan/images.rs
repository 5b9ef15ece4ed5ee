//! Vagrant box -> operating system -> AMI, from `targets/images.toml`.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Package family of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Debian and Ubuntu (apt).
    Debian,
    /// RHEL clones (dnf).
    Redhat,
    /// Amazon Linux (dnf).
    Amazon,
}

/// An operating system row of the table.
#[derive(Debug, Clone, Deserialize)]
pub struct OsRow {
    pub family: Option<Family>,
    pub distro: Option<String>,
    pub release: Option<String>,
    pub codename: Option<String>,
    pub ssm: Option<String>,
    pub login_user: Option<String>,
    #[serde(default)]
    pub puppet_os: u32,
    #[serde(default)]
    pub puppetserver_os: bool,
    pub openvox_repo: Option<String>,
    /// Its sudoers has `Defaults requiretty` (sudo refuses to run without a tty).
    #[serde(default)]
    pub sudo_requiretty: bool,
    /// Why this OS is past its end of life.
    pub eol: Option<String>,
    /// What replaces it.
    pub successor: Option<String>,
}

#[derive(Debug, Deserialize)]
struct BoxRule {
    pattern: String,
    os: String,
}

#[derive(Debug, Deserialize)]
struct Table {
    #[serde(rename = "box")]
    boxes: Vec<BoxRule>,
    os: BTreeMap<String, OsRow>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        toml::from_str(include_str!("../../targets/images.toml")).unwrap_or(Table {
            boxes: vec![],
            os: BTreeMap::new(),
        })
    })
}

/// The image a machine runs on EC2.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Image {
    /// Table name, e.g. `ubuntu-22.04`.
    pub os: String,
    pub family: Family,
    pub distro: String,
    pub release: String,
    /// SSM public parameter with the AMI id, when AWS publishes one.
    pub ssm_parameter: Option<String>,
    /// An explicit AMI id (from puppetlift.toml or the vagrant-aws block).
    pub ami: Option<String>,
    /// The default login user of the AMI.
    pub login_user: String,
    /// Puppet major version in the distribution's own packages (0: none).
    pub puppet_os: u32,
    /// The distribution packages `puppetserver` (a puppetmaster without OpenVox).
    pub puppetserver_os: bool,
    /// OpenVox release package suffix (`debian12`, `el-9`, `amazon-2023`).
    pub openvox_repo: String,
    /// Its sudoers has `Defaults requiretty`: sudo in a boot script (no tty) fails.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sudo_requiretty: bool,
}

/// `*` glob match (also the package table's names).
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(p) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            match rest.find(p) {
                Some(at) => rest = &rest[at + p.len()..],
                None => return false,
            }
        }
    }
    true
}

/// The table's OS name for a Vagrant box.
pub fn os_for_box(box_name: &str) -> Option<&'static str> {
    let lower = box_name.to_ascii_lowercase();
    table()
        .boxes
        .iter()
        .find(|r| glob(&r.pattern, &lower))
        .map(|r| r.os.as_str())
}

/// What resolving an OS name gave: the image and, when the OS is past its end
/// of life, why and what replaced it.
pub struct Resolved {
    pub image: Image,
    pub replaced: Option<(String, String)>,
}

/// The image for a table OS name, following `successor` for end-of-life releases.
pub fn resolve(os: &str) -> Option<Resolved> {
    let t = table();
    let mut name = os.to_string();
    let mut replaced = None;
    for _ in 0..4 {
        let row = t.os.get(&name)?;
        if let (Some(why), Some(next)) = (&row.eol, &row.successor) {
            if replaced.is_none() {
                replaced = Some((why.clone(), next.clone()));
            }
            name = next.clone();
            continue;
        }
        return Some(Resolved {
            image: Image {
                os: name.clone(),
                family: row.family?,
                distro: row.distro.clone()?,
                release: row.release.clone()?,
                ssm_parameter: row.ssm.clone(),
                ami: None,
                login_user: row.login_user.clone().unwrap_or_else(|| "root".into()),
                puppet_os: row.puppet_os,
                puppetserver_os: row.puppetserver_os,
                openvox_repo: row.openvox_repo.clone().unwrap_or_default(),
                sudo_requiretty: row.sudo_requiretty,
            },
            replaced: replaced.map(|(why, _)| (why, name.clone())),
        });
    }
    None
}

/// Image names the table knows (for messages).
pub fn known_images() -> Vec<&'static str> {
    table()
        .os
        .iter()
        .filter(|(_, r)| r.eol.is_none())
        .map(|(k, _)| k.as_str())
        .collect()
}
