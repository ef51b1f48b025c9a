#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# lac between two VMs over virtio-net, against vxlan, vde_plug and the raw
# NIC, in one run: the LAN test bed's set-up (scripts/lib-lan.sh), two qemu
# VMs of one vCPU each on taps of a bridge in a network namespace of the
# host's, each with every contender on its eth0 (lan-guest.sh's
# lan_g_bench_setup):
#
#   nic     eth0 itself, 10.99.0.1 -> .2 (virtio-net, offloads on)
#   vxlan   vx0, id 1, group 239.0.1.1, dstport 4789, 192.168.71.0/24
#   lac     lac0, group 239.0.0.1, port 14789, 192.168.72.0/24
#   vxvde   vde_plug vxvde://239.0.2.1/port=14790 tap://vtap0 (MTU 1450),
#           192.168.73.0/24
#
# Each run measures every contender in turn (TCP 1 and 4 streams, UDP 64 B
# packets/s received, ping RTT; from VM a to VM b), starting with another
# one each run; the table shows the medians and lac's ratio to each, the
# median of the ratios of each run.  A benchmark, not a test: it fails only
# when it could not measure.  See Documentation/networking/lac-bench.rst.
#
# usage: bench/lan-bench.sh [-k KERNEL] [-r RUNS] [-d SECS] [-q] [-o FILE]
#
#   -k KERNEL  of both VMs, as scripts/vm-run.sh's (default 6.12)
#   -r RUNS    runs of each measurement, median shown (default 3)
#   -d SECS    seconds per iperf3 run (default 8)
#   -q         quick: 1 run of 3 s, 20 pings
#   -o FILE    also write the output to FILE
#
# Runs on the host as root (namespaces, a bridge and taps of its own);
# builds nothing: make modules-all ip.  Each VM takes one host core: run
# nothing heavy beside it.

set -u
source "$(dirname "$(readlink -f "$0")")/../scripts/lib-lan.sh"

KERNEL=6.12
RUNS=""
DUR=""
PING_COUNT=""
OUT=""
CONTENDERS=(nic vxlan lac vxvde)
METRICS=(tcp1 tcp4 udp ping)
declare -A DST=([nic]=10.99.0.2 [vxlan]=192.168.71.2 [lac]=192.168.72.2 [vxvde]=192.168.73.2)
# RES[C.M]: the values of each run; RES[C.M.R]: that of run R.
declare -A RES=()

say() { printf '%s\n' "$*"; }
die() { echo "lan-bench: $*" >&2; exit 2; }

usage()
{
	sed -n '/^# usage:/,/^#   -o/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

# ---- measurements ---------------------------------------------------------

# iperf DST ARGS...: one iperf3 run from a to DST in b (a one-shot server
# there); prints the client's JSON, the server's in server_output_json.
iperf()
{
	local to=$1 out

	shift
	out=$(lan_exec b lan_g_iperf_server) || { say "  iperf3 server: $out" >&2; return 1; }
	lan_exec a "timeout -k 5 $((DUR + 40)) iperf3 -c $to -p 5201 -t $DUR -J --get-server-output $*" $((DUR + 60))
}

# TCP goodput in Gbit/s, as the receiver counted it (-O 1: without the
# slow start).
m_tcp()
{
	iperf "$1" -O 1 -P "$2" | jq -e '.end.sum_received.bits_per_second / 1e9' 2> /dev/null
}

# UDP 64-byte payloads as fast as the sender can: packets/s the server
# received (its counts; the client's copy of them if they are missing).
m_udp()
{
	iperf "$1" -u -l 64 -b 0 | jq -e '
		(.server_output_json.end.sum // .end.sum) | select(.seconds > 0) |
		(.packets - .lost_packets) / .seconds' 2> /dev/null
}

m_ping()
{
	lan_exec a "lan_g_rtt $1 $PING_COUNT" 120
}

# measure C M: one value of metric M over contender C, in RES.
measure()
{
	local c=$1 m=$2 r=$3 v

	case $m in
	tcp1) v=$(m_tcp "${DST[$c]}" 1) ;;
	tcp4) v=$(m_tcp "${DST[$c]}" 4) ;;
	udp) v=$(m_udp "${DST[$c]}") ;;
	ping) v=$(m_ping "${DST[$c]}") ;;
	esac
	[[ $v =~ ^[0-9.eE+-]+$ ]] || { say "  $c $m: no result (${v:0:200})"; return; }
	RES[$c.$m]+="$v "
	RES[$c.$m.$r]=$v
}

# ---- the report -----------------------------------------------------------

median()
{
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) exit 1
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

label()
{
	case $1 in
	tcp1) echo "TCP 1 stream   Gbit/s" ;;
	tcp4) echo "TCP 4 streams  Gbit/s" ;;
	udp) echo "UDP 64 B rx    kpps" ;;
	ping) echo "ping RTT avg   ms" ;;
	esac
}

# show M V: a value as the tables show it (kpps for UDP).
show()
{
	[[ ${2:-} =~ ^[0-9.eE+-]+$ ]] || { printf n/a; return; }
	case $1 in
	udp) awk -v v="$2" 'BEGIN { printf "%.2f", v / 1000 }' ;;
	*) printf '%.3f' "$2" ;;
	esac
}

