#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac basics on a three-host underlay, IPv4 (LAC_FAM=4, the default) or
# IPv6 (LAC_FAM=6, lac_basic6.sh; dual-stack hosts, fd00::i/64 on eth0):
#
#             IPv4 underlay        IPv6 underlay
#   H1: lac0  192.0.2.1/24         group ff05:56de::1
#   H2: lac0  192.0.2.2/24 ttl 3   local fd00::2 ttl 3 (default group)
#   H3: lac0  192.0.2.3/24 vni 2   local fd00::3 vni 2
#
# ping over lac, learning of address and port, the wire format, unicast to
# the learned endpoint, the source port of every datagram, ttl (hop limit),
# vni isolation.  The datagrams are captured on H1's eth0.

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
# tcpdump, vde_plug and python may take more than lib.sh's 10 s to start on
# a loaded emulated machine; the waits end as soon as they are up.
: "${LAC_WAIT:=30}"
source "$(dirname "$(readlink -f "$0")")/lib.sh"

HDR_VNI1=0800000000000100	# V1 and V2 in the lac_fam_want conditions
HDR_VNI2=0800000000000200

setup()
{
	# All that depends on the family: the underlay, the group and the
	# options of the three devices.
	lac_fam_underlay 3 || return 1
	if [ "$LAC_FAM" = 6 ]; then
		OPT1=(group "$FAM_GROUP") OPT2=(local "$A2" ttl 3) OPT3=(local "$A3" vni 2)
	else
		OPT1=() OPT2=(ttl 3) OPT3=(vni 2)
	fi
	lac_fam_lac 1 "${OPT1[@]}" && lac_fam_lac 2 "${OPT2[@]}" &&
		lac_fam_lac 3 "${OPT3[@]}"
}

# counters NS: the tx and rx packet counters of lac0 in NS, a line each.
counters()
{
	local d=/sys/class/net/lac0/statistics

	ip netns exec "$1" cat "$d/tx_packets" "$d/rx_packets"
}

test_ping()
{
	local b1 b2 a1 a2

	mapfile -t b1 < <(counters "$H1")
	mapfile -t b2 < <(counters "$H2")

	lac_capture_start first "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	lac_ping "$H1" 192.0.2.2
	check_err $? "H1 cannot ping H2 over lac"
	lac_ping "$H2" 192.0.2.1
	check_err $? "H2 cannot ping H1 over lac"
	lac_capture_stop first

	mapfile -t a1 < <(counters "$H1")
	mapfile -t a2 < <(counters "$H2")
	[ "${a1[0]:-0}" -gt "${b1[0]:-0}" ] && [ "${a1[1]:-0}" -gt "${b1[1]:-0}" ] &&
		[ "${a2[0]:-0}" -gt "${b2[0]:-0}" ] && [ "${a2[1]:-0}" -gt "${b2[1]:-0}" ]
	check_err $? "the tx/rx packet counters of lac0 did not all grow: H1 ${b1[*]} -> ${a1[*]}, H2 ${b2[*]} -> ${a2[*]}"
	[ "$RET" -eq 0 ] || lac_dump "$H1" "$H2"
	log_test "ping between two hosts over lac ($FAM_UL)"
}

test_fdb()
{
	local got

	lac_fdb_check "$H1" lac0 "$M2" "$A2" "$LP2"
	check_err $? "H1 did not learn H2's lac0 at $EP2"
	lac_fdb_check "$H2" lac0 "$M1" "$A1" "$LP1"
	check_err $? "H2 did not learn H1's lac0 at $EP1"
	bridge -n "$H1" fdb show dev lac0 | grep -q "^$M2 dst $A2 port $LP2 "
	check_err $? "bridge fdb show does not print '$M2 dst $A2 port $LP2'"
	got=$(lac_fdb_get_json "$H1" lac0 "$M2")
	[ "$got" = "$A2 $LP2" ]
	check_err $? "bridge -j fdb show: the entry of $M2 has dst/port '$got', want '$A2 $LP2'"
	lac_fdb_has "$H1" lac0 "$M1"
	check_fail $? "H1 learned its own MAC (own echo not dropped)"
	lac_fdb_has "$H2" lac0 "$M2"
	check_fail $? "H2 learned its own MAC (own echo not dropped)"
	[ "$RET" -eq 0 ] || lac_fdb_dump "$H1" lac0
	log_test "fdb holds the peer's address and localport ($FAM_UL)"
}

