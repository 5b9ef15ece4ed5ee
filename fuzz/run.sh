#!/usr/bin/env bash
# Fuzz every target for SECONDS each (default 60), one after another, seeded
# from the fixtures and the oracles' corpora (bash ../shared/oracles/install.sh).
# A crash, a timeout (30 s for one input) or an out-of-memory (2 GiB, with the address sanitiser) fails
# the run and leaves the input in fuzz/artifacts/TARGET/; reproduce it with
#   cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-...
# and make it a regression case in tests/fuzz_regressions/.
#
#   bash fuzz/run.sh            # 60 s a target, as .ci/run does
#   bash fuzz/run.sh 3600 lint  # one target for an hour
#   JOBS=2 bash fuzz/run.sh 3600  # two workers a target
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(puppet_parse lint vagrantfile settings paths)

seed() { # TARGET FIND-ARGS...: copy matching files into the target's corpus
    local dir="corpus/$1"; shift
    mkdir -p "$dir"
    find "$@" -type f -size -64k -print0 2>/dev/null | while IFS= read -r -d '' f; do
        cp "$f" "$dir/$(sha1sum "$f" | cut -c1-40)"
    done
}
modules=/usr/share/puppet/modules.available
vagrant_rb=/usr/share/rubygems-integration/all/gems/vagrant-2.3.4
for t in "${targets[@]}"; do
    case $t in
        puppet_parse | lint) seed "$t" ../fixtures "$modules" -name '*.pp' ;;
        vagrantfile) seed "$t" ../fixtures -name 'Vagrantfile*' -o -name '*.rb'
                     seed "$t" "$vagrant_rb/plugins" -name '*.rb' ;;
        settings) seed "$t" ../fixtures -name puppetlift.toml ;;
        paths) mkdir -p corpus/paths; printf '\x00\x01\x02\x03\x04\x05\x06\x07\x08' > corpus/paths/zero ;;
        *) echo "unknown target $t" >&2; exit 2 ;;
    esac
done

for t in "${targets[@]}"; do
    cargo +nightly fuzz build -O "$t"
    echo "fuzz $t: ${seconds}s"
    cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=65536 \
        ${JOBS:+-jobs=$JOBS -workers=$JOBS} -print_final_stats=1 2>&1 \
        | grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+== ERROR|SUMMARY|Done)|panicked|deadly signal|Test unit written' \
        || { echo "fuzz $t failed"; exit 1; }
done
