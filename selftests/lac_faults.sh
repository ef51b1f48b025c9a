#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# Failed-init unwinds: every slab allocation made under lac's code while a
# device is created (down and up), brought up, given an FDB entry or a flood
# target, deleted, and while the module loads, is made to fail in turn
# (lac_faults.py, with /proc/thread-self/fail-nth).  Each failed operation
# must leave nothing behind and each tolerated failure a working result; the
# LAN must work after each series.  KASAN, lockdep and kmemleak (vm-run.sh
# on the debug kernel) judge the unwinds themselves.
#
# Needs failslab with its stack filter (FAILSLAB, FAULT_INJECTION_DEBUG_FS,
# FAULT_INJECTION_STACKTRACE_FILTER): the debug kernel of
# scripts/debug-kernel.sh, where `make check-debug` runs it.  It fails on a
# kernel without them (Debian's have none).
#
#   H1: lacf, made by the tests; H2: lac0 192.0.2.2/24

ALL_TESTS="
	test_newlink
	test_newlink_up
	test_open
	test_fdb
	test_flood
	test_dellink
	test_load
"
REQUIRED_CMDS="rmmod"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

FAULTS=("$LAC_PYTHON" -S "$LAC_SELFTEST_DIR/lac_faults.py")
FAILSLAB=/sys/kernel/debug/failslab
# x86_64's MODULES_END: from the end of the kernel image to here is module
# space, and lac is the only module the debug kernel loads from a file.
MODULES_END=0xffffffffff000000

setup()
{
	failslab_setup || return 1
	lac_underlay_create 2 || return 1
	lac_setup "$H2" lac0 192.0.2.2/24
}

