#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # functions run by lac_main
# shellcheck source-path=SCRIPTDIR
#
# The LAN test: one Local Area Cloud across separate VMs on different
# Debian kernels, qemu's own vxvde peer, vdens and vde_plug, on one
# Ethernet segment of the host (scripts/lib-lan.sh):
#
#   LAC 192.168.99.0/24 on vxvde://239.0.0.1 (group 239.0.0.1, port 14789)
#   .1  VM lac1 (first kernel, 6.1):   lac0 moved into a container netns
#   .2  VM lac2 (second, 6.12):        lac0 a port of a bridge, a container
#                                      (veth) behind it
#   .3  VM lac3 (third, newest: 7.3):  lac0 in the VM's own netns
#   .4  VM qemu (6.12, NO lac): -net nic,macaddr=52:54:00:4c:41:04
#       -net vde,sock=vxvde://239.0.0.1, qemu running in the LAN netns
#   .5  vdens vxvde://239.0.0.1 in host netns hd (underlay 10.99.0.21)
#   .6  vde_plug vxvde://239.0.0.1 tap://vtap0 in host netns hv (.20)
#
#   underlay 10.99.0.0/24: br0 of the LAN netns (.254, where qemu's vde
#   backend sends from), the lac VMs' virtio-net NICs on taps (.1-.3)
#
# Checks: the VMs run their kernels; virtio-net offloads are on; every
# endpoint pings every other; each lac VM's FDB has every peer at its
# IP:port; lac's default MTU (1450) carries full-size frames with no IP
# fragment anywhere; 50 MiB TCP transfers between the lac VMs arrive with
# the sender's sha256, with GSO/GRO on (the frames show it) and off; the
# qemu guest's leave when it exits empties its entries, and the guest,
# restarted from another host (10.99.0.22), is learned there; no oops,
# WARN or BUG in any VM (dmesg, and each console: LAC_VM_STRICT).
#
# usage: scripts/lan.sh [-k 'KERNEL...'] [TEST...]
#
#   -k  the kernels of the lac VMs, two or three (default "6.1 6.12 newest";
#       $LAN_KERNELS): vm-run.sh names; newest is what
#       scripts/newest-kernel.sh prepared (make module-newest)
#
# Runs on the host as root (it makes namespaces, a bridge and taps there,
# and nothing else of the host's network); builds nothing: make modules-all
# module-newest ip.  KTAP; exit 0 pass, 1 fail.  Logs: build/lan-VM.log and
# build/lan-VM-console.log.  LAN_TCP_MB (50) sets the transfers' size.

ALL_TESTS="
	test_kernels
	test_virtio_offloads
	test_ping_lac1
	test_ping_lac2
	test_ping_lac3
	test_ping_qemu
	test_ping_vdens
	test_ping_plug
	test_fdb_lac1
	test_fdb_lac2
	test_fdb_lac3
	test_mtu
	test_tcp_offloads_on
	test_tcp_offloads_off
	test_no_fragments
	test_qemu_leave
	test_qemu_migrate
	test_dmesg
	test_vms_stop
"

set -u
source "$(dirname "$(readlink -f "$0")")/lib-lan.sh"

LAN_KERNELS=${LAN_KERNELS:-6.1 6.12 newest}
LAN_QEMU_KERNEL=${LAN_QEMU_KERNEL:-6.12}
LAN_TCP_MB=${LAN_TCP_MB:-50}
GROUP_URL=vxvde://239.0.0.1
QEMU_MAC=52:54:00:4c:41:04

# The endpoints: where each lives (a VM, or a host namespace), its address
# on the LAC, its MAC and its underlay address; PORT (its unicast UDP port)
# is read once it runs.
EPS=()
LACS=()
declare -A EP_VM=() EP_NS=() EP_IP=() EP_MAC=() EP_UL=() EP_PORT=() EP_DESC=()
declare -A KERNEL_OF=() FRAGS0=()

while getopts "k:h" opt; do
	case $opt in
	k) LAN_KERNELS=$OPTARG ;;
	*) sed -n '/^# usage:/,/^# Runs on/{/^# Runs on/d;s/^# \{0,1\}//p}' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
