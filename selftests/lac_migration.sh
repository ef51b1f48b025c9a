#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# Migration: an endpoint with a fixed MAC stops on host A (H1) and starts on
# host B (H2).  Its leave (sent when a lac device is deleted, or when
# vde_plug gets SIGTERM) empties the peers' fdb, so that nothing goes to the
# old place (checked with a capture on A's eth0); the endpoint is reachable
# from every peer once it sent one frame, and learned at B.  The outage is
# measured and printed.  Three dual-stack hosts; per family (IPv4 LAC on
# 192.0.2.0/24, IPv6 LAC on 198.51.100.0/24):
#
#   P1: container on H3 (lac, .1)      V:  vde_plug in H3, tap vpF (.3)
#   P2: container on H1 (lac, .2)
#   moving: container M (lac eth0 02:00:00:00:0F:aa, .100)  H1 -> H2
#           vde_plug tap vmF (02:00:00:00:0F:bb, .101)       H1 -> H2

ALL_TESTS="
	test_migrate_lac4
	test_migrate_lac6
	test_migrate_vde4
	test_migrate_vde6
"
REQUIRED_CMDS="tcpdump vde_plug ss setsid"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

# fam_set FAM: NET, URL, MAC_L, MAC_V; lac_opts H: the lac options on host H.
fam_set()
{
	FAM=$1
	if [ "$FAM" = 6 ]; then
		NET=198.51.100 URL=vxvde://$LAC_GROUP6
	else
		NET=192.0.2 URL=vxvde://$LAC_GROUP
	fi
	MAC_L=02:00:00:00:0$FAM:aa
	MAC_V=02:00:00:00:0$FAM:bb
	P1=P${FAM}_1 P1=${!P1:-}
	P2=P${FAM}_2 P2=${!P2:-}
}

lac_opts()
{
	[ "$FAM" = 6 ] && echo local "fd00::$1"
}

setup()
{
	local fam

	lac_underlay_create 3 6 || return 1
	for fam in 4 6; do
		fam_set "$fam"
		# shellcheck disable=SC2046 # lac_opts: words
		lac_container_add "P${fam}_1" "$H3" "$NET.1/24" $(lac_opts 3) &&
			lac_container_add "P${fam}_2" "$H1" "$NET.2/24" $(lac_opts 1) &&
			lac_vde_start "$H3" "vp$fam" "$NET.3/24" "$URL" || return 1
	done
}

# report WHAT PORT-B: the outage, printed: from the first frame of the
# restarted endpoint (captured on B's eth0, from B's address and PORT-B) to
# the first reply P1's background ping (every 0.05 s) got; what a
# `ping -c 1 -W 1` loop from P2 saw; P1's longest gap between replies (stop
# and restart included).  Fails if the endpoint is not reachable in 5 s.
report()
{
	local what=$1 pb=$2 bg=bg$FAM$1 cap=b$FAM$1 ub tf t1 out lost=0 t

	ub=$(lac_host_ip "$FAM" 2)
	lac_bg_ping_wait "$bg" 1 5
	check_err $? "P1's background ping gets no reply after the move"
	t=$(now_ms)
	until out=$(ip netns exec "$P2" ping -n -c 1 -W 1 "$ADDR" 2>&1); do
		lost=$((lost + 1))
		[ $(($(now_ms) - t)) -gt 5000 ] && break
	done
	lac_capture_stop "$cap"
	tf=$(lac_capture_first_ms "$cap" '$1 == "'"$ub"'" && $2 == '"$pb")
	check_err $? "no frame from the restarted endpoint ($ub:$pb) on H2's eth0"
	t1=$(lac_bg_ping_reply_after "$bg" "${tf:-0}")
	check_err $? "P1 got no reply after the endpoint's first frame"
	[[ $out =~ time=([0-9.]+) ]]
	log_info "OUTAGE IPv$FAM $what endpoint moved H1 -> H2: $((${t1:-0} - ${tf:-0})) ms from its first frame to P1's first reply; P2's ping -c 1 -W 1 loop: $lost lost, then rtt ${BASH_REMATCH[1]:-?} ms; P1's longest gap between replies (stop and restart included): $(lac_bg_ping_max_gap "$bg") ms"
	lac_bg_ping_stop "$bg"
}

# after_move MAC ADDR-B PORT-B UA PORT-A: the peers reach the moved endpoint
# with a single ping each, learned it at B, and the capture on A saw nothing
# sent to its old place.
after_move()
{
	local mac=$1 ub=$2 pb=$3 ua=$4 pa=$5 cap=$6 ns n

	for ns in "$P1" "$P2" "$H3"; do
		ip netns exec "$ns" ping -q -n -c 1 -W 1 "$ADDR" > /dev/null
		check_err $? "the first ping from $ns to the moved endpoint failed"
	done
	lac_fdb_check "$P1" eth0 "$mac" "$ub" "$pb" &&
		lac_fdb_check "$P2" eth0 "$mac" "$ub" "$pb"
	check_err $? "P1 and P2 did not learn the moved endpoint at $ub:$pb"
	lac_capture_stop "$cap"
	n=$(lac_capture_count "$cap" '$3 == "'"$ua"'" && $4 == '"$pa")
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams went to the old place $ua:$pa after the leave"
	n=$(lac_capture_count "$cap" '$3 == "'"$ub"'" && $4 == '"$pb"' && $1 == "'"$ua"'" && $10 == "'"$mac"'"')
	[ "$n" -gt 0 ]
	check_err $? "P2 (on A) sent nothing to the new place $ub:$pb"
	[ "$RET" -eq 0 ] || lac_capture_show "$cap"
}

