#!/usr/bin/env bash
# Static security checks, run by scripts/test.sh: gosec (source patterns)
# and govulncheck (known vulnerabilities in the code paths we call, in the
# standard library and in dependencies). Both are built from the Go module
# proxy at pinned versions. govulncheck's database is built locally from
# the golang.org/x/vulndb module (its data/osv records, indexed with the
# module's own cmd/indexdb), because vuln.go.dev cannot be reached from
# here; SCANFLEET_GOVULNDB may name a ready database directory instead.
# Exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/../.."

GOSEC=github.com/securego/gosec/v2/cmd/gosec@v2.30.0
GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018

log() { printf '== %s\n' "$*" >&2; }

# Rules excluded everywhere, each for a reason that holds for the whole
# code base (one-off exceptions are #nosec comments at the line, with the
# reason after "--"):
#   G104  unchecked errors: the flagged calls are best-effort Close/Write
#         on paths that already return an error or only read; the errors
#         that matter are wrapped and returned (reviewed 2026-11).
#   G115  integer conversions: every flagged conversion in a parser is
#         bounds-checked just before it (rpm header counts, zip sizes,
#         varints, the vulndb file format) and those parsers are fuzzed;
#         file modes are masked to permission bits.
#   G301  0755 directories: caches and exported databases hold nothing
#         secret; the controller's data directory is created 0700.
#   G304  file paths from variables: they are the operator's own CLI
#         arguments and config file entries; reading them is the job.
excluded=G104,G115,G301,G304
# Test-support packages, never linked into the binary.
excluded_dirs=(internal/testutil internal/host/genroot internal/analyzer/analyzertest internal/reporttest internal/source/imagetest internal/kube/kubetest internal/leader/electortest bench test)

log "gosec ($GOSEC)"
args=()
for d in "${excluded_dirs[@]}"; do args+=(-exclude-dir="$d"); done
go run "$GOSEC" -quiet -exclude="$excluded" "${args[@]}" ./...

db=${SCANFLEET_GOVULNDB:-}
if [ -z "$db" ]; then
  db=${XDG_CACHE_HOME:-$HOME/.cache}/scanfleet/govulndb-$VULNDB_VERSION
  if [ ! -s "$db/index/modules.json" ]; then
    log "building the Go vulnerability database from golang.org/x/vulndb@$VULNDB_VERSION"
    src=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    rm -rf "$db.tmp"
    go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$db.tmp"
    rm -rf "$db" && mv "$db.tmp" "$db"
  fi
fi
log "govulncheck ($GOVULNCHECK, database $db)"
go run "$GOVULNCHECK" -db "file://$db" ./...
