#!/usr/bin/env bash
# Install step for the provisioning tests: a pristine Debian 12 (bookworm) root,
# built once with debootstrap (its default mirror), under target/, with the
# packages the generated boot scripts install (puppet-agent and Puppet's core type
# modules; puppetserver and ruby for the master) and those the cloud-init test adds
# as Debian's cloud images have them (cloud-init, locales) fetched into its apt
# cache, so the tests' apt-get installs from the cache. The tests copy it fresh for
# each run; they never download the base themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
base=target/debian-bookworm-base
if [ -x "$base/usr/bin/apt-get" ] && [ -e "$base/var/lib/puppetlift-base-ready-3" ]; then
  exit 0
fi
rm -rf "$base.tmp"
mkdir -p target
log=target/debian-bookworm-base.log
debootstrap --variant=minbase bookworm "$base.tmp" > "$log" 2>&1 || { tail -20 "$log"; exit 1; }
cp /etc/resolv.conf "$base.tmp/etc/resolv.conf"
chroot "$base.tmp" sh -c 'apt-get update -q && apt-get install -y -q --download-only puppet-agent puppetserver ruby cloud-init locales puppet-module-puppetlabs-host-core puppet-module-puppetlabs-cron-core puppet-module-puppetlabs-mount-core puppet-module-puppetlabs-sshkeys-core puppet-module-puppetlabs-augeas-core puppet-module-puppetlabs-selinux-core' >> "$log" 2>&1 || { tail -20 "$log"; exit 1; }
# The boot scripts run `apt-get update` themselves; the base keeps no lists.
rm -rf "$base.tmp"/var/lib/apt/lists/*
mkdir -p "$base.tmp/var/lib/apt/lists/partial"
touch "$base.tmp/var/lib/puppetlift-base-ready-3"
rm -rf "$base"
mv "$base.tmp" "$base"
