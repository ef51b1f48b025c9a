#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac FDB control plane: static entries (bridge fdb add/replace/del/get),
# what the kernel refuses (extack), dumps, flush, and what survives a
# down/up, on a three-host underlay.
#
#   H1: lac0 192.0.2.1/24, the device under test
#   H2: a lac0 that takes the MAC of a static entry of H1 (the impostor)
#   H3: receivers (lac_util.py recv) and crafted datagrams (lac_util.py send)

ALL_TESTS="
	test_static_add
	test_static_get
	test_static_tx
	test_static_replace
	test_static_del
	test_bad_family
	test_bad_port0
	test_bad_mcast_mac
	test_bad_no_dst
	test_bad_unsupported
	test_bad_mcast_dst
	test_bad_attr_len
	test_static_not_aged
	test_static_conflict
	test_static_leave
	test_down_up
	test_dump_json
	test_flush
"
REQUIRED_CMDS="tcpdump ethtool"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$LAC_SELFTEST_DIR/lib_fdb.sh"

MAC_S1=02:00:00:00:5a:01	# static, permanent, 10.0.0.3 (group port)
MAC_S2=02:00:00:00:5a:02	# static, static, 10.0.0.3 port 7002
MAC_S3=02:00:00:00:5a:03	# static, no state keyword, 10.0.0.2
MAC_S4=02:00:00:00:5a:04	# created by replace
MAC_L1=02:00:00:00:3c:01	# learned from 10.0.0.3:7777
MAC_L2=02:00:00:00:3c:02	# learned from 10.0.0.3:7778
MAC_M=02:00:00:00:2e:01		# a marker
MAC_BAD=02:00:00:00:ba:d0	# never accepted

setup()
{
	lac_underlay_create 3 || return 1
	# Learned entries stay an hour: a test can take minutes on a slow
	# (debug) kernel.  test_static_not_aged tests ageing.
	lac_setup "$H1" lac0 192.0.2.1/24 ageing 3600 || return 1
	M1=$(dev_mac "$H1" lac0) && LP1=$(fdb_localport "$H1" lac0) || return 1
	log_info "H1 lac0 $M1 10.0.0.1:$LP1"
}

fdb()
{
	bridge -n "$H1" fdb "$@"
}

# learn MAC FROM-PORT: H1 learns MAC from 10.0.0.3:FROM-PORT.
learn()
{
	fdb_inject "$H3" "10.0.0.3:$2" "$LAC_GROUP:$LAC_GROUP_PORT" --src "$1" &&
		lac_wait 3 lac_fdb_has "$H1" lac0 "$1"
}

# text_line MAC: the line of MAC in `bridge fdb show dev lac0`.
text_line()
{
	fdb show dev lac0 | awk -v m="$1" '$1 == m' | sed 's/ *$//'
}

test_static_add()
{
	local line

	fdb add "$MAC_S1" dev lac0 dst 10.0.0.3 self permanent
	check_err $? "bridge fdb add $MAC_S1 dst 10.0.0.3 self permanent failed"
	fdb add "$MAC_S2" dev lac0 dst 10.0.0.3 port 7002 self static
	check_err $? "bridge fdb add $MAC_S2 dst 10.0.0.3 port 7002 self static failed"
	fdb add "$MAC_S3" dev lac0 dst 10.0.0.2 self
	check_err $? "bridge fdb add $MAC_S3 dst 10.0.0.2 self failed"

	fdb_check "$H1" lac0 "$MAC_S1" 10.0.0.3 - permanent
	check_err $? "$MAC_S1 is not 'dst 10.0.0.3 permanent' without a port"
	fdb_check "$H1" lac0 "$MAC_S2" 10.0.0.3 7002 static
	check_err $? "$MAC_S2 is not 'dst 10.0.0.3 port 7002 static'"
	fdb_check "$H1" lac0 "$MAC_S3" 10.0.0.2 - permanent
	check_err $? "$MAC_S3 (no state given: bridge sends permanent) is not 'dst 10.0.0.2 permanent'"
	# lib.sh's reader: no port printed means the group port.
	lac_fdb_check "$H1" lac0 "$MAC_S1" 10.0.0.3 "$LAC_GROUP_PORT"
	check_err $? "$MAC_S1 does not read as 10.0.0.3:$LAC_GROUP_PORT"

	line=$(text_line "$MAC_S1")
	[ "$line" = "$MAC_S1 dst 10.0.0.3 self permanent" ]
	check_err $? "bridge fdb show prints '$line', want '$MAC_S1 dst 10.0.0.3 self permanent'"
	line=$(text_line "$MAC_S2")
	[ "$line" = "$MAC_S2 dst 10.0.0.3 port 7002 self static" ]
	check_err $? "bridge fdb show prints '$line', want '$MAC_S2 dst 10.0.0.3 port 7002 self static'"
	[ "$RET" -eq 0 ] || fdb_show "$H1" lac0
	log_test "static entries: bridge fdb add (permanent, static, default port)"
}

