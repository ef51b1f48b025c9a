# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash source-path=SCRIPTDIR
#
# The LAN test bed: separate qemu VMs, each on its own Debian kernel, on one
# Ethernet segment of the host, as the hosts of a real LAN would be.
# Sourced by scripts/lan.sh (the test) and bench/lan-bench.sh.
#
#   netns $LAN (made here, named lac-ID-lan): br0, a bridge
#       (mcast_snooping 0), 10.99.0.254/24, route 224.0.0.0/4 dev br0;
#       ports: a tap per VM (lan_tap), a veth per "host" namespace
#       (lan_host)
#   VMs: scripts/vm-run.sh run in $LAN (or in a host namespace, see
#       lan_vm_start), a virtio-net NIC on their tap (offloads on: qemu's
#       tap backend has vnet headers), scripts/lan-agent.sh as their command
#
# Nothing of the host's own network is touched: the bridge, the taps and
# the host namespaces exist only in namespaces made here, deleted on exit
# (selftests/lib.sh's lac_cleanup, with the VMs and the processes started).
# The host needs netns, veth, bridge and tun, and qemu's vde backend (Debian's
# qemu-system-x86 has it).
#
# The host drives each VM through a directory of files shared with it
# (vm-run.sh -S; the protocol is in scripts/lan-agent.sh): lan_exec VM
# SCRIPT runs a bash script there with selftests/lib.sh, lib_fdb.sh and
# scripts/lan-guest.sh's helpers, and returns its output and status.

LAN_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAN_REPO=$(dirname "$LAN_SCRIPTS")
# The selftests' helpers (KTAP, waits, namespaces, FDB, vde_plug) run on
# the host as well: nothing in them needs lac there.
# shellcheck source=../selftests/lib.sh
source "$LAN_REPO/selftests/lib.sh"

LAN_CACHE=${LAC_CACHE:-/var/cache/lac}
# Seconds a VM may take to boot and start its agent (TCG, several VMs on a
# shared 2-core host) and a command to run by default.
: "${LAN_BOOT_WAIT:=300}"
: "${LAN_CMD_WAIT:=120}"
# Each VM is killed after this long whatever happens (vm-run.sh -t).
: "${LAN_VM_TIMEOUT:=3600}"
# Where the VMs' logs go: build/lan-VM.log (vm-run.sh's output and the
# agent's), build/lan-VM-console.log (the kernel console).
LAN_LOGDIR=${LAN_LOGDIR:-$LAN_REPO/build}

LAN=""
LAN_CTL=""
declare -A LAN_VM_PID=() LAN_VM_RC=() LAN_VM_REL=()

lan_msg()
{
	ktap_print_msg "$*"
}

# lan_release KERNEL: the release vm-run.sh -k KERNEL boots (6.1 and 6.12
# from $LAC_CACHE/kernels, newest from $LAC_CACHE/kernel-newest).
lan_release()
{
	case $1 in
	6.1) sed -n 1p "$LAN_CACHE/kernels" 2> /dev/null ;;
	6.12) sed -n 2p "$LAN_CACHE/kernels" 2> /dev/null ;;
	newest) cat "$LAN_CACHE/kernel-newest" 2> /dev/null ;;
	*) echo "$1" ;;
	esac
}

# lan_require KERNEL...: what the test bed needs on the host, and a built
# lac.ko for each KERNEL (a name for lan_release); says what is missing.
# Missing prerequisites are failures, not skips: install-deps.sh and `make
# modules-all ip` (module-newest) provide them.
lan_require()
{
	local k rel ok=0

	[ "$(id -u)" = 0 ] || { lan_msg "the LAN test bed needs root"; ok=1; }
	lac_require_cmds ip bridge qemu-system-x86_64 vde_plug vdens ss setsid \
		ethtool python3 || ok=1
	[ -c /dev/net/tun ] || { lan_msg "no /dev/net/tun"; ok=1; }
	qemu-system-x86_64 -netdev help 2> /dev/null | grep -qx vde ||
		{ lan_msg "qemu-system-x86_64 has no vde netdev"; ok=1; }
	[ -f "$LAN_REPO/build/ip/link_lac.so" ] ||
		{ lan_msg "no build/ip/link_lac.so: make ip"; ok=1; }
	for k in "$@"; do
		rel=$(lan_release "$k")
		if [ -z "$rel" ]; then
			lan_msg "kernel $k: not prepared (scripts/install-deps.sh, make module-newest)"
			ok=1
		elif [ ! -f "$LAN_REPO/build/$rel/lac.ko" ]; then
			lan_msg "no build/$rel/lac.ko: make modules-all (module-newest)"
			ok=1
		fi
	done
	return $ok
}

