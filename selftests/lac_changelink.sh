#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# Changing the settings of existing lac devices (`ip link set DEV type lac`),
# on three dual-stack hosts; each test runs on an IPv4 LAC (lac0) and on an
# IPv6 LAC (lac6):
#
#   H1: lac0 192.0.2.1/24                lac6 198.51.100.1/24 group ff05:56de::1
#   H2: lac0 192.0.2.2/24                lac6 198.51.100.2/24 local fd00::2
#   H3: lac0 192.0.2.3/24 vni 5          lac6 198.51.100.3/24 local fd00::3 vni 5
#
# ttl and ageing change while up (and take effect); group, port, vni, dev and
# local are refused while up and change while down (and take effect once up);
# the address family never changes.

ALL_TESTS="
	test_ttl_ageing_up4
	test_ttl_ageing_up6
	test_ageing_effect
	test_refused_up4
	test_refused_up6
	test_family_change
	test_vni_down4
	test_vni_down6
	test_group_port_down4
	test_group_port_down6
	test_dev_local_down4
	test_dev_local_down6
"
REQUIRED_CMDS="tcpdump ss"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

# The list of settings grows with the module (", nogroup"): a pattern.
BUSY="Error: Group, port, VNI, dev*local* can only change while the device is down."
FAMILY="Error: The address family of a LAC cannot change."

setup()
{
	lac_underlay_create 3 6 || return 1
	lac_setup "$H1" lac0 192.0.2.1/24 &&
		lac_setup "$H2" lac0 192.0.2.2/24 &&
		lac_setup "$H3" lac0 192.0.2.3/24 vni 5 || return 1
	lac_setup "$H1" lac6 198.51.100.1/24 group "$LAC_GROUP6" &&
		lac_setup "$H2" lac6 198.51.100.2/24 local fd00::2 &&
		lac_setup "$H3" lac6 198.51.100.3/24 local fd00::3 vni 5 || return 1
}

# Per family: the device, the overlay prefix, the underlay address of H<i>,
# the default group.
fam_set()
{
	if [ "$1" = 6 ]; then
		DEV=lac6 NET=198.51.100 GRP=$LAC_GROUP6
	else
		DEV=lac0 NET=192.0.2 GRP=$LAC_GROUP
	fi
	FAM=$1
}

uaddr()
{
	lac_host_ip "$FAM" "$1"
}

check_info()
{
	local got

	got=$(lac_info "$1" "$2" "$3")
	[ "$got" = "$4" ]
	check_err $? "$2: JSON info_data.$3 is '$got', want '$4'"
}

check_show()
{
	local out

	out=$(ip -n "$1" -d link show dev "$2")
	[[ $out == *"$3"* ]]
	check_err $? "ip -d link show $2 lacks '$3': $out"
}

ttl_ageing_up()
{
	local lp m2 lp2 n a1 a2

	fam_set "$1"
	a1=$(uaddr 1)
	a2=$(uaddr 2)
	lac_ping "$H1" "$NET.2"
	check_err $? "H1 cannot ping H2 over $DEV"
	lp=$(lac_localport "$H1" "$DEV")
	m2=$(dev_mac "$H2" "$DEV")
	lp2=$(lac_localport "$H2" "$DEV")

	# 900 s: neither the default nor LAC_AGEING, and long enough that
	# H2's entry outlives the checks below on the debug kernel (with 30,
	# it expired there before the first one).
	ip -n "$H1" link set "$DEV" type lac ttl 5 ageing 900
	check_err $? "ip link set $DEV type lac ttl 5 ageing 900 refused while up"
	check_show "$H1" "$DEV" "ttl 5 ageing 900 "
	check_info "$H1" "$DEV" ttl 5
	check_info "$H1" "$DEV" ageing 900
	[ "$(lac_localport "$H1" "$DEV")" = "$lp" ]
	check_err $? "the localport of $DEV changed with ttl/ageing (sockets reopened?)"
	lac_fdb_check "$H1" "$DEV" "$m2" "$a2" "$lp2"
	check_err $? "H2's entry did not survive the change"

	lac_capture_start "ttl$FAM" "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	ip netns exec "$H1" ping -q -n -c 1 -W 1 "$NET.99" > /dev/null
	ip netns exec "$H1" ping -q -n -c 2 -i 0.2 -W 1 "$NET.2" > /dev/null
	check_err $? "H1 cannot ping H2 after the change"
	lac_capture_stop "ttl$FAM"
	n=$(lac_capture_count "ttl$FAM" '$1 == "'"$a1"'" && $2 == '"$lp"' && $3 == "'"$GRP"'" && $8 == "arp"')
	[ "$n" -gt 0 ]
	check_err $? "no ARP request from H1 to the group"
	n=$(lac_capture_count "ttl$FAM" '$1 == "'"$a1"'" && $3 == "'"$a2"'" && $4 == '"$lp2"' && $8 == "echo-request"')
	[ "$n" -gt 0 ]
	check_err $? "no unicast echo request from H1 to H2"
	n=$(lac_capture_count "ttl$FAM" '$1 == "'"$a1"'" && $5 != 5')
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams from H1 without ttl/hop limit 5"
	[ "$RET" -eq 0 ] || lac_capture_show "ttl$FAM"
	ip -n "$H1" link set "$DEV" type lac ttl 1 ageing "${LAC_AGEING:-128}"
}

