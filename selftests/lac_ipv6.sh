#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac over an IPv6 underlay, what only IPv6 has (lac_basic6.sh and
# lac_learning6.sh run the tests of both families over IPv6); three
# dual-stack hosts, fd00::i/64 on eth0:
#
#   H1: lac0 192.0.2.1/24 group ff05:56de::1
#   H2: lac0 192.0.2.2/24 local fd00::2 ttl 3 (IPv6 from local, default group)
#   H3: vde_plug vxvde://ff05:56de::1 tap://tap0, tap0 192.0.2.30/24
#
# netlink (IPv6 group and local, defaults, MTU, refusals), two devices of
# one netns, IPv4 and IPv6 LACs side by side, an IPv6 overlay, interop with
# vde_plug and its leave, the inner route of a local sender released.

ALL_TESTS="
	test_netlink
	test_refused
	test_two_in_one_ns
	test_family_isolation
	test_overlay_ipv6
	test_vde_interop
	test_vde_settings
	test_vde_leave
	test_inner_route_released
"
REQUIRED_CMDS="vde_plug ss setsid"

set -u
# tcpdump, vde_plug and python may take more than lib.sh's 10 s to start on
# a loaded emulated machine; the waits end as soon as they are up.
: "${LAC_WAIT:=30}"
source "$(dirname "$(readlink -f "$0")")/lib.sh"

G6=$LAC_GROUP6

setup()
{
	LAC_FAM=6
	lac_fam_underlay 3 &&
		lac_fam_lac 1 group "$G6" && lac_fam_lac 2 local fd00::2 ttl 3
}

show_d()
{
	ip -n "$1" -d link show dev "$2"
}

# check_show NS DEV TEXT: `ip -d link show` of DEV holds TEXT.
check_show()
{
	local out

	out=$(show_d "$1" "$2")
	[[ $out == *"$3"* ]]
	check_err $? "ip -d link show $2 lacks '$3': $out"
}

check_info()
{
	local got

	got=$(lac_info "$1" "$2" "$3")
	[ "$got" = "$4" ]
	check_err $? "$2: JSON info_data.$3 is '$got', want '$4'"
}

check_mtu()
{
	local got

	got=$(dev_mtu "$1" "$2")
	[ "$got" = "$3" ]
	check_err $? "MTU of $2 is '$got', want $3"
}

test_netlink()
{
	local lp

	LAC_AGEING='' lac_add "$H1" lacn local fd00::1
	check_err $? "cannot create a lac with local fd00::1 alone"
	check_show "$H1" lacn "lac group ff05:56de::1 port 14789 vni 1 localport 0 local fd00::1 ttl 1 ageing 128 "
	check_info "$H1" lacn group ff05:56de::1
	check_info "$H1" lacn local fd00::1
	check_mtu "$H1" lacn 1430
	ip -n "$H1" link set lacn up
	check_err $? "cannot set lacn up"
	lp=$(lac_localport "$H1" lacn)
	[ -n "$lp" ] && [ "$lp" -gt 0 ]
	check_err $? "localport of lacn is '$lp' while up"
	ip netns exec "$H1" ss -uanH | grep -q "\[fd00::1\]:$lp "
	check_err $? "no UDP socket bound to [fd00::1]:$lp"
	lac_udp_bound "$H1" 14789
	check_err $? "no UDP socket bound to the group port 14789"
	lac_mcast_joined "$H1" eth0 ff05:56de::1
	check_err $? "ff05:56de::1 is not joined on eth0 (/proc/net/igmp6)"
	ip -n "$H1" link del lacn

	lac_add "$H1" lacg group ff15::3 port 5555 vni 42 ttl 4 ageing 9
	check_err $? "cannot create a lac with group ff15::3"
	check_show "$H1" lacg "lac group ff15::3 port 5555 vni 42 localport 0 ttl 4 ageing 9 "
	check_info "$H1" lacg group ff15::3
	lac_info "$H1" lacg local > /dev/null
	check_fail $? "info_data has 'local' although none was given"
	check_mtu "$H1" lacg 1430
	ip -n "$H1" link del lacg

	ip -n "$H1" link set eth0 mtu 1500
	LAC_AGEING='' lac_add "$H1" lacd dev eth0 local fd00::1
	check_err $? "cannot create a lac with dev eth0 local fd00::1"
	check_show "$H1" lacd "lac group ff05:56de::1 port 14789 vni 1 localport 0 dev eth0 local fd00::1 ttl 1 ageing 128 "
	check_mtu "$H1" lacd 1430
	ip -n "$H1" link del lacd

	ip -n "$H1" link set eth0 mtu 9000
	lac_add "$H1" lacj dev eth0 group "$G6"
	check_err $? "cannot create a lac with dev eth0 (MTU 9000)"
	check_mtu "$H1" lacj 8930
	ip -n "$H1" link del lacj
	ip -n "$H1" link set eth0 mtu 1500
	log_test "IPv6 group and local: defaults, ip -d link show, JSON, MTU"
}