test_static_get()
{
	local out

	out=$(fdb get "$MAC_S2" dev lac0 self 2>&1)
	check_err $? "bridge fdb get $MAC_S2 dev lac0 self failed: $out"
	log_info "fdb get: $out"
	[[ $out == "$MAC_S2 "*"dst 10.0.0.3 port 7002 self static"* ]]
	check_err $? "bridge fdb get $MAC_S2 says '$out', want 'dst 10.0.0.3 port 7002 self static'"
	out=$(fdb get "$MAC_S1" dev lac0 self 2>&1)
	[[ $out == "$MAC_S1 "*"dst 10.0.0.3 self permanent"* ]]
	check_err $? "bridge fdb get $MAC_S1 says '$out', want 'dst 10.0.0.3 self permanent'"
	out=$(fdb get "$MAC_BAD" dev lac0 self 2>&1)
	check_fail $? "bridge fdb get of the absent $MAC_BAD succeeded: $out"
	log_test "bridge fdb get returns a static entry, fails for an absent MAC"
}

# recv_start NAME NS ADDR:PORT: a receiver for one datagram, in the
# background; recv_ready NAME waits until it listens; recv_wait NAME checks
# it got one, prints the record.
recv_start()
{
	local f=$LAC_TMPDIR/$1.recv

	ip netns exec "$2" "${LAC_PY[@]}" recv "$3" $((30 + LAC_WAIT)) > "$f" &
	printf -v "RECV_PID_$1" '%s' $!
	lac_bg_add $!
}

recv_ready()
{
	lac_wait "$LAC_WAIT_START" grep -q ready "$LAC_TMPDIR/$1.recv"
}

recv_wait()
{
	local var="RECV_PID_$1"

	wait "${!var}" || return 1
	tail -n 1 "$LAC_TMPDIR/$1.recv"
}

# ping_mac ADDR MAC: one echo request from H1 to ADDR, a neighbour with MAC.
ping_mac()
{
	ip -n "$H1" neigh replace "$1" lladdr "$2" nud permanent dev lac0
	ip netns exec "$H1" ping -q -n -c 1 -W 1 "$1" > /dev/null
	ip -n "$H1" neigh del "$1" dev lac0
}

test_static_tx()
{
	local out want

	recv_start s2 "$H3" 10.0.0.3:7002
	recv_start s1 "$H3" "10.0.0.3:$LAC_GROUP_PORT"
	recv_ready s2 && recv_ready s1
	check_err $? "the receivers on 10.0.0.3:7002 and :$LAC_GROUP_PORT did not start"
	ping_mac 192.0.2.32 "$MAC_S2"
	ping_mac 192.0.2.31 "$MAC_S1"

	out=$(recv_wait s2)
	check_err $? "nothing arrived at 10.0.0.3:7002 ($MAC_S2's static dst)"
	want="10.0.0.1 $LP1 10.0.0.3 7002 - 0800000000000100 1 echo-request $M1 $MAC_S2"
	[ "$out" = "$want" ]
	check_err $? "10.0.0.3:7002 got '$out', want '$want'"
	out=$(recv_wait s1)
	check_err $? "nothing arrived at 10.0.0.3:$LAC_GROUP_PORT ($MAC_S1's static dst, default port)"
	want="10.0.0.1 $LP1 10.0.0.3 $LAC_GROUP_PORT - 0800000000000100 1 echo-request $M1 $MAC_S1"
	[ "$out" = "$want" ]
	check_err $? "10.0.0.3:$LAC_GROUP_PORT got '$out', want '$want'"
	log_test "frames to a static MAC go to its IP and port (default: group port)"
}

