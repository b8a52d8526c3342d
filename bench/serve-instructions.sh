#!/usr/bin/env bash
# Instructions of a one-claim save in `briefing serve`, counted by valgrind (cachegrind,
# no cache simulation): the measure this VM's noise does not move, where the wall times of
# `bench/serve.sh` drift by half from one hour to the next. Each binary serves a site of
# 1,000 articles and 2,000 claims under valgrind twice, once with one save and once with
# five (through `bench/serve.sh`), and the difference over four saves is one save's
# instructions: the rebuild, and what the server does ahead while it waits (decoding the
# kept readings), which a save pays for too.
#
#   bash bench/serve-instructions.sh BIN [BIN ...]
#
# Needs valgrind and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "install valgrind"; exit 2; }
cargo build --release --quiet --examples
work=${BENCH_DIR:-/dev/shm/briefing-serve-instructions}
rm -rf "$work" && mkdir -p "$work"
./target/release/examples/corpus "$work/site" 1000 2000 1 >/dev/null
for bin in "$@"; do
  bin=$(realpath "$bin")
  total=()
  for saves in 1 5; do
    # `bench/serve.sh` runs its BIN as `BIN serve …`; valgrind writes its counts when the
    # server is stopped.
    printf '#!/bin/sh\nexec valgrind -q --tool=cachegrind --cache-sim=no --cachegrind-out-file=%s "%s" "$@"\n' \
      "$work/out.$saves" "$bin" >"$work/wrap"
    chmod +x "$work/wrap"
    bash bench/serve.sh "$work/site" "$saves" "$work/wrap" >"$work/log.$saves" 2>&1 || { cat "$work/log.$saves"; exit 1; }
    total+=("$(awk '/^summary:/ { print $2 }' "$work/out.$saves")")
  done
  awk -v b="$bin" -v one="${total[0]}" -v five="${total[1]}" \
    'BEGIN { printf "%-40s %8.1f M instructions a save\n", b, (five - one) / 4 / 1e6 }'
done
