#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lac benchmark proper: lac against raw veth, kernel vxlan and userland
# vxvde on one underlay, and lac's forwarding database at scale.  Prints
# progress, then the tables and the bars of issue 6 (PASS/FAIL lines that
# never change the exit status: this is a measurement, not a test).
#
# usage: bench/guest.sh [-r RUNS] [-d SECS] [-q] [--only LIST]
#                       [--fdb-sizes LIST] [--fdb-fill learned|static]
#                       [--fdb-remotes N] [--profile]
#
#   -r RUNS        runs of each measurement, the median is shown (default 3)
#   -d SECS        seconds of each iperf3 run (default 8)
#   -q             quick: by default 1 run, 3 s, 20 pings, FDB 1000 and 100000
#   --only LIST    comma-separated subset of veth,vxlan,lac,vxvde,gcm,chacha,
#                  wgvx,fdb (gcm, chacha: lac sealed with AES-GCM or
#                  ChaCha20-Poly1305; wgvx: vxlan over WireGuard)
#   --fdb-sizes    comma-separated table sizes (default 1000,100000,1000000)
#   --fdb-fill     learned (default): pktgen sends one frame per MAC and
#                  lac learns it; static: `bridge -batch` adds static entries
#   --fdb-remotes  static fill: the entries point to this many different
#                  remote IPs, round robin (default 256)
#   --profile      instead: TCP 1 stream of each contender under perf
#                  record -a, with its top kernel symbols
#
# Normally started by bench/lac-bench.sh inside its qemu VM; it runs as
# well on any machine (root) where lac is loaded and `ip` knows the lac link
# type (IP_LIB_DIR).  It writes below /tmp only and deletes its namespaces
# and processes when it exits.
#
# Every contender gets its own pair of namespaces joined by a veth pair
# (eth0, 10.77.0.1/24 and 10.77.0.2/24, MTU 1500) so that the devices
# never share a namespace, a port or a multicast group membership, and all
# of them exist at once: the runs are interleaved (each run measures every
# contender in turn, starting with a different one each time), so that a
# change of load on the host (other VMs) spreads over all of them instead
# of favouring the one measured in a quiet minute.

set -u

RUNS=""
DUR=""
QUICK=0
ONLY="veth,vxlan,lac,vxvde,gcm,chacha,wgvx,fdb"
FDB_SIZES=""
FDB_FILL=learned
FDB_REMOTES=256
PING_COUNT=50
PROFILE=0

PORT=5201			# iperf3's, in each namespace of its own
GROUP=239.0.0.1
GPORT=14789
PFX=lb$$			# namespace names: lbPID-CONTENDER-a/b
NOBODY=02:ff:ff:00:00:01	# the MAC fill_learned sends to

TMPD=""
NS_LIST=()
BG_PIDS=()
CONTENDERS=()
LEFT_OUT=()
declare -A NSA=() NSB=() DST=() RES=()
declare -A FDB_RES=()
FDB_DONE=()

usage()
{
	sed -n '/^# usage:/,/^# Normally/{/^# Normally/d;s/^# \{0,1\}//p}' "$0" >&2
	exit 2
}

say()
{
	printf '%s\n' "$*"
}

die()
{
	say "lac-bench: $*" >&2
	exit 1
}

# ---- bookkeeping -----------------------------------------------------------

# Kill what we started, then the namespaces (and whatever still runs in
# them: vde_plug, iperf3); a second signal during cleanup is ignored.
cleanup()
{
	local pid ns

	trap '' INT TERM
	if [ -w /proc/net/pktgen/pgctrl ]; then
		echo stop > /proc/net/pktgen/pgctrl 2> /dev/null
	fi
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2> /dev/null
	done
	for ns in "${NS_LIST[@]}"; do
		ns_del "$ns"
	done
	[ -z "$TMPD" ] || rm -rf "$TMPD"
}

ns_del()
{
	local ns=$1 pid

	if [ -e "/run/netns/$ns" ]; then
		# pktgen holds a reference to its device: let it go first.
		# shellcheck disable=SC2016 # the inner shell expands
		ip netns exec "$ns" sh -c 'for t in /proc/net/pktgen/kpktgend_*; do
			[ -w "$t" ] && echo rem_device_all > "$t"; done' 2> /dev/null
		for pid in $(ip netns pids "$ns" 2> /dev/null); do
			kill "$pid" 2> /dev/null
		done
		ip netns del "$ns" 2> /dev/null
	fi
}

ns_add()
{
	ip netns add "$1" || return 1
	NS_LIST+=("$1")
	ip -n "$1" link set lo up || return 1
	# No IPv6: its DAD, router solicitations and MLD reports would be the
	# only other frames on the devices, and they go to the flood path.
	if [ -d /proc/sys/net/ipv6 ]; then
		ip netns exec "$1" sh -c '
			echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
			echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'
	fi
}

now()
{
	date +%s.%N
}

