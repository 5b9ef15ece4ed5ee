#!/usr/bin/env bash
# Install step for the provisioning test: a pristine Debian 12 (bookworm) root,
# built once with debootstrap from Debian's package mirror, under target/.
# The test copies it fresh for each run; it never downloads the base itself.
set -euo pipefail
cd "$(dirname "$0")/.."
base=target/debian-bookworm-base
if [ -x "$base/usr/bin/apt-get" ]; then
  exit 0
fi
rm -rf "$base.tmp"
mkdir -p target
debootstrap --variant=minbase bookworm "$base.tmp" http://deb.debian.org/debian > target/debian-bookworm-base.log 2>&1 || { tail -20 target/debian-bookworm-base.log; exit 1; }
rm -rf "$base"
mv "$base.tmp" "$base"
