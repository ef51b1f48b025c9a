#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# Sealed LACs (cipher and keys): a LAN of three endpoints that works, and
# what an attacker on the underlay (H4, 10.0.0.4) sends, all dropped,
# counted and unlearned:
#
#   H1, H2, H3: lac0 192.0.2.1-3/24, AES-GCM, key K0 (id 0)
#   H4:         a plain lac, wrong keys, replays, bit flips, forged leaves
#
# Then key rotation under traffic, ChaCha20-Poly1305, vdeplug's agno://
# (vde_plug on H4), the netlink rules of keys, access control (a LAC moved
# into a netns of another user namespace), and the MTU of a sealed LAC.

ALL_TESTS="
	test_sealed_mesh
	test_sealed_fdb
	test_plain_refused
	test_wrong_key
	test_unknown_key
	test_replay
	test_stale
	test_bit_flip
	test_forged_leave
	test_sealed_leave
	test_rotation
	test_chacha
	test_agno
	test_netlink
	test_access
	test_mtu
"
REQUIRED_CMDS="tcpdump ethtool vde_plug setsid unshare nsenter nstat"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$LAC_SELFTEST_DIR/lib_fdb.sh"

# key FILE BYTES: a random key of BYTES bytes, in hex, into FILE.
key()
{
	od -An -tx1 -N"$2" /dev/urandom | tr -d ' \n' > "$1" && echo >> "$1"
}

# stat_delta NS DEV NAME CMD...: how much counter NAME moved while CMD ran.
stat_delta()
{
	local ns=$1 dev=$2 name=$3 a b; shift 3

	a=$(lac_ethtool_stat_check "$ns" "$dev" "$name") || return 1
	"$@" > /dev/null || return 1
	b=$(lac_ethtool_stat_check "$ns" "$dev" "$name") || return 1
	echo $((b - a))
}

# attack NS DEV NAME MIN CMD...: CMD makes counter NAME of DEV move by at
# least MIN.
attack()
{
	local ns=$1 dev=$2 name=$3 min=$4 d; shift 4

	d=$(stat_delta "$ns" "$dev" "$name" "$@") || return 1
	if [ "$d" -lt "$min" ]; then
		ktap_print_msg "$name of $dev in $ns moved by $d, want >= $min"
		return 1
	fi
}

# util NS ARGS...: lac_util.py in NS.
util()
{
	local ns=$1; shift

	ip netns exec "$ns" "${LAC_PY[@]}" "$@"
}

# learned_nothing NS DEV: no entry in the FDB of DEV points to H4.
learned_nothing()
{
	if bridge -n "$1" fdb show dev "$2" | grep -q "dst 10.0.0.4 "; then
		ktap_print_msg "$2 in $1 learned from H4:"
		lac_fdb_dump "$1" "$2"
		return 1
	fi
}

setup()
{
	lac_crypto_load
	lac_underlay_create 4 || return 1
	K0=$LAC_TMPDIR/k0 K1=$LAC_TMPDIR/k1 KX=$LAC_TMPDIR/kx
	K32=$LAC_TMPDIR/k32
	key "$K0" 16 && key "$K1" 16 && key "$KX" 16 && key "$K32" 32 ||
		return 1
	lac_setup "$H1" lac0 192.0.2.1/24 key "$K0" &&
		lac_setup "$H2" lac0 192.0.2.2/24 key "$K0" &&
		lac_setup "$H3" lac0 192.0.2.3/24 key "$K0" || return 1
	M1=$(dev_mac "$H1" lac0) && M2=$(dev_mac "$H2" lac0) &&
		M3=$(dev_mac "$H3" lac0) || return 1
	LP1=$(lac_localport "$H1" lac0) && LP2=$(lac_localport "$H2" lac0) &&
		LP3=$(lac_localport "$H3" lac0) || return 1
	log_info "sealed lac0: H1 $M1 :$LP1, H2 $M2 :$LP2, H3 $M3 :$LP3"
}

