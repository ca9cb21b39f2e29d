#!/usr/bin/env bash
# The long chaos run of docs/reliability.md: a 500-image registry scan with
# 100 random SIGKILLs of scanner processes (each replaced), and controller
# SIGKILL + restart mid-scan on SQLite and PostgreSQL queues (5 kills each
# over 200 images). The CI run (scripts/test.sh) executes the same tests
# with small defaults; every knob below can be overridden from the
# environment. Prints the CHAOS figure lines; the full log is kept.
#
#   test/chaos/run.sh                # the documented run
#   SCANFLEET_CHAOS_SEED=42 test/chaos/run.sh   # replay a kill schedule
set -euo pipefail
cd "$(dirname "$0")/../.."

eval "$(scripts/ci/start-registry.sh)"
eval "$(scripts/ci/start-postgres.sh)"
export SCANFLEET_REQUIRE_SERVICES=1
export SCANFLEET_CHAOS_IMAGES=${SCANFLEET_CHAOS_IMAGES:-500}
export SCANFLEET_CHAOS_KILLS=${SCANFLEET_CHAOS_KILLS:-100}
export SCANFLEET_CHAOS_SCANNERS=${SCANFLEET_CHAOS_SCANNERS:-4}
export SCANFLEET_CHAOS_BLOB_DELAY=${SCANFLEET_CHAOS_BLOB_DELAY:-1s}
export SCANFLEET_CHAOS_CONTROLLER_IMAGES=${SCANFLEET_CHAOS_CONTROLLER_IMAGES:-200}
export SCANFLEET_CHAOS_CONTROLLER_KILLS=${SCANFLEET_CHAOS_CONTROLLER_KILLS:-5}

log=${SCANFLEET_CHAOS_LOG:-/tmp/scanfleet-chaos.log}
echo "chaos: images=$SCANFLEET_CHAOS_IMAGES kills=$SCANFLEET_CHAOS_KILLS; full log in $log" >&2
status=0
go test -count=1 -timeout 90m -v -run 'TestScannerKills|TestControllerKill' ./test/chaos/ >"$log" 2>&1 || status=$?
grep -E 'CHAOS|^(--- |ok|FAIL|PASS)' "$log" || true
exit $status
