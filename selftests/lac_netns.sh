#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac devices moved to other namespaces and enslaved to a bridge.  A lac
# device keeps its sockets in the namespace it was created in (its underlay).
#
#   H2: lac0 192.0.2.2/24, the peer of every test
#   H1: laca, lacb (both moved to E1, E2), lacd (dev eth0, moved to E3),
#       lace (in br0 with a veth to E4)
#   H4: lacx (moved to E5), then H4 is deleted

ALL_TESTS="
	test_two_in_one_ns
	test_moved_with_dev
	test_bridge_enslaved
	test_underlay_ns_deleted
"
REQUIRED_CMDS="ss"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

setup()
{
	lac_underlay_create 4 || return 1
	lac_setup "$H2" lac0 192.0.2.2/24 || return 1
	M2=$(dev_mac "$H2" lac0) && LP2=$(lac_localport "$H2" lac0) || return 1
	log_info "H2 lac0 $M2 10.0.0.2:$LP2"
}

# move NS DEV TO-NS: move a device, check it left NS and arrived.
move()
{
	ip -n "$1" link set "$2" netns "$3"
	check_err $? "cannot move $2 to another netns"
	dev_exists "$1" "$2"
	check_fail $? "$2 is still in its old netns"
	dev_exists "$3" "$2"
	check_err $? "$2 is not in its new netns"
}

test_two_in_one_ns()
{
	local lpa lpb ma mb

	lac_add "$H1" laca && lac_add "$H1" lacb
	check_err $? "cannot create laca and lacb in H1"
	lac_ns_create E1 E2
	move "$H1" laca "$E1"
	move "$H1" lacb "$E2"
	lac_up "$E1" laca 192.0.2.11/24 && lac_up "$E2" lacb 192.0.2.12/24
	check_err $? "cannot bring laca and lacb up"

	lac_ping "$E1" 192.0.2.12
	check_err $? "laca cannot ping lacb"
	lac_ping "$E2" 192.0.2.11
	check_err $? "lacb cannot ping laca"
	if [ "$RET" -ne 0 ]; then
		lac_capture_start lo "$H1" lo
		lac_capture_start eth0 "$H1" eth0
		ip netns exec "$E1" ping -c 2 -W 1 192.0.2.12 | ktap_print_pipe
		lac_capture_stop lo
		lac_capture_stop eth0
		log_info "H1 lo:"
		lac_capture_show lo
		log_info "H1 eth0:"
		lac_capture_show eth0
		lac_dump "$H1" "$E1" "$E2"
	fi

	lpa=$(lac_localport "$E1" laca)
	lpb=$(lac_localport "$E2" lacb)
	ma=$(dev_mac "$E1" laca)
	mb=$(dev_mac "$E2" lacb)
	[ "$lpa" -gt 0 ] && [ "$lpb" -gt 0 ] && [ "$lpa" != "$lpb" ]
	check_err $? "localports $lpa and $lpb: want two different non-zero ports"
	lac_fdb_check "$E1" laca "$mb" 10.0.0.1 "$lpb"
	check_err $? "laca did not learn lacb at 10.0.0.1:$lpb"
	lac_fdb_check "$E2" lacb "$ma" 10.0.0.1 "$lpa"
	check_err $? "lacb did not learn laca at 10.0.0.1:$lpa"
	lac_udp_bound "$H1" "$lpa" && lac_udp_bound "$H1" "$lpb"
	check_err $? "localports $lpa and $lpb are not bound in the creating netns"
	lac_udp_bound "$E1" "$lpa"
	check_fail $? "laca's socket followed it into its new netns"
	log_test "two lac devices of one netns reach each other"
}

