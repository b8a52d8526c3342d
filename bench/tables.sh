#!/usr/bin/env bash
# What each table of the store saves: a one-claim edit is built with the whole store, and
# with one table (or the staging twin) deleted before the build, which then does the work
# that table saves. Prints hyperfine's summary for each.
#
#   bash bench/tables.sh SITE [RUNS] [BIN]     (default: 5 runs, target/release/briefing)
#
# SITE is built once first (so the store is full). Make one with
#   cargo run --release --example corpus -- SITE 10000 20000 1
# or an archive (its first briefing's claims file is edited, and a briefing's own tables,
# under `.briefing/briefings/<slug>/`, are deleted for every briefing):
#   cargo run --release --example corpus -- SITE 20 40 1 --archive 500
# With COLD=1 (root only), the page cache is dropped before every run: what a table
# saves in reading files shows only when they are not cached already, and this machine's
# page cache lets go of them within seconds. Without it, a table whose deletion reads
# files measures less the later it runs.
set -euo pipefail
site=$1
runs=${2:-5}
bin=$(realpath "${3:-target/release/briefing}")
"$bin" build -q --root "$site"
claims="$site/content/claims.toml"
if [ ! -f "$claims" ]; then
  all=("$site"/content/*/claims.toml)
  claims=${all[0]}
fi
# The first claim's text, whatever it reads now, is replaced: an edit every run. (An
# earlier version matched only the corpus's own "Finding 0", so once a finding had been
# edited by hand it edited nothing, and timed unchanged rebuilds. A finding changed
# without a correction is refused once the site is published, so the claim is edited.)
edit="sed -i \"0,/^claim = \\\"[^\\\"]*\\\"/s//claim = \\\"Edited \$(date +%N)\\\"/\" $claims"
# The edit must change the file, or every figure below times an unchanged rebuild.
before=$(md5sum < "$claims")
sh -c "$edit"
[ "$(md5sum < "$claims")" != "$before" ] || { echo "the edit changed nothing" >&2; exit 1; }
cold=""
[ "${COLD:-0}" = 1 ] && cold="; echo 3 > /proc/sys/vm/drop_caches"
args=()
for table in none fronts marks published briefing record layouts tree twin; do
  gone="$site/.briefing/$table $site/.briefing/briefings/*/$table"
  args+=(--prepare "$edit; rm -rf $gone; sync$cold" -n "$table" "$bin build -q --root $site")
done
hyperfine --warmup 1 --runs "$runs" --export-markdown /dev/stdout "${args[@]}"
