# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2016 # awk programs
#
# Helpers of the lac FDB control plane selftests (static entries, flood
# list, limits, events), sourced after lib.sh.  The netlink and pcap work is
# done by lac_util.py.

ZERO_MAC=00:00:00:00:00:00

##############################################################################
# FDB dumps: one line per entry, from `bridge -s fdb show dev DEV` (awk:
# starting python for each look would take a second in the emulated VM):
#   MAC DST PORT STATE USED UPDATED FLAGS
# PORT is "-" when the dump has none (the group port), STATE "-" when bridge
# prints none (NUD_REACHABLE: a learned entry), FLAGS joined with commas.
# lac_util.py fdb-entries prints the same from `bridge -j -s`.

fdb_entries()
{
	bridge -n "$1" -s fdb show dev "$2" | awk '
		{
			dst = port = used = upd = "-"; state = "-"; flags = ""
			for (i = 2; i <= NF; i++) {
				if ($i == "dst") dst = $(++i)
				else if ($i == "port") port = $(++i)
				else if ($i == "used") {
					split($(++i), t, "/"); used = t[1]; upd = t[2]
				} else if ($i ~ /^(self|master|router|extern_learn|offload|sticky)$/)
					flags = flags (flags == "" ? "" : ",") $i
				else if (i == NF && $i ~ /^(permanent|static|stale)$/)
					state = $i
			}
			print $1, dst, port, state, used, upd, (flags == "" ? "-" : flags)
		}'
}

# fdb_entry NS DEV MAC [DST]: the line of MAC (of MAC with DST); fails if
# there is none.
fdb_entry()
{
	fdb_entries "$1" "$2" | awk -v mac="${3,,}" -v dst="${4:-}" '
		tolower($1) == mac && (dst == "" || $2 == dst) { print; found = 1; exit }
		END { exit !found }'
}

# fdb_count NS DEV [AWK-CONDITION]: entries (matching the condition).
fdb_count()
{
	fdb_entries "$1" "$2" | awk "${3:-1} { n++ } END { print n + 0 }"
}

# fdb_learned_count NS DEV: entries that are neither static nor flood
# targets.
fdb_learned_count()
{
	fdb_count "$1" "$2" '$1 != "'"$ZERO_MAC"'" && $4 != "permanent" && $4 != "static"'
}

# fdb_flood_targets NS DEV: "DST PORT" of each flood target, sorted.
fdb_flood_targets()
{
	fdb_entries "$1" "$2" | awk -v z="$ZERO_MAC" '$1 == z { print $2, $3 }' | sort
}

fdb_show()
{
	bridge -n "$1" -s fdb show dev "$2" 2>&1 | ktap_print_pipe
}

# fdb_check NS DEV MAC DST PORT STATE: the entry of MAC has DST, PORT ("-":
# none printed, i.e. the group port) and STATE (permanent, static or "-").
fdb_check()
{
	local ns=$1 dev=$2 mac=$3 want="$4 $5 $6" line got

	if ! line=$(fdb_entry "$ns" "$dev" "$mac"); then
		ktap_print_msg "no fdb entry for $mac on $dev; the fdb is:"
		fdb_show "$ns" "$dev"
		return 1
	fi
	got=$(awk '{ print $2, $3, $4 }' <<< "$line")
	if [ "$got" != "$want" ]; then
		ktap_print_msg "fdb entry of $mac: dst port state '$got', want '$want' ($line)"
		return 1
	fi
}

# fdb_state_of NS DEV: the entries without their times, sorted (to compare
# a table before and after a command).
fdb_state_of()
{
	fdb_entries "$1" "$2" | awk '{ print $1, $2, $3, $4, $7 }' | sort
}

##############################################################################
# lac devices

# fdb_link_attr NS DEV KEY: the value after KEY in `ip -d link show DEV`
# (awk: no python, which takes a second to start in the emulated VM).
fdb_link_attr()
{
	ip -n "$1" -d link show dev "$2" |
		awk -v k="$3" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); f = 1; exit } }
			       END { exit !f }'
}

fdb_localport()
{
	fdb_link_attr "$1" "$2" localport
}

# fdb_hosts_setup N FAMILY [lac options...]: a fresh lac0 192.0.2.i/24 on
# hosts 1 .. N, on the FAMILY (4 or 6) underlay; sets Mi and LPi.  Learned
# entries stay an hour: the pings between every pair of hosts can take more
# than the default 128 s on a slow (debug) kernel; lac_fdb.sh tests ageing.
fdb_hosts_setup()
{
	local n=$1 fam=$2 i ns; shift 2
	local -a opt

	for ((i = 1; i <= n; i++)); do
		ns="H$i"
		ns=${!ns}
		ip -n "$ns" link del lac0 2> /dev/null
		opt=(ageing 3600)
		[ "$fam" = 6 ] && opt+=(local "fd00::$i")
		lac_setup "$ns" lac0 "192.0.2.$i/24" "${opt[@]}" "$@" || return 1
		printf -v "M$i" '%s' "$(dev_mac "$ns" lac0)"
		printf -v "LP$i" '%s' "$(fdb_localport "$ns" lac0)"
		ip -n "$ns" neigh flush dev lac0
	done
}

