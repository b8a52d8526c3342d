#!/usr/bin/env bash
# Prints install.sh with a release's download URL and version filled in, so that the copy
# attached to the release installs that release with no arguments:
#
#   dist/installer.sh BASE_URL VERSION > target/dist/install.sh
#
# The variables stay overridable (BRIEFING_BASE_URL, BRIEFING_VERSION, or the flags).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: dist/installer.sh BASE_URL VERSION}
version=${2:?usage: dist/installer.sh BASE_URL VERSION}
version=${version#v}
case "$base$version" in *'|'*|*'"'*|*'$'*|*'`'*|*\\*) echo "unsafe characters in the URL or version" >&2; exit 2 ;; esac
sed -e "s|^BASE_URL=.*|BASE_URL=\"\${BRIEFING_BASE_URL:-$base}\"|" \
    -e "s|^VERSION=.*|VERSION=\"\${BRIEFING_VERSION:-$version}\"|" install.sh
