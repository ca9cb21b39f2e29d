#!/usr/bin/env bash
# Runs every `go test -fuzz` target of the module for FUZZTIME (default
# 15s) each, one at a time on one worker, and prints one line per target:
# ok/FAIL, package, target, total executions. A crash leaves its input in
# the package's testdata/fuzz/<Target>/ directory: commit it with the fix,
# and plain `go test` replays it from then on. Logs: $FUZZLOG (a directory).
set -uo pipefail
cd "$(dirname "$0")/../.."
t=${FUZZTIME:-15s}
logdir=${FUZZLOG:-/tmp/scanfleet-fuzz}
mkdir -p "$logdir"
status=0
while IFS=: read -r file _ rest; do
  name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/' <<<"$rest")
  pkg=./$(dirname "$file")
  log=$logdir/$(tr / _ <<<"${pkg#./}")_$name.log
  if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$t" -parallel 1 "$pkg" >"$log" 2>&1; then res=ok; else res=FAIL; status=1; fi
  execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  echo "$res $pkg $name execs=${execs:-0}"
done < <(grep -rn "^func Fuzz" --include=*_test.go internal/)
exit $status