# lan_create: the LAN, netns $LAN with br0, and the control directory.
lan_create()
{
	[ -n "$LAC_TMPDIR" ] || LAC_TMPDIR=$(mktemp -d /tmp/lac-selftest.XXXXXX)
	LAN_CTL=$LAC_TMPDIR/ctl
	mkdir -p "$LAN_CTL" "$LAN_LOGDIR" || return 1
	lac_ns_create LAN || return 1
	ip -n "$LAN" link add br0 type bridge mcast_snooping 0 &&
		ip -n "$LAN" addr add 10.99.0.254/24 dev br0 &&
		ip -n "$LAN" link set br0 up &&
		ip -n "$LAN" route add 224.0.0.0/4 dev br0
}

# lan_host VAR ADDR: a "host" of the LAN, namespace $VAR whose eth0 (veth)
# is a port of br0, address ADDR/24, with the multicast route.
lan_host()
{
	local var=$1 addr=$2 ns

	lac_ns_create "$var" || return 1
	ns=${!var}
	ip -n "$ns" link add eth0 type veth peer name "v-${var,,}" netns "$LAN" &&
		ip -n "$LAN" link set "v-${var,,}" master br0 up &&
		ip -n "$ns" addr add "$addr/24" dev eth0 &&
		ip -n "$ns" link set eth0 up &&
		ip -n "$ns" route add 224.0.0.0/4 dev eth0
}

# lan_tap NAME: a tap of the LAN, a port of br0, for a VM's NIC.
lan_tap()
{
	ip -n "$LAN" tuntap add "$1" mode tap &&
		ip -n "$LAN" link set "$1" master br0 up
}

# lan_nic_args TAP MAC: vm-run.sh -n arguments for a virtio-net NIC on TAP.
lan_nic_args()
{
	echo "-netdev tap,id=lan,ifname=$1,script=no,downscript=no -device virtio-net-pci,netdev=lan,mac=$2"
}

# lan_vm_start VM KERNEL NS [vm-run.sh options...]: boot a VM (vm-run.sh -k
# KERNEL, one vCPU, 1 GB) in namespace NS with the agent as its command.
# Its taps, or the sockets of its vde backend, are those of NS.
lan_vm_start()
{
	local vm=$1 k=$2 ns=$3 dir

	shift 3
	dir=$LAN_CTL/$vm
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	LAN_VM_REL[$vm]=$(lan_release "$k")
	(
		cd "$LAN_REPO" &&
		exec ip netns exec "$ns" env LAC_VM_STRICT=1 LAC_VM_LIVE=0 \
			LAC_VM_LOGNAME="lan-$vm" LAC_VM_LOGDIR="$LAN_LOGDIR" \
			scripts/vm-run.sh -k "$k" -p 1 -m 1024 -t "$LAN_VM_TIMEOUT" \
			-S "$dir" "$@" -- scripts/lan-agent.sh "$dir"
	) > "$LAN_LOGDIR/lan-$vm.log" 2>&1 &
	LAN_VM_PID[$vm]=$!
	unset "LAN_VM_RC[$vm]"
	lac_bg_add "$!"
}

lan_vm_running()
{
	[ -n "${LAN_VM_PID[$1]:-}" ] && kill -0 "${LAN_VM_PID[$1]}" 2> /dev/null
}

# lan_vm_ready VM...: wait for the agents (LAN_BOOT_WAIT s in all); fails,
# with the log's tail, for a VM that stopped or took too long.
lan_vm_ready()
{
	local vm rc=0 end=$((SECONDS + LAN_BOOT_WAIT))

	for vm in "$@"; do
		while [ ! -s "$LAN_CTL/$vm/ready" ] && lan_vm_running "$vm" &&
		      [ $SECONDS -lt $end ]; do
			sleep 0.2
		done
		[ -s "$LAN_CTL/$vm/ready" ] && continue
		lan_msg "$vm did not start its agent (${LAN_VM_REL[$vm]}): $(lan_vm_running "$vm" &&
			echo "still booting after $LAN_BOOT_WAIT s" || echo stopped); its log:"
		tail -n 20 "$LAN_LOGDIR/lan-$vm.log" | ktap_print_pipe
		rc=1
	done
	return $rc
}

