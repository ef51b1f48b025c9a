#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# Hostile input on the wire in bulk: 100 k random datagrams of every class
# (with GRO on the underlay and without), and a flood of 100 k source MACs
# that must stop at maxaddress while traffic to a known peer goes on.
# lac_pktgen.py sends, lib_hostile.sh checks (see there).

ALL_TESTS="
	test_random
	test_gro
	test_macflood
	test_fdb_clean
"
REQUIRED_CMDS="ethtool iperf3"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$LAC_SELFTEST_DIR/lib_fdb.sh"
source "$LAC_SELFTEST_DIR/lib_hostile.sh"

# How many random datagrams and flood MACs (the issue asks for 100 k), and
# how long each may take at most: the kselftest runner kills a program
# after 300 s, and an emulated machine shared with other work can be slow.
# What was sent is what is checked.
: "${HOSTILE_RANDOM:=100000}"
: "${HOSTILE_FLOOD:=100000}"
: "${HOSTILE_MAX_SECONDS:=75}"
HOSTILE_MAXADDR=100

setup()
{
	hostile_setup
}

test_random()
{
	local d0 d1

	d0=$(dmesg | wc -l)
	hs_run "$H3" random "${TO[@]}" --spread --count "$HOSTILE_RANDOM" \
		--max-seconds "$HOSTILE_MAX_SECONDS" --own "$M1" \
		--mac "$MAC_STATIC" --src 02:a5:00:00:0a:00 --src-count 8 \
		--seed "$RANDOM"
	hs_capped "$HOSTILE_RANDOM"
	# No log line per datagram: lac logs only rate limited, debug level.
	d1=$(dmesg | wc -l)
	log_info "$((d1 - d0)) kernel log lines during the run"
	if [ $((d1 - d0)) -gt 20 ]; then
		dmesg | tail -n $((d1 - d0 < 40 ? d1 - d0 : 40)) | ktap_print_pipe
		check_err 1 "$((d1 - d0)) kernel log lines for $HOSTILE_RANDOM datagrams"
	fi
	log_test "$SENT random datagrams, each counted once"
}

# hs_capped WANT: say so when the generator stopped at its time cap; fail
# if it sent too little to mean anything (a tenth of WANT).
hs_capped()
{
	[ "$SENT" -lt "$1" ] &&
		log_info "time cap: $SENT of $1 sent in $HOSTILE_MAX_SECONDS s (a slow machine)"
	[ "$SENT" -ge $(($1 / 10)) ]
	check_err $? "only $SENT of $1 sent in $HOSTILE_MAX_SECONDS s"
}

# The same through GRO: the underlay hands H1's datagrams to the UDP
# sockets' gro_receive (lac's own), which must flush every datagram it
# does not merge to encap_rcv, where it is counted.  (veth uses GRO only
# with GRO on and, on the sending end, the bridge port, no TSO.)
test_gro()
{
	local gro

	gro=$(ip netns exec "$H1" ethtool -k eth0 | awk '/^generic-receive-offload:/ { print $2 }')
	ip netns exec "$H1" ethtool -K eth0 gro on &&
		ip netns exec "$UL" ethtool -K p1 tso off
	check_err $? "cannot turn GRO on"
	hs_run "$H3" lengths "${TO[@]}" --src 02:a5:00:00:0b:00
	hs_run "$H3" random "${TO[@]}" --spread --count $((HOSTILE_RANDOM / 20)) \
		--own "$M1" --mac "$MAC_STATIC" --src 02:a5:00:00:0b:10 \
		--src-count 4 --seed "$RANDOM"
	ip netns exec "$H1" ethtool -K eth0 gro "${gro:-off}"
	ip netns exec "$UL" ethtool -K p1 tso on
	log_test "GRO on the underlay: every datagram still counted once"
}

