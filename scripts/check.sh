#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the selftests in a VM on each kernel given (release names, as in
# $LAC_CACHE/kernels, or "newest"), then print one summary line over all of
# them: the whole suite in a normal boot, and lac_noipv6.sh in a boot with
# ipv6.disable=1.  Kernel warnings (oops, WARN, KASAN, lockdep...) fail a
# run too.  The kernels run side by side (a TCG VM keeps one core busy);
# LAC_CHECK_PARALLEL=0 runs them one after the other.  With LAC_CHECK_LAN=1
# (make check), scripts/lan.sh follows on its own: its VMs beside the
# suites' would slow every one of them down.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
mkdir -p build

# run KERNEL LABEL [VAR=VALUE...] -- [TEST...]: one VM, into its log; its
# console (and kmemleak) log is named after the same run, since the parts of
# a split suite and the noipv6 boot share a kernel.
run() {
	local k=$1 label=$2 log
	local -a env=()

	shift 2
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	log=build/check-$k-$label.log
	env LAC_VM_STRICT=1 LAC_VM_LOGNAME="check-$k-$label" "${env[@]}" \
		scripts/vm-run.sh -k "$k" \
		-t "${LAC_CHECK_TIMEOUT:-3600}" -- selftests/run.sh "$@" \
		> "$log" 2>&1
	echo $? > "$log.rc"
}

# part_label I N: the log label of part I (from 1) of a suite split in N.
part_label() {
	if [ "$2" -le 1 ]; then echo all; else echo "all$1of$2"; fi
}

# suite_part: the suite's programs, one a line, and LAC_CHECK_EXTRA's
# (programs that need a particular kernel, e.g. lac_faults.sh); with
# LAC_CHECK_PART=I/N, only part I of N: every Nth program from the Ith.
# (The debug kernel's suite takes longer than a machine may stay up: it can
# run a part at a time.)
suite_part() {
	local part=${LAC_CHECK_PART:-1/1} i n

	if ! [[ $part =~ ^([1-9][0-9]*)/([1-9][0-9]*)$ ]] ||
	   [ "${BASH_REMATCH[1]}" -gt "${BASH_REMATCH[2]}" ]; then
		echo "check.sh: LAC_CHECK_PART=$part: want I/N, 1 <= I <= N" >&2
		return 1
	fi
	i=${BASH_REMATCH[1]}
	n=${BASH_REMATCH[2]}
	# shellcheck disable=SC2086 # one program a word
	{ selftests/run.sh -l; printf '%s\n' ${LAC_CHECK_EXTRA:-}; } |
		awk -v i="$i" -v n="$n" 'NF && (NR - i) % n == 0'
}

# kernel KERNEL: the suite (PROGS), and lac_noipv6.sh after it; with
# LAC_CHECK_SPLIT=N, the programs are dealt out in turn to N VMs
# side by side, and lac_noipv6.sh follows the last (the shortest).
kernel() {
	local k=$1 n=${LAC_CHECK_SPLIT:-1} i j
	local -a part

	rm -f "build/check-$k-"*.log "build/check-$k-"*.log.rc
	for ((i = 0; i < n; i++)); do
		part=()
		for ((j = i; j < ${#PROGS[@]}; j += n)); do
			part+=("${PROGS[j]}")
		done
		{
			run "$k" "$(part_label $((i + 1)) "$n")" -- "${part[@]}"
			[ $((i + 1)) -lt "$n" ] ||
				run "$k" noipv6 LAC_VM_APPEND=ipv6.disable=1 -- lac_noipv6.sh
		} &
	done
	wait
}

# labels: the runs of each kernel, as named by kernel().
labels() {
	local n=${LAC_CHECK_SPLIT:-1} i

	for ((i = 1; i <= n; i++)); do part_label "$i" "$n"; done
	echo noipv6
}

# A bad LAC_CHECK_PART fails here, not as VMs that run nothing.
mapfile -t PROGS < <(suite_part)
[ ${#PROGS[@]} -gt 0 ] || exit 2

passed=0
failed=0
status=0
failures=()

# tally KERNEL LABEL: show a run's log and add up its results.
tally() {
	local log=build/check-$1-$2.log p f rc

	echo "# === selftests ($2) on $1 ==="
	cat "$log"
	rc=$(cat "$log.rc" 2> /dev/null || echo 1)
	# Top-level KTAP results only: one per test program.
	p=$(grep -cE '^ok [0-9]+ ' "$log")
	f=$(grep -cE '^not ok [0-9]+ ' "$log")
	echo "# $1 ($2): $p passed, $f failed (exit $rc)"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ] || [ "$p" -eq 0 ]; then
		status=1
		# A VM that died or a kernel splat with no failed test still fails.
		[ "$f" -ne 0 ] || failed=$((failed + 1))
		failures+=("$1 ($2): exit $rc")
		while read -r line; do
			failures+=("  $line")
		done < <(grep -E '^not ok [0-9]+ ' "$log")
		# The last words of the run, for a VM that died or timed out.
		while read -r line; do
			failures+=("  | $line")
		done < <(grep -vE '^# ' "$log" | tail -n 8)
	fi
}

for k in "$@"; do
	echo "# selftests on $k: started $(date +%T)"
	[ -z "${LAC_CHECK_PART:-}" ] ||
		echo "# part $LAC_CHECK_PART: ${PROGS[*]}"
	if [ "${LAC_CHECK_PARALLEL:-1}" = 1 ]; then
		kernel "$k" &
	else
		kernel "$k"
	fi
done
wait

for k in "$@"; do
	for l in $(labels); do
		tally "$k" "$l"
	done
done

# lan: the LAN test bed, its own VMs on their own kernels (LAN_KERNELS).
lan() {
	local log=build/check-lan.log

	echo "# LAN test bed (scripts/lan.sh): started $(date +%T)"
	scripts/lan.sh > "$log" 2>&1
	echo $? > "$log.rc"
}

# tally_lan: scripts/lan.sh counts as one program; its KTAP tests are
# shown, and the failed ones named.
tally_lan() {
	local log=build/check-lan.log rc line

	echo "# === the LAN test bed (scripts/lan.sh) ==="
	cat "$log"
	rc=$(cat "$log.rc" 2> /dev/null || echo 1)
	echo "# LAN test bed: $(grep -cE '^ok [0-9]+ ' "$log") tests passed, $(grep -cE '^not ok [0-9]+ ' "$log") failed (exit $rc)"
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
		return
	fi
	status=1
	failed=$((failed + 1))
	failures+=("LAN test bed: exit $rc")
	while read -r line; do
		failures+=("  $line")
	done < <(grep -E '^(not ok [0-9]+ |Bail out!)' "$log")
}

if [ "${LAC_CHECK_LAN:-0}" = 1 ]; then
	lan
	tally_lan
fi

# Failures last, so that the tail of a CI log names them.
if [ ${#failures[@]} -ne 0 ]; then
	echo "# failed runs:"
	printf '#   %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
exit $status
