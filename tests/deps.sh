#!/bin/sh
# Install the Debian packages named on the command line that are missing.
# Quick when everything is present; needs root only when something is not.
set -u
missing=""
for p in "$@"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
    [ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "make deps: missing packages:$missing" >&2
    echo "make deps: run as root (or: sudo apt-get install$missing)" >&2
    exit 1
fi
echo "make deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have empty package lists: update once, then install.
if ! apt-get install -y -q --no-install-recommends $missing; then
    apt-get update -q && apt-get install -y -q --no-install-recommends $missing
fi
