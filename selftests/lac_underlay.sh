#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac devices follow changes of their underlay, on three dual-stack hosts:
#
#   H1: lac0 dev eth0 192.0.2.1/24       lac6 dev eth0 group ff05:56de::1
#       lacn (no dev) 203.0.113.1/24           198.51.100.1/24
#       lacm dev eth0, moved to container E1, 192.0.2.11/24
#   H2: lac0 192.0.2.2/24   lac6 group ff05:56de::1 198.51.100.2/24
#       lacn 203.0.113.2/24
#
# Carrier: a lac device with dev has carrier when its underlay device has
# it (NO-CARRIER and LOWERLAYERDOWN/DOWN when eth0 goes down, in the
# container too); when eth0 comes back the group is joined on it again and
# traffic flows; without dev the carrier is always on.  An underlay address
# change: peers learn the new address from the next frame.

ALL_TESTS="
	test_carrier_up
	test_lower_down
	test_lower_up
	test_created_lower_down
	test_addr_change4
	test_addr_change6
	test_lower_deleted
"
REQUIRED_CMDS="ss"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

setup()
{
	lac_underlay_create 3 6 || return 1
	lac_setup "$H1" lac0 192.0.2.1/24 dev eth0 &&
		lac_setup "$H1" lac6 198.51.100.1/24 dev eth0 group "$LAC_GROUP6" &&
		lac_setup "$H1" lacn 203.0.113.1/24 &&
		lac_setup "$H2" lac0 192.0.2.2/24 &&
		lac_setup "$H2" lac6 198.51.100.2/24 group "$LAC_GROUP6" &&
		lac_setup "$H2" lacn 203.0.113.2/24 || return 1
	lac_ns_create E1 &&
		lac_add "$H1" lacm dev eth0 &&
		ip -n "$H1" link set lacm netns "$E1" &&
		lac_up "$E1" lacm 192.0.2.11/24 || return 1
	lac_ping_many "$H1" 192.0.2.2 198.51.100.2 203.0.113.2 &&
		lac_ping "$E1" 192.0.2.2
}

# The devices with dev eth0: "NS DEV" pairs.
with_dev()
{
	echo "$H1 lac0"
	echo "$H1 lac6"
	echo "$E1 lacm"
}

# carrier_is NS DEV 0|1: sysfs carrier and the flags of ip agree.
carrier_is()
{
	local out

	[ "$(lac_carrier "$1" "$2")" = "$3" ] || return 1
	out=$(ip -n "$1" link show dev "$2")
	if [ "$3" = 0 ]; then
		[[ $out == *NO-CARRIER* && $out != *LOWER_UP* ]]
	else
		[[ $out == *LOWER_UP* && $out != *NO-CARRIER* ]]
	fi
}

# check_carrier NS DEV 0|1
check_carrier()
{
	lac_wait 3 carrier_is "$1" "$2" "$3"
	check_err $? "$2 in $1: carrier $(lac_carrier "$1" "$2"), operstate $(lac_operstate "$1" "$2"), want carrier $3: $(ip -n "$1" link show dev "$2" | head -n 1)"
}

test_carrier_up()
{
	local ns dev

	while read -r ns dev; do
		check_carrier "$ns" "$dev" 1
	done < <(with_dev)
	check_carrier "$H1" lacn 1
	check_carrier "$H2" lac0 1
	log_test "up with a running underlay: carrier on"
}

test_lower_down()
{
	local ns dev st

	ip -n "$H1" link set eth0 down
	check_err $? "cannot set eth0 down"
	while read -r ns dev; do
		check_carrier "$ns" "$dev" 0
		st=$(lac_operstate "$ns" "$dev")
		[ "$st" = lowerlayerdown ] || [ "$st" = down ]
		check_err $? "$dev: operstate '$st', want lowerlayerdown or down"
		[ "$(ip -n "$ns" -br link show dev "$dev" | awk '{ print $2 }')" != UP ]
		check_err $? "ip -br link shows $dev UP with its underlay down"
	done < <(with_dev)
	check_carrier "$H1" lacn 1
	log_info "$(ip -n "$H1" link show dev lac0 | head -n 1)"
	lac_no_ping "$H1" 203.0.113.2
	check_err $? "lacn reaches H2 although eth0 is down"
	log_test "underlay down: NO-CARRIER on the lac devices with dev (not on lacn)"
}