test_static_replace()
{
	local out want

	fdb replace "$MAC_S2" dev lac0 dst 10.0.0.2 port 7012 self permanent
	check_err $? "bridge fdb replace $MAC_S2 dst 10.0.0.2 port 7012 failed"
	fdb_check "$H1" lac0 "$MAC_S2" 10.0.0.2 7012 permanent
	check_err $? "$MAC_S2 was not replaced by 'dst 10.0.0.2 port 7012 permanent'"
	[ "$(fdb_count "$H1" lac0 "\$1 == \"$MAC_S2\"")" -eq 1 ]
	check_err $? "$MAC_S2 has more than one entry after replace"

	recv_start r2 "$H2" 10.0.0.2:7012
	recv_ready r2
	check_err $? "the receiver on 10.0.0.2:7012 did not start"
	ping_mac 192.0.2.32 "$MAC_S2"
	out=$(recv_wait r2)
	check_err $? "nothing arrived at 10.0.0.2:7012 (the replaced dst of $MAC_S2)"
	want="10.0.0.1 $LP1 10.0.0.2 7012 - 0800000000000100 1 echo-request $M1 $MAC_S2"
	[ "$out" = "$want" ]
	check_err $? "10.0.0.2:7012 got '$out', want '$want'"

	fdb replace "$MAC_S4" dev lac0 dst 10.0.0.3 port 7004 self static
	check_err $? "bridge fdb replace of the new $MAC_S4 failed"
	fdb_check "$H1" lac0 "$MAC_S4" 10.0.0.3 7004 static
	check_err $? "bridge fdb replace did not create $MAC_S4"
	log_test "bridge fdb replace changes a static entry (and creates one)"
}

test_static_del()
{
	local out

	fdb del "$MAC_S4" dev lac0 self
	check_err $? "bridge fdb del $MAC_S4 failed"
	fdb_entry "$H1" lac0 "$MAC_S4" > /dev/null
	check_fail $? "$MAC_S4 is still there after bridge fdb del"
	fdb_check "$H1" lac0 "$MAC_S1" 10.0.0.3 - permanent &&
		fdb_check "$H1" lac0 "$MAC_S2" 10.0.0.2 7012 permanent &&
		fdb_check "$H1" lac0 "$MAC_S3" 10.0.0.2 - permanent
	check_err $? "deleting $MAC_S4 changed the other static entries"
	out=$(fdb del "$MAC_S4" dev lac0 self 2>&1)
	check_fail $? "deleting the absent $MAC_S4 succeeded"
	log_info "second del: $out"
	log_test "bridge fdb del removes one static entry"
}

test_bad_family()
{
	fdb_expect_refused "$H1" lac0 "family" \
		bridge -n "$H1" fdb add "$MAC_BAD" dev lac0 dst fd00::3 self
	check_err $? "an IPv6 dst on an IPv4 lac was not refused properly"
	log_test "IPv6 dst on an IPv4 lac refused (address family)"
}

test_bad_port0()
{
	# bridge sends no NDA_PORT at all for "port 0": send it raw.
	fdb_raw_refused "$H1" lac0 "port" add lac0 "$MAC_BAD" \
		dst:in4:10.0.0.3 port:be16:0
	check_err $? "NDA_PORT 0 was not refused properly"
	log_test "port 0 refused"
}