# Wait up to $1 seconds for a command to succeed.
wait_for()
{
	local deadline=$(($(date +%s) + $1))

	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# median V...: of the numeric arguments; fails when there is none.
median()
{
	printf '%s\n' "$@" | grep -E '^[0-9.eE+-]+$' | sort -g | awk '
		{ v[NR] = $1 }
		END {
			if (!NR) exit 1
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# calc EXPR: awk arithmetic, for floats.
calc()
{
	awk "BEGIN { print $1 }"
}

# fmt PRINTF_FORMAT VALUE: "n/a" for an empty or non-numeric value.
fmt()
{
	if [[ ${2:-} =~ ^[0-9.eE+-]+$ ]]; then
		# shellcheck disable=SC2059 # the format is the argument
		printf "$1" "$2"
	else
		printf '%s' n/a
	fi
}

# ---- underlay and contenders -----------------------------------------------

# underlay NAME: namespaces $PFX-NAME-a and -b, eth0 10.77.0.1 and .2.
underlay()
{
	local a=$PFX-$1-a b=$PFX-$1-b i ns

	ns_add "$a" && ns_add "$b" || return 1
	ip -n "$a" link add eth0 type veth peer name eth0 netns "$b" || return 1
	for i in 1 2; do
		if [ "$i" = 1 ]; then ns=$a; else ns=$b; fi
		ip -n "$ns" addr add "10.77.0.$i/24" dev eth0 &&
			ip -n "$ns" link set eth0 up &&
			ip -n "$ns" route add 224.0.0.0/4 dev eth0 || return 1
	done
	NSA[$1]=$a
	NSB[$1]=$b
}

# overlay_addr C DEV: 192.168.77.1 and .2 on DEV of contender C, up.
overlay_addr()
{
	local c=$1 dev=$2

	ip -n "${NSA[$c]}" addr add 192.168.77.1/24 dev "$dev" &&
		ip -n "${NSB[$c]}" addr add 192.168.77.2/24 dev "$dev" &&
		ip -n "${NSA[$c]}" link set "$dev" up &&
		ip -n "${NSB[$c]}" link set "$dev" up &&
		DST[$c]=192.168.77.2
}

setup_veth()
{
	underlay veth || return 1
	DST[veth]=10.77.0.2
}

setup_vxlan()
{
	local ns

	underlay vxlan || return 1
	for ns in "${NSA[vxlan]}" "${NSB[vxlan]}"; do
		ip -n "$ns" link add vx0 type vxlan id 1 group "$GROUP" \
			dev eth0 dstport "$GPORT" || return 1
	done
	overlay_addr vxlan vx0
}

setup_lac()
{
	local ns

	underlay lac || return 1
	for ns in "${NSA[lac]}" "${NSB[lac]}"; do
		ip -n "$ns" link add lac0 type lac group "$GROUP" \
			port "$GPORT" dev eth0 || return 1
	done
	overlay_addr lac lac0
}

# sealed C CIPHER KEYBYTES: lac sealed with CIPHER, one key on both ends.
setup_sealed()
{
	local c=$1 cipher=$2 key=$TMPD/key-$1 ns

	underlay "$c" || return 1
	od -An -tx1 -N"$3" /dev/urandom | tr -d ' \n' > "$key" || return 1
	for ns in "${NSA[$c]}" "${NSB[$c]}"; do
		ip -n "$ns" link add lac0 type lac group "$GROUP" \
			port "$GPORT" dev eth0 cipher "$cipher" key "$key" || return 1
	done
	overlay_addr "$c" lac0
}

setup_gcm()
{
	setup_sealed gcm aes-gcm 16
}

setup_chacha()
{
	setup_sealed chacha chacha20-poly1305 32
}

# The anchor of sealed LACs: an encrypted L2 overlay as it is built today,
# vxlan (unicast: WireGuard carries no multicast) over a WireGuard tunnel.
setup_wgvx()
{
	local ns i j key=() pub=()

	underlay wgvx || return 1
	for i in 1 2; do
		key[i]=$(wg genkey) && pub[i]=$(wg pubkey <<< "${key[i]}") ||
			return 1
	done
	for i in 1 2; do
		j=$((3 - i))
		if [ "$i" = 1 ]; then ns=${NSA[wgvx]}; else ns=${NSB[wgvx]}; fi
		printf '%s\n' "${key[i]}" > "$TMPD/wg$i.key"
		ip -n "$ns" link add wg0 type wireguard &&
			ip netns exec "$ns" wg set wg0 listen-port 51820 \
				private-key "$TMPD/wg$i.key" peer "${pub[j]}" \
				endpoint "10.77.0.$j:51820" allowed-ips "10.78.0.$j/32" &&
			ip -n "$ns" addr add "10.78.0.$i/24" dev wg0 &&
			ip -n "$ns" link set wg0 up &&
			ip -n "$ns" link add vx0 type vxlan id 1 local "10.78.0.$i" \
				remote "10.78.0.$j" dstport 4789 dev wg0 || return 1
	done
	overlay_addr wgvx vx0
}

# vde_plug on a tap in each namespace.  The tap gets the MTU of the
# tunnel devices (1450) so that no datagram is fragmented on the veth.
# setsid: vde_plug becomes $!, not a shell, and SIGTERM makes it send its
# leave message.
setup_vxvde()
{
	local ns pid

	underlay vxvde || return 1
	for ns in "${NSA[vxvde]}" "${NSB[vxvde]}"; do
		ip -n "$ns" tuntap add tap0 mode tap &&
			ip -n "$ns" link set tap0 mtu 1450 || return 1
		ip netns exec "$ns" setsid vde_plug "vxvde://$GROUP" tap://tap0 \
			< /dev/null > "$TMPD/vde-$ns.log" 2>&1 &
		pid=$!
		BG_PIDS+=("$pid")
	done
	overlay_addr vxvde tap0
}

ping_ok()
{
	ip netns exec "$1" ping -q -n -c 1 -W 2 "$2" > /dev/null 2>&1
}

# Until a ping crosses: ARP resolved, FDB entries learned.
warm_up()
{
	wait_for 30 ping_ok "$1" "$2" || return 1
	ip netns exec "$1" ping -q -n -c 3 -i 0.2 "$2" > /dev/null 2>&1
	return 0
}

# ---- measurements ----------------------------------------------------------

listening()
{
	ip netns exec "$1" ss -Hltn "sport = :$PORT" 2> /dev/null | grep -q .
}

# iperf NSA NSB DST TAG IPERF3-CLIENT-ARGS...: one iperf3 run with a
# one-shot server; the JSON of both ends is left in $TMPD/TAG.{cli,srv}.
iperf()
{
	local a=$1 b=$2 dst=$3 tag=$4 spid rc=0 i

	shift 4
	ip netns exec "$b" iperf3 -s -1 -J -p "$PORT" > "$TMPD/$tag.srv" 2>&1 &
	spid=$!
	BG_PIDS+=("$spid")
	if ! wait_for 20 listening "$b"; then
		kill "$spid" 2> /dev/null
		say "    iperf3 server did not start in $b" >&2
		return 1
	fi
	timeout -k 5 $((DUR + 40)) ip netns exec "$a" \
		iperf3 -c "$dst" -p "$PORT" -t "$DUR" -J "$@" > "$TMPD/$tag.cli" 2>&1 || rc=$?
	# The one-shot server exits once it has sent its results.
	for ((i = 0; i < 50; i++)); do
		kill -0 "$spid" 2> /dev/null || break
		sleep 0.2
	done
	kill "$spid" 2> /dev/null
	wait "$spid" 2> /dev/null
	if [ "$rc" != 0 ]; then
		say "    iperf3 $* to $dst failed ($rc): $(jq -r '.error // empty' \
			"$TMPD/$tag.cli" 2> /dev/null | head -n 1)" >&2
		return 1
	fi
}

# TCP goodput in Gbit/s as the receiver counted it; -O 1 leaves slow start
# out of the result.
m_tcp()
{
	local a=$1 b=$2 dst=$3 streams=$4

	iperf "$a" "$b" "$dst" tcp -O 1 -P "$streams" || return 1
	jq -e '.end.sum_received.bits_per_second / 1e9' "$TMPD/tcp.cli" 2> /dev/null
}

# UDP, 64-byte payloads as fast as the sender can: packets per second
# *received* by the server (sent minus lost, over the server's interval).
m_udp()
{
	local a=$1 b=$2 dst=$3

	iperf "$a" "$b" "$dst" udp -u -l 64 -b 0 || return 1
	# The client has the server's counts too, should its JSON be cut short.
	jq -e '(.end.sum_received // .end.sum) |
		select(.seconds > 0) | (.packets - .lost_packets) / .seconds' \
		"$TMPD/udp.srv" 2> /dev/null ||
		jq -e '.end.sum | select(.seconds > 0) |
			(.packets - .lost_packets) / .seconds' "$TMPD/udp.cli" 2> /dev/null
}

# Average RTT in ms of PING_COUNT pings, 50 ms apart.
m_ping()
{
	local a=$1 dst=$3 out

	out=$(ip netns exec "$a" ping -q -n -c "$PING_COUNT" -i 0.05 \
		-w $((PING_COUNT / 5 + 30)) "$dst" 2>&1)
	awk -F/ '/^rtt|^round-trip/ { print $5; found = 1 } END { exit !found }' <<< "$out"
}

measure()
{
	local m=$1 a=$2 b=$3 dst=$4

	case $m in
	tcp1) m_tcp "$a" "$b" "$dst" 1 ;;
	tcp4) m_tcp "$a" "$b" "$dst" 4 ;;
	udp) m_udp "$a" "$b" "$dst" ;;
	ping) m_ping "$a" "$b" "$dst" ;;
	esac
}

