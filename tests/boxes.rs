//! Every box name the 100 published real projects use (from Vagrant's own
//! evaluation of each, and from the Vagrantfiles Vagrant did not load), with
//! the operating system it is, judged by reading the name (and its box_url)
//! by hand: the expected column is what the box is, not what the code said.

use puppetlift::plan::boxes::{recognise_box, Recognised};

/// (box, box_url, expected): a table row (`ubuntu-12.04`), `old:ROW` (a release
/// past its end of life the table does not list, planned on ROW), `family:ROW`
/// (the distribution but no release, planned on ROW), `unsupported:FAMILY`, or
/// `unknown` (the name says nothing about its OS).
const REAL_BOXES: &[(&str, Option<&str>, &str)] = &[
    ("Arch_Linux_2013.11_x64", None, "unsupported:Arch Linux"),
    ("CentOS-6-64bit", None, "centos-6"),
    ("Centos-6.4-x86_64_puppet_2013-06-11", None, "centos-6"),
    (
        "Centos65_x64",
        Some("http://puppet-vagrant-boxes.puppetlabs.com/centos-65-x64-virtualbox-puppet.box"),
        "centos-6",
    ),
    ("Elexis-Wheezy-amd64", None, "debian-7"),
    ("SL6", None, "scientific-6"),
    ("StefanScherer/windows_10", None, "unsupported:Windows"),
    ("archlinux/archlinux", None, "unsupported:Arch Linux"),
    (
        "armstrong",
        Some("https://boxes.armstrongcms.org.s3.amazonaws.com/armstrong.box"),
        "unknown",
    ),
    ("aspyatkin/ubuntu-18.04-server", None, "ubuntu-18.04"),
    ("base", Some("http://files.vagrantup.com/precise32.box"), "ubuntu-12.04"),
    ("bento/centos-7", None, "centos-7"),
    ("bento/centos-7.2", None, "centos-7"),
    (
        "bento/ubuntu-16.04",
        Some("https://vagrantcloud.com/bento/boxes/ubuntu-16.04"),
        "ubuntu-16.04",
    ),
    ("bento/ubuntu-16.04", None, "ubuntu-16.04"),
    ("bento/ubuntu-20.04", None, "ubuntu-20.04"),
    ("bento/ubuntu-22.04", None, "ubuntu-22.04"),
    ("box", None, "unknown"),
    ("c7g-puppet", None, "unknown"),
    (
        "centos",
        Some("http://developer.nrel.gov/downloads/vagrant-boxes/CentOS-6.4-x86_64-v20131103.box"),
        "centos-6",
    ),
    (
        "centos-6.5",
        Some("https://vagrantcloud.com/chef/centos-6.5/version/1/provider/virtualbox.box"),
        "centos-6",
    ),
    ("centos/7", None, "centos-7"),
    (
        "centos6",
        Some("https://s3.amazonaws.com/itmat-public/centos-6.3-chef-10.14.2.box"),
        "centos-6",
    ),
    (
        "centos64",
        Some("http://puppet-vagrant-boxes.puppetlabs.com/centos-64-x64-vbox4210.box"),
        "centos-6",
    ),
    ("chef/centos-6.5", None, "centos-6"),
    (
        "debian-73-x64-virtualbox-puppet",
        Some("http://puppet-vagrant-boxes.puppetlabs.com/debian-73-x64-virtualbox-puppet.box"),
        "debian-7",
    ),
    ("debian-73-x64-virtualbox-puppet", None, "debian-7"),
    ("debian/bullseye64", None, "debian-11"),
    ("debian/jessie64", None, "debian-8"),
    (
        "debian/wheezy64",
        Some("https://vagrantcloud.com/debian/boxes/wheezy64/versions/7.9.1/providers/virtualbox.box"),
        "debian-7",
    ),
    ("digital_ocean", None, "unknown"),
    (
        "dummy",
        Some("https://github.com/mitchellh/vagrant-aws/raw/master/dummy.box"),
        "unknown",
    ),
    ("dummy", None, "unknown"),
    (
        "elexisDev",
        Some("http://files.vagrantup.com/precise64.box"),
        "ubuntu-12.04",
    ),
    ("fedora/23-cloud-base", None, "old:fedora-42"),
    ("fedora/25-cloud-base", None, "old:fedora-42"),
    ("fgrehm/trusty64-lxc", None, "ubuntu-14.04"),
    ("giseongeom/centos7-64", None, "centos-7"),
    ("hashicorp/precise64", None, "ubuntu-12.04"),
    ("icalvete/ror-ubuntu-18.04-64-puppet", None, "ubuntu-18.04"),
    ("jhcook/centos7", None, "centos-7"),
    (
        "lucid32",
        Some("http://files.vagrantup.com/lucid32.box"),
        "ubuntu-10.04",
    ),
    ("lucid32", None, "ubuntu-10.04"),
    (
        "lucid64",
        Some("http://files.vagrantup.com/lucid64.box"),
        "ubuntu-10.04",
    ),
    ("lucid64", None, "ubuntu-10.04"),
    ("naga/oel66", Some("naga/oel66"), "oracle-6"),
    ("nrel/CentOS-6.5-x86_64", None, "centos-6"),
    ("parallels/ubuntu-12.04", None, "ubuntu-12.04"),
    (
        "precise32",
        Some("http://files.vagrantup.com/precise32.box"),
        "ubuntu-12.04",
    ),
    (
        "precise32",
        Some("http://files.vagrantup.comprecise32.box"),
        "ubuntu-12.04",
    ),
    ("precise32", None, "ubuntu-12.04"),
    (
        "precise64",
        Some("http://mirror.usj.edu.mo/vagrant-boxes/ubuntu-12.04.1-server-amd64-vb4.2.4.box"),
        "ubuntu-12.04",
    ),
    ("precise64", None, "ubuntu-12.04"),
    ("baremettle/ubuntu-14.04", None, "ubuntu-14.04"),
    ("puphpet/ubuntu1404-x64", None, "ubuntu-14.04"),
    (
        "puppethardy",
        Some("http://vagrantboxes.tools.softecspa.it/puppethardy.box"),
        "old:ubuntu-22.04",
    ),
    ("puppetlabs/centos-6.6-32-puppet", None, "centos-6"),
    ("puppetlabs/centos-6.6-64-nocm", None, "centos-6"),
    ("puppetlabs/centos-6.6-64-puppet", None, "centos-6"),
    ("puppetlabs/centos-7.0-64-puppet-enterprise", None, "centos-7"),
    ("puppetlabs/centos-7.2-64-puppet", None, "centos-7"),
    ("puppetlabs/debian-7.6-64-puppet", None, "debian-7"),
    ("puppetlabs/ubuntu-12.04-64-nocm", None, "ubuntu-12.04"),
    ("puppetlabs/ubuntu-12.04-64-puppet", None, "ubuntu-12.04"),
    ("puppetlabs/ubuntu-14.04-64-puppet", None, "ubuntu-14.04"),
    (
        "puppetlucid",
        Some("http://vagrantboxes.tools.softecspa.it/puppetlucid.box"),
        "ubuntu-10.04",
    ),
    (
        "puppetmaster",
        Some("http://vagrantboxes.tools.softecspa.it/puppetmaster.box"),
        "unknown",
    ),
    (
        "puppetprecise",
        Some("http://vagrantboxes.tools.softecspa.it/puppetprecise.box"),
        "ubuntu-12.04",
    ),
    ("quantal64", None, "old:ubuntu-22.04"),
    (
        "rehabstudio-1",
        Some("http://box.puphpet.com/ubuntu-precise12042-x64-vbox43.box"),
        "ubuntu-12.04",
    ),
    ("sdi03", Some("http://files.vagrantup.com/lucid32.box"), "ubuntu-10.04"),
    ("tcl", None, "unknown"),
    (
        "trustry",
        Some("https://cloud-images.ubuntu.com/vagrant/trusty/current/trusty-server-cloudimg-amd64-vagrant-disk1.box"),
        "ubuntu-14.04",
    ),
    (
        "trusty64",
        Some("https://atlas.hashicorp.com/ubuntu/boxes/trusty64/versions/14.04/providers/virtualbox.box"),
        "ubuntu-14.04",
    ),
    ("ubuntu-11.10-server-amd64-bvox", None, "old:ubuntu-22.04"),
    (
        "ubuntu-14.04-amd64",
        Some("http://boxes.arfr.de/ubuntu-14.04-amd64.box"),
        "ubuntu-14.04",
    ),
    ("ubuntu/bionic64", None, "ubuntu-18.04"),
    ("ubuntu/focal64", None, "ubuntu-20.04"),
    ("ubuntu/jammy64", None, "ubuntu-22.04"),
    ("ubuntu/trusty32", None, "ubuntu-14.04"),
    ("ubuntu/trusty64", None, "ubuntu-14.04"),
    ("ubuntu/xenial64", None, "ubuntu-16.04"),
    (
        "ubuntu1204",
        Some("https://dl.dropbox.com/u/1543052/Boxes/UbuntuServer12.04amd64.box"),
        "ubuntu-12.04",
    ),
    (
        "ubuntu1404-puppet37dm",
        Some("https://s3.amazonaws.com/dm.vagrantfiles/trusty-server-amd64-puppet-3-7.box"),
        "ubuntu-14.04",
    ),
    ("vumi", None, "unknown"),
    ("wheezy", Some("http://files.red-tag.de/vagrant/wheezy.box"), "debian-7"),
];

