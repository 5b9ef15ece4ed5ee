//! The operating system a machine is planned on when nothing names its image:
//! what its box name says, then its `box_url`, then the provider blocks
//! (vagrant-aws's `dummy` box, whose `:aws` block names the AMI and its login
//! user), with a diagnostic whenever the answer is less than the box's release.

use super::boxes::{self, Recognised};
use super::steps::{jstr, Builder};
use super::*;

/// Where what was recognised came from, for messages.
struct Evidence {
    said: Recognised,
    /// ``"the box `precise64`"``, ``"the box `base` (by its box_url)"``.
    by: String,
}

/// What the machine's box, box URL and provider blocks say, best first.
fn evidence(m: &Machine, box_name: &str) -> Evidence {
    let the_box = if box_name.is_empty() {
        "the machine, which names no box,".to_string()
    } else {
        format!("the box `{box_name}`")
    };
    let (said, by_url) = boxes::recognise_box(box_name, m.box_url.as_deref());
    let by = if by_url {
        format!("{the_box} (by its box_url)")
    } else {
        the_box.clone()
    };
    if said.is_definite() {
        return Evidence { said, by };
    }
    let mut best = Evidence { said, by };
    let aws_override = m.overrides.get("aws");
    let candidates = [
        aws_override
            .and_then(|o| jstr(o.get("box")))
            .map(|b| (boxes::recognise(&b), format!("by the :aws block's box `{b}`"))),
        aws_override
            .and_then(|o| jstr(o.get("ssh.username")))
            .or_else(|| m.ssh_username.clone())
            .map(|u| (boxes::recognise_login(&u), format!("by its login user `{u}`"))),
    ];
    for (said, how) in candidates.into_iter().flatten() {
        let better = said.is_definite() || best.said == Recognised::Nothing;
        if better && said != Recognised::Nothing {
            let definite = said.is_definite();
            best = Evidence {
                said,
                by: format!("{the_box} ({how})"),
            };
            if definite {
                break;
            }
        }
    }
    best
}

impl Builder<'_> {
    /// The table OS a machine's box is, or `None` (said why) when the plan
    /// must leave the machine out. `ami` is an explicit AMI (which then still
    /// needs an OS for its steps).
    pub(super) fn os_of_box(&mut self, m: &Machine, box_name: &str, ami: Option<&str>) -> Option<String> {
        let name = &m.name;
        let set_image = format!(
            "set [machines.{name}] image = one of {} in puppetlift.toml",
            images::known_images().join(", ")
        );
        let Evidence { said, by } = evidence(m, box_name);
        match said {
            Recognised::Release { os, .. } => Some(os),
            Recognised::Old {
                distro,
                release,
                current,
            } => {
                self.warn(
                    "end-of-life-image",
                    format!(
                        "machine `{name}`: {by} is {distro} {release}, older than every supported {distro} release (past its end of life); planned on {current} instead"
                    ),
                    &format!("check the manifests on {current}, or set [machines.{name}] image explicitly"),
                );
                Some(current.to_string())
            }
            Recognised::Family { distro, current } => {
                self.warn(
                    "unknown-box",
                    format!(
                        "machine `{name}`: {by} is {distro}, but nothing says which release; planned and checked on {current}"
                    ),
                    &format!("if the box is another release, {set_image}"),
                );
                Some(current.to_string())
            }
            Recognised::Newer { distro, release } => {
                self.error(
                    "unknown-box",
                    format!("machine `{name}`: {by} is {distro} {release}, a release puppetlift's image table does not have yet"),
                    &format!("{set_image} (the nearest release it knows)"),
                );
                None
            }
            Recognised::Unsupported { family } => {
                self.error(
                    "unsupported-os",
                    format!(
                        "machine `{name}`: {by} is {family}, which puppetlift does not support: it plans Linux images that install packages with apt or dnf"
                    ),
                    &format!(
                        "leave the machine out of the conversion, or if the box is in fact Linux, {set_image}"
                    ),
                );
                None
            }
            Recognised::Nothing => {
                let known = match ami {
                    Some(ami) => format!(
                        "; the provider block launches AMI `{ami}`, but nothing says which operating system it runs"
                    ),
                    None => String::new(),
                };
                self.error(
                    "unknown-box",
                    format!(
                        "machine `{name}`: puppetlift does not know which operating system {} is{known}; its code is not checked",
                        if box_name.is_empty() { "it runs: it names no box".to_string() } else { format!("the box `{box_name}`") }
                    ),
                    &format!("{set_image} (with an AMI id or SSM parameter if needed)"),
                );
                None
            }
        }
    }
}
