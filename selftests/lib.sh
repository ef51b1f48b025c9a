# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers of the lac (Local Area Cloud) selftests.
#
# The underlay built by lac_underlay_create N is a LAN of N "hosts":
#
#   netns $UL:  br0 (bridge, mcast_snooping 0) with ports p1 .. pN
#   netns $Hi:  eth0 (veth peer of pi), 10.0.0.i/24, route 224.0.0.0/4 dev eth0
#
# Every namespace gets a unique name and is deleted on exit, together with
# the processes the test started.  IPv6 is disabled in them, so that the only
# frames on a lac device are the ones a test sends.
#
# A test script sets ALL_TESTS (names of functions, each of which ends with
# one log_test call), optionally REQUIRED_CMDS and a setup() function, and
# calls lac_main "$@".  Output is KTAP; exit status 0 pass, 1 fail, 4 skip.
# TESTS="test_a test_b" (or the names as arguments) runs a subset; tests of a
# script build on each other's state, so pick a prefix of ALL_TESTS.

LAC_SELFTEST_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

# Seconds the waiting helpers wait by default before giving up.
: "${LAC_WAIT:=10}"
# Seconds a program may take to start and do a short job (a program started
# in the background to be ready, rmmod to unload lac): the first python of a
# VM reads its modules from the 9p root, slowly when the host is loaded, and
# rmmod under a flood took more than 30 s on the debug kernel.
# shellcheck disable=SC2034 # used by the tests
LAC_WAIT_START=$((LAC_WAIT > 30 ? LAC_WAIT : 30))
# The ageing of the tests that watch an entry expire: 8 s, or 30 s on a slow
# run (LAC_AGEING set, see lac_ageing_opts).  The ping that teaches the
# entry and the first look at it must take less: with 3 s they once took
# more on 6.1 when the host's CPU was half stolen.
# shellcheck disable=SC2034 # used by the tests
LAC_AGEING_SHORT=${LAC_AGEING:+30}
LAC_AGEING_SHORT=${LAC_AGEING_SHORT:-8}

# The lac repository (standalone runs): it holds build/ip/link_lac.so, the ip
# plugin, and build/<kernel release>/lac.ko.
: "${LAC_REPO:=$(dirname "$LAC_SELFTEST_DIR")}"
if [ -z "${IP_LIB_DIR:-}" ] && [ -e "$LAC_REPO/build/ip/link_lac.so" ]; then
	export IP_LIB_DIR="$LAC_REPO/build/ip"
fi

if [ -x /usr/bin/python3 ]; then
	LAC_PYTHON=/usr/bin/python3
else
	LAC_PYTHON=$(command -v python3 || echo python3)
fi
LAC_UTIL="$LAC_SELFTEST_DIR/lac_util.py"
# -S: no site packages, the helper needs only the standard library (and
# starts twice as fast in an emulated machine).
LAC_PY=("$LAC_PYTHON" -S "$LAC_UTIL")

# shellcheck disable=SC2034 # used by the tests
{
	LAC_GROUP=239.0.0.1
	LAC_GROUP_PORT=14789
}

LAC_ID=$(mktemp -u XXXXXX)
LAC_NS_LIST=()
LAC_PIDS=()
LAC_TMPDIR=
declare -A LAC_CAP_PID=()

REQUIRED_CMDS=${REQUIRED_CMDS:-}
ALL_TESTS=${ALL_TESTS:-}

##############################################################################
# KTAP output

KTAP_TESTNO=1
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0
KSFT_NUM_TESTS=0

ktap_print_msg()
{
	local line

	while IFS= read -r line; do
		echo "# $line"
	done <<< "$*"
}

# ktap_print_pipe: copy stdin as KTAP diagnostics.
ktap_print_pipe()
{
	sed 's/^/# /'
}

ktap_print_header()
{
	echo "TAP version 13"
}

ktap_set_plan()
{
	KSFT_NUM_TESTS=$1
	echo "1..$KSFT_NUM_TESTS"
}

__ktap_test()
{
	local result=$1 description=$2 directive=${3:-}

	echo "$result $KTAP_TESTNO $description${directive:+ # $directive}"
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
}

ktap_test_pass()
{
	__ktap_test "ok" "$1"
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
}

ktap_test_skip()
{
	__ktap_test "ok" "$1" "SKIP${2:+ $2}"
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
}

ktap_test_fail()
{
	__ktap_test "not ok" "$1"
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
}

ktap_print_totals()
{
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL xfail:0 xpass:0 skip:$KTAP_CNT_SKIP error:0"
}

ktap_exit_fail_msg()
{
	echo "Bail out! $*"
	ktap_print_totals
	exit "$KSFT_FAIL"
}

ktap_finished()
{
	ktap_print_totals
	if [ "$KTAP_CNT_FAIL" -ne 0 ] ||
	   [ $((KTAP_CNT_PASS + KTAP_CNT_SKIP)) -ne "$KSFT_NUM_TESTS" ]; then
		exit "$KSFT_FAIL"
	fi
	if [ "$KSFT_NUM_TESTS" -gt 0 ] && [ "$KTAP_CNT_SKIP" -eq "$KSFT_NUM_TESTS" ]; then
		exit "$KSFT_SKIP"
	fi
	exit "$KSFT_PASS"
}

##############################################################################
# Result bookkeeping, in the style of net/forwarding/lib.sh

RET=0		# result of the running test: 0 pass, 1 fail, 4 skip
RET_SKIP_MSG=

log_info()
{
	ktap_print_msg "$@"
}

# check_err STATUS MESSAGE: fail the running test if STATUS is not 0.
check_err()
{
	if [ "$1" -ne 0 ]; then
		RET=$KSFT_FAIL
		ktap_print_msg "FAIL: $2"
	fi
}

# check_fail STATUS MESSAGE: fail the running test if STATUS is 0.
check_fail()
{
	if [ "$1" -eq 0 ]; then
		RET=$KSFT_FAIL
		ktap_print_msg "FAIL: $2"
	fi
}

# test_skip MESSAGE: the kernel lacks a feature the running test needs.
test_skip()
{
	[ "$RET" -eq 0 ] && RET=$KSFT_SKIP
	RET_SKIP_MSG=$1
}

