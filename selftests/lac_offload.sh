#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # functions run by lac_main
#
# Offloads across lac, on a two-host underlay:
#
#   H1: lac0 192.0.2.1/24 nolearning (vni 1)   lac1 198.51.100.1/24 (vni 2)
#   H2: lac0 192.0.2.2/24 nolearning (vni 1)   lac1 198.51.100.2/24 (vni 2)
#
# lac0 never learns, so every frame takes the flood path, which copies the
# frame into sendmsg(): offloaded (CHECKSUM_PARTIAL) checksums must be
# finished first.  lac1 learns, so TCP takes the unicast fast path with
# GSO-sized sends.  tcpdump decodes the lac header as VXLAN (-T vxlan) and
# verifies the inner TCP checksums.  For GRO, H1 sends lac1's TCP in
# MTU-sized datagrams (no GSO on lac1), so that H2's receive side has
# something to merge: with GRO on H2's eth0, lac1 gets fewer, larger
# frames than eth0 got datagrams; with GRO off, one per datagram.  (veth
# hands datagrams to its peer's GRO only when the sending end, the bridge
# port p2, has no TSO.)

ALL_TESTS="
	test_offloads_on
	test_flood_tcp_checksums
	test_unicast_gso_tcp
	test_gro_on
	test_gro_off
"
REQUIRED_CMDS="tcpdump ethtool python3"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

# 600 kB: many GSO-sized sends on the unicast path.
TCP_BYTES=600000

setup()
{
	lac_underlay_create 2 || return 1
	lac_setup "$H1" lac0 192.0.2.1/24 nolearning || return 1
	lac_setup "$H2" lac0 192.0.2.2/24 nolearning || return 1
	lac_setup "$H1" lac1 198.51.100.1/24 vni 2 || return 1
	lac_setup "$H2" lac1 198.51.100.2/24 vni 2
}

# tcp_transfer FROM_NS TO_NS TO_ADDR [BYTES]: send BYTES (TCP_BYTES) and
# print how many the receiver counted.
tcp_transfer()
{
	local from=$1 to=$2 addr=$3 bytes=${4:-$TCP_BYTES} out pid rc

	# the limits grow with LAC_WAIT: python starts slowly on a loaded or
	# debug kernel (check-debug raises LAC_WAIT)
	ip netns exec "$to" timeout $((60 + LAC_WAIT_START + LAC_WAIT)) python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001))
s.listen(1)
c, _ = s.accept()
n = 0
while True:
    d = c.recv(65536)
    if not d:
        break
    n += len(d)
c.sendall(str(n).encode())
c.close()' "$addr" &
	pid=$!
	lac_bg_add "$pid"
	if ! lac_wait "$LAC_WAIT_START" lac_tcp_listening "$to" 5001; then
		echo "the receiver did not listen within $LAC_WAIT_START s" >&2
		# it would hold the port of the next transfer
		kill "$pid" 2> /dev/null
		return 1
	fi

	out=$(ip netns exec "$from" timeout $((60 + LAC_WAIT)) python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 5001), timeout=int(sys.argv[3]))
s.sendall(b"x" * int(sys.argv[2]))
s.shutdown(socket.SHUT_WR)
print(s.recv(100).decode())' "$addr" "$bytes" $((20 + LAC_WAIT)) 2>&1)
	rc=$?
	[ "$rc" != 124 ] || echo "the sender timed out after $((60 + LAC_WAIT)) s" >&2
	[ "$rc" = 0 ] || kill "$pid" 2> /dev/null
	echo "$out"
}

lac_tcp_listening()
{
	ip netns exec "$1" ss -tln "sport = :$2" | grep -q LISTEN
}

# feature NS DEV NAME: the state of an ethtool -k feature ("on"/"off").
feature()
{
	ip netns exec "$1" ethtool -k "$2" | awk -v f="$3:" '$1 == f { print $2 }'
}

test_offloads_on()
{
	local f state

	for f in tx-checksumming scatter-gather tcp-segmentation-offload \
		 generic-segmentation-offload; do
		state=$(feature "$H1" lac1 "$f")
		[ "$state" = on ]
		check_err $? "lac1 $f is '$state', not on"
	done
	log_test "checksum, scatter-gather and segmentation offloads are on"
}

