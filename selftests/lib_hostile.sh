# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2016 # awk programs
#
# Helpers of the hostile input selftests (lac_hostile.sh,
# lac_hostile_bulk.sh), sourced after lib.sh and lib_fdb.sh: the set-up,
# lac_pktgen.py runs and the checks of what they did.
#
# Underlay (IPv4 and IPv6):
#
#   H1: lac0 192.0.2.1/24, lac6 198.51.100.1/24 local fd00::1: under test
#   H2: lac0 192.0.2.2/24, lac6 198.51.100.2/24 local fd00::2: a peer
#   H3: the attacker, no lac device
#
# Every check is that
#
#   - each datagram was counted exactly once, by the counter of its class:
#     rx_packets, rx_length_errors, rx_frame_errors (device statistics),
#     rx_other_vni, rx_leave, rx_echo, rx_own_mac, rx_bad_source,
#     rx_static_conflict (ethtool -S), and that rx_errors and rx_dropped
#     moved with them;
#   - the FDB gained exactly the entries it should (and no other);
#   - the device still works: a ping across the LAC.
#
# Datagrams dropped before they reach lac (a full backlog) would break the
# accounting: the generator paces itself, and the backlog is raised for the
# run (/proc/sys/net/core/netdev_max_backlog, restored at exit).

PKTGEN=("$LAC_PYTHON" -S "$LAC_SELFTEST_DIR/lac_pktgen.py")

# The nine classes: every datagram that reaches a lac socket is counted by
# exactly one of them.
CLASSES="rx_packets rx_length_errors rx_frame_errors rx_other_vni rx_leave
	 rx_echo rx_own_mac rx_bad_source rx_static_conflict"
# A static entry's MAC, pointing at H2 (frames claiming it from elsewhere
# are dropped), and the MACs the generator sends from.
MAC_STATIC=02:5a:00:00:00:5a
# shellcheck disable=SC2034 # used by the tests
MAC_GEN=02:a5:00:00:00:01

BACKLOG_SAVED=

hostile_cleanup()
{
	[ -n "$BACKLOG_SAVED" ] &&
		echo "$BACKLOG_SAVED" > /proc/sys/net/core/netdev_max_backlog
	lac_cleanup
}

# hostile_setup: the underlay and devices above; sets M1, M2 (MACs), LP1,
# LP2, LP6 (unicast ports), TO (the --to options of the three ways into
# H1's lac0).
hostile_setup()
{
	trap hostile_cleanup EXIT
	BACKLOG_SAVED=$(cat /proc/sys/net/core/netdev_max_backlog) || return 1
	echo 100000 > /proc/sys/net/core/netdev_max_backlog || return 1

	lac_underlay_create 3 6 || return 1
	# H1 ages nothing out within a test: on a slow kernel (the debug one,
	# beside other VMs) one test may take longer than the default 128 s.
	lac_setup "$H1" lac0 192.0.2.1/24 ageing 3600 &&
		lac_setup "$H2" lac0 192.0.2.2/24 || return 1
	lac_setup "$H1" lac6 198.51.100.1/24 local fd00::1 ageing 3600 &&
		lac_setup "$H2" lac6 198.51.100.2/24 local fd00::2 || return 1
	# H3 sends datagrams from H1's own address (the echo tests): H1 must
	# not drop them as martians before lac sees them.
	ip netns exec "$H1" sh -c '
		for c in all eth0; do
			echo 1 > /proc/sys/net/ipv4/conf/$c/accept_local
			echo 0 > /proc/sys/net/ipv4/conf/$c/rp_filter
		done' || return 1
	M1=$(dev_mac "$H1" lac0)
	M2=$(dev_mac "$H2" lac0)
	LP1=$(lac_localport "$H1" lac0)
	LP2=$(lac_localport "$H2" lac0)
	LP6=$(lac_localport "$H1" lac6)
	[ -n "$LP1" ] && [ "$LP1" -gt 0 ] && [ -n "$LP2" ] && [ -n "$LP6" ] ||
		return 1
	# Every datagram to the three ways into H1's lac0.
	# shellcheck disable=SC2034 # used by the tests
	TO=(--to "$LAC_GROUP:$LAC_GROUP_PORT" --to "10.0.0.1:$LAC_GROUP_PORT"
	    --to "10.0.0.1:$LP1")
	bridge -n "$H1" fdb add "$MAC_STATIC" dev lac0 dst 10.0.0.2 port "$LP2" \
		self permanent || return 1
	# No ARP between the tests: a late probe would be counted in the
	# middle of another test.
	ip -n "$H1" neigh replace 192.0.2.2 lladdr "$M2" dev lac0 nud permanent &&
		ip -n "$H2" neigh replace 192.0.2.1 lladdr "$M1" dev lac0 nud permanent &&
		ip -n "$H1" neigh replace 198.51.100.2 dev lac6 nud permanent \
			lladdr "$(dev_mac "$H2" lac6)" &&
		ip -n "$H2" neigh replace 198.51.100.1 dev lac6 nud permanent \
			lladdr "$(dev_mac "$H1" lac6)" || return 1
	lac_ping "$H1" 192.0.2.2 && lac_ping "$H1" 198.51.100.2 || return 1
	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2"
}