test_bad_mcast_mac()
{
	fdb_expect_refused "$H1" lac0 "multicast" \
		bridge -n "$H1" fdb add 01:00:5e:00:00:01 dev lac0 dst 10.0.0.3 self permanent
	check_err $? "multicast MAC 01:00:5e:00:00:01 as a static entry was not refused properly"
	fdb_expect_refused "$H1" lac0 "multicast|broadcast" \
		bridge -n "$H1" fdb add ff:ff:ff:ff:ff:ff dev lac0 dst 10.0.0.3 self permanent
	check_err $? "broadcast MAC as a static entry was not refused properly"
	log_test "multicast MAC as a static unicast entry refused"
}

test_bad_no_dst()
{
	fdb_expect_refused "$H1" lac0 "dst|destination|remote" \
		bridge -n "$H1" fdb add "$MAC_BAD" dev lac0 self permanent
	check_err $? "a static entry without dst was not refused properly"
	log_test "unicast entry without dst refused"
}

test_bad_unsupported()
{
	fdb_expect_refused "$H1" lac0 "vni|support" \
		bridge -n "$H1" fdb add "$MAC_BAD" dev lac0 dst 10.0.0.3 vni 5 self
	check_err $? "vni was not refused properly"
	fdb_expect_refused "$H1" lac0 "vni|support" \
		bridge -n "$H1" fdb add "$MAC_BAD" dev lac0 dst 10.0.0.3 src_vni 5 self
	check_err $? "src_vni was not refused properly"
	fdb_expect_refused "$H1" lac0 "via|ifindex|interface|device|support" \
		bridge -n "$H1" fdb add "$MAC_BAD" dev lac0 dst 10.0.0.3 via eth0 self
	check_err $? "via was not refused properly"
	log_test "vni, src_vni and via refused as unsupported"
}

test_bad_mcast_dst()
{
	fdb_expect_refused "$H1" lac0 "multicast|unicast" \
		bridge -n "$H1" fdb add "$MAC_BAD" dev lac0 dst 239.1.1.1 self
	check_err $? "a multicast dst for a unicast MAC was not refused properly"
	log_test "multicast dst for a unicast MAC refused"
}

test_bad_attr_len()
{
	fdb_raw_refused "$H1" lac0 "dst|length|size|invalid|address" \
		add lac0 "$MAC_BAD" dst:hex:0a00000301
	check_err $? "NDA_DST of 5 bytes was not refused properly"
	fdb_raw_refused "$H1" lac0 "port|length|size|invalid" \
		add lac0 "$MAC_BAD" dst:in4:10.0.0.3 port:hex:07
	check_err $? "NDA_PORT of 1 byte was not refused properly"
	# The same requests with the right lengths are accepted: the refusals
	# above were about the lengths.
	fdb_raw "$H1" add lac0 "$MAC_BAD" dst:in4:10.0.0.3 port:be16:7007 > /dev/null
	check_err $? "a raw RTM_NEWNEIGH with a good dst and port was refused"
	fdb_check "$H1" lac0 "$MAC_BAD" 10.0.0.3 7007 permanent
	check_err $? "the raw static entry is not 'dst 10.0.0.3 port 7007 permanent'"
	fdb_raw "$H1" del lac0 "$MAC_BAD" > /dev/null
	check_err $? "a raw RTM_DELNEIGH of $MAC_BAD failed"
	fdb_entry "$H1" lac0 "$MAC_BAD" > /dev/null
	check_fail $? "$MAC_BAD is still there after RTM_DELNEIGH"
	log_test "NDA_DST of 5 bytes and NDA_PORT of 1 byte refused with extack"
}

