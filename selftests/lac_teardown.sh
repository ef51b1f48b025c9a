#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# Taking containers on lac apart in every order while traffic flows (pings
# every 0.05 s).  The set-up of lac_containers.sh: three dual-stack hosts,
# containers HK (host H, number K) 11 12 21 22 31 on an IPv4 LAC and on an
# IPv6 LAC, their eth0 a lac device created in the host's namespace.
#
#   - the container netns is deleted first
#   - the device is deleted first
#   - the underlay (host) netns is deleted first
#   - the module is unloaded (then loaded again, as lac_rmmod.sh does)
#
# A container made again keeps its MAC (lac_ctr_mac: with a new one, a
# peer's stale ARP entry can stall pings to it for 9 s).
#
# After each, the surviving containers keep pinging, the lac sockets are gone
# from the underlay netns, and nothing leaked: the UDP sockets of each host
# (/proc/net/sockstat*), the IPv6 UDP socket objects (slab UDPv6) and the
# lac module's refcount are what they were (a recreated container included).
# Kernel warnings are caught by the runner (LAC_VM_STRICT=1).

ALL_TESTS="
	test_teardown_container
	test_teardown_device
	test_teardown_underlay
	test_teardown_rmmod
"
REQUIRED_CMDS="ss rmmod insmod modprobe"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

CONTAINERS="11 12 21 22 31"
declare -A BASE_INUSE=()

cns()
{
	lac_ctr_ns "$@"
}

setup()
{
	local fam hk h

	lac_underlay_create 3 6 || return 1
	for h in "$H1" "$H2" "$H3"; do
		BASE_INUSE[$h]=$(lac_udp_inuse "$h")
	done
	BASE_SLAB6=$(lac_slab_objects UDPv6)
	BASE_REF=$(lac_module_refcnt)
	log_info "before any lac: UDP sockets H1 ${BASE_INUSE[$H1]} H2 ${BASE_INUSE[$H2]} H3 ${BASE_INUSE[$H3]}, UDPv6 objects $BASE_SLAB6, lac refcnt $BASE_REF"
	for fam in 4 6; do
		for hk in $CONTAINERS; do
			lac_ctr_add "$fam" "$hk" || return 1
		done
	done
	# shellcheck disable=SC2086 # a list
	lac_ctr_mesh 4 $CONTAINERS && lac_ctr_mesh 6 $CONTAINERS
}

# who: each container's MAC and lac port, to read a failed background
# ping's dumps (a failed mesh lists its members' MACs itself).
who()
{
	local fam hk ns

	for fam in 4 6; do
		for hk in $CONTAINERS; do
			ns=$(cns "$fam" "$hk")
			ip -n "$ns" link show eth0 > /dev/null 2>&1 || continue
			ktap_print_msg "C${fam}_$hk $(dev_mac "$ns" eth0) port $(lac_localport "$ns" eth0)"
		done
	done
}

# mesh FAM HK...: every pair of these containers pings.
mesh()
{
	local fam=$1; shift

	lac_ctr_mesh "$fam" "$@"
	check_err $? "IPv$fam LAC: not every pair of containers $* pings"
}

declare -A BG_NS=()

# bg NAME FAM FROM-HK TO-HK: background ping (every 0.05 s) between containers.
bg()
{
	BG_NS[$1]=$(cns "$2" "$3")
	lac_bg_ping "$1" "${BG_NS[$1]}" "$(lac_ctr_ip "$2" "$4")" 0.05
}

# flowing NAME...: each background ping gets replies.
flowing()
{
	local name

	for name in "$@"; do
		lac_bg_ping_wait "$name" 3 5 && continue
		check_err 1 "background ping $name gets no replies"
		tail -n 3 "$LAC_TMPDIR/$name.ping" | ktap_print_pipe
		lac_dump_neigh "${BG_NS[$name]}"
		who
	done
}

bg_stop()
{
	local name

	for name in "$@"; do
		lac_bg_ping_stop "$name"
	done
}

# snapshot: the UDP sockets of the hosts, IPv6 UDP objects, the refcnt.
declare -A SNAP=()
snapshot()
{
	local h

	for h in "$H1" "$H2" "$H3"; do
		[ -e "/run/netns/$h" ] && SNAP[$h]=$(lac_udp_inuse "$h")
	done
	SNAP[slab6]=$(lac_slab_objects UDPv6)
	SNAP[ref]=$(lac_module_refcnt)
}

# same_as_snapshot HOSTNS...: the UDP sockets of the hosts, the IPv6 UDP
# objects and the refcnt are as in the snapshot (polled for a while: sockets
# are freed after an RCU grace period).
same_as_snapshot()
{
	local h got

	for h in "$@"; do
		lac_wait 3 eval '[ "$(lac_udp_inuse "$h")" = "${SNAP[$h]}" ]'
		check_err $? "UDP sockets in $h: $(lac_udp_inuse "$h"), want ${SNAP[$h]}"
	done
	lac_wait 3 eval '[ "$(lac_slab_objects UDPv6)" = "${SNAP[slab6]}" ]'
	got=$(lac_slab_objects UDPv6)
	check_err $? "UDPv6 objects: $got, want ${SNAP[slab6]} (leak?)"
	got=$(lac_module_refcnt)
	[ "$got" = "${SNAP[ref]}" ]
	check_err $? "lac refcnt $got, want ${SNAP[ref]}"
}

# gone_from HOSTNS PORT...: no socket of HOSTNS is bound to the ports.
gone_from()
{
	local ns=$1 p; shift

	for p in "$@"; do
		lac_wait 2 not lac_udp_bound "$ns" "$p"
		check_err $? "port $p is still bound in the underlay netns"
	done
}

