#!/usr/bin/env bash
# Run the opencontainers runtime-tools validation suite against a runtime.
#
#   conformance/run-runtime-tools.sh [SUITE_DIR] [RUNTIME] [TEST...]
#
# SUITE_DIR (or $RUNTIME_TOOLS): a runtime-tools checkout already built with
# `make runtimetest validation-executables` (see conformance/runtime-tools.md; this
# script neither fetches nor builds it). RUNTIME defaults to ./bin/runts. TESTs are
# names such as `create` or `linux_cgroups_pids`; without them every validation/*/*.t runs.
#
# The tests run from SUITE_DIR, as the suite expects (they untar rootfs-<arch>.tar.gz and
# copy ./runtimetest into each bundle). The runtime is called through a small wrapper
# that adds `--log <logdir>/<test>.runtime.log`. Prints `PASS name`, `FAIL name` or
# `SKIP name` (the whole test skipped itself) per test, then a count; the TAP output and
# the runtime's log of each test stay in the directory named on the first line.
set -u

suite=${1:-${RUNTIME_TOOLS:-}}
runtime=${2:-./bin/runts}
shift 2 2>/dev/null || shift $#
per_test_timeout=${RUNTIME_TOOLS_TIMEOUT:-180}

die() { echo "run-runtime-tools: $*" >&2; exit 2; }

[ -n "$suite" ] || die "usage: $0 SUITE_DIR [RUNTIME] [TEST...] (or RUNTIME_TOOLS=SUITE_DIR)"
suite=$(cd "$suite" 2>/dev/null && pwd) || die "no such directory: ${1:-$RUNTIME_TOOLS}"
[ -x "$suite/runtimetest" ] || die "$suite/runtimetest is missing: build the suite first"
runtime=$(command -v "$runtime") || die "runtime not found: ${2:-./bin/runts}"
case $runtime in /*) ;; *) runtime=$PWD/$runtime ;; esac

logdir=$(mktemp -d /tmp/runtime-tools-results.XXXXXX)
echo "logs: $logdir"

# tap_verdict FILE: FAIL on a failing point (TODO excepted), when a TAP document's points do
# not match its plan (some tests print two documents), or on an orphan diagnostic: a YAML block
# with an "error" that no test point owns (the hook tests report a violation only that way and
# plan 0 tests, which node-tap would count as a pass). SKIP when every point is a skip; PASS
# otherwise. A test may print no TAP at all: the *_fail tests only check that create fails.
tap_verdict() {
  awk '
    function close_doc() {
      if ((planned && n != plan) || (!planned && n) || orphan) bad++
      planned = 0; n = 0; orphan = 0; after_point = 0
    }
    /^TAP version/ { close_doc(); next }
    /^1\.\.[0-9]+/ { split($0, p, "\\.\\."); plan = p[2] + 0; planned = 1; after_point = 0; next }
    /^  ---$/ { in_yaml = 1; free = !after_point; next }
    /^  \.\.\.$/ { in_yaml = 0; after_point = 0; next }
    in_yaml { if (free && $0 ~ /^    "error": "./) orphan = 1; next }
    /^(not )?ok/ {
      n++; points++; orphan = 0; after_point = 1
      if ($0 ~ /# (SKIP|skip)/) skipped++
      if ($0 ~ /^not ok/ && $0 !~ /# TODO/) bad++
      next
    }
    /^#/ { next }
    { after_point = 0 }
    END {
      close_doc()
      if (bad) print "FAIL"
      else if (points > 0 && skipped == points) print "SKIP"
      else print "PASS"
    }' "$1"
}

run_one() {
  local name=$1 exe=$2 wrapper="$logdir/$1.runtime"
  printf '#!/bin/bash\nexec %q --log %q "$@"\n' "$runtime" "$logdir/$name.runtime.log" > "$wrapper"
  chmod +x "$wrapper"
  (cd "$suite" && RUNTIME=$wrapper timeout "$per_test_timeout" "$exe") \
    > "$logdir/$name.tap" 2> "$logdir/$name.stderr"
  local rc=$?
  local verdict
  verdict=$(tap_verdict "$logdir/$name.tap")
  [ $rc -eq 0 ] || verdict=FAIL
  echo "exit $rc" >> "$logdir/$name.stderr"
  echo "$verdict $name"
}

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for t in "$suite"/validation/*/*.t; do names+=("$(basename "$t" .t)"); done
fi

pass=0 fail=0 skip=0
for name in "${names[@]}"; do
  exe="$suite/validation/$name/$name.t"
  if [ ! -x "$exe" ]; then echo "FAIL $name (no $exe)"; fail=$((fail + 1)); continue; fi
  line=$(run_one "$name" "$exe")
  echo "$line"
  case $line in PASS*) pass=$((pass + 1)) ;; SKIP*) skip=$((skip + 1)) ;; *) fail=$((fail + 1)) ;; esac
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
