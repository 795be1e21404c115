#!/usr/bin/env bash
# The whole suite: unit, integration, security and end-to-end tests under tap, then a last
# file that checks nothing was left behind (state dirs, mounts, cgroups, processes).
# RUNTIME=runc runs the same tests against runc. Ends with "N passed, N failed" (assertions).
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp /tmp/runts-suite-XXXXXX.log)
mapfile -t files < <(find test/unit test/integration test/security test/e2e -name '*.test.ts' 2>/dev/null | sort)
npx tap --reporter=tap --jobs="${JOBS:-2}" "${files[@]}" 2>&1 | tee "$log"
main=${PIPESTATUS[0]}
npx tap --reporter=tap test/final/*.test.ts 2>&1 | tee -a "$log"
final=${PIPESTATUS[0]}
sum() { grep -E '^# \{ total:' "$log" | grep -oE "$1: [0-9]+" | awk '{s+=$2} END {print s+0}'; }
pass=$(sum pass); fail=$(sum fail)
[ "$main" -ne 0 ] || [ "$final" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
rm -f "$log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
