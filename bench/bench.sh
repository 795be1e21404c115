#!/usr/bin/env bash
# make bench: create+start+delete of `true` with runts and runc on the same bundle, in one run,
# plus `runts state` and Node's floor (`node -e 0`). Prints mean milliseconds and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-30}
unset NODE_EXTRA_CA_CERTS
RUNTS=$PWD/bin/runts
RUNC=$(command -v runc)
dir=$(mktemp -d /tmp/runts-bench.XXXXXX)
root=$dir/root
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/dev"
cp /bin/busybox "$dir/rootfs/bin/busybox"; ln -s busybox "$dir/rootfs/bin/true"
(cd "$dir" && "$RUNC" spec) && sed -i 's/"sh"/"true"/; s/"terminal": true/"terminal": false/' "$dir/config.json"

now() { date +%s%N; }
# mean ms of running "$@" N times
mean() { local t0 t1; t0=$(now); for ((i = 0; i < N; i++)); do "$@" >/dev/null; done; t1=$(now); echo $(((t1 - t0) / N / 1000)); }
cycle() { # runtime id
  "$1" --root "$root" create -b "$dir" "$2" && "$1" --root "$root" start "$2" && "$1" --root "$root" delete -f "$2"
}
runts_cycle() { cycle "$RUNTS" bench-runts; }
runc_cycle() { cycle "$RUNC" bench-runc; }

floor=$(mean node -e 0)
runts_us=$(mean runts_cycle)
runc_us=$(mean runc_cycle)
"$RUNTS" --root "$root" create -b "$dir" bench-state
state_us=$(mean "$RUNTS" --root "$root" state bench-state)
"$RUNTS" --root "$root" delete -f bench-state

ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "iterations: $N"
echo "node -e 0 (floor):             $(ms "$floor") ms"
echo "runc create+start+delete:      $(ms "$runc_us") ms"
echo "runts create+start+delete:     $(ms "$runts_us") ms   ratio runts/runc: $(ratio "$runts_us" "$runc_us")"
echo "runts state:                   $(ms "$state_us") ms   over node floor: $(ms $((state_us - floor))) ms"