# Fail only what has module code on its stack, GFP_KERNEL allocations too.
# Failures happen only in a task whose fail-nth is set (the probability
# stays 0), so the settings may stay for the tests that follow.
failslab_setup()
{
	local end lac kc_start kc_end

	if [ ! -e "$FAILSLAB/require-start" ]; then
		ktap_print_msg "no $FAILSLAB/require-start: the kernel lacks FAILSLAB, FAULT_INJECTION_DEBUG_FS or FAULT_INJECTION_STACKTRACE_FILTER (make check-debug's kernel has them)"
		return 1
	fi
	end=$(awk '$3 == "_end" { print "0x" $1 }' /proc/kallsyms)
	lac=$(awk '$1 == "lac" { print $6 }' /proc/modules)
	if [ -z "$end" ] || [ -z "$lac" ] || ! (( lac > end && lac < MODULES_END )); then
		ktap_print_msg "lac ($lac) is not between the kernel's _end ($end) and $MODULES_END"
		return 1
	fi
	[ "$(cat "$FAILSLAB/probability")" = 0 ] || {
		ktap_print_msg "failslab's probability is not 0"
		return 1
	}
	# kmem_cache_create() dumps a stack when it fails, which the console
	# check cannot tell from a bug: the module's cache is not failed.
	# (Its end: the next text symbol.  Addresses have 16 hex digits, so
	# they compare as strings.)
	read -r kc_start kc_end < <(awk '
		NR == FNR { if ($3 == "__kmem_cache_create_args") s = $1; next }
		s && $2 ~ /^[tT]$/ && $1 > s && (!e || $1 < e) { e = $1 }
		END { if (s && e) print "0x" s, "0x" e }' /proc/kallsyms /proc/kallsyms)
	if [ -z "${kc_end:-}" ]; then
		ktap_print_msg "no __kmem_cache_create_args in /proc/kallsyms"
		return 1
	fi
	echo N > "$FAILSLAB/ignore-gfp-wait" &&
		echo 0 > "$FAILSLAB/verbose" &&
		echo "$end" > "$FAILSLAB/require-start" &&
		echo "$MODULES_END" > "$FAILSLAB/require-end" &&
		echo "$kc_start" > "$FAILSLAB/reject-start" &&
		echo "$kc_end" > "$FAILSLAB/reject-end"
}

# faults OP ARGS...: lac_faults.py OP ARGS in H1; checks its verdict, that
# it injected at least one failure, and that FAILED (default 1) or more of
# them made the operation fail.
faults()
{
	local out rc runs failed min=${FAILED:-1}

	FAULT_RUNS=0
	out=$(ip netns exec "$H1" "${FAULTS[@]}" "$@" 2>&1)
	rc=$?
	ktap_print_pipe <<< "$out"
	check_err "$rc" "lac_faults.py $*: a run broke the rules"
	read -r runs failed < <(awk '/ runs, / {
		for (i = 1; i < NF; i++) {
			if ($(i + 1) == "runs,") r = $i
			if ($(i + 1) == "failed") f = $i
		}
		print r + 0, f + 0 }' <<< "$out")
	[ "${runs:-0}" -ge 2 ]
	check_err $? "lac_faults.py $*: no allocation failed (the stack filter matched nothing?)"
	[ "${failed:-0}" -ge "$min" ]
	check_err $? "lac_faults.py $*: $failed failed operations, want $min or more"
	FAULT_RUNS=${runs:-0}
}

h1_lacf_del()
{
	ip -n "$H1" link del lacf 2> /dev/null
	true
}

# lacf_pings: lacf (up) reaches H2 across the LAN.
lacf_pings()
{
	ip -n "$H1" addr add 192.0.2.1/24 dev lacf &&
		lac_ping "$H1" 192.0.2.2
}

test_newlink()
{
	h1_lacf_del
	faults newlink lacf
	dev_exists "$H1" lacf && ip -n "$H1" link set lacf up && lacf_pings
	check_err $? "the device of the last run does not work"
	h1_lacf_del
	log_test "ip link add: $FAULT_RUNS runs, each allocation failing in turn"
}

test_newlink_up()
{
	faults newlink lacf up
	dev_exists "$H1" lacf && lacf_pings
	check_err $? "the device of the last run does not work"
	h1_lacf_del
	log_test "ip link add ... up: $FAULT_RUNS runs, each allocation failing in turn"
}

test_open()
{
	lac_add "$H1" lacf ageing 3600
	faults open lacf
	lacf_pings
	check_err $? "the device brought up by the last run does not work"
	log_test "ip link set up: $FAULT_RUNS runs, each allocation failing in turn"
}

test_fdb()
{
	faults fdb lacf
	lac_fdb_check "$H1" lacf 02:fa:00:00:00:01 10.0.0.2 7410
	check_err $? "the entry of the last run is not right"
	bridge -n "$H1" fdb del 02:fa:00:00:00:01 dev lacf self
	check_err $? "cannot delete the entry of the last run"
	lac_ping "$H1" 192.0.2.2
	check_err $? "H1 cannot ping H2"
	log_test "bridge fdb add: $FAULT_RUNS runs, each allocation failing in turn"
}

test_flood()
{
	faults flood lacf
	bridge -n "$H1" fdb del 00:00:00:00:00:00 dev lacf dst 10.0.0.2 port 7411 self
	check_err $? "cannot delete the flood target of the last run"
	lac_ping "$H1" 192.0.2.2
	check_err $? "H1 cannot ping H2"
	log_test "bridge fdb append (flood list): $FAULT_RUNS runs, each allocation failing in turn"
}

# Deleting a device cannot fail, but what it sends and tells on its way
# out (the leave message, FDB events) can.
test_dellink()
{
	h1_lacf_del
	FAILED=0 faults dellink lacf
	not dev_exists "$H1" lacf
	check_err $? "lacf outlived its deletion"
	lac_add "$H1" lacf ageing 3600 && ip -n "$H1" link set lacf up &&
		lacf_pings
	check_err $? "a new lacf does not work"
	log_test "ip link del (up, with entries): $FAULT_RUNS runs, each allocation failing in turn"
}

test_load()
{
	local ko

	ko=$(lac_ko_path)
	[ -n "$ko" ]
	check_err $? "no lac.ko to load (LAC_KO, or build/$(uname -r)/lac.ko)"
	lac_rmmod
	check_err $? "cannot unload lac"
	if [ "$RET" -eq 0 ]; then
		faults load "$ko"
		lac_module_loaded
		check_err $? "lac is not loaded after the last run"
	fi
	lac_load_module && lac_setup "$H2" lac0 192.0.2.2/24 &&
		lac_add "$H1" lacf && ip -n "$H1" link set lacf up && lacf_pings
	check_err $? "lac does not work after the last load"
	log_test "module load: $FAULT_RUNS runs, each allocation failing in turn"
}

lac_main "$@"
