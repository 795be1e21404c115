#!/usr/bin/env bash
# make bench: runts, runc and crun on the same bundle in one run, taking turns (one round of
# every call per runtime, then the next runtime), so that a change in the machine's load falls
# on all of them. Per call (create, state, start, exec, kill, delete, and create+start+delete of
# `true`): the median wall time, the ratio to runc, and the median peak RSS of the call's own
# process (bench/measure: wait4's rusage). Then `ctr run --rm` of a `true` image through
# containerd's runc v2 shim (bench/ctr.ts: a private containerd) for runts and runc.
# crun refuses this host's hybrid cgroups: each crun call runs in a private mount namespace
# without the cgroup2 mount (measure --no-cgroup2). The state roots are on a tmpfs, as /run is.
# N=rounds (default 20); CTR=0 skips the containerd part.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20}
RUNTS=$PWD/bin/runts
RUNC=$(command -v runc)
CRUN=$(command -v crun || true)
dir=$(mktemp -d /tmp/runts-bench.XXXXXX)
measure=$dir/measure
gcc -O2 -Wall -o "$measure" bench/measure.c
root=$dir/root
mkdir -p "$root"
mount -t tmpfs -o mode=0700 runts-bench "$root"
cleanup() {
  for rt in runts runc crun; do
    for id in $(ls "$root/$rt" 2>/dev/null); do call "$rt" delete -f "$id" >/dev/null 2>&1 || true; done
  done
  umount "$root"; rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/dev" "$dir/sleep" "$dir/true"
cp /bin/busybox "$dir/rootfs/bin/busybox"
for a in true sleep; do ln -s busybox "$dir/rootfs/bin/$a"; done
for b in sleep true; do
  (cd "$dir/$b" && "$RUNC" spec)
  sed -i "s#\"path\": \"rootfs\"#\"path\": \"$dir/rootfs\"#; s/\"terminal\": true/\"terminal\": false/" "$dir/$b/config.json"
done
sed -i 's/"sh"/"sleep", "1000"/' "$dir/sleep/config.json"
sed -i 's/"sh"/"true"/' "$dir/true/config.json"

runtimes=(runts runc)
[ -n "$CRUN" ] && runtimes+=(crun)
bin() { case $1 in runts) echo "$RUNTS" ;; runc) echo "$RUNC" ;; crun) echo "$CRUN" ;; esac; }
wrap() { [ "$1" = crun ] && echo --no-cgroup2 || true; }
call() { local rt=$1; shift; "$measure" $(wrap "$rt") "$(bin "$rt")" --root "$root/$rt" "$@"; }
# records "RUNTIME CALL WALL_US RSS_KB" in $dir/results
rec() { local rt=$1 name=$2; shift 2; local m; m=$(call "$rt" "$@"); echo "$rt $name ${m% *}" >> "$dir/results"; }
stopped() { "$(bin "$1")" --root "$root/$1" state "$2" 2>/dev/null | grep -q '"status": "stopped"'; }

: > "$dir/results"
for ((i = 0; i < N; i++)); do
  for rt in "${runtimes[@]}"; do
    id=b$i
    rec "$rt" create create --bundle "$dir/sleep" "$id"
    rec "$rt" state state "$id"
    rec "$rt" start start "$id"
    rec "$rt" exec exec "$id" true
    rec "$rt" kill kill "$id" KILL
    for _ in $(seq 200); do stopped "$rt" "$id" && break; sleep 0.01; done
    rec "$rt" delete delete "$id"
    a=$(call "$rt" create --bundle "$dir/true" "t$i") && b=$(call "$rt" start "t$i") && c=$(call "$rt" delete -f "t$i")
    echo "$rt create+start+delete $(( ${a%% *} + ${b%% *} + ${c%% *} )) ${a#* }" | awk '{print $1, $2, $3, $4}' >> "$dir/results"
  done
done

# median of a column for one runtime and call
med() { awk -v rt="$1" -v c="$2" -v col="$3" '$1 == rt && $2 == c { print $col }' "$dir/results" | sort -n |
  awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2); else print 0 }'; }
echo "rounds: $N (medians; wall ms, ratio to runc, peak RSS MB of the call's process)"
printf '%-20s %9s %9s %7s %9s %7s   %s\n' call runc runts ratio crun ratio 'RSS runc/runts/crun'
for c in create state start exec kill delete create+start+delete; do
  r=$(med runc "$c" 3) t=$(med runts "$c" 3) k=$(med crun "$c" 3)
  awk -v c="$c" -v r="$r" -v t="$t" -v k="$k" -v rr="$(med runc "$c" 4)" -v rt="$(med runts "$c" 4)" -v rk="$(med crun "$c" 4)" \
    'BEGIN { printf "%-20s %9.1f %9.1f %6.2fx %9.1f %6.2fx   %.1f/%.1f/%.1f\n", c, r / 1000, t / 1000, t / r, k / 1000, (k ? k / r : 0), rr / 1024, rt / 1024, rk / 1024 }'
done
if [ "${CTR:-1}" != 0 ]; then
  npx --no-install tsx bench/ctr.ts "$RUNTS" "$RUNC"
fi
