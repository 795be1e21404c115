#!/usr/bin/env bash
# The whole suite: unit, integration, security and end-to-end tests under tap, then a last
# file that checks nothing was left behind (state dirs, mounts, cgroups, processes).
# RUNTIME=runc runs the same tests against runc. Ends with "N passed, N failed" (assertions).
#
# Two lanes run side by side: the files that boot the test VM (test/vm: qemu's translator, one
# vCPU, minutes per boot; a file is one boot and many steps) with a long per-file timeout, and
# every other file with tap's configured one (package.json), JOBS at a time. The VM files are a
# queue, the long *-files boots first: one worker takes them from the start, and VM_JOBS-1
# more (default 1) join once the other lane has finished, so that both cores boot VMs then.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp /tmp/runts-suite-XXXXXX.log) vmdir=$(mktemp -d /tmp/runts-suite-vm-XXXXXX)
mapfile -t all < <(find test/unit test/integration test/security test/e2e -name '*.test.ts' 2>/dev/null | sort)
mapfile -t vmfiles < <(grep -l "from '\.\./vm/" "${all[@]}")
mapfile -t rest < <(printf '%s\n' "${all[@]}" | grep -vxF -f <(printf '%s\n' "${vmfiles[@]}"))
# the boots that run integration files (*-files, 10-20 min each) first, pure v2 before hybrid
mapfile -t vm < <(printf '%s\n' "${vmfiles[@]}" | grep -- '-files\.test\.ts$' | sort -r; printf '%s\n' "${vmfiles[@]}" | grep -v -- '-files\.test\.ts$')
# Worker $1: runs each VM file no other worker has taken (mkdir claims it) in a tap of its own.
vm_worker() {
  local f
  for f in "${vm[@]}"; do
    mkdir "$vmdir/${f//\//_}" 2>/dev/null || continue
    npx tap --reporter=tap --timeout="${VM_TIMEOUT:-2400}" "$f" >>"$vmdir/log.$1" 2>&1 || touch "$vmdir/failed"
  done
}
# tap builds its plugin set (package.json's "plugin") on first use: once here, not by both lanes
# at the same time (two builds into node_modules/@tapjs/test/test-built break each other).
npx tap build >/dev/null || { echo "tap build failed"; echo "0 passed, 1 failed"; exit 1; }
vm_worker 1 &
vmpids=($!)
npx tap --reporter=tap --jobs="${JOBS:-2}" "${rest[@]}" 2>&1 | tee "$log"
main=${PIPESTATUS[0]}
for ((w = 2; w <= ${VM_JOBS:-2}; w++)); do vm_worker "$w" & vmpids+=($!); done
wait "${vmpids[@]}"
vmstatus=0; [ -e "$vmdir/failed" ] && vmstatus=1
cat "$vmdir"/log.* 2>/dev/null | tee -a "$log"
npx tap --reporter=tap test/final/*.test.ts 2>&1 | tee -a "$log"
final=${PIPESTATUS[0]}
sum() { grep -E '^# \{ total:' "$log" | grep -oE "$1: [0-9]+" | awk '{s+=$2} END {print s+0}'; }
pass=$(sum pass); fail=$(sum fail)
{ [ "$main" -ne 0 ] || [ "$vmstatus" -ne 0 ] || [ "$final" -ne 0 ]; } && [ "$fail" -eq 0 ] && fail=1
rm -rf "$log" "$vmdir"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