test_static_not_aged()
{
	local t0 before after

	before=$(fdb_state_of "$H1" lac0 | grep -v "^$MAC_L1 ")
	# Learned first, then ageing 2: the other way round, a slow kernel
	# (debug) may age the entry out before learn sees it.
	learn "$MAC_L1" 7777
	check_err $? "$MAC_L1 from 10.0.0.3:7777 was not learned"
	ip -n "$H1" link set lac0 type lac ageing 2
	check_err $? "cannot set ageing 2 on lac0"
	t0=$(now_ms)
	[ "$(fdb_link_attr "$H1" lac0 ageing)" = 2 ]
	check_err $? "lac0 ageing is not 2"
	# The learned entry expires: ageing is running...
	lac_wait_ms 6000 not lac_fdb_has "$H1" lac0 "$MAC_L1"
	check_err $? "the learned $MAC_L1 did not expire within 6 s (ageing 2)"
	log_info "$MAC_L1 expired after $(($(now_ms) - t0)) ms"
	# ... and the static entries stay, unchanged, 5 s after it started.
	sleep "$(awk -v t=$((5000 - ($(now_ms) - t0))) 'BEGIN { print (t > 0 ? t / 1000 : 0) }')"
	after=$(fdb_state_of "$H1" lac0)
	[ "$before" = "$after" ]
	check_err $? "static entries changed in 5 s with ageing 2: before '$before', after '$after'"
	fdb_check "$H1" lac0 "$MAC_S1" 10.0.0.3 - permanent &&
		fdb_check "$H1" lac0 "$MAC_S3" 10.0.0.2 - permanent
	check_err $? "static entries did not stay"
	ip -n "$H1" link set lac0 type lac ageing 3600
	log_test "static entries are not aged (ageing 2, still there after 5 s)"
}

test_static_conflict()
{
	local c0 c1 c2 lp2

	# H2's lac0 takes the MAC of H1's static entry $MAC_S1 -> 10.0.0.3.
	lac_add "$H2" lac0 && ip -n "$H2" link set lac0 address "$MAC_S1" &&
		lac_up "$H2" lac0 192.0.2.2/24
	check_err $? "cannot set up H2's lac0 with MAC $MAC_S1"
	lp2=$(fdb_localport "$H2" lac0)
	c0=$(lac_ethtool_stat_check "$H1" lac0 rx_static_conflict)
	check_err $? "no rx_static_conflict counter"

	lac_no_ping "$H2" 192.0.2.1
	check_err $? "H2, claiming the static $MAC_S1 from 10.0.0.2:$lp2, could ping H1"
	c1=$(lac_ethtool_stat "$H1" lac0 rx_static_conflict)
	log_info "rx_static_conflict $c0 -> $c1"
	[ "${c1:-0}" -gt "${c0:-0}" ]
	check_err $? "rx_static_conflict did not grow ($c0 -> $c1)"
	! ip -n "$H1" neigh show dev lac0 | grep -qi "$MAC_S1"
	check_err $? "H1's stack saw the impostor's frames: $(ip -n "$H1" neigh show dev lac0)"
	fdb_check "$H1" lac0 "$MAC_S1" 10.0.0.3 - permanent
	check_err $? "the static $MAC_S1 was overwritten by learning"

	# The same MAC from the static entry's host is accepted from any
	# port: the entry keeps the group port, where frames to it go.
	fdb replace "$MAC_S1" dev lac0 dst 10.0.0.2 self permanent
	check_err $? "cannot point $MAC_S1 at 10.0.0.2"
	lac_ping "$H2" 192.0.2.1
	check_err $? "H2 cannot ping H1 once the static $MAC_S1 points at it"
	c1=$(lac_ethtool_stat "$H1" lac0 rx_static_conflict)
	lac_ping "$H2" 192.0.2.1 1
	check_err $? "H2 cannot ping H1 again"
	c2=$(lac_ethtool_stat "$H1" lac0 rx_static_conflict)
	[ "$c2" = "$c1" ]
	check_err $? "rx_static_conflict grew ($c1 -> $c2) for frames from the static entry's host (port $lp2)"
	fdb_check "$H1" lac0 "$MAC_S1" 10.0.0.2 - permanent
	check_err $? "$MAC_S1 changed"
	log_test "a static MAC from another host is dropped and counted (rx_static_conflict), from its host accepted on any port"
}

