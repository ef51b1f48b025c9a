#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac learning, leave messages and ageing, on a three-host underlay, IPv4
# (LAC_FAM=4, the default) or IPv6 (LAC_FAM=6, lac_learning6.sh; dual-stack
# hosts, fd00::i/64 on eth0).
#
# Hi has lac0 192.0.2.i/24 (IPv6: H1 group ff05:56de::1, H2 and H3 local
# fd00::i); the peers are crafted VXVDE datagrams sent from H2's and H3's
# underlay addresses (lac_util.py send/recv), then the lac devices of H2 and
# H3.

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
# tcpdump, vde_plug and python may take more than lib.sh's 10 s to start on
# a loaded emulated machine; the waits end as soon as they are up.
: "${LAC_WAIT:=30}"
source "$(dirname "$(readlink -f "$0")")/lib.sh"

# Source MACs of the crafted frames.
MAC_A=02:00:00:00:03:0a		# learned from H3, port 7777
MAC_B=02:00:00:00:03:0b		# learned from H3, port 7778
MAC_C=02:00:00:00:02:0c		# learned from H2, port 7777
MAC_VNI2=02:00:00:00:03:02	# sent with vni 2
MAC_MCAST=03:00:00:00:03:01	# group bit set
MAC_BCAST=ff:ff:ff:ff:ff:ff
MAC_ZERO=00:00:00:00:00:00

setup()
{
	# All that depends on the family: the underlay, the group and the
	# options of the devices.
	lac_fam_underlay 3 || return 1
	if [ "$LAC_FAM" = 6 ]; then
		OPT1=(group "$FAM_GROUP") OPT2=(local "$A2") OPT3=(local "$A3")
	else
		OPT1=() OPT2=() OPT3=()
	fi
	# H1 keeps what it learns for an hour: on a loaded emulated machine the
	# tests may take minutes (test_ageing makes a device of its own).
	lac_fam_lac 1 "${OPT1[@]}" ageing 3600 && lac_fam_lac 2 "${OPT2[@]}" &&
		lac_fam_lac 3 "${OPT3[@]}"
}

# inject NS "FROM-ADDR PORT [lac_util.py send options]"...: datagrams to the
# group, out of eth0, in this order, sent by one python (which takes seconds
# to start in an emulated machine).
inject()
{
	local ns=$1 d w sends=(); shift

	for d in "$@"; do
		read -r -a w <<< "$d"
		sends+=("--bind $(lac_addr_port "${w[0]}" "${w[1]}") --to $FAM_GP --ifname eth0 ${w[*]:2}")
	done
	ip netns exec "$ns" "$LAC_PYTHON" -S -c '
import sys
sys.path.insert(0, sys.argv[1])
import lac_util
for send in sys.argv[2:]:
    sys.argv = ["lac_util.py", "send"] + send.split()
    if lac_util.main() != 0:
        sys.exit(1)' "$LAC_SELFTEST_DIR" "${sends[@]}"
}

test_learn_ip_port()
{
	inject "$H3" "$A3 7777 --src $MAC_A" "$A3 7778 --src $MAC_B"
	check_err $? "cannot send from $A3 ports 7777 and 7778"
	lac_wait 2 lac_fdb_has "$H1" lac0 "$MAC_A"
	check_err $? "$MAC_A (broadcast frame from $A3 port 7777) not learned"
	lac_fdb_check "$H1" lac0 "$MAC_A" "$A3" 7777
	check_err $? "$MAC_A not learned as $A3 port 7777"
	lac_wait 2 lac_fdb_has "$H1" lac0 "$MAC_B"
	check_err $? "$MAC_B (from $A3 port 7778) not learned"
	lac_fdb_check "$H1" lac0 "$MAC_B" "$A3" 7778
	check_err $? "$MAC_B not learned as $A3 port 7778"
	lac_fdb_check "$H2" lac0 "$MAC_A" "$A3" 7777
	check_err $? "H2 did not learn $MAC_A as $A3 port 7777 either"
	[ "$RET" -eq 0 ] || lac_fdb_dump "$H1" lac0
	log_test "learning maps a source MAC to the sender's address and port ($FAM_UL)"
}

