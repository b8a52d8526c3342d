#!/usr/bin/env bash
# Two builds of briefing on the same site, run in turns (old, new, old, new...) so that
# the machine's drift hits both alike: a one-claim edit and an unchanged rebuild, each
# timed with its peak RSS. Each binary gets its own copy of the site, since their caches
# differ. Prints the median and range of each.
#
#   bash bench/interleave.sh OLD_BIN NEW_BIN SITE [ROUNDS]     (default: 7 rounds)
#
# SITE: this repository's own (.) or a corpus made with
#   cargo run --release --example corpus -- SITE 10000 20000 1
set -euo pipefail
old=$(realpath "$1"); new=$(realpath "$2"); site=$(realpath "$3"); rounds=${4:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for who in old new; do
  mkdir -p "$work/$who"
  cp -r "$site/briefing.toml" "$site/content" "$work/$who/"
  [ -d "$site/themes" ] && cp -r "$site/themes" "$work/$who/"
  "${!who}" build -q --root "$work/$who"
done
edit() {  # a new finding for the first claim, as an editor saves it
  sed -i "0,/^finding = \"[^\"]*\"/s//finding = \"Edited $(date +%N)\"/" "$1/content/claims.toml"
}
run() {  # BIN DIR LABEL: one timed build, "label ms kb"
  /usr/bin/time -f "$3 %e %M" -o "$work/t" "$1" build -q --root "$2"
  awk '{printf "%s %.0f %d\n", $1, $2 * 1000, $3}' "$work/t"
}
for i in $(seq "$rounds"); do
  for who in old new; do
    edit "$work/$who"; sync
    run "${!who}" "$work/$who" "$who-edit"
    run "${!who}" "$work/$who" "$who-unchanged"
  done
done | python3 -c '
import sys, statistics
rows = {}
for line in sys.stdin:
    label, ms, kb = line.split()
    rows.setdefault(label, []).append((int(ms), int(kb)))
for label, xs in rows.items():
    ms = sorted(x[0] for x in xs); kb = sorted(x[1] for x in xs)
    print(f"{label:16} median {statistics.median(ms):6.0f} ms ({ms[0]}-{ms[-1]}), peak RSS median {statistics.median(kb)/1024:6.0f} MB (max {kb[-1]/1024:.0f}), n={len(xs)}")
'