# fdb_targets_add N FAMILY: each of hosts 1 .. N floods to the others
# (at the group port).
fdb_targets_add()
{
	local n=$1 fam=$2 i j ns

	for ((i = 1; i <= n; i++)); do
		ns="H$i"
		ns=${!ns}
		for ((j = 1; j <= n; j++)); do
			[ "$i" = "$j" ] && continue
			bridge -n "$ns" fdb append "$ZERO_MAC" dev lac0 \
				dst "$(lac_host_ip "$fam" "$j")" self || return 1
		done
	done
}

# fdb_ping_all N: each of hosts 1 .. N pings the others' lac0.
fdb_ping_all()
{
	local n=$1 i j ns rc=0

	for ((i = 1; i <= n; i++)); do
		ns="H$i"
		ns=${!ns}
		for ((j = 1; j <= n; j++)); do
			[ "$i" = "$j" ] && continue
			lac_ping "$ns" "192.0.2.$j" 5 || rc=1
		done
	done
	return "$rc"
}

##############################################################################
# Commands that must be refused

# fdb_expect_refused NS DEV REGEX CMD...: CMD fails with an "Error:" line (a
# kernel extack message, as bridge prints it) matching REGEX (grep -iE), and
# the FDB of DEV is unchanged.  Prints the message.
fdb_expect_refused()
{
	local ns=$1 dev=$2 re=$3 before after out rc; shift 3

	before=$(fdb_state_of "$ns" "$dev")
	out=$("$@" 2>&1)
	rc=$?
	after=$(fdb_state_of "$ns" "$dev")
	log_info "$* -> rc $rc: $out"
	if [ "$rc" -eq 0 ]; then
		ktap_print_msg "'$*' succeeded"
		return 1
	fi
	if [[ $out != *"Error:"* ]]; then
		ktap_print_msg "'$*' failed without a kernel message (Error: ...)"
		return 1
	fi
	if ! grep -qiE "$re" <<< "$out"; then
		ktap_print_msg "the message of '$*' does not match '$re'"
		return 1
	fi
	if [ "$before" != "$after" ]; then
		ktap_print_msg "the fdb changed after the refused '$*':"
		ktap_print_msg "before: $before"
		ktap_print_msg "after: $after"
		return 1
	fi
}

# fdb_raw NS ARGS...: lac_util.py neigh ARGS in NS (raw RTM_NEWNEIGH /
# RTM_DELNEIGH); prints "ok" or "error ERRNO MESSAGE".
fdb_raw()
{
	local ns=$1; shift

	ip netns exec "$ns" "${LAC_PY[@]}" neigh "$@"
}

# fdb_raw_refused NS DEV REGEX ARGS...: the raw request is refused with an
# extack message matching REGEX, and the FDB of DEV is unchanged.
fdb_raw_refused()
{
	local ns=$1 dev=$2 re=$3 before after out rc; shift 3

	before=$(fdb_state_of "$ns" "$dev")
	out=$(fdb_raw "$ns" "$@" 2>&1)
	rc=$?
	after=$(fdb_state_of "$ns" "$dev")
	log_info "raw neigh $* -> $out"
	if [ "$rc" -eq 0 ]; then
		ktap_print_msg "the kernel accepted raw neigh $*"
		return 1
	fi
	if ! [[ $out =~ ^error\ [0-9]+\ .+ ]]; then
		ktap_print_msg "raw neigh $*: no extack message: $out"
		return 1
	fi
	if ! grep -qiE "$re" <<< "${out#error }"; then
		ktap_print_msg "the message of raw neigh $* does not match '$re'"
		return 1
	fi
	if [ "$before" != "$after" ]; then
		ktap_print_msg "the fdb changed after the refused raw neigh $*:"
		ktap_print_msg "before: $before"
		ktap_print_msg "after: $after"
		return 1
	fi
}

##############################################################################
# Counters

# lac_ethtool_stat NS DEV NAME: a counter of `ethtool -S DEV`; fails if DEV
# has none of that name.
lac_ethtool_stat()
{
	ip netns exec "$1" ethtool -S "$2" 2> /dev/null |
		awk -v n="$3" '$1 == n ":" { print $2; found = 1 } END { exit !found }'
}

# lac_ethtool_stat_check NS DEV NAME: like lac_ethtool_stat, says why not.
lac_ethtool_stat_check()
{
	local v

	if ! v=$(lac_ethtool_stat "$@"); then
		ktap_print_msg "ethtool -S $2 has no $3:"
		ip netns exec "$1" ethtool -S "$2" 2>&1 | ktap_print_pipe
		return 1
	fi
	echo "$v"
}

