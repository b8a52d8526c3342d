#!/usr/bin/env bash
# Runs every fuzz target for a fixed time each, on stable Rust (libFuzzer without a
# sanitizer: the code is safe Rust, so what we look for is panics, hangs and broken
# invariants, which briefing::fuzz asserts).
#
#   cargo install cargo-fuzz     # once
#   fuzz/run.sh [SECONDS]        # default 60 per target
#
# A failing input lands in fuzz/artifacts/<target>/. Fix the bug, then keep the input
# as a regression: move it to fuzz/regressions/<target>/, where `cargo test --test
# fuzz_regressions` replays it forever.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
for target in article claims render suggest import; do
    mkdir -p "corpus/$target" "artifacts/$target"
    extra=()
    [ "$target" = import ] && extra=(../tests/fixtures/import)
    cargo fuzz run --sanitizer none -O "$target" "corpus/$target" "seeds/$target" "${extra[@]}" -- \
        -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="artifacts/$target/" -print_final_stats=1 2>&1 \
        | grep -E "^(stat::|Done|==|SUMMARY|INFO: seed corpus|#[0-9]+ +DONE)|panicked|artifact" || true
done
