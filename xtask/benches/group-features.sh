#!/bin/sh
# Paired debug builds for BENCHMARKS.md ("A Cargo feature per group"): one generated crate
# with a feature per group, built with no group (`--no-default-features --features rustls`),
# with each of GROUPS alone (`--features rustls,GROUP`) and with every group (its default
# features, `full`), and the same document generated without group features (default
# features), taking turns. As in
# build-generated.sh, the dependencies are built first and each measurement removes only the
# crate's own artifacts (`cargo clean -p`), non-incremental.
#
#   xtask/benches/group-features.sh RUNS TARGET_DIR GROUPS_CRATE_DIR GROUP[,GROUP...] PLAIN_CRATE_DIR
#
# The crates (from `cargo xtask generate --group-features` and without it) must have
# different package names, as they share TARGET_DIR. Prints one line per build, then the
# median of each.
set -eu
usage="usage: group-features.sh RUNS TARGET_DIR GROUPS_CRATE_DIR GROUP[,GROUP...] PLAIN_CRATE_DIR"
runs=${1:?$usage}
target=${2:?$usage}
groups=${3:?$usage}
group=${4:?$usage}
plain=${5:?$usage}
export CARGO_TARGET_DIR="$target" CARGO_INCREMENTAL=0
package() { sed -n 's/^name = "\(.*\)"/\1/p' "$1/Cargo.toml" | head -n 1; }
# label|dir|cargo build arguments
set -- "no-group|$groups|--no-default-features --features rustls"
for g in $(echo "$group" | tr ',' ' '); do
  set -- "$@" "$g|$groups|--no-default-features --features rustls,$g"
done
set -- "$@" "full|$groups|" "no-group-features|$plain|"
for run in "$@"; do
  dir=$(echo "$run" | cut -d'|' -f2)
  args=$(echo "$run" | cut -d'|' -f3)
  # shellcheck disable=SC2086
  (cd "$dir" && cargo build -q $args)
done
log=$(mktemp)
i=0
while [ "$i" -lt "$runs" ]; do
  for run in "$@"; do
    label=$(echo "$run" | cut -d'|' -f1)
    dir=$(echo "$run" | cut -d'|' -f2)
    args=$(echo "$run" | cut -d'|' -f3)
    (cd "$dir" && cargo clean --offline -q -p "$(package "$dir")")
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    (cd "$dir" && cargo build --offline -q $args)
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc)
    echo "$label $secs" | tee -a "$log"
  done
  i=$((i + 1))
done
echo "medians:"
for run in "$@"; do
  label=$(echo "$run" | cut -d'|' -f1)
  grep "^$label " "$log" | awk '{print $2}' | sort -n | awk -v p="$label" \
    '{a[NR]=$1} END {printf "%s %.2f s (%d runs)\n", p, a[int((NR+1)/2)], NR}'
done
rm -f "$log"
