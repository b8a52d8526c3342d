#!/usr/bin/env bash
# Times whole `briefing build` processes with hyperfine, side by side with Hugo on the same
# markdown articles, and at several sizes with claims. Results go to docs/performance.md
# by hand, with the machine they were measured on.
#
#   bash bench/compare.sh [N ...]        (default: 1000 10000)
#
# Needs: hyperfine and hugo (Debian: apt-get install --no-install-recommends hyperfine hugo).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)"; exit 2; }
command -v hugo >/dev/null || { echo "install hugo (apt-get install --no-install-recommends hugo)"; exit 2; }
cargo build --release --quiet --examples
cargo build --release --quiet
bin=$PWD/target/release/briefing
work=${BENCH_DIR:-$PWD/target/bench}
mkdir -p "$work"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

for n in "${sizes[@]}"; do
  echo "== $n markdown articles, no claims: briefing and Hugo, fresh output and rebuild"
  rm -rf "$work/b$n" "$work/h$n"
  ./target/release/examples/corpus "$work/b$n" "$n" 0 1 --hugo "$work/h$n" >/dev/null
  # The same articles in both. The corpus writes half of them as plain text, and Hugo gets
  # all of them as markdown: so does briefing (their bodies are markdown too). Until
  # session 19 the plain-text half was deleted here, so briefing built N/2 articles
  # against Hugo's N.
  for f in "$work/b$n"/content/articles/*.txt; do mv "$f" "${f%.txt}.md"; done
  find "$work/h$n/content/articles" -name '*.md' | wc -l
  hyperfine --warmup 1 --runs 5 --export-markdown "$work/fresh-$n.md" \
    --prepare "rm -rf $work/b$n/output $work/b$n/.briefing $work/h$n/public" \
    -n "briefing fresh" "$bin build -q --root $work/b$n" \
    -n "hugo fresh" "hugo --quiet -s $work/h$n"
  hyperfine --warmup 1 --runs 5 --export-markdown "$work/rebuild-$n.md" \
    -n "briefing rebuild" "$bin build -q --root $work/b$n" \
    -n "hugo rebuild" "hugo --quiet -s $work/h$n"
done

for n in "${sizes[@]}"; do
  m=$((n * 2))
  echo "== $n articles with $m claims: fresh, unchanged rebuild, one claim changed"
  rm -rf "$work/c$n"
  ./target/release/examples/corpus "$work/c$n" "$n" "$m" 1 >/dev/null
  hyperfine --warmup 1 --runs 3 --export-markdown "$work/claims-$n.md" \
    --prepare "rm -rf $work/c$n/output $work/c$n/.briefing" -n "fresh $n/$m" "$bin build -q --root $work/c$n"
  hyperfine --warmup 1 --runs 3 -n "unchanged $n/$m" "$bin build -q --root $work/c$n"
  hyperfine --warmup 1 --runs 3 --prepare "sed -i '0,/^finding = \"Finding 0/s//finding = \"Finding 0 edited/' $work/c$n/content/claims.toml" \
    -n "one claim changed $n/$m" "$bin build -q --root $work/c$n"
  /usr/bin/time -f "peak RSS %M KB, %e s" "$bin" build -q --root "$work/c$n"
done
