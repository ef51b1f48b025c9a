#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkpatch.sh OUTDIR [IPROUTE2_SRC]
#
# Write into OUTDIR the git format-patch series that adds "ip link ... type
# lac" to the pristine iproute2 6.1.0 source in IPROUTE2_SRC (default
# $LAC_CACHE/iproute2/src, as scripts/install-deps.sh unpacks it; its
# debian/ directory is left out):
#
#   0000-cover-letter.patch
#   0001  include/uapi/linux/if_lac.h, a copy of the module's header
#   0002  ip/iplink_lac.c (a copy of iproute2-patch/iplink_lac.c), its
#         ip/Makefile entry and lac in the TYPE list of "ip link help"
#   0003  man/man8/ip-link.8.in: lac in the type lists and the "LAC Type
#         Support" section (iproute2-patch/man-lac-section.8)
#
# Any other *.patch in OUTDIR is removed.  The output only depends on these
# files: author, dates and git settings are fixed, and the "From" lines
# carry a zero commit id.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
out=${1:?usage: mkpatch.sh OUTDIR [IPROUTE2_SRC]}
src=${2:-${IPROUTE2_SRC:-${LAC_CACHE:-/var/cache/lac}/iproute2/src}}

fail() { echo "mkpatch: $*" >&2; exit 1; }

[ -f "$src/ip/Makefile" ] || fail "no iproute2 source in $src"
grep -q '"6\.1\.0"' "$src/include/version.h" ||
	fail "$src is not iproute2 6.1.0"
mkdir -p "$out"
out=$(cd "$out" && pwd)

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

git init -q -b lac
git add -A -f .
git commit -q -m "iproute2 6.1.0"
git tag base

commit() {
	git add -A -f .
	git commit -q -F -
}

# 1: the uAPI header.
cp "$repo/include/uapi/linux/if_lac.h" "$tree/include/uapi/linux/if_lac.h"
commit <<'EOT'
uapi: add if_lac.h

The netlink attributes of lac (Local Area Cloud) devices, as the lac
kernel module defines them in include/uapi/linux/if_lac.h, for the ip
link support of the next patch.

Signed-off-by: lac developers <lac@localhost>
EOT

# 2: ip link support.
cp "$here/iplink_lac.c" "$tree/ip/iplink_lac.c"
sed -i 's/^\(    ipstats\.o\)$/\1 iplink_lac.o/' "$tree/ip/Makefile"
grep -q '^    ipstats\.o iplink_lac\.o$' "$tree/ip/Makefile" ||
	fail "cannot add iplink_lac.o to ip/Makefile"
sed -i 's/^\(\t\t"          ipip | ipoib | ipvlan | ipvtap |\)\(\\n"\)$/\1 lac |\2/' \
	"$tree/ip/iplink.c"
grep -q 'ipvtap | lac |\\n"$' "$tree/ip/iplink.c" ||
	fail "cannot add lac to the TYPE list of ip/iplink.c"
commit <<'EOT'
ip: add support for lac (local area cloud) devices

A lac device ("Local Area Cloud") is a VXLAN-like UDP tunnel, wire
compatible with the vxvde:// plugin of vdeplug4: the members of a cloud
join a multicast group, frames for unknown destinations are sent to the
group and unicast peers are learned from the traffic they send, by
source IP address and UDP port: every endpoint sends from a unicast port
of its own.

  ip link add NAME type lac [ group ADDR ] [ vni VNI ] [ port PORT ]
                            [ dev PHYS_DEV ] [ local ADDR ]
                            [ ttl TTL ] [ ageing SECONDS ]
                            [ [no]learning ] [ maxaddress NUMBER ]
                            [ nogroup ]
  ip link set NAME type lac ... [ flush ]

Only the parameters given are sent: the kernel has the defaults
(group 239.0.0.1, vni 1, port 14789, ttl 1, ageing 128, learning,
no limit on learned entries) and validates the values.  "nogroup" keeps
the device off the multicast group: it floods to the FDB's
00:00:00:00:00:00 entries only; "group ADDR" without "nogroup" sends
IFLA_LAC_NOGROUP 0, so that it can be turned off again.  "flush"
deletes every learned FDB entry.  "ip -d link show" prints the
parameters back, along with the unicast UDP port the device bound
("localport"):

  lac group 239.0.0.1 port 14789 vni 1 localport 40123 ttl 1 ageing 128

followed by "nolearning", "maxaddress N" and "nogroup" when they are
set.  The JSON keys are group, port, vni, local_port, link, local, ttl,
ageing, learning, maxaddress and nogroup.

lac joins the TYPE list of "ip link help".

Signed-off-by: lac developers <lac@localhost>
EOT

# 3: the man page.
man=$tree/man/man8/ip-link.8.in
awk -v section="$here/man-lac-section.8" '
	# The synopsis TYPE list and the list of link types, after ipvtap.
	$0 == ".BR ipvtap \" |\"" { print; print ".BR lac \" |\""; syn++; next }
	$0 == ".BR ipvtap" { ipvtap = 1 }
	ipvtap && $0 == ".sp" {
		print
		print ".BR lac"
		print "- Local Area Cloud, Ethernet over UDP multicast (VXVDE compatible)"
		print ".sp"
		ipvtap = 0; types++; next
	}
	# The section goes before MACVLAN and MACVTAP, after the UDP tunnels.
	held {
		held = 0
		if ($0 == "MACVLAN and MACVTAP Type Support") {
			while ((getline line < section) > 0)
				print line
			sec++
		}
		print ".TP"
	}
	$0 == ".TP" { held = 1; next }
	{ print }
	END { if (syn != 1 || types != 1 || sec != 1) exit 1 }
' "$man" > "$tmp/ip-link.8.in" || fail "cannot add lac to $man"
cat "$tmp/ip-link.8.in" > "$man"
commit <<'EOT'
man: ip-link: document lac devices

Add lac to the TYPE list of the synopsis and to the link types, and a
"LAC Type Support" section: every option of ip link add (group, vni,
port, dev, local, ttl, ageing, [no]learning, maxaddress, nogroup), flush
for ip link set, which settings may change while the device is up, and
the localport that ip -d link show prints.

Signed-off-by: lac developers <lac@localhost>
EOT

# The cover letter's subject and text: the branch description.
git config branch.lac.description "$(cat <<'EOT'
ip: support for lac (local area cloud) devices

lac is a Linux network device for a Local Area Cloud: a virtual Ethernet
over UDP to an IP multicast group (default 239.0.0.1 or ff05:56de::1,
port 14789), in which every endpoint sends from a unicast UDP port of
its own and learns inner source MAC -> outer source IP address and port.
It is wire compatible with the vxvde:// plugin of vdeplug4, so lac
devices, vde_plug and qemu -nic vde,sock=vxvde:// share one LAN.

Patch 1 adds the uAPI header of the lac module, patch 2 "ip link ...
type lac" and lac in "ip link help", patch 3 the ip-link(8) section.

The series is against iproute2 6.1.0.
EOT
)"

rm -f "$out"/*.patch
git format-patch -q -o "$out" --zero-commit --no-signature --numbered \
	--subject-prefix="PATCH iproute2-next" \
	--cover-letter --cover-from-description=subject base..lac >/dev/null
