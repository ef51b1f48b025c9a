#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac learning, leave messages and ageing, on a three-host underlay.
#
# H1 has lac0 192.0.2.1/24; the peers are crafted VXVDE datagrams sent from
# H3's underlay address (lac_util.py send/recv) or lac devices in H2 and H3.

ALL_TESTS="
	test_learn_ip_port
	test_learn_ignored
	test_tx_to_learned
	test_leave_scope
	test_leave_on_down
	test_leave_on_delete
	test_ageing
"
REQUIRED_CMDS="tcpdump"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

# Source MACs of the crafted frames.
MAC_A=02:00:00:00:03:0a		# learned from 10.0.0.3:7777
MAC_B=02:00:00:00:03:0b		# learned from 10.0.0.3:7778
MAC_C=02:00:00:00:02:0c		# learned from 10.0.0.2:7777
MAC_VNI2=02:00:00:00:03:02	# sent with vni 2
MAC_MCAST=03:00:00:00:03:01	# group bit set
MAC_BCAST=ff:ff:ff:ff:ff:ff
MAC_ZERO=00:00:00:00:00:00

setup()
{
	lac_underlay_create 3 || return 1
	lac_setup "$H1" lac0 192.0.2.1/24 || return 1
	M1=$(dev_mac "$H1" lac0) && LP1=$(lac_localport "$H1" lac0) || return 1
	log_info "H1 lac0 $M1 10.0.0.1:$LP1"
}

# inject NS FROM-ADDR:PORT [lac_util.py send options]: a datagram to the group.
inject()
{
	local ns=$1 from=$2; shift 2

	ip netns exec "$ns" "${LAC_PY[@]}" send --bind "$from" \
		--to "$LAC_GROUP:$LAC_GROUP_PORT" "$@"
}

test_learn_ip_port()
{
	inject "$H3" 10.0.0.3:7777 --src "$MAC_A"
	check_err $? "cannot send from 10.0.0.3:7777"
	lac_wait 2 lac_fdb_has "$H1" lac0 "$MAC_A"
	check_err $? "$MAC_A (broadcast frame from 10.0.0.3:7777) not learned"
	lac_fdb_check "$H1" lac0 "$MAC_A" 10.0.0.3 7777
	check_err $? "$MAC_A not learned as 10.0.0.3 port 7777"
	inject "$H3" 10.0.0.3:7778 --src "$MAC_B"
	lac_wait 2 lac_fdb_has "$H1" lac0 "$MAC_B"
	check_err $? "$MAC_B (from 10.0.0.3:7778) not learned"
	lac_fdb_check "$H1" lac0 "$MAC_B" 10.0.0.3 7778
	check_err $? "$MAC_B not learned as 10.0.0.3 port 7778"
	log_test "learning maps a source MAC to the sender's IP and port"
}

test_learn_ignored()
{
	local mac

	inject "$H3" 10.0.0.3:7780 --src "$MAC_VNI2" --vni 2
	inject "$H3" 10.0.0.3:7780 --src "$MAC_MCAST"
	inject "$H3" 10.0.0.3:7780 --src "$MAC_BCAST"
	inject "$H3" 10.0.0.3:7780 --src "$MAC_ZERO"
	# A marker sent last from the same socket address: once it is learned,
	# the datagrams before it have been processed.
	inject "$H3" 10.0.0.3:7780 --src 02:00:00:00:03:ee
	lac_wait 2 lac_fdb_has "$H1" lac0 02:00:00:00:03:ee
	check_err $? "the marker 02:00:00:00:03:ee was not learned"
	for mac in "$MAC_VNI2" "$MAC_MCAST" "$MAC_BCAST" "$MAC_ZERO"; do
		lac_fdb_has "$H1" lac0 "$mac"
		check_fail $? "$mac was learned"
	done
	[ "$RET" -eq 0 ] || lac_fdb_dump "$H1" lac0
	log_test "no learning from multicast, broadcast, zero MACs or another vni"
}

test_tx_to_learned()
{
	local out f=$LAC_TMPDIR/recv.out pid

	lac_fdb_has "$H1" lac0 "$MAC_A"
	check_err $? "$MAC_A is not in the fdb"
	ip netns exec "$H3" "${LAC_PY[@]}" recv 10.0.0.3:7777 5 > "$f" &
	pid=$!
	lac_bg_add "$pid"
	lac_wait 5 grep -q ready "$f"
	check_err $? "the receiver on 10.0.0.3:7777 did not start"
	ip -n "$H1" neigh add 192.0.2.33 lladdr "$MAC_A" nud permanent dev lac0
	ip netns exec "$H1" ping -q -n -c 1 -W 1 192.0.2.33 > /dev/null
	wait "$pid"
	check_err $? "nothing arrived at 10.0.0.3:7777 (the learned endpoint of $MAC_A)"
	out=$(tail -n 1 "$f")
	log_info "received: $out"
	[[ $out == "10.0.0.1 $LP1 10.0.0.3 7777 - 0800000000000100 1 echo-request $M1 $MAC_A" ]]
	check_err $? "want an echo request $M1 -> $MAC_A from 10.0.0.1:$LP1 with header 0800000000000100"
	ip -n "$H1" neigh del 192.0.2.33 dev lac0
	log_test "frames to a learned MAC go to its IP and port"
}