##############################################################################
# Counters

declare -A CNT0=() CNT1=() EXP=() LEARN=()
NOLEARN=()
SENT=0
FDB0=

# hs_load VAR NS DEV: the counters into the associative array VAR: the
# device statistics (from `ip -j -s -s link show`) and ethtool -S.  Parsed
# in bash: every process costs a lot in an emulated machine.
# shellcheck disable=SC2034 # arr is a nameref: the caller's array
hs_load()
{
	local -n arr=$1
	local ns=$2 dev=$3 out k v re

	arr=()
	out=$(ip -n "$ns" -j -s -s link show dev "$dev") || return 1
	for k in bytes packets errors dropped; do
		re='"rx":\{[^}]*"'$k'":([0-9]+)'
		[[ $out =~ $re ]] && arr["rx_$k"]=${BASH_REMATCH[1]}
	done
	for k in length_errors frame_errors; do
		re='"'$k'":([0-9]+)'
		[[ $out =~ $re ]] && arr["rx_$k"]=${BASH_REMATCH[1]}
	done
	while read -r k v; do
		[[ $k == *: ]] && arr["${k%:}"]=$v
	done < <(ip netns exec "$ns" ethtool -S "$dev" 2> /dev/null)
}

# hs_delta NAME: CNT1 - CNT0 of a counter; empty if it does not exist.
hs_delta()
{
	[ -n "${CNT0[$1]+set}" ] && [ -n "${CNT1[$1]+set}" ] &&
		echo $((CNT1[$1] - CNT0[$1]))
}

# hs_classes_sum: the datagrams counted so far (since CNT0) by the classes.
hs_classes_sum()
{
	local c n=0 d

	for c in $CLASSES; do
		d=$(hs_delta "$c")
		n=$((n + ${d:-0}))
	done
	echo "$n"
}

# hs_begin NS DEV: note the counters and the FDB before a run.
hs_begin()
{
	HS_NS=$1 HS_DEV=$2
	hs_load CNT0 "$1" "$2"
	FDB0=$(fdb_entries "$1" "$2")
}

# hs_gen NS ARGS...: run lac_pktgen.py ARGS in NS and read what it expects
# (EXP, LEARN, NOLEARN, SENT); its output goes to $LAC_TMPDIR/gen.out.
hs_gen()
{
	local ns=$1 out=$LAC_TMPDIR/gen.out key a b c; shift

	EXP=() LEARN=() NOLEARN=() SENT=0
	if ! ip netns exec "$ns" "${PKTGEN[@]}" "$@" > "$out" 2> "$out.err"; then
		ktap_print_msg "lac_pktgen.py $* failed:"
		ktap_print_pipe < "$out.err"
		return 1
	fi
	while read -r key a b c; do
		case $key in
		sent) SENT=$a ;;
		expect) EXP[$a]=$b ;;
		learn) LEARN[$a]="$b $c" ;;
		nolearn) NOLEARN+=("$a") ;;
		time) log_info "lac_pktgen.py $1: $SENT datagrams in $a s" ;;
		esac
	done < "$out"
}

# hs_settle: wait until the classes count SENT datagrams (the last ones may
# still be on their way), then until the counters stay put for 0.3 s.
hs_settle()
{
	local i last=-1 n

	for ((i = 0; i < LAC_WAIT * 10; i++)); do
		hs_load CNT1 "$HS_NS" "$HS_DEV"
		n=$(hs_classes_sum)
		[ "$n" -ge "$SENT" ] && break
		sleep 0.1
	done
	# Then nothing more for a moment (a datagram counted twice would
	# show here).
	for ((i = 0; i < 10 && n != last; i++)); do
		last=$n
		sleep 0.2
		hs_load CNT1 "$HS_NS" "$HS_DEV"
		n=$(hs_classes_sum)
	done
}

