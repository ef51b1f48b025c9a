# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers that the host's LAN test bed (scripts/lib-lan.sh) calls in its
# VMs: scripts/lan-agent.sh sources this file, with selftests/lib.sh and
# lib_fdb.sh, before each script the host sends.  Names a VM uses:
#
#   netns ul   the VM's own (initial) namespace: eth0, the underlay NIC
#   netns ep   where the VM's endpoint on the LAC lives (a container, or
#              the initial namespace itself)
#
# Everything written goes below /tmp (a tmpfs of the VM).

# lan_g_ipv6_off NS: no IPv6 in NS: the only frames on the LAC are the
# test's (no router solicitations or MLD reports from every device).
lan_g_ipv6_off()
{
	ip netns exec "$1" sh -c '
		echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 &&
		echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' 2> /dev/null || true
}

# lan_g_underlay ADDR/PREFIX: eth0 of the VM on the LAN, with the multicast
# route lac (and VXVDE) need; names the initial namespace "ul".
lan_g_underlay()
{
	ip netns attach ul 1 || return 1
	lan_g_ipv6_off ul
	ip link set lo up &&
		ip addr add "$1" dev eth0 &&
		ip link set eth0 up &&
		ip route add 224.0.0.0/4 dev eth0
}

# lan_g_endpoint_root: the endpoint is the initial namespace (ep = ul).
lan_g_endpoint_root()
{
	ip netns attach ep 1
}

# lan_g_container: an empty container namespace ep.
lan_g_container()
{
	ip netns add ep || return 1
	lan_g_ipv6_off ep
	ip -n ep link set lo up
}

# lan_g_lac_root ADDR/PREFIX MAC: lac0 with VXVDE's defaults in the initial
# namespace, the endpoint itself.
lan_g_lac_root()
{
	lan_g_endpoint_root || return 1
	ip link add lac0 address "$2" type lac || return 1
	lac_up ul lac0 "$1"
}

# lan_g_lac_container ADDR/PREFIX MAC: lac0 made in the initial namespace
# (its sockets stay there, on eth0) and moved into the container ep.
lan_g_lac_container()
{
	lan_g_container || return 1
	ip link add lac0 address "$2" type lac &&
		ip link set lac0 netns ep &&
		lac_up ep lac0 "$1"
}

# lan_g_lac_bridge ADDR/PREFIX MAC: lac0 a port of bridge br0 in the
# initial namespace, and a container ep behind br0 (veth eth0, MAC MAC).
lan_g_lac_bridge()
{
	lan_g_container || return 1
	ip link add br0 type bridge mcast_snooping 0 &&
		ip link add lac0 type lac &&
		ip link set lac0 master br0 up &&
		ip link add veth-ep type veth peer name eth0 netns ep &&
		ip link set veth-ep master br0 up &&
		ip link set br0 up &&
		ip -n ep link set eth0 address "$2" mtu "$(dev_mtu ul lac0)" &&
		lac_up ep eth0 "$1"
}

# lan_g_plain ADDR/PREFIX: no lac: the endpoint is eth0 itself (the guest
# that qemu's own vde backend joins to the LAC).
lan_g_plain()
{
	ip netns attach ul 1 && ip netns attach ep 1 || return 1
	lan_g_ipv6_off ul
	ip link set lo up && lac_up ul eth0 "$1"
}

# lan_g_frags: IPv4 fragments made, reassembled and failed in the initial
# namespace (the underlay), from /proc/net/snmp: "FragCreates ReasmReqds
# FragFails".
lan_g_frags()
{
	awk '$1 == "Ip:" && !n++ { for (i = 2; i <= NF; i++) k[i] = $i; next }
	     $1 == "Ip:" { for (i = 2; i <= NF; i++) v[k[i]] = $i }
	     END { print v["FragCreates"] + 0, v["ReasmReqds"] + 0, v["FragFails"] + 0 }' \
		/proc/net/snmp
}

# lan_g_stat NS DEV NAME: a counter of /sys/class/net/DEV/statistics.
lan_g_stat()
{
	dev_stat "$@"
}