test_learn_ignored()
{
	local mac

	# A marker sent last from the same socket address: once it is learned,
	# the datagrams before it have been processed.
	inject "$H3" "$A3 7780 --src $MAC_VNI2 --vni 2" "$A3 7780 --src $MAC_MCAST" \
		"$A3 7780 --src $MAC_BCAST" "$A3 7780 --src $MAC_ZERO" \
		"$A3 7780 --src 02:00:00:00:03:ee"
	check_err $? "cannot send from $A3 port 7780"
	lac_wait 2 lac_fdb_has "$H1" lac0 02:00:00:00:03:ee
	check_err $? "the marker 02:00:00:00:03:ee was not learned"
	for mac in "$MAC_VNI2" "$MAC_MCAST" "$MAC_BCAST" "$MAC_ZERO"; do
		lac_fdb_has "$H1" lac0 "$mac"
		check_fail $? "$mac was learned"
	done
	[ "$RET" -eq 0 ] || lac_fdb_dump "$H1" lac0
	log_test "no learning from multicast, broadcast, zero MACs or another vni ($FAM_UL)"
}

test_tx_to_learned()
{
	local out f=$LAC_TMPDIR/recv.out ep pid

	ep=$(lac_addr_port "$A3" 7777)
	lac_fdb_has "$H1" lac0 "$MAC_A"
	check_err $? "$MAC_A is not in the fdb"
	# The receiver's timeout counts from "ready", sent before the ping.
	ip netns exec "$H3" "${LAC_PY[@]}" recv "$ep" "$LAC_WAIT" > "$f" &
	pid=$!
	lac_bg_add "$pid"
	lac_wait "$LAC_WAIT" grep -q ready "$f"
	check_err $? "the receiver on $ep did not start"
	ip -n "$H1" neigh add 192.0.2.33 lladdr "$MAC_A" nud permanent dev lac0
	ip netns exec "$H1" ping -q -n -c 1 -W 1 192.0.2.33 > /dev/null
	wait "$pid"
	check_err $? "nothing arrived at $ep (the learned endpoint of $MAC_A)"
	out=$(tail -n 1 "$f")
	log_info "received: $out"
	[[ $out == "$A1 $LP1 $A3 7777 - 0800000000000100 1 echo-request $M1 $MAC_A" ]]
	check_err $? "want an echo request $M1 -> $MAC_A from $EP1 with header 0800000000000100"
	ip -n "$H1" neigh del 192.0.2.33 dev lac0
	log_test "frames to a learned MAC go to its address and port ($FAM_UL)"
}

test_leave_scope()
{
	local ms

	lac_fdb_has "$H1" lac0 "$MAC_A" && lac_fdb_has "$H1" lac0 "$MAC_B"
	check_err $? "$MAC_A and $MAC_B are not both in the fdb"
	inject "$H2" "$A2 7777 --src $MAC_C"
	lac_wait 2 lac_fdb_has "$H1" lac0 "$MAC_C"
	check_err $? "$MAC_C (from $A2 port 7777) not learned"

	# A leave from port 7777 of H2, i.e. the same port on another host.
	inject "$H2" "$A2 7777 --leave"
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$MAC_C" 1000)
	check_err $? "$MAC_C still learned 1 s after the leave from $A2 port 7777"
	lac_fdb_has "$H1" lac0 "$MAC_A"
	check_err $? "$MAC_A ($A3 port 7777) was removed by a leave from $A2 port 7777"

	# A leave from port 7777 of H3: MAC_A goes, MAC_B (port 7778) stays.
	inject "$H3" "$A3 7777 --leave"
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$MAC_A" 1000)
	check_err $? "$MAC_A still learned 1 s after the leave from $A3 port 7777"
	log_info "leave took effect after $ms ms"
	lac_fdb_check "$H1" lac0 "$MAC_B" "$A3" 7778
	check_err $? "$MAC_B ($A3 port 7778) was removed by a leave from $A3 port 7777"
	[ "$RET" -eq 0 ] || lac_fdb_dump "$H1" lac0
	log_test "a leave removes only the entries of its address and port ($FAM_UL)"
}