test_static_leave()
{
	local lp2

	lp2=$(fdb_localport "$H2" lac0)
	fdb_check "$H1" lac0 "$MAC_S1" 10.0.0.2 - permanent
	check_err $? "$MAC_S1 does not point at H2 (10.0.0.2, group port)"
	learn "$MAC_L2" 7778
	check_err $? "$MAC_L2 was not learned"
	# H2's lac0 goes, which sends a leave from 10.0.0.2:$lp2.  Then a
	# marker learned from the same IP:port, and another leave: once the
	# marker is gone, the leave has been acted on.
	ip -n "$H2" link del lac0
	fdb_inject "$H2" "10.0.0.2:$lp2" "$LAC_GROUP:$LAC_GROUP_PORT" --src "$MAC_M" &&
		lac_wait 3 lac_fdb_has "$H1" lac0 "$MAC_M"
	check_err $? "the marker $MAC_M from 10.0.0.2:$lp2 was not learned"
	fdb_inject "$H2" "10.0.0.2:$lp2" "$LAC_GROUP:$LAC_GROUP_PORT" --leave
	check_err $? "cannot send a leave from 10.0.0.2:$lp2"
	lac_wait 3 not lac_fdb_has "$H1" lac0 "$MAC_M"
	check_err $? "the leave from 10.0.0.2:$lp2 did not remove the marker $MAC_M"
	fdb_check "$H1" lac0 "$MAC_S1" 10.0.0.2 - permanent
	check_err $? "a leave from 10.0.0.2:$lp2 removed the static $MAC_S1"
	lac_fdb_check "$H1" lac0 "$MAC_L2" 10.0.0.3 7778
	check_err $? "the learned $MAC_L2 of another endpoint went"
	log_test "a leave from a static entry's IP:port keeps the static entry"
}

test_down_up()
{
	local before after

	learn "$MAC_L1" 7777
	check_err $? "$MAC_L1 was not learned"
	before=$(fdb_state_of "$H1" lac0 | awk '$4 == "permanent" || $4 == "static"')
	[ -n "$before" ]
	check_err $? "no static entries"
	ip -n "$H1" link set lac0 down && ip -n "$H1" link set lac0 up
	check_err $? "cannot set lac0 down and up"
	after=$(fdb_state_of "$H1" lac0)
	[ "$before" = "$after" ]
	check_err $? "after down/up the fdb is '$after', want the static entries only: '$before'"
	lac_fdb_has "$H1" lac0 "$MAC_L1"
	check_fail $? "the learned $MAC_L1 survived down/up"
	LP1=$(fdb_localport "$H1" lac0)
	log_test "static entries survive down/up, learned ones are flushed"
}

# json_entries: the entries of `bridge -j -s fdb show dev lac0`, one line
# each (lac_util.py fdb-entries), into $JSON_ENTRIES.
json_entries()
{
	local json

	json=$(bridge -n "$H1" -j -s fdb show dev lac0) || return 1
	log_info "$json"
	JSON_ENTRIES=$("${LAC_PY[@]}" fdb-entries <<< "$json")
}

# json_line MAC: the line of MAC in $JSON_ENTRIES.
json_line()
{
	awk -v m="$1" '$1 == m' <<< "$JSON_ENTRIES"
}

# text_updated MAC: "updated" of MAC from the text dump.
text_updated()
{
	fdb_entry "$H1" lac0 "$1" | awk '{ print $6 }'
}

