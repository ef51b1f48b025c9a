#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac on a kernel booted with ipv6.disable=1: an IPv6 LAC is refused with a
# clear message, IPv4 LACs work.  Not part of the default run (TEST_PROGS):
# it needs such a boot, e.g.
#
#   LAC_VM_APPEND=ipv6.disable=1 scripts/vm-run.sh -k 6.12 -- selftests/run.sh lac_noipv6.sh
#
# and fails if IPv6 is not disabled.
#
#   H1: lac0 192.0.2.1/24    H2: lac0 192.0.2.2/24

ALL_TESTS="
	test_ipv6_disabled
	test_refused_group6
	test_refused_local6
	test_ipv4_works
"
REQUIRED_CMDS="tcpdump"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

MSG="Error: IPv6 is disabled on this host."

setup()
{
	lac_underlay_create 2 || return 1
	lac_setup "$H1" lac0 192.0.2.1/24 && lac_setup "$H2" lac0 192.0.2.2/24
}

test_ipv6_disabled()
{
	! lac_ipv6_available
	check_err $? "IPv6 is not disabled (/proc/sys/net/ipv6 exists): boot with ipv6.disable=1"
	grep -qw ipv6.disable=1 /proc/cmdline
	check_err $? "ipv6.disable=1 is not on the kernel command line: $(cat /proc/cmdline)"
	log_test "the kernel runs with ipv6.disable=1"
}

# refused LAC-OPTIONS...
refused()
{
	lac_expect_error "$MSG" ip -n "$H1" link add lac6 type lac "$@"
	check_err $? "'type lac $*' not refused as expected"
	dev_exists "$H1" lac6
	check_fail $? "lac6 exists after the refused 'type lac $*'"
	ip -n "$H1" link del lac6 2> /dev/null
}

test_refused_group6()
{
	refused group "$LAC_GROUP6"
	refused group ff15::3 port 5555 vni 42
	log_test "an IPv6 group is refused: IPv6 is disabled"
}

test_refused_local6()
{
	refused local fd00::1
	log_test "an IPv6 local address is refused: IPv6 is disabled"
}

test_ipv4_works()
{
	local m2 lp2 n

	lac_capture_start v4 "$H1" eth0
	check_err $? "cannot capture on H1 eth0"
	lac_ping "$H1" 192.0.2.2 && lac_ping "$H2" 192.0.2.1
	check_err $? "the IPv4 LACs cannot ping each other"
	lac_capture_stop v4
	m2=$(dev_mac "$H2" lac0)
	lp2=$(lac_localport "$H2" lac0)
	lac_fdb_check "$H1" lac0 "$m2" 10.0.0.2 "$lp2"
	check_err $? "H1 did not learn H2 at 10.0.0.2:$lp2"
	n=$(lac_capture_count v4 '$1 == "10.0.0.1" && $3 == "'"$LAC_GROUP"'" && $8 == "arp"')
	[ "$n" -gt 0 ]
	check_err $? "no ARP request from H1 to the group"
	n=$(lac_capture_count v4 '$3 == "10.0.0.2" && $4 == '"$lp2"' && $8 == "echo-request"')
	[ "$n" -gt 0 ]
	check_err $? "no unicast echo request to 10.0.0.2:$lp2"
	[ "$RET" -eq 0 ] || lac_capture_show v4
	log_test "IPv4 LACs work"
}

lac_main "$@"