# ratio M C: lac's value over C's, the median of the ratios of each run
# (measured within a minute of each other: the host's drift over the whole
# run cancels out better than in a ratio of the medians).
ratio()
{
	local r all=()

	for ((r = 1; r <= RUNS; r++)); do
		if [ -z "${RES[lac.$1.$r]:-}" ] || [ -z "${RES[$2.$1.$r]:-}" ]; then
			continue
		fi
		all+=("$(awk -v l="${RES[lac.$1.$r]}" -v o="${RES[$2.$1.$r]}" 'BEGIN { if (o > 0) print l / o }')")
	done
	[ ${#all[@]} -gt 0 ] || { printf n/a; return; }
	median "${all[@]}" | xargs printf '%.2fx'
}

report()
{
	local c m line v

	say
	say "Median of $RUNS run(s); iperf3 runs of $DUR s, ping: $PING_COUNT pings 50 ms apart."
	say "UDP: 64-byte payloads, packets/s received by the iperf3 server."
	say
	line=$(printf '%-22s' "")
	for c in "${CONTENDERS[@]}"; do line+=$(printf '%10s' "$c"); done
	say "$line"
	for m in "${METRICS[@]}"; do
		line=$(printf '%-22s' "$(label "$m")")
		for c in "${CONTENDERS[@]}"; do
			# shellcheck disable=SC2086 # a list of numbers
			v=$(median ${RES[$c.$m]:-} 2> /dev/null)
			line+=$(printf '%10s' "$(show "$m" "$v")")
		done
		say "$line"
	done
	say
	say "lac's ratio to each (median of the runs' ratios); throughput: higher"
	say "is better, RTT: lower is better."
	line=$(printf '%-22s' "")
	for c in "${CONTENDERS[@]}"; do [ "$c" = lac ] || line+=$(printf '%10s' "lac/$c"); done
	say "$line"
	for m in "${METRICS[@]}"; do
		line=$(printf '%-22s' "$(label "$m" | awk '{ NF -= 1; print }')")
		for c in "${CONTENDERS[@]}"; do
			[ "$c" = lac ] || line+=$(printf '%10s' "$(ratio "$m" "$c")")
		done
		say "$line"
	done
	say
	say "Every run, in order (the spread shows the noise):"
	for c in "${CONTENDERS[@]}"; do
		for m in "${METRICS[@]}"; do
			line=""
			for v in ${RES[$c.$m]:-}; do line+="$(show "$m" "$v") "; done
			printf '  %-6s %-5s %s\n' "$c" "$m" "$line"
		done
	done
}

# ---- the test bed ---------------------------------------------------------

# setup: VMs a (10.99.0.1) and b (.2), their contenders up and a ping
# across each (ARP and the FDBs learned before anything is measured).
setup()
{
	local i vm c rel out
	local -A host=([a]=1 [b]=2)

	rel=$(lan_release "$KERNEL")
	lan_create || return 1
	for vm in a b; do
		i=${host[$vm]}
		lan_tap "tap$i" &&
			lan_vm_start "$vm" "$KERNEL" "$LAN" -M virtio_net \
				-n "$(lan_nic_args "tap$i" "52:54:00:99:01:0$i")" || return 1
	done
	lan_vm_ready a b || return 1
	for vm in a b; do
		out=$(lan_exec "$vm" "lan_g_bench_setup ${host[$vm]}") ||
			{ say "$vm: set-up failed: $out"; return 1; }
	done
	for c in "${CONTENDERS[@]}"; do
		out=$(lan_exec a "lac_ping ul ${DST[$c]} 30" 60) ||
			{ say "no ping over $c: $out"; return 1; }
	done
	say "kernel:   $(lan_vm_kernel a) in both VMs, 1 vCPU, 1024 MB each; build/$rel/lac.ko sha256 $(sha256sum "$LAN_REPO/build/$rel/lac.ko" | cut -c1-12)"
}

main()
{
	local opt r i m n load0 t0

	while getopts "k:r:d:qo:h" opt; do
		case $opt in
		k) KERNEL=$OPTARG ;;
		r) RUNS=$OPTARG ;;
		d) DUR=$OPTARG ;;
		q) RUNS=${RUNS:-1} DUR=${DUR:-3} PING_COUNT=20 ;;
		o) OUT=$OPTARG ;;
		*) usage ;;
		esac
	done
	RUNS=${RUNS:-3} DUR=${DUR:-8} PING_COUNT=${PING_COUNT:-50}
	[[ $RUNS =~ ^[1-9][0-9]*$ && $DUR =~ ^[1-9][0-9]*$ ]] || usage
	lac_require_cmds iperf3 jq || die "needs iperf3 and jq"
	lan_require "$KERNEL" > /dev/null || { lan_require "$KERNEL"; die "prerequisites missing"; }
	if [ -n "$OUT" ]; then
		: > "$OUT" || die "cannot write $OUT"
		exec > >(tee -a "$OUT") 2>&1
	fi
	trap lac_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	t0=$SECONDS
	say "lac LAN benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	say "host:     $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) CPUs, load $load0"
	say "qemu:     $(qemu-system-x86_64 --version | sed -n '1s/^QEMU emulator version //p'), TCG, two VMs, virtio-net on taps of one bridge"
	say "tree:     $(git -C "$LAN_REPO" rev-parse --short HEAD 2> /dev/null || echo '?')"
	setup || die "the test bed did not come up: see build/lan-a.log, build/lan-b.log"
	n=${#CONTENDERS[@]}
	for ((r = 1; r <= RUNS; r++)); do
		say "  run $r/$RUNS"
		for m in "${METRICS[@]}"; do
			for ((i = 0; i < n; i++)); do
				measure "${CONTENDERS[$(((i + r - 1) % n))]}" "$m" "$r"
			done
		done
	done
	report
	say
	say "host load: $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after (1, 5, 15 min); $((SECONDS - t0)) s"
	lan_vm_stop a > /dev/null
	lan_vm_stop b > /dev/null
	return 0
}

main "$@"
