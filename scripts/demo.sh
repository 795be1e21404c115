#!/usr/bin/env bash
# The README's first command: a demo bundle with a busybox-static rootfs, run with ./bin/runts.
set -euo pipefail
cd "$(dirname "$0")/.."
demo=$(mktemp -d /tmp/runts-demo-XXXXXX)
trap 'rm -rf "$demo"' EXIT
mkdir -p "$demo/rootfs/bin"
cp /bin/busybox "$demo/rootfs/bin/busybox"
for app in sh echo hostname cat; do ln -s busybox "$demo/rootfs/bin/$app"; done
./bin/runts spec --bundle "$demo"
node -e '
const f = process.argv[1], c = JSON.parse(require("fs").readFileSync(f, "utf8"));
c.process.terminal = false;
c.process.args = ["sh", "-c", "echo \"hello from $(hostname), I am PID $$ in my own namespaces\"; cat /proc/self/cgroup | head -1"];
require("fs").writeFileSync(f, JSON.stringify(c, null, "\t"));' "$demo/config.json"
./bin/runts run --bundle "$demo" "runts-demo-$$"