# hs_account: every datagram of the run counted once, by its class; rx_errors
# and rx_dropped moved with the classes they sum.  Prints the table.
hs_account()
{
	local c d want sum rc=0 line="" alt a b

	hs_settle
	for c in $CLASSES; do
		d=$(hs_delta "$c")
		if [ -z "$d" ]; then
			ktap_print_msg "no counter $c on $HS_DEV"
			rc=1
			continue
		fi
		line+=" $c=$d"
	done
	log_info "sent $SENT, counted:$line"
	[ "$rc" = 0 ] || return 1

	sum=$(hs_classes_sum)
	if [ "$sum" != "$SENT" ]; then
		ktap_print_msg "$SENT datagrams sent, $sum counted by the classes"
		rc=1
	fi
	for c in $CLASSES; do
		want=${EXP[$c]:-0}
		# A pair "a|b": both together count the datagrams that either
		# may count.
		for alt in "${!EXP[@]}"; do
			[[ $alt == *"|"* ]] || continue
			a=${alt%|*} b=${alt#*|}
			[ "$c" = "$a" ] || [ "$c" = "$b" ] && want="$want+"
		done
		d=$(hs_delta "$c")
		if [[ $want == *+ ]]; then
			continue
		fi
		if [ "$d" != "$want" ]; then
			ktap_print_msg "$c moved by $d, want $want"
			rc=1
		fi
	done
	for alt in "${!EXP[@]}"; do
		[[ $alt == *"|"* ]] || continue
		a=${alt%|*} b=${alt#*|}
		want=$((EXP[$alt] + ${EXP[$a]:-0} + ${EXP[$b]:-0}))
		d=$(($(hs_delta "$a") + $(hs_delta "$b")))
		log_info "$a $(hs_delta "$a"), $b $(hs_delta "$b") (either may count ${EXP[$alt]})"
		if [ "$d" != "$want" ]; then
			ktap_print_msg "$a + $b moved by $d, want $want"
			rc=1
		fi
	done

	want=$(($(hs_delta rx_length_errors) + $(hs_delta rx_frame_errors)))
	d=$(hs_delta rx_errors)
	if [ "$d" != "$want" ]; then
		ktap_print_msg "rx_errors moved by $d, rx_length_errors + rx_frame_errors by $want"
		rc=1
	fi
	want=$(($(hs_delta rx_own_mac) + $(hs_delta rx_bad_source) + $(hs_delta rx_static_conflict)))
	d=$(hs_delta rx_dropped)
	if [ "$d" -lt "$want" ]; then
		ktap_print_msg "rx_dropped moved by $d, less than rx_own_mac + rx_bad_source + rx_static_conflict ($want)"
		rc=1
	elif [ "$d" != "$want" ]; then
		# The stack counts there too what no protocol takes (the
		# generator's frames of made-up ethertypes).
		log_info "rx_dropped moved by $d: $want by lac, $((d - want)) by the stack"
	fi
	return "$rc"
}

# hs_fdb_check: the FDB has every entry the run had to teach it, none of the
# MACs it must not learn, and nothing else new (from one dump of the FDB).
hs_fdb_check()
{
	local mac rc=0 now line want port bad=()
	local -A ent=() seen=()

	now=$(fdb_entries "$HS_NS" "$HS_DEV")
	while read -r mac line; do
		ent[${mac,,}]=$line
	done <<< "$now"
	for mac in "${!LEARN[@]}"; do
		# The dump has no port for the group port.
		port=${LEARN[$mac]#* }
		[ "$port" = "$LAC_GROUP_PORT" ] && port=-
		want="${LEARN[$mac]% *} $port"
		line=${ent[$mac]:-}
		if [ -z "$line" ] || [[ "$line " != "$want "* ]]; then
			ktap_print_msg "$mac: want an entry to $want, have '${line:-none}'"
			rc=1
		fi
	done
	# Not learned: absent if it was absent, else where it was.  (The
	# first few are shown.)
	for mac in "${NOLEARN[@]}"; do
		[ -n "${ent[$mac]+set}" ] || continue
		line=$(awk -v m="$mac" '$1 == m { print $2, $3 }' <<< "$FDB0")
		if [ -z "$line" ]; then
			bad+=("$mac was learned: $mac ${ent[$mac]}")
		elif [[ "${ent[$mac]} " != "$line "* ]]; then
			bad+=("$mac moved from $line: $mac ${ent[$mac]}")
		else
			continue
		fi
		seen[$mac]=1
	done
	while read -r mac _; do
		[ -z "$mac" ] && continue
		if [[ $'\n'$FDB0 != *$'\n'"$mac "* ]] && [ -z "${LEARN[$mac]+set}" ] &&
		   [ -z "${seen[$mac]+set}" ]; then
			bad+=("unexpected new entry: $mac ${ent[$mac]}")
		fi
	done <<< "$now"
	if [ ${#bad[@]} -gt 0 ]; then
		printf '%s\n' "${bad[@]:0:8}" | ktap_print_pipe
		[ ${#bad[@]} -gt 8 ] && ktap_print_msg "... ${#bad[@]} in all"
		rc=1
	fi
	return "$rc"
}

# hs_run NAME NS ARGS...: one run of the generator from NS against H1's
# lac0, checked: accounting, FDB, and a ping across afterwards.
hs_run()
{
	local ns=$1; shift

	hs_begin "$H1" lac0
	hs_gen "$ns" "$@"
	check_err $? "the generator failed"
	hs_account
	check_err $? "the counters do not account for the datagrams"
	hs_fdb_check
	check_err $? "the FDB did not change as it should"
	lac_ping "$H1" 192.0.2.2 3
	check_err $? "H1 cannot ping H2 across the LAC any more"
}
