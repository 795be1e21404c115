#!/usr/bin/env bash
# `npm test -- FILE...` and `make test FILE="FILE..."`: builds what the tests use (`make build`:
# the executable, the C stages, the test programs; no apt-get set-up), then runs just those files
# under tap; tap's own options may be given among them (`npm test -- --grep=NAME FILE`).
# Without arguments it is `make test`: the set-up, then the whole suite (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || exec make test
make --no-print-directory build >&2
exec npx tap "$@"
