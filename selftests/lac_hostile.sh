#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# Hostile input on the wire, class by class: lac_pktgen.py sends every kind
# of bad (and good) datagram to a lac device, to the group, to the group
# port by unicast and to the device's unicast port; each run is checked by
# lib_hostile.sh: every datagram counted once by the counter of its class,
# the FDB changed only as it should, the device still works.  Also: forged
# echoes and leaves, fragments, bad UDP checksums, an IPv6 underlay.
# lac_hostile_bulk.sh sends the 100 k random datagrams and the MAC flood.

ALL_TESTS="
	test_lengths
	test_flags
	test_vni
	test_short_eth
	test_short_ip
	test_bad_src
	test_static_conflict
	test_echo_spoof
	test_leave_spoof
	test_fragments
	test_bad_csum
	test_ipv6
"
REQUIRED_CMDS="ethtool"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$LAC_SELFTEST_DIR/lib_fdb.sh"
source "$LAC_SELFTEST_DIR/lib_hostile.sh"

setup()
{
	hostile_setup
}

##############################################################################
# Tests

test_lengths()
{
	hs_run "$H3" lengths "${TO[@]}" --src "$MAC_GEN"
	log_test "every payload length 0-64, good header and bad flags"
}

test_flags()
{
	hs_run "$H3" flags "${TO[@]}" --src 02:a5:00:00:01:00
	log_test "every flags byte, each reserved flag bit: rx_frame_errors"
}

test_vni()
{
	hs_run "$H3" vni "${TO[@]}" --vni-rsvd --src 02:a5:00:00:02:00
	log_test "other VNIs (rx_other_vni), reserved VNI bits: ignored"
}

test_short_eth()
{
	hs_run "$H3" short-eth "${TO[@]}" --src 02:a5:00:00:03:00
	log_test "a header and 1-13 bytes: rx_length_errors"
}

test_short_ip()
{
	hs_run "$H3" short-ip "${TO[@]}" --src 02:a5:00:00:04:00
	log_test "truncated inner IPv4/IPv6 headers: rx_length_errors, not learned"
}

test_bad_src()
{
	hs_run "$H3" bad-src "${TO[@]}" --own "$M1"
	lac_fdb_has "$H1" lac0 "$M1"
	check_fail $? "H1 has an FDB entry for its own MAC"
	log_test "own MAC (rx_own_mac), multicast/zero source (rx_bad_source)"
}

test_static_conflict()
{
	hs_run "$H3" static "${TO[@]}" --mac "$MAC_STATIC"
	fdb_check "$H1" lac0 "$MAC_STATIC" 10.0.0.2 "$LP2" permanent
	check_err $? "the static $MAC_STATIC moved"
	log_test "a static MAC from elsewhere: rx_static_conflict, entry kept"
}

# lp_other PORT: a port near PORT, not PORT.
lp_other()
{
	echo $(($1 < 65000 ? $1 + 17 : $1 - 17))
}

# The echo filter drops what comes from our own IP and port; forging that
# source drops only the forged datagram, never a peer's.
test_echo_spoof()
{
	# Frames claiming H2's MAC, from H1's own address and port.
	hs_run "$H3" raw --to "$LAC_GROUP:$LAC_GROUP_PORT" --to "10.0.0.1:$LP1" \
		--spoof "10.0.0.1:$LP1" --kind echo --src "$M2" --count 5
	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2"
	check_err $? "forged echoes moved H2's MAC"
	# From H1's address but another port: a peer on H1 (another lac
	# device, a vde_plug), not an echo: delivered and learned.
	hs_run "$H3" raw --to "$LAC_GROUP:$LAC_GROUP_PORT" --to "10.0.0.1:$LP1" \
		--spoof "10.0.0.1:$(lp_other "$LP1")" \
		--kind frame --src 02:a5:00:00:05:00 --count 2
	lac_ping "$H2" 192.0.2.1 3
	check_err $? "H2 cannot ping H1"
	log_test "forged echoes (our IP:port) dropped as rx_echo, peers unaffected"
}