metric_label()
{
	case $1 in
	tcp1) echo "TCP 1 stream   Gbit/s" ;;
	tcp4) echo "TCP 4 streams  Gbit/s" ;;
	udp) echo "UDP 64 B rx    kpps" ;;
	ping) echo "ping RTT avg   ms" ;;
	esac
}

# The label without its unit.
short()
{
	metric_label "$1" | awk '{ NF -= 1; print }'
}

# A value as shown in the tables: kpps for UDP.
metric_fmt()
{
	[[ ${2:-} =~ ^[0-9.eE+-]+$ ]] || { printf '%s' "${2:-n/a}"; return; }
	case $1 in
	tcp1 | tcp4) fmt %.3f "$2" ;;
	udp) fmt %.2f "$(calc "${2:-0} / 1000")" ;;
	ping) fmt %.3f "$2" ;;
	esac
}

# ---- the comparison --------------------------------------------------------

# setup_contenders: those of ONLY that work, in CONTENDERS.
setup_contenders()
{
	local c

	# A contender that does not work is left out, the others are measured.
	for c in veth vxlan lac vxvde gcm chacha wgvx; do
		[[ ,$ONLY, == *,$c,* ]] || continue
		if ! "setup_$c"; then
			LEFT_OUT+=("$c: set-up failed")
		elif ! warm_up "${NSA[$c]}" "${DST[$c]}"; then
			LEFT_OUT+=("$c: no ping across after 30 s")
		else
			CONTENDERS+=("$c")
			continue
		fi
		say "  left out ${LEFT_OUT[-1]}"
	done
}

