//! ## What it does
//! Finds code that names the network interface of Vagrant's private network:
//! `eth1` (or `eth2`...), VirtualBox's `enp0s8`, `enp0s9`, `enp0s10`, and
//! the facts named after them (`$ipaddress_eth1`, `$::ipaddress_enp0s8`,
//! `$facts['networking']['interfaces']['eth1']`), in manifests, templates,
//! hiera data and shell scripts.
//!
//! ## Why is this bad on EC2?
//! A Vagrant box has a NAT adapter first and the private network's adapter
//! second, so code found "its" address on `eth1`. An EC2 instance has one
//! interface, `ens5` on current Ubuntu and Debian images (`eth0` on some
//! others), carrying the VPC address: `eth1` does not exist. The fact is
//! undefined (an error under Puppet 8's strict variables, an empty address
//! in a config file otherwise) and `ifconfig eth1` fails.
//!
//! ## Example
//! ```puppet
//! $listen = $::ipaddress_eth1
//! ```
//! Use instead:
//! ```puppet
//! $listen = $facts['networking']['ip']   # the primary interface's address
//! ```
//!
//! ## References
//! Vagrant, "Private Networks"; AWS, "Elastic network interfaces" (the
//! primary interface); Facter, "Core facts: networking".

use super::context::Context;
use super::scan;
use super::Check;
use crate::diagnostic::{Diagnostic, Severity};
use crate::puppet::lexer::TokenKind;

/// The check.
pub const CHECK: Check = Check {
    name: "vagrant-nic-name",
    source: include_str!("vagrant_nic_name.rs"),
    stops_build: false,
    run,
};

/// The interface names of a Vagrant box's second (and later) adapters in `text`.
fn find(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (i, _) in text.match_indices("eth").chain(text.match_indices("enp0s")) {
        if i > 0 && bytes[i - 1].is_ascii_alphanumeric() {
            continue;
        }
        let start_digits = if text[i..].starts_with("eth") { i + 3 } else { i + 5 };
        let digits = text[start_digits..].chars().take_while(char::is_ascii_digit).count();
        let end = start_digits + digits;
        let n = &text[start_digits..end];
        let second = if text[i..].starts_with("eth") {
            matches!(n, "1" | "2" | "3")
        } else {
            matches!(n, "8" | "9" | "10")
        };
        if second && !text[end..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            out.push((i, end));
        }
    }
    out
}

fn run(p: &Context) -> Vec<Diagnostic> {
    let images = scan::image_names(&p.targets.iter().collect::<Vec<_>>());
    let message = |name: &str| {
        format!("`{name}` is the interface of Vagrant's private network; an EC2 instance on {images} has one interface (`ens5` or `eth0`) and no `{name}`")
    };
    let help = "use the primary interface's facts: `$facts['networking']['ip']` or `$facts['networking']['primary']`";
    let mut out = Vec::new();
    let mut push = |d: Diagnostic| out.push(d.with_help(help));
    for m in &p.manifests {
        for t in &m.tokens().tokens {
            let kinds = [
                TokenKind::Variable,
                TokenKind::SqString,
                TokenKind::DqString,
                TokenKind::HeredocBody,
                TokenKind::Name,
                TokenKind::Word,
            ];
            if !kinds.contains(&t.kind) {
                continue;
            }
            let text = &m.source.text[t.span.range()];
            for (a, b) in find(text) {
                let at = t.span.start as usize;
                push(p.at(
                    CHECK.name,
                    Severity::Error,
                    &m.source,
                    at + a,
                    at + b,
                    message(&text[a..b]),
                ));
            }
        }
    }
    let files = p
        .templates
        .iter()
        .chain(p.hiera_data.iter())
        .chain(p.other_files.iter().filter(|f| f.path.ends_with(".sh")));
    for f in files {
        for (at, line) in scan::code_lines(&f.text) {
            for (a, b) in find(line) {
                push(p.at(CHECK.name, Severity::Error, f, at + a, at + b, message(&line[a..b])));
            }
        }
    }
    for s in &p.scripts {
        for (at, line) in scan::code_lines(&s.text) {
            for (a, b) in find(line) {
                push(p.in_script(CHECK.name, Severity::Error, s, at + a, at + b, message(&line[a..b])));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::find;

    fn found(t: &str) -> Vec<&str> {
        find(t).into_iter().map(|(a, b)| &t[a..b]).collect()
    }

    #[test]
    fn second_adapters_and_lookalikes() {
        assert_eq!(found("$::ipaddress_eth1"), ["eth1"]);
        assert_eq!(found("ip addr show enp0s8 | grep inet"), ["enp0s8"]);
        assert_eq!(found("['interfaces']['eth2']"), ["eth2"]);
        assert!(found("eth0 ens5 eth10 ethernet method1 enp0s3 $ipaddress").is_empty());
    }
}