test_lower_up()
{
	local ns dev st

	ip -n "$H1" link set eth0 up
	check_err $? "cannot set eth0 up"
	while read -r ns dev; do
		check_carrier "$ns" "$dev" 1
		st=$(lac_operstate "$ns" "$dev")
		[ "$st" = up ] || [ "$st" = unknown ]
		check_err $? "$dev: operstate '$st', want up"
	done < <(with_dev)
	lac_mcast_joined "$H1" eth0 "$LAC_GROUP"
	check_err $? "$LAC_GROUP is not joined on eth0 again (/proc/net/igmp)"
	lac_mcast_joined "$H1" eth0 "$LAC_GROUP6"
	check_err $? "$LAC_GROUP6 is not joined on eth0 again (/proc/net/igmp6)"
	lac_ping_many "$H1" 192.0.2.2 198.51.100.2
	check_err $? "H1 cannot reach H2 again over lac0 and lac6"
	lac_ping "$E1" 192.0.2.2
	check_err $? "the moved lacm cannot reach H2 again"
	# Group traffic both ways: ARP requests for new addresses.
	ip -n "$H1" addr add 192.0.2.51/24 dev lac0 &&
		ip -n "$H1" addr add 198.51.100.51/24 dev lac6 &&
		ip -n "$H2" addr add 192.0.2.53/24 dev lac0 &&
		ip -n "$H2" addr add 198.51.100.53/24 dev lac6
	lac_ping_many "$H2" 192.0.2.51 198.51.100.51
	check_err $? "H2's ARP requests (to the group) do not reach H1 any more"
	lac_ping_many "$H1" 192.0.2.53 198.51.100.53
	check_err $? "H1's ARP requests (to the group) do not reach H2 any more"
	# lacn (no dev) follows the routing table, which lost its multicast
	# route with eth0: put it back, as the host's configuration would.
	ip -n "$H1" route replace 224.0.0.0/4 dev eth0
	lac_ping "$H1" 203.0.113.2
	check_err $? "lacn (no dev) cannot reach H2 again"
	log_test "underlay up again: carrier on, group joined again, traffic flows"
}

test_created_lower_down()
{
	ip -n "$H1" link set eth0 down
	lac_add "$H1" lacx dev eth0 vni 7 && ip -n "$H1" link set lacx up
	check_err $? "cannot create and set up lacx on a down eth0"
	check_carrier "$H1" lacx 0
	ip -n "$H1" link set eth0 up
	check_carrier "$H1" lacx 1
	lac_mcast_joined "$H1" eth0 "$LAC_GROUP"
	check_err $? "$LAC_GROUP not joined on eth0"
	lac_ping "$H1" 192.0.2.2
	check_err $? "lac0 cannot reach H2"
	ip -n "$H1" link del lacx
	log_test "up on a down underlay: no carrier until it comes up"
}

# addr_change FAM DEV OLD NEW PEER-ADDR: H2's eth0 moves from OLD to NEW.
addr_change()
{
	local fam=$1 dev=$2 old=$3 new=$4 peer=$5 m2 lp2 opts=(/24)

	[ "$fam" = 6 ] && opts=(/64 nodad)
	m2=$(dev_mac "$H2" "$dev")
	lp2=$(lac_localport "$H2" "$dev")
	lac_fdb_check "$H1" "$dev" "$m2" "$old" "$lp2"
	check_err $? "H1 does not have H2 at $old:$lp2 before the change"
	ip -n "$H2" -"$fam" addr flush dev eth0 scope global &&
		ip -n "$H2" addr add "$new${opts[0]}" dev eth0 "${opts[@]:1}"
	check_err $? "cannot change H2's address"
	# The last IPv4 address took its routes along.
	if [ "$fam" = 4 ]; then
		ip -n "$H2" route replace 224.0.0.0/4 dev eth0
	fi
	# H2 sends one frame: an ARP request for a new address of H1.
	ip -n "$H1" addr add "$peer" dev "$dev"
	lac_ping "$H2" "${peer%/*}"
	check_err $? "H2 cannot ping H1 from its new address"
	lac_fdb_check "$H1" "$dev" "$m2" "$new" "$lp2"
	check_err $? "H1 did not learn H2's new address $new:$lp2"
	lac_ping "$H1" "$(ip -n "$H2" -4 -br addr show dev "$dev" | awk '{ split($3, a, "/"); print a[1] }')"
	check_err $? "H1 cannot ping H2 at its new place"
}

test_addr_change4()
{
	addr_change 4 lac0 10.0.0.2 10.0.0.22 192.0.2.52/24
	log_test "IPv4 underlay address change: peers learn the new address"
}

test_addr_change6()
{
	addr_change 6 lac6 fd00::2 fd00::22 198.51.100.52/24
	log_test "IPv6 underlay address change: peers learn the new address"
}

test_lower_deleted()
{
	ip -n "$H3" link add v0 type veth peer name v1 &&
		ip -n "$H3" link set v0 up && ip -n "$H3" link set v1 up &&
		ip -n "$H3" addr add 10.9.0.1/24 dev v0 &&
		lac_add "$H3" lacv dev v0 && ip -n "$H3" link set lacv up
	check_err $? "cannot create lacv dev v0"
	check_carrier "$H3" lacv 1
	ip -n "$H3" link del v0
	lac_wait 3 not dev_exists "$H3" lacv
	check_err $? "lacv outlived its underlay device"
	log_test "deleting the underlay device deletes the lac device"
}

lac_main "$@"