log_test()
{
	case $RET in
	0) ktap_test_pass "$1" ;;
	"$KSFT_SKIP") ktap_test_skip "$1" "$RET_SKIP_MSG" ;;
	*) ktap_test_fail "$1" ;;
	esac
	RET=0
	RET_SKIP_MSG=
}

##############################################################################
# Time and waiting

now_ms()
{
	local t=${EPOCHREALTIME//[.,]/}

	echo $((t / 1000))
}

# lac_wait_ms TIMEOUT_MS CMD...: run CMD every 0.1 s until it succeeds.
lac_wait_ms()
{
	local timeout=$1; shift
	local start

	start=$(now_ms)
	while true; do
		"$@" && return 0
		[ $(($(now_ms) - start)) -ge "$timeout" ] && return 1
		sleep 0.1
	done
}

# lac_wait [TIMEOUT_S] CMD...: like lac_wait_ms, in seconds.
lac_wait()
{
	local timeout=$1; shift

	lac_wait_ms $((timeout * 1000)) "$@"
}

# not CMD...: succeed if CMD fails (for lac_wait).
not()
{
	! "$@"
}

##############################################################################
# Requirements

lac_require_cmds()
{
	local cmd missing=()

	for cmd in "$@"; do
		command -v "$cmd" > /dev/null 2>&1 || missing+=("$cmd")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	ktap_print_msg "missing commands: ${missing[*]}"
	return 1
}

# The lac.ko to load when the module is not loaded yet.
lac_ko_path()
{
	local rel

	rel=$(uname -r)
	if [ -n "${LAC_KO:-}" ]; then
		echo "$LAC_KO"
	elif [ -e "$LAC_REPO/build/$rel/lac.ko" ]; then
		echo "$LAC_REPO/build/$rel/lac.ko"
	fi
}

lac_module_loaded()
{
	[ -d /sys/module/lac ]
}

lac_load_module()
{
	local ko

	lac_module_loaded && return 0
	ko=$(lac_ko_path)
	if [ -n "$ko" ]; then
		insmod "$ko" || return 1
	else
		modprobe lac || return 1
	fi
	lac_module_loaded
}

lac_require()
{
	# shellcheck disable=SC2086
	lac_require_cmds ip bridge ping python3 $REQUIRED_CMDS ||
		ktap_exit_fail_msg "required commands are missing"
	[ -r "$LAC_UTIL" ] || ktap_exit_fail_msg "$LAC_UTIL is missing"
	[ "$(id -u)" -eq 0 ] || ktap_exit_fail_msg "the lac selftests need root"
	lac_load_module ||
		ktap_exit_fail_msg "the lac module is not loaded and cannot be loaded (LAC_KO=${LAC_KO:-}, $LAC_REPO/build/$(uname -r)/lac.ko)"
	ip link help lac 2>&1 | grep -qi vni ||
		ktap_exit_fail_msg "ip has no support for link type lac (IP_LIB_DIR=${IP_LIB_DIR:-unset}: build/ip/link_lac.so missing?)"
}

# lac_crypto_load: the crypto modules of sealed LACs.  Where module
# autoload cannot reach modprobe (the test VM's chroot), crypto_alloc_*()
# would find no implementation.  Those built in, or absent, are skipped.
lac_crypto_load()
{
	local m

	for m in gcm ghash-generic ghash-clmulni-intel ctr aesni-intel \
		chacha20poly1305 chacha-x86_64 chacha-generic poly1305-x86_64 \
		poly1305-generic cbc ecb; do
		modprobe -q "$m" 2> /dev/null
	done
	return 0
}

##############################################################################
# Namespaces, processes and cleanup

# lac_ns_create VAR...: create a namespace for each VAR and store its name.
lac_ns_create()
{
	local var name

	for var in "$@"; do
		name="lac-$LAC_ID-${var,,}"
		ip netns add "$name" || return 1
		LAC_NS_LIST+=("$name")
		printf -v "$var" '%s' "$name"
		ip -n "$name" link set lo up || return 1
		if [ -d /proc/sys/net/ipv6 ]; then
			ip netns exec "$name" sh -c '
				echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
				echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' ||
				return 1
		fi
	done
}

lac_ns_delete()
{
	local ns=$1 pid i

	for pid in $(ip netns pids "$ns" 2> /dev/null); do
		kill "$pid" 2> /dev/null
	done
	ip netns del "$ns" 2> /dev/null
	for i in "${!LAC_NS_LIST[@]}"; do
		[ "${LAC_NS_LIST[$i]}" = "$ns" ] && unset "LAC_NS_LIST[$i]"
	done
	LAC_NS_LIST=("${LAC_NS_LIST[@]}")
}

lac_bg_add()
{
	LAC_PIDS+=("$1")
}

lac_cleanup()
{
	local pid i

	for pid in "${LAC_PIDS[@]}"; do
		kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null
	done
	LAC_PIDS=()
	# Newest first: endpoint namespaces before the underlay they use.
	for ((i = ${#LAC_NS_LIST[@]} - 1; i >= 0; i--)); do
		lac_ns_delete "${LAC_NS_LIST[$i]}"
	done
	[ -n "$LAC_TMPDIR" ] && rm -rf "$LAC_TMPDIR"
	LAC_TMPDIR=
}

# lac_underlay_create N [6]: namespace $UL with br0, hosts $H1 .. $HN.
# With 6 the hosts are dual-stack: eth0 also has fd00::i/64 (see
# lac_ns_ipv6_enable) and IPv6's own ff00::/8 route.
lac_underlay_create()
{
	local n=$1 v6=${2:-} i ns

	lac_ns_create UL || return 1
	ip -n "$UL" link add br0 type bridge mcast_snooping 0 || return 1
	ip -n "$UL" link set br0 up || return 1
	for ((i = 1; i <= n; i++)); do
		lac_ns_create "H$i" || return 1
		ns="H$i"
		ns=${!ns}
		ip -n "$ns" link add eth0 type veth peer name "p$i" netns "$UL" || return 1
		ip -n "$UL" link set "p$i" master br0 up || return 1
		ip -n "$ns" addr add "10.0.0.$i/24" dev eth0 || return 1
		if [ "$v6" = 6 ]; then
			lac_ns_ipv6_enable "$ns" lo eth0 || return 1
			ip -n "$ns" addr add "fd00::$i/64" dev eth0 nodad || return 1
		fi
		ip -n "$ns" link set eth0 up || return 1
		ip -n "$ns" route add 224.0.0.0/4 dev eth0 || return 1
		if [ "$v6" = 6 ] && ! lac_mroute6_ok "$ns" eth0; then
			ktap_print_msg "$ns: no IPv6 multicast route on eth0: $(ip -n "$ns" -6 route show table all 2>&1)"
			return 1
		fi
	done
}

##############################################################################
# lac devices

# lac_ageing_opts [lac options...]: LAC_OPTS is the options plus "ageing
# $LAC_AGEING" when LAC_AGEING is set and they have no ageing of their own.
# The debug run sets it: there minutes pass between the traffic that taught
# an entry and the check that reads it, more than the default 128 s.  The
# tests of the default itself unset it.
lac_ageing_opts()
{
	local o

	LAC_OPTS=("$@")
	[ -n "${LAC_AGEING:-}" ] || return 0
	for o in "$@"; do
		[ "$o" = ageing ] && return 0
	done
	LAC_OPTS+=(ageing "$LAC_AGEING")
}

# lac_add NS NAME [lac options...]: create a lac device, report ip's errors.
lac_add()
{
	local ns=$1 name=$2 out; shift 2

	lac_ageing_opts "$@"
	if ! out=$(ip -n "$ns" link add "$name" type lac "${LAC_OPTS[@]}" 2>&1); then
		ktap_print_msg "ip link add $name type lac $*: $out"
		return 1
	fi
}

# lac_container_add VAR HOSTNS ADDR/PREFIX [address MAC] [lac options...]:
# a "container": a new namespace $VAR whose eth0 is a lac device created in
# HOSTNS (where its sockets stay), with MAC if given, addressed and up.
lac_container_add()
{
	local var=$1 hns=$2 addr=$3 ns tmp lladdr=(); shift 3

	if [ "${1:-}" = address ]; then
		lladdr=(address "$2")
		shift 2
	fi
	lac_ns_create "$var" || return 1
	ns=${!var}
	tmp=lc-${var,,}
	tmp=${tmp:0:15}
	lac_add "$hns" "$tmp" "$@" &&
		ip -n "$hns" link set "$tmp" netns "$ns" &&
		ip -n "$ns" link set "$tmp" name eth0 "${lladdr[@]}" &&
		lac_up "$ns" eth0 "$addr"
}

# Container set-ups (lac_containers.sh, lac_teardown.sh) on a dual-stack
# underlay: container HK (on host H, number K) of LAC family FAM is the
# namespace $C<FAM>_<HK>; its eth0 is a lac device of $H<H> (IPv6: local
# fd00::H) with address 192.0.2.HK (IPv4 LAC) or 198.51.100.HK (IPv6 LAC)
# and MAC 02:1a:00:00:0FAM:HK.  The MAC follows the container, as Docker's
# follows the IP: a container made again has its old one.  With a new MAC,
# a peer whose ARP entry for that IP went stale less than a second before
# the new container's first broadcasts ignores them (ARP's locktime) and
# only finds the new MAC after its probes of the old one fail, some 9 s
# later: kernel ARP, not lac, but a stall that lac_teardown.sh would take
# for a broken LAC.

lac_ctr_ns()
{
	local var=C$1_$2

	echo "${!var}"
}

lac_ctr_ip()
{
	if [ "$1" = 6 ]; then echo "198.51.100.$2"; else echo "192.0.2.$2"; fi
}

lac_ctr_mac()
{
	echo "02:1a:00:00:0$1:$2"
}

# lac_ctr_add FAM HK
lac_ctr_add()
{
	local fam=$1 hk=$2 h=H${2:0:1} opts=(ageing 3600)

	# The tests read learned entries minutes after the traffic on a slow
	# (debug) kernel: the default ageing (128 s) would take them away.
	[ "$fam" = 6 ] && opts+=(local "fd00::${hk:0:1}")
	lac_container_add "C$1_$2" "${!h}" "$(lac_ctr_ip "$fam" "$hk")/24" \
		address "$(lac_ctr_mac "$fam" "$hk")" "${opts[@]}"
}

# lac_ctr_mesh FAM HK...: every pair of these containers pings.
lac_ctr_mesh()
{
	local fam=$1 hk list=(); shift

	for hk in "$@"; do
		list+=("$(lac_ctr_ns "$fam" "$hk")=$(lac_ctr_ip "$fam" "$hk")")
	done
	lac_ping_mesh "${list[@]}"
}

# lac_up NS NAME ADDR/PREFIX: address a device and bring it up.
lac_up()
{
	local ns=$1 name=$2 addr=$3

	ip -n "$ns" addr add "$addr" dev "$name" || return 1
	ip -n "$ns" link set "$name" up
}

# lac_setup NS NAME ADDR/PREFIX [lac options...]
lac_setup()
{
	local ns=$1 name=$2 addr=$3; shift 3

	lac_add "$ns" "$name" "$@" && lac_up "$ns" "$name" "$addr"
}

declare -A LAC_LINK=()

# lac_link_load NS DEV: fill LAC_LINK from `ip -j -d link show DEV`: keys
# ifindex, address, mtu, kind and info.KEY for each key of info_data.
# Parsed in bash: starting python takes a second in an emulated machine.
# (lac_util.py link-dump does the same for info_data values that are not
# flat.)
lac_link_load()
{
	local out body item k v re

	LAC_LINK=()
	out=$(ip -n "$1" -j -d link show dev "$2") || return 1
	[[ $out == '[{'* ]] || return 1
	for k in ifindex address mtu; do
		re="\"$k\":\"?([^,\"}]*)"
		[[ $out =~ $re ]] && LAC_LINK[$k]=${BASH_REMATCH[1]}
	done
	re='"info_kind":"([^"]*)"'
	[[ $out =~ $re ]] && LAC_LINK[kind]=${BASH_REMATCH[1]}
	re='"info_data":\{([^{}]*)\}'
	if [[ $out =~ $re ]]; then
		body=${BASH_REMATCH[1]}
	elif [[ $out == *'"info_data":{'* ]]; then
		# Nested values: let python do it.
		out=$(printf '%s\n' "$out" | "${LAC_PY[@]}" link-dump) || return 1
		while read -r k v; do
			LAC_LINK[$k]=$v
		done <<< "$out"
		return 0
	else
		return 0
	fi
	re='^"([^"]*)":"?([^"]*)"?$'
	while IFS= read -r -d , item; do
		[[ $item =~ $re ]] || continue
		LAC_LINK[info.${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	done <<< "$body,"
}

# lac_info NS DEV KEY: one key of linkinfo.info_data (JSON); fails if absent.
lac_info()
{
	lac_link_load "$1" "$2" || return 1
	[ -n "${LAC_LINK[info.$3]+set}" ] || return 1
	echo "${LAC_LINK[info.$3]}"
}

lac_localport()
{
	lac_info "$1" "$2" local_port
}

dev_mac()
{
	ip -n "$1" -br link show dev "$2" | awk '{ print $3 }'
}

dev_mtu()
{
	ip -n "$1" -o link show dev "$2" |
		awk '{ for (i = 1; i < NF; i++) if ($i == "mtu") print $(i + 1) }'
}

dev_stat()
{
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

dev_exists()
{
	ip -n "$1" link show dev "$2" > /dev/null 2>&1
}

##############################################################################
# Forwarding database

# lac_fdb_get NS DEV MAC: print "IP PORT" of the entry for MAC, from
# `bridge fdb show` ("MAC dst IP [port P] self"); the port is the device's
# group port when the entry has none.
lac_fdb_get()
{
	local ns=$1 dev=$2 mac=${3,,} out dst port

	out=$(bridge -n "$ns" fdb show dev "$dev" | awk -v mac="$mac" '
		tolower($1) == mac {
			dst = ""; port = "-"
			for (i = 2; i < NF; i++) {
				if ($i == "dst") dst = $(i + 1)
				if ($i == "port") port = $(i + 1)
			}
			if (dst != "") { print dst, port; found = 1; exit }
		}
		END { exit !found }') || return 1
	read -r dst port <<< "$out"
	if [ "$port" = "-" ]; then
		port=$(lac_info "$ns" "$dev" port) || return 1
	fi
	echo "$dst $port"
}

# lac_fdb_get_json NS DEV MAC: like lac_fdb_get, from `bridge -j fdb show`.
lac_fdb_get_json()
{
	local ns=$1 dev=$2 mac=$3 out dst port

	out=$(bridge -n "$ns" -j fdb show dev "$dev" | "${LAC_PY[@]}" fdb-get "$mac") ||
		return 1
	read -r dst port <<< "$out"
	if [ "$port" = "-" ]; then
		port=$(lac_info "$ns" "$dev" port) || return 1
	fi
	echo "$dst $port"
}

lac_fdb_has()
{
	lac_fdb_get "$@" > /dev/null
}

lac_fdb_dump()
{
	bridge -n "$1" fdb show dev "$2" 2>&1 | ktap_print_pipe
}

# lac_fdb_check NS DEV MAC IP PORT: the entry for MAC points to IP:PORT.
lac_fdb_check()
{
	local ns=$1 dev=$2 mac=$3 ip=$4 port=$5 got

	if ! got=$(lac_fdb_get "$ns" "$dev" "$mac"); then
		ktap_print_msg "no fdb entry for $mac on $dev in $ns; the fdb is:"
		lac_fdb_dump "$ns" "$dev"
		return 1
	fi
	if [ "$got" != "$ip $port" ]; then
		ktap_print_msg "fdb entry for $mac on $dev in $ns is '$got', want '$ip $port'"
		return 1
	fi
}

# lac_fdb_wait_gone NS DEV MAC TIMEOUT_MS: wait for the entry to go, print
# how long it took (ms).
lac_fdb_wait_gone()
{
	local ns=$1 dev=$2 mac=$3 timeout=$4 start rc

	start=$(now_ms)
	lac_wait_ms "$timeout" not lac_fdb_has "$ns" "$dev" "$mac"
	rc=$?
	echo $(($(now_ms) - start))
	return $rc
}

##############################################################################
# Traffic

# lac_ping NS ADDR [TRIES]: one echo per try, 1 s timeout each.
lac_ping()
{
	local ns=$1 addr=$2 tries=${3:-10} i

	for ((i = 0; i < tries; i++)); do
		ip netns exec "$ns" ping -q -n -c 1 -W 1 "$addr" > /dev/null 2>&1 && return 0
	done
	ktap_print_msg "ping $addr from $ns failed $tries times"
	return 1
}

# lac_ping_many NS ADDR...: ping every ADDR from NS at once (one echo per
# try, up to 5 tries each); report those that never answered.
lac_ping_many()
{
	local ns=$1 out; shift

	# shellcheck disable=SC2016 # a script for the inner bash
	out=$(ip netns exec "$ns" bash -c '
		declare -A pid=()
		for a in "$@"; do
			for i in 1 2 3 4 5; do
				ping -q -n -c 1 -W 1 "$a" > /dev/null 2>&1 && exit 0
			done &
			pid[$a]=$!
		done
		for a in "$@"; do
			wait "${pid[$a]}" || echo "$a"
		done' lac_ping_many "$@")
	[ -z "$out" ] && return 0
	ktap_print_msg "from $ns no answer from: ${out//$'\n'/ }"
	lac_dump_neigh "$ns"
	return 1
}

# lac_ping_mesh NS=ADDR...: every NS pings the ADDR of every other one.
lac_ping_mesh()
{
	local a b dst rc=0

	for a in "$@"; do
		dst=()
		for b in "$@"; do
			[ "$a" = "$b" ] || dst+=("${b#*=}")
		done
		lac_ping_many "${a%%=*}" "${dst[@]}" || rc=1
	done
	[ $rc -eq 0 ] && return 0
	for a in "$@"; do
		ip -n "${a%%=*}" -br link show type lac 2>&1 |
			sed "s/^/${a#*=} /" | ktap_print_pipe
	done
	return $rc
}

# lac_no_ping NS ADDR: three echoes, none answered.
lac_no_ping()
{
	! ip netns exec "$1" ping -q -n -c 3 -i 0.3 -W 1 "$2" > /dev/null 2>&1
}

# lac_udp_bound NS PORT: some UDP socket of NS is bound to PORT.
lac_udp_bound()
{
	ip netns exec "$1" ss -uanH | awk -v p="$2" '
		{ n = split($4, a, ":"); if (a[n] == p) found = 1 }
		END { exit !found }'
}

# lac_dump_neigh NS: the neighbours of NS and lac_dump NS, for a ping from
# NS that got no answer.
lac_dump_neigh()
{
	ip -n "$1" neigh show 2>&1 | ktap_print_pipe
	lac_dump "$1"
}

# lac_dump NS...: state of the lac devices and UDP sockets of each NS, as
# diagnostics of a failure.
lac_dump()
{
	local ns

	for ns in "$@"; do
		{
			echo "--- $ns"
			ip -n "$ns" -s -d link show type lac
			bridge -n "$ns" fdb show | grep -w dst
			ip netns exec "$ns" ss -uanH
		} 2>&1 | ktap_print_pipe
	done
}

##############################################################################
# Packet capture (tcpdump on an underlay device)

# lac_capture_start NAME NS DEV: capture UDP on DEV in NS.
lac_capture_start()
{
	local name=$1 ns=$2 dev=$3 f

	[ -n "$LAC_TMPDIR" ] || LAC_TMPDIR=$(mktemp -d /tmp/lac-selftest.XXXXXX)
	f="$LAC_TMPDIR/$name"
	ip netns exec "$ns" tcpdump -Z root -i "$dev" -nn -U --immediate-mode \
		-w "$f.pcap" udp 2> "$f.err" &
	LAC_CAP_PID[$name]=$!
	lac_bg_add $!
	if ! lac_wait "$LAC_WAIT" grep -q "listening on" "$f.err"; then
		ktap_print_msg "tcpdump did not start: $(cat "$f.err")"
		return 1
	fi
}

lac_capture_stop()
{
	local name=$1 pid=${LAC_CAP_PID[$1]} f=$LAC_TMPDIR/$1.pcap
	local size last=-1 same=0 i

	# Let tcpdump write the last datagrams: wait for the file to stay the
	# same size for 0.3 s (at most 3 s).
	for ((i = 0; i < 30 && same < 3; i++)); do
		sleep 0.1
		size=$(stat -c %s "$f" 2> /dev/null || echo 0)
		if [ "$size" = "$last" ]; then
			same=$((same + 1))
		else
			same=0
			last=$size
		fi
	done
	kill -INT "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	"${LAC_PY[@]}" pcap "$LAC_TMPDIR/$name.pcap" > "$LAC_TMPDIR/$name.txt"
}

# lac_capture_records NAME: one line per UDP datagram of a stopped capture:
# SRC SPORT DST DPORT TTL HDR VNI KIND INNER_SRC INNER_DST
lac_capture_records()
{
	cat "$LAC_TMPDIR/$1.txt"
}

# lac_capture_count NAME AWK-CONDITION: how many records match, e.g.
# lac_capture_count c1 '$1 == "10.0.0.1" && $8 == "arp"'
lac_capture_count()
{
	lac_capture_records "$1" | awk "$2 { n++ } END { print n + 0 }"
}

# lac_capture_first_ms NAME AWK-CONDITION: capture time (ms since the epoch)
# of the first record that matches; fails if none does.
lac_capture_first_ms()
{
	"${LAC_PY[@]}" pcap "$LAC_TMPDIR/$1.pcap" --time |
		awk "$2"' { printf "%.0f\n", $11 * 1000; f = 1; exit } END { exit !f }'
}

lac_capture_show()
{
	lac_capture_records "$1" | ktap_print_pipe
}

##############################################################################
# vde_plug (vdeplug4's vxvde://)

declare -A LAC_VDE_PID=()

# lac_vde_start NS TAP ADDR/PREFIX [URL [MAC]]: plug tap TAP of NS into a
# vxvde network (default vxvde://239.0.0.1).
lac_vde_start()
{
	local ns=$1 tap=$2 addr=$3 url=${4:-vxvde://$LAC_GROUP} mac=${5:-} pid

	ip -n "$ns" tuntap add "$tap" mode tap || return 1
	if [ -n "$mac" ]; then
		ip -n "$ns" link set "$tap" address "$mac" || return 1
	fi
	ip -n "$ns" addr add "$addr" dev "$tap" || return 1
	ip -n "$ns" link set "$tap" up || return 1
	ip netns exec "$ns" setsid vde_plug "$url" "tap://$tap" \
		< /dev/null > /dev/null 2>&1 &
	pid=$!
	LAC_VDE_PID["$ns/$tap"]=$pid
	lac_bg_add "$pid"
	if ! lac_wait "$LAC_WAIT" lac_vde_uport "$ns" "$tap" > /dev/null; then
		ktap_print_msg "vde_plug $url tap://$tap did not start in $ns"
		return 1
	fi
}

# lac_vde_uport NS TAP: the unicast UDP port of the vde_plug of TAP (the one
# of its two sockets that is not bound to the group).
lac_vde_uport()
{
	local ns=$1 tap=$2 pid=${LAC_VDE_PID["$1/$2"]}

	ip netns exec "$ns" ss -uanpH | awk -v pid="pid=$pid," '
		index($0, pid) {
			n = split($4, a, ":"); port = a[n]
			addr = substr($4, 1, length($4) - length(port) - 1)
			if (addr !~ /^(\[?::\]?|\*|0\.0\.0\.0)$/) next
			print port; found = 1; exit
		}
		END { exit !found }'
}

lac_vde_running()
{
	kill -0 "${LAC_VDE_PID["$1/$2"]}" 2> /dev/null
}

# lac_vde_stop NS TAP [SIGNAL]: stop it (TERM by default: it sends the leave
# message) and wait for it to exit.
lac_vde_stop()
{
	local ns=$1 tap=$2 sig=${3:-TERM} pid=${LAC_VDE_PID["$1/$2"]}

	kill "-$sig" "$pid" || return 1
	wait "$pid" 2> /dev/null
	return 0
}

##############################################################################
# IPv6 underlays

# shellcheck disable=SC2034 # used by the tests
LAC_GROUP6=ff05:56de::1

lac_ipv6_available()
{
	[ -d /proc/sys/net/ipv6 ]
}

# lac_ns_ipv6_enable NS DEV...: turn IPv6 on for DEV (lac_ns_create turns it
# off everywhere), quietly: no DAD, no router solicitations, and addresses
# stay when the device goes down (a static configuration).
lac_ns_ipv6_enable()
{
	local ns=$1 dev; shift

	for dev in "$@"; do
		ip netns exec "$ns" sh -c "
			c=/proc/sys/net/ipv6/conf/$dev
			echo 0 > \$c/accept_dad &&
			echo 0 > \$c/router_solicitations &&
			echo 1 > \$c/keep_addr_on_down &&
			echo 0 > \$c/disable_ipv6" || return 1
	done
}

# lac_mroute6_ok NS DEV: IPv6 multicast (the default group) is routed out
# of DEV, by the ff00::/8 route IPv6 adds by itself.
lac_mroute6_ok()
{
	ip -n "$1" -6 route get "$LAC_GROUP6" 2> /dev/null | grep -q " dev $2 "
}

# lac_host_ip FAMILY I: underlay address of host I (4: 10.0.0.I, 6: fd00::I).
lac_host_ip()
{
	if [ "$1" = 6 ]; then
		echo "fd00::$2"
	else
		echo "10.0.0.$2"
	fi
}

# lac_mcast_joined NS DEV GROUP: GROUP (IPv4 or IPv6) is joined on DEV in NS,
# from /proc/net/igmp or /proc/net/igmp6.
lac_mcast_joined()
{
	local ns=$1 dev=$2 group=$3 hex

	if [[ $group == *:* ]]; then
		hex=$("${LAC_PY[@]}" addr-hex "$group") || return 1
		ip netns exec "$ns" cat /proc/net/igmp6 |
			awk -v d="$dev" -v g="$hex" '
				$2 == d && $3 == g { found = 1 }
				END { exit !found }'
	else
		# /proc/net/igmp prints the __be32 as a host-order number.
		hex=$("${LAC_PY[@]}" addr-hex "$group" host) || return 1
		ip netns exec "$ns" cat /proc/net/igmp |
			awk -v d="$dev" -v g="$hex" '
				/^[0-9]/ { cur = $2; next }
				cur == d && toupper($1) == g { found = 1 }
				END { exit !found }'
	fi
}

##############################################################################
# Carrier, sockets, module: state that a teardown must restore

# lac_carrier NS DEV: 1 or 0 (/sys/class/net/DEV/carrier), "-" if unreadable
# (the device is down).
lac_carrier()
{
	ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2> /dev/null || echo -
}

lac_operstate()
{
	ip netns exec "$1" cat "/sys/class/net/$2/operstate" 2> /dev/null
}

# lac_udp_inuse NS [4|6]: UDP plus UDP6 sockets in use in NS, or only one of
# them (/proc/net/sockstat*, which count per namespace, kernel sockets
# included).
lac_udp_inuse()
{
	local want="UDP: UDP6:"

	[ "${2:-}" = 4 ] && want="UDP:"
	[ "${2:-}" = 6 ] && want="UDP6:"
	ip netns exec "$1" sh -c 'cat /proc/net/sockstat /proc/net/sockstat6 2> /dev/null' |
		awk -v want=" $want " 'index(want, " " $1 " ") {
			for (i = 2; i < NF; i++) if ($i == "inuse") n += $(i + 1)
		} END { print n + 0 }'
}

# lac_slab_objects CACHE: objects allocated in a slab cache, counted after
# the cache is shrunk (which flushes the per-CPU slabs, so that freed objects
# are not counted); "-" if unknown.  The UDPv6 cache is a good global count
# of IPv6 UDP sockets; UDP shares its cache with unrelated objects.
lac_slab_objects()
{
	local d=/sys/kernel/slab/$1

	if [ -r "$d/objects" ]; then
		echo 1 > "$d/shrink" 2> /dev/null
		cut -d' ' -f1 "$d/objects"
	else
		awk -v c="$1" '$1 == c { print $2; f = 1; exit } END { if (!f) print "-" }' \
			/proc/slabinfo 2> /dev/null
	fi
}

lac_module_refcnt()
{
	cat /sys/module/lac/refcnt 2> /dev/null || echo -
}

# lac_module_state: one line on the module, for a failed unload.
lac_module_state()
{
	if lac_module_loaded; then
		echo "lac still loaded: state $(cat /sys/module/lac/initstate 2> /dev/null), refcnt $(lac_module_refcnt)"
	else
		echo "lac unloaded"
	fi
}

# lac_rmmod: unload lac and wait until it is gone (lac_load_module loads it
# again).
lac_rmmod()
{
	local out rc

	out=$(timeout "$LAC_WAIT_START" rmmod lac 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		[ "$rc" -ne 124 ] || out="timed out after $LAC_WAIT_START s"
		ktap_print_msg "rmmod lac: $out; $(lac_module_state)"
		return 1
	fi
	lac_wait 5 not lac_module_loaded
}

# lac_expect_error MESSAGE CMD...: CMD fails and says MESSAGE (e.g. ip's
# "Error: <extack>.").
lac_expect_error()
{
	local msg=$1 out rc; shift

	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ktap_print_msg "'$*' succeeded, want '$msg'"
		return 1
	fi
	if [[ $out != *"$msg"* ]]; then
		ktap_print_msg "'$*' said '$out', want '$msg'"
		return 1
	fi
}

# lac_expect_error_glob PATTERN CMD...: like lac_expect_error, PATTERN a
# bash glob.
lac_expect_error_glob()
{
	local pat=$1 out rc; shift

	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ktap_print_msg "'$*' succeeded, want '$pat'"
		return 1
	fi
	# shellcheck disable=SC2053 # a pattern
	if [[ $out != $pat ]]; then
		ktap_print_msg "'$*' said '$out', want '$pat'"
		return 1
	fi
}

# lac_ageing_check NS DEV MAC AGEING_S T_BEFORE_MS: the entry of MAC, last
# refreshed by a frame sent after T_BEFORE_MS (and before now), is still
# there one second later (when that proves anything: under heavy load the
# check may come too late) and goes within AGEING_S, plus the interval of
# the scan that removes expired entries (AGEING_S / 2, 0.5 s to 10 s), plus
# 3 s.  Sets LAC_AGEING_MS to the age (ms) at which it went.
lac_ageing_check()
{
	local ns=$1 dev=$2 mac=$3 age=$(($4 * 1000)) tb=$5 t0 tc scan

	scan=$((age / 2 < 500 ? 500 : age / 2 > 10000 ? 10000 : age / 2))

	t0=$(now_ms)
	lac_fdb_has "$ns" "$dev" "$mac" || {
		ktap_print_msg "$mac is not in the fdb of $dev"
		return 1
	}
	sleep 1
	if ! lac_fdb_has "$ns" "$dev" "$mac"; then
		tc=$(now_ms)
		if [ $((tc - tb)) -lt "$age" ]; then
			ktap_print_msg "$mac went after less than $((tc - tb)) ms (ageing $4 s)"
			return 1
		fi
		ktap_print_msg "note: the check came $((tc - tb)) ms after the last frame (loaded machine)"
	fi
	if ! lac_wait_ms $((t0 + age + scan + 3000 - $(now_ms))) not lac_fdb_has "$ns" "$dev" "$mac"; then
		ktap_print_msg "$mac still there $(($(now_ms) - t0)) ms after the last frame (ageing $4 s)"
		return 1
	fi
	# shellcheck disable=SC2034 # read by the tests
	LAC_AGEING_MS=$(($(now_ms) - t0))
}

##############################################################################
# Background traffic

declare -A LAC_BGPING_PID=()

# lac_bg_ping NAME NS ADDR [INTERVAL]: ping ADDR from NS in the background
# (default every 0.05 s), with timestamps, into $LAC_TMPDIR/NAME.ping.
lac_bg_ping()
{
	local name=$1 ns=$2 addr=$3 ival=${4:-0.05}

	ip netns exec "$ns" ping -n -D -O -W 1 -i "$ival" "$addr" \
		> "$LAC_TMPDIR/$name.ping" 2>&1 &
	LAC_BGPING_PID[$name]=$!
	lac_bg_add $!
}

# lac_bg_ping_replies NAME: echo replies received so far.
lac_bg_ping_replies()
{
	grep -c "bytes from" "$LAC_TMPDIR/$1.ping"
}

# lac_bg_ping_wait NAME N [TIMEOUT_S]: wait for N more replies than now.
lac_bg_ping_wait()
{
	local name=$1 want

	want=$(($(lac_bg_ping_replies "$name") + $2))
	# shellcheck disable=SC2016 # evaluated by lac_wait
	lac_wait "${3:-$LAC_WAIT}" \
		eval '[ "$(lac_bg_ping_replies "$name")" -ge "$want" ]'
}

lac_bg_ping_stop()
{
	kill "${LAC_BGPING_PID[$1]}" 2> /dev/null
	wait "${LAC_BGPING_PID[$1]}" 2> /dev/null
	return 0
}

# lac_bg_ping_max_gap NAME: the longest time (ms) between two replies.
lac_bg_ping_max_gap()
{
	awk '
		/bytes from/ && match($0, /^\[[0-9.]+\]/) {
			ms = substr($0, 2, RLENGTH - 2) * 1000
			if (n++ && ms - last > gap) gap = ms - last
			last = ms
		}
		END { printf "%.0f\n", gap }' "$LAC_TMPDIR/$1.ping"
}

# lac_bg_ping_reply_after NAME T_MS: time (ms since the epoch) of the first
# reply received at or after T_MS; fails if there is none.
lac_bg_ping_reply_after()
{
	awk -v t="$2" '
		/bytes from/ && match($0, /^\[[0-9.]+\]/) {
			ms = substr($0, 2, RLENGTH - 2) * 1000
			if (ms >= t) { printf "%.0f\n", ms; found = 1; exit }
		}
		END { exit !found }' "$LAC_TMPDIR/$1.ping"
}

##############################################################################
# Main

lac_main()
{
	local tests t before start prog_start

	prog_start=$(now_ms)
	if [ $# -gt 0 ]; then
		tests="$*"
	else
		tests=${TESTS:-$ALL_TESTS}
	fi

	trap lac_cleanup EXIT
	LAC_TMPDIR=$(mktemp -d /tmp/lac-selftest.XXXXXX)

	ktap_print_header
	# shellcheck disable=SC2086
	ktap_set_plan "$(set -- $tests; echo $#)"
	lac_require
	if declare -F setup > /dev/null; then
		setup || ktap_exit_fail_msg "setup failed"
		log_info "setup took $(($(now_ms) - prog_start)) ms"
	fi
	for t in $tests; do
		before=$KTAP_TESTNO
		RET=0
		if ! declare -F "$t" > /dev/null; then
			ktap_test_fail "$t (no such test)"
			continue
		fi
		start=$(now_ms)
		"$t"
		log_info "$t took $(($(now_ms) - start)) ms"
		if [ "$KTAP_TESTNO" -eq "$before" ]; then
			ktap_test_fail "$t (reported no result)"
		fi
	done
	log_info "$(basename "$0") took $(($(now_ms) - prog_start)) ms before its clean-up"
	ktap_finished
}

##############################################################################
# Slab and per-CPU memory, for leak checks (lac_nlabuse.sh, lac_races.sh)

# lac_slab_shrink: flush the per-CPU slabs and free the empty slabs of every
# cache, so that the active object counts of /proc/slabinfo are comparable.
lac_slab_shrink()
{
	local f

	for f in /sys/kernel/slab/*/shrink; do
		echo 1 > "$f"
	done 2> /dev/null
}

# lac_slab_snapshot FILE: "CACHE ACTIVE_OBJECTS OBJECT_SIZE" of every cache.
lac_slab_snapshot()
{
	lac_slab_shrink
	awk 'NR > 2 { print $1, $2, $4 }' /proc/slabinfo > "$1"
}

# lac_slab_grown BEFORE MIN: the caches that have MIN or more objects more
# than in the snapshot BEFORE, "CACHE +N (SIZE bytes each)", most first.
lac_slab_grown()
{
	local now

	now=$(mktemp /tmp/lac-slab.XXXXXX)
	lac_slab_snapshot "$now"
	awk -v min="$2" '
		NR == FNR { n[$1] = $2; next }
		$2 - n[$1] >= min { printf "%s +%d (%d bytes each)\n", $1, $2 - n[$1], $3 }' \
		"$1" "$now" | sort -t+ -k2 -rn
	rm -f "$now"
}

# lac_meminfo KEY: a line of /proc/meminfo, in kB.
lac_meminfo()
{
	awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}

##############################################################################
# Tests written once for both underlay families (lac_basic.sh and
# lac_learning.sh; lac_basic6.sh and lac_learning6.sh run them with LAC_FAM=6)

# lac_fam_underlay N: lac_underlay_create N for the family LAC_FAM (4, the
# default, or 6: dual-stack hosts, for LACs on IPv6), and set FAM_UL ("IPv4
# underlay" or "IPv6 underlay", for the test names), FAM_TTL ("ttl" or "hop
# limit"), FAM_GROUP (the family's default group), FAM_GP (its ADDR:PORT)
# and A1 .. AN (the underlay addresses of H1 .. HN).
# shellcheck disable=SC2034 # used by the tests
lac_fam_underlay()
{
	local n=$1 i

	case ${LAC_FAM:=4} in
	4)	FAM_GROUP=$LAC_GROUP FAM_TTL=ttl ;;
	6)	FAM_GROUP=$LAC_GROUP6 FAM_TTL="hop limit"
		lac_ipv6_available || { ktap_print_msg "IPv6 is not available"; return 1; } ;;
	*)	ktap_print_msg "LAC_FAM is '$LAC_FAM', want 4 or 6"; return 1 ;;
	esac
	FAM_UL="IPv$LAC_FAM underlay"
	FAM_GP=$(lac_addr_port "$FAM_GROUP" "$LAC_GROUP_PORT")
	for ((i = 1; i <= n; i++)); do
		printf -v "A$i" %s "$(lac_host_ip "$LAC_FAM" "$i")"
	done
	lac_underlay_create "$n" "${LAC_FAM#4}"
}

# lac_fam_lac I [lac options...]: lac0 192.0.2.I/24, up, on host I; sets MI
# and LPI (its MAC and localport) and EPI (its ADDR:PORT on the underlay).
# One ip for the three commands, one for the MAC and port: each ip takes a
# while in an emulated machine.
lac_fam_lac()
{
	local i=$1 ns=H$1 a=A$1 out ep; shift

	ns=${!ns}
	lac_ageing_opts "$@"
	if ! out=$(printf '%s\n' "link add lac0 type lac ${LAC_OPTS[*]}" \
			"addr add 192.0.2.$i/24 dev lac0" "link set lac0 up" |
		   ip -n "$ns" -batch - 2>&1); then
		ktap_print_msg "H$i: ip link add lac0 type lac $*, address, up: $out"
		return 1
	fi
	lac_link_load "$ns" lac0 || return 1
	ep=$(lac_addr_port "${!a}" "${LAC_LINK[info.local_port]:-0}")
	printf -v "M$i" %s "${LAC_LINK[address]:-}"
	printf -v "LP$i" %s "${LAC_LINK[info.local_port]:-0}"
	printf -v "EP$i" %s "$ep"
	log_info "H$i lac0 ${LAC_LINK[address]:-} $ep${LAC_OPTS[*]:+ (${LAC_OPTS[*]})}"
	[ "${LAC_LINK[info.local_port]:-0}" -gt 0 ]
}

# lac_fam_want CAPTURE {AWK-CONDITION OP N WHAT}...: count, in one pass over
# a stopped capture (lac_capture_records), the datagrams that match each
# condition; fail the running test for each count that does not pass
# [ COUNT OP N ], saying e.g. "COUNT WHAT, want at least N".  The conditions
# may use the awk variables A1 .. A3, LP1 .. LP3 (see lac_fam_underlay and
# lac_fam_lac), G and GPORT (the family's group and the group port), V1 and
# V2 (the VXVDE headers of vni 1 and 2) and FAM (4 or 6).
lac_fam_want()
{
	local name=$1 prog='' i n op want; shift
	local -a arg=("$@") cnt

	for ((i = 0; i < ${#arg[@]}; i += 4)); do
		prog+="if (${arg[i]}) n[$i]++"$'\n'
	done
	read -r -a cnt < <(lac_capture_records "$name" |
		awk -v A1="${A1:-}" -v A2="${A2:-}" -v A3="${A3:-}" \
		    -v LP1="${LP1:-}" -v LP2="${LP2:-}" -v LP3="${LP3:-}" \
		    -v G="$FAM_GROUP" -v GPORT="$LAC_GROUP_PORT" -v FAM="$LAC_FAM" \
		    -v V1=0800000000000100 -v V2=0800000000000200 -v N=${#arg[@]} \
		    "{ $prog }"' END { for (i = 0; i < N; i += 4) printf "%d ", n[i]; print "" }')
	for ((i = 0; i < ${#arg[@]}; i += 4)); do
		n=${cnt[i / 4]:-?}
		op=${arg[i + 1]}
		want=${arg[i + 2]}
		test "$n" "$op" "$want" 2> /dev/null && continue
		case $op in
		-eq) op="" ;;
		-gt) op="more than " ;;
		-ge) op="at least " ;;
		-le) op="at most " ;;
		*) op="$op " ;;
		esac
		check_err 1 "$n ${arg[i + 3]}, want $op$want"
	done
}

# lac_addr_port ADDR PORT: ADDR:PORT, or [ADDR]:PORT for IPv6.
lac_addr_port()
{
	if [[ $1 == *:* ]]; then echo "[$1]:$2"; else echo "$1:$2"; fi
}
