#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac netlink interface: defaults, what `ip -d link show` prints, settings
# that round-trip, invalid settings refused with an extack message (and no
# device left behind), default MTUs.

ALL_TESTS="
	test_defaults
	test_show_all
	test_roundtrip
	test_bad_group
	test_bad_vni
	test_bad_port
	test_bad_dev
	test_bad_link_ifindex
	test_vni_max
	test_mtu_nodev
	test_mtu_dev
	test_mtu_dev_jumbo
"
REQUIRED_CMDS="ss"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"
# The defaults are what this program checks: no test-wide ageing.
LAC_AGEING=''

setup()
{
	lac_underlay_create 1
}

lac_count()
{
	ip -n "$H1" -o link show type lac | wc -l
}

show_d()
{
	ip -n "$H1" -d link show dev "$1"
}

# load DEV: read the JSON of DEV for check_info
load()
{
	lac_link_load "$H1" "$1"
	check_err $? "cannot read ip -j -d link show $1"
	LOADED=$1
}

# check_info KEY VALUE: info_data.KEY of the loaded device
check_info()
{
	local got=${LAC_LINK[info.$1]:-(none)}

	[ "$got" = "$2" ]
	check_err $? "$LOADED: JSON info_data.$1 is '$got', want '$2'"
}

test_defaults()
{
	local out lp want

	lac_add "$H1" lac0
	check_err $? "cannot create lac0 with the defaults"

	want="lac group 239.0.0.1 port 14789 vni 1 localport 0 ttl 1 ageing 128 "
	out=$(show_d lac0)
	[[ $out == *"$want"* ]]
	check_err $? "ip -d link show lac0 (down) lacks '$want': $out"

	load lac0
	check_info group 239.0.0.1
	check_info port 14789
	check_info vni 1
	check_info ttl 1
	check_info ageing 128
	check_info local_port 0
	[ -z "${LAC_LINK[info.link]+set}" ]
	check_err $? "info_data has 'link' although no dev was given"
	[ -z "${LAC_LINK[info.local]+set}" ]
	check_err $? "info_data has 'local' although no local was given"

	ip -n "$H1" link set lac0 up
	check_err $? "cannot set lac0 up"
	lp=$(lac_localport "$H1" lac0)
	[ -n "$lp" ] && [ "$lp" -gt 0 ]
	check_err $? "localport of lac0 is '$lp' while up, want non-zero"
	out=$(show_d lac0)
	[[ $out == *"localport $lp "* ]]
	check_err $? "ip -d link show lac0 does not print 'localport $lp': $out"
	lac_udp_bound "$H1" "$lp"
	check_err $? "no UDP socket bound to localport $lp in the device's netns"
	lac_udp_bound "$H1" 14789
	check_err $? "no UDP socket bound to the group port 14789"

	ip -n "$H1" link set lac0 down
	load lac0
	check_info local_port 0
	lac_wait 2 not lac_udp_bound "$H1" "$lp"
	check_err $? "UDP port $lp is still bound after lac0 went down"

	ip -n "$H1" link del lac0
	log_test "defaults and localport"
}

test_show_all()
{
	local out re lp ifindex link

	lac_add "$H1" lac1 dev eth0 local 10.0.0.1 &&
		ip -n "$H1" link set lac1 up
	check_err $? "cannot create lac1 with dev eth0 local 10.0.0.1"

	out=$(show_d lac1)
	re='lac group 239\.0\.0\.1 port 14789 vni 1 localport ([1-9][0-9]*) dev eth0 local 10\.0\.0\.1 ttl 1 ageing 128 '
	[[ $out =~ $re ]]
	check_err $? "ip -d link show lac1 does not match '$re': $out"
	lp=${BASH_REMATCH[1]:-}
	load lac1
	check_info local_port "$lp"
	check_info local 10.0.0.1
	link=${LAC_LINK[info.link]:-}
	ifindex=$(ip -n "$H1" -o link show dev eth0 | cut -d: -f1)
	[ "$link" = eth0 ] || [ "$link" = "$ifindex" ]
	check_err $? "JSON info_data.link is '$link', want eth0 (ifindex $ifindex)"

	ip -n "$H1" link del lac1
	log_test "ip -d link show prints every setting"
}

test_roundtrip()
{
	local out want

	lac_add "$H1" lac2 group 239.1.2.3 vni 42 port 5555 ttl 3 ageing 77 \
		dev eth0 local 10.0.0.1
	check_err $? "cannot create lac2 with non-default settings"

	load lac2
	check_info group 239.1.2.3
	check_info vni 42
	check_info port 5555
	check_info ttl 3
	check_info ageing 77
	check_info local 10.0.0.1
	want="lac group 239.1.2.3 port 5555 vni 42 localport 0 dev eth0 local 10.0.0.1 ttl 3 ageing 77 "
	out=$(show_d lac2)
	[[ $out == *"$want"* ]]
	check_err $? "ip -d link show lac2 lacks '$want': $out"

	ip -n "$H1" link set lac2 up
	check_err $? "cannot set lac2 up"
	lac_udp_bound "$H1" 5555
	check_err $? "no UDP socket bound to the group port 5555"

	ip -n "$H1" link del lac2
	log_test "settings round-trip (group vni port ttl ageing dev local)"
}