test_teardown_container()
{
	local lp4 lp6 n

	snapshot
	lp4=$(lac_localport "$(cns 4 11)" eth0)
	lp6=$(lac_localport "$(cns 6 11)" eth0)
	bg c1 4 11 21; bg c2 4 21 12
	bg c3 6 21 11; bg c4 6 22 12
	flowing c1 c2 c3 c4

	lac_ns_delete "$(cns 4 11)"
	lac_ns_delete "$(cns 6 11)"
	gone_from "$H1" "$lp4" "$lp6"
	n=$(lac_udp_inuse "$H1")
	[ "$n" -lt "${SNAP[$H1]}" ]
	check_err $? "H1 still has $n UDP sockets after its containers went"
	flowing c2 c4
	bg_stop c1 c2 c3 c4

	# The same containers again: every count as before.
	lac_ctr_add 4 11 && lac_ctr_add 6 11
	check_err $? "cannot recreate the containers"
	same_as_snapshot "$H1" "$H2" "$H3"
	mesh 4 11 12 21
	mesh 6 11 12 21
	log_test "container netns deleted first, with traffic: no leak, others work"
}

test_teardown_device()
{
	local lp4 lp6

	snapshot
	lp4=$(lac_localport "$(cns 4 12)" eth0)
	lp6=$(lac_localport "$(cns 6 12)" eth0)
	bg d1 4 12 22; bg d2 4 22 11
	bg d3 6 22 12; bg d4 6 21 11
	flowing d1 d2 d3 d4

	ip -n "$(cns 4 12)" link del eth0 && ip -n "$(cns 6 12)" link del eth0
	check_err $? "cannot delete the devices of container 12"
	gone_from "$H1" "$lp4" "$lp6"
	flowing d2 d4
	bg_stop d1 d2 d3 d4

	lac_ns_delete "$(cns 4 12)"
	lac_ns_delete "$(cns 6 12)"
	lac_ctr_add 4 12 && lac_ctr_add 6 12
	check_err $? "cannot recreate the devices"
	same_as_snapshot "$H1" "$H2" "$H3"
	mesh 4 12 22 31
	mesh 6 12 22 31
	log_test "device deleted first, with traffic: no leak, others work"
}

test_teardown_underlay()
{
	local h3=$H3 v6socks fam

	snapshot
	v6socks=$(lac_udp_inuse "$H3" 6)
	bg u1 4 31 11; bg u2 4 22 12
	bg u3 6 22 31; bg u4 6 21 11
	flowing u1 u2 u3 u4

	lac_ns_delete "$h3"
	for fam in 4 6; do
		lac_wait 5 eval '[ -z "$(ip -n "$(cns $fam 31)" -o link show type lac)" ]'
		check_err $? "the IPv$fam lac of container 31 outlived its underlay netns"
	done
	flowing u2 u4
	bg_stop u1 u2 u3 u4

	# The IPv6 sockets of H3 went with it.
	SNAP[slab6]=$((SNAP[slab6] - v6socks))
	same_as_snapshot "$H1" "$H2"
	mesh 4 11 12 21 22
	mesh 6 11 12 21 22
	log_test "underlay netns deleted first, with traffic: no leak, others work"
}

test_teardown_rmmod()
{
	local h n out

	if [ ! -e /sys/module/lac/initstate ]; then
		check_err 1 "lac is not a loadable module here"
		log_test "rmmod with containers and traffic, then reload"
		return
	fi
	bg r1 4 11 21; bg r2 6 12 22
	flowing r1 r2
	lac_rmmod
	check_err $? "rmmod lac failed"
	bg_stop r1 r2
	n=0
	for h in $(ip netns list | awk -v p="lac-$LAC_ID-" 'index($1, p) == 1 { print $1 }'); do
		n=$((n + $(ip -n "$h" -o link show type lac 2> /dev/null | wc -l)))
	done
	[ "$n" -eq 0 ]
	check_err $? "$n lac devices left after rmmod"
	for h in "$H1" "$H2"; do
		lac_wait 3 eval '[ "$(lac_udp_inuse "$h")" = "${BASE_INUSE[$h]}" ]'
		check_err $? "$h has $(lac_udp_inuse "$h") UDP sockets after rmmod, want ${BASE_INUSE[$h]}"
		out=$(ip netns exec "$h" ss -uanH)
		[ -z "$out" ]
		check_err $? "UDP sockets left in $h after rmmod: $out"
	done
	lac_wait 3 eval '[ "$(lac_slab_objects UDPv6)" = "$BASE_SLAB6" ]'
	check_err $? "UDPv6 objects $(lac_slab_objects UDPv6) after rmmod, want $BASE_SLAB6"

	out=$(lac_load_module 2>&1)
	check_err $? "cannot load lac again ($(lac_ko_path)): $out"
	[ "$(lac_module_refcnt)" = "$BASE_REF" ]
	check_err $? "lac refcnt $(lac_module_refcnt) after reload, want $BASE_REF"
	lac_ns_delete "$(cns 4 11)"; lac_ns_delete "$(cns 4 21)"
	lac_ns_delete "$(cns 6 11)"; lac_ns_delete "$(cns 6 21)"
	lac_ctr_add 4 11 && lac_ctr_add 4 21 && lac_ctr_add 6 11 && lac_ctr_add 6 21
	check_err $? "cannot create containers after reloading"
	mesh 4 11 21
	mesh 6 11 21
	log_test "rmmod with containers and traffic, then reload"
}

lac_main "$@"
