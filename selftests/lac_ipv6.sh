#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac over an IPv6 underlay (three dual-stack hosts, fd00::i/64 on eth0):
#
#   H1: lac0 192.0.2.1/24 group ff05:56de::1
#   H2: lac0 192.0.2.2/24 local fd00::2 ttl 3 (IPv6 from local, default group)
#   H3: lac0 192.0.2.3/24 local fd00::3 vni 2
#       vde_plug vxvde://ff05:56de::1 tap://tap0, tap0 192.0.2.30/24
#
# netlink (IPv6 group and local, defaults, MTU, refusals), ping, learning of
# IPv6 address and port, the wire, unicast after learning, hop limit, vni
# isolation, crafted datagrams, two devices of one netns, IPv4 and IPv6 LACs
# side by side, an IPv6 overlay, interop with vde_plug, leave, ageing.

ALL_TESTS="
	test_netlink
	test_refused
	test_ping
	test_fdb
	test_wire
	test_unicast
	test_hoplimit
	test_vni_isolation
	test_learn_crafted
	test_tx_to_learned
	test_two_in_one_ns
	test_family_isolation
	test_overlay_ipv6
	test_vde_interop
	test_vde_settings
	test_vde_leave
	test_leave_on_down
	test_leave_on_delete
	test_ageing
"
REQUIRED_CMDS="tcpdump vde_plug ss setsid"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

HDR_VNI1=0800000000000100
HDR_VNI2=0800000000000200
G6=$LAC_GROUP6

setup()
{
	lac_ipv6_available || { ktap_print_msg "IPv6 is not available"; return 1; }
	lac_underlay_create 3 6 || return 1
	lac_setup "$H1" lac0 192.0.2.1/24 group "$G6" || return 1
	lac_setup "$H2" lac0 192.0.2.2/24 local fd00::2 ttl 3 || return 1
	lac_setup "$H3" lac0 192.0.2.3/24 local fd00::3 vni 2 || return 1
	M1=$(dev_mac "$H1" lac0) && M2=$(dev_mac "$H2" lac0) &&
		M3=$(dev_mac "$H3" lac0) || return 1
	LP1=$(lac_localport "$H1" lac0) && LP2=$(lac_localport "$H2" lac0) &&
		LP3=$(lac_localport "$H3" lac0) || return 1
	log_info "H1 lac0 $M1 [fd00::1]:$LP1, H2 lac0 $M2 [fd00::2]:$LP2, H3 lac0 $M3 [fd00::3]:$LP3"
	[ "$LP1" -gt 0 ] && [ "$LP2" -gt 0 ] && [ "$LP3" -gt 0 ]
}