compare()
{
	local c m r i n v
	local metrics=(tcp1 tcp4 udp ping)

	setup_contenders
	[ ${#CONTENDERS[@]} -gt 0 ] || return 0
	n=${#CONTENDERS[@]}
	for ((r = 1; r <= RUNS; r++)); do
		probe "r$r"
		say "  run $r/$RUNS: CPU probe ${PROBES_LAST}"
		for m in "${metrics[@]}"; do
			for ((i = 0; i < n; i++)); do
				c=${CONTENDERS[$(((i + r - 1) % n))]}
				if v=$(measure "$m" "${NSA[$c]}" "${NSB[$c]}" "${DST[$c]}"); then
					RES[$c.$m]+="$v "
					RES[$c.$m.$r]=$v
				else
					v=failed
				fi
				printf '  run %d/%d %-6s %-22s %s\n' "$r" "$RUNS" "$c" \
					"$(metric_label "$m")" "$(metric_fmt "$m" "$v")"
			done
		done
	done
	# Free the memory and the processes before the FDB run.
	for c in "${CONTENDERS[@]}"; do
		ns_del "${NSA[$c]}"
		ns_del "${NSB[$c]}"
	done
}

# ---- where the time goes -----------------------------------------------------

# perf_groups REPORT: the share of some groups of kernel symbols in a
# `perf report --sort sym` output: idle, the copies to and from user space
# (the floor every contender shares), checksums, the tunnel's own code,
# the rest of the kernel and user space.
perf_groups()
{
	awk '
		$1 ~ /%$/ && $2 == "[k]" {
			p = $1 + 0; s = $3
			if (s ~ /idle|halt|poll_idle|cpuidle/) g["idle"] += p
			else if (s ~ /copy_(user|to_user|from_user|page)|^rep_mov|^memcpy|^memmove|copy_to_iter|copy_from_iter|_copy_/) g["copy"] += p
			else if (s ~ /csum|checksum/) g["csum"] += p
			else if (s ~ /^(lac|vxlan)_|udp_tunnel|iptunnel|gro_cell|__iptunnel|udp_gro|skb_udp_tunnel/) g["tunnel"] += p
			else g["other"] += p
		}
		$1 ~ /%$/ && $2 == "[.]" { g["user"] += $1 + 0 }
		END {
			n = split("idle copy csum tunnel other user", k, " ")
			for (i = 1; i <= n; i++)
				printf "%s %.1f%%%s", k[i], g[k[i]], i < n ? ", " : "\n"
		}' "$1"
}

# perf_sampling FILE: perf record writes samples to FILE (more than its
# header and the synthesized events of the processes already running).
perf_sampling()
{
	local a b

	a=$(stat -c %s "$1" 2> /dev/null) || return 1
	sleep 1
	b=$(stat -c %s "$1" 2> /dev/null) || return 1
	[ "$a" -gt 0 ] && [ "$b" -gt "$a" ]
}

# profile: TCP 1 stream over each contender under `perf record -a`
# (cpu-clock: TCG has no hardware counters), then the time of each by
# groups and its top kernel symbols.  Instead of the comparison (--profile).
profile()
{
	local c v rep data pid

	command -v perf > /dev/null || die "perf is missing"
	setup_contenders
	for c in "${CONTENDERS[@]}"; do
		data=$TMPD/perf-$c.data
		rep=$TMPD/perf-$c.txt
		perf record -a -e cpu-clock -F 997 -o "$data" -- \
			sleep 3600 > "$TMPD/perf-$c.log" 2>&1 &
		pid=$!
		BG_PIDS+=("$pid")
		# perf takes seconds to start under emulation: measure once it
		# samples (its file grows), stop it right after.
		wait_for 60 perf_sampling "$data" ||
			die "perf record did not start: $(tail -n 3 "$TMPD/perf-$c.log")"
		v=$(measure tcp1 "${NSA[$c]}" "${NSB[$c]}" "${DST[$c]}") || v=failed
		kill -INT "$pid"
		wait "$pid"
		perf report -i "$data" --stdio --sort sym --no-children \
			2> /dev/null | grep -v '^#' | grep . > "$rep"
		say ""
		say "$c: TCP 1 stream $(metric_fmt tcp1 "$v") Gbit/s under perf"
		say "  $(perf_groups "$rep")"
		head -n 20 "$rep" | sed 's/^ */  /'
	done
}

# runs_fmt M V...: the values as the table shows them.
runs_fmt()
{
	local m=$1 v out=""

	shift
	for v in "$@"; do
		out+="$(metric_fmt "$m" "$v") "
	done
	echo "${out% }"
}

# med C M: the median of contender C for metric M (empty if none).
med()
{
	# shellcheck disable=SC2086 # a list of numbers
	median ${RES[$1.$2]:-} 2> /dev/null
}

ran()
{
	local c

	for c in "${CONTENDERS[@]}"; do
		[ "$c" = "$1" ] && return 0
	done
	return 1
}

# ratio M C [N]: lac's (or N's) value over C's, as "1.23": the median of
# the ratios of each run, where both were measured within a minute or so of
# each other.  The host's load drifts over minutes; pairing the runs cancels
# more of that than a ratio of medians taken over the whole comparison.
ratio()
{
	local r l o all=() n=${3:-lac}

	for ((r = 1; r <= RUNS; r++)); do
		l=${RES[$n.$1.$r]:-} o=${RES[$2.$1.$r]:-}
		if [ -z "$l" ] || [ -z "$o" ]; then
			continue
		fi
		all+=("$(awk -v l="$l" -v o="$o" 'BEGIN { if (o > 0) print l / o }')")
	done
	[ ${#all[@]} -gt 0 ] || return 1
	median "${all[@]}" | xargs printf '%.2f'
}

# bar TEXT RATIO OP LIMIT: one PASS/FAIL line.
bar()
{
	local text=$1 r=$2 op=$3 lim=$4 ok

	if [ -z "$r" ]; then
		printf '%-58s %7s  %s\n' "$text" "n/a" "NOT RUN"
		return
	fi
	ok=$(awk -v r="$r" -v l="$lim" -v op="$op" 'BEGIN {
		print ((op == ">=" && r >= l) || (op == "<=" && r <= l)) ? "PASS" : "FAIL" }')
	printf '%-58s %7s  %s\n' "$text" "$r" "$ok"
}

compare_report()
{
	local c m o line
	local metrics=(tcp1 tcp4 udp ping)

	for c in "${LEFT_OUT[@]}"; do
		say "LEFT OUT: $c"
	done
	[ ${#CONTENDERS[@]} -gt 0 ] || return 0
	say
	say "Median of $RUNS run(s); iperf3 runs of $DUR s, ping: $PING_COUNT pings 50 ms apart."
	say "UDP: 64-byte payloads, packets/s received by the iperf3 server."
	say
	line=$(printf '%-22s' "")
	for c in "${CONTENDERS[@]}"; do
		line+=$(printf '%10s' "$c")
	done
	say "$line"
	for m in "${metrics[@]}"; do
		line=$(printf '%-22s' "$(metric_label "$m")")
		for c in "${CONTENDERS[@]}"; do
			line+=$(printf '%10s' "$(metric_fmt "$m" "$(med "$c" "$m")")")
		done
		say "$line"
	done
	ran lac || return 0
	say
	say "lac's ratio to each: the median of the ratios of each run (the runs"
	say "measure all contenders within a minute or so).  Throughput: higher is"
	say "better; RTT: lower is better."
	line=$(printf '%-22s' "")
	for c in "${CONTENDERS[@]}"; do
		[ "$c" = lac ] || line+=$(printf '%10s' "lac/$c")
	done
	say "$line"
	for m in "${metrics[@]}"; do
		line=$(printf '%-22s' "$(short "$m")")
		for c in "${CONTENDERS[@]}"; do
			[ "$c" = lac ] && continue
			o=$(ratio "$m" "$c") && o+=x || o=n/a
			line+=$(printf '%10s' "$o")
		done
		say "$line"
	done
	sealed_report
	say
	say "Every run, in order (the spread shows the noise):"
	for c in "${CONTENDERS[@]}"; do
		for m in "${metrics[@]}"; do
			# shellcheck disable=SC2086 # a list of numbers
			printf '  %-6s %-5s %s\n' "$c" "$m" "$(runs_fmt "$m" ${RES[$c.$m]:-})"
		done
	done
}

# Sealed LACs against the encrypted anchor (vxlan over WireGuard) and
# against plain lac: what sealing costs.
sealed_report()
{
	local c m o line pairs=()

	for c in gcm chacha; do
		ran "$c" || continue
		ran wgvx && pairs+=("$c/wgvx")
		ran lac && pairs+=("$c/lac")
	done
	[ ${#pairs[@]} -gt 0 ] || return 0
	say
	say "Sealed LACs (gcm: AES-GCM, chacha: ChaCha20-Poly1305) over vxlan on"
	say "WireGuard (wgvx) and over plain lac, as above:"
	line=$(printf '%-22s' "")
	for o in "${pairs[@]}"; do
		line+=$(printf '%12s' "$o")
	done
	say "$line"
	for m in tcp1 tcp4 udp ping; do
		line=$(printf '%-22s' "$(short "$m")")
		for o in "${pairs[@]}"; do
			c=$(ratio "$m" "${o#*/}" "${o%/*}") && c+=x || c=n/a
			line+=$(printf '%12s' "$c")
		done
		say "$line"
	done
}

compare_bars()
{
	local m

	ran lac || return 0
	for m in tcp1 tcp4; do
		bar "lac $(short "$m") >= 1.05x vxlan" "$(ratio "$m" vxlan)" ">=" 1.05
		bar "lac $(short "$m") >= 0.85x raw veth" "$(ratio "$m" veth)" ">=" 0.85
	done
	bar "lac UDP 64 B pps >= 1.00x vxlan" "$(ratio udp vxlan)" ">=" 1
	bar "lac ping RTT <= 1.00x vxlan" "$(ratio ping vxlan)" "<=" 1
	for m in tcp1 tcp4 udp; do
		bar "lac $(short "$m") >= 10x vxvde" "$(ratio "$m" vxvde)" ">=" 10
	done
}

# ---- the FDB at scale ------------------------------------------------------

# Memory that FDB entries can use, in kB: slab (entries, small tables, large
# kmalloc), vmalloc (big bucket tables) and per-CPU (dst caches).
mem_kb()
{
	awk '/^(Slab|VmallocUsed|Percpu):/ { v[$1] = $2 }
		END { print v["Slab:"] + v["VmallocUsed:"] + v["Percpu:"], v["Slab:"],
			v["VmallocUsed:"], v["Percpu:"] }' /proc/meminfo
}

# Let the rhashtable's deferred resize and the RCU frees finish and the
# reclaimable slab (dentries of the 9p root...) go, then wait until the
# total stops moving (2 samples 1 s apart within 64 kB), 20 s at most.
mem_settle()
{
	local a b i

	sleep 1
	sync
	echo 2 > /proc/sys/vm/drop_caches 2> /dev/null
	a=$(mem_kb | cut -d' ' -f1)
	for ((i = 0; i < 20; i++)); do
		sleep 1
		b=$(mem_kb | cut -d' ' -f1)
		[ $((a - b)) -lt 64 ] && [ $((b - a)) -lt 64 ] && break
		a=$b
	done
}

slab_snapshot()
{
	awk 'NR > 2 { print $1, $2, $3, $4 }' /proc/slabinfo > "$1" 2> /dev/null
}

# slab_add PRE POST: add the growth of each cache from snapshot PRE to
# POST to $TMPD/slabcum (name, active objects, objects, object size).
slab_add()
{
	awk '
		FILENAME == ARGV[1] { ca[$1] += $2; cn[$1] += $3; sz[$1] = $4; next }
		FILENAME == ARGV[2] { pa[$1] = $2; pn[$1] = $3; next }
		{ ca[$1] += $2 - pa[$1]; cn[$1] += $3 - pn[$1]; sz[$1] = $4 }
		END { for (k in cn) print k, ca[k], cn[k], sz[k] }' \
		"$TMPD/slabcum" "$1" "$2" > "$TMPD/slabcum.new" &&
		mv "$TMPD/slabcum.new" "$TMPD/slabcum"
}

# slab_report N KB: the (at most 5) caches that grew most, by 1 B per entry
# or more (objects * object size), then the rest of KB: large kmallocs,
# vmalloc, per-CPU and the changes of every other cache.
slab_report()
{
	awk -v n="$1" '
		{
			b = $3 * $4
			if (b / n >= 1)
				printf "%d %s %d %.3f %.1f\n", b, $1, $4, $2 / n, b / n
		}' "$TMPD/slabcum" | sort -rn | head -n 5 | awk -v n="$1" -v kb="$2" '
		{
			printf "      %-26s objsize %5d  %7.3f objs/entry  %7.1f B/entry\n",
				$2, $3, $4, $5
			shown += $1
		}
		END { printf "      %-58s %7.1f B/entry\n",
			"the rest (large kmalloc, vmalloc, percpu, other caches)",
			(kb * 1024 - shown) / n }'
}

# The i-th MAC of a range: PREFIX (two bytes) and i in the other four.
mac_of()
{
	printf '%s:%02x:%02x:%02x:%02x' "$1" $(($2 >> 24 & 255)) \
		$(($2 >> 16 & 255)) $(($2 >> 8 & 255)) $(($2 & 255))
}

# Lines for `bridge -batch`: static entries FROM..TO-1 of MAC prefix PFX,
# spread over FDB_REMOTES remote IPs 172.16.0.1...
static_lines()
{
	awk -v from="$1" -v to="$2" -v pfx="$3" -v nr="$FDB_REMOTES" -v port="$GPORT" 'BEGIN {
		for (i = from; i < to; i++) {
			r = i % nr + 1
			printf "fdb add %s:%02x:%02x:%02x:%02x dev lac0 dst 172.%d.%d.%d port %d self static\n",
				pfx, int(i / 16777216) % 256, int(i / 65536) % 256,
				int(i / 256) % 256, i % 256,
				16 + int(r / 65536), int(r / 256) % 256, r % 256, port
		}
	}'
}

# fill_static NS FROM TO PFX: in chunks, so that one refused entry costs a
# retry from where it stopped, not the whole fill.  bridge -batch stops at
# the first error and says which line ("Command failed -:LINE").
fill_static()
{
	local ns=$1 from=$2 to=$3 pfx=$4 s e out line tries=0

	s=$from
	while [ "$s" -lt "$to" ]; do
		e=$((s + 50000 < to ? s + 50000 : to))
		if out=$(static_lines "$s" "$e" "$pfx" | ip netns exec "$ns" bridge -batch - 2>&1); then
			s=$e
			continue
		fi
		line=$(sed -n 's/^Command failed -:\([0-9]*\)$/\1/p' <<< "$out")
		tries=$((tries + 1))
		say "    bridge -batch refused entry $((s + ${line:-1} - 1)): $(head -n 1 <<< "$out")"
		[ -n "$line" ] && [ "$tries" -le 20 ] || return 1
		FDB_RES[retries]=$((${FDB_RES[retries]:-0} + 1))
		s=$((s + line - 1))
		sleep 1
	done
}

# fill_learned SENDER-NS RECEIVER-NS FROM TO PFX: pktgen on the sender's
# lac0 sends one minimal frame from each MAC of the range, and the
# receiver's lac0 learns them all from the sender's IP and port.  The frames
# go to a MAC nobody has, which the sender's static entry sends to the
# receiver (fdb_pair): the receiver's stack drops them at once as another
# host's, with no route lookup, no ICMP and no slab of its own that would
# blur the memory count.  A range is sent again (3 passes at most) if the
# receiver got fewer frames than were sent.
fill_learned()
{
	local snd=$1 rcv=$2 from=$3 to=$4 pfx=$5 n=$(($4 - $3)) rx0 rx1 pass pid end
	local stats=/sys/class/net/lac0/statistics/rx_packets

	for ((pass = 1; pass <= 3; pass++)); do
		ip netns exec "$snd" sh -c "
			cd /proc/net/pktgen &&
			echo rem_device_all > kpktgend_0 &&
			echo 'add_device lac0' > kpktgend_0 &&
			echo 'count $n' > lac0 &&
			echo 'pkt_size 60' > lac0 &&
			echo 'delay 0' > lac0 &&
			echo 'dst 192.0.2.1' > lac0 &&
			echo 'dst_mac $NOBODY' > lac0 &&
			echo 'src_mac $(mac_of "$pfx" "$from")' > lac0 &&
			echo 'src_mac_count $n' > lac0" || return 1
		rx0=$(ip netns exec "$rcv" cat "$stats")
		ip netns exec "$snd" sh -c 'echo start > /proc/net/pktgen/pgctrl' &
		pid=$!
		# At least 200 entries/s, or something is wrong.
		end=$((SECONDS + n / 200 + 60))
		while kill -0 "$pid" 2> /dev/null; do
			if [ "$SECONDS" -ge "$end" ]; then
				say "    pktgen: still sending after $((n / 200 + 60)) s, stopped"
				ip netns exec "$snd" sh -c 'echo stop > /proc/net/pktgen/pgctrl'
				end=$((SECONDS + 60))
			fi
			sleep 0.2
		done
		wait "$pid"
		rx1=$(ip netns exec "$rcv" cat "$stats")
		FDB_RES[passes]=$pass
		[ $((rx1 - rx0)) -lt "$n" ] || break
		say "    pass $pass: $((rx1 - rx0)) of $n frames arrived, sending the range again"
	done
	ip netns exec "$snd" sh -c 'echo rem_device_all > /proc/net/pktgen/kpktgend_0'
}

# fdb_pair NAME: an underlay and lac0 192.168.78.1/.2 in namespaces
# $PFX-NAME-a/-b.  ageing 3600: learned entries live through the whole run
# (a 1M fill takes minutes), while the ageing scan still walks the table
# every 10 s as it would with the default.
fdb_pair()
{
	local ns

	underlay "$1" || return 1
	for ns in "${NSA[$1]}" "${NSB[$1]}"; do
		ip -n "$ns" link add lac0 type lac group "$GROUP" port "$GPORT" \
			dev eth0 ageing 3600 || return 1
	done
	ip -n "${NSA[$1]}" addr add 192.168.78.1/24 dev lac0 &&
		ip -n "${NSB[$1]}" addr add 192.168.78.2/24 dev lac0 &&
		ip -n "${NSA[$1]}" link set lac0 up &&
		ip -n "${NSB[$1]}" link set lac0 up || return 1
	# Where fill_learned's frames go: to the a side's group port.
	bridge -n "${NSB[$1]}" fdb add "$NOBODY" dev lac0 dst 10.77.0.1 self static ||
		return 1
	DST[$1]=192.168.78.2
	warm_up "${NSA[$1]}" "${DST[$1]}"
}

# fill PAIR FROM TO PFX: entries FROM..TO-1 into the table of PAIR's a side.
fill()
{
	if [ "$FDB_FILL" = static ]; then
		fill_static "${NSA[$1]}" "$2" "$3" "$4"
	else
		fill_learned "${NSB[$1]}" "${NSA[$1]}" "$2" "$3" "$4"
	fi
}

# An entry of the range is there (bridge fdb get): a sample, not a count;
# counting 1M entries through a dump takes minutes in an emulated machine.
has_entry()
{
	bridge -n "$1" fdb get "$2" dev lac0 self 2> /dev/null | grep -qi "^$2 "
}

# Two pairs of namespaces with lac: "ref" keeps the smallest table all
# along, "big" grows to each size in turn.  At each size both are measured,
# interleaved, so the forwarding rate at 1M is compared with that of a
# small table measured in the same minutes, under the same host load.
fdb_scale()
{
	local sizes=() n prev=0 m0 m1 t0 t1 r i p m v kb slab vm pcpu first="" cum="0 0 0 0"
	local pairs=(ref big)

	IFS=, read -r -a sizes <<< "$FDB_SIZES"
	if ! fdb_pair ref || ! fdb_pair big; then
		say "  FDB: cannot set up the two lac pairs: no FDB run"
		return 1
	fi
	first=${sizes[0]}
	say "  FDB: ref table: $first $FDB_FILL entries"
	if ! fill ref 0 "$first" 02:b1; then
		say "  FDB: cannot fill the ref table: no FDB run"
		return 1
	fi
	# The memory of each step is measured from just before its fill to
	# just after, so that what iperf3 leaves in the caches between the
	# steps (socket and skb slabs) is not counted as the table's.
	: > "$TMPD/slabcum"
	for n in "${sizes[@]}"; do
		FDB_RES=()
		mem_settle
		slab_snapshot "$TMPD/slab-pre"
		m0=$(mem_kb)
		say "  FDB: filling the big table to $n $FDB_FILL entries"
		t0=$(now)
		if ! fill big "$prev" "$n" 02:b0; then
			say "  FDB: cannot fill the big table to $n: stopping the FDB run"
			break
		fi
		t1=$(now)
		FDB_RES[fill_s]=$(calc "$t1 - $t0")
		# Small steps measure pktgen's and bridge's start, not the table.
		if [ $((n - prev)) -ge 10000 ]; then
			FDB_RES[fill_rate]=$(calc "($n - $prev) / ($t1 - $t0)")
		fi
		prev=$n
		for i in 0 $((n / 2)) $((n - 1)); do
			has_entry "${NSA[big]}" "$(mac_of 02:b0 "$i")" ||
				say "    entry $i ($(mac_of 02:b0 "$i")) is missing"
		done
		mem_settle
		slab_snapshot "$TMPD/slab-post"
		m1=$(mem_kb)
		slab_add "$TMPD/slab-pre" "$TMPD/slab-post"
		read -r kb slab vm pcpu <<< "$(awk -v a="$m0" -v b="$m1" -v c="$cum" 'BEGIN {
			split(a, x, " "); split(b, y, " "); split(c, z, " ")
			print z[1] + y[1] - x[1], z[2] + y[2] - x[2], z[3] + y[3] - x[3],
				z[4] + y[4] - x[4] }')"
		cum="$kb $slab $vm $pcpu"
		FDB_RES[bpe]=$(calc "$kb * 1024 / $n")
		FDB_RES[mem]="+$((kb / 1024)) MB: slab $slab kB, vmalloc $vm kB, percpu $pcpu kB"
		slab_report "$n" "$kb" > "$TMPD/slabdiff-$n"
		for p in "${pairs[@]}"; do
			warm_up "${NSA[$p]}" "${DST[$p]}" ||
				say "    FDB: no ping across the $p pair"
		done
		for ((r = 1; r <= RUNS; r++)); do
			probe "$n:r$r"
			say "  run $r/$RUNS: CPU probe ${PROBES_LAST}"
			for m in udp tcp1; do
				declare -A this=()
				for ((i = 0; i < 2; i++)); do
					p=${pairs[$(((i + r - 1) % 2))]}
					if v=$(measure "$m" "${NSA[$p]}" "${NSB[$p]}" "${DST[$p]}"); then
						FDB_RES[$p.$m]+="$v "
						this[$p]=$v
					else
						v=failed
					fi
					printf '  run %d/%d %8d entries %-3s %-22s %s\n' "$r" "$RUNS" \
						"$([ "$p" = big ] && echo "$n" || echo "$first")" "$p" \
						"$(metric_label "$m")" "$(metric_fmt "$m" "$v")"
				done
				# big/ref of this run: measured back to back.
				if [ -n "${this[big]:-}" ] && [ -n "${this[ref]:-}" ]; then
					FDB_RES[ratio.$m]+="$(fdb_ratio "${this[big]}" "${this[ref]}") "
				fi
				unset this
			done
		done
		# shellcheck disable=SC2086 # a list of numbers
		FDB_RES[ratio.udp.med]=$(median ${FDB_RES[ratio.udp]:-})
		for p in "${pairs[@]}"; do
			for m in udp tcp1; do
				# shellcheck disable=SC2086 # a list of numbers
				FDB_RES[$p.$m.med]=$(median ${FDB_RES[$p.$m]:-})
			done
		done
		fdb_save "$n"
	done
	[ "$prev" -gt 0 ] || return 1
	# Deleting the big table must give its memory back.
	mem_settle
	m0=$(mem_kb)
	ip -n "${NSA[big]}" link del lac0
	mem_settle
	m1=$(mem_kb)
	FDB_FREED=$(awk -v a="$m0" -v b="$m1" -v n="$prev" -v kb="${cum%% *}" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		printf "%d kB freed, %.1f B/entry (the fills took %.1f)",
			x[1] - y[1], (x[1] - y[1]) * 1024 / n, kb * 1024 / n }')
}

# The results of one size, as "KEY=VALUE;..." in FDB_ROWS.
declare -A FDB_ROWS=()
FDB_FREED=""

fdb_save()
{
	local k row=""

	for k in "${!FDB_RES[@]}"; do
		row+="$k=${FDB_RES[$k]};"
	done
	FDB_ROWS[$1]=$row
	FDB_DONE+=("$1")
}

# fdb_get SIZE KEY
fdb_get()
{
	local row=";${FDB_ROWS[$1]}" re

	re=";$2=([^;]*);"
	[[ $row =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

fdb_ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b <= 0) exit 1; printf "%.2f", a / b }'
}

fdb_report()
{
	local n first last u r t p m

	[ ${#FDB_DONE[@]} -gt 0 ] || return 0
	first=${FDB_DONE[0]}
	say
	say "FDB scale ($FDB_FILL entries$([ "$FDB_FILL" = static ] &&
		echo ", spread over $FDB_REMOTES remote IPs")): the table of the sending lac"
	say "device holds N entries and its peer's; UDP 64 B packets/s received and"
	say "TCP 1 stream, median of $RUNS run(s).  'ref' is a pair with a $first-entry"
	say "table measured in turn with 'big' at each size (same host load);"
	say "big/ref is the median of the runs' ratios, big/1st compares with the"
	say "big pair's first step, minutes earlier."
	say
	printf '%9s %8s %9s %9s %10s %10s %8s %8s %8s\n' entries "fill s" "fill /s" \
		"B/entry" "big kpps" "ref kpps" big/ref "big/1st" "TCP Gb/s"
	for n in "${FDB_DONE[@]}"; do
		u=$(fdb_get "$n" big.udp.med)
		r=$(fdb_get "$n" ref.udp.med)
		printf '%9s %8s %9s %9s %10s %10s %8s %8s %8s\n' "$n" \
			"$(fmt %.1f "$(fdb_get "$n" fill_s)")" \
			"$(fmt %.0f "$(fdb_get "$n" fill_rate)")" \
			"$(fmt %.1f "$(fdb_get "$n" bpe)")" \
			"$(metric_fmt udp "$u")" "$(metric_fmt udp "$r")" \
			"$(fmt %.2f "$(fdb_get "$n" ratio.udp.med)")" \
			"$(fdb_ratio "$u" "$(fdb_get "$first" big.udp.med)" || echo n/a)" \
			"$(metric_fmt tcp1 "$(fdb_get "$n" big.tcp1.med)")"
	done
	say
	say "Memory per entry: growth of Slab + VmallocUsed + Percpu (/proc/meminfo)"
	say "over the big table's fills, divided by N; the caches that grew:"
	for n in "${FDB_DONE[@]}"; do
		say "  $n entries: $(fdb_get "$n" mem)$([ "$FDB_FILL" = learned ] &&
			echo ", passes $(fdb_get "$n" passes)")$(t=$(fdb_get "$n" retries) &&
			echo ", refused and retried $t")"
		cat "$TMPD/slabdiff-$n"
	done
	say "  deleting the big device: $FDB_FREED"
	say
	say "Every run (kpps, Gbit/s):"
	for n in "${FDB_DONE[@]}"; do
		for p in big ref; do
			for m in udp tcp1; do
				# shellcheck disable=SC2046 # a list of numbers
				printf '  %8s %-3s %-4s %s\n' "$n" "$p" "$m" \
					"$(runs_fmt "$m" $(fdb_get "$n" "$p.$m"))"
			done
		done
	done
	last=${FDB_DONE[${#FDB_DONE[@]} - 1]}
	LAST_FDB=$last
}

LAST_FDB=""

fdb_bars()
{
	local last=$LAST_FDB u r

	[ -n "$last" ] || return 0
	u=$(fdb_get "$last" big.udp.med)
	r=$(fdb_get "$last" ref.udp.med)
	bar "FDB: rate at $last entries >= 0.90x ${FDB_DONE[0]} (same period)" \
		"$(fmt %.2f "$(fdb_get "$last" ratio.udp.med)")" ">=" 0.90
	bar "FDB: rate at $last entries >= 0.90x ${FDB_DONE[0]} (first step)" \
		"$(fdb_ratio "$u" "$(fdb_get "${FDB_DONE[0]}" big.udp.med)")" ">=" 0.90
	bar "FDB: bytes per entry at $last entries <= 96" \
		"$(fmt %.1f "$(fdb_get "$last" bpe)")" "<=" 96
	case $last in
	1000000) ;;
	*) say "(the bars are for 1M entries; this run stopped at $last)" ;;
	esac
}

# How fast the VM runs now: seconds for a fixed loop in awk.  With TCG on
# a shared host this moves with the host's load, and so do all the numbers.
PROBES=""
PROBES_LAST=""

probe()
{
	local t0=$EPOCHREALTIME t1

	awk 'BEGIN { for (i = 0; i < 300000; i++) s += i * i }'
	t1=$EPOCHREALTIME
	PROBES_LAST="$(calc "${t1/,/.} - ${t0/,/.}" | xargs printf '%.2f') s"
	PROBES+="$1 $PROBES_LAST; "
}

# ---- main ------------------------------------------------------------------

header()
{
	say "lac benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	say "kernel:   $(uname -r), $(nproc) CPUs, $(awk '/^MemTotal/ { printf "%d MB", $2 / 1024 }' /proc/meminfo)"
	say "machine:  ${LAC_BENCH_MACHINE:-$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)}"
	say "lac:      ${LAC_BENCH_TREE:-srcversion $(cat /sys/module/lac/srcversion 2> /dev/null || echo '?')}"
	say "tools:    $(iperf3 --version | head -n 1), $(ping -V | head -n 1)"
	say "settings: runs $RUNS, $DUR s per iperf3 run, $PING_COUNT pings, only $ONLY, FDB sizes $FDB_SIZES ($FDB_FILL)"
}

main()
{
	local arg

	while [ $# -gt 0 ]; do
		arg=$1
		shift
		case $arg in
		-r) RUNS=${1:-}; shift ;;
		-d) DUR=${1:-}; shift ;;
		-q) QUICK=1 ;;
		--only) ONLY=${1:-}; shift ;;
		--fdb-sizes) FDB_SIZES=${1:-}; shift ;;
		--fdb-fill) FDB_FILL=${1:-}; shift ;;
		--fdb-remotes) FDB_REMOTES=${1:-}; shift ;;
		--profile) PROFILE=1 ;;
		*) usage ;;
		esac
	done
	# -q changes the defaults only.
	if [ "$QUICK" = 1 ]; then
		RUNS=${RUNS:-1}
		DUR=${DUR:-3}
		PING_COUNT=20
		FDB_SIZES=${FDB_SIZES:-1000,100000}
	fi
	RUNS=${RUNS:-3}
	DUR=${DUR:-8}
	FDB_SIZES=${FDB_SIZES:-1000,100000,1000000}
	[[ $RUNS =~ ^[1-9][0-9]*$ && $DUR =~ ^[1-9][0-9]*$ &&
	   $FDB_REMOTES =~ ^[1-9][0-9]*$ && $FDB_SIZES =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] ||
		usage
	case $FDB_FILL in learned | static) ;; *) usage ;; esac

	[ "$(id -u)" = 0 ] || die "needs root"
	[ -d /sys/module/lac ] || die "the lac module is not loaded"
	ip link help lac 2>&1 | grep -qi vni ||
		die "ip does not know the lac link type (IP_LIB_DIR=${IP_LIB_DIR:-unset})"
	for arg in iperf3 jq ping ss bridge timeout setsid; do
		command -v "$arg" > /dev/null || die "$arg is missing"
	done
	if [[ ,$ONLY, == *,vxvde,* ]]; then
		command -v vde_plug > /dev/null || die "vde_plug is missing"
	fi
	if [[ ,$ONLY, == *,wgvx,* ]]; then
		command -v wg > /dev/null || die "wg is missing (wireguard-tools)"
	fi
	# Module autoload may not reach modprobe (the VM's chroot).
	for arg in wireguard vxlan gcm ghash-clmulni-intel aesni-intel \
		chacha20poly1305 chacha-x86_64 poly1305-x86_64; do
		modprobe -q "$arg" 2> /dev/null
	done
	if [[ ,$ONLY, == *,fdb,* ]] && [ "$FDB_FILL" = learned ]; then
		modprobe pktgen 2> /dev/null
		[ -d /proc/net/pktgen ] || die "no pktgen (--fdb-fill static does without)"
	fi

	TMPD=$(mktemp -d /tmp/lac-bench.XXXXXX) || die "no /tmp"
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	# ping turns on the kernel's timestamp static key when it starts and
	# off when it exits: text patching each time, which multi-threaded TCG
	# does not always survive.  A ping that lives through the whole run
	# keeps the key on, so the measurements' pings patch nothing.
	ping -q -n -i 3600 127.0.0.1 > /dev/null 2>&1 &
	BG_PIDS+=("$!")

	header
	say
	if [ "$PROFILE" = 1 ]; then
		profile
		return 0
	fi
	probe start
	compare
	probe compared
	if [[ ,$ONLY, == *,fdb,* ]]; then
		fdb_scale
		probe end
	fi
	compare_report
	fdb_report
	say
	say "CPU probe: seconds of a fixed awk loop at the start, at each run (rN,"
	say "SIZE:rN for the FDB), after the comparison and at the end; they grow"
	say "when the host is busy:"
	fold -s -w 74 <<< "${PROBES%; }" | sed 's/^/  /'
	say
	say "Bars of issue 6 (reported, not enforced):"
	compare_bars
	fdb_bars
	return 0
}

main "$@"