##############################################################################
# Injection

# fdb_inject NS FROM-ADDR:PORT TO-ADDR:PORT [lac_util.py send options]
fdb_inject()
{
	local ns=$1 from=$2 to=$3; shift 3

	ip netns exec "$ns" "${LAC_PY[@]}" send --bind "$from" --to "$to" "$@"
}

##############################################################################
# Blocking multicast on the underlay
#
# Drop UDP to 224.0.0.0/4 and ff00::/8 as it enters the switch from any
# host (ports p1 .. pN of br0 in $UL), with nft when it is installed, else
# with tc (flower) on the ports' ingress.  Neighbour discovery (ICMPv6 to
# ff02::1:ff..) and ARP still pass.  lac_mcast_blocked prints how many
# datagrams were dropped so far.

LAC_MCAST_BLOCK_TOOL=

lac_mcast_block()
{
	local ul=$1 n=$2 i

	if command -v nft > /dev/null 2>&1; then
		LAC_MCAST_BLOCK_TOOL=nft
		# The guest cannot autoload modules (no usermode modprobe); in
		# the bridge family "ip daddr" needs meta, from nft_meta_bridge.
		for i in nf_tables nft_meta_bridge; do
			[ -d "/sys/module/$i" ] || modprobe "$i" || return 1
		done
		ip netns exec "$ul" nft -f - <<- EOF || return 1
			table bridge lacmc {
				chain mcdrop {
					type filter hook forward priority 0; policy accept;
					ip protocol udp ip daddr 224.0.0.0/4 counter drop
					ip6 nexthdr udp ip6 daddr ff00::/8 counter drop
				}
			}
		EOF
		return 0
	fi
	LAC_MCAST_BLOCK_TOOL=tc
	log_info "nft is not installed (package nftables): blocking multicast with tc"
	# No module autoloading in the guest, as above.
	for i in sch_ingress cls_flower act_gact; do
		[ -d "/sys/module/$i" ] || modprobe "$i" || return 1
	done
	for ((i = 1; i <= n; i++)); do
		tc -n "$ul" qdisc add dev "p$i" clsact || return 1
		tc -n "$ul" filter add dev "p$i" ingress pref 10 protocol ip \
			flower ip_proto udp dst_ip 224.0.0.0/4 action drop || return 1
		tc -n "$ul" filter add dev "p$i" ingress pref 11 protocol ipv6 \
			flower ip_proto udp dst_ip ff00::/8 action drop || return 1
	done
}

# lac_mcast_blocked UL N: datagrams dropped by lac_mcast_block so far.
lac_mcast_blocked()
{
	local ul=$1 n=$2 i

	if [ "$LAC_MCAST_BLOCK_TOOL" = nft ]; then
		ip netns exec "$ul" nft list table bridge lacmc |
			awk '{ for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) }
			     END { print n + 0 }'
		return
	fi
	for ((i = 1; i <= n; i++)); do
		tc -n "$ul" -s filter show dev "p$i" ingress
	done | awk '/Sent [0-9]+ bytes [0-9]+ pkt/ {
			for (i = 1; i < NF; i++) if ($(i + 1) == "pkt") n += $i
		} END { print n + 0 }'
}

##############################################################################
# Captures on "any" (Linux cooked headers), decoded by lac_util.py

# fdb_capture_start NAME NS [DEV]: like lac_capture_start, DEV "any" by
# default; lac_capture_stop stops it.
fdb_capture_start()
{
	lac_capture_start "$1" "$2" "${3:-any}"
}

##############################################################################
# bridge monitor fdb

declare -A LAC_MON_PID=()

# fdb_monitor_start NAME NS DEV: run `bridge monitor fdb` in NS into
# $LAC_TMPDIR/NAME.mon and wait until it reports: a static entry for a
# marker MAC is added and deleted on DEV until its event shows.
fdb_monitor_start()
{
	local name=$1 ns=$2 dev=$3 f=$LAC_TMPDIR/$1.mon
	local marker=02:00:00:00:ee:ee

	ip netns exec "$ns" bridge monitor fdb > "$f" 2>&1 &
	LAC_MON_PID[$name]=$!
	lac_bg_add $!
	if ! lac_wait "$LAC_WAIT" fdb_monitor_poke "$ns" "$dev" "$marker" "$f"; then
		ktap_print_msg "bridge monitor fdb in $ns shows no event:"
		ktap_print_pipe < "$f"
		return 1
	fi
}

fdb_monitor_poke()
{
	local ns=$1 dev=$2 mac=$3 f=$4

	bridge -n "$ns" fdb replace "$mac" dev "$dev" dst 10.255.255.254 self permanent
	bridge -n "$ns" fdb del "$mac" dev "$dev" self
	sleep 0.2
	grep -q "^Deleted $mac " "$f"
}