count()
{
	lac_capture_count "$@"
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

	lac_add "$H1" lacn local fd00::1
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
	lac_add "$H1" lacd dev eth0 local fd00::1
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

test_ping()
{
	local tx1 rx1 tx2 rx2

	tx1=$(dev_stat "$H1" lac0 tx_packets)
	rx1=$(dev_stat "$H1" lac0 rx_packets)
	tx2=$(dev_stat "$H2" lac0 tx_packets)
	rx2=$(dev_stat "$H2" lac0 rx_packets)
	lac_capture_start first "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	lac_ping "$H1" 192.0.2.2
	check_err $? "H1 cannot ping H2 over an IPv6 lac"
	lac_ping "$H2" 192.0.2.1
	check_err $? "H2 cannot ping H1 over an IPv6 lac"
	lac_capture_stop first
	[ "$(dev_stat "$H1" lac0 tx_packets)" -gt "$tx1" ] &&
		[ "$(dev_stat "$H1" lac0 rx_packets)" -gt "$rx1" ] &&
		[ "$(dev_stat "$H2" lac0 tx_packets)" -gt "$tx2" ] &&
		[ "$(dev_stat "$H2" lac0 rx_packets)" -gt "$rx2" ]
	check_err $? "the tx/rx packet counters of lac0 did not grow"
	[ "$RET" -eq 0 ] || lac_dump "$H1" "$H2"
	log_test "ping between two hosts over an IPv6 underlay"
}

test_fdb()
{
	local got

	lac_fdb_check "$H1" lac0 "$M2" fd00::2 "$LP2"
	check_err $? "H1 did not learn H2 at [fd00::2]:$LP2"
	lac_fdb_check "$H2" lac0 "$M1" fd00::1 "$LP1"
	check_err $? "H2 did not learn H1 at [fd00::1]:$LP1"
	bridge -n "$H1" fdb show dev lac0 | grep -q "^$M2 dst fd00::2 port $LP2 "
	check_err $? "bridge fdb show does not print '$M2 dst fd00::2 port $LP2'"
	got=$(lac_fdb_get_json "$H1" lac0 "$M2")
	[ "$got" = "fd00::2 $LP2" ]
	check_err $? "bridge -j fdb show: $M2 has '$got', want 'fd00::2 $LP2'"
	lac_fdb_has "$H1" lac0 "$M1"
	check_fail $? "H1 learned its own MAC (own echo not dropped)"
	lac_fdb_has "$H2" lac0 "$M2"
	check_fail $? "H2 learned its own MAC (own echo not dropped)"
	[ "$RET" -eq 0 ] || lac_fdb_dump "$H1" lac0
	log_test "fdb holds the peer's IPv6 address and port"
}

test_wire()
{
	local n

	n=$(count first '$1 == "fd00::1"')
	[ "$n" -gt 0 ]
	check_err $? "no datagram from fd00::1 captured"
	n=$(count first '$1 == "fd00::1" && $2 != '"$LP1")
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams from H1 not sent from its localport $LP1"
	n=$(count first '$1 == "fd00::2" && $2 != '"$LP2")
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams from H2 not sent from its localport $LP2"
	n=$(count first '$1 == "fd00::1" && $3 == "'"$G6"'" && $4 == 14789 && $8 == "arp" && $10 == "ff:ff:ff:ff:ff:ff"')
	[ "$n" -gt 0 ]
	check_err $? "H1's broadcast ARP request did not go to [$G6]:14789"
	n=$(count first '$1 == "fd00::1" && $5 != 1')
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams from H1 without hop limit 1"
	n=$(count first '$1 == "fd00::1" && $3 == "fd00::2" && $4 == '"$LP2"' && $8 ~ /^echo/')
	[ "$n" -gt 0 ]
	check_err $? "no unicast echo from H1 to [fd00::2]:$LP2"
	n=$(count first '$6 != "'"$HDR_VNI1"'"')
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams without the header $HDR_VNI1"
	n=$(count first '$1 ~ /^10\./')
	[ "$n" -eq 0 ]
	check_err $? "$n IPv4 datagrams from an IPv6 lac"
	[ "$RET" -eq 0 ] || lac_capture_show first
	log_test "wire: IPv6 group, source port, hop limit, header"
}

test_unicast()
{
	local n

	lac_capture_start burst "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	ip netns exec "$H1" ping -q -n -c 10 -i 0.2 -W 1 192.0.2.2 > /dev/null
	check_err $? "H1 cannot ping H2"
	lac_capture_stop burst
	n=$(count burst '$1 == "fd00::1" && $2 == '"$LP1"' && $3 == "fd00::2" && $4 == '"$LP2"' && $8 == "echo-request"')
	[ "$n" -ge 10 ]
	check_err $? "$n echo requests from [fd00::1]:$LP1 to [fd00::2]:$LP2, want 10"
	n=$(count burst '$1 == "fd00::2" && $2 == '"$LP2"' && $3 == "fd00::1" && $4 == '"$LP1"' && $8 == "echo-reply"')
	[ "$n" -ge 9 ]
	check_err $? "$n echo replies from [fd00::2]:$LP2 to [fd00::1]:$LP1, want 10"
	n=$(count burst '$3 == "'"$G6"'" && $8 ~ /^echo/')
	[ "$n" -eq 0 ]
	check_err $? "$n echo requests or replies went to the group after learning"
	[ "$RET" -eq 0 ] || lac_capture_show burst
	log_test "known unicast goes to the learned [IPv6]:port, not the group"
}

test_hoplimit()
{
	local n

	lac_capture_start hl "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	# An unanswered ARP request to the group, then unicast echoes, from H2
	# (ttl 3).
	ip netns exec "$H2" ping -q -n -c 1 -W 1 192.0.2.99 > /dev/null
	ip netns exec "$H2" ping -q -n -c 2 -i 0.2 -W 1 192.0.2.1 > /dev/null
	check_err $? "H2 cannot ping H1"
	lac_capture_stop hl
	n=$(count hl '$1 == "fd00::2" && $3 == "'"$G6"'" && $8 == "arp"')
	[ "$n" -gt 0 ]
	check_err $? "no ARP request from H2 to the group"
	n=$(count hl '$1 == "fd00::2" && $3 == "fd00::1" && $8 == "echo-request"')
	[ "$n" -gt 0 ]
	check_err $? "no unicast echo request from H2"
	n=$(count hl '$1 == "fd00::2" && $5 != 3')
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams from H2 (ttl 3) with another hop limit"
	[ "$RET" -eq 0 ] || lac_capture_show hl
	log_test "ttl sets the hop limit of group and unicast datagrams"
}

test_vni_isolation()
{
	local n

	lac_capture_start vni "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	lac_no_ping "$H3" 192.0.2.1
	check_err $? "H3 (vni 2) reached H1 (vni 1)"
	lac_no_ping "$H1" 192.0.2.3
	check_err $? "H1 (vni 1) reached H3 (vni 2)"
	lac_capture_stop vni
	n=$(count vni '$1 == "fd00::3" && $2 == '"$LP3"' && $3 == "'"$G6"'" && $6 == "'"$HDR_VNI2"'" && $8 == "arp"')
	[ "$n" -gt 0 ]
	check_err $? "no ARP request with vni 2 from [fd00::3]:$LP3 to the group"
	lac_fdb_has "$H1" lac0 "$M3"
	check_fail $? "H1 (vni 1) learned H3's MAC (vni 2)"
	lac_fdb_has "$H3" lac0 "$M1"
	check_fail $? "H3 (vni 2) learned H1's MAC (vni 1)"
	n=$(dev_stat "$H3" lac0 rx_packets)
	[ "$n" -eq 0 ]
	check_err $? "H3's lac0 (vni 2) received $n packets of vni 1"
	[ "$RET" -eq 0 ] || lac_capture_show vni
	log_test "a vni mismatch isolates over IPv6"
}

MAC_A=02:00:00:00:06:0a
MAC_B=02:00:00:00:06:0b

# inject NS FROM [lac_util.py send options]: a datagram to the group.
inject()
{
	local ns=$1 from=$2; shift 2

	ip netns exec "$ns" "${LAC_PY[@]}" send --bind "$from" \
		--to "[$G6]:$LAC_GROUP_PORT" --ifname eth0 "$@"
}

test_learn_crafted()
{
	local ms

	inject "$H3" "[fd00::3]:7777" --src "$MAC_A"
	check_err $? "cannot send from [fd00::3]:7777"
	inject "$H3" "[fd00::3]:7778" --src "$MAC_B"
	lac_wait 2 lac_fdb_has "$H1" lac0 "$MAC_A" &&
		lac_wait 2 lac_fdb_has "$H1" lac0 "$MAC_B"
	check_err $? "$MAC_A and $MAC_B not learned"
	lac_fdb_check "$H1" lac0 "$MAC_A" fd00::3 7777 &&
		lac_fdb_check "$H1" lac0 "$MAC_B" fd00::3 7778
	check_err $? "crafted senders not learned as [fd00::3]:7777 and :7778"
	lac_fdb_check "$H2" lac0 "$MAC_A" fd00::3 7777
	check_err $? "H2 did not learn $MAC_A either"
	inject "$H3" "[fd00::3]:7778" --leave
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$MAC_B" 1000)
	check_err $? "$MAC_B still learned 1 s after the leave from [fd00::3]:7778"
	log_info "leave took effect after $ms ms"
	lac_fdb_check "$H1" lac0 "$MAC_A" fd00::3 7777
	check_err $? "$MAC_A ([fd00::3]:7777) was removed by a leave from :7778"
	[ "$RET" -eq 0 ] || lac_fdb_dump "$H1" lac0
	log_test "learning and leave from crafted IPv6 datagrams"
}

test_tx_to_learned()
{
	local out f=$LAC_TMPDIR/recv6.out pid

	ip netns exec "$H3" "${LAC_PY[@]}" recv "[fd00::3]:7777" 5 > "$f" &
	pid=$!
	lac_bg_add "$pid"
	lac_wait 5 grep -q ready "$f"
	check_err $? "the receiver on [fd00::3]:7777 did not start"
	ip -n "$H1" neigh add 192.0.2.33 lladdr "$MAC_A" nud permanent dev lac0
	ip netns exec "$H1" ping -q -n -c 1 -W 1 192.0.2.33 > /dev/null
	wait "$pid"
	check_err $? "nothing arrived at [fd00::3]:7777 (where $MAC_A was learned)"
	out=$(tail -n 1 "$f")
	log_info "received: $out"
	[[ $out == "fd00::1 $LP1 fd00::3 7777 - $HDR_VNI1 1 echo-request $M1 $MAC_A" ]]
	check_err $? "want an echo request $M1 -> $MAC_A from [fd00::1]:$LP1"
	ip -n "$H1" neigh del 192.0.2.33 dev lac0
	log_test "frames to a learned MAC go to its [IPv6]:port"
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
	# tap0 shares H3 with lac0 (vni 2), whose subnet it takes over.
	ip -n "$H3" link del lac0
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

test_leave_on_down()
{
	local ms n

	lac_ping "$H1" 192.0.2.2
	lac_fdb_check "$H1" lac0 "$M2" fd00::2 "$LP2"
	check_err $? "H2 is not learned by H1"
	lac_capture_start down "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	ip -n "$H2" link set lac0 down
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$M2" 1000)
	check_err $? "H2's entry still in H1's fdb 1 s after H2's lac0 went down"
	log_info "H2's entry went after $ms ms"
	lac_capture_stop down
	n=$(count down '$1 == "fd00::2" && $2 == '"$LP2"' && $3 == "'"$G6"'" && $4 == 14789 && $6 == "'"$HDR_VNI1"'" && $8 == "leave"')
	[ "$n" -ge 1 ]
	check_err $? "no leave datagram from [fd00::2]:$LP2 to the group"
	[ "$RET" -eq 0 ] || lac_capture_show down
	log_test "link down sends an IPv6 leave that empties the peers' fdb"
}

test_leave_on_delete()
{
	local ms n

	ip -n "$H2" link set lac0 up
	LP2=$(lac_localport "$H2" lac0)
	lac_ping "$H2" 192.0.2.1
	check_err $? "H2 cannot ping H1 after coming up again"
	lac_fdb_check "$H1" lac0 "$M2" fd00::2 "$LP2"
	check_err $? "H1 did not learn H2's new port $LP2"
	lac_capture_start del "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	ip -n "$H2" link del lac0
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$M2" 1000)
	check_err $? "H2's entry still in H1's fdb 1 s after H2's lac0 was deleted"
	log_info "H2's entry went after $ms ms"
	lac_capture_stop del
	n=$(count del '$1 == "fd00::2" && $2 == '"$LP2"' && $3 == "'"$G6"'" && $8 == "leave"')
	[ "$n" -ge 1 ]
	check_err $? "no leave datagram from [fd00::2]:$LP2 to the group"
	[ "$RET" -eq 0 ] || lac_capture_show del
	log_test "deleting an IPv6 device sends a leave"
}

test_ageing()
{
	local tb ma mb

	lac_setup "$H1" laca 203.0.113.1/24 local fd00::1 vni 9 ageing 3 &&
		lac_setup "$H2" laca 203.0.113.2/24 local fd00::2 vni 9
	check_err $? "cannot create laca with ageing 3"
	ma=$(dev_mac "$H1" laca)
	mb=$(dev_mac "$H2" laca)
	ip -n "$H1" neigh add 203.0.113.2 lladdr "$mb" nud permanent dev laca
	ip -n "$H2" neigh add 203.0.113.1 lladdr "$ma" nud permanent dev laca
	tb=$(now_ms)
	lac_ping "$H1" 203.0.113.2
	check_err $? "H1 cannot ping H2 over laca"
	lac_ageing_check "$H1" laca "$mb" 3 "$tb"
	check_err $? "H2's entry did not age out (ageing 3)"
	log_info "H2's entry expired ~$LAC_AGEING_MS ms after the last frame"
	lac_fdb_has "$H2" laca "$ma"
	check_err $? "H1's entry in H2's fdb (ageing 128) did not stay"
	lac_ping "$H1" 203.0.113.2
	check_err $? "H1 cannot ping H2 after the entry expired"
	lac_fdb_check "$H1" laca "$mb" fd00::2 "$(lac_localport "$H2" laca)"
	check_err $? "H2 not learned again"
	log_test "IPv6 entries age out"
}

lac_main "$@"
