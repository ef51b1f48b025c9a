#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac head-end replication: the flood list (bridge fdb append
# 00:00:00:00:00:00 ... dst IP [port P]) and nogroup, on a three-host
# underlay whose switch drops every UDP datagram to a multicast address
# (lac_mcast_block).  The datagrams are captured on H1's eth0.
#
#   Hi: lac0 192.0.2.i/24 on 10.0.0.i, recreated by each test

ALL_TESTS="
	test_flood_list
	test_flood_tx_nogroup
	test_flood_nogroup_off
	test_flood_tx_group
	test_flood_list_down_up
"
REQUIRED_CMDS="tcpdump tc"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$LAC_SELFTEST_DIR/lib_fdb.sh"

MAC_UNKNOWN=02:00:00:00:99:98	# nobody's MAC: unknown unicast

setup()
{
	lac_underlay_create 3 || return 1
	lac_mcast_block "$UL" 3 || return 1
	log_info "multicast blocked on the underlay with $LAC_MCAST_BLOCK_TOOL"
}

test_flood_list()
{
	local got want

	fdb_hosts_setup 1 4 nogroup
	check_err $? "cannot create lac0 nogroup"
	bridge -n "$H1" fdb append "$ZERO_MAC" dev lac0 dst 10.0.0.2 self &&
		bridge -n "$H1" fdb append "$ZERO_MAC" dev lac0 dst 10.0.0.3 self &&
		bridge -n "$H1" fdb append "$ZERO_MAC" dev lac0 dst 10.0.0.4 port 7004 self
	check_err $? "bridge fdb append $ZERO_MAC ... self failed"
	got=$(fdb_flood_targets "$H1" lac0)
	want=$'10.0.0.2 -\n10.0.0.3 -\n10.0.0.4 7004'
	[ "$got" = "$want" ]
	check_err $? "flood targets are '$got', want '$want'"
	bridge -n "$H1" fdb show dev lac0 | grep -q "^$ZERO_MAC dst 10.0.0.4 port 7004 self"
	check_err $? "bridge fdb show does not print '$ZERO_MAC dst 10.0.0.4 port 7004 self'"

	bridge -n "$H1" fdb del "$ZERO_MAC" dev lac0 dst 10.0.0.3 self
	check_err $? "bridge fdb del $ZERO_MAC dst 10.0.0.3 failed"
	got=$(fdb_flood_targets "$H1" lac0)
	want=$'10.0.0.2 -\n10.0.0.4 7004'
	[ "$got" = "$want" ]
	check_err $? "after deleting 10.0.0.3 the flood targets are '$got', want '$want'"
	bridge -n "$H1" fdb del "$ZERO_MAC" dev lac0 dst 10.0.0.4 port 7004 self
	check_err $? "bridge fdb del $ZERO_MAC dst 10.0.0.4 port 7004 failed"
	got=$(fdb_flood_targets "$H1" lac0)
	[ "$got" = "10.0.0.2 -" ]
	check_err $? "after deleting 10.0.0.4:7004 the flood targets are '$got', want '10.0.0.2 -'"
	[ "$RET" -eq 0 ] || fdb_show "$H1" lac0
	log_test "bridge fdb append/del $ZERO_MAC: the flood list, one target at a time"
}

# flood_tx NAME: from H1, an ARP request (broadcast) and an echo request to
# an unknown MAC, captured on H1's eth0 as NAME.
flood_tx()
{
	lac_capture_start "$1" "$H1" eth0 || return 1
	ip netns exec "$H1" ping -q -n -c 1 -W 0.3 192.0.2.99 > /dev/null 2>&1
	ip -n "$H1" neigh replace 192.0.2.98 lladdr "$MAC_UNKNOWN" nud permanent dev lac0
	ip netns exec "$H1" ping -q -n -c 1 -W 0.3 192.0.2.98 > /dev/null 2>&1
	ip -n "$H1" neigh del 192.0.2.98 dev lac0
	lac_capture_stop "$1"
}

# flood_count NAME DST DPORT KIND: datagrams from H1's lac0 to DST:DPORT
# with an inner frame of KIND (arp: broadcast; echo-request: to the unknown
# MAC).
flood_count()
{
	local cond='$1 == "10.0.0.1" && $2 == '"$LP1"' && $3 == "'"$2"'" && $4 == '"$3"' && $8 == "'"$4"'"'

	[ "$4" = echo-request ] && cond+=' && $10 == "'"$MAC_UNKNOWN"'"'
	lac_capture_count "$1" "$cond"
}

# flood_check NAME DST DPORT: both frames went to DST:DPORT.
flood_check()
{
	local n1 n2

	n1=$(flood_count "$1" "$2" "$3" arp)
	n2=$(flood_count "$1" "$2" "$3" echo-request)
	[ "$n1" -ge 1 ] && [ "$n2" -ge 1 ] && return 0
	ktap_print_msg "$1: $n1 ARP requests and $n2 unknown unicast frames to $2:$3, want 1 or more of each"
	return 1
}

