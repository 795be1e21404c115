#!/usr/bin/env bash
# make bench: create+start+delete of `true` with runts and runc on the same bundle, in one run,
# plus `runts state` and Node's floor (`node -e 0`). Prints mean milliseconds and ratios.
# The runtimes take turns, one cycle each, so that a change in the machine's load falls on both.
# The state roots are on a tmpfs, as /run is on a real host (it is not on every build machine).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-30}
unset NODE_EXTRA_CA_CERTS
RUNTS=$PWD/bin/runts
RUNC=$(command -v runc)
dir=$(mktemp -d /tmp/runts-bench.XXXXXX)
root=$dir/root
mkdir -p "$root"
mount -t tmpfs -o mode=0700 runts-bench "$root"
trap 'umount "$root"; rm -rf "$dir"' EXIT
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/dev"
cp /bin/busybox "$dir/rootfs/bin/busybox"; ln -s busybox "$dir/rootfs/bin/true"
(cd "$dir" && "$RUNC" spec) && sed -i 's/"sh"/"true"/; s/"terminal": true/"terminal": false/' "$dir/config.json"

now() { date +%s%N; }
# microseconds of one run of "$@"
once() { local t0; t0=$(now); "$@" >/dev/null; echo $((($(now) - t0) / 1000)); }
cycle() { # runtime id
  "$1" --root "$root" create -b "$dir" "$2" && "$1" --root "$root" start "$2" && "$1" --root "$root" delete -f "$2"
}
floor=0 runts_us=0 runc_us=0 state_us=0
"$RUNTS" --root "$root" create -b "$dir" bench-state
for ((i = 0; i < N; i++)); do
  floor=$((floor + $(once node -e 0)))
  runts_us=$((runts_us + $(once cycle "$RUNTS" bench-runts)))
  runc_us=$((runc_us + $(once cycle "$RUNC" bench-runc)))
  state_us=$((state_us + $(once "$RUNTS" --root "$root" state bench-state)))
done
"$RUNTS" --root "$root" delete -f bench-state

ms() { awk -v u="$1" -v n="$N" 'BEGIN { printf "%.1f", u / n / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "iterations: $N"
echo "node -e 0 (floor):             $(ms "$floor") ms"
echo "runc create+start+delete:      $(ms "$runc_us") ms"
echo "runts create+start+delete:     $(ms "$runts_us") ms   ratio runts/runc: $(ratio "$runts_us" "$runc_us")"
echo "runts state:                   $(ms "$state_us") ms   over node floor: $(ms $((state_us - floor))) ms"
