#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# Races: lac devices created, deleted, moved between namespaces, brought
# down and up, their namespaces deleted (the link namespace first, or the
# container first), and the module removed, while datagrams flood in
# (lac_pktgen.py: random datagrams of every kind, frames and leaves of one
# peer, a ping across).  Each test passes if the kernel logged no splat
# (BUG, WARNING, Oops, KASAN, UBSAN, lockdep, a netdev refcount leak) and a
# fresh LAC still pings afterwards; run the VM with LAC_VM_STRICT=1 too.
#
#   UL: br0;  H1, H2, H3: hosts on it (10.0.0.i);  H1 lac0 and H2 lac0 talk
#   (192.0.2.1, .2); H3 floods H1; the tests add hosts and containers.
#
# lac_rmmod.sh unloads the module too and must stay last: this one loads
# it again at the end of test_rmmod_under_traffic.

ALL_TESTS="
	test_churn_under_traffic
	test_move_under_traffic
	test_downup_learn_leave
	test_netns_del_link_first
	test_netns_del_container_first
	test_rmmod_under_traffic
"
REQUIRED_CMDS="rmmod insmod"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

PKTGEN=("$LAC_PYTHON" -S "$LAC_SELFTEST_DIR/lac_pktgen.py")

# Seconds of each race.
: "${RACES_SECONDS:=10}"

SPLAT_RE='BUG:|WARNING:|Oops|Call Trace|KASAN|UBSAN|lockdep|general protection|RCU stall|refcount_t:|unregister_netdevice: waiting|use-after-free|list_(add|del) corruption'
DMESG0=0
NEXT_HOST=10

setup()
{
	lac_underlay_create 3 || return 1
	lac_setup "$H1" lac0 192.0.2.1/24 && lac_setup "$H2" lac0 192.0.2.2/24 ||
		return 1
	lac_ping "$H1" 192.0.2.2
}

# race_begin: note where the kernel log is.
race_begin()
{
	DMESG0=$(dmesg | wc -l)
	RACE_PIDS=()
}

# race_splats: kernel log lines since race_begin that tell of a bug.
race_splats()
{
	dmesg | tail -n +$((DMESG0 + 1)) | grep -E "$SPLAT_RE"
}

# race_end NAME: stop the traffic; no splat, and H1 and H2 still ping (a
# fresh pair if theirs went away).
race_end()
{
	local pid out

	for pid in "${RACE_PIDS[@]}"; do
		kill "$pid" 2> /dev/null
	done
	for pid in "${RACE_PIDS[@]}"; do
		wait "$pid" 2> /dev/null
	done
	out=$(race_splats)
	if [ -n "$out" ]; then
		check_err 1 "the kernel logged problems:"
		dmesg | tail -n +$((DMESG0 + 1)) | head -n 60 | ktap_print_pipe
	fi
	if ! dev_exists "$H1" lac0 || ! dev_exists "$H2" lac0; then
		ip -n "$H1" link del lac0 2> /dev/null
		ip -n "$H2" link del lac0 2> /dev/null
		lac_setup "$H1" lac0 192.0.2.1/24 && lac_setup "$H2" lac0 192.0.2.2/24
		check_err $? "cannot make a fresh pair of lac devices"
	fi
	lac_ping "$H1" 192.0.2.2
	check_err $? "lac no longer works: H1 cannot ping H2"
}

# race_bg CMD...: run CMD in the background until race_end.
race_bg()
{
	"$@" > /dev/null 2>&1 &
	RACE_PIDS+=($!)
	lac_bg_add $!
}

# flood NS TO...: random datagrams of every kind from NS, until race_end.
flood()
{
	local ns=$1 to=() a; shift

	for a in "$@"; do
		to+=(--to "$a")
	done
	race_bg ip netns exec "$ns" "${PKTGEN[@]}" random "${to[@]}" --spread \
		--duration 300 --keep-going --seed "$RANDOM" \
		--src-count 4 --src "02:7$((RANDOM % 10)):00:00:00:01"
}

# learnleave NS TO: frames and leaves of one peer, so that learning and
# the leave work run all the time.
learnleave()
{
	race_bg ip netns exec "$1" "${PKTGEN[@]}" learnleave --to "$2" \
		--duration 300 --keep-going --src-count 16 \
		--src 02:6c:00:00:00:01 --pace 8
}

# ping_bg NS ADDR: a ping across the LAC for the race.
ping_bg()
{
	race_bg ip netns exec "$1" ping -q -n -i 0.2 -W 1 "$2"
}

# batch_loop NS FILE SECONDS: ip -force -batch FILE in NS over and over;
# prints how many rounds ran.
batch_loop()
{
	local ns=$1 file=$2 end=$(($(now_ms) + $3 * 1000)) n=0

	while [ "$(now_ms)" -lt "$end" ]; do
		ip -force -n "$ns" -batch "$file" > /dev/null 2>&1
		n=$((n + 1))
	done
	echo "$n"
}

