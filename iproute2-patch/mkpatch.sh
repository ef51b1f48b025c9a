#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkpatch.sh [IPROUTE2_SRC] > 0001-ip-add-support-for-lac-local-area-cloud-devices.patch
#
# Write to stdout the git format-patch of "ip link ... type lac" support
# against the pristine iproute2 6.1.0 source in IPROUTE2_SRC (default
# $LAC_CACHE/iproute2/src, as scripts/install-deps.sh unpacks it; its
# debian/ directory is left out).  The patch adds ip/iplink_lac.c (a copy
# of iproute2-patch/iplink_lac.c), include/uapi/linux/if_lac.h (a copy of
# the module's header) and iplink_lac.o to ip/Makefile.
#
# The output only depends on these files: author, dates and git settings
# are fixed, and the "From" line carries a zero commit id.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
src=${1:-${IPROUTE2_SRC:-${LAC_CACHE:-/var/cache/lac}/iproute2/src}}

fail() { echo "mkpatch: $*" >&2; exit 1; }

[ -f "$src/ip/Makefile" ] || fail "no iproute2 source in $src"
grep -q '"6\.1\.0"' "$src/include/version.h" ||
	fail "$src is not iproute2 6.1.0"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Isolate git from the user's and the system's configuration.
export HOME=$tmp/home GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export LC_ALL=C TZ=UTC
export GIT_AUTHOR_NAME="lac developers" GIT_AUTHOR_EMAIL="lac@localhost"
export GIT_COMMITTER_NAME="lac developers" GIT_COMMITTER_EMAIL="lac@localhost"
export GIT_AUTHOR_DATE="2025-01-01T00:00:00+0000"
export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"
mkdir "$HOME"

tree=$tmp/iproute2
mkdir "$tree"
(cd "$src" && tar --exclude=./debian -cf - .) | tar -C "$tree" -xf -

git() { command git -C "$tree" -c core.abbrev=12 -c core.autocrlf=false "$@"; }

git init -q
git add -A -f .
git commit -q -m "iproute2 6.1.0"

cp "$here/iplink_lac.c" "$tree/ip/iplink_lac.c"
cp "$repo/include/uapi/linux/if_lac.h" "$tree/include/uapi/linux/if_lac.h"
sed -i 's/^\(    ipstats\.o\)$/\1 iplink_lac.o/' "$tree/ip/Makefile"
grep -q '^    ipstats\.o iplink_lac\.o$' "$tree/ip/Makefile" ||
	fail "cannot add iplink_lac.o to ip/Makefile"

git add -A -f .
git commit -q -F - <<'EOT'
ip: add support for lac (local area cloud) devices

A lac device ("Local Area Cloud") is a VXLAN-like UDP tunnel, wire
compatible with the vxvde:// plugin of vdeplug4: the members of a cloud
join a multicast group, frames for unknown destinations are sent to the
group and unicast peers are learned from the traffic they send.

  ip link add NAME type lac [ group ADDR ] [ vni VNI ] [ port PORT ]
                            [ dev PHYS_DEV ] [ local ADDR ]
                            [ ttl TTL ] [ ageing SECONDS ]
                            [ [no]learning ] [ maxaddress N ]
                            [ nogroup ]
  ip link set NAME type lac ... [ flush ]

Only the parameters given are sent: the kernel has the defaults
(group 239.0.0.1, vni 1, port 14789, ttl 1, ageing 128, learning,
no limit on learned entries) and validates the values.  "nogroup" keeps
the device off the multicast group: it floods to the FDB's
00:00:00:00:00:00 entries only.  "flush" deletes every learned FDB
entry.  "ip -d link show" prints the parameters back, along with the
unicast UDP port the device bound ("localport"):

  lac group 239.0.0.1 port 14789 vni 1 localport 40123 ttl 1 ageing 128

followed by "nolearning", "maxaddress N" and "nogroup" when they are set.

include/uapi/linux/if_lac.h is the uAPI header of the lac module.

Signed-off-by: lac developers <lac@localhost>
EOT

git format-patch -1 --stdout --zero-commit --no-signature \
	--no-numbered HEAD
