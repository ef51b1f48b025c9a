#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# rmmod lac while devices exist in several namespaces (up, with traffic,
# moved, enslaved), then load the module again so that later tests find it:
# from $LAC_KO, else <repo>/build/$(uname -r)/lac.ko, else modprobe lac.
# Run it last.

ALL_TESTS="
	test_rmmod_with_devices
	test_reload
"
REQUIRED_CMDS="rmmod insmod modprobe"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

# Devices: H1 lac0 and H2 lac0 (up, pinged), H1 lac1 moved to E1 (up),
# H2 lac2 (down) in br0.
setup()
{
	lac_underlay_create 2 || return 1
	lac_ns_create E1 || return 1
	lac_setup "$H1" lac0 192.0.2.1/24 || return 1
	lac_setup "$H2" lac0 192.0.2.2/24 || return 1
	lac_add "$H1" lac1 dev eth0 || return 1
	ip -n "$H1" link set lac1 netns "$E1" || return 1
	lac_up "$E1" lac1 192.0.2.11/24 || return 1
	lac_add "$H2" lac2 vni 7 || return 1
	ip -n "$H2" link add br0 type bridge || return 1
	ip -n "$H2" link set lac2 master br0 || return 1
	lac_ping "$H1" 192.0.2.2 && lac_ping "$E1" 192.0.2.2
}

lac_devices_left()
{
	local ns n=0

	for ns in "$H1" "$H2" "$E1"; do
		n=$((n + $(ip -n "$ns" -o link show type lac 2> /dev/null | wc -l)))
	done
	echo "$n"
}

test_rmmod_with_devices()
{
	local out n

	if [ ! -e /sys/module/lac/initstate ] && [ -d /sys/module/lac ]; then
		test_skip "lac is built in"
		log_test "rmmod lac with devices present"
		return
	fi
	n=$(lac_devices_left)
	[ "$n" -eq 4 ]
	check_err $? "$n lac devices before rmmod, want 4"

	out=$(lac_rmmod 2>&1)
	check_err $? "rmmod lac failed: $out"
	lac_wait 5 not lac_module_loaded
	check_err $? "/sys/module/lac still exists after rmmod"
	if grep -qw '^lac' /proc/modules; then
		check_err 1 "lac still in /proc/modules"
	fi
	n=$(lac_devices_left)
	[ "$n" -eq 0 ]
	check_err $? "$n lac devices left after rmmod"
	dev_exists "$H1" lac0 || dev_exists "$H2" lac0 ||
		dev_exists "$E1" lac1 || dev_exists "$H2" lac2
	check_fail $? "a lac device outlived the module"
	dev_exists "$H2" br0
	check_err $? "br0 went away with its lac port"
	log_test "rmmod lac with devices present"
}

test_reload()
{
	local out

	out=$(lac_load_module 2>&1)
	check_err $? "cannot load lac again ($(lac_ko_path)): $out"
	lac_setup "$H1" lac0 192.0.2.1/24 && lac_setup "$H2" lac0 192.0.2.2/24
	check_err $? "cannot create devices after reloading"
	lac_ping "$H1" 192.0.2.2
	check_err $? "H1 cannot ping H2 after reloading"
	log_test "lac loads again and works"
}

lac_main "$@"