test_leave_scope()
{
	local ms

	lac_fdb_has "$H1" lac0 "$MAC_A" && lac_fdb_has "$H1" lac0 "$MAC_B"
	check_err $? "$MAC_A and $MAC_B are not both in the fdb"
	inject "$H2" 10.0.0.2:7777 --src "$MAC_C"
	lac_wait 2 lac_fdb_has "$H1" lac0 "$MAC_C"
	check_err $? "$MAC_C (from 10.0.0.2:7777) not learned"

	# A leave from 10.0.0.2:7777, i.e. the same port on another host.
	inject "$H2" 10.0.0.2:7777 --leave
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$MAC_C" 1000)
	check_err $? "$MAC_C still learned 1 s after the leave from 10.0.0.2:7777"
	lac_fdb_has "$H1" lac0 "$MAC_A"
	check_err $? "$MAC_A (10.0.0.3:7777) was removed by a leave from 10.0.0.2:7777"

	# A leave from 10.0.0.3:7777: MAC_A goes, MAC_B (port 7778) stays.
	inject "$H3" 10.0.0.3:7777 --leave
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$MAC_A" 1000)
	check_err $? "$MAC_A still learned 1 s after the leave from 10.0.0.3:7777"
	log_info "leave took effect after $ms ms"
	lac_fdb_check "$H1" lac0 "$MAC_B" 10.0.0.3 7778
	check_err $? "$MAC_B (10.0.0.3:7778) was removed by a leave from 10.0.0.3:7777"
	[ "$RET" -eq 0 ] || lac_fdb_dump "$H1" lac0
	log_test "a leave removes only the entries of its IP:port"
}

# peers_learned: H1 learns H2's and H3's lac0.
peers_learned()
{
	lac_setup "$H2" lac0 192.0.2.2/24 && lac_setup "$H3" lac0 192.0.2.3/24 &&
		M2=$(dev_mac "$H2" lac0) && M3=$(dev_mac "$H3" lac0) &&
		LP2=$(lac_localport "$H2" lac0) && LP3=$(lac_localport "$H3" lac0)
	check_err $? "cannot set up lac0 on H2 and H3"
	lac_ping "$H1" 192.0.2.2 && lac_ping "$H1" 192.0.2.3
	check_err $? "H1 cannot ping H2 and H3"
	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2" &&
		lac_fdb_check "$H1" lac0 "$M3" 10.0.0.3 "$LP3"
	check_err $? "H1 did not learn H2 and H3"
}

test_leave_on_down()
{
	local ms n

	peers_learned
	lac_capture_start down "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	ip -n "$H2" link set lac0 down
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$M2" 1000)
	check_err $? "H2's entry still in H1's fdb 1 s after H2's lac0 went down"
	log_info "H2's entry went after $ms ms"
	lac_capture_stop down
	lac_fdb_check "$H1" lac0 "$M3" 10.0.0.3 "$LP3"
	check_err $? "H3's entry did not stay"
	n=$(lac_capture_count down '$1 == "10.0.0.2" && $2 == '"$LP2"' && $3 == "239.0.0.1" && $4 == 14789 && $6 == "0800000000000100" && $8 == "leave"')
	[ "$n" -ge 1 ]
	check_err $? "no 8-byte leave datagram from 10.0.0.2:$LP2 to the group"
	[ "$RET" -eq 0 ] || lac_capture_show down
	log_test "link down sends a leave that empties the peers' fdb"
}

test_leave_on_delete()
{
	local ms n

	lac_fdb_has "$H1" lac0 "$M3"
	check_err $? "H3's entry is not in H1's fdb"
	lac_capture_start del "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	ip -n "$H3" link del lac0
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$M3" 1000)
	check_err $? "H3's entry still in H1's fdb 1 s after H3's lac0 was deleted"
	log_info "H3's entry went after $ms ms"
	lac_capture_stop del
	n=$(lac_capture_count del '$1 == "10.0.0.3" && $2 == '"$LP3"' && $3 == "239.0.0.1" && $8 == "leave"')
	[ "$n" -ge 1 ]
	check_err $? "no leave datagram from 10.0.0.3:$LP3 to the group"
	[ "$RET" -eq 0 ] || lac_capture_show del
	ip -n "$H2" link del lac0
	log_test "deleting a device sends a leave"
}

test_ageing()
{
	local t0 ms

	# Fresh devices; static neighbours so that no ARP refreshes the entries.
	ip -n "$H1" link del lac0
	lac_setup "$H1" lac0 192.0.2.1/24 ageing 2 &&
		lac_setup "$H2" lac0 192.0.2.2/24
	check_err $? "cannot create lac0 with ageing 2"
	M1=$(dev_mac "$H1" lac0)
	M2=$(dev_mac "$H2" lac0)
	ip -n "$H1" neigh add 192.0.2.2 lladdr "$M2" nud permanent dev lac0
	ip -n "$H2" neigh add 192.0.2.1 lladdr "$M1" nud permanent dev lac0

	lac_ping "$H1" 192.0.2.2
	check_err $? "H1 cannot ping H2"
	t0=$(now_ms)
	lac_fdb_has "$H1" lac0 "$M2"
	check_err $? "H2 not learned by H1"
	sleep 1
	lac_fdb_has "$H1" lac0 "$M2"
	check_err $? "H2's entry went within 1 s (ageing 2)"
	lac_wait_ms $((t0 + 5000 - $(now_ms))) not lac_fdb_has "$H1" lac0 "$M2"
	check_err $? "H2's entry still there $(($(now_ms) - t0)) ms after the last frame (ageing 2)"
	ms=$(($(now_ms) - t0))
	log_info "H2's entry expired ~$ms ms after the last frame"
	lac_fdb_has "$H2" lac0 "$M1"
	check_err $? "H1's entry in H2's fdb (ageing 128) did not stay"
	lac_ping "$H1" 192.0.2.2
	check_err $? "H1 cannot ping H2 after the entry expired"
	lac_fdb_has "$H1" lac0 "$M2"
	check_err $? "H2 not learned again"
	log_test "learned entries expire after the ageing time"
}

lac_main "$@"