test_sealed_mesh()
{
	local c

	lac_capture_start mesh "$UL" br0 || return 1
	lac_ping_mesh "$H1=192.0.2.1" "$H2=192.0.2.2" "$H3=192.0.2.3"
	check_err $? "the sealed LAC does not carry pings between all pairs"
	lac_capture_stop mesh
	# Sealed: the 'L' flag and no clear inner frame on the wire.
	c=$(lac_capture_count mesh '$6 ~ /^084c00/')
	[ "$c" -gt 0 ]
	check_err $? "no sealed datagram on the underlay"
	c=$(lac_capture_count mesh '$6 !~ /^084c00/')
	[ "$c" -eq 0 ]
	check_err $? "$c datagrams in the clear on the underlay"
	[ "$(lac_info "$H1" lac0 cipher)" = aes-gcm ] &&
		[ "$(lac_info "$H1" lac0 txkey)" = 0 ]
	check_err $? "ip -d link does not show cipher aes-gcm txkey 0"
	log_test "three sealed endpoints (AES-GCM) ping all pairs, nothing in the clear"
}

test_sealed_fdb()
{
	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2" &&
		lac_fdb_check "$H1" lac0 "$M3" 10.0.0.3 "$LP3" &&
		lac_fdb_check "$H2" lac0 "$M1" 10.0.0.1 "$LP1" &&
		lac_fdb_check "$H3" lac0 "$M2" 10.0.0.2 "$LP2"
	check_err $? "sealed endpoints did not learn each other's IP:port"
	log_test "sealed endpoints learn each other at their IP:port"
}

test_plain_refused()
{
	lac_setup "$H4" lac0 192.0.2.4/24
	check_err $? "cannot create H4's plain lac0"
	attack "$H1" lac0 rx_unsealed 1 lac_no_ping "$H4" 192.0.2.1
	check_err $? "H1 did not refuse H4's plain frames"
	attack "$H4" lac0 rx_sealed 1 lac_no_ping "$H1" 192.0.2.99
	check_err $? "the plain lac did not count the sealed datagrams it ignored"
	learned_nothing "$H1" lac0 && learned_nothing "$H2" lac0
	check_err $? "a plain frame was learned"
	ip -n "$H4" link del lac0
	log_test "plain frames are refused (rx_unsealed), sealed ones ignored by a plain LAC"
}

test_wrong_key()
{
	lac_setup "$H4" lac0 192.0.2.4/24 key "$KX"
	check_err $? "cannot create H4's lac0 with a wrong key"
	attack "$H1" lac0 rx_auth_fail 1 lac_no_ping "$H4" 192.0.2.1
	check_err $? "H1 did not count frames of a wrong key as rx_auth_fail"
	learned_nothing "$H1" lac0 && learned_nothing "$H2" lac0
	check_err $? "a frame of a wrong key was learned"
	ip -n "$H4" link del lac0
	log_test "a wrong key: dropped, rx_auth_fail, nothing learned"
}

test_unknown_key()
{
	lac_setup "$H4" lac0 192.0.2.4/24 key "$KX" keyid 7
	check_err $? "cannot create H4's lac0 with key id 7"
	attack "$H1" lac0 rx_unknown_key 1 lac_no_ping "$H4" 192.0.2.1
	check_err $? "H1 did not count frames of key id 7 as rx_unknown_key"
	learned_nothing "$H1" lac0
	check_err $? "a frame of an unknown key was learned"
	ip -n "$H4" link del lac0
	log_test "an unknown key id: dropped, rx_unknown_key, nothing learned"
}

# capture_h2 NAME: a capture of H2 pinging H1 (sealed unicast both ways).
capture_h2()
{
	lac_capture_start "$1" "$H1" eth0 || return 1
	ip netns exec "$H2" ping -q -n -c 5 -i 0.2 192.0.2.1 > /dev/null
	lac_capture_stop "$1"
}

test_replay()
{
	local n

	capture_h2 rp
	check_err $? "no capture of H2's pings"
	n=$(lac_capture_count rp '$1 == "10.0.0.2"')
	[ "$n" -ge 5 ]
	check_err $? "the capture has $n datagrams of H2, want >= 5"
	attack "$H1" lac0 rx_replay "$n" \
		util "$H4" replay "$LAC_TMPDIR/rp.pcap" --from 10.0.0.2 \
		--bind 10.0.0.4:40000
	check_err $? "replayed datagrams were not all refused as rx_replay"
	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2" && learned_nothing "$H1" lac0
	check_err $? "a replay moved H2's entry"
	log_test "a replayed capture: dropped, rx_replay, nothing learned"
}