test_dump_json()
{
	local line u0 u1 s0 s1 t

	learn "$MAC_L1" 7777
	check_err $? "$MAC_L1 was not learned"
	json_entries
	check_err $? "bridge -j -s fdb show failed"
	# Static, group port: no "port"; static with a port; learned.
	line=$(json_line "$MAC_S3")
	[[ $line =~ ^$MAC_S3\ 10\.0\.0\.2\ -\ permanent\ [0-9]+\ [0-9]+\ self$ ]]
	check_err $? "JSON of $MAC_S3 reads '$line', want dst 10.0.0.2, no port, state permanent, used, updated, flags self"
	s0=$(awk '{ print $6 }' <<< "$line")
	line=$(json_line "$MAC_S2")
	[[ $line =~ ^$MAC_S2\ 10\.0\.0\.2\ 7012\ permanent\ [0-9]+\ [0-9]+\ self$ ]]
	check_err $? "JSON of $MAC_S2 reads '$line', want dst 10.0.0.2 port 7012 permanent"
	line=$(json_line "$MAC_L1")
	[[ $line =~ ^$MAC_L1\ 10\.0\.0\.3\ 7777\ -\ [0-9]+\ [0-9]+\ self$ ]]
	check_err $? "JSON of the learned $MAC_L1 reads '$line', want dst 10.0.0.3 port 7777, no state"
	u0=$(awk '{ print $6 }' <<< "$line")
	bridge -n "$H1" -s fdb show dev lac0 | grep -q "^$MAC_L1 dst 10.0.0.3 port 7777 used [0-9]*/[0-9]* self"
	check_err $? "bridge -s fdb show does not print 'used N/M' for $MAC_L1"

	# The times since the last use and update grow (seconds).
	t=$(now_ms)
	lac_wait 5 eval '[ "$(text_updated "$MAC_L1")" -ge $((${u0:-0} + 2)) ]'
	check_err $? "'updated' of $MAC_L1 did not grow by 2 s in 5 s (was $u0, is $(text_updated "$MAC_L1"))"
	log_info "'updated' of $MAC_L1 grew from $u0 by 2 in $(($(now_ms) - t)) ms"
	json_entries
	line=$(json_line "$MAC_L1")
	u1=$(awk '{ print $6 }' <<< "$line")
	[ "${u1:-0}" -ge $((${u0:-0} + 2)) ]
	check_err $? "JSON 'updated' of $MAC_L1 is '$u1', want $u0 + 2 or more"
	u1=$(awk '{ print $5 }' <<< "$line")
	[ "${u1:-0}" -ge 2 ]
	check_err $? "JSON 'used' of $MAC_L1 is '$u1' after 2 s without traffic"
	s1=$(json_line "$MAC_S3" | awk '{ print $6 }')
	[ "${s1:-0}" -gt "${s0:-0}" ]
	check_err $? "JSON 'updated' of the static $MAC_S3 did not grow ($s0 -> $s1)"
	log_test "bridge -j -s fdb show: mac, dst, port, state, used, updated"
}

test_flush()
{
	local statics after

	fdb append "$ZERO_MAC" dev lac0 dst 10.0.0.3 self
	check_err $? "cannot add the flood target 10.0.0.3"
	learn "$MAC_L1" 7777 && learn "$MAC_L2" 7778
	check_err $? "$MAC_L1 and $MAC_L2 were not learned"
	statics=$(fdb_state_of "$H1" lac0 | awk '$4 == "permanent" || $4 == "static" || $1 == "'"$ZERO_MAC"'"')
	[ "$(fdb_learned_count "$H1" lac0)" -ge 2 ]
	check_err $? "fewer than 2 learned entries before the flush"

	ip -n "$H1" link set lac0 type lac flush
	check_err $? "ip link set lac0 type lac flush failed"
	lac_wait 2 eval '[ "$(fdb_learned_count "$H1" lac0)" -eq 0 ]'
	check_err $? "learned entries left after flush: $(fdb_state_of "$H1" lac0)"
	after=$(fdb_state_of "$H1" lac0)
	[ "$after" = "$statics" ]
	check_err $? "after flush the fdb is '$after', want the static entries and the flood target: '$statics'"
	grep -q "^$ZERO_MAC 10.0.0.3 " <<< "$after"
	check_err $? "the flood target 10.0.0.3 went"

	learn "$MAC_L1" 7777
	check_err $? "nothing is learned after the flush"
	log_test "flush deletes learned entries, keeps static ones and flood targets"
}

lac_main "$@"
