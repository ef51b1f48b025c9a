#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The body of `make demo`: a Local Area Cloud across three "hosts" in a VM.
#
# usage: scripts/demo.sh [-k KERNEL]     (KERNEL: 6.1, 6.12 (default), ABI)
#
# Boots a VM with scripts/vm-run.sh and runs itself there with --inside:
# three network namespaces h1 h2 h3 (10.0.0.1-3/24 on eth0) hang off a Linux
# bridge in a fourth one (sw, mcast_snooping 0).  h1 and h2 get a lac0 on
# group 239.0.0.1 (192.168.100.1, .2), h3 joins the same LAN with the
# userland vde_plug vxvde://239.0.0.1 tap://tap0 (192.168.100.3).  Then it
# pings across, shows lac0 and the FDB that lac learned, and fails if a
# ping did not cross.
set -eu

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$SCRIPTS")
GROUP=239.0.0.1
HOSTS="h1 h2 h3"

say() { printf '\n== %s\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

# ---- outside: boot the VM -------------------------------------------------

outside() {
	local kernel=6.12 opt

	while getopts "k:h" opt; do
		case $opt in
		k) kernel=$OPTARG ;;
		*) sed -n 's/^# usage: //p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
		esac
	done
	exec "$SCRIPTS/vm-run.sh" -k "$kernel" -t 300 -- "$SCRIPTS/demo.sh" --inside
}

# ---- inside the VM --------------------------------------------------------

cleanup() {
	local ns

	for ns in $HOSTS sw; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
}

# Three hosts on one Ethernet segment: a bridge in netns sw.
underlay() {
	local i

	say "underlay: h1 h2 h3 (10.0.0.1-3/24 on eth0) on bridge br0 (netns sw, mcast_snooping 0)"
	ip netns add sw
	ip -n sw link add br0 type bridge mcast_snooping 0
	ip -n sw link set br0 up
	for i in 1 2 3; do
		ip netns add "h$i"
		ip link add eth0 netns "h$i" type veth peer name "p$i" netns sw
		ip -n sw link set "p$i" master br0 up
		ip -n "h$i" link set lo up
		ip -n "h$i" addr add "10.0.0.$i/24" dev eth0
		ip -n "h$i" link set eth0 up
		ip -n "h$i" route add 224.0.0.0/4 dev eth0
	done
}

# lac_host NS ADDR: a lac0 endpoint in NS.
lac_host() {
	echo "$1: ip link add lac0 type lac group $GROUP dev eth0; $2/24"
	ip -n "$1" link add lac0 type lac group "$GROUP" dev eth0
	ip -n "$1" addr add "$2/24" dev lac0
	ip -n "$1" link set lac0 up
}

# vde_host NS ADDR: the userland VXVDE implementation in NS, on tap0.
vde_host() {
	local i

	echo "$1: vde_plug vxvde://$GROUP tap://tap0; $2/24"
	ip netns exec "$1" setsid vde_plug "vxvde://$GROUP" tap://tap0 \
		</dev/null >/dev/null 2>&1 &
	for i in $(seq 100); do
		ip -n "$1" link show tap0 >/dev/null 2>&1 && break
		[ "$i" != 100 ] || die "vde_plug did not create tap0 in $1"
		sleep 0.1
	done
	ip -n "$1" addr add "$2/24" dev tap0
	ip -n "$1" link set tap0 up
}

# ping_from NS ADDR: 3 pings, print the summary; fails if none came back.
ping_from() {
	local out rc=0

	out=$(ip netns exec "$1" ping -c 3 -i 0.2 -W 2 "$2" 2>&1) || rc=$?
	printf '%s -> %-15s %s\n' "$1" "$2" "$(echo "$out" | grep 'packets transmitted' || echo "$out")"
	return $rc
}

show() {
	say "h1: ip -d link show lac0"
	ip -n h1 -d link show lac0
	say "h1: bridge fdb show dev lac0"
	bridge -n h1 fdb show dev lac0
	say "h2: bridge fdb show dev lac0"
	bridge -n h2 fdb show dev lac0
}

inside() {
	local failed=0 dst

	export IP_LIB_DIR=$REPO/build/ip
	[ -d /sys/module/lac ] || die "the lac module is not loaded (make modules-all)"
	[ -f "$IP_LIB_DIR/link_lac.so" ] || die "no $IP_LIB_DIR/link_lac.so (make ip)"
	trap cleanup EXIT

	underlay
	say "the LAC: 192.168.100.0/24 over group $GROUP"
	lac_host h1 192.168.100.1
	lac_host h2 192.168.100.2
	vde_host h3 192.168.100.3

	say "pings"
	for dst in 192.168.100.2 192.168.100.3; do
		ping_from h1 "$dst" || failed=$((failed + 1))
	done
	for dst in 192.168.100.1 192.168.100.2; do
		ping_from h3 "$dst" || failed=$((failed + 1))
	done

	show
	echo
	[ $failed = 0 ] || die "$failed of 4 pings did not cross"
	echo "demo: every ping crossed the LAC"
}

if [ "${1:-}" = --inside ]; then
	inside
else
	outside "$@"
fi