# lan_g_offloads NS DEV on|off: turn TSO, GSO and GRO of DEV on or off;
# fails, naming them, if any that can change is not as asked afterwards.
lan_g_offloads()
{
	ip netns exec "$1" ethtool -K "$2" tso "$3" gso "$3" gro "$3" > /dev/null 2>&1
	ip netns exec "$1" ethtool -k "$2" | awk -v s="$3" -v d="$2" '
		$1 ~ /^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload):$/ &&
		$2 != s && $3 != "[fixed]" { print d ": " $0; bad = 1 }
		END { exit bad }'
}

# lan_g_blob MB: /tmp/lan-blob-MB, MB MiB of random bytes (made once).
lan_g_blob()
{
	local f=/tmp/lan-blob-$1

	[ -s "$f" ] || head -c "$(($1 * 1024 * 1024))" /dev/urandom > "$f" || return 1
	echo "$f"
}

# lan_g_tcp_recv NS PORT LACNS LACDEV: accept one TCP connection on PORT in
# NS and print "SHA256 BYTES LAC_RX ETH_RX": the digest and length of what
# arrived, and the frames LACDEV (in LACNS) and eth0 received meanwhile.
lan_g_tcp_recv()
{
	local ns=$1 port=$2 lns=$3 ldev=$4 r0 e0 out

	r0=$(dev_stat "$lns" "$ldev" rx_packets) && e0=$(dev_stat ul eth0 rx_packets) || return 1
	# shellcheck disable=SC2016 # python
	out=$(ip netns exec "$ns" "$LAC_PYTHON" -S -c '
import hashlib, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", int(sys.argv[1])))
s.listen(1)
s.settimeout(int(sys.argv[2]))
c, _ = s.accept()
c.settimeout(int(sys.argv[2]))
h = hashlib.sha256()
n = 0
while True:
    d = c.recv(1 << 16)
    if not d:
        break
    h.update(d)
    n += len(d)
print(h.hexdigest(), n)' "$port" 300) || return 1
	echo "$out $(($(dev_stat "$lns" "$ldev" rx_packets) - r0)) $(($(dev_stat ul eth0 rx_packets) - e0))"
}

# lan_g_tcp_send NS ADDR PORT MB LACNS LACDEV: send MB MiB of random bytes
# to ADDR:PORT from NS (trying to connect until the receiver listens, 60 s)
# and print "SHA256 BYTES LAC_TX ETH_TX": the digest and length of what was
# sent and the frames LACDEV (in LACNS) and eth0 sent meanwhile.
lan_g_tcp_send()
{
	local ns=$1 addr=$2 port=$3 f lns=$5 ldev=$6 sum t0 e0 out

	f=$(lan_g_blob "$4") || return 1
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	t0=$(dev_stat "$lns" "$ldev" tx_packets) && e0=$(dev_stat ul eth0 tx_packets) || return 1
	# shellcheck disable=SC2016 # python
	out=$(ip netns exec "$ns" "$LAC_PYTHON" -S -c '
import socket, sys, time
end = time.time() + 60
while True:
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=300)
        break
    except (ConnectionRefusedError, OSError):
        if time.time() > end:
            raise
        time.sleep(0.2)
n = 0
with open(sys.argv[3], "rb") as f:
    while True:
        d = f.read(1 << 16)
        if not d:
            break
        s.sendall(d)
        n += len(d)
s.shutdown(socket.SHUT_WR)
s.recv(1)
print(n)' "$addr" "$port" "$f") || return 1
	echo "$sum $out $(($(dev_stat "$lns" "$ldev" tx_packets) - t0)) $(($(dev_stat ul eth0 tx_packets) - e0))"
}

# lan_g_oopses: the kernel's oops, WARN, BUG... lines (those
# scripts/vm-run.sh looks for on the console); fails if there are any.
lan_g_oopses()
{
	! dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace|[Pp]anic|KASAN|lockdep|UBSAN|general protection fault|RCU stall' |
		grep -vE 'Kernel command line|panic='
}

# lan_g_fdb_want NS DEV WHAT=MAC=IP=PORT...: DEV's FDB has each MAC at
# IP:PORT, in `bridge -j fdb show` and in the text dump alike (a missing
# port is the device's group port); says where each one is.  One python
# for the lot: each start of it takes a second or more in a TCG guest.
lan_g_fdb_want()
{
	local ns=$1 dev=$2 gport w what mac ip port bad rc=0
	local -A dump=()

	shift 2
	gport=$(lac_info "$ns" "$dev" port) || { echo "no lac device $dev in $ns"; return 1; }
	dump[json]=$(bridge -n "$ns" -j fdb show dev "$dev" | "${LAC_PY[@]}" fdb-entries) &&
		dump[text]=$(fdb_entries "$ns" "$dev") || return 1
	for w in "$@"; do
		IFS='=' read -r what mac ip port <<< "$w"
		bad=$(lan_g_fdb_where "$mac" "$ip:$port" "$gport" json "${dump[json]}" &&
			lan_g_fdb_where "$mac" "$ip:$port" "$gport" text "${dump[text]}") || rc=1
		echo "$what ($mac) ${bad:-at $ip:$port}"
	done
	[ $rc = 0 ] && return 0
	echo "the fdb of $dev:"
	printf '%s\n' "${dump[text]}"
	return 1
}

# lan_g_fdb_where MAC IP:PORT GROUP-PORT NAME DUMP: fails, saying where MAC
# is in DUMP (lines of lib_fdb.sh's fdb_entries), if not at IP:PORT.
lan_g_fdb_where()
{
	local got

	got=$(awk -v m="${1,,}" -v g="$3" '
		tolower($1) == m && $2 != "-" { print $2 ":" ($3 == "-" ? g : $3); exit }' <<< "$5")
	[ "$got" = "$2" ] && return 0
	echo "is at '$got' in the $4 dump, want $2"
	return 1
}

# ---- bench/lan-bench.sh ---------------------------------------------------

# lan_g_bench_setup I: host I (1 or 2) of the benchmark, every contender at
# once on eth0 (10.99.0.I): vxlan (vx0, 192.168.71.I), lac (lac0,
# 192.168.72.I) and vde_plug (vtap0, 192.168.73.I), each on a group and
# port of its own, so that none of them hears the others' floods.  The
# tap gets the tunnels' MTU (1450): no datagram is fragmented on eth0.
lan_g_bench_setup()
{
	local i=$1

	lan_g_underlay "10.99.0.$i/24" || return 1
	ip link add vx0 type vxlan id 1 group 239.0.1.1 dev eth0 dstport 4789 &&
		lac_up ul vx0 "192.168.71.$i/24" || return 1
	ip link add lac0 type lac group 239.0.0.1 port 14789 dev eth0 &&
		lac_up ul lac0 "192.168.72.$i/24" || return 1
	lac_vde_start ul vtap0 "192.168.73.$i/24" vxvde://239.0.2.1/port=14790 &&
		ip link set vtap0 mtu 1450
}

# lan_g_iperf_server: a one-shot iperf3 server (port 5201), listening when
# this returns; one left by a run that failed is stopped first.
lan_g_iperf_server()
{
	local pidf=/tmp/lan-iperf3.pid

	[ ! -s "$pidf" ] || kill "$(cat "$pidf")" 2> /dev/null
	rm -f "$pidf"
	iperf3 -s -1 -D -p 5201 --pidfile "$pidf" || return 1
	lac_wait "$LAC_WAIT_START" eval 'ss -Hltn "sport = :5201" | grep -q .'
}

# lan_g_rtt ADDR COUNT: the average RTT (ms) of COUNT pings 50 ms apart.
lan_g_rtt()
{
	ping -q -n -c "$2" -i 0.05 -w $(($2 / 5 + 30)) "$1" 2>&1 |
		awk -F/ '/^rtt|^round-trip/ { print $5; found = 1 } END { exit !found }'
}