read -r -a KERNELS <<< "$LAN_KERNELS"
if [ ${#KERNELS[@]} -lt 2 ] || [ ${#KERNELS[@]} -gt 3 ]; then
	echo "lan.sh: -k wants two or three kernels, not '$LAN_KERNELS'" >&2
	exit 2
fi
# Without a third kernel, there is no lac3 and no test of it.
if [ ${#KERNELS[@]} = 2 ]; then
	ALL_TESTS=$(printf '%s\n' "$ALL_TESTS" | grep -v lac3)
fi

# The host's prerequisites replace lib.sh's (which loads lac: the host
# cannot): missing ones fail the run.
lac_require()
{
	lan_require "${KERNELS[@]}" "$LAN_QEMU_KERNEL" ||
		ktap_exit_fail_msg "the LAN test bed's prerequisites are missing"
}

# ep NAME VM NS IP MAC UNDERLAY DESCRIPTION
ep()
{
	EPS+=("$1")
	EP_VM[$1]=$2 EP_NS[$1]=$3 EP_IP[$1]=$4 EP_MAC[$1]=$5 EP_UL[$1]=$6
	EP_DESC[$1]=$7
}

# lac_vm I ROLE: boot VM lacI on the Ith kernel; ROLE is its lac0's set-up
# (lan-guest.sh's lan_g_lac_ROLE).
lac_vm()
{
	local i=$1 vm=lac$1 k=${KERNELS[$(($1 - 1))]}

	LACS+=("$vm")
	KERNEL_OF[$vm]=$k
	lan_tap "tap$i" || return 1
	lan_vm_start "$vm" "$k" "$LAN" -M virtio_net -n "$(lan_nic_args "tap$i" "52:54:00:99:00:0$i")"
}

# qemu_vm NS: boot the guest with no lac, its NIC joined to the LAC by
# qemu's vde backend, as the seed text has it, with qemu in NS.
qemu_vm()
{
	KERNEL_OF[qemu]=$LAN_QEMU_KERNEL
	LAC_VM_NO_LAC=1 lan_vm_start qemu "$LAN_QEMU_KERNEL" "$1" -M e1000 \
		-n "-net nic,macaddr=$QEMU_MAC -net vde,sock=$GROUP_URL"
}

# qemu_port NS: the unicast port of the qemu guest's vde backend, in NS.
qemu_port()
{
	local pid

	pid=$(lan_vm_pid_qemu qemu) || { lan_msg "no qemu process for the qemu VM"; return 1; }
	lac_wait "$LAC_WAIT" lan_uport "$1" "$pid" > /dev/null || {
		lan_msg "qemu ($pid) has no vxvde socket in $1"
		return 1
	}
	lan_uport "$1" "$pid"
}

# vdens_start: vdens in host namespace hd; its inner namespace is named
# $VDNS (ip netns attach) for the checks.
vdens_start()
{
	local pid child

	ip netns exec "$HD" setsid vdens "$GROUP_URL" sleep 1d < /dev/null > /dev/null 2>&1 &
	pid=$!
	lac_bg_add "$pid"
	lac_wait "$LAC_WAIT" pgrep -P "$pid" -x sleep > /dev/null ||
		{ lan_msg "vdens $GROUP_URL did not start its command"; return 1; }
	child=$(pgrep -P "$pid" -x sleep)
	VDNS=lac-$LAC_ID-vdens
	ip netns attach "$VDNS" "$child" || return 1
	LAC_NS_LIST+=("$VDNS")
	ip -n "$VDNS" link set lo up &&
		ip -n "$VDNS" link set vde0 address "${EP_MAC[vdens]}" &&
		lac_up "$VDNS" vde0 "${EP_IP[vdens]}/24" || return 1
	EP_NS[vdens]=$VDNS
	lac_wait "$LAC_WAIT" lan_uport "$HD" "$pid" > /dev/null ||
		{ lan_msg "vdens has no vxvde socket"; return 1; }
	EP_PORT[vdens]=$(lan_uport "$HD" "$pid")
}

setup()
{
	local vm id out rc=0
	local -A job=()

	lan_create || return 1
	lan_host HV 10.99.0.20 && lan_host HD 10.99.0.21 && lan_host HM 10.99.0.22 || return 1

	ep lac1 lac1 ep 192.168.99.1 02:1a:99:00:00:01 10.99.0.1 "lac on ${KERNELS[0]} in a container"
	ep lac2 lac2 ep 192.168.99.2 02:1a:99:00:00:02 10.99.0.2 "a container behind lac on ${KERNELS[1]} in a bridge"
	[ ${#KERNELS[@]} -lt 3 ] ||
		ep lac3 lac3 ep 192.168.99.3 02:1a:99:00:00:03 10.99.0.3 "lac on ${KERNELS[2]}"
	ep qemu qemu ep 192.168.99.4 "$QEMU_MAC" 10.99.0.254 "qemu's vde backend (no lac)"
	ep vdens "" "" 192.168.99.5 02:1a:99:00:00:05 10.99.0.21 "vdens"
	ep plug "" "$HV" 192.168.99.6 02:1a:99:00:00:06 10.99.0.20 "vde_plug"

	# Every VM boots at once: their boots overlap, not add up.
	lac_vm 1 container && lac_vm 2 bridge || return 1
	[ ${#KERNELS[@]} -lt 3 ] || lac_vm 3 root || return 1
	qemu_vm "$LAN" || return 1
	vdens_start || return 1
	lac_vde_start "$HV" vtap0 "${EP_IP[plug]}/24" "$GROUP_URL" "${EP_MAC[plug]}" || return 1
	EP_PORT[plug]=$(lac_vde_uport "$HV" vtap0) || return 1

	lan_vm_ready "${LACS[@]}" qemu || return 1
	for vm in "${LACS[@]}"; do
		case $vm in
		lac1) id=container ;;
		lac2) id=bridge ;;
		*) id=root ;;
		esac
		job[$vm]=$(lan_spawn "$vm" "lan_g_underlay ${EP_UL[$vm]}/24 &&
			lan_g_lac_$id ${EP_IP[$vm]}/24 ${EP_MAC[$vm]} &&
			lac_localport $(lac_dev_ns "$vm") lac0") || return 1
	done
	job[qemu]=$(lan_spawn qemu "lan_g_plain ${EP_IP[qemu]}/24") || return 1
	for vm in "${LACS[@]}" qemu; do
		out=$(lan_join "$vm" "${job[$vm]}") || {
			lan_msg "$vm: its set-up failed: $out"
			rc=1
			continue
		}
		[ "$vm" = qemu ] || EP_PORT[$vm]=$out
	done
	[ $rc = 0 ] || return 1
	EP_PORT[qemu]=$(qemu_port "$LAN") || return 1

	for id in "${EPS[@]}"; do
		log_info "$id: ${EP_IP[$id]} ${EP_MAC[$id]} at ${EP_UL[$id]}:${EP_PORT[$id]}, ${EP_DESC[$id]}${EP_VM[$id]:+ (VM on ${KERNEL_OF[${EP_VM[$id]}]}, $(lan_vm_kernel "${EP_VM[$id]}"))}"
	done
	frags_snapshot
}

# frags VM|NS: "FragCreates ReasmReqds FragFails" of a VM's underlay
# namespace, or of a host namespace.
frags()
{
	if [ -n "${LAN_VM_PID[$1]:-}" ]; then
		lan_exec "$1" lan_g_frags
	else
		ip netns exec "$1" bash -c "source $(printf %q "$LAN_SCRIPTS/lan-guest.sh"); lan_g_frags"
	fi
}

frag_places()
{
	echo "${LACS[@]}" qemu "$LAN" "$HV" "$HD"
}

frags_snapshot()
{
	local p

	for p in $(frag_places); do
		FRAGS0[$p]=$(frags "$p")
	done
}

##############################################################################

test_kernels()
{
	local vm rel got

	for vm in "${LACS[@]}" qemu; do
		rel=${LAN_VM_REL[$vm]}
		got=$(lan_vm_kernel "$vm")
		[ -n "$rel" ] && [ "$got" = "$rel" ]
		check_err $? "$vm runs '$got', want '$rel' (${KERNEL_OF[$vm]})"
	done
	# shellcheck disable=SC2016 # expanded in the VM
	lan_exec_ktap qemu '! lsmod | grep -qw lac && [ -d /sys/class/net/eth0 ] &&
		basename "$(readlink /sys/class/net/eth0/device/driver)"'
	check_err $? "the qemu guest has lac loaded or no eth0"
	log_test "each VM runs its own kernel: ${KERNELS[*]} with lac, $LAN_QEMU_KERNEL without"
}

# nic_script VM: eth0 is virtio-net with its offloads on.
nic_script()
{
	# shellcheck disable=SC2016 # expanded in the VM
	echo 'drv=$(ethtool -i eth0 | awk "/^driver:/ { print \$2 }")
		[ "$drv" = virtio_net ] || { echo "eth0 is $drv, not virtio_net"; exit 1; }
		ethtool -k eth0 | awk "
			/^(rx-checksumming|tx-checksumming|scatter-gather|tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload):/ &&
			\$2 != \"on\" { print \"eth0: \" \$0; bad = 1 } END { exit bad }"'
}

test_virtio_offloads()
{
	local vm i=0 f

	on_vms nic_script "${LACS[@]}"
	for vm in "${LACS[@]}"; do
		i=$((i + 1))
		check_err "${ON_RC[$vm]}" "$vm: eth0's offloads are not on"
		# What the guest driver negotiated: qemu turns the tap's
		# offloads on to match (TUNSETOFFLOAD).
		for f in tx-checksumming tcp-segmentation-offload; do
			ip netns exec "$LAN" ethtool -k "tap$i" | grep -qx "$f: on"
			check_err $? "the host's tap$i ($vm) has $f off: the guest did not negotiate it"
		done
	done
	log_test "virtio-net NICs with checksum, TSO, GSO and GRO on, on both sides of the tap"
}

# ping_from EP: EP pings every other endpoint.
ping_from()
{
	local from=$1 dst

	dst=$(ep_others "$from")
	if [ -n "${EP_VM[$from]}" ]; then
		lan_exec_ktap "${EP_VM[$from]}" "lac_ping_many ep $dst"
	else
		# shellcheck disable=SC2086 # one address a word
		lac_ping_many "${EP_NS[$from]}" $dst
	fi
	check_err $? "${EP_DESC[$from]} (${EP_IP[$from]}) does not reach every other endpoint"
	log_test "${EP_DESC[$from]} pings all $((${#EPS[@]} - 1)) others"
}

test_ping_lac1() { ping_from lac1; }
test_ping_lac2() { ping_from lac2; }
test_ping_lac3() { ping_from lac3; }
test_ping_qemu() { ping_from qemu; }
test_ping_vdens() { ping_from vdens; }
test_ping_plug() { ping_from plug; }

# on_vms FN VM...: in each VM at once, the script `FN VM` prints (the VMs
# run side by side, the host has cores for two); their outputs as
# diagnostics, prefixed with the VM's name, and their statuses in ON_RC.
declare -A ON_RC=()
on_vms()
{
	local fn=$1 vm out
	local -A id=()

	shift
	ON_RC=()
	for vm in "$@"; do
		id[$vm]=$(lan_spawn "$vm" "$("$fn" "$vm")") || ON_RC[$vm]=1
	done
	for vm in "$@"; do
		[ -n "${id[$vm]:-}" ] || continue
		out=$(lan_join "$vm" "${id[$vm]}")
		ON_RC[$vm]=$?
		[ -z "$out" ] || printf '%s\n' "$out" | sed "s/^# //; s/^/$vm: /" | ktap_print_pipe
	done
}

# ep_ips EP...: their addresses on the LAC, on one line (for a script).
ep_ips()
{
	local e ips=()

	for e in "$@"; do
		ips+=("${EP_IP[$e]}")
	done
	echo "${ips[*]}"
}

# ep_others EP: the addresses of every other endpoint, on one line.
ep_others()
{
	local e others=()

	for e in "${EPS[@]}"; do
		[ "$e" = "$1" ] || others+=("$e")
	done
	ep_ips "${others[@]}"
}

# lac_dev_ns VM: where the VM's lac0 is (its FDB).
lac_dev_ns()
{
	if [ "$1" = lac1 ]; then echo ep; else echo ul; fi
}

# fdb_script VM [EP...]: lan-guest.sh checks that VM's lac0 has each EP
# (default: every other endpoint) at its underlay address and port.
fdb_script()
{
	local vm=$1 e s

	shift
	[ $# -gt 0 ] || set -- "${EPS[@]}"
	s="lan_g_fdb_want $(lac_dev_ns "$vm") lac0"
	for e in "$@"; do
		[ "$e" = "$vm" ] || s+=" $e=${EP_MAC[$e]}=${EP_UL[$e]}=${EP_PORT[$e]}"
	done
	echo "$s"
}

fdb_test()
{
	local vm=$1

	lan_exec_ktap "$vm" "$(fdb_script "$vm")"
	check_err $? "$vm's lac0 has a peer missing or at a wrong address"
	log_test "$vm (${KERNEL_OF[$vm]}): every peer in lac0's FDB at its IP:port"
}

test_fdb_lac1() { fdb_test lac1; }
test_fdb_lac2() { fdb_test lac2; }
test_fdb_lac3() { fdb_test lac3; }

# mtu_script VM: lac0's default MTU is eth0's less the 50 bytes of the
# outer Ethernet, IPv4, UDP and VXVDE headers; a frame of that size with
# DF crosses to every endpoint, one byte more cannot leave.
mtu_script()
{
	local dst

	dst=$(ep_others "$1")
	# shellcheck disable=SC2016 # expanded in the VM
	echo 'm=$(dev_mtu '"$(lac_dev_ns "$1")"' lac0) e=$(dev_mtu ul eth0)
		[ "$m" = $((e - 50)) ] || { echo "lac0 mtu $m, eth0 mtu $e"; exit 1; }
		rc=0
		for d in '"$dst"'; do
			ip netns exec ep ping -q -n -c 2 -i 0.3 -W 2 -M do -s $((m - 28)) "$d" > /dev/null ||
				{ echo "no $m-byte ping (DF) to $d"; rc=1; }
		done
		out=$(ip netns exec ep ping -n -c 1 -W 1 -M do -s $((m - 27)) '"${dst%% *}"' 2>&1) &&
			{ echo "a $((m + 1))-byte ping with DF left: $out"; rc=1; }
		exit $rc'
}

test_mtu()
{
	local vm

	on_vms mtu_script "${LACS[@]}"
	for vm in "${LACS[@]}"; do
		check_err "${ON_RC[$vm]}" "$vm: full-size frames do not cross"
	done
	log_test "lac's default MTU (eth0's - 50) carries full-size frames (DF) to every endpoint"
}

# transfer FROM TO PORT: LAN_TCP_MB MiB over TCP from endpoint FROM to TO
# (both lac VMs); sets XFER (the receiver's "SHA BYTES LAC_RX ETH_RX") and
# XSEND (the sender's "SHA BYTES LAC_TX ETH_TX"); fails if the data differ.
transfer()
{
	local from=$1 to=$2 port=$3 id t0 sha n rsha rn

	id=$(lan_spawn "$to" "lan_g_tcp_recv ep $port $(lac_dev_ns "$to") lac0") || return 1
	t0=$(now_ms)
	if ! XSEND=$(lan_exec "$from" "lan_g_tcp_send ep ${EP_IP[$to]} $port $LAN_TCP_MB $(lac_dev_ns "$from") lac0" 600); then
		lan_msg "$from -> $to: the sender failed: $XSEND"
		XFER=$(lan_join "$to" "$id" 30)
		return 1
	fi
	XFER=$(lan_join "$to" "$id" 60) || { lan_msg "$from -> $to: the receiver failed: $XFER"; return 1; }
	read -r sha n _ <<< "$XSEND"
	read -r rsha rn _ <<< "$XFER"
	log_info "$from -> $to: $n bytes in $(($(now_ms) - t0)) ms, sent $sha (lac0 frames, eth0 frames: $(cut -d' ' -f3- <<< "$XSEND")), received $rsha $rn (lac0, eth0: $(cut -d' ' -f3- <<< "$XFER"))"
	if [ "$n" != $((LAN_TCP_MB * 1024 * 1024)) ] || [ "$rn" != "$n" ] || [ "$rsha" != "$sha" ]; then
		lan_msg "$from -> $to: sent $n bytes sha256 $sha, received $rn sha256 $rsha"
		return 1
	fi
}

# pairs: the transfers, a ring over the lac VMs.
pairs()
{
	local i n=${#LACS[@]}

	for ((i = 0; i < n; i++)); do
		echo "${LACS[i]} ${LACS[(i + 1) % n]}"
	done
}

# offloads_script VM: TSO, GSO and GRO of the VM's eth0, lac0 and, for the
# bridge and the container behind it, their ports, to $OFFLOADS.
offloads_script()
{
	local s

	s="rc=0; for d in ul:eth0 $(lac_dev_ns "$1"):lac0"
	[ "$1" != lac2 ] || s+=" ul:br0 ul:veth-ep ep:eth0"
	echo "$s; do lan_g_offloads \${d%%:*} \${d#*:} $OFFLOADS || rc=1; done; exit \$rc"
}

# offloads on|off: those of every lac VM.
offloads()
{
	local vm rc=0

	OFFLOADS=$1 on_vms offloads_script "${LACS[@]}"
	for vm in "${LACS[@]}"; do
		[ "${ON_RC[$vm]}" = 0 ] || rc=1
	done
	return "$rc"
}

# tcp_test on|off
tcp_test()
{
	local state=$1 from to port=5000 n ltx lrx erx seg

	offloads "$state"
	check_err $? "cannot turn the offloads $state"
	while read -r from to; do
		port=$((port + 1))
		transfer "$from" "$to" "$port"
		check_err $? "$from -> $to: the data did not arrive intact"
		read -r _ n ltx _ <<< "$XSEND"
		read -r _ _ lrx erx <<< "$XFER"
		[ -n "${erx:-}" ] || continue
		# MSS-sized segments the transfer takes at least (lac0's
		# MTU 1450 - 40 - 12 of TCP options).
		seg=$((n / 1398))
		if [ "$state" = on ]; then
			# GSO: lac0 sends fewer, larger frames than the
			# segments on the wire; GRO: the receiver's lac0 gets
			# fewer frames than eth0 got datagrams.
			[ $((ltx * 2)) -le "$seg" ]
			check_err $? "$from: lac0 sent $ltx frames for $seg segments: no GSO"
			[ $((lrx * 4)) -le $((erx * 3)) ]
			check_err $? "$to: lac0 got $lrx frames from $erx datagrams: no GRO"
		else
			[ "$ltx" -ge "$seg" ]
			check_err $? "$from: lac0 sent $ltx frames for $seg segments with GSO off"
			[ $((lrx * 10)) -ge $((erx * 9)) ]
			check_err $? "$to: lac0 got $lrx frames from $erx datagrams with GRO off"
		fi
	done < <(pairs)
	[ "$state" = on ] || offloads on
}

test_tcp_offloads_on()
{
	tcp_test on
	log_test "${LAN_TCP_MB} MiB over TCP between the lac VMs arrive with their sha256, GSO/GRO on"
}

test_tcp_offloads_off()
{
	tcp_test off
	log_test "${LAN_TCP_MB} MiB over TCP between the lac VMs arrive with their sha256, GSO/GRO off"
}

test_no_fragments()
{
	local p now

	for p in $(frag_places); do
		now=$(frags "$p")
		[ "$now" = "${FRAGS0[$p]}" ]
		check_err $? "$p: IPv4 fragments (made, reassembled, failed) went from '${FRAGS0[$p]}' to '$now'"
	done
	log_test "no IP fragment on any VM or host namespace after the pings and transfers"
}

qemu_fdb_script()
{
	fdb_script "$1" qemu
}

# gone_script VM: the qemu guest's entry goes within 5 s.
gone_script()
{
	echo "ms=\$(lac_fdb_wait_gone $(lac_dev_ns "$1") lac0 $QEMU_MAC 5000) ||
		{ echo \"the entry of $QEMU_MAC is still there after 5 s\"; exit 1; }
		echo \"the entry went after \$ms ms\""
}

# leave_counts: "VM rx_leave" of each lac VM's lac0.
leave_counts()
{
	local vm

	for vm in "${LACS[@]}"; do
		echo "$vm $(lan_exec "$vm" "lac_ethtool_stat_check $(lac_dev_ns "$vm") lac0 rx_leave")"
	done
}

test_qemu_leave()
{
	local vm before n rc

	lan_exec_ktap qemu "lac_ping_many ep $(ep_ips "${LACS[@]}")"
	check_err $? "the qemu guest does not reach the lac VMs"
	on_vms qemu_fdb_script "${LACS[@]}"
	for vm in "${LACS[@]}"; do
		check_err "${ON_RC[$vm]}" "$vm has no entry for the qemu guest before it stops"
	done
	before=$(leave_counts)
	lan_vm_stop qemu
	rc=$?
	check_err "$rc" "the qemu guest's VM ended with status $rc"
	[ "$rc" = 0 ] || lan_vm_log_tail qemu
	# Its entries go with its leave, not after the ageing (128 s).
	on_vms gone_script "${LACS[@]}"
	for vm in "${LACS[@]}"; do
		check_err "${ON_RC[$vm]}" "$vm kept the qemu guest's entry"
	done
	while read -r vm n; do
		[ "$(leave_counts | awk -v v="$vm" '$1 == v { print $2 }')" -gt "${n:-0}" ] 2> /dev/null
		check_err $? "$vm: rx_leave did not move"
	done <<< "$before"
	log_test "qemu's vde backend sends a leave when the guest exits: every lac VM forgets it"
}

test_qemu_migrate()
{
	local vm

	# The same guest (MAC), booted again on another host: qemu in HM.
	qemu_vm "$HM" && lan_vm_ready qemu
	check_err $? "the qemu guest did not start again"
	lan_exec_ktap qemu "lan_g_plain ${EP_IP[qemu]}/24"
	check_err $? "the qemu guest's set-up failed"
	EP_UL[qemu]=10.99.0.22
	EP_PORT[qemu]=$(qemu_port "$HM")
	check_err $? "no vxvde port of the restarted qemu"
	lan_exec_ktap qemu "lac_ping_many ep $(ep_others qemu)"
	check_err $? "the restarted qemu guest does not reach every endpoint"
	on_vms qemu_fdb_script "${LACS[@]}"
	for vm in "${LACS[@]}"; do
		check_err "${ON_RC[$vm]}" "$vm did not learn the qemu guest at 10.99.0.22:${EP_PORT[qemu]}"
	done
	log_test "the qemu guest restarted from another host (10.99.0.22) is learned there"
}

oopses_script()
{
	echo lan_g_oopses
}

test_dmesg()
{
	local vm

	on_vms oopses_script "${LACS[@]}" qemu
	for vm in "${LACS[@]}" qemu; do
		check_err "${ON_RC[$vm]}" "$vm (${KERNEL_OF[$vm]}): the kernel reported problems"
	done
	log_test "no oops, WARN, BUG, KASAN, lockdep or RCU stall in any VM's dmesg"
}

test_vms_stop()
{
	local vm rc

	for vm in "${LACS[@]}" qemu; do
		lan_vm_stop "$vm"
		rc=$?
		check_err "$rc" "$vm: vm-run.sh exit status $rc (LAC_VM_STRICT: a console problem counts)"
		[ "$rc" = 0 ] || lan_vm_log_tail "$vm"
	done
	log_test "every VM powers off cleanly, its console clean"
}

lac_main "$@"
