#!/usr/bin/env bash
# Run runc's own integration suite (bats, tests/integration of runc v1.1.5) against a runtime.
#
#   conformance/run-runc-suite.sh RUNC_SRC RUNTIME IMAGES_DIR [FILE[:FILTER]...]
#
# RUNC_SRC: a runc v1.1.5 source tree, already fetched, with its test helpers already built
#   (this script neither fetches nor builds runc; see conformance/runc-suite.md):
#   contrib/cmd/{recvtty,sd-helper,seccompagent}/<name> (`go build -tags seccomp` for the last).
# RUNTIME: the runtime to test, e.g. ./bin/runts or /usr/sbin/runc.
# IMAGES_DIR: holds busybox.tar.xz and debian.tar.xz, the root filesystems the suite would
#   download (conformance/runc-suite-images.sh builds both from Debian packages).
# FILE: a test file's name without .bats (e.g. `exec`); FILTER: a regex on test names (bats
#   --filter). Without FILEs every tests/integration/*.bats runs.
#
# Needs root and Debian's bats (>= 1.7), gawk, jq, gcc, script and nsenter (util-linux), ip
# (iproute2); none of them is installed by scripts/setup-host.sh. Tests needing criu or a
# working sshfs mount of rootless@localhost skip themselves without them.
# RUNC_SUITE_TIMEOUT: seconds per test (bats' BATS_TEST_TIMEOUT; none by default: bats waits
# for it in a background process, which the tests' own bare `wait` (events.bats) then waits for).
#
# RUNC_SRC is not written to: tests/integration is copied into a temporary tree whose other
# entries are links to RUNC_SRC's, and whose get-images.sh names the given images instead of
# downloading. Prints `ok`, `not ok` or `skip`, the file and the test's name per test, then
# the counts; each file's TAP output (with the commands' output of failing tests) stays in the
# results directory named on the first line, with results.txt holding the per-test lines.
set -u

die() { echo "run-runc-suite: $*" >&2; exit 2; }

[ $# -ge 3 ] || die "usage: $0 RUNC_SRC RUNTIME IMAGES_DIR [FILE[:FILTER]...]"
src=$(cd "$1" 2>/dev/null && pwd) || die "no such directory: $1"
runtime=$(command -v "$2") || die "runtime not found: $2"
case $runtime in /*) ;; *) runtime=$PWD/$runtime ;; esac
images=$(cd "$3" 2>/dev/null && pwd) || die "no such directory: $3"
shift 3

[ "$(id -u)" = 0 ] || die "run it as root"
for tool in bats gawk jq gcc script nsenter ip; do
  command -v $tool >/dev/null || die "$tool is not installed"
done
[ -f "$src/tests/integration/helpers.bash" ] || die "$src/tests/integration/helpers.bash is missing"
for tool in recvtty sd-helper seccompagent; do
  [ -x "$src/contrib/cmd/$tool/$tool" ] || die "$src/contrib/cmd/$tool/$tool is missing: build it first"
done
for image in busybox debian; do
  [ -f "$images/$image.tar.xz" ] || die "$images/$image.tar.xz is missing"
done

tree=$(mktemp -d /tmp/runc-suite-tree.XXXXXX)
results=$(mktemp -d /tmp/runc-suite-results.XXXXXX)
trap 'rm -rf "$tree"' EXIT
echo "results: $results"

# The copy: INTEGRATION_ROOT is where helpers.bash really is, and the suite finds its helpers
# at INTEGRATION_ROOT/../../contrib and go.mod at ../../go.mod.
# recvtty and seccompagent run in the background of a test; bats waits for every holder of its
# fd 3 (the TAP stream) to close it, so one left running by a failing test (update.bats' devices
# test kills its recvtty only when it passes) would stop the run: they get wrappers closing fd 3.
for entry in "$src"/* "$src"/tests/* "$src"/contrib/* "$src"/contrib/cmd/*; do
  case $entry in
    "$src/tests" | "$src/tests/integration" | "$src/contrib" | "$src/contrib/cmd") continue ;;
    "$src/contrib/cmd/recvtty" | "$src/contrib/cmd/seccompagent")
      mkdir -p "$tree/$entry"
      printf '#!/bin/sh\nexec 3>&-\nexec %q "$@"\n' "$entry/${entry##*/}" >"$tree/$entry/${entry##*/}"
      chmod +x "$tree/$entry/${entry##*/}"
      ln -s "$entry"/* "$tree/$entry/" 2>/dev/null
      continue ;;
  esac
  mkdir -p "$tree/${entry%/*}"
  ln -s "$entry" "$tree/$entry"
done
mkdir -p "$tree/$src/tests"
cp -a "$src/tests/integration" "$tree/$src/tests/"
suite=$tree/$src/tests/integration
printf '#!/bin/sh\necho BUSYBOX_IMAGE=%s\necho DEBIAN_IMAGE=%s\n' \
  "$images/busybox.tar.xz" "$images/debian.tar.xz" >"$suite/get-images.sh"

if [ $# -eq 0 ]; then
  set -- $(cd "$suite" && ls *.bats | sed 's/\.bats$//')
fi

export RUNC=$runtime
[ -z "${RUNC_SUITE_TIMEOUT:-}" ] || export BATS_TEST_TIMEOUT=$RUNC_SUITE_TIMEOUT
unset RUNC_USE_SYSTEMD ROOTLESS_FEATURES
for arg in "$@"; do
  file=${arg%%:*}
  filter=()
  [ "$arg" = "$file" ] || filter=(--filter "${arg#*:}")
  [ -f "$suite/$file.bats" ] || die "no such test file: $file.bats"
  # Under a terminal, as runc's CI runs it (`script -e -c`): `runc spec` sets terminal: true,
  # and `run` without --console-socket then needs a controlling terminal.
  script -qec "cd $(printf %q "$suite") && bats --tap ${filter[*]@Q} $file.bats >$(printf %q "$results/$file.tap") 2>&1" \
    /dev/null </dev/null >/dev/null
  # A TAP line: "ok 3 name", "ok 3 name # skip (reason)" or "not ok 3 name".
  sed -nE 's/^(not ok|ok) [0-9]+ (.*)$/\1\t\2/p' "$results/$file.tap" |
    while IFS=$'\t' read -r verdict name; do
      case $name in *' # skip'*) verdict=skip ;; esac
      printf '%s\t%s\t%s\n' "$verdict" "$file" "$name"
    done | tee -a "$results/results.txt"
done

count() { grep -c "^$1	" "$results/results.txt"; }
echo "total $(wc -l <"$results/results.txt"): ok $(count ok), not ok $(count 'not ok'), skip $(count skip)"
