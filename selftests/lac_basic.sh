#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac basics on a three-host underlay:
#
#   H1: lac0 192.0.2.1/24 (defaults)
#   H2: lac0 192.0.2.2/24 (ttl 3)
#   H3: lac0 192.0.2.3/24 (vni 2)
#
# ping over lac, learning of IP and port, the wire format, unicast to the
# learned endpoint, the source port of every datagram, ttl, vni isolation.
# The datagrams are captured on H1's eth0.

ALL_TESTS="
	test_ping
	test_fdb
	test_wire
	test_unicast
	test_ttl
	test_vni_isolation
"
REQUIRED_CMDS="tcpdump"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

HDR_VNI1=0800000000000100
HDR_VNI2=0800000000000200

setup()
{
	lac_underlay_create 3 || return 1
	lac_setup "$H1" lac0 192.0.2.1/24 || return 1
	lac_setup "$H2" lac0 192.0.2.2/24 ttl 3 || return 1
	lac_setup "$H3" lac0 192.0.2.3/24 vni 2 || return 1
	M1=$(dev_mac "$H1" lac0) && M2=$(dev_mac "$H2" lac0) &&
		M3=$(dev_mac "$H3" lac0) || return 1
	LP1=$(lac_localport "$H1" lac0) && LP2=$(lac_localport "$H2" lac0) &&
		LP3=$(lac_localport "$H3" lac0) || return 1
	log_info "H1 lac0 $M1 10.0.0.1:$LP1, H2 lac0 $M2 10.0.0.2:$LP2, H3 lac0 $M3 10.0.0.3:$LP3"
	[ "$LP1" -gt 0 ] && [ "$LP2" -gt 0 ] && [ "$LP3" -gt 0 ]
}

# count NAME AWK-CONDITION
count()
{
	lac_capture_count "$@"
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
	check_err $? "H1 cannot ping H2 over lac"
	lac_ping "$H2" 192.0.2.1
	check_err $? "H2 cannot ping H1 over lac"
	lac_capture_stop first

	[ "$(dev_stat "$H1" lac0 tx_packets)" -gt "$tx1" ] &&
		[ "$(dev_stat "$H1" lac0 rx_packets)" -gt "$rx1" ] &&
		[ "$(dev_stat "$H2" lac0 tx_packets)" -gt "$tx2" ] &&
		[ "$(dev_stat "$H2" lac0 rx_packets)" -gt "$rx2" ]
	check_err $? "the tx/rx packet counters of lac0 did not grow"
	log_test "ping between two hosts over lac"
}

test_fdb()
{
	local got

	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2"
	check_err $? "H1 did not learn H2's lac0 at 10.0.0.2:$LP2"
	lac_fdb_check "$H2" lac0 "$M1" 10.0.0.1 "$LP1"
	check_err $? "H2 did not learn H1's lac0 at 10.0.0.1:$LP1"
	got=$(lac_fdb_get_json "$H1" lac0 "$M2")
	[ "$got" = "10.0.0.2 $LP2" ]
	check_err $? "bridge -j fdb show: the entry of $M2 has dst/port '$got', want '10.0.0.2 $LP2'"
	lac_fdb_has "$H1" lac0 "$M1"
	check_fail $? "H1 learned its own MAC (own echo not dropped)"
	lac_fdb_has "$H2" lac0 "$M2"
	check_fail $? "H2 learned its own MAC (own echo not dropped)"
	log_test "fdb holds the peer's IP and localport"
}

test_wire()
{
	local n

	n=$(count first '$1 == "10.0.0.1"')
	[ "$n" -gt 0 ]
	check_err $? "no datagram from H1 captured"
	n=$(count first '$1 == "10.0.0.1" && $2 != '"$LP1")
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams from H1 not sent from its localport $LP1"
	n=$(count first '$1 == "10.0.0.2" && $2 != '"$LP2")
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams from H2 not sent from its localport $LP2"
	n=$(count first '$1 == "10.0.0.1" && $3 == "239.0.0.1" && $4 == 14789 && $8 == "arp" && $10 == "ff:ff:ff:ff:ff:ff"')
	[ "$n" -gt 0 ]
	check_err $? "H1's broadcast ARP request did not go to 239.0.0.1:14789"
	n=$(count first '$1 == "10.0.0.1" && $3 == "239.0.0.1" && $5 != 1')
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams from H1 to the group without ttl 1"
	n=$(count first '$1 == "10.0.0.1" && $3 == "10.0.0.2" && $4 == '"$LP2")
	[ "$n" -gt 0 ]
	check_err $? "no unicast datagram from H1 to 10.0.0.2:$LP2"
	n=$(count first '($1 == "10.0.0.1" || $1 == "10.0.0.2") && $6 != "'"$HDR_VNI1"'"')
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams without the header $HDR_VNI1"
	n=$(count first '$1 == "10.0.0.1" && $8 == "echo-request" && $9 != "'"$M1"'"')
	[ "$n" -eq 0 ]
	check_err $? "$n echo requests from H1 whose inner source is not $M1"
	[ "$RET" -eq 0 ] || lac_capture_show first
	log_test "wire format, source port and group of the datagrams"
}