# With the clock LAC_CLOCK_SKEW (120 s) and more ahead, a capture is
# stale even where no window knows its nonces.
test_stale()
{
	local n

	capture_h2 st
	check_err $? "no capture of H2's pings"
	n=$(lac_capture_count st '$1 == "10.0.0.2"')
	date -s "@$(($(date +%s) + 300))" > /dev/null
	attack "$H1" lac0 rx_stale "$n" \
		util "$H4" replay "$LAC_TMPDIR/st.pcap" --from 10.0.0.2 \
		--bind 10.0.0.4:40000
	check_err $? "a capture 300 s old was not refused as rx_stale"
	date -s "@$(($(date +%s) - 300))" > /dev/null
	learned_nothing "$H1" lac0
	check_err $? "a stale datagram was learned"
	log_test "a capture older than the clock window: dropped, rx_stale"
}

test_bit_flip()
{
	local off

	capture_h2 bf
	check_err $? "no capture of H2's pings"
	# In the header (the time, the nonce), in the frame, in the tag.
	for off in 11 15 23 24 40 100; do
		attack "$H1" lac0 rx_auth_fail 1 \
			util "$H4" replay "$LAC_TMPDIR/bf.pcap" --from 10.0.0.2 \
			--bind 10.0.0.4:40000 --flip "$off"
		check_err $? "a flipped bit at byte $off was not refused as rx_auth_fail"
	done
	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2" && learned_nothing "$H1" lac0
	check_err $? "a flipped datagram moved H2's entry"
	log_test "a flipped bit anywhere: dropped, rx_auth_fail"
}

test_forged_leave()
{
	attack "$H1" lac0 rx_unsealed 1 \
		util "$H4" send --bind 10.0.0.4:40001 --to "10.0.0.1:$LP1" --leave
	check_err $? "a plain leave was not refused as rx_unsealed"
	attack "$H1" lac0 rx_auth_fail 1 \
		util "$H4" send --bind 10.0.0.4:40002 --to "239.0.0.1:14789" \
		--forge-sealed 0
	check_err $? "a forged sealed leave was not refused as rx_auth_fail"
	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2" &&
		lac_fdb_check "$H1" lac0 "$M3" 10.0.0.3 "$LP3"
	check_err $? "a forged leave took entries away"
	log_test "a forged leave (plain, or sealed without the key): dropped, entries stay"
}

# H3's own leave is sealed and works; replayed after H3 came back, it is
# refused, and H3's entry stays.
test_sealed_leave()
{
	local ms lp

	lac_capture_start lv "$H1" eth0 || return 1
	ip -n "$H3" link set lac0 down
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$M3" 1000)
	check_err $? "H3's entry still in H1's fdb 1 s after H3 went down"
	lac_capture_stop lv
	log_info "H3's sealed leave took its entry away in $ms ms"
	ip -n "$H3" link set lac0 up
	lac_ping "$H3" 192.0.2.1
	check_err $? "H3 does not ping H1 after coming back"
	lp=$(lac_localport "$H3" lac0)
	attack "$H1" lac0 rx_replay 1 \
		util "$H4" replay "$LAC_TMPDIR/lv.pcap" --from 10.0.0.3 \
		--bind 10.0.0.4:40003 --len 40
	check_err $? "H3's replayed leave was not refused as rx_replay"
	lac_fdb_check "$H1" lac0 "$M3" 10.0.0.3 "$lp"
	check_err $? "H3's replayed leave took its entry away"
	log_test "the sealed leave works; replayed, it is refused (rx_replay)"
}

# set_all ARGS...: ip link set lac0 type lac ARGS on H1, H2, H3.
set_all()
{
	local h ns out

	for h in 1 2 3; do
		ns=H$h
		if ! out=$(ip -n "${!ns}" link set lac0 type lac "$@" 2>&1); then
			ktap_print_msg "H$h: ip link set lac0 type lac $*: $out"
			return 1
		fi
	done
}

