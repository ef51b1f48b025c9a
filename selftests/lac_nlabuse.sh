#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# Netlink abuse: every IFLA_LAC_* attribute (and IFLA_ADDRESS, IFLA_MTU) with
# a wrong length, type or value, on RTM_NEWLINK and on changelink of a down
# and of an up device; NDA_* and ndmsg abuse of the FDB (raw netlink and
# bridge fdb).  Each request must be refused with an extack message and
# change nothing.  Then valid changes in every state (down, up, with
# entries), and creating/deleting devices and FDB entries thousands of times
# with no slab or per-CPU memory left behind.  The raw requests are made by
# lac_nlabuse.py.
#
#   H1: lac0 192.0.2.1/24 (recreated by the tests), H2: lac0 192.0.2.2/24

ALL_TESTS="
	test_link_create
	test_link_change_down
	test_link_change_up
	test_changelink_down
	test_changelink_up
	test_changelink_entries
	test_ageing_huge
	test_fdb_raw
	test_fdb_cli
	test_churn_link
	test_churn_fdb
"
REQUIRED_CMDS="ethtool"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$LAC_SELFTEST_DIR/lib_fdb.sh"

NLABUSE=("$LAC_PYTHON" -S "$LAC_SELFTEST_DIR/lac_nlabuse.py")

# Churn: at most this many rounds, and seconds (10 000 rounds of devices
# took 40 to 70 s on 6.12 under TCG, of entries 2 to 4 s; the debug kernel
# is 5 to 10 times slower).
: "${NLABUSE_COUNT:=10000}"
: "${NLABUSE_SECONDS:=120}"

setup()
{
	lac_underlay_create 2 || return 1
	lac_setup "$H2" lac0 192.0.2.2/24 || return 1
	M2=$(dev_mac "$H2" lac0)
	LP2=$(lac_localport "$H2" lac0)
	h1_new
}

# h1_new [ARGS]: a fresh lac0 on H1, down; ARGS go to `ip link add`.
h1_new()
{
	ip -n "$H1" link del lac0 2> /dev/null
	lac_add "$H1" lac0 "$@" &&
		ip -n "$H1" addr add 192.0.2.1/24 dev lac0
}

h1_up()
{
	ip -n "$H1" link set lac0 up && LP1=$(lac_localport "$H1" lac0)
}

# lac_conf NS DEV: the device's settings (info_data) without localport, one
# "key value" a line, for comparisons.
lac_conf()
{
	local k

	lac_link_load "$1" "$2" || return 1
	for k in "${!LAC_LINK[@]}"; do
		[[ $k == info.* ]] && [ "$k" != info.local_port ] &&
			echo "${k#info.} ${LAC_LINK[$k]}"
	done | sort
	echo "address ${LAC_LINK[address]} mtu ${LAC_LINK[mtu]}"
}

# nl_cases NAME ARGS...: lac_nlabuse.py ARGS in H1; every case must pass.
# Prints the failed cases, and the number of cases.
nl_cases()
{
	local name=$1 out rc; shift

	out=$(ip netns exec "$H1" "${NLABUSE[@]}" "$@" 2>&1)
	rc=$?
	grep '^FAIL' <<< "$out" | ktap_print_pipe
	grep '^cases' <<< "$out" | ktap_print_pipe
	if [ "$rc" -ne 0 ] && ! grep -q '^cases' <<< "$out"; then
		ktap_print_pipe <<< "$out"
	fi
	[ "$rc" -eq 0 ]
	check_err $? "$name: some requests were not refused properly"
}

##############################################################################
# Refused requests

test_link_create()
{
	local n0 n1

	n0=$(ip -n "$H1" -o link show type lac | wc -l)
	nl_cases create link-cases create eth0
	n1=$(ip -n "$H1" -o link show type lac | wc -l)
	[ "$n0" = "$n1" ]
	check_err $? "$n0 lac devices before, $n1 after"
	log_test "RTM_NEWLINK: every bad attribute refused with a message, no device made"
}

# link_change STATE: the cases on lac0 in STATE; its settings must not move.
link_change()
{
	local state=$1 c0 c1

	c0=$(lac_conf "$H1" lac0)
	nl_cases "$state" link-cases "$state" lac0 eth0
	c1=$(lac_conf "$H1" lac0)
	if [ "$c0" != "$c1" ]; then
		check_err 1 "the refused requests changed lac0:"
		diff <(echo "$c0") <(echo "$c1") | ktap_print_pipe
	fi
}