test_moved_with_dev()
{
	local out lpd md

	lac_add "$H1" lacd dev eth0
	check_err $? "cannot create lacd dev eth0"
	lac_ns_create E3
	move "$H1" lacd "$E3"
	lac_up "$E3" lacd 192.0.2.13/24
	check_err $? "cannot bring lacd up in E3"

	lac_ping "$E3" 192.0.2.2
	check_err $? "lacd (moved to E3) cannot ping H2"
	lac_ping "$H2" 192.0.2.13
	check_err $? "H2 cannot ping lacd (moved to E3)"

	out=$(ip -n "$E3" -d link show dev lacd 2>&1)
	check_err $? "ip -d link show lacd fails in E3: $out"
	[[ $out =~ lac\ group\ 239\.0\.0\.1\ port\ 14789\ vni\ 1\ localport\ [1-9] ]]
	check_err $? "ip -d link show lacd in E3 prints no settings: $out"
	lpd=$(lac_localport "$E3" lacd)
	md=$(dev_mac "$E3" lacd)
	[ -n "$lpd" ] && [ "$lpd" -gt 0 ]
	check_err $? "localport of lacd is '$lpd'"
	lac_fdb_check "$E3" lacd "$M2" 10.0.0.2 "$LP2"
	check_err $? "bridge fdb show in E3 lacks H2"
	lac_fdb_check "$H2" lac0 "$md" 10.0.0.1 "$lpd"
	check_err $? "H2 did not learn lacd at 10.0.0.1:$lpd"
	lac_udp_bound "$H1" "$lpd"
	check_err $? "lacd's localport $lpd is not bound in H1"
	lac_udp_bound "$E3" "$lpd"
	check_fail $? "lacd's socket followed it into E3"
	log_test "a device created with dev eth0 works after moving"
}

test_bridge_enslaved()
{
	local lpe mac

	lac_ns_create E4
	lac_add "$H1" lace
	check_err $? "cannot create lace"
	ip -n "$H1" link add br0 type bridge &&
		ip -n "$H1" link set lace master br0 &&
		ip -n "$H1" link add vh1 type veth peer name eth1 netns "$E4" &&
		ip -n "$H1" link set vh1 master br0 &&
		ip -n "$H1" link set vh1 up &&
		ip -n "$H1" link set lace up &&
		ip -n "$H1" link set br0 up &&
		ip -n "$E4" addr add 192.0.2.21/24 dev eth1 &&
		ip -n "$E4" link set eth1 up
	check_err $? "cannot build br0 with lace and a veth to E4"

	lac_ping "$E4" 192.0.2.2
	check_err $? "E4 cannot ping H2 through br0 and lace"
	lac_ping "$H2" 192.0.2.21
	check_err $? "H2 cannot ping E4 through lace and br0"

	lpe=$(lac_localport "$H1" lace)
	mac=$(dev_mac "$E4" eth1)
	lac_fdb_check "$H2" lac0 "$mac" 10.0.0.1 "$lpe"
	check_err $? "H2 did not learn E4's MAC behind lace (10.0.0.1:$lpe)"
	log_test "a bridge-enslaved lac forwards"
}

test_underlay_ns_deleted()
{
	local h4=$H4

	lac_add "$H4" lacx
	check_err $? "cannot create lacx in H4"
	lac_ns_create E5
	move "$H4" lacx "$E5"
	lac_up "$E5" lacx 192.0.2.15/24
	lac_ping "$E5" 192.0.2.2
	check_err $? "lacx (created in H4, moved to E5) cannot ping H2"

	lac_ns_delete "$h4"
	# What becomes of the device is the module's choice (vxlan deletes
	# it); the kernel must survive and the device must stay deletable.
	if lac_wait 2 not dev_exists "$E5" lacx; then
		log_info "lacx went away with its underlay netns"
	else
		log_info "lacx outlived its underlay netns"
		ip -n "$E5" link del lacx
		check_err $? "cannot delete lacx after its underlay netns went"
	fi
	lac_ping "$H2" 192.0.2.13
	check_err $? "H2 cannot ping lacd any more"
	log_test "deleting the underlay netns of a moved device"
}

lac_main "$@"