# refused MESSAGE LAC-OPTIONS...: creating a lac fails with MESSAGE and
# leaves no device.
refused()
{
	local msg=$1; shift

	lac_expect_error "$msg" ip -n "$H1" link add lacbad type lac "$@"
	check_err $? "ip link add type lac $* was not refused as expected"
	dev_exists "$H1" lacbad
	check_fail $? "lacbad exists after the refused 'type lac $*'"
	ip -n "$H1" link del lacbad 2> /dev/null
}

test_refused()
{
	local mix="Error: Group and local address must be of one address family."

	refused "$mix" group 239.0.0.1 local fd00::1
	refused "$mix" group "$G6" local 10.0.0.1
	refused "Error: Group must be an IPv6 multicast address." group fd00::5
	refused "Error: Group must be an IPv6 multicast address." group ::
	refused "Error:" local ff05::1
	log_test "mixed families and non-multicast IPv6 groups refused"
}

test_two_in_one_ns()
{
	local lpa lpb ma mb

	lac_add "$H1" laca local fd00::1 && lac_add "$H1" lacb group "$G6"
	check_err $? "cannot create laca and lacb in H1"
	lac_ns_create E1 E2
	ip -n "$H1" link set laca netns "$E1" && ip -n "$H1" link set lacb netns "$E2"
	check_err $? "cannot move laca and lacb"
	lac_up "$E1" laca 192.0.2.11/24 && lac_up "$E2" lacb 192.0.2.12/24
	check_err $? "cannot bring laca and lacb up"
	lac_ping "$E1" 192.0.2.12 && lac_ping "$E2" 192.0.2.11
	check_err $? "two IPv6 lac devices of one netns cannot ping each other"
	lac_ping "$E1" 192.0.2.2
	check_err $? "laca cannot ping H2"
	lpa=$(lac_localport "$E1" laca)
	lpb=$(lac_localport "$E2" lacb)
	ma=$(dev_mac "$E1" laca)
	mb=$(dev_mac "$E2" lacb)
	[ "$lpa" != "$lpb" ]
	check_err $? "laca and lacb have the same localport $lpa"
	lac_fdb_check "$E1" laca "$mb" fd00::1 "$lpb"
	check_err $? "laca did not learn lacb at [fd00::1]:$lpb"
	lac_fdb_check "$E2" lacb "$ma" fd00::1 "$lpa"
	check_err $? "lacb did not learn laca at [fd00::1]:$lpa"
	lac_fdb_check "$H2" lac0 "$ma" fd00::1 "$lpa"
	check_err $? "H2 did not learn laca at [fd00::1]:$lpa"
	[ "$RET" -eq 0 ] || lac_dump "$H1" "$E1" "$E2"
	ip -n "$E1" link del laca
	ip -n "$E2" link del lacb
	log_test "two IPv6 lac devices of one netns reach each other"
}