# A MAC flood from H3 stops at maxaddress; H2's entry stays and traffic to
# it still flows, during the flood (ping) and after it (iperf3, at no less
# than a quarter of its rate before).
test_macflood()
{
	local n ll replies sent rate0 rate1

	# No ageing: in an emulated machine the flood takes longer than the
	# default 128 s, and the first MACs would age out before the count.
	ip -n "$H1" link set lac0 type lac flush maxaddress "$HOSTILE_MAXADDR" ageing 0
	check_err $? "cannot set maxaddress $HOSTILE_MAXADDR"
	lac_ping "$H1" 192.0.2.2 3 && lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2"
	check_err $? "H2 is not learned"
	rate0=$(iperf_rate)
	log_info "iperf3 H1 -> H2 before the flood: $rate0 kbit/s"
	positive "$rate0"
	check_err $? "no iperf3 traffic from H1 to H2 before the flood"

	hs_begin "$H1" lac0
	lac_bg_ping flood "$H1" 192.0.2.2 0.2
	hs_gen "$H3" macflood --to "10.0.0.1:$LP1" --count "$HOSTILE_FLOOD" \
		--max-seconds "$HOSTILE_MAX_SECONDS" --bind 10.0.0.3:7414 \
		--src 02:f1:00:00:00:00 --seed "$RANDOM"
	check_err $? "the generator failed"
	hs_capped "$HOSTILE_FLOOD"
	sleep 1
	lac_bg_ping_stop flood
	replies=$(lac_bg_ping_replies flood)
	sent=$(grep -c "icmp_seq=" "$LAC_TMPDIR/flood.ping")
	log_info "during the flood: $replies ping replies, longest gap $(lac_bg_ping_max_gap flood) ms"
	[ "$replies" -ge 1 ]
	check_err $? "no ping reply from H2 during the flood ($sent)"
	hs_settle

	n=$(fdb_learned_count "$H1" lac0)
	log_info "$n learned entries, maxaddress $HOSTILE_MAXADDR"
	[ "$n" = "$HOSTILE_MAXADDR" ]
	check_err $? "$n learned entries, want exactly $HOSTILE_MAXADDR"
	ll=$(hs_delta rx_learn_limit)
	log_info "rx_learn_limit moved by $ll"
	# H2 was learned before: the flood filled the other N - 1 places.
	[ "$ll" = $((SENT - HOSTILE_MAXADDR + 1)) ]
	check_err $? "rx_learn_limit moved by $ll, want $((SENT - HOSTILE_MAXADDR + 1))"
	[ "$(hs_delta rx_packets)" -ge "$SENT" ]
	check_err $? "rx_packets moved by $(hs_delta rx_packets), less than the $SENT frames"
	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2"
	check_err $? "H2's entry did not survive the flood"

	rate1=$(iperf_rate)
	log_info "iperf3 H1 -> H2 after the flood: $rate1 kbit/s (before: $rate0)"
	# Two iperf3 runs of one contender differ by up to 40 % under TCG
	# (Documentation/networking/lac-bench.rst): only a slowdown well
	# beyond that, like a lookup that walks the table, fails.
	positive "$rate1" && awk -v a="$rate1" -v b="$rate0" 'BEGIN { exit !(a * 4 >= b) }'
	check_err $? "iperf3 H1 -> H2 after the flood: $rate1 kbit/s, below a quarter of $rate0"
	ip -n "$H1" link set lac0 type lac flush maxaddress 0 ageing 3600
	log_test "MAC flood of $SENT MACs: stops at maxaddress $HOSTILE_MAXADDR, forwarding goes on"
}

# iperf_rate: kbit/s of a 2 s TCP stream from H1 to H2 across the LAC; the
# client's and the server's output go to the log when nothing crossed.
iperf_rate()
{
	local pid out f=$LAC_TMPDIR/iperf

	ip netns exec "$H2" iperf3 -s -1 -B 192.0.2.2 > "$f.srv" 2>&1 &
	pid=$!
	lac_wait "$LAC_WAIT" lac_tcp_listens "$H2" 5201 ||
		ktap_print_msg "iperf3 -s did not listen in $LAC_WAIT s" >&2
	ip netns exec "$H1" timeout $((20 + LAC_WAIT)) \
		iperf3 -c 192.0.2.2 -t 2 -f k > "$f.cli" 2>&1
	out=$(awk '/receiver/ { print $(NF - 2) }' "$f.cli")
	kill "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	positive "$out" || cat "$f.cli" "$f.srv" | ktap_print_pipe >&2
	echo "${out:-0}"
}

# positive NUMBER: true if it is a number above 0.
positive()
{
	awk -v n="$1" 'BEGIN { exit !(n ~ /^[0-9.]+$/ && n + 0 > 0) }'
}

lac_tcp_listens()
{
	ip netns exec "$1" ss -tlnH | awk -v p="$2" '
		{ n = split($4, a, ":"); if (a[n] == p) f = 1 } END { exit !f }'
}

# After everything: the FDB holds the static entry, H2, and nothing from
# the attacker but what it had to learn from valid frames.
test_fdb_clean()
{
	local bad

	bad=$(fdb_entries "$H1" lac0 | awk -v s="$MAC_STATIC" -v m2="${M2,,}" '
		$1 == s || tolower($1) == m2 { next }
		$2 == "10.0.0.3" && $1 ~ /^02:a5:/ { next }
		$2 == "10.0.0.1" && $1 ~ /^02:a5:/ { next }
		{ print }')
	[ -z "$bad" ]
	check_err $? "unexpected FDB entries: $bad"
	lac_ping "$H1" 192.0.2.2 3 && lac_ping "$H2" 192.0.2.1 3
	check_err $? "H1 and H2 cannot ping each other"
	log_test "the FDB holds only what valid frames taught it"
}


lac_main "$@"