fdb_monitor_file()
{
	echo "$LAC_TMPDIR/$1.mon"
}

fdb_monitor_stop()
{
	kill "${LAC_MON_PID[$1]}" 2> /dev/null
	wait "${LAC_MON_PID[$1]}" 2> /dev/null
	return 0
}

# fdb_monitor_count NAME AWK-CONDITION: events so far matching it.
fdb_monitor_count()
{
	awk "$2 { n++ } END { print n + 0 }" "$(fdb_monitor_file "$1")"
}

# fdb_monitor_has NAME EXTENDED-REGEX: some event matches.
fdb_monitor_has()
{
	grep -qE "$2" "$(fdb_monitor_file "$1")"
}

fdb_monitor_show()
{
	ktap_print_pipe < "$(fdb_monitor_file "$1")"
}

##############################################################################
# Head-end replication between hosts 1 .. 3 (lac_her.sh, lac_her6.sh)

# Records of datagrams to a multicast address (lac_capture_count).
# shellcheck disable=SC2034 # used by the tests
MCAST_COND='($3 ~ /^(22[4-9]|23[0-9])\./ || tolower($3) ~ /^ff/)'

# fdb_her_run FAMILY NAME: the hosts (set up with their flood lists) ping each
# other, captured on the switch as NAME; every host flooded to the two
# others' group port and H1 learned them.
fdb_her_run()
{
	local fam=$1 name=$2 i j m lp

	fdb_capture_start "$name" "$UL"
	check_err $? "cannot capture on the switch"
	fdb_ping_all 3
	check_err $? "not every pair of hosts can ping"
	# A broadcast from every host: an ARP request for nobody.
	for i in 1 2 3; do
		j="H$i"
		ip netns exec "${!j}" ping -q -n -c 1 -W 0.3 192.0.2.99 > /dev/null 2>&1
	done
	lac_capture_stop "$name"
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			[ "$(lac_capture_count "$name" '$1 == "'"$(lac_host_ip "$fam" "$i")"'" && $3 == "'"$(lac_host_ip "$fam" "$j")"'" && $4 == '"$LAC_GROUP_PORT"' && $8 == "arp"')" -ge 1 ]
			check_err $? "no ARP from H$i to $(lac_host_ip "$fam" "$j"):$LAC_GROUP_PORT (a flood target)"
		done
	done
	for i in 2 3; do
		m="M$i"
		lp="LP$i"
		lac_fdb_check "$H1" lac0 "${!m}" "$(lac_host_ip "$fam" "$i")" "${!lp}"
		check_err $? "H1 did not learn H$i's lac0"
	done
}

# fdb_her_nogroup FAMILY NAME: nogroup devices with flood lists: all pairs
# ping, and nothing goes to a multicast address.
fdb_her_nogroup()
{
	local fam=$1 name=$2 b0 b1 n

	fdb_hosts_setup 3 "$fam" nogroup && fdb_targets_add 3 "$fam"
	check_err $? "cannot set up the three hosts, nogroup, with flood lists"
	b0=$(lac_mcast_blocked "$UL" 3)
	fdb_her_run "$fam" "$name"
	b1=$(lac_mcast_blocked "$UL" 3)
	n=$(lac_capture_count "$name" "$MCAST_COND")
	[ "$n" -eq 0 ]
	check_err $? "$n datagrams went to a multicast address"
	[ "$b1" -eq "$b0" ]
	check_err $? "the switch dropped $((b1 - b0)) multicast datagrams"
	[ "$RET" -eq 0 ] || lac_capture_show "$name"
}

# fdb_her_group_blocked FAMILY NAME: with the group and multicast blocked, no
# ping without flood lists; all pairs ping with them.
fdb_her_group_blocked()
{
	local fam=$1 name=$2 b0 b1

	fdb_hosts_setup 3 "$fam"
	check_err $? "cannot set up the three hosts"
	lac_no_ping "$H1" 192.0.2.2
	check_err $? "H1 pinged H2 through the group although multicast is blocked"
	ip -n "$H1" neigh flush dev lac0
	fdb_targets_add 3 "$fam"
	check_err $? "cannot add the flood lists"
	b0=$(lac_mcast_blocked "$UL" 3)
	fdb_her_run "$fam" "$name"
	b1=$(lac_mcast_blocked "$UL" 3)
	[ "$b1" -gt "$b0" ]
	check_err $? "the switch dropped no multicast ($b0 -> $b1): the group was not used"
	[ "$(lac_capture_count "$name" "$MCAST_COND")" -ge 1 ]
	check_err $? "no datagram to the group was captured"
	[ "$RET" -eq 0 ] || lac_capture_show "$name"
}