test_ttl_ageing_up4()
{
	ttl_ageing_up 4
	log_test "IPv4: ttl and ageing change while up, TTL 5 on the wire"
}

test_ttl_ageing_up6()
{
	ttl_ageing_up 6
	log_test "IPv6: ttl and ageing change while up, hop limit 5 on the wire"
}

test_ageing_effect()
{
	local m1 m2 tb

	# Static neighbours: nothing refreshes the entries once pings stop.
	m1=$(dev_mac "$H1" lac0)
	m2=$(dev_mac "$H2" lac0)
	ip -n "$H1" neigh replace 192.0.2.2 lladdr "$m2" nud permanent dev lac0
	ip -n "$H2" neigh replace 192.0.2.1 lladdr "$m1" nud permanent dev lac0
	tb=$(now_ms)
	lac_ping "$H1" 192.0.2.2
	check_err $? "H1 cannot ping H2"
	ip -n "$H1" link set lac0 type lac ageing "$LAC_AGEING_SHORT"
	check_err $? "cannot set ageing $LAC_AGEING_SHORT while up"
	lac_ageing_check "$H1" lac0 "$m2" "$LAC_AGEING_SHORT" "$tb"
	check_err $? "H2's entry did not age out as set while up (ageing $LAC_AGEING_SHORT)"
	log_info "H2's entry expired ~${LAC_AGEING_MS:-?} ms after the last frame"
	lac_fdb_has "$H2" lac0 "$m1"
	check_err $? "H1's entry in H2's fdb (ageing ${LAC_AGEING:-128}) did not stay"
	ip -n "$H1" link set lac0 type lac ageing "${LAC_AGEING:-128}"
	ip -n "$H1" neigh del 192.0.2.2 dev lac0
	ip -n "$H2" neigh del 192.0.2.1 dev lac0
	log_test "ageing changed while up applies to learned entries"
}

refused_up()
{
	local opt lp

	fam_set "$1"
	lp=$(lac_localport "$H1" "$DEV")
	if [ "$FAM" = 6 ]; then
		set -- "group ff05::7" "port 5555" "vni 5" "dev eth0" "local fd00::1" \
			"ttl 7 vni 5"
	else
		set -- "group 239.1.1.1" "port 5555" "vni 5" "dev eth0" "local 10.0.0.1" \
			"ttl 7 vni 5"
	fi
	for opt in "$@"; do
		# shellcheck disable=SC2086 # opt is a list of words
		lac_expect_error_glob "$BUSY" ip -n "$H1" link set "$DEV" type lac $opt
		check_err $? "'type lac $opt' while up not refused as expected"
	done
	check_show "$H1" "$DEV" "lac group $GRP port 14789 vni 1 localport $lp "
	check_info "$H1" "$DEV" ttl 1
	lac_info "$H1" "$DEV" link > /dev/null
	check_fail $? "$DEV got a dev although it was refused"
	[ "$(ip -n "$H1" -br link show dev "$DEV" | awk '{ print $2 }')" != DOWN ]
	check_err $? "$DEV is no longer up"
	lac_ping "$H1" "$NET.2"
	check_err $? "$DEV stopped working after the refused changes"
}