test_link_change_down()
{
	h1_new
	link_change down
	log_test "changelink (down): every bad attribute refused, nothing changed"
}

test_link_change_up()
{
	h1_new && h1_up
	check_err $? "cannot bring lac0 up"
	link_change up
	lac_ping "$H1" 192.0.2.2 3
	check_err $? "H1 cannot ping H2 afterwards"
	log_test "changelink (up): bad attributes and socket settings refused"
}

##############################################################################
# Valid changes in every state

# conf_is KEY VALUE...: the loaded device (lac_link_load) has these.
conf_is()
{
	local rc=0

	while [ $# -ge 2 ]; do
		# ip prints no maxaddress when there is none.
		if [ "$1 $2" = "maxaddress 0" ] && [ -z "${LAC_LINK[info.$1]+set}" ]; then
			shift 2
			continue
		fi
		if [ "${LAC_LINK[info.$1]:-(none)}" != "$2" ]; then
			ktap_print_msg "info_data.$1 is '${LAC_LINK[info.$1]:-(none)}', want '$2'"
			rc=1
		fi
		shift 2
	done
	return "$rc"
}

test_changelink_down()
{
	local lp

	h1_new
	ip -n "$H1" link set lac0 type lac vni 9 port 7009 group 239.0.0.9 ttl 5 \
		ageing 30 nolearning maxaddress 7 nogroup dev eth0 local 10.0.0.1
	check_err $? "changelink of every setting while down was refused"
	lac_link_load "$H1" lac0
	conf_is vni 9 port 7009 group 239.0.0.9 ttl 5 ageing 30 maxaddress 7 \
		local 10.0.0.1 local_port 0
	check_err $? "the settings did not change"
	[ "${LAC_LINK[info.learning],,}" = false ] && [ "${LAC_LINK[info.nogroup],,}" = true ]
	check_err $? "learning '${LAC_LINK[info.learning]:-}', nogroup '${LAC_LINK[info.nogroup]:-}'"
	# Back to what H2 speaks (ip cannot say "no nogroup": raw), then up:
	# the device works with dev and local as set while down.
	ip -n "$H1" link set lac0 type lac vni 1 port 14789 group 239.0.0.1 \
		ttl 1 ageing 128 learning maxaddress 0 &&
		ip netns exec "$H1" "${NLABUSE[@]}" change lac0 NOGROUP:u8:0 > /dev/null
	check_err $? "cannot change the settings back"
	lac_link_load "$H1" lac0
	conf_is vni 1 port 14789 group 239.0.0.1 ttl 1 ageing 128 maxaddress 0 \
		local 10.0.0.1 link eth0
	check_err $? "the settings did not change back"
	[ "${LAC_LINK[info.nogroup],,}" = false ] && [ "${LAC_LINK[info.learning],,}" = true ]
	check_err $? "learning '${LAC_LINK[info.learning]:-}', nogroup '${LAC_LINK[info.nogroup]:-}'"
	h1_up
	check_err $? "cannot bring lac0 up"
	lp=$(lac_localport "$H1" lac0)
	lac_udp_bound "$H1" "$lp"
	check_err $? "localport $lp is not bound"
	lac_ping "$H1" 192.0.2.2 3
	check_err $? "H1 cannot ping H2"
	log_test "changelink (down): every setting changes and the device works"
}

test_changelink_up()
{
	local c

	h1_new && h1_up
	check_err $? "cannot bring lac0 up"
	for c in "ttl 7" "ageing 60" "nolearning" "learning" "maxaddress 3" \
		 "maxaddress 0" "flush" "ttl 1 ageing 128"; do
		# shellcheck disable=SC2086 # the words of a setting
		ip -n "$H1" link set lac0 type lac $c
		check_err $? "'$c' refused while up"
	done
	lac_link_load "$H1" lac0
	conf_is ttl 1 ageing 128 maxaddress 0 local_port "$LP1"
	check_err $? "the settings did not change while up"
	[ "${LAC_LINK[info.learning],,}" = true ]
	check_err $? "learning is '${LAC_LINK[info.learning]:-}'"
	lac_ping "$H1" 192.0.2.2 3
	check_err $? "H1 cannot ping H2"
	log_test "changelink (up): ttl, ageing, learning, maxaddress, flush"
}

# An FDB with every kind of entry: learned (H2), static, dynamic (user),
# a flood target.
entries_add()
{
	lac_ping "$H1" 192.0.2.2 3 &&
		bridge -n "$H1" fdb replace 02:5a:00:00:00:01 dev lac0 dst 10.0.0.7 self permanent &&
		bridge -n "$H1" fdb replace 02:5a:00:00:00:02 dev lac0 dst 10.0.0.8 port 7008 self dynamic &&
		bridge -n "$H1" fdb append "$ZERO_MAC" dev lac0 dst 10.0.0.9 self
}

# entries_check LEARNED: the static entry and the flood target are there;
# H2's learned entry is there if LEARNED is 1, gone if 0.
entries_check()
{
	local rc=0

	fdb_check "$H1" lac0 02:5a:00:00:00:01 10.0.0.7 - permanent || rc=1
	[ "$(fdb_flood_targets "$H1" lac0)" = "10.0.0.9 -" ] || {
		ktap_print_msg "flood targets: $(fdb_flood_targets "$H1" lac0)"
		rc=1
	}
	if [ "$1" = 1 ]; then
		lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2" || rc=1
	elif lac_fdb_has "$H1" lac0 "$M2"; then
		ktap_print_msg "H2's learned entry is still there"
		rc=1
	fi
	return "$rc"
}

test_changelink_entries()
{
	local c ll0 ll1

	# Learned entries must outlive the test: it takes minutes on a slow
	# (debug) kernel.
	h1_new ageing 3600 && h1_up && entries_add
	check_err $? "cannot set up lac0 with entries"
	for c in "ttl 3" "ageing 7200" "maxaddress 1" "nolearning" "learning" \
		 "maxaddress 0" "ttl 1"; do
		# shellcheck disable=SC2086 # the words of a setting
		ip -n "$H1" link set lac0 type lac $c
		check_err $? "'$c' refused with entries"
		entries_check 1
		check_err $? "'$c' changed the FDB"
	done
	# maxaddress below what is learned: the entries stay, nothing new.
	ip -n "$H1" link set lac0 type lac maxaddress 1
	ll0=$(lac_ethtool_stat "$H1" lac0 rx_learn_limit)
	ip netns exec "$H2" "$LAC_PYTHON" -S "$LAC_SELFTEST_DIR/lac_pktgen.py" frames \
		--bind 10.0.0.2:7010 --to "10.0.0.1:$LP1" --src 02:5a:00:00:00:10 > /dev/null
	lac_wait 3 eval '[ "$(lac_ethtool_stat "$H1" lac0 rx_learn_limit)" -gt "$ll0" ]'
	check_err $? "a new MAC with maxaddress 1 (and 2 learned) was not counted in rx_learn_limit"
	ll1=$(lac_ethtool_stat "$H1" lac0 rx_learn_limit)
	log_info "rx_learn_limit $ll0 -> $ll1"
	lac_fdb_has "$H1" lac0 02:5a:00:00:00:10
	check_fail $? "a new MAC was learned beyond maxaddress"
	entries_check 1
	check_err $? "maxaddress 1 removed entries"
	ip -n "$H1" link set lac0 type lac maxaddress 0 flush
	check_err $? "flush refused"
	entries_check 0
	check_err $? "flush did not remove only the learned entries"
	# Down: learned entries go, the rest stays through a changelink.
	lac_ping "$H1" 192.0.2.2 3 && ip -n "$H1" link set lac0 down &&
		ip -n "$H1" link set lac0 type lac vni 5 port 7005 &&
		ip -n "$H1" link set lac0 type lac vni 1 port 14789
	check_err $? "changelink down with entries refused"
	entries_check 0
	check_err $? "going down, or changing settings while down, lost entries"
	h1_up && lac_ping "$H1" 192.0.2.2 3
	check_err $? "H1 cannot ping H2 after coming back up"
	entries_check 1
	check_err $? "the entries are not all back"
	log_test "changelink with entries: static and flood entries stay, flush and down clear learned"
}

# ageing is a u32 of seconds: a large value must not wrap into a short one.
test_ageing_huge()
{
	local a

	for a in 17179870 4294967295; do
		h1_new && h1_up && lac_ping "$H1" 192.0.2.2 3
		check_err $? "cannot set up lac0"
		ip -n "$H1" link set lac0 type lac ageing "$a"
		check_err $? "ageing $a refused"
		lac_link_load "$H1" lac0
		conf_is ageing "$a"
		check_err $? "ageing $a not applied"
		# The scan runs at once and then at least every 10 s: 3 s
		# is plenty to see an entry wrongly expire.
		sleep 3
		lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2"
		check_err $? "ageing $a s: H2's entry expired within 3 s"
	done
	log_test "ageing up to 2^32-1 s: entries do not expire early"
}

test_fdb_raw()
{
	local f0 f1

	# Nothing ages out while the FDB is compared (the test and the next
	# ones take minutes on the debug kernel).
	h1_new ageing 3600 && h1_up && lac_ping "$H1" 192.0.2.2 3
	check_err $? "cannot set up lac0"
	f0=$(fdb_state_of "$H1" lac0)
	nl_cases fdb fdb-cases lac0
	f1=$(fdb_state_of "$H1" lac0)
	if [ "$f0" != "$f1" ]; then
		check_err 1 "the FDB changed:"
		diff <(echo "$f0") <(echo "$f1") | ktap_print_pipe
	fi
	log_test "RTM_NEWNEIGH/DELNEIGH/GETNEIGH: every bad NDA_* refused with a message"
}

test_fdb_cli()
{
	local m=02:5a:00:00:00:20

	fdb_expect_refused "$H1" lac0 "VLAN" \
		bridge -n "$H1" fdb add "$m" dev lac0 dst 10.0.0.3 vlan 5 self
	check_err $? "vlan was not refused properly"
	fdb_expect_refused "$H1" lac0 "family" \
		bridge -n "$H1" fdb add "$m" dev lac0 dst fd00::3 self
	check_err $? "an IPv6 dst was not refused properly"
	fdb_expect_refused "$H1" lac0 "support" \
		bridge -n "$H1" fdb add "$m" dev lac0 dst 10.0.0.3 src_vni 7 self
	check_err $? "src_vni was not refused properly"
	fdb_expect_refused "$H1" lac0 "unicast" \
		bridge -n "$H1" fdb append "$ZERO_MAC" dev lac0 dst 224.0.0.1 self
	check_err $? "a multicast flood target was not refused properly"
	fdb_expect_refused "$H1" lac0 "no entry" \
		bridge -n "$H1" fdb del "$m" dev lac0 self
	check_err $? "deleting a missing entry was not refused properly"
	fdb_expect_refused "$H1" lac0 "no entry" \
		bridge -n "$H1" fdb get "$m" dev lac0 self
	check_err $? "getting a missing entry was not refused properly"
	bridge -n "$H1" fdb add "$m" dev lac0 dst 10.0.0.3 self permanent
	check_err $? "cannot add $m"
	fdb_expect_refused "$H1" lac0 "VLAN" \
		bridge -n "$H1" fdb get "$m" dev lac0 vlan 5 self
	check_err $? "bridge fdb get with a vlan was not refused properly"
	bridge -n "$H1" fdb del "$m" dev lac0 self
	log_test "bridge fdb: vlan, family, src_vni, multicast flood, missing entries refused"
}

##############################################################################
# Churn, and what it leaves in memory

# churn KIND: lac_nlabuse.py churn-KIND twice, each time for half of
# NLABUSE_COUNT rounds and of NLABUSE_SECONDS, with slab snapshots before,
# between and after; sets CHURN_N (the rounds run) and fails the test on a
# leak.
#
# A leak grows with the rounds, by about as much in each half.  What else
# moves a cache does not: the other activity of the VM, frees deferred to
# RCU, work items or netdev_run_todo, and above all the granularity of the
# counts: /proc/slabinfo counts the objects of whole slabs on per-CPU
# partial lists as in use, so kmalloc-8 swings by about 1000 objects (two
# slabs of 512) from one snapshot to the next with nothing leaking (seen on
# 6.12, and as "kmalloc-8 +488 after 1367 rounds").  So a cache leaks if
# it grew in *both* halves by at least an eighth of all the rounds (one
# object every four rounds of a half, and at least 100), and is still up
# by a quarter of the rounds a few seconds later.
churn()
{
	local kind=$1 s0=$LAC_TMPDIR/$1.s0 s1=$LAC_TMPDIR/$1.s1 s2=$LAC_TMPDIR/$1.s2
	local half out n pc0 pc2 min bad args

	CHURN_N=0
	# A first few rounds load what the first device or entry needs once
	# (caches, per-net state), outside the measurement.
	if [ "$kind" = link ]; then
		ip netns exec "$H1" "${NLABUSE[@]}" churn-link 20 60 2 > /dev/null
	else
		ip netns exec "$H1" "${NLABUSE[@]}" churn-fdb lac0 20 60 > /dev/null
	fi
	lac_slab_snapshot "$s0"
	pc0=$(lac_meminfo Percpu)
	for half in 1 2; do
		if [ "$kind" = link ]; then
			# Every 10th device is created up: sockets, group.
			args=(churn-link $((NLABUSE_COUNT / 2)) $((NLABUSE_SECONDS / 2)) 10)
		else
			args=(churn-fdb lac0 $((NLABUSE_COUNT / 2)) $((NLABUSE_SECONDS / 2)))
		fi
		out=$(ip netns exec "$H1" "${NLABUSE[@]}" "${args[@]}" 2>&1)
		check_err $? "churn-$kind failed: $out"
		n=$(awk '/^done/ { print $2 }' <<< "$out")
		CHURN_N=$((CHURN_N + ${n:-0}))
		log_info "half $half: $(tail -n 1 <<< "$out")"
		[ "$half" = 1 ] && lac_slab_snapshot "$s1"
	done
	min=$((CHURN_N / 8 > 100 ? CHURN_N / 8 : 100))
	bad=$(churn_grown "$s0" "$s1" "$min")
	if [ -n "$bad" ]; then
		sleep 5
		bad=$(churn_grown "$s0" "$s1" "$min")
	fi
	if [ -n "$bad" ]; then
		ktap_print_msg "slab caches that grew by $min objects or more in each half of $CHURN_N rounds:"
		ktap_print_pipe <<< "$bad"
		check_err 1 "slab objects leaked"
	fi
	churn_grown "$s0" "$s1" -1000000 | sort -k4 -rn | head -n 4 |
		sed 's/^/top: /' | ktap_print_pipe
	# Per-CPU memory (each device has per-CPU counters and GRO cells,
	# each peer a dst_cache): a leak of 100 bytes a round shows; chunks
	# come and go by 64 kB or so.
	pc2=$(lac_meminfo Percpu)
	log_info "Percpu ${pc0} kB -> ${pc2} kB, Slab $(lac_meminfo Slab) kB"
	[ $((pc2 - pc0)) -le $((CHURN_N / 10 > 256 ? CHURN_N / 10 : 256)) ]
	check_err $? "Percpu grew by $((pc2 - pc0)) kB in $CHURN_N rounds"
}

# churn_grown S0 S1 MIN: the caches that grew by MIN or more from S0 to S1
# and from S1 to now, and by 2 * MIN in all: "CACHE +HALF1 +HALF2 TOTAL
# (SIZE bytes each)".
churn_grown()
{
	lac_slab_snapshot "$s2"
	awk -v min="$3" '
		FILENAME == ARGV[1] { a[$1] = $2; next }
		FILENAME == ARGV[2] { b[$1] = $2; next }
		{
			d1 = b[$1] - a[$1]; d2 = $2 - b[$1]
			if (d1 >= min && d2 >= min && d1 + d2 >= 2 * min)
				printf "%s %+d %+d %d (%d bytes each)\n", $1, d1, d2, d1 + d2, $3
		}' "$1" "$2" "$s2"
}

test_churn_link()
{
	ip -n "$H1" link del lac0 2> /dev/null
	churn link
	log_info "created and deleted lac devices $CHURN_N times (every 10th up)"
	[ "$CHURN_N" -ge $((NLABUSE_COUNT < 100 ? NLABUSE_COUNT : 100)) ]
	check_err $? "only $CHURN_N rounds"
	[ "$(ip -n "$H1" -o link show type lac | wc -l)" = 0 ]
	check_err $? "lac devices left behind"
	# test_churn_fdb compares this lac0's FDB before and after.
	h1_new ageing 3600 && h1_up && lac_ping "$H1" 192.0.2.2 3
	check_err $? "a fresh lac0 cannot ping H2"
	log_test "create/delete a lac device $CHURN_N times: no leak"
}

test_churn_fdb()
{
	local f0 f1

	f0=$(fdb_state_of "$H1" lac0)
	churn fdb
	log_info "added and deleted an entry and a flood target $CHURN_N times"
	[ "$CHURN_N" -ge $((NLABUSE_COUNT < 1000 ? NLABUSE_COUNT : 1000)) ]
	check_err $? "only $CHURN_N rounds"
	f1=$(fdb_state_of "$H1" lac0)
	[ "$f0" = "$f1" ]
	check_err $? "the FDB is not as before: $f1"
	lac_ping "$H1" 192.0.2.2 3
	check_err $? "H1 cannot ping H2"
	log_test "bridge fdb add/del $CHURN_N times: no leak"
}

lac_main "$@"
