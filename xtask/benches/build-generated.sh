#!/bin/sh
# Paired debug builds of generated crates, for BENCHMARKS.md ("One request type"): each
# crate is built once to warm its dependencies, then each measurement removes only the
# crate's own artifacts (`cargo clean -p`) and builds it again, non-incremental, the crates
# taking turns so that a change in the machine's load hits every one alike.
#
#   xtask/benches/build-generated.sh RUNS TARGET_DIR FEATURES CRATE_DIR...
#
# FEATURES is passed to `cargo build` as it is ("" for the default features,
# "--all-features"). Every crate shares TARGET_DIR, so the dependencies are built once;
# a crate may be a member of a workspace (its own package is built). Prints one line per
# build (`folder seconds`), then the median of each folder.
set -eu
runs=${1:?usage: build-generated.sh RUNS TARGET_DIR FEATURES CRATE_DIR...}
target=${2:?usage}
features=${3?usage}
shift 3
export CARGO_TARGET_DIR="$target" CARGO_INCREMENTAL=0
package() { sed -n 's/^name = "\(.*\)"/\1/p' "$1/Cargo.toml" | head -n 1; }
for dir in "$@"; do
  # shellcheck disable=SC2086
  (cd "$dir" && cargo build --offline -q $features)
done
log=$(mktemp)
i=0
while [ "$i" -lt "$runs" ]; do
  for dir in "$@"; do
    pkg=$(package "$dir")
    (cd "$dir" && cargo clean --offline -q -p "$pkg")
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    (cd "$dir" && cargo build --offline -q $features)
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc)
    echo "$dir $secs" | tee -a "$log"
  done
  i=$((i + 1))
done
echo "medians:"
for dir in "$@"; do
  grep "^$dir " "$log" | awk '{print $2}' | sort -n | awk -v p="$dir" \
    '{a[NR]=$1} END {printf "%s %.2f s (%d runs)\n", p, a[int((NR+1)/2)], NR}'
done
rm -f "$log"