# expect_refused DESCRIPTION WORD-REGEX LAC-OPTIONS...
# expect_refused MARKER WORDS ARGS...: "ip link add type lac ARGS" fails,
# its message holds MARKER ("Error:" for the kernel's extack) and one of
# WORDS, and no device is left behind.
expect_refused()
{
	local marker=$1 words=$2 before out rc; shift 2

	before=$(lac_count)
	out=$(ip -n "$H1" link add lacbad type lac "$@" 2>&1)
	rc=$?
	check_fail "$rc" "ip link add type lac $* succeeded"
	[[ $out == *"$marker"* ]]
	check_err $? "no '$marker' message for '$*': $out"
	grep -qiE "$words" <<< "$out"
	check_err $? "the message for '$*' does not mention $words: $out"
	dev_exists "$H1" lacbad
	check_fail $? "device lacbad exists after the refused '$*'"
	[ "$(lac_count)" -eq "$before" ]
	check_err $? "the number of lac devices changed after the refused '$*'"
	ip -n "$H1" link del lacbad > /dev/null 2>&1
	log_info "$* -> $out"
}

test_bad_group()
{
	expect_refused "Error:" "group|multicast" group 10.1.1.1
	log_test "non-multicast group refused"
}

test_bad_vni()
{
	expect_refused "Error:" "vni" vni 16777216
	log_test "vni 16777216 refused"
}

test_bad_port()
{
	expect_refused "Error:" "port" port 0
	log_test "port 0 refused"
}

test_bad_dev()
{
	# ip resolves the name itself, as for vxlan, and says so in its own
	# words; the kernel's answer to a bad ifindex is the next test.
	expect_refused "Cannot find device" "nosuchdev" dev nosuchdev
	log_test "dev nosuchdev refused"
}

# IFLA_LAC_LINK of include/uapi/linux/if_lac.h
IFLA_LAC_LINK=5

test_bad_link_ifindex()
{
	local out before

	# ip resolves "dev NAME" itself; send the kernel an ifindex that does
	# not exist to see its own answer.
	before=$(lac_count)
	out=$(ip netns exec "$H1" "${LAC_PY[@]}" newlink lacbad lac \
		"$IFLA_LAC_LINK:u32:999999")
	check_fail $? "the kernel accepted IFLA_LAC_LINK 999999"
	log_info "IFLA_LAC_LINK 999999 -> $out"
	[[ $out =~ ^error\ [0-9]+\ .+ ]]
	check_err $? "no extack message for IFLA_LAC_LINK 999999: $out"
	grep -qiE "dev|interface|link" <<< "${out#error }"
	check_err $? "the message does not mention the device: $out"
	dev_exists "$H1" lacbad
	check_fail $? "device lacbad exists after the refused request"
	[ "$(lac_count)" -eq "$before" ]
	check_err $? "the number of lac devices changed"
	ip -n "$H1" link del lacbad > /dev/null 2>&1
	log_test "nonexistent underlay ifindex refused by the kernel with extack"
}

test_vni_max()
{
	lac_add "$H1" lacmax vni 16777215
	check_err $? "vni 16777215 refused"
	load lacmax
	check_info vni 16777215
	ip -n "$H1" link del lacmax 2> /dev/null
	log_test "vni 16777215 accepted"
}

# check_mtu DEV WANT
check_mtu()
{
	local got

	got=$(dev_mtu "$H1" "$1")
	[ "$got" = "$2" ]
	check_err $? "MTU of $1 is '$got', want $2"
}

test_mtu_nodev()
{
	lac_add "$H1" lacm0
	check_err $? "cannot create lacm0"
	check_mtu lacm0 1450
	ip -n "$H1" link del lacm0 2> /dev/null
	log_test "MTU 1450 without dev"
}

test_mtu_dev()
{
	ip -n "$H1" link set eth0 mtu 1500
	lac_add "$H1" lacm1 dev eth0
	check_err $? "cannot create lacm1 dev eth0"
	check_mtu lacm1 1450
	ip -n "$H1" link del lacm1 2> /dev/null
	log_test "MTU 1450 with dev eth0 (MTU 1500)"
}

test_mtu_dev_jumbo()
{
	ip -n "$H1" link set eth0 mtu 9000
	check_err $? "cannot set eth0 MTU 9000"
	lac_add "$H1" lacm2 dev eth0
	check_err $? "cannot create lacm2 dev eth0"
	check_mtu lacm2 8950
	ip -n "$H1" link del lacm2 2> /dev/null
	ip -n "$H1" link set eth0 mtu 1500
	log_test "MTU 8950 with dev eth0 (MTU 9000)"
}

lac_main "$@"
