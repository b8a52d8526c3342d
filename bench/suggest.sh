#!/usr/bin/env bash
# check --suggest on generated archives (bench/suggest_corpus.py: plain news prose full of
# dates, figures and quotations, ~5 KB an article, one event per 20 articles): time and
# peak RSS at each size, hyperfine for the time. Targets (issue 22): 1,000 articles
# <= 10 s, 10,000 <= 2 min, peak RSS <= 1 GB.
#
#   bash bench/suggest.sh [BIN] [SIZES...]      (default: target/release/briefing 200 1000 10000)
#
# The corpora are made once under ${BENCH_DIR:-/tmp/briefing-suggest-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/briefing}")
shift || true
sizes=("${@:-200 1000 10000}")
read -r -a sizes <<<"${sizes[*]}"
dir=${BENCH_DIR:-/tmp/briefing-suggest-bench}
mkdir -p "$dir"
for n in "${sizes[@]}"; do
  [ -d "$dir/s$n" ] || python3 bench/suggest_corpus.py "$dir/s$n" "$n"
  /usr/bin/time -f "%e %M" -o "$dir/time" "$bin" check --suggest -q --root "$dir/s$n" >/dev/null 2>&1 || true
  read -r secs kb <"$dir/time"
  groups=$("$bin" check --suggest --limit 1 --root "$dir/s$n" 2>/dev/null | tail -1 | grep -o '^[0-9]*' || echo 0)
  echo "$n articles: ${secs} s, peak RSS $((kb / 1024)) MB, $groups suggestions in all"
  if command -v hyperfine >/dev/null && [ "$n" -le 1000 ]; then
    hyperfine -N -w 1 -r 5 "$bin check --suggest -q --root $dir/s$n" 2>/dev/null | grep -E "Time|Range"
  fi
done
