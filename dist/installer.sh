#!/usr/bin/env bash
# Prints install.sh with the releases' URL and a release's version filled in, so that the
# copy attached to the release installs that release with no arguments, and another with
# --version (from RELEASES_URL/vVERSION):
#
#   dist/installer.sh RELEASES_URL VERSION > target/dist/install.sh
#
# The version stays overridable (BRIEFING_VERSION, --version), the URL too (--base-url).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: dist/installer.sh RELEASES_URL VERSION}
version=${2:?usage: dist/installer.sh RELEASES_URL VERSION}
version=${version#v}
case "$base$version" in *'|'*|*'"'*|*'$'*|*'`'*|*\\*) echo "unsafe characters in the URL or version" >&2; exit 2 ;; esac
sed -e "s|^RELEASES_URL=.*|RELEASES_URL=\"${base%/}\"|" \
    -e "s|^VERSION=.*|VERSION=\"\${BRIEFING_VERSION:-$version}\"|" install.sh
