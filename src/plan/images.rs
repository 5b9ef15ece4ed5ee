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
    /// The row this OS is planned as, without a diagnostic (`el-8` is `rocky-8`).
    pub alias: Option<String>,
    /// The account that publishes the AMIs, when AWS has no public SSM parameter.
    pub ami_owner: Option<String>,
    /// The AMI name pattern (`*` wildcards) of that owner's images.
    pub ami_name: Option<String>,
}

/// How a box's release number is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum VersionStyle {
    /// Ubuntu's `YY.MM`: 12.04, 1204, 12042, 14-04.
    #[serde(rename = "year.month")]
    YearMonth,
    /// One major number: 7, 7.3, 73.
    #[serde(rename = "major")]
    Major,
}

/// A distribution as box names spell it.
#[derive(Debug, Deserialize)]
pub struct Distro {
    /// Its name for messages (`Ubuntu`).
    pub name: String,
    /// The `[os]` rows of its releases are `PREFIX-RELEASE`.
    pub prefix: String,
    /// Words naming it (a space: consecutive words, as in `centos stream`).
    pub words: Vec<String>,
    /// How its release numbers are spelled.
    pub version: VersionStyle,
    /// The row a box naming it without a (supported) release is planned on.
    pub current: String,
    /// Codename -> release.
    #[serde(default)]
    pub codenames: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Table {
    #[serde(rename = "distro")]
    pub(super) distros: Vec<Distro>,
    /// Login user -> distro name.
    pub(super) login: BTreeMap<String, String>,
    /// Family name -> words naming it.
    pub(super) unsupported: BTreeMap<String, Vec<String>>,
    pub(super) os: BTreeMap<String, OsRow>,
}

pub(super) fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        toml::from_str(include_str!("../../targets/images.toml")).unwrap_or(Table {
            distros: vec![],
            login: BTreeMap::new(),
            unsupported: BTreeMap::new(),
            os: BTreeMap::new(),
        })
    })
}

/// The newest AMI of an owner whose name matches, resolved at deploy time
/// (`aws ec2 describe-images`), for images without a public SSM parameter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AmiLookup {
    /// The publisher's AWS account id.
    pub owner: String,
    /// The AMI name pattern.
    pub name: String,
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
    /// The publisher's newest AMI, when there is no SSM parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ami_lookup: Option<AmiLookup>,
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
        if let Some(same) = &row.alias {
            name = same.clone();
            continue;
        }
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
                ami_lookup: match (&row.ami_owner, &row.ami_name) {
                    (Some(owner), Some(name)) => Some(AmiLookup {
                        owner: owner.clone(),
                        name: name.clone(),
                    }),
                    _ => None,
                },
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
        .filter(|(_, r)| r.eol.is_none() && r.alias.is_none())
        .map(|(k, _)| k.as_str())
        .collect()
}