# lan_vm_kernel VM: the release the agent reported.
lan_vm_kernel()
{
	cat "$LAN_CTL/$1/ready" 2> /dev/null
}

# lan_spawn VM SCRIPT: start SCRIPT in VM; prints its id for lan_join.
lan_spawn()
{
	local vm=$1 script=$2 id f

	id=c$BASHPID-$SRANDOM
	f=$LAN_CTL/$vm/$id
	printf '%s\n' "$script" > "$f.tmp" && mv "$f.tmp" "$f.cmd" || return 1
	echo "$id"
}

# lan_join VM ID [TIMEOUT_S]: wait for the script ID of VM (LAN_CMD_WAIT s
# by default); print its output and return its status (124: timed out,
# 125: the VM stopped).
lan_join()
{
	local vm=$1 id=$2 t=${3:-$LAN_CMD_WAIT} f end

	f=$LAN_CTL/$vm/$id
	end=$(($(now_ms) + t * 1000))
	while [ ! -e "$f.rc" ]; do
		if ! lan_vm_running "$vm"; then
			echo "lan: $vm stopped before '$(head -c 200 "$f.run" 2> /dev/null || head -c 200 "$f.cmd")' ended"
			return 125
		fi
		if [ "$(now_ms)" -ge "$end" ]; then
			cat "$f.out" 2> /dev/null
			echo "lan: '$(head -c 200 "$f.run" 2> /dev/null || head -c 200 "$f.cmd")' timed out after $t s in $vm"
			return 124
		fi
		sleep 0.05
	done
	cat "$f.out"
	return "$(cat "$f.rc")"
}

# lan_exec VM SCRIPT [TIMEOUT_S]: run SCRIPT in VM and wait (lan_join).
lan_exec()
{
	local id

	id=$(lan_spawn "$1" "$2") || return 1
	lan_join "$1" "$id" "${3:-$LAN_CMD_WAIT}"
}

# lan_exec_ktap VM SCRIPT [TIMEOUT_S]: lan_exec, the output as KTAP
# diagnostics prefixed with the VM's name.
lan_exec_ktap()
{
	local out rc

	out=$(lan_exec "$@")
	rc=$?
	[ -z "$out" ] || printf '%s\n' "$out" | sed "s/^# //; s/^/$1: /" | ktap_print_pipe
	return $rc
}

# lan_vm_stop VM [TIMEOUT_S]: tell the agent to quit, so the VM powers off;
# wait for vm-run.sh (60 s by default, then it is killed) and return its
# exit status (kept in LAN_VM_RC[VM]).
lan_vm_stop()
{
	local vm=$1 t=${2:-60} pid=${LAN_VM_PID[$1]:-} rc

	[ -n "$pid" ] || return 1
	echo 0 > "$LAN_CTL/$vm/quit"
	if ! lac_wait "$t" not kill -0 "$pid" 2> /dev/null; then
		lan_msg "$vm did not power off within $t s: killing it"
		kill "$pid" 2> /dev/null
	fi
	wait "$pid"
	rc=$?
	# shellcheck disable=SC2034 # for the callers
	LAN_VM_RC[$vm]=$rc
	LAN_VM_PID[$vm]=""
	return $rc
}

# lan_vm_pid_qemu VM: the pid of the VM's qemu (vm-run.sh runs it under
# timeout).
lan_vm_pid_qemu()
{
	local t

	t=$(pgrep -P "${LAN_VM_PID[$1]}" -x timeout) &&
		pgrep -P "$t" -f '^qemu-system-x86_64 ' | head -n 1
}

# lan_uport NS PID: the unicast UDP port of the VXVDE endpoint of process
# PID (vde_plug, vdens, qemu's vde backend) in namespace NS, as
# selftests/lib.sh's lac_vde_uport reads it.
lan_uport()
{
	# shellcheck disable=SC2034 # read by lac_vde_uport
	LAC_VDE_PID["$1/lan-$2"]=$2
	lac_vde_uport "$1" "lan-$2"
}

# lan_vm_log_tail VM: the end of a VM's log, as diagnostics.
lan_vm_log_tail()
{
	tail -n "${2:-15}" "$LAN_LOGDIR/lan-$1.log" | ktap_print_pipe
}