test_family_isolation()
{
	local m41 m42 rx

	# IPv4 LACs on the same port and vni, on the same hosts.
	lac_setup "$H1" lac4 198.51.100.1/24 && lac_setup "$H2" lac4 198.51.100.2/24
	check_err $? "cannot set up IPv4 lac4 on H1 and H2"
	m41=$(dev_mac "$H1" lac4)
	m42=$(dev_mac "$H2" lac4)
	rx=$(dev_stat "$H1" lac0 rx_packets)
	lac_ping "$H1" 198.51.100.2 && lac_ping "$H2" 198.51.100.1
	check_err $? "the IPv4 LAC beside the IPv6 one does not work"
	lac_fdb_check "$H1" lac4 "$m42" 10.0.0.2 "$(lac_localport "$H2" lac4)"
	check_err $? "H1's lac4 did not learn H2's lac4 over IPv4"
	lac_ping "$H1" 192.0.2.2
	check_err $? "the IPv6 LAC stopped working beside the IPv4 one"
	lac_fdb_has "$H1" lac0 "$m42"
	check_fail $? "H1's IPv6 lac0 learned H2's IPv4 lac4"
	lac_fdb_has "$H2" lac0 "$m41"
	check_fail $? "H2's IPv6 lac0 learned H1's IPv4 lac4"
	lac_fdb_has "$H1" lac4 "$M2"
	check_fail $? "H1's IPv4 lac4 learned H2's IPv6 lac0"
	bridge -n "$H1" fdb show dev lac0 | grep -q "::ffff:"
	check_fail $? "H1's IPv6 lac0 holds v4-mapped addresses"
	[ "$RET" -eq 0 ] || { lac_fdb_dump "$H1" lac0; lac_fdb_dump "$H1" lac4; }
	ip -n "$H1" link del lac4
	ip -n "$H2" link del lac4
	log_info "lac0 rx_packets grew by $(($(dev_stat "$H1" lac0 rx_packets) - rx))"
	log_test "IPv4 and IPv6 LACs on one port and vni stay apart"
}

test_overlay_ipv6()
{
	lac_ns_ipv6_enable "$H1" lac0 && lac_ns_ipv6_enable "$H2" lac0 &&
		ip -n "$H1" addr add 2001:db8::1/64 dev lac0 nodad &&
		ip -n "$H2" addr add 2001:db8::2/64 dev lac0 nodad
	check_err $? "cannot give lac0 IPv6 addresses"
	lac_ping "$H1" 2001:db8::2 && lac_ping "$H2" 2001:db8::1
	check_err $? "IPv6 over the IPv6 lac (neighbour discovery via the group) fails"
	ip -n "$H1" -6 neigh show dev lac0 | grep -q "2001:db8::2 lladdr $M2"
	check_err $? "H1 did not resolve 2001:db8::2 to $M2"
	log_test "IPv6 inside an IPv6 lac"
}

test_vde_interop()
{
	lac_vde_start "$H3" tap0 192.0.2.30/24 "vxvde://$G6"
	check_err $? "cannot start vde_plug vxvde://$G6"
	MV=$(dev_mac "$H3" tap0)
	VP=$(lac_vde_uport "$H3" tap0)
	log_info "vde_plug vxvde://$G6 tap0 $MV [fd00::3]:$VP"
	lac_ping "$H1" 192.0.2.30
	check_err $? "lac (H1) cannot ping vde_plug over IPv6"
	lac_ping "$H3" 192.0.2.2
	check_err $? "vde_plug cannot ping lac (H2) over IPv6"
	lac_fdb_check "$H1" lac0 "$MV" fd00::3 "$VP"
	check_err $? "H1 did not learn vde_plug at [fd00::3]:$VP"
	lac_fdb_check "$H2" lac0 "$MV" fd00::3 "$VP"
	check_err $? "H2 did not learn vde_plug at [fd00::3]:$VP"
	log_test "interop with vde_plug vxvde://ff05:56de::1 both ways"
}

