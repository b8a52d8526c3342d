#!/usr/bin/env bash
# Instructions of a fresh build, counted by valgrind (cachegrind, no cache simulation):
# the measure this VM's noise does not move (wall times drift 1.5-2x from hour to hour).
# Each binary builds 1,000 markdown articles, then 1,000 articles with 2,000 claims, into
# an empty output. Rayon's idle spinning adds some instructions: differences under 1% are
# noise.
#
#   bash bench/instructions.sh BIN [BIN ...]
#
# Needs valgrind (Debian: apt-get install --no-install-recommends valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "install valgrind"; exit 2; }
cargo build --release --quiet --examples
work=${BENCH_DIR:-/dev/shm/briefing-instructions}
rm -rf "$work" && mkdir -p "$work"
./target/release/examples/corpus "$work/md" 1000 0 1 >/dev/null
for f in "$work"/md/content/articles/*.txt; do mv "$f" "${f%.txt}.md"; done
./target/release/examples/corpus "$work/claims" 1000 2000 1 >/dev/null
for bin in "$@"; do
  for site in md claims; do
    rm -rf "$work/$site/output" "$work/$site/.briefing"
    n=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
      "$(realpath "$bin")" build -q --root "$work/$site" 2>&1 | awk '/I *refs:/ {gsub(",", "", $NF); print $NF}')
    printf '%-40s %-7s %6.1f M instructions\n' "$bin" "$site" "$(echo "$n / 1000000" | bc -l)"
  done
done
