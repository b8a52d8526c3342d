#!/usr/bin/env bash
# What each table of the store saves: a one-claim edit is built with the whole store, and
# with one table (or the staging twin) deleted before the build, which then does the work
# that table saves. Prints hyperfine's summary for each.
#
#   bash bench/tables.sh SITE [RUNS] [BIN]     (default: 5 runs, target/release/briefing)
#
# SITE is built once first (so the store is full). Make one with
#   cargo run --release --example corpus -- SITE 10000 20000 1
set -euo pipefail
site=$1
runs=${2:-5}
bin=$(realpath "${3:-target/release/briefing}")
"$bin" build -q --root "$site"
edit="sed -i \"0,/^finding = \\\"Finding 0[^\\\"]*\\\"/s//finding = \\\"Finding 0 \$(date +%N)\\\"/\" $site/content/claims.toml"
args=()
for table in none fronts pieces marks record layouts tree twin; do
  args+=(--prepare "$edit; rm -rf $site/.briefing/$table; sync" -n "$table" "$bin build -q --root $site")
done
hyperfine --warmup 1 --runs "$runs" --export-markdown /dev/stdout "${args[@]}"