test_flood_tx_nogroup()
{
	local n

	fdb_hosts_setup 1 4 nogroup &&
		bridge -n "$H1" fdb append "$ZERO_MAC" dev lac0 dst 10.0.0.2 self &&
		bridge -n "$H1" fdb append "$ZERO_MAC" dev lac0 dst 10.0.0.3 port 7003 self
	check_err $? "cannot set up lac0 nogroup with two flood targets"
	flood_tx ng
	check_err $? "cannot capture on H1 eth0"
	flood_check ng 10.0.0.2 "$LAC_GROUP_PORT"
	check_err $? "broadcast/unknown unicast did not go to 10.0.0.2:$LAC_GROUP_PORT"
	flood_check ng 10.0.0.3 7003
	check_err $? "broadcast/unknown unicast did not go to 10.0.0.3:7003"
	n=$(lac_capture_count ng "$MCAST_COND")
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams went to a multicast address from a nogroup device"
	[ "$RET" -eq 0 ] || lac_capture_show ng
	log_test "nogroup: broadcast and unknown unicast go to every flood target only"
}

# After test_flood_tx_nogroup: "ip link set ... type lac group ADDR" without
# "nogroup" (down) turns nogroup off, and the device floods to the group
# again, beside its flood list.
test_flood_nogroup_off()
{
	local got n

	[ "$(lac_info "$H1" lac0 nogroup)" = true ]
	check_err $? "lac0 of H1 is not nogroup before the test"
	ip -n "$H1" link set lac0 down &&
		ip -n "$H1" link set lac0 type lac group "$LAC_GROUP" &&
		ip -n "$H1" link set lac0 up
	check_err $? "cannot set lac0 down, group $LAC_GROUP and up"
	got=$(lac_info "$H1" lac0 nogroup)
	[ "$got" = false ]
	check_err $? "JSON info_data.nogroup is '$got' after group $LAC_GROUP, want false"
	LP1=$(fdb_localport "$H1" lac0)
	flood_tx ng0
	check_err $? "cannot capture on H1 eth0"
	flood_check ng0 "$LAC_GROUP" "$LAC_GROUP_PORT"
	check_err $? "broadcast/unknown unicast did not go to the group"
	flood_check ng0 10.0.0.3 7003
	check_err $? "broadcast/unknown unicast did not go to 10.0.0.3:7003"
	n=$(lac_capture_count ng0 "$MCAST_COND")
	[ "$n" -ge 2 ]
	check_err $? "$n datagrams to a multicast address, want 2 or more"
	[ "$RET" -eq 0 ] || lac_capture_show ng0
	log_test "group without nogroup turns nogroup off: floods go to the group again"
}

test_flood_tx_group()
{
	local n b0 b1

	fdb_hosts_setup 1 4 &&
		bridge -n "$H1" fdb append "$ZERO_MAC" dev lac0 dst 10.0.0.2 self &&
		bridge -n "$H1" fdb append "$ZERO_MAC" dev lac0 dst 10.0.0.3 port 7003 self
	check_err $? "cannot set up lac0 with two flood targets"
	b0=$(lac_mcast_blocked "$UL" 3)
	flood_tx gr
	check_err $? "cannot capture on H1 eth0"
	b1=$(lac_mcast_blocked "$UL" 3)
	flood_check gr 10.0.0.2 "$LAC_GROUP_PORT"
	check_err $? "broadcast/unknown unicast did not go to 10.0.0.2:$LAC_GROUP_PORT"
	flood_check gr 10.0.0.3 7003
	check_err $? "broadcast/unknown unicast did not go to 10.0.0.3:7003"
	flood_check gr "$LAC_GROUP" "$LAC_GROUP_PORT"
	check_err $? "broadcast/unknown unicast did not go to the group as well"
	n=$(lac_capture_count gr "$MCAST_COND")
	[ "$b1" -gt "$b0" ]
	check_err $? "the switch dropped no multicast ($b0 -> $b1), $n datagrams to the group were sent"
	[ "$RET" -eq 0 ] || lac_capture_show gr
	log_test "with the group: broadcast and unknown unicast go to the group and every target"
}

test_flood_list_down_up()
{
	local before after

	before=$(fdb_flood_targets "$H1" lac0)
	[ "$(wc -l <<< "$before")" -eq 2 ]
	check_err $? "lac0 of H1 does not have the two flood targets: '$before'"
	ip -n "$H1" link set lac0 down && ip -n "$H1" link set lac0 up
	check_err $? "cannot set lac0 down and up"
	after=$(fdb_flood_targets "$H1" lac0)
	[ "$before" = "$after" ]
	check_err $? "flood targets after down/up are '$after', want '$before'"
	log_test "flood targets survive down/up"
}

lac_main "$@"