/// The table's way of writing what was recognised.
fn written(r: &Recognised) -> String {
    match r {
        Recognised::Release { os, .. } => os.clone(),
        Recognised::Old { current, .. } => format!("old:{current}"),
        Recognised::Family { current, .. } => format!("family:{current}"),
        Recognised::Newer { distro, release } => format!("newer:{distro} {release}"),
        Recognised::Unsupported { family } => format!("unsupported:{family}"),
        Recognised::Nothing => "unknown".into(),
    }
}

#[test]
fn every_real_box_name_is_recognised_as_what_it_is() {
    let wrong: Vec<String> = REAL_BOXES
        .iter()
        .filter_map(|(name, url, expected)| {
            let got = written(&recognise_box(name, *url).0);
            (got != *expected).then(|| format!("{name} ({url:?}): expected {expected}, got {got}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} boxes:\n{}",
        wrong.len(),
        REAL_BOXES.len(),
        wrong.join("\n")
    );
}

#[test]
fn a_box_naming_only_its_distribution_lands_on_its_current_release() {
    assert_eq!(written(&recognise_box("debian", None).0), "family:debian-12");
    assert_eq!(written(&recognise_box("MyCentOS", None).0), "family:rocky-8");
    // The URL says the release the name left open.
    assert_eq!(
        written(&recognise_box("centos", Some("https://example.test/boxes/CentOS-7.9-x86_64.box")).0),
        "centos-7"
    );
}

/// vagrant-aws's `dummy` box: the `:aws` block's AMI is the image, and its
/// login user says the distribution when it names one.
#[test]
fn a_dummy_box_takes_its_image_from_the_aws_block() {
    use puppetlift::project::Project;
    let plan_of = |tag: &str, user: &str| {
        let dir = std::env::temp_dir().join(format!("puppetlift-dummy-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("manifests")).expect("project");
        std::fs::write(dir.join("manifests/default.pp"), "notice('on EC2')\n").expect("manifest");
        std::fs::write(
            dir.join("Vagrantfile"),
            format!(
                "Vagrant.configure(\"2\") do |config|\n  config.vm.box = \"dummy\"\n  config.vm.provider :aws do |aws, override|\n    aws.ami = \"ami-0123456789abcdef0\"\n    override.ssh.username = \"{user}\"\n  end\n  config.vm.provision :puppet\nend\n"
            ),
        )
        .expect("Vagrantfile");
        let planned = puppetlift::plan::build(&Project::load(&dir, Default::default()));
        let _ = std::fs::remove_dir_all(&dir);
        planned
    };
    let ubuntu = plan_of("ubuntu", "ubuntu");
    let node = &ubuntu.plan.nodes[0];
    assert_eq!(node.image.os, "ubuntu-22.04");
    assert_eq!(node.image.ami.as_deref(), Some("ami-0123456789abcdef0"));
    let said = ubuntu
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-box")
        .expect("a warning");
    assert!(said.message.contains("login user `ubuntu`"), "{}", said.message);

    // `ec2-user` is Amazon Linux's, RHEL's and its rebuilds': no guess.
    let ec2_user = plan_of("ec2-user", "ec2-user");
    assert!(ec2_user.plan.nodes.is_empty());
    let said = ec2_user
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-box")
        .expect("an error");
    assert!(said.message.contains("ami-0123456789abcdef0"), "{}", said.message);
}