test_refused_up4()
{
	refused_up 4
	log_test "IPv4: group, port, vni, dev, local refused while up"
}

test_refused_up6()
{
	refused_up 6
	log_test "IPv6: group, port, vni, dev, local refused while up"
}

test_family_change()
{
	ip -n "$H1" link set lac0 down && ip -n "$H1" link set lac6 down
	check_err $? "cannot set lac0 and lac6 down"
	lac_expect_error "$FAMILY" ip -n "$H1" link set lac0 type lac group ff05::1
	check_err $? "IPv4 lac0 given an IPv6 group"
	lac_expect_error "$FAMILY" ip -n "$H1" link set lac0 type lac local fd00::1
	check_err $? "IPv4 lac0 given an IPv6 local"
	lac_expect_error "$FAMILY" ip -n "$H1" link set lac6 type lac group 239.0.0.1
	check_err $? "IPv6 lac6 given an IPv4 group"
	lac_expect_error "$FAMILY" ip -n "$H1" link set lac6 type lac local 10.0.0.1
	check_err $? "IPv6 lac6 given an IPv4 local"
	check_info "$H1" lac0 group "$LAC_GROUP"
	check_info "$H1" lac6 group "$LAC_GROUP6"
	lac_info "$H1" lac0 local > /dev/null
	check_fail $? "lac0 got a local address although it was refused"
	lac_info "$H1" lac6 local > /dev/null
	check_fail $? "lac6 got a local address although it was refused"
	ip -n "$H1" link set lac0 up && ip -n "$H1" link set lac6 up
	check_err $? "cannot set lac0 and lac6 up again"
	lac_ping "$H1" 192.0.2.2 && lac_ping "$H1" 198.51.100.2
	check_err $? "lac0 or lac6 does not work after the refused changes"
	log_test "the address family of a LAC cannot change"
}

vni_down()
{
	local n

	fam_set "$1"
	lac_no_ping "$H1" "$NET.3"
	check_err $? "H1 (vni 1) reaches H3 (vni 5) before the change"
	ip -n "$H1" link set "$DEV" down &&
		ip -n "$H1" link set "$DEV" type lac vni 5 &&
		ip -n "$H1" link set "$DEV" up
	check_err $? "cannot change $DEV to vni 5 while down"
	check_info "$H1" "$DEV" vni 5
	lac_capture_start "vni$FAM" "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	lac_ping "$H1" "$NET.3"
	check_err $? "H1 (now vni 5) cannot reach H3 (vni 5)"
	lac_no_ping "$H1" "$NET.2"
	check_err $? "H1 (now vni 5) still reaches H2 (vni 1)"
	lac_capture_stop "vni$FAM"
	n=$(lac_capture_count "vni$FAM" '$1 == "'"$(uaddr 1)"'" && $6 != "0800000000000500"')
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams from H1 without the vni 5 header"
	lac_fdb_has "$H1" "$DEV" "$(dev_mac "$H3" "$DEV")"
	check_err $? "H1 did not learn H3"
	[ "$RET" -eq 0 ] || lac_capture_show "vni$FAM"
	ip -n "$H1" link set "$DEV" down &&
		ip -n "$H1" link set "$DEV" type lac vni 1 &&
		ip -n "$H1" link set "$DEV" up
	check_err $? "cannot change $DEV back to vni 1"
	lac_ping "$H1" "$NET.2"
	check_err $? "H1 (vni 1 again) cannot reach H2"
}

test_vni_down4()
{
	vni_down 4
	log_test "IPv4: vni changes while down and is used once up"
}

test_vni_down6()
{
	vni_down 6
	log_test "IPv6: vni changes while down and is used once up"
}

