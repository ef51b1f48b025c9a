#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the selftests in a VM on each kernel given (ABI names, as in
# $LAC_CACHE/kernels), then print one summary line over all of them.
# Kernel warnings (oops, WARN, KASAN, lockdep...) fail the run too.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

passed=0
failed=0
status=0

for k in "$@"; do
	log=build/check-$k.log
	echo "# === selftests on $k ==="
	LAC_VM_STRICT=1 scripts/vm-run.sh -k "$k" -t "${LAC_CHECK_TIMEOUT:-1200}" \
		-- selftests/run.sh 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	# Top-level KTAP results only: one per test program.
	p=$(grep -cE '^ok [0-9]+ ' "$log")
	f=$(grep -cE '^not ok [0-9]+ ' "$log")
	echo "# $k: $p passed, $f failed (exit $rc)"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ] || [ "$p" -eq 0 ]; then
		status=1
		# A VM that died or a kernel splat with no failed test still fails.
		[ "$f" -ne 0 ] || failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
exit $status
