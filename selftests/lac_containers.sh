#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# Containers on lac, in the manner of the wireguard selftest (netns.sh): the
# lac devices are created in the "underlay" namespaces of three dual-stack
# hosts (on one bridge) and moved into "container" namespaces, where they
# are renamed eth0.  Two LANs, one over IPv4 and one over IPv6:
#
#   host  containers (IPv4 LAC, 192.0.2.HK)   containers (IPv6 LAC, 198.51.100.HK,
#                                              lac local fd00::H)
#   H1    C4_11 C4_12                          C6_11 C6_12
#   H2    C4_21 C4_22                          C6_21 C6_22
#   H3    C4_31                                C6_31
#
# Every pair of containers pings, the peers learn each container at its
# host's address and the device's own port, `ip -d link show` in a container
# names the link netns.  (lac_teardown.sh takes such a set-up apart.)

ALL_TESTS="
	test_pairs4
	test_pairs6
	test_fdb4
	test_fdb6
	test_link_netns
"
REQUIRED_CMDS="ss"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

CONTAINERS="11 12 21 22 31"

cns()
{
	lac_ctr_ns "$@"
}

setup()
{
	local fam hk

	lac_underlay_create 3 6 || return 1
	for fam in 4 6; do
		for hk in $CONTAINERS; do
			lac_ctr_add "$fam" "$hk" || return 1
		done
	done
}

# pairs FAM HK...: every pair of the containers pings.
pairs()
{
	local fam=$1; shift

	lac_ctr_mesh "$fam" "$@"
	check_err $? "IPv$fam LAC: not every pair of containers $* pings"
}

test_pairs4()
{
	# shellcheck disable=SC2086
	pairs 4 $CONTAINERS
	log_test "IPv4 LAC: five containers on three hosts ping all pairs"
}

test_pairs6()
{
	# shellcheck disable=SC2086
	pairs 6 $CONTAINERS
	log_test "IPv6 LAC: five containers on three hosts ping all pairs"
}

# fdb FAM: the peers learned the containers of H1 at H1's address and their
# device's own port.
fdb()
{
	local fam=$1 a1 lp11 lp12 m11 m12 hk

	a1=$(lac_host_ip "$fam" 1)
	lp11=$(lac_localport "$(cns "$fam" 11)" eth0)
	lp12=$(lac_localport "$(cns "$fam" 12)" eth0)
	m11=$(dev_mac "$(cns "$fam" 11)" eth0)
	m12=$(dev_mac "$(cns "$fam" 12)" eth0)
	[ -n "$lp11" ] && [ -n "$lp12" ] && [ "$lp11" != "$lp12" ]
	check_err $? "the two containers of H1 have localports '$lp11' and '$lp12'"
	for hk in 21 22 31; do
		lac_fdb_check "$(cns "$fam" "$hk")" eth0 "$m11" "$a1" "$lp11" &&
			lac_fdb_check "$(cns "$fam" "$hk")" eth0 "$m12" "$a1" "$lp12"
		check_err $? "container $hk did not learn H1's containers at $a1:$lp11 and :$lp12"
	done
	lac_fdb_check "$(cns "$fam" 11)" eth0 "$m12" "$a1" "$lp12"
	check_err $? "container 11 did not learn its neighbour 12 at $a1:$lp12"
	lac_fdb_check "$(cns "$fam" 31)" eth0 "$(dev_mac "$(cns "$fam" 22)" eth0)" \
		"$(lac_host_ip "$fam" 2)" "$(lac_localport "$(cns "$fam" 22)" eth0)"
	check_err $? "container 31 did not learn container 22 on H2"
	lac_udp_bound "$H1" "$lp11" && lac_udp_bound "$H1" "$lp12"
	check_err $? "the localports are not bound in H1 (the underlay)"
	lac_udp_bound "$(cns "$fam" 11)" "$lp11"
	check_fail $? "a container holds the socket of its lac device"
}

test_fdb4()
{
	fdb 4
	log_test "IPv4 LAC: containers learned at their host's address and own port"
}

test_fdb6()
{
	fdb 6
	log_test "IPv6 LAC: containers learned at their host's address and own port"
}

test_link_netns()
{
	local fam ns out re

	for fam in 4 6; do
		ns=$(cns "$fam" 21)
		out=$(ip -n "$ns" -d link show dev eth0)
		re="link-netns(id)? ($H2|[0-9]+) "
		[[ $out =~ $re ]]
		check_err $? "ip -d link show eth0 in a container does not name the link netns: $out"
		[[ $out == *"lac group "* ]]
		check_err $? "ip -d link show eth0 in a container prints no lac settings: $out"
		out=$(ip -n "$ns" -j -d link show dev eth0)
		[[ $out == *'"link_netnsid":'* ]]
		check_err $? "ip -j -d link show has no link_netnsid: $out"
	done
	log_info "$(ip -n "$(cns 6 21)" -d link show dev eth0 | head -n 3)"
	log_test "ip -d link show in a container shows the link netns"
}

lac_main "$@"
