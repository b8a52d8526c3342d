#!/usr/bin/env bash
# Times `briefing serve` from a save to the new version, as an editor sees it: the server
# runs on a site, one claim's finding is edited (written to a temporary file and renamed
# over the claims file, as vim and VS Code's safe write do), and the time until
# /__briefing/version changes is taken, polling every 2 ms. Prints each edit's time, their
# median, the rebuilds counted over the run (exactly one per edit, or it fails), and the
# server's peak RSS.
#
#   bash bench/serve.sh SITE [EDITS] [BIN]     (default: 10 edits, target/release/briefing)
#
# SITE is a briefing (for example one made by `cargo run --release --example corpus -- DIR
# 10000 20000`, or this repository's root, which is restored on exit). Needs curl.
set -euo pipefail
site=$(cd "$1" && pwd)
edits=${2:-10}
bin=${3:-$PWD/target/release/briefing}
claims="$site/content/claims.toml"
backup=$(mktemp)
log=$(mktemp)
cp -p "$claims" "$backup"
"$bin" serve --root "$site" --port 0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; cp -p "$backup" "$claims"; rm -f "$backup" "$log"' EXIT
addr=""
for _ in $(seq 1 6000); do
  addr=$(grep -o 'http://[0-9.:]*' "$log" | head -1 || true)
  [ -n "$addr" ] && break
  sleep 0.05
done
[ -n "$addr" ] || { cat "$log"; echo "serve did not start"; exit 2; }
version() { curl -s "$addr/__briefing/version"; }
now() { date +%s%N; }
first=$(version)
times=()
for i in $(seq 1 "$edits"); do
  before=$(version)
  # One save: the first finding gets a new text, written aside and renamed over.
  sed "0,/^finding = \"/s//finding = \"Edit $i: /" "$backup" >"$claims.new"
  t0=$(now)
  mv "$claims.new" "$claims"
  while [ "$(version)" = "$before" ]; do :; done
  t1=$(now)
  times+=($(( (t1 - t0) / 1000000 )))
  sleep 1 # an idle period: any extra rebuild would show in the count below
done
last=$(version)
rebuilds=$((last - first))
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "save to new version (ms): ${times[*]}"
echo "median: ${sorted[$(( ${#sorted[@]} / 2 ))]} ms over $edits edits"
echo "rebuilds: $rebuilds for $edits saves"
grep VmHWM "/proc/$pid/status" | awk '{printf "peak RSS: %d MB\n", $2/1024}'
[ "$rebuilds" = "$edits" ] || { echo "FAIL: not one rebuild per save"; exit 1; }