test_unicast()
{
	local n

	lac_capture_start burst "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	ip netns exec "$H1" ping -q -n -c 10 -i 0.2 -W 1 192.0.2.2 > /dev/null
	check_err $? "H1 cannot ping H2"
	lac_capture_stop burst

	n=$(count burst '$1 == "10.0.0.1" && $2 == '"$LP1"' && $3 == "10.0.0.2" && $4 == '"$LP2"' && $8 == "echo-request"')
	[ "$n" -ge 10 ]
	check_err $? "$n echo requests from 10.0.0.1:$LP1 to 10.0.0.2:$LP2, want 10"
	n=$(count burst '$1 == "10.0.0.2" && $2 == '"$LP2"' && $3 == "10.0.0.1" && $4 == '"$LP1"' && $8 == "echo-reply"')
	[ "$n" -ge 9 ]
	check_err $? "$n echo replies from 10.0.0.2:$LP2 to 10.0.0.1:$LP1, want 10"
	n=$(count burst '$3 == "239.0.0.1" && $8 ~ /^echo/')
	[ "$n" -eq 0 ]
	check_err $? "$n echo requests or replies went to the group after learning"
	n=$(count burst '$3 == "239.0.0.1"')
	[ "$n" -le 2 ]
	check_err $? "$n datagrams went to the group during the burst"
	[ "$RET" -eq 0 ] || lac_capture_show burst
	log_test "known unicast goes to the learned IP:port, not the group"
}

test_ttl()
{
	local n

	lac_capture_start ttl "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	# An unanswered ARP request: a broadcast from H2 (ttl 3) to the group.
	ip netns exec "$H2" ping -q -n -c 1 -W 1 192.0.2.99 > /dev/null
	lac_capture_stop ttl

	n=$(count ttl '$1 == "10.0.0.2" && $2 == '"$LP2"' && $3 == "239.0.0.1" && $4 == 14789 && $8 == "arp"')
	[ "$n" -gt 0 ]
	check_err $? "no ARP request from 10.0.0.2:$LP2 to the group"
	n=$(count ttl '$1 == "10.0.0.2" && $5 != 3')
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams from H2 (ttl 3) with another ttl"
	[ "$RET" -eq 0 ] || lac_capture_show ttl
	log_test "ttl setting applies to the group datagrams"
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

	n=$(count vni '$1 == "10.0.0.3" && $2 == '"$LP3"' && $3 == "239.0.0.1" && $6 == "'"$HDR_VNI2"'" && $8 == "arp"')
	[ "$n" -gt 0 ]
	check_err $? "no ARP request with vni 2 ($HDR_VNI2) from 10.0.0.3:$LP3 to the group"
	n=$(count vni '$1 == "10.0.0.1" && $3 == "239.0.0.1" && $8 == "arp"')
	[ "$n" -gt 0 ]
	check_err $? "no ARP request with vni 1 from H1 to the group"
	lac_fdb_has "$H1" lac0 "$M2"
	check_err $? "H1's fdb cannot be read (or lost H2)"
	lac_fdb_has "$H1" lac0 "$M3"
	check_fail $? "H1 (vni 1) learned H3's MAC (vni 2)"
	lac_fdb_has "$H2" lac0 "$M3"
	check_fail $? "H2 (vni 1) learned H3's MAC (vni 2)"
	lac_fdb_has "$H3" lac0 "$M1"
	check_fail $? "H3 (vni 2) learned H1's MAC (vni 1)"
	n=$(dev_stat "$H3" lac0 rx_packets)
	[ "$n" -eq 0 ]
	check_err $? "H3's lac0 (vni 2) received $n packets of vni 1"
	[ "$RET" -eq 0 ] || lac_capture_show vni
	log_test "a vni mismatch isolates"
}

lac_main "$@"