test_leave_on_down()
{
	local ms

	# H1 learns the lac devices of H2 and H3.
	lac_ping_many "$H1" 192.0.2.2 192.0.2.3
	check_err $? "H1 cannot ping H2 and H3"
	lac_fdb_check "$H1" lac0 "$M2" "$A2" "$LP2" &&
		lac_fdb_check "$H1" lac0 "$M3" "$A3" "$LP3"
	check_err $? "H1 did not learn H2 at $EP2 and H3 at $EP3"

	lac_capture_start down "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	ip -n "$H2" link set lac0 down
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$M2" 1000)
	check_err $? "H2's entry still in H1's fdb 1 s after H2's lac0 went down"
	log_info "H2's entry went after $ms ms"
	lac_capture_stop down
	lac_fdb_check "$H1" lac0 "$M3" "$A3" "$LP3"
	check_err $? "H3's entry did not stay"
	lac_fam_want down '$1 == A2 && $2 == LP2 && $3 == G && $4 == GPORT && $6 == V1 && $8 == "leave"' \
		-ge 1 "8-byte leave datagrams from $EP2 to $FAM_GP"
	[ "$RET" -eq 0 ] || lac_capture_show down
	log_test "link down sends a leave that empties the peers' fdb ($FAM_UL)"
}

test_leave_on_delete()
{
	local ms

	# H2's lac0 comes back (its localport may change): H1 learns it again.
	ip -n "$H2" link set lac0 up
	LP2=$(lac_localport "$H2" lac0)
	EP2=$(lac_addr_port "$A2" "$LP2")
	lac_ping "$H2" 192.0.2.1
	check_err $? "H2 cannot ping H1 after coming up again"
	lac_fdb_check "$H1" lac0 "$M2" "$A2" "$LP2"
	check_err $? "H1 did not learn H2's new endpoint $EP2"
	lac_fdb_has "$H1" lac0 "$M3"
	check_err $? "H3's entry is not in H1's fdb"

	lac_capture_start del "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	ip -n "$H3" link del lac0
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$M3" 1000)
	check_err $? "H3's entry still in H1's fdb 1 s after H3's lac0 was deleted"
	log_info "H3's entry went after $ms ms"
	lac_fdb_has "$H1" lac0 "$M2"
	check_err $? "H2's entry went with H3's"
	ip -n "$H2" link del lac0
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$M2" 1000)
	check_err $? "H2's entry still in H1's fdb 1 s after H2's lac0 was deleted"
	log_info "H2's entry went after $ms ms"
	lac_capture_stop del
	lac_fam_want del \
		'$1 == A3 && $2 == LP3 && $3 == G && $8 == "leave"' \
			-ge 1 "leave datagrams from $EP3 to the group" \
		'$1 == A2 && $2 == LP2 && $3 == G && $8 == "leave"' \
			-ge 1 "leave datagrams from $EP2 (down, then up) to the group"
	[ "$RET" -eq 0 ] || lac_capture_show del
	log_test "deleting a device sends a leave ($FAM_UL)"
}

test_ageing()
{
	local tb

	# Fresh devices; static neighbours so that no ARP refreshes the entries.
	ip -n "$H1" link del lac0
	lac_fam_lac 1 "${OPT1[@]}" ageing "$LAC_AGEING_SHORT" && lac_fam_lac 2 "${OPT2[@]}"
	check_err $? "cannot create lac0 with ageing $LAC_AGEING_SHORT"
	ip -n "$H1" neigh add 192.0.2.2 lladdr "$M2" nud permanent dev lac0
	ip -n "$H2" neigh add 192.0.2.1 lladdr "$M1" nud permanent dev lac0

	tb=$(now_ms)
	lac_ping "$H1" 192.0.2.2
	check_err $? "H1 cannot ping H2"
	lac_ageing_check "$H1" lac0 "$M2" "$LAC_AGEING_SHORT" "$tb"
	check_err $? "H2's entry did not age out (ageing $LAC_AGEING_SHORT)"
	log_info "H2's entry expired ~${LAC_AGEING_MS:-?} ms after the last frame"
	lac_fdb_has "$H2" lac0 "$M1"
	check_err $? "H1's entry in H2's fdb (ageing ${LAC_AGEING:-128}) did not stay"
	lac_ping "$H1" 192.0.2.2
	check_err $? "H1 cannot ping H2 after the entry expired"
	lac_fdb_check "$H1" lac0 "$M2" "$A2" "$LP2"
	check_err $? "H2 not learned again at $EP2"
	log_test "learned entries expire after the ageing time ($FAM_UL)"
}

lac_main "$@"