test_rotation()
{
	local out lost pid

	ip netns exec "$H1" ping -q -n -c 150 -i 0.02 192.0.2.2 \
		> "$LAC_TMPDIR/rot.out" 2>&1 &
	pid=$!
	lac_bg_add "$pid"
	sleep 0.5
	set_all key "$K1" keyid 1 && sleep 0.3 &&
		set_all txkey 1 && sleep 0.3 &&
		set_all delkey 0
	check_err $? "the rotation was refused"
	wait "$pid"
	out=$(cat "$LAC_TMPDIR/rot.out")
	lost=$(awk '/packet loss/ { for (i = 1; i <= NF; i++) if ($i ~ /%$/) print $i }' <<< "$out")
	[ "$lost" = 0% ]
	check_err $? "pings lost during the rotation: $out"
	[ "$(lac_info "$H2" lac0 txkey)" = 1 ] &&
		! lac_info "$H2" lac0 rxkey > /dev/null
	check_err $? "after the rotation H2 does not show txkey 1 alone"
	lac_ping_mesh "$H1=192.0.2.1" "$H2=192.0.2.2" "$H3=192.0.2.3"
	check_err $? "no mesh after the rotation"
	log_test "key rotation (add, txkey, delkey) under 50 pings/s loses none"
}

test_chacha()
{
	lac_expect_error "Wrong key length" \
		ip -n "$H1" link add lac9 type lac cipher chacha20-poly1305 key "$K0"
	check_err $? "a 16-byte ChaCha20-Poly1305 key was accepted"
	lac_setup "$H1" lac1 198.51.100.1/24 vni 7 cipher chacha20-poly1305 key "$K32" &&
		lac_setup "$H2" lac1 198.51.100.2/24 vni 7 cipher chacha20-poly1305 key "$K32"
	check_err $? "cannot create ChaCha20-Poly1305 LACs"
	lac_ping "$H1" 198.51.100.2 && lac_ping "$H2" 198.51.100.1
	check_err $? "the ChaCha20-Poly1305 LAC does not carry pings"
	lac_fdb_check "$H1" lac1 "$(dev_mac "$H2" lac1)" 10.0.0.2 \
		"$(lac_localport "$H2" lac1)"
	check_err $? "no learning on the ChaCha20-Poly1305 LAC"
	[ "$(lac_info "$H1" lac1 cipher)" = chacha20-poly1305 ]
	check_err $? "ip -d link does not show cipher chacha20-poly1305"
	ip -n "$H1" link del lac1
	ip -n "$H2" link del lac1
	log_test "ChaCha20-Poly1305 (32-byte key) works"
}

# vdeplug's agno:// over vxvde, against lac's cipher agno with its key file.
test_agno()
{
	local url="agno://$K0{vxvde://239.0.0.9}" mac vp

	lac_setup "$H1" lac2 203.0.113.1/24 group 239.0.0.9 cipher agno key "$K0"
	check_err $? "cannot create an agno LAC"
	lac_vde_start "$H4" tap0 203.0.113.4/24 "$url"
	check_err $? "cannot start vde_plug $url"
	lac_ping "$H1" 203.0.113.4 && lac_ping "$H4" 203.0.113.1
	check_err $? "lac (agno) and vde_plug $url cannot ping each other"
	mac=$(dev_mac "$H4" tap0)
	vp=$(lac_vde_uport "$H4" tap0)
	lac_fdb_check "$H1" lac2 "$mac" 10.0.0.4 "$vp"
	check_err $? "the agno LAC did not learn vde_plug at 10.0.0.4:$vp"
	util "$H4" send --bind 10.0.0.4:40004 --to "239.0.0.9:14789" \
		--src 02:00:00:00:00:44 > /dev/null &&
		sleep 0.2 && ! lac_fdb_has "$H1" lac2 02:00:00:00:00:44
	check_err $? "the agno LAC learned from a plain frame"
	lac_vde_stop "$H4" tap0 TERM
	lac_fdb_wait_gone "$H1" lac2 "$mac" 1000 > /dev/null
	check_err $? "vde_plug's leave did not reach the agno LAC"
	ip -n "$H1" link del lac2
	log_test "interop with vde_plug agno://KEYFILE{vxvde://...}"
}

