#!/usr/bin/env bash
# The ways in without Rust, tested as a user meets them, on this machine only (nothing
# reaches the internet). Run by .ci/run and by the release workflow.
#
# 1. The Linux release archive (x86_64-unknown-linux-musl, dist/package.sh): unpacked in
#    a temporary folder, its binary runs `new` and `build` with no Rust on the PATH.
# 2. install.sh against a local HTTP server: a good archive installs; a tampered one, a
#    missing one and an unknown platform are refused, and nothing is installed.
# 3. The release workflow builds every target install.sh can choose.
# 4. The container recipe and the scripts are linted (hadolint, shellcheck); the image is
#    built and run only where a container engine answers.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-musl
work=$(mktemp -d)
server=
cleanup() { [ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
name="briefing-$version-$target"
# A PATH with the system's tools and nothing of Rust's.
bare=/usr/local/sbin:/usr/sbin:/sbin:/bin
[ -x /usr/bin/tar ] && bare="$bare:/usr/bin"
if PATH=$bare command -v cargo >/dev/null || PATH=$bare command -v rustc >/dev/null; then
  fail "cargo or rustc is on the bare PATH ($bare)"
fi

echo "== the Linux archive"
dist/package.sh "$target" "$work/dist" >/dev/null
archive="$work/dist/$name.tar.gz"
(cd "$work/dist" && sha256sum -c "$name.tar.gz.sha256" >/dev/null) || fail "checksum file does not match"
mkdir "$work/unpacked"
tar -xzf "$archive" -C "$work/unpacked"
for f in briefing README.md LICENSE-MIT LICENSE-APACHE docs/cli.md; do
  [ -e "$work/unpacked/$name/$f" ] || fail "$f missing from the archive"
done
bin="$work/unpacked/$name/briefing"
if readelf -l "$bin" | grep -q "program interpreter"; then fail "the binary is not statically linked"; fi
(cd "$work" && env -i PATH="$bare" HOME="$work" "$bin" new site >/dev/null) || fail "briefing new"
(cd "$work/site" && env -i PATH="$bare" HOME="$work" "$bin" build) || fail "briefing build"
[ -f "$work/site/output/index.html" ] || fail "no output/index.html"
"$bin" --version | grep -q "^briefing $version" || fail "--version: $("$bin" --version)"
pass "archive: new and build with no Rust on the PATH; $("$bin" --version)"

echo "== install.sh against a local server"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
good="$work/www/rel/v$version"
mkdir -p "$good" "$work/www/bad"
cp "$archive" "$archive.sha256" "$good/"
cp "$archive" "$archive.sha256" "$work/www/bad/"
printf 'x' >>"$work/www/bad/$name.tar.gz"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/rel/v$version/$name.tar.gz.sha256" >/dev/null 2>&1 && break
  sleep 0.1
done
url="http://127.0.0.1:$port"

# The copy a release carries: URL and version filled in, no arguments needed.
dist/installer.sh "$url/rel" "v$version" >"$work/install.sh"
HOME="$work/home" sh "$work/install.sh" 2>"$work/log" || fail "install: $(cat "$work/log")"
"$work/home/.local/bin/briefing" --version | grep -q "^briefing $version" || fail "installed binary"
pass "good checksum: installed into ~/.local/bin"
sh install.sh --base-url "$url/rel/v$version" --version "$version" --prefix "$work/p" 2>"$work/log" || fail "--prefix: $(cat "$work/log")"
[ -x "$work/p/bin/briefing" ] || fail "--prefix: nothing in $work/p/bin"
pass "--prefix DIR installs into DIR/bin"

refused() { # what, expected message, args...
  local what=$1 want=$2; shift 2
  local code=0
  "$@" 2>"$work/log" || code=$?
  [ "$code" = 1 ] || fail "$what: exit $code, not 1: $(cat "$work/log")"
  grep -q "$want" "$work/log" || fail "$what: no '$want' in: $(cat "$work/log")"
  [ ! -e "$work/none/bin/briefing" ] || fail "$what: something was installed"
  pass "$what: refused ($(grep -m1 error: "$work/log"))"
}
refused "tampered archive" "checksum mismatch" \
  sh install.sh --base-url "$url/bad" --version "$version" --prefix "$work/none"
refused "missing version" "could not download $url/rel/v0.0.0/" \
  sh "$work/install.sh" --version 0.0.0 --prefix "$work/none"
mkdir -p "$work/dir/bin/briefing"
refused "a folder in the way" "is a folder" sh "$work/install.sh" --prefix "$work/dir"
code=0
env -u HOME sh "$work/install.sh" 2>"$work/log" || code=$?
if [ "$code" != 2 ] || ! grep -q "HOME is not set" "$work/log"; then fail "no HOME: exit $code: $(cat "$work/log")"; fi
pass "no HOME: refused ($(grep -m1 error: "$work/log"))"
mkdir "$work/fake"
cat >"$work/fake/uname" <<'UNAME'
#!/bin/sh
case "$1" in -s) echo SunOS ;; -m) echo sparc64 ;; esac
UNAME
chmod +x "$work/fake/uname"
refused "unsupported platform" "no release archive for this platform (SunOS sparc64)" \
  env PATH="$work/fake:$PATH" sh "$work/install.sh" --prefix "$work/none"
[ ! -e "$work/none" ] || [ -z "$(ls -A "$work/none/bin" 2>/dev/null)" ] || fail "a refusal left files"

echo "== the release workflow builds every target install.sh chooses"
for t in $(sed -n 's/.*) target=\([a-z0-9_-]*\) ;;.*/\1/p' install.sh) x86_64-pc-windows-msvc; do
  grep -q "target: $t," .github/workflows/release.yml || fail "release.yml does not build $t"
done
pass "release.yml covers install.sh's targets"

echo "== lint"
hadolint Dockerfile
shellcheck install.sh dist/*.sh tests/install.sh
pass "hadolint, shellcheck"

echo "== container image"
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  docker build -q -t briefing-test . >/dev/null
  (cd "$work" && "$bin" new csite >/dev/null)
  docker run --rm -u "$(id -u):$(id -g)" -v "$work/csite:/site" briefing-test build --root /site
  [ -f "$work/csite/output/index.html" ] || fail "the image built no site"
  pass "image built and run"
else
  echo "no container engine here: the image was linted, not built"
fi