test_leave_spoof()
{
	local other mk=02:a5:00:00:06:00 leaves=0

	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2"
	check_err $? "H1 has no entry for H2"
	other=$(lp_other "$LP2")
	hs_begin "$H1" lac0
	# Leaves from H2's port on another host, from another port of H2's
	# address (a real socket on H2, and a forged one from H3).
	hs_gen "$H3" leave "${TO[@]}" --bind "10.0.0.3:$LP2" --count 2
	leaves=$((leaves + EXP[rx_leave]))
	hs_gen "$H2" leave "${TO[@]}" --bind "10.0.0.2:$other" --count 2
	leaves=$((leaves + EXP[rx_leave]))
	hs_gen "$H3" raw "${TO[@]}" --spoof "10.0.0.2:$(lp_other "$other")" \
		--kind leave --count 2
	leaves=$((leaves + EXP[rx_leave]))
	# A barrier: a MAC learned from H3, then H3's own leave; once the
	# MAC is gone, the leaves before it have been acted on (one FDB walk
	# serves every queued leave).
	hs_gen "$H3" frames --to "10.0.0.1:$LP1" --bind 10.0.0.3:7411 --src "$mk"
	lac_wait 5 lac_fdb_has "$H1" lac0 "$mk"
	check_err $? "the barrier MAC $mk was not learned"
	hs_gen "$H3" leave --to "10.0.0.1:$LP1" --bind 10.0.0.3:7411
	leaves=$((leaves + EXP[rx_leave]))
	lac_wait 5 not lac_fdb_has "$H1" lac0 "$mk"
	check_err $? "H3's leave did not remove $mk"
	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2"
	check_err $? "a leave from another IP or port removed H2's entry"
	fdb_check "$H1" lac0 "$MAC_STATIC" 10.0.0.2 "$LP2" permanent
	check_err $? "a leave removed the static entry"
	hs_load CNT1 "$H1" lac0
	log_info "rx_leave moved by $(hs_delta rx_leave), $leaves leaves sent"
	[ "$(hs_delta rx_leave)" = "$leaves" ]
	check_err $? "rx_leave moved by $(hs_delta rx_leave), want $leaves"

	# The control: a leave from H2's very IP and port (forged) removes
	# H2's learned entry, and only that: leaves are not authenticated,
	# the source IP:port is all there is.
	hs_gen "$H3" raw --to "10.0.0.1:$LP1" --spoof "10.0.0.2:$LP2" --kind leave
	lac_wait 5 not lac_fdb_has "$H1" lac0 "$M2"
	check_err $? "a leave from 10.0.0.2:$LP2 did not remove H2's entry"
	fdb_check "$H1" lac0 "$MAC_STATIC" 10.0.0.2 "$LP2" permanent
	check_err $? "a leave from H2's IP:port removed the static entry"
	lac_ping "$H1" 192.0.2.2 3 && lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2"
	check_err $? "H2 is not learned again"
	log_test "leaves from another IP or port remove nothing; static entries stay"
}

test_fragments()
{
	local b

	# Frames bigger than the underlay MTU: the sender's kernel fragments
	# the datagrams, H1's reassembles them.
	hs_run "$H3" frag "${TO[@]}" --size 4000 --count 3 --src 02:a5:00:00:07:00
	b=$(hs_delta rx_bytes)
	log_info "rx_bytes moved by $b for 9 frames of 4000 bytes"
	[ "${b:-0}" -ge $((9 * (4000 - 14))) ]
	check_err $? "rx_bytes moved by $b, less than 9 frames of 4000 bytes"
	# The first fragment with only the UDP and lac headers: the inner
	# Ethernet header is not in the linear part of the reassembled skb.
	hs_run "$H3" raw --to "$LAC_GROUP:$LAC_GROUP_PORT" --to "10.0.0.1:$LP1" \
		--spoof 10.0.0.3:7412 --kind tinyfrag --size 200 --count 3 \
		--src 02:a5:00:00:07:10
	log_test "fragmented datagrams reassembled and delivered"
}

test_bad_csum()
{
	local c0 c1

	c0=$(udp_mib "$H1" InCsumErrors)
	hs_run "$H3" raw --to "$LAC_GROUP:$LAC_GROUP_PORT" --to "10.0.0.1:$LP1" \
		--spoof 10.0.0.3:7413 --kind badcsum --count 10 --src 02:a5:00:00:08:00
	c1=$(udp_mib "$H1" InCsumErrors)
	log_info "Udp InCsumErrors $c0 -> $c1"
	[ $((c1 - c0)) -eq 20 ]
	check_err $? "UDP counted $((c1 - c0)) checksum errors, want 20"
	log_test "bad UDP checksums: dropped by UDP, never seen by lac"
}

# udp_mib NS NAME: a counter of the Udp: lines of /proc/net/snmp.
udp_mib()
{
	ip netns exec "$1" awk -v n="$2" '
		/^Udp:/ { if (!h) { for (i = 2; i <= NF; i++) col[$i] = i; h = 1 }
			  else print $col[n] }' /proc/net/snmp
}

test_ipv6()
{
	local to6=(--to "[$LAC_GROUP6]:$LAC_GROUP_PORT" --to "[fd00::1]:$LP6"
		   --bind "[fd00::3]:0" --ifname eth0)

	hs_begin "$H1" lac6
	hs_gen "$H3" lengths "${to6[@]}" --src 02:a5:00:00:09:00
	check_err $? "the generator failed"
	hs_account
	check_err $? "the counters do not account for the datagrams (lengths)"
	hs_fdb_check
	check_err $? "the FDB did not change as it should (lengths)"

	hs_begin "$H1" lac6
	hs_gen "$H3" short-ip "${to6[@]}" --src 02:a5:00:00:09:10
	check_err $? "the generator failed"
	hs_account
	check_err $? "the counters do not account for the datagrams (short-ip)"
	hs_fdb_check
	check_err $? "the FDB did not change as it should (short-ip)"

	hs_begin "$H1" lac6
	hs_gen "$H3" frag "${to6[@]}" --size 4000 --count 2 --src 02:a5:00:00:09:80
	check_err $? "the generator failed"
	hs_account
	check_err $? "the counters do not account for the datagrams (fragments)"
	hs_fdb_check
	check_err $? "the FDB did not change as it should (fragments)"
	lac_ping "$H1" 198.51.100.2 3
	check_err $? "H1 cannot ping H2 across the IPv6 LAC any more"
	log_test "IPv6 underlay: lengths, truncated inner IP, fragments"
}

lac_main "$@"
