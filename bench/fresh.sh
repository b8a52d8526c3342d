#!/usr/bin/env bash
# Issue 25's fresh builds, side by side in the same rounds: 10,000 markdown articles built
# by briefing (this tree's and, if given, an older binary), Hugo, Zola (when on PATH) and
# the floor (bare pulldown-cmark, examples/floor.rs), in memory (tmpfs) and on disk; then
# 10,000 articles with 20,000 claims on disk, with peak RSS. Each round runs every tool once
# per hyperfine call, in turns, so the machine's drift hits them all alike.
#
#   bash bench/fresh.sh [OLD_BIN] [ROUNDS]        (default: no old binary, 3 rounds)
#
# MEM (default /dev/shm/briefing-fresh) and DISK (default target/bench-fresh) say where.
# Needs hyperfine and hugo (Debian: apt-get install --no-install-recommends hyperfine hugo).
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:+$(realpath "$1")}
rounds=${2:-3}
command -v hyperfine >/dev/null || { echo "install hyperfine"; exit 2; }
command -v hugo >/dev/null || { echo "install hugo"; exit 2; }
cargo build --release --quiet --examples
cargo build --release --quiet
new=$PWD/target/release/briefing
floor=$PWD/target/release/examples/floor
mem=${MEM:-/dev/shm/briefing-fresh}
disk=${DISK:-$PWD/target/bench-fresh}

corpus() {  # DIR: 10,000 markdown articles for briefing, Hugo and Zola
  rm -rf "$1" && mkdir -p "$1"
  ./target/release/examples/corpus "$1/b" 10000 0 1 --hugo "$1/h" --zola "$1/z" >/dev/null
  # The corpus writes half its articles as plain text; their bodies are markdown too, and
  # Hugo and Zola get all 10,000 as markdown: so does briefing.
  for f in "$1"/b/content/articles/*.txt; do mv "$f" "${f%.txt}.md"; done
}

fresh() {  # DIR LABEL: every tool once per round, fresh output each run
  local d=$1 cmds=()
  cmds+=(-n "briefing" --prepare "rm -rf $d/b/output $d/b/.briefing; sync" "$new build -q --root $d/b")
  [ -n "$old" ] && cmds+=(-n "briefing (old)" --prepare "rm -rf $d/b/output $d/b/.briefing; sync" "$old build -q --root $d/b")
  cmds+=(-n "hugo" --prepare "rm -rf $d/h/public; sync" "hugo --quiet -s $d/h")
  command -v zola >/dev/null && cmds+=(-n "zola" --prepare "rm -rf $d/z/public; sync" "zola --root $d/z build")
  cmds+=(-n "floor" --prepare "rm -rf $d/f; sync" "$floor $d/b $d/f")
  for r in $(seq "$rounds"); do
    hyperfine -N --warmup 1 --runs 3 --export-json "$d/round-$r.json" "${cmds[@]}" >/dev/null
  done
  python3 - "$2" "$d"/round-*.json <<'EOF'
import json, statistics, sys
label, files = sys.argv[1], sys.argv[2:]
times = {}
for f in files:
    for r in json.load(open(f))["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
for cmd, ts in times.items():
    print(f"{label:5} {cmd:16} median {statistics.median(ts):.3f} s  range {min(ts):.3f}-{max(ts):.3f}  n={len(ts)}")
EOF
}

echo "== 10,000 markdown articles, fresh ($rounds rounds of 3 runs each)"
corpus "$mem"; fresh "$mem" tmpfs; rm -rf "$mem"
corpus "$disk"; fresh "$disk" disk

echo "== 10,000 articles / 20,000 claims, fresh, on disk"
rm -rf "$disk/c"
./target/release/examples/corpus "$disk/c" 10000 20000 1 >/dev/null
for r in $(seq "$rounds"); do
  for bin in "$new" ${old:+"$old"}; do
    rm -rf "$disk/c/output" "$disk/c/.briefing"; sync
    /usr/bin/time -f "$([ "$bin" = "$new" ] && echo new || echo old) %e s, peak RSS %M KB" "$bin" build -q --root "$disk/c"
  done
done
