#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac FDB notifications, as `bridge monitor fdb` shows them: learning,
# moving, ageing, deletion, and their rate limit under a MAC flood.
#
#   H1: lac0 192.0.2.1/24, watched by bridge monitor fdb
#   H2, H3: crafted datagrams (lac_util.py send, lac_util.py send-many)

ALL_TESTS="
	test_event_learn
	test_event_move
	test_event_ageing
	test_event_delete
	test_event_static
	test_event_ratelimit
"
REQUIRED_CMDS="tcpdump"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$LAC_SELFTEST_DIR/lib_fdb.sh"

MAC_E=02:00:00:00:e0:01		# learned, moved, aged
MAC_F=02:00:00:00:e0:02		# learned, deleted
MAC_G=02:00:00:00:e0:03		# static
FLOOD_FRAMES=2000
FLOOD_PREFIX=02:5a

setup()
{
	lac_underlay_create 3 || return 1
	lac_setup "$H1" lac0 192.0.2.1/24 || return 1
	fdb_monitor_start mon "$H1" lac0
}

group()
{
	echo "$LAC_GROUP:$LAC_GROUP_PORT"
}

# event_wait TIMEOUT_S REGEX: an event line matching REGEX shows.
event_wait()
{
	lac_wait "$1" fdb_monitor_has mon "$2"
}

# event_check TIMEOUT_S REGEX WHAT: like event_wait, fails the test.
event_check()
{
	event_wait "$1" "$2"
	check_err $? "no event '$2' ($3); bridge monitor fdb printed:"
	[ "$RET" -eq 0 ] || fdb_monitor_show mon
}

test_event_learn()
{
	fdb_inject "$H3" 10.0.0.3:7777 "$(group)" --src "$MAC_E"
	check_err $? "cannot send from 10.0.0.3:7777"
	event_check 3 "^$MAC_E dev lac0 dst 10\.0\.0\.3 port 7777 self" "learning"
	lac_fdb_check "$H1" lac0 "$MAC_E" 10.0.0.3 7777
	check_err $? "$MAC_E is not learned as 10.0.0.3:7777"
	log_test "learning: a new-entry event with dst and port"
}

test_event_move()
{
	fdb_inject "$H2" 10.0.0.2:7778 "$(group)" --src "$MAC_E"
	check_err $? "cannot send from 10.0.0.2:7778"
	event_check 3 "^$MAC_E dev lac0 dst 10\.0\.0\.2 port 7778 self" "move"
	lac_fdb_check "$H1" lac0 "$MAC_E" 10.0.0.2 7778
	check_err $? "$MAC_E did not move to 10.0.0.2:7778"
	log_test "moving: an event with the new dst and port"
}

test_event_ageing()
{
	local t0

	# Only now: with ageing 2 from the start, a slow kernel (debug) lets
	# MAC_E expire between its event and the checks of the tests above.
	ip -n "$H1" link set lac0 type lac ageing 2
	check_err $? "cannot set ageing 2"
	t0=$(now_ms)
	event_check 8 "^Deleted $MAC_E dev lac0 dst 10\.0\.0\.2 port 7778 self" "expiry"
	log_info "the Deleted event came after $(($(now_ms) - t0)) ms"
	lac_fdb_has "$H1" lac0 "$MAC_E"
	check_fail $? "$MAC_E is still in the fdb"
	log_test "ageing: a Deleted event when the entry expires (ageing 2)"
}

test_event_delete()
{
	ip -n "$H1" link set lac0 type lac ageing "${LAC_AGEING:-128}"
	check_err $? "cannot set ageing ${LAC_AGEING:-128}"
	fdb_inject "$H3" 10.0.0.3:7779 "$(group)" --src "$MAC_F"
	event_check 3 "^$MAC_F dev lac0 dst 10\.0\.0\.3 port 7779 self" "learning"
	bridge -n "$H1" fdb del "$MAC_F" dev lac0 self
	check_err $? "bridge fdb del of the learned $MAC_F failed"
	event_check 3 "^Deleted $MAC_F dev lac0 dst 10\.0\.0\.3 port 7779 self" "bridge fdb del"
	lac_fdb_has "$H1" lac0 "$MAC_F"
	check_fail $? "$MAC_F is still in the fdb"
	log_test "deletion: bridge fdb del of a learned entry sends a Deleted event"
}

test_event_static()
{
	bridge -n "$H1" fdb add "$MAC_G" dev lac0 dst 10.0.0.3 port 7000 self static
	check_err $? "cannot add the static $MAC_G"
	event_check 3 "^$MAC_G dev lac0 dst 10\.0\.0\.3 port 7000 self static" "static add"
	bridge -n "$H1" fdb del "$MAC_G" dev lac0 self
	check_err $? "cannot delete the static $MAC_G"
	event_check 3 "^Deleted $MAC_G dev lac0 dst 10\.0\.0\.3 port 7000 self static" "static del"
	log_test "static entries: events on add and on bridge fdb del"
}

# flood_events: new-entry events for the MACs of the flood so far.
flood_events()
{
	fdb_monitor_count mon 'tolower($1) ~ /^'"$FLOOD_PREFIX"':/ && $2 == "dev"'
}

flood_learned()
{
	fdb_count "$H1" lac0 'tolower($1) ~ /^'"$FLOOD_PREFIX"':/'
}

test_event_ratelimit()
{
	local sent n learned last t0 i dup elapsed max

	t0=$(now_ms)
	sent=$(ip netns exec "$H3" "${LAC_PY[@]}" send-many --bind 10.0.0.3:7790 \
		--to "$(group)" --count "$FLOOD_FRAMES" --prefix "$FLOOD_PREFIX")
	check_err $? "cannot send $FLOOD_FRAMES frames"
	log_info "sent $sent frames with distinct source MACs in $(($(now_ms) - t0)) ms"
	# Wait for the learning to settle: the count stays the same for 1 s.
	last=-1
	for ((i = 0; i < 20; i++)); do
		learned=$(flood_learned)
		[ "$learned" = "$last" ] && break
		last=$learned
		sleep 1
	done
	n=$(flood_events)
	elapsed=$(($(now_ms) - t0))
	# At most LAC_NOTIFY_BURST (100) events in any second (lac_fdb.c),
	# and the events can only come while the frames were being learned.
	max=$((100 * (elapsed / 1000 + 2)))
	log_info "$learned MACs learned, $n new-entry events after $elapsed ms (at most $max allowed)"
	[ "$max" -lt "$learned" ] ||
		log_info "learning took longer than the rate limit needs to show: a slow kernel"
	[ "$sent" = "$FLOOD_FRAMES" ]
	check_err $? "sent '$sent' frames, want $FLOOD_FRAMES"
	[ "$learned" -ge $((FLOOD_FRAMES / 2)) ]
	check_err $? "only $learned of $FLOOD_FRAMES MACs were learned"
	[ "$n" -gt 0 ]
	check_err $? "no event for the flood"
	[ "$n" -le "$max" ] && [ "$n" -le "$learned" ]
	check_err $? "$n events for $learned MACs learned in $elapsed ms: not rate limited"
	# The dump of that many entries takes several messages: each once.
	dup=$(fdb_entries "$H1" lac0 | awk '{ print $1 }' | sort | uniq -d | wc -l)
	[ "$dup" -eq 0 ]
	check_err $? "$dup MACs are listed more than once by bridge fdb show"
	log_test "a MAC flood of $FLOOD_FRAMES frames: at most 100 new-entry events a second"
}

lac_main "$@"
