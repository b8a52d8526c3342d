#!/usr/bin/env bash
# The archive benchmark of issue 20: 500 briefings × 20 articles × 40 claims (10,000
# articles, 20,000 claims), on disk. Times a fresh build (no output, no cache folder), an
# unchanged rebuild, and a rebuild after one claim's text is edited, with hyperfine; then
# prints the peak RSS of each kind of build and the largest output files.
#
#   bash bench/archive.sh [BRIEFINGS] [WORK_DIR]
#
# Needs hyperfine (Debian: apt-get install --no-install-recommends hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)"; exit 2; }
briefings="${1:-500}"
work="${2:-$(mktemp -d "${TMPDIR:-/var/tmp}/briefing-archive-XXXXXX")}"
cargo build --release --quiet --example corpus
bin="$PWD/target/release/briefing"
site="$work/site"
rm -rf "$site"
./target/release/examples/corpus "$site" 20 40 1 --archive "$briefings"
echo "== $briefings briefings × 20 articles × 40 claims, in $site"
# Toggles one claim's text, so that every run is a real edit (the claim's page, its topic's
# pages, the search index and the export change), not a rewrite of the same bytes.
edit="sed -i -e 's/Claim number 0 about/Claim number 0 (edited) about/;t' -e 's/Claim number 0 (edited) about/Claim number 0 about/' $site/content/b-0000/claims.toml"
# A fresh build's output and cache folder are moved aside, not deleted, before the next
# run: ext4 then allocates the next run's inodes without searching past the 60,000 it
# just freed (`recently_deleted` in the kernel), which made a fresh build after a deletion
# 3 to 6 times slower than a fresh build of a new clone. They are deleted at the end.
# `sync` then lets the kernel finish writing the last run's 700 MB first, which it would
# otherwise do during the next run (by 1-2 s on this VM).
#
# This VM's root file system is ext4 without a journal, where every new file costs
# ~110 us (`recently_deleted` searches the free inodes); on a journaled ext4 it costs
# ~20 us. To measure on one: truncate -s 30G x.img && mkfs.ext4 -q x.img &&
# mount -o loop x.img /mnt/j, then pass WORK_DIR=/mnt/j/bench.
aside="$work/aside"
mkdir -p "$aside"
hyperfine --warmup 1 --runs 5 --export-markdown "$work/fresh.md" \
  --prepare "t=\$(mktemp -d -p $aside) && mv $site/output $site/.briefing \$t/ 2>/dev/null; sync" \
  -n "fresh" "$bin build -q --root $site"
hyperfine --warmup 1 --runs 5 --export-markdown "$work/unchanged.md" -n "unchanged" "$bin build -q --root $site"
hyperfine --warmup 1 --runs 5 --export-markdown "$work/edit.md" --prepare "$edit" -n "one claim edited" "$bin build -q --root $site"
t=$(mktemp -d -p "$aside") && mv "$site/output" "$site/.briefing" "$t/" && sync
/usr/bin/time -f "fresh: peak RSS %M KB, %e s" "$bin" build -q --root "$site"
/usr/bin/time -f "unchanged: peak RSS %M KB, %e s" "$bin" build -q --root "$site"
eval "$edit"
/usr/bin/time -f "one claim edited: peak RSS %M KB, %e s" "$bin" build -q --root "$site"
echo "== output: $(find "$site/output" -type f | wc -l) files, $(du -sh "$site/output" | cut -f1); the largest:"
find "$site/output" -type f -printf "%s %P\n" | sort -rn | head -5 || true  # head closes the pipe early
rm -rf "$aside"