test_netlink()
{
	local k2=$LAC_TMPDIR/k2

	key "$k2" 16
	lac_add "$H4" lacp || return 1
	lac_expect_error "Keys need a cipher" \
		ip -n "$H4" link set lacp type lac key "$K0"
	check_err $? "a plain LAC took a key"
	lac_expect_error "A LAC with a cipher needs a key" \
		ip -n "$H4" link add lacq type lac cipher aes-gcm
	check_err $? "a cipher without a key was accepted"
	lac_add "$H4" lacs key "$K0" || return 1
	lac_expect_error "cipher of a LAC is chosen when it is created" \
		ip -n "$H4" link set lacs type lac cipher agno
	check_err $? "the cipher changed"
	lac_expect_error "Wrong key length" \
		ip -n "$H4" link add lacw type lac cipher agno key "$K32"
	check_err $? "agno took a 32-byte key"
	ip -n "$H4" link set lacs type lac key "$K1" keyid 1
	check_err $? "cannot add a second key"
	lac_expect_error "A LAC holds two keys" \
		ip -n "$H4" link set lacs type lac key "$k2" keyid 2
	check_err $? "a third key was accepted"
	lac_expect_error "tx key cannot be deleted" \
		ip -n "$H4" link set lacs type lac delkey 0
	check_err $? "the tx key was deleted"
	lac_expect_error "txkey must name a key" \
		ip -n "$H4" link set lacs type lac txkey 5
	check_err $? "txkey took a missing key"
	lac_expect_error "rxkey is read-only" \
		util "$H4" newlink lacr lac 18:u8:1
	check_err $? "rxkey was accepted"
	[ "$(lac_info "$H4" lacs rxkey)" = 1 ]
	check_err $? "ip -d link does not show rxkey 1"
	! ip -n "$H4" -d -j link show lacs | grep -qi "$(cut -c1-12 "$K0")"
	check_err $? "the key can be read back"
	ip -n "$H4" link del lacp
	ip -n "$H4" link del lacs
	log_test "netlink: keys need a cipher, two keys at most, tx key kept, never dumped"
}

# A LAC handed to a netns of another user namespace: its root may use it
# and tune it, not turn its host sockets elsewhere.
test_access()
{
	local pid in=()

	unshare -U -r -n sleep 60 &
	pid=$!
	lac_bg_add "$pid"
	lac_wait "$LAC_WAIT" test -e "/proc/$pid/ns/net" || return 1
	sleep 0.2
	lac_add "$H4" laca key "$K0" && ip -n "$H4" link set laca netns "$pid"
	check_err $? "cannot move a LAC into the user-namespaced netns"
	in=(nsenter -t "$pid" -U -n --preserve-credentials)
	"${in[@]}" ip link set laca type lac nolearning
	check_err $? "the container's root cannot turn learning off"
	lac_expect_error "needs CAP_NET_ADMIN in the netns of its sockets" \
		"${in[@]}" ip link set laca type lac vni 9
	check_err $? "the container's root changed the VNI"
	lac_expect_error "needs CAP_NET_ADMIN in the netns of its sockets" \
		"${in[@]}" bridge fdb add 00:00:00:00:00:00 dev laca dst 10.0.0.9 self
	check_err $? "the container's root added a flood target"
	"${in[@]}" ip link add lacz type lac key "$K0"
	check_err $? "the container's root cannot make a LAC of its own netns"
	lac_expect_error "Operation not permitted" \
		nsenter -t "$pid" -U --preserve-credentials \
		ip link add lacz type lac key "$K0"
	check_err $? "the container's root created a LAC in the host's netns"
	kill "$pid"
	log_test "access: a LAC in another user namespace cannot be retargeted"
}

test_mtu()
{
	local mtu f0 f1

	mtu=$(dev_mtu "$H1" lac0)
	[ "$mtu" = 1418 ]
	check_err $? "a sealed (AES-GCM, IPv4) LAC has MTU $mtu, want 1418"
	f0=$(ip netns exec "$H2" nstat -az -j IpFragCreates | grep -o '"IpFragCreates":[0-9]*' | cut -d: -f2)
	ip netns exec "$H2" ping -q -n -c 3 -M 'do' -s $((mtu - 28)) 192.0.2.1 > /dev/null
	check_err $? "a full-size frame did not cross"
	f1=$(ip netns exec "$H2" nstat -az -j IpFragCreates | grep -o '"IpFragCreates":[0-9]*' | cut -d: -f2)
	[ "$f0" = "$f1" ]
	check_err $? "full-size frames were fragmented on the underlay ($f0 -> $f1)"
	log_test "default MTU 1418 carries full frames unfragmented"
}

lac_main "$@"
