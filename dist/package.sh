#!/usr/bin/env bash
# Builds the release archive of briefing for one target, with its SHA-256 checksum file.
#
#   dist/package.sh TARGET [OUT_DIR]
#
# TARGET is a Rust target triple, e.g. x86_64-unknown-linux-musl. The archive,
# briefing-VERSION-TARGET.tar.gz (.zip for Windows), holds one folder of the same name
# with the binary, the README, the licences and docs/; beside it,
# briefing-VERSION-TARGET.tar.gz.sha256 in the `sha256sum` format. OUT_DIR defaults to
# target/dist. The binary is built with the `dist` profile (Cargo.toml); with SKIP_BUILD=1
# the one already in target/TARGET/dist is used.
# Used by the release workflow (.github/workflows/release.yml) and by CI, which checks
# the Linux archive on a machine with no Rust on the PATH (tests/install.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: dist/package.sh TARGET [OUT_DIR]}
out=${2:-target/dist}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
name="briefing-$version-$target"
exe=briefing
case "$target" in *windows*) exe=briefing.exe ;; esac

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --profile dist --locked --target "$target"
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "target/$target/dist/$exe" README.md LICENSE-MIT LICENSE-APACHE "$stage/$name/"
cp -R docs "$stage/$name/docs"

# The same sources give the same archive: sorted names, one owner, the commit's time.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
case "$target" in
  *windows*)
    archive="$name.zip"
    rm -f "$out/$archive"
    if command -v 7z >/dev/null; then
      (cd "$stage" && 7z a -tzip -bd "$out/$archive" "$name" >/dev/null)
    else
      (cd "$stage" && zip -qrX "$out/$archive" "$name")
    fi
    ;;
  *)
    archive="$name.tar.gz"
    if tar --version 2>/dev/null | grep -q GNU; then
      tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
        -cf - "$name" | gzip -n9 >"$out/$archive"
    else
      tar -C "$stage" -cf - "$name" | gzip -n9 >"$out/$archive"
    fi
    ;;
esac

cd "$out"
if command -v sha256sum >/dev/null; then
  sha256sum "$archive" >"$archive.sha256"
else
  shasum -a 256 "$archive" >"$archive.sha256"
fi
echo "$out/$archive"
