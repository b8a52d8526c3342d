#!/bin/sh
# Installs briefing from a release archive: no Rust toolchain needed.
#
#   sh install.sh [--prefix DIR] [--version VERSION] [--base-url URL]
#
# Detects the platform, downloads briefing-VERSION-TARGET.tar.gz and its .sha256 file
# from URL, checks the checksum, and installs the binary into DIR/bin (DIR defaults to
# ~/.local, so ~/.local/bin/briefing). Nothing is installed unless the checksum matches.
# The copy of this script attached to a release knows where releases are and which
# version it belongs to (--version picks another); this copy in the repository needs
# --base-url and --version (or BRIEFING_BASE_URL and BRIEFING_VERSION).
# Exit 0 installed, 1 refused (platform, download, checksum), 2 usage.
set -eu

# Filled in by the release workflow (dist/installer.sh): the folder of all releases, each
# in v<VERSION>/, and this release's version.
RELEASES_URL=""
VERSION="${BRIEFING_VERSION:-}"
BASE_URL="${BRIEFING_BASE_URL:-}"
PREFIX="${HOME:+$HOME/.local}"

help() {
  cat <<'HELP'
usage: sh install.sh [--prefix DIR] [--version VERSION] [--base-url URL]

Installs briefing from a release archive: detects the platform, downloads the archive and
its .sha256, checks it, and installs the binary into DIR/bin (default ~/.local/bin).
  --prefix DIR      install into DIR/bin
  --version VERSION the release to install (default: this script's own)
  --base-url URL    the folder holding the archives (default: the release's own)
Environment: BRIEFING_VERSION, BRIEFING_BASE_URL. Exit 0 installed, 1 refused, 2 usage.
HELP
}

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() { say "error: $1"; [ $# -lt 2 ] || say "help: $2"; exit "${3:-1}"; }
usage() { die "$1" "usage: sh install.sh [--prefix DIR] [--version VERSION] [--base-url URL]" 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || usage "--prefix needs a folder"; PREFIX=$2; shift 2 ;;
    --prefix=*) PREFIX=${1#*=}; shift ;;
    --version) [ $# -ge 2 ] || usage "--version needs a version"; VERSION=${2#v}; shift 2 ;;
    --version=*) VERSION=${1#*=}; VERSION=${VERSION#v}; shift ;;
    --base-url) [ $# -ge 2 ] || usage "--base-url needs a URL"; BASE_URL=$2; shift 2 ;;
    --base-url=*) BASE_URL=${1#*=}; shift ;;
    -h|--help) help; exit 0 ;;
    *) usage "unknown argument '$1'" ;;
  esac
done
[ -n "$VERSION" ] || usage "no version: pass --version"
if [ -z "$BASE_URL" ] && [ -n "$RELEASES_URL" ]; then BASE_URL="$RELEASES_URL/v$VERSION"; fi
[ -n "$BASE_URL" ] || usage "no download URL: pass --base-url"
[ -n "$PREFIX" ] || usage "HOME is not set: pass --prefix"

# The release target for this machine.
os=$(uname -s)
arch=$(uname -m)
case "$os/$arch" in
  Linux/x86_64|Linux/amd64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64|Linux/arm64) target=aarch64-unknown-linux-musl ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  Darwin/arm64|Darwin/aarch64) target=aarch64-apple-darwin ;;
  MINGW*|MSYS*|CYGWIN*|Windows_NT/*)
    die "this script installs on Linux and macOS; on Windows ($os $arch)" \
      "download briefing-$VERSION-x86_64-pc-windows-msvc.zip from $BASE_URL, check it against its .sha256 file, and unpack briefing.exe into a folder on your PATH" ;;
  *)
    die "no release archive for this platform ($os $arch)" \
      "build from source with a Rust toolchain: cargo install --path . in a clone of the repository" ;;
esac

archive="briefing-$VERSION-$target.tar.gz"
tmp=$(mktemp -d 2>/dev/null || mktemp -d -t briefing)
trap 'rm -rf "$tmp"' EXIT INT TERM

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl --proto '=https,http' -fsSL "$1" -o "$2"
  elif command -v wget >/dev/null 2>&1; then
    wget -q "$1" -O "$2"
  else
    die "neither curl nor wget is installed" "install one of them, then run this again"
  fi
}

say "downloading $archive"
fetch "$BASE_URL/$archive" "$tmp/$archive" || die "could not download $BASE_URL/$archive" \
  "check the version ($VERSION) and your connection"
fetch "$BASE_URL/$archive.sha256" "$tmp/$archive.sha256" || die "could not download $BASE_URL/$archive.sha256" \
  "a release archive always has a checksum file beside it; nothing was installed"

if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$tmp/$archive" | cut -d' ' -f1)
elif command -v shasum >/dev/null 2>&1; then
  actual=$(shasum -a 256 "$tmp/$archive" | cut -d' ' -f1)
else
  die "no sha256sum or shasum to check the download with" "install coreutils, then run this again"
fi
expected=$(cut -d' ' -f1 <"$tmp/$archive.sha256")
if [ "$actual" != "$expected" ]; then
  die "checksum mismatch for $archive: expected $expected, got $actual" \
    "the download is damaged or was tampered with; nothing was installed"
fi

tar -xzf "$tmp/$archive" -C "$tmp" || die "could not unpack $archive" "nothing was installed"
binary="$tmp/briefing-$VERSION-$target/briefing"
[ -f "$binary" ] || die "$archive holds no briefing binary" "nothing was installed"

bin="$PREFIX/bin"
mkdir -p "$bin" || die "cannot create $bin" "choose another folder with --prefix"
if [ -d "$bin/briefing" ]; then die "$bin/briefing is a folder" "move it away, or choose another folder with --prefix"; fi
# Copied beside its place, then renamed: a running briefing is never overwritten mid-file.
if ! { cp "$binary" "$bin/.briefing.tmp" && chmod 755 "$bin/.briefing.tmp" && mv -f "$bin/.briefing.tmp" "$bin/briefing"; }; then
  rm -f "$bin/.briefing.tmp"
  die "cannot write $bin/briefing" "choose another folder with --prefix"
fi
say "installed $("$bin/briefing" --version) into $bin"
case ":${PATH:-}:" in
  *":$bin:"*) ;;
  *) say "note: $bin is not on your PATH; add it, e.g. export PATH=\"$bin:\$PATH\"" ;;
esac