test_flood_tcp_checksums()
{
	local got bad good verdicts

	lac_capture_start flood "$H2" eth0
	check_err $? "cannot capture on H2 eth0"
	got=$(tcp_transfer "$H1" "$H2" 192.0.2.2)
	lac_capture_stop flood
	[ "$got" = "$TCP_BYTES" ]
	check_err $? "TCP over the flood path: the peer got '$got' of $TCP_BYTES bytes"

	verdicts=$(tcpdump -T vxlan -vv -nn -r "$LAC_TMPDIR/flood.pcap" 2> /dev/null |
		   grep -o 'cksum 0x[0-9a-f]* (\(in\)*correct')
	bad=$(grep -c incorrect <<< "$verdicts")
	good=$(grep -c -v incorrect <<< "$verdicts")
	log_info "inner TCP checksums on the wire: $good correct, $bad incorrect"
	[ "$bad" -eq 0 ] && [ "$good" -gt 0 ]
	check_err $? "inner TCP checksums on the wire: $good correct, $bad incorrect"

	lac_fdb_has "$H1" lac0 "$(dev_mac "$H2" lac0)"
	check_fail $? "lac0 (nolearning) learned a MAC: the test did not use the flood path"
	log_test "TCP with offloaded checksums crosses the flood path intact"
}

test_unicast_gso_tcp()
{
	local got

	got=$(tcp_transfer "$H1" "$H2" 198.51.100.2)
	[ "$got" = "$TCP_BYTES" ]
	check_err $? "TCP over the unicast path: the peer got '$got' of $TCP_BYTES bytes"
	lac_fdb_has "$H1" lac1 "$(dev_mac "$H2" lac1)"
	check_err $? "lac1 did not learn H2's MAC: the test did not use the unicast path"
	log_test "GSO-sized TCP sends cross the unicast path intact"
}

# GRO needs a steady, ACK-clocked stream to find datagrams to merge.
GRO_BYTES=$((4 * 1024 * 1024))

# gro_transfer on|off: a TCP transfer in MTU-sized datagrams to H2, with
# GRO on H2's eth0 as given; prints "lac1-frames eth0-datagrams".
gro_transfer()
{
	local gro=$1 got rx0 rx1 dgrams frames

	ip netns exec "$H1" ethtool -K lac1 tso off gso off || return 1
	ip netns exec "$UL" ethtool -K p2 tso off || return 1
	ip netns exec "$H2" ethtool -K eth0 gro "$gro" || return 1

	rx0=$(dev_stat "$H2" eth0 rx_packets)
	rx1=$(dev_stat "$H2" lac1 rx_packets)
	got=$(tcp_transfer "$H1" "$H2" 198.51.100.2 "$GRO_BYTES")
	dgrams=$(($(dev_stat "$H2" eth0 rx_packets) - rx0))
	frames=$(($(dev_stat "$H2" lac1 rx_packets) - rx1))
	ip netns exec "$H1" ethtool -K lac1 tso on gso on
	ip netns exec "$UL" ethtool -K p2 tso on
	[ "$got" = "$GRO_BYTES" ] || {
		echo "the peer got '$got' of $GRO_BYTES bytes" >&2
		return 1
	}
	echo "$frames $dgrams"
}

# gro_test on|off: a transfer with GRO on H2's eth0 as given; on merges
# (at most 3 frames for 4 datagrams), off delivers one frame per datagram
# (the datagrams may include a few ARP floods).  How much GRO merges
# depends on how many datagrams a NAPI poll finds: about 25 to 1 on the
# Debian kernels, 2 to 1 on the (slow) debug kernel, 1 to 1 with GRO off.
gro_test()
{
	local gro=$1 out frames dgrams

	out=$(gro_transfer "$gro")
	check_err $? "TCP with GRO $gro did not cross intact"
	read -r frames dgrams <<< "$out"
	log_info "GRO $gro: lac1 got ${frames:-?} frames from ${dgrams:-?} datagrams"
	ip netns exec "$H2" ethtool -K eth0 gro on
	[ -n "$frames" ] && [ "${dgrams:-0}" -gt 100 ]
	check_err $? "too few datagrams for a verdict: ${dgrams:-?}"
	if [ "$gro" = on ]; then
		[ $((frames * 4)) -le $((dgrams * 3)) ]
		check_err $? "GRO did not merge: $frames frames from $dgrams datagrams"
		log_test "GRO on: MTU-sized datagrams of one peer merge, the data is intact"
	else
		[ $((frames * 10)) -ge $((dgrams * 9)) ]
		check_err $? "GRO off, yet $frames frames from $dgrams datagrams"
		log_test "GRO off: every datagram is delivered as its own frame, intact"
	fi
}

test_gro_on()
{
	gro_test on
}

test_gro_off()
{
	gro_test off
}

lac_main "$@"