test_vde_settings()
{
	local vp mac

	lac_setup "$H1" lac6 198.51.100.1/24 group ff15::3 port 5555 vni 42
	check_err $? "cannot create lac6 group ff15::3 port 5555 vni 42"
	lac_vde_start "$H3" tap1 198.51.100.3/24 "vxvde://ff15::3/port=5555/vni=42"
	check_err $? "cannot start vde_plug vxvde://ff15::3/port=5555/vni=42"
	lac_setup "$H2" lac6 203.0.113.2/24 local fd00::2
	check_err $? "cannot create lac6 with the IPv6 defaults in H2"
	lac_vde_start "$H3" tap2 203.0.113.3/24 "vxvde:///v6"
	check_err $? "cannot start vde_plug vxvde:///v6"
	lac_ping "$H1" 198.51.100.3 && lac_ping "$H3" 198.51.100.1
	check_err $? "lac6 and vde_plug (ff15::3 port 5555 vni 42) cannot ping"
	vp=$(lac_vde_uport "$H3" tap1)
	mac=$(dev_mac "$H3" tap1)
	lac_fdb_check "$H1" lac6 "$mac" fd00::3 "$vp"
	check_err $? "lac6 did not learn vde_plug at [fd00::3]:$vp"
	lac_ping "$H2" 203.0.113.3 && lac_ping "$H3" 203.0.113.2
	check_err $? "lac6 (IPv6 defaults) and vde_plug vxvde:///v6 cannot ping"
	vp=$(lac_vde_uport "$H3" tap2)
	mac=$(dev_mac "$H3" tap2)
	lac_fdb_check "$H2" lac6 "$mac" fd00::3 "$vp"
	check_err $? "H2's lac6 did not learn vde_plug /v6 at [fd00::3]:$vp"
	lac_vde_stop "$H3" tap1
	lac_vde_stop "$H3" tap2
	ip -n "$H1" link del lac6
	ip -n "$H2" link del lac6
	log_test "interop with vxvde://ff15::3/port=5555/vni=42 and vxvde:///v6"
}

test_vde_leave()
{
	local ms

	lac_ping "$H1" 192.0.2.2
	check_err $? "H1 cannot ping H2"
	lac_fdb_check "$H1" lac0 "$M2" fd00::2 "$LP2"
	check_err $? "H1 did not learn H2 at [fd00::2]:$LP2"
	lac_fdb_has "$H1" lac0 "$MV"
	check_err $? "vde_plug is not in H1's fdb"
	lac_vde_stop "$H3" tap0 TERM
	check_err $? "cannot stop vde_plug"
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$MV" 1000)
	check_err $? "vde_plug's entry still in H1's fdb 1 s after SIGTERM"
	log_info "vde_plug's entry left H1's fdb after $ms ms"
	lac_fdb_check "$H1" lac0 "$M2" fd00::2 "$LP2"
	check_err $? "H2's entry did not stay"
	log_test "vde_plug's IPv6 leave removes its entries"
}

# rt_entries: the IPv4 dsts the kernel holds (all namespaces), from the
# "entries" column of /proc/net/stat/rt_cache (hex, one line per CPU).
rt_entries()
{
	printf '%d' "0x$(awk 'NR == 2 { print $1 }' /proc/net/stat/rt_cache)"
}

# A local sender's frames carry its route; the IPv6 tunnel path sets the
# outer route over it, and must release it first (udp_tunnel6_xmit_skb does
# not).  Rounds of a lac device in a netns of its own, pinging H2 and
# deleted with the netns: each leaked reference keeps a route forever.
test_inner_route_released()
{
	local rounds=10 r e0 e1 i

	# A baseline at rest: routes of earlier tests still being freed would
	# hide a leak.
	e0=$(rt_entries)
	for ((i = 0; i < LAC_WAIT; i++)); do
		sleep 1
		e1=$(rt_entries)
		[ "$e1" = "$e0" ] && break
		e0=$e1
	done
	for ((r = 0; r < rounds; r++)); do
		lac_container_add E3 "$H1" 192.0.2.13/24 local fd00::1 &&
			lac_ping "$E3" 192.0.2.2 3 &&
			ip netns exec "$E3" ping -q -n -c 3 -i 0.2 192.0.2.2 > /dev/null
		check_err $? "round $r: a lac device in its own netns cannot ping H2"
		lac_ns_delete "$E3"
	done
	# The netns go away in a workqueue, their routes after a grace period.
	for ((i = 0; i < LAC_WAIT * 2; i++)); do
		e1=$(rt_entries)
		[ "$e1" -le $((e0 + 3)) ] && break
		sleep 0.5
	done
	log_info "IPv4 routes: $e0 before $rounds rounds, $e1 after"
	[ "$e1" -le $((e0 + 3)) ]
	check_err $? "$((e1 - e0)) IPv4 routes more after $rounds rounds: inner routes leaked"
	log_test "a local sender's route is released by the IPv6 tunnel path"
}

lac_main "$@"
