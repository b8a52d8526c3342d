#!/usr/bin/env bash
# Issue 25's row for the repository's own briefing: a fresh build into an empty output
# and cache folder, on tmpfs and on disk, this tree's binary and (if given) an older one in
# turns, ROUNDS hyperfine calls each (40 runs, 5 warm-ups). On disk the last output is
# moved aside, not deleted (see fresh.sh: ext4's recently freed inodes), and deleted at
# the end.
#
#   bash bench/small.sh [OLD_BIN] [ROUNDS]        (default: no old binary, 2 rounds)
#
# MEM (default /dev/shm/briefing-small) and DISK (default target/bench-small) say where.
# Needs hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:+$(realpath "$1")}
rounds=${2:-2}
command -v hyperfine >/dev/null || { echo "install hyperfine"; exit 2; }
cargo build --release --quiet
new=$PWD/target/release/briefing
mem=${MEM:-/dev/shm/briefing-small}
disk=${DISK:-$PWD/target/bench-small}
time_in() {  # DIR LABEL BIN
  local d=$1 o="$1/o" c="$1/c"
  # Through `sh -c`: with -N, hyperfine runs --prepare without a shell too.
  local aside="sh -c 'mkdir -p $d/aside; for x in $o $c; do [ ! -e \$x ] || mv \$x $d/aside/\$\$-\$(date +%s%N); done'"
  hyperfine -N --warmup 5 --runs 40 --prepare "$aside" "$3 build -q --root . --output $o --cache-dir $c" 2>/dev/null |
    grep -E "Time|Range" | awk -v l="$2" '{print l, $0}'
}
for r in $(seq "$rounds"); do
  for where in "$mem" "$disk"; do
    mkdir -p "$where"
    time_in "$where" "round $r, $where, new:" "$new"
    [ -n "$old" ] && time_in "$where" "round $r, $where, old:" "$old"
  done
done
rm -rf "$mem" "$disk"