# host_add VAR: a new host on the underlay, as lac_underlay_create makes
# them: namespace $VAR, eth0 10.0.0.N/24 in br0; sets HOST_IP.
host_add()
{
	local var=$1 ns n=$NEXT_HOST

	NEXT_HOST=$((NEXT_HOST + 1))
	lac_ns_create "$var" || return 1
	ns=${!var}
	ip -n "$ns" link add eth0 type veth peer name "q$n" netns "$UL" &&
		ip -n "$UL" link set "q$n" master br0 up &&
		ip -n "$ns" addr add "10.0.0.$n/24" dev eth0 &&
		ip -n "$ns" link set eth0 up &&
		ip -n "$ns" route add 224.0.0.0/4 dev eth0 || return 1
	HOST_IP=10.0.0.$n
}

##############################################################################

# Devices appear, come up, go down and vanish in H1 while H3 floods the
# group port and H1 and H2 ping.
test_churn_under_traffic()
{
	local f=$LAC_TMPDIR/churn.batch i n

	race_begin
	for i in 0 1 2 3; do
		echo "link add lacr$i type lac"
		echo "link set lacr$i up"
	done > "$f"
	for i in 0 1 2 3; do
		echo "link set lacr$i down"
		echo "link set lacr$i up"
		echo "link set lacr$i type lac ttl 3 ageing 5"
		echo "link del lacr$i"
	done >> "$f"
	flood "$H3" "$LAC_GROUP:$LAC_GROUP_PORT" "10.0.0.1:$LAC_GROUP_PORT"
	flood "$H3" "$LAC_GROUP:$LAC_GROUP_PORT"
	learnleave "$H2" "$LAC_GROUP:$LAC_GROUP_PORT"
	ping_bg "$H1" 192.0.2.2
	n=$(batch_loop "$H1" "$f" "$RACES_SECONDS")
	log_info "$n rounds of 4 devices added, up, down, up, changed, deleted"
	[ "$n" -ge 1 ]
	check_err $? "no round ran"
	race_end
	[ "$(ip -n "$H1" -o link show type lac | wc -l)" = 1 ]
	check_err $? "lac devices left in H1: $(ip -n "$H1" -o link show type lac)"
	log_test "create, up, down, delete under a flood"
}

# Devices made in H1 move to a container and are brought up and deleted
# there, while the flood goes on.
test_move_under_traffic()
{
	local f1=$LAC_TMPDIR/move1.batch f2=$LAC_TMPDIR/move2.batch i n1 n2 pid

	race_begin
	lac_ns_create C1 || return 1
	for i in 0 1 2; do
		echo "link add lacm$i type lac"
		echo "link set lacm$i up"
		echo "link set lacm$i netns $C1"
	done > "$f1"
	for i in 0 1 2; do
		echo "link set lacm$i up"
		echo "addr add 192.0.2.$((60 + i))/24 dev lacm$i"
		echo "link set lacm$i down"
		echo "link set lacm$i up"
		echo "link del lacm$i"
	done > "$f2"
	flood "$H3" "$LAC_GROUP:$LAC_GROUP_PORT" "10.0.0.1:$LAC_GROUP_PORT"
	learnleave "$H2" "$LAC_GROUP:$LAC_GROUP_PORT"
	ping_bg "$H1" 192.0.2.2
	batch_loop "$C1" "$f2" "$RACES_SECONDS" > "$LAC_TMPDIR/move2.n" &
	pid=$!
	n1=$(batch_loop "$H1" "$f1" "$RACES_SECONDS")
	wait "$pid"
	n2=$(cat "$LAC_TMPDIR/move2.n")
	log_info "$n1 rounds of moves out of H1, $n2 rounds in the container"
	race_end
	# A move fails when the container still has a device of that name:
	# such devices stay in H1, and must delete cleanly.
	for i in 0 1 2; do
		if dev_exists "$H1" "lacm$i"; then
			ip -n "$H1" link del "lacm$i"
			check_err $? "cannot delete lacm$i in H1"
		fi
	done
	lac_ns_delete "$C1"
	lac_wait 5 eval '[ "$(ip -n "$H1" -o link show type lac | wc -l)" = 1 ]'
	check_err $? "lac devices left in H1: $(ip -n "$H1" -o link show type lac)"
	log_test "move to a container, up, down, delete under a flood"
}