group_port_down()
{
	local grp n h

	fam_set "$1"
	if [ "$FAM" = 6 ]; then grp=ff15::9; else grp=239.1.2.3; fi
	# H1 and H3 (on vni 5) move to GRP port 5555.
	for h in "$H1" "$H3"; do
		ip -n "$h" link set "$DEV" down &&
			ip -n "$h" link set "$DEV" type lac group "$grp" port 5555 vni 5 &&
			ip -n "$h" link set "$DEV" up
		check_err $? "cannot change $DEV to group $grp port 5555 while down"
	done
	check_info "$H1" "$DEV" group "$grp"
	check_info "$H1" "$DEV" port 5555
	lac_udp_bound "$H1" 5555
	check_err $? "no UDP socket bound to port 5555 in H1"
	lac_mcast_joined "$H1" eth0 "$grp"
	check_err $? "$grp is not joined on eth0 of H1"
	lac_capture_start "grp$FAM" "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	lac_ping "$H1" "$NET.3"
	check_err $? "H1 cannot reach H3 on group $grp port 5555"
	lac_no_ping "$H1" "$NET.2"
	check_err $? "H1 still reaches H2 (old group)"
	lac_capture_stop "grp$FAM"
	n=$(lac_capture_count "grp$FAM" '$1 == "'"$(uaddr 1)"'" && $3 == "'"$grp"'" && $4 == 5555 && $8 == "arp"')
	[ "$n" -gt 0 ]
	check_err $? "no ARP request from H1 to [$grp]:5555"
	n=$(lac_capture_count "grp$FAM" '$1 == "'"$(uaddr 1)"'" && $3 == "'"$GRP"'"')
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams from H1 to the old group $GRP"
	[ "$RET" -eq 0 ] || lac_capture_show "grp$FAM"
	for h in "$H1" "$H3"; do
		ip -n "$h" link set "$DEV" down &&
			ip -n "$h" link set "$DEV" type lac group "$GRP" port 14789 &&
			ip -n "$h" link set "$DEV" up
		check_err $? "cannot change $DEV back to group $GRP port 14789"
	done
	ip -n "$H1" link set "$DEV" down && ip -n "$H1" link set "$DEV" type lac vni 1 &&
		ip -n "$H1" link set "$DEV" up
	lac_ping "$H1" "$NET.2"
	check_err $? "H1 cannot reach H2 after changing back"
}

test_group_port_down4()
{
	group_port_down 4
	log_test "IPv4: group and port change while down and are used once up"
}

test_group_port_down6()
{
	group_port_down 6
	log_test "IPv6: group and port change while down and are used once up"
}

dev_local_down()
{
	local a1 lp out

	fam_set "$1"
	a1=$(uaddr 1)
	ip -n "$H1" link set "$DEV" down &&
		ip -n "$H1" link set "$DEV" type lac dev eth0 local "$a1" &&
		ip -n "$H1" link set "$DEV" up
	check_err $? "cannot set dev eth0 local $a1 on $DEV while down"
	check_show "$H1" "$DEV" "dev eth0 local $a1 "
	lp=$(lac_localport "$H1" "$DEV")
	out=$(ip netns exec "$H1" ss -uanH)
	if [ "$FAM" = 6 ]; then
		[[ $out == *"[$a1]:$lp "* ]]
	else
		[[ $out == *" $a1:$lp "* ]]
	fi
	check_err $? "the unicast socket of $DEV is not bound to $a1:$lp: $out"
	lac_ping "$H1" "$NET.2" && lac_ping "$H2" "$NET.1"
	check_err $? "$DEV (dev eth0 local $a1) cannot ping H2"
	lac_fdb_check "$H2" "$DEV" "$(dev_mac "$H1" "$DEV")" "$a1" "$lp"
	check_err $? "H2 did not learn H1 at $a1:$lp"
}

test_dev_local_down4()
{
	dev_local_down 4
	log_test "IPv4: dev and local change while down and are used once up"
}

test_dev_local_down6()
{
	dev_local_down 6
	log_test "IPv6: dev and local change while down and are used once up"
}

lac_main "$@"
