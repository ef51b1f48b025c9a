#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac head-end replication between three hosts, each flooding to the two
# others (bridge fdb append 00:00:00:00:00:00 dev lac0 dst HOST self), on
# an underlay whose switch drops every UDP datagram to a multicast address
# (IPv4 224.0.0.0/4 and IPv6 ff00::/8, see lac_mcast_block): with nogroup,
# and with the group.  IPv4 and IPv6 underlays.  The datagrams are captured
# on the switch (every port).
#
#   Hi: lac0 192.0.2.i/24 on 10.0.0.i or fd00::i, recreated by each test

ALL_TESTS="
	test_her_nogroup
	test_her_group_blocked
	test_her6_nogroup
	test_her6_group_blocked
"
REQUIRED_CMDS="tcpdump tc"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$LAC_SELFTEST_DIR/lib_fdb.sh"

setup()
{
	lac_underlay_create 3 6 || return 1
	lac_mcast_block "$UL" 3 || return 1
	log_info "multicast blocked on the underlay with $LAC_MCAST_BLOCK_TOOL"
}

# Records of datagrams to a multicast address.
MCAST_COND='($3 ~ /^(22[4-9]|23[0-9])\./ || tolower($3) ~ /^ff/)'

# her_run FAMILY NAME: the hosts (set up with their flood lists) ping each
# other, captured on the switch as NAME; every host flooded to the two
# others' group port and H1 learned them.
her_run()
{
	local fam=$1 name=$2 i j m lp

	fdb_capture_start "$name" "$UL"
	check_err $? "cannot capture on the switch"
	fdb_ping_all 3
	check_err $? "not every pair of hosts can ping"
	# A broadcast from every host: an ARP request for nobody.
	for i in 1 2 3; do
		j="H$i"
		ip netns exec "${!j}" ping -q -n -c 1 -W 0.3 192.0.2.99 > /dev/null 2>&1
	done
	fdb_capture_stop "$name"
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			[ "$(lac_capture_count "$name" '$1 == "'"$(lac_host_ip "$fam" "$i")"'" && $3 == "'"$(lac_host_ip "$fam" "$j")"'" && $4 == '"$LAC_GROUP_PORT"' && $8 == "arp"')" -ge 1 ]
			check_err $? "no ARP from H$i to $(lac_host_ip "$fam" "$j"):$LAC_GROUP_PORT (a flood target)"
		done
	done
	for i in 2 3; do
		m="M$i"
		lp="LP$i"
		lac_fdb_check "$H1" lac0 "${!m}" "$(lac_host_ip "$fam" "$i")" "${!lp}"
		check_err $? "H1 did not learn H$i's lac0"
	done
}

# her_nogroup FAMILY NAME: nogroup devices with flood lists: all pairs
# ping, and nothing goes to a multicast address.
her_nogroup()
{
	local fam=$1 name=$2 b0 b1 n

	fdb_hosts_setup 3 "$fam" nogroup && fdb_targets_add 3 "$fam"
	check_err $? "cannot set up the three hosts, nogroup, with flood lists"
	b0=$(lac_mcast_blocked "$UL" 3)
	her_run "$fam" "$name"
	b1=$(lac_mcast_blocked "$UL" 3)
	n=$(lac_capture_count "$name" "$MCAST_COND")
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams went to a multicast address"
	[ "$b1" -eq "$b0" ]
	check_err $? "the switch dropped $((b1 - b0)) multicast datagrams"
	[ "$RET" -eq 0 ] || lac_capture_show "$name"
}

# her_group_blocked FAMILY NAME: with the group and multicast blocked, no
# ping without flood lists; all pairs ping with them.
her_group_blocked()
{
	local fam=$1 name=$2 b0 b1

	fdb_hosts_setup 3 "$fam"
	check_err $? "cannot set up the three hosts"
	lac_no_ping "$H1" 192.0.2.2
	check_err $? "H1 pinged H2 through the group although multicast is blocked"
	ip -n "$H1" neigh flush dev lac0
	fdb_targets_add 3 "$fam"
	check_err $? "cannot add the flood lists"
	b0=$(lac_mcast_blocked "$UL" 3)
	her_run "$fam" "$name"
	b1=$(lac_mcast_blocked "$UL" 3)
	[ "$b1" -gt "$b0" ]
	check_err $? "the switch dropped no multicast ($b0 -> $b1): the group was not used"
	[ "$(lac_capture_count "$name" "$MCAST_COND")" -ge 1 ]
	check_err $? "no datagram to the group was captured"
	[ "$RET" -eq 0 ] || lac_capture_show "$name"
}

test_her_nogroup()
{
	her_nogroup 4 her4n
	log_test "three hosts, nogroup, flood lists, multicast blocked: all pairs ping, no multicast"
}

test_her_group_blocked()
{
	her_group_blocked 4 her4g
	log_test "three hosts with the group, multicast blocked: all pairs ping via the flood lists"
}

test_her6_nogroup()
{
	her_nogroup 6 her6n
	log_test "IPv6 underlay, nogroup, flood lists, multicast blocked: all pairs ping, no multicast"
}

test_her6_group_blocked()
{
	her_group_blocked 6 her6g
	log_test "IPv6 underlay with the group, multicast blocked: all pairs ping via the flood lists"
}

lac_main "$@"
