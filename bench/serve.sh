#!/usr/bin/env bash
# Times `briefing serve` from a save to the new version, as an open page sees it: the
# server runs on a site, one claim's text is edited (written to a temporary file and
# renamed over the claims file, as vim and VS Code's safe write do), and the time until
# the server pushes the new version on /__briefing/events is taken. Prints each edit's
# time, their median, the rebuilds counted over the run (exactly one per save, or it
# fails), and the server's peak RSS.
#
#   bash bench/serve.sh SITE [EDITS] [BIN]     (default: 10 edits, target/release/briefing)
#
# EDIT=insert: each save adds a claim above all the others instead (a copy of the first
# claim under a new id), so that every claim below moves down: what an editor does who
# adds claims at the top of the file.
#
# SITE is a briefing (for example one made by `cargo run --release --example corpus -- DIR
# 10000 20000`, or a copy of this repository's site). Its claims file is restored on exit.
# Needs curl.
set -euo pipefail
site=$(cd "$1" && pwd)
edits=${2:-10}
bin=${3:-$(cd "$(dirname "$0")/.." && pwd)/target/release/briefing}
claims="$site/content/claims.toml"
work=$(mktemp -d)
cp -p "$claims" "$work/claims.toml"
"$bin" serve --root "$site" --port 0 >"$work/log" 2>"$work/err" &
pid=$!
cleanup() {
  kill "$pid" ${listener:-} 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  cp -p "$work/claims.toml" "$claims"
  rm -rf "$work"
}
trap cleanup EXIT
addr=""
for _ in $(seq 1 6000); do
  addr=$(grep -o 'http://[0-9.:]*' "$work/log" | head -1 || true)
  [ -n "$addr" ] && break
  sleep 0.05
done
[ -n "$addr" ] || { cat "$work/err"; echo "serve did not start"; exit 2; }
# The page's side: the versions pushed, read as they arrive. The wait for each one blocks
# on the stream, and the clock is bash's own ($EPOCHREALTIME): a loop that polled a file
# every 2 ms forked two processes each time, and on two cores took CPU from the rebuild it
# was timing.
exec 3< <(curl -sN "$addr/__briefing/events")
listener=$!
# Waits for the next version pushed, and sets `version` to it (empty after 60 s). Not in a
# subshell: that would fork too.
pushed() {
  local line
  version=""
  while IFS= read -r -t 60 line <&3; do
    case "$line" in data:*) version=${line#data: }; return ;; esac
  done
}
pushed
first=${version##*.}
times=()
for i in $(seq 1 "$edits"); do
  # One save: the first claim gets a new text, written aside and renamed over. (A
  # finding changed without a correction is refused once the site is published.)
  if [ "${EDIT:-text}" = insert ]; then
    # The first [[claim]] entry, up to the next one, copied above it under a new id.
    awk -v n="$i" '/^\[\[claim\]\]/ { c++ } c == 1 { sub(/^id = "/, "id = \"added-" n "-"); print }' \
      "$work/claims.toml" >"$work/added-$i"
    for k in $(seq "$i" -1 1); do cat "$work/added-$k"; done >"$work/above"
    awk -v above="$work/above" '/^\[\[claim\]\]/ && !done { while ((getline l < above) > 0) print l; done = 1 } { print }' \
      "$work/claims.toml" >"$claims.new"
  else
    sed "0,/^claim = \"/s//claim = \"Edit $i: /" "$work/claims.toml" >"$claims.new"
  fi
  t0=$EPOCHREALTIME
  mv "$claims.new" "$claims"
  pushed
  t1=$EPOCHREALTIME
  [ -n "$version" ] || { echo "no new version within 60 s"; exit 1; }
  times+=($(((${t1/./} - ${t0/./}) / 1000)))
  sleep 2 # an idle period: any extra rebuild shows in the count below
done
last=$(curl -s "$addr/__briefing/version")
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "save to new version (ms): ${times[*]}"
echo "median: ${sorted[$((${#sorted[@]} / 2))]} ms over $edits edits"
echo "rebuilds: $((last - first)) for $edits saves"
grep -E "rebuilt|failed" "$work/log" "$work/err" | sed 's/.*://' | tr '\n' ' '
echo
grep VmHWM "/proc/$pid/status" | awk '{printf "peak RSS: %d MB\n", $2/1024}'
grep -q "failed" "$work/err" && { echo "FAIL: a rebuild failed"; exit 1; }
[ "$((last - first))" = "$edits" ] || { echo "FAIL: not one rebuild per save"; exit 1; }
