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
#
# On disk, each tool is timed two ways. "after rm": the last output deleted just before
# (rm -rf; sync), as a user who deletes `output/` and builds again. "no recent deletes":
# the last output moved aside and deleted only at the end, as a fresh clone in CI. They
# differ because ext4 without a journal (this VM's root) will not reuse an inode freed in
# the last 60 s, or 360 s while its table block is dirty (RECENTCY_MIN, plus RECENTCY_DIRTY,
# in fs/ext4/ialloc.c): after a delete of 20,000 files, creating 20,000 more searches past
# them, and every tool's time grows with each round.
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

fresh() {  # DIR LABEL MODE: every tool once per round, fresh output each run
  local d=$1 mode=$3 cmds=()
  # How a run's last output goes: deleted now, or moved aside until the end. Through
  # `sh -c`: with -N, hyperfine runs a --prepare command without a shell too, and until
  # session 20 "rm -rf X Y; sync" here removed X and never the cache folder Y.
  gone() {
    if [ "$mode" = delete ]; then echo "sh -c 'rm -rf $*; sync'"; else
      echo "sh -c 'mkdir -p $d/aside; for x in $*; do [ ! -e \$x ] || mv \$x $d/aside/\$\$-\$(date +%s%N); done; sync'"
    fi
  }
  cmds+=(-n "briefing" --prepare "$(gone "$d/b/output" "$d/b/.briefing")" "$new build -q --root $d/b")
  [ -n "$old" ] && cmds+=(-n "briefing (old)" --prepare "$(gone "$d/b/output" "$d/b/.briefing")" "$old build -q --root $d/b")
  cmds+=(-n "hugo" --prepare "$(gone "$d/h/public")" "hugo --quiet -s $d/h")
  command -v zola >/dev/null && cmds+=(-n "zola" --prepare "$(gone "$d/z/public")" "zola --root $d/z build")
  cmds+=(-n "floor" --prepare "$(gone "$d/f")" "$floor $d/b $d/f")
  for r in $(seq "$rounds"); do
    hyperfine -N --warmup 1 --runs 3 --export-json "$d/round-$mode-$r.json" "${cmds[@]}" >/dev/null
  done
  python3 - "$2" "$d"/round-"$mode"-*.json <<'EOF'
import json, statistics, sys
label, files = sys.argv[1], sys.argv[2:]
times = {}
for f in files:
    for r in json.load(open(f))["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
for cmd, ts in times.items():
    print(f"{label:24} {cmd:16} median {statistics.median(ts):.3f} s  range {min(ts):.3f}-{max(ts):.3f}  n={len(ts)}")
EOF
}

echo "== 10,000 markdown articles, fresh ($rounds rounds of 3 runs each)"
corpus "$mem"; fresh "$mem" tmpfs delete; rm -rf "$mem"
corpus "$disk"
# The corpus's own deletes (of an earlier corpus) are let age out first.
sleep 370
fresh "$disk" "disk, no recent deletes" aside
fresh "$disk" "disk, after rm" delete
rm -rf "$disk/aside"

echo "== 10,000 articles / 20,000 claims, fresh, on disk (no recent deletes)"
rm -rf "$disk/c"
./target/release/examples/corpus "$disk/c" 10000 20000 1 >/dev/null
sleep 370
for r in $(seq "$rounds"); do
  for which in new ${old:+old}; do
    bin=$([ "$which" = new ] && echo "$new" || echo "$old")
    out="$disk/c-out-$r-$which"
    sync
    /usr/bin/time -f "$which %e s, peak RSS %M KB" \
      "$bin" build -q --root "$disk/c" --output "$out" --cache-dir "$out.cache"
  done
done
rm -rf "$disk"/c-out-*