test_wire()
{
	lac_fam_want first \
		'$1 == A1' -gt 0 "datagrams from H1 ($A1)" \
		'$1 == A1 && $2 != LP1' -eq 0 "datagrams from H1 not from its localport $LP1" \
		'$1 == A2 && $2 != LP2' -eq 0 "datagrams from H2 not from its localport $LP2" \
		'$1 == A1 && $3 == G && $4 == GPORT && $8 == "arp" && $10 == "ff:ff:ff:ff:ff:ff"' \
			-gt 0 "broadcast ARP requests from H1 to $FAM_GP" \
		'$1 == A1 && $5 != 1' -eq 0 "datagrams from H1 (to the group or not) without $FAM_TTL 1" \
		'$1 == A1 && $3 == A2 && $4 == LP2 && $8 ~ /^echo/' -gt 0 "unicast echoes from H1 to $EP2" \
		'$6 != V1' -eq 0 "datagrams without the header $HDR_VNI1" \
		'$1 == A1 && $8 == "echo-request" && $9 != "'"$M1"'"' \
			-eq 0 "echo requests from H1 whose inner source is not $M1" \
		'($1 ~ /:/) != (FAM == 6)' -eq 0 "datagrams of the other family from IPv$LAC_FAM LACs"
	[ "$RET" -eq 0 ] || lac_capture_show first
	log_test "wire format, source port, $FAM_TTL and group of the datagrams ($FAM_UL)"
}

test_unicast()
{
	lac_capture_start burst "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	ip netns exec "$H1" ping -q -n -c 10 -i 0.2 -W 1 192.0.2.2 > /dev/null
	check_err $? "H1 cannot ping H2"
	lac_capture_stop burst

	lac_fam_want burst \
		'$1 == A1 && $2 == LP1 && $3 == A2 && $4 == LP2 && $8 == "echo-request"' \
			-ge 10 "echo requests from $EP1 to $EP2" \
		'$1 == A2 && $2 == LP2 && $3 == A1 && $4 == LP1 && $8 == "echo-reply"' \
			-ge 9 "echo replies from $EP2 to $EP1" \
		'$3 == G && $8 ~ /^echo/' -eq 0 "echo requests or replies to the group after learning" \
		'$3 == G' -le 2 "datagrams to the group during the burst"
	[ "$RET" -eq 0 ] || lac_capture_show burst
	log_test "known unicast goes to the learned address and port, not the group ($FAM_UL)"
}

test_ttl()
{
	lac_capture_start ttl "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	# From H2 (ttl 3), at the same time: an unanswered ARP request, a
	# broadcast to the group, and unicast echoes.
	ip netns exec "$H2" ping -q -n -c 1 -W 1 192.0.2.99 > /dev/null &
	ip netns exec "$H2" ping -q -n -c 2 -i 0.2 -W 1 192.0.2.1 > /dev/null
	check_err $? "H2 cannot ping H1"
	wait $!
	lac_capture_stop ttl

	lac_fam_want ttl \
		'$1 == A2 && $2 == LP2 && $3 == G && $4 == GPORT && $8 == "arp"' \
			-gt 0 "ARP requests from $EP2 to the group" \
		'$1 == A2 && $2 == LP2 && $3 == A1 && $4 == LP1 && $8 == "echo-request"' \
			-gt 0 "unicast echo requests from $EP2 to $EP1" \
		'$1 == A2 && $5 != 3' -eq 0 "datagrams from H2 (ttl 3) with another $FAM_TTL"
	[ "$RET" -eq 0 ] || lac_capture_show ttl
	log_test "ttl 3: the $FAM_TTL of group and unicast datagrams ($FAM_UL)"
}

test_vni_isolation()
{
	local n pid

	lac_capture_start vni "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	# Both ways at the same time.
	lac_no_ping "$H3" 192.0.2.1 &
	pid=$!
	lac_no_ping "$H1" 192.0.2.3
	check_err $? "H1 (vni 1) reached H3 (vni 2)"
	wait "$pid"
	check_err $? "H3 (vni 2) reached H1 (vni 1)"
	lac_capture_stop vni

	lac_fam_want vni \
		'$1 == A3 && $2 == LP3 && $3 == G && $6 == V2 && $8 == "arp"' \
			-gt 0 "ARP requests with vni 2 ($HDR_VNI2) from $EP3 to the group" \
		'$1 == A1 && $3 == G && $6 == V1 && $8 == "arp"' \
			-gt 0 "ARP requests with vni 1 from H1 to the group"
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
	log_test "a vni mismatch isolates ($FAM_UL)"
}

lac_main "$@"