migrate_lac()
{
	local ua ub lpa lpb ms

	fam_set "$1"
	ADDR=$NET.100
	ua=$(lac_host_ip "$FAM" 1)
	ub=$(lac_host_ip "$FAM" 2)
	# shellcheck disable=SC2046
	lac_container_add "M${FAM}A" "$H1" "$ADDR/24" address "$MAC_L" $(lac_opts 1)
	check_err $? "cannot start the endpoint on H1"
	local mns=M${FAM}A
	mns=${!mns}
	lpa=$(lac_localport "$mns" eth0)
	lac_ping "$P1" "$ADDR" && lac_ping "$P2" "$ADDR" && lac_ping "$H3" "$ADDR"
	check_err $? "the peers cannot ping the endpoint on H1"
	lac_fdb_check "$P1" eth0 "$MAC_L" "$ua" "$lpa" &&
		lac_fdb_check "$P2" eth0 "$MAC_L" "$ua" "$lpa"
	check_err $? "the peers did not learn the endpoint at $ua:$lpa"
	lac_bg_ping "bg${FAM}lac" "$P1" "$ADDR" 0.05
	lac_bg_ping_wait "bg${FAM}lac" 3
	check_err $? "P1's background ping gets no reply"

	# Stop on A: the container goes, its device sends the leave.
	lac_ns_delete "$mns"
	ms=$(lac_fdb_wait_gone "$P1" eth0 "$MAC_L" 1000)
	check_err $? "P1 still has the endpoint 1 s after it stopped"
	lac_fdb_wait_gone "$P2" eth0 "$MAC_L" 1000 > /dev/null
	check_err $? "P2 still has the endpoint 1 s after it stopped"
	log_info "the leave emptied P1's fdb after $ms ms"

	# Start on B.
	lac_capture_start "lac$FAM" "$H1" eth0 &&
		lac_capture_start "b${FAM}lac" "$H2" eth0
	check_err $? "cannot capture on H1 and H2 eth0"
	# shellcheck disable=SC2046
	lac_container_add "M${FAM}B" "$H2" "$ADDR/24" address "$MAC_L" $(lac_opts 2)
	check_err $? "cannot start the endpoint on H2"
	mns=M${FAM}B
	mns=${!mns}
	lpb=$(lac_localport "$mns" eth0)
	report lac "$lpb"
	# One frame from it (an ARP request, then an echo), then every peer.
	ip netns exec "$mns" ping -q -n -c 1 -W 1 "$NET.3" > /dev/null
	check_err $? "the moved endpoint cannot ping V"
	after_move "$MAC_L" "$ub" "$lpb" "$ua" "$lpa" "lac$FAM"
	lac_ns_delete "$mns"
}

test_migrate_lac4()
{
	migrate_lac 4
	log_test "IPv4: a lac endpoint moves between hosts, nothing goes to the old place"
}

test_migrate_lac6()
{
	migrate_lac 6
	log_test "IPv6: a lac endpoint moves between hosts, nothing goes to the old place"
}

migrate_vde()
{
	local ua ub vpa vpb ms tap=vm$1

	fam_set "$1"
	ADDR=$NET.101
	ua=$(lac_host_ip "$FAM" 1)
	ub=$(lac_host_ip "$FAM" 2)
	lac_vde_start "$H1" "$tap" "$ADDR/24" "$URL" "$MAC_V"
	check_err $? "cannot start vde_plug on H1"
	vpa=$(lac_vde_uport "$H1" "$tap")
	lac_ping "$P1" "$ADDR" && lac_ping "$P2" "$ADDR"
	check_err $? "the peers cannot ping vde_plug on H1"
	lac_fdb_check "$P1" eth0 "$MAC_V" "$ua" "$vpa" &&
		lac_fdb_check "$P2" eth0 "$MAC_V" "$ua" "$vpa"
	check_err $? "the peers did not learn vde_plug at $ua:$vpa"
	lac_bg_ping "bg${FAM}vde" "$P1" "$ADDR" 0.05
	lac_bg_ping_wait "bg${FAM}vde" 3
	check_err $? "P1's background ping gets no reply"

	# Stop on A: SIGTERM, vde_plug sends its leave.
	lac_vde_stop "$H1" "$tap" TERM
	ip -n "$H1" link del "$tap"
	ms=$(lac_fdb_wait_gone "$P1" eth0 "$MAC_V" 1000)
	check_err $? "P1 still has vde_plug 1 s after SIGTERM"
	lac_fdb_wait_gone "$P2" eth0 "$MAC_V" 1000 > /dev/null
	check_err $? "P2 still has vde_plug 1 s after SIGTERM"
	log_info "vde_plug's leave emptied P1's fdb after $ms ms"

	lac_capture_start "vde$FAM" "$H1" eth0 &&
		lac_capture_start "b${FAM}vde" "$H2" eth0
	check_err $? "cannot capture on H1 and H2 eth0"
	lac_vde_start "$H2" "$tap" "$ADDR/24" "$URL" "$MAC_V"
	check_err $? "cannot start vde_plug on H2"
	vpb=$(lac_vde_uport "$H2" "$tap")
	report vde "$vpb"
	ip netns exec "$H2" ping -q -n -c 1 -W 1 "$NET.1" > /dev/null
	check_err $? "the moved vde_plug cannot ping P1"
	# V is in H3 too, where `ping ADDR` leaves through V's tap: V pings.
	after_move "$MAC_V" "$ub" "$vpb" "$ua" "$vpa" "vde$FAM"
	lac_vde_stop "$H2" "$tap" TERM
}

test_migrate_vde4()
{
	migrate_vde 4
	log_test "IPv4: a vde_plug endpoint moves between hosts, lac peers follow"
}

test_migrate_vde6()
{
	migrate_vde 6
	log_test "IPv6: a vde_plug endpoint moves between hosts, lac peers follow"
}

lac_main "$@"