# H1's lac0 learns and forgets a peer's MACs all the time (frames and
# leaves) while it goes down and up, is flushed, changes its ageing and
# limit, and is deleted and made again.
test_downup_learn_leave()
{
	local f=$LAC_TMPDIR/downup.batch n i stale

	race_begin
	{
		echo "link set lac0 down"
		echo "link set lac0 up"
		echo "link set lac0 type lac flush"
		echo "link set lac0 type lac ageing 1 maxaddress 4"
		echo "link set lac0 type lac ageing 128 maxaddress 0"
		echo "link set lac0 down"
		echo "link del lac0"
		echo "link add lac0 type lac"
		echo "addr add 192.0.2.1/24 dev lac0"
		echo "link set lac0 up"
	} > "$f"
	learnleave "$H3" "$LAC_GROUP:$LAC_GROUP_PORT"
	learnleave "$H2" "$LAC_GROUP:$LAC_GROUP_PORT"
	flood "$H3" "$LAC_GROUP:$LAC_GROUP_PORT"
	n=$(batch_loop "$H1" "$f" "$RACES_SECONDS")
	log_info "$n rounds of down, up, flush, ageing, maxaddress, delete, add"
	# Down means no learned entry, even with frames arriving as it goes
	# down: a frame that rx took before the sockets closed must not
	# teach an entry after the flush.
	for ((i = 0; i < 4; i++)); do
		ip -n "$H1" link set lac0 down
		stale=$(bridge -n "$H1" fdb show dev lac0 | grep -c '02:6c:')
		if [ "$stale" != 0 ]; then
			check_err 1 "round $i: $stale learned entries on a down device"
			bridge -n "$H1" fdb show dev lac0 | head -n 5 | ktap_print_pipe
			break
		fi
		ip -n "$H1" link set lac0 up
	done
	ip -n "$H1" link set lac0 up 2> /dev/null
	race_end
	log_test "down, up, flush, delete while learning and leaves run"
}

# netns_del_round ORDER: a host HX whose lac device lives in container
# CX, pinging H2 and flooded by H3; then both namespaces are deleted, the
# link namespace (HX) first or the container first.
netns_del_round()
{
	local order=$1 hx cx ip

	host_add HX || return 1
	ip=$HOST_IP
	hx=$HX
	lac_ns_create CX || return 1
	cx=$CX
	lac_add "$hx" lacx && ip -n "$hx" link set lacx netns "$cx" &&
		lac_up "$cx" lacx 192.0.2.50/24 || return 1
	lac_ping "$cx" 192.0.2.2 || return 1
	ping_bg "$cx" 192.0.2.2
	# The group flood reaches HX too; this one is for HX alone.
	race_bg ip netns exec "$H3" "${PKTGEN[@]}" learnleave \
		--to "$ip:$LAC_GROUP_PORT" --duration 10 --keep-going \
		--src 02:6d:00:00:00:01 --src-count 4 --pace 8
	sleep 1
	if [ "$order" = link ]; then
		lac_ns_delete "$hx"
		sleep 0.5
		lac_ns_delete "$cx"
	else
		lac_ns_delete "$cx"
		sleep 0.5
		lac_ns_delete "$hx"
	fi
	# The flood goes on a moment without them.
	sleep 1
}

netns_del_test()
{
	local order=$1 i

	race_begin
	flood "$H3" "$LAC_GROUP:$LAC_GROUP_PORT"
	learnleave "$H2" "$LAC_GROUP:$LAC_GROUP_PORT"
	for i in 1 2; do
		netns_del_round "$order"
		check_err $? "round $i could not be set up"
	done
	race_end
	# The module is still in use by H1 and H2 only: nothing of the
	# deleted namespaces is left.
	log_info "lac refcnt $(lac_module_refcnt)"
}

test_netns_del_link_first()
{
	netns_del_test link
	log_test "under traffic: delete the link namespace, then the container"
}

test_netns_del_container_first()
{
	netns_del_test container
	log_test "under traffic: delete the container, then the link namespace"
}

test_rmmod_under_traffic()
{
	local out

	if [ ! -e /sys/module/lac/initstate ] && [ -d /sys/module/lac ]; then
		test_skip "lac is built in"
		log_test "rmmod lac under traffic"
		return
	fi
	race_begin
	lac_ns_create C2 || return 1
	lac_add "$H1" lacc && ip -n "$H1" link set lacc netns "$C2" &&
		lac_up "$C2" lacc 192.0.2.70/24
	check_err $? "cannot set up a container"
	flood "$H3" "$LAC_GROUP:$LAC_GROUP_PORT" "10.0.0.1:$LAC_GROUP_PORT"
	learnleave "$H2" "$LAC_GROUP:$LAC_GROUP_PORT"
	ping_bg "$H1" 192.0.2.2
	ping_bg "$C2" 192.0.2.2
	sleep 3
	out=$(lac_rmmod 2>&1)
	check_err $? "rmmod lac under traffic failed: $out"
	[ "$(ip -n "$H1" -o link show type lac | wc -l)" = 0 ] &&
		[ "$(ip -n "$C2" -o link show type lac | wc -l)" = 0 ]
	check_err $? "lac devices outlived the module"
	sleep 2
	out=$(lac_load_module 2>&1)
	check_err $? "cannot load lac again: $out"
	race_end
	log_test "rmmod lac under traffic, then load it again"
}

lac_main "$@"
