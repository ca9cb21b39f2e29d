#!/usr/bin/env bash
# The vulnerability database at real-world scale (issue 19): wall time and
# peak RSS (/usr/bin/time -v) of
#   1. `db build` of the synthetic corpus (bench/mkcorpus: 357,800 OSV
#      records zipped per ecosystem + 300,000 CVE JSON 5 records, KEV, EPSS)
#   2. `db update` from the same files served over HTTP (python3 http.server:
#      Last-Modified / If-Modified-Since), laid out like the OSV bucket
#      (all.zip, modified_id.csv, <id>.json): first update (empty cache), an
#      update with nothing changed, an update after a day's changes
#      (bench/mkcorpus -day: 1,000 OSV records in 3 of the 11 files,
#      fetched one by one from the list; 300 CVE List records, fetched one
#      by one from the repository's delta log, cve/repo/cves; a new EPSS
#      file)
#   3. `scan` of the shared images against the built database.
# Usage: bench/db.sh            (WORK=/tmp/scanfleet-bench-db, SCALE=1)
#        SCALE=0.05 bench/db.sh (a quick run)
#        NO_CVE=1 bench/db.sh   (OSV feeds only)
#        FULL_AGAIN=1           (also a full build of the changed corpus)
#        CVE_RECORDS=-          (the CVE List read whole when it changed)
#        UPDATES_ONLY=1         (no full build, no scans: the updates only)
#        PROFILE=FILE           (a CPU profile of the day's update)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=${GOTOOLCHAIN:-auto}
WORK=${WORK:-/tmp/scanfleet-bench-db}
SCALE=${SCALE:-1}
SHARED=${SHARED:-$(cd .. && pwd)/shared/testdata}
PORT=${PORT:-18719}
mkdir -p "$WORK"
go build -o "$WORK/scanfleet" ./cmd/scanfleet
go build -o "$WORK/mkcorpus" ./bench/mkcorpus
C="$WORK/corpus-$SCALE"
if [ ! -s "$C/.done" ]; then
  "$WORK/mkcorpus" -testdata "$SHARED" -out "$C" -scale "$SCALE"
  date > "$C/.done"
fi
# A corpus made before the record lists existed gets them (no archive is
# rewritten).
if [ ! -s "$C/osv/npm/modified_id.csv" ]; then
  "$WORK/mkcorpus" -testdata "$SHARED" -out "$C" -scale "$SCALE" -index >/dev/null
fi
"$WORK/mkcorpus" -testdata "$SHARED" -out "$C" -scale "$SCALE" -restore >/dev/null

# measure LABEL CMD...: one line "LABEL: S s, M MB peak RSS".
measure() {
  local label=$1; shift
  local log="$WORK/time.log"
  if ! /usr/bin/time -v "$@" >"$WORK/out.log" 2>"$log"; then
    echo "$label: FAILED"; tail -5 "$log"; return 1
  fi
  awk -v l="$label" -F': ' '/Elapsed/ {t=$2} /Maximum resident/ {m=$2} /User time/ {u=$2} /System time/ {s=$2}
    END {split(t, a, ":"); sec = (length(a) == 3) ? a[1]*3600 + a[2]*60 + a[3] : a[1]*60 + a[2];
         printf "%s: %.1f s wall, %.1f s CPU, %.0f MB peak RSS\n", l, sec, u + s, m / 1024}' "$log"
}

files=$(cd "$C" && ls osv/*/all.zip)
[ -n "${NO_CVE:-}" ] || files="$files cve/cves.zip cve/kev.json cve/epss.csv.gz"
paths=$(for f in $files; do printf '%s ' "$C/$f"; done)
echo "corpus: $C ($(du -shL --apparent-size "$C" | cut -f1))"

if [ -z "${UPDATES_ONLY:-}" ]; then
rm -f "$WORK/full.db"
measure "db build (full, local files)" "$WORK/scanfleet" db build --out "$WORK/full.db" $paths
size=$(stat -c %s "$WORK/full.db")
zstd -q -f -${ZSTD_LEVEL:-9} -T2 "$WORK/full.db" -o "$WORK/full.db.zst" 2>/dev/null && zsize=$(stat -c %s "$WORK/full.db.zst") || zsize=
"$WORK/scanfleet" db info --db "$WORK/full.db" --json > "$WORK/info.json"
python3 - "$WORK/info.json" "$size" "$zsize" <<'PY'
import json, sys
i = json.load(open(sys.argv[1])); size = int(sys.argv[2])
adv = i.get("advisories") or i.get("Advisories"); e = i.get("enrichment") or i.get("Enrichment") or {}
cves = e.get("cves", 0) if isinstance(e, dict) else 0
print(f"file: {size/1e6:.1f} MB, {adv} advisories + {cves} CVEs: {size/(adv+cves):.0f} bytes per record")
if sys.argv[3]: print(f"zstd: {int(sys.argv[3])/1e6:.1f} MB")
PY
fi

# Serve the corpus; python's http.server sends Last-Modified and answers
# If-Modified-Since with 304.
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$C" >/dev/null 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
cfg="$WORK/update.yaml"
{ echo "sources:"; for f in $files; do echo "  - http://127.0.0.1:$PORT/$f"; done
  if [ -z "${NO_CVE:-}" ]; then
    echo "cve_list_url: http://127.0.0.1:$PORT/cve/cves.zip"
    echo "cve_list_records_url: \"${CVE_RECORDS:-http://127.0.0.1:$PORT/cve/repo}\""
  fi; } > "$cfg"
U="$WORK/update"; rm -rf "$U"; mkdir -p "$U"
measure "db update, empty cache" "$WORK/scanfleet" db update --db "$U/scanfleet.db" --config "$cfg"
measure "db update, nothing changed" "$WORK/scanfleet" db update --db "$U/scanfleet.db" --config "$cfg"
grep -E 'msg=merged' "$WORK/time.log" | sed 's/^/  /' || true
"$WORK/mkcorpus" -testdata "$SHARED" -out "$C" -scale "$SCALE" -day >/dev/null
touch "$C"/osv/npm/all.zip "$C"/osv/Debian/all.zip "$C"/osv/Ubuntu/all.zip
sleep 1
measure "db update, a day's changes" "$WORK/scanfleet" db update --db "$U/scanfleet.db" --config "$cfg" ${PROFILE:+--cpuprofile "$PROFILE"}
echo "  feeds parsed whole: $(grep -c 'source parsed' "$WORK/time.log" || true)"
grep -E 'source patched|reading the whole archive|msg=merged' "$WORK/time.log" | sed 's/^/  /' || true
if [ -n "${FULL_AGAIN:-}" ]; then
  rm -f "$WORK/day.db"
  measure "db build of the same inputs (full)" "$WORK/scanfleet" db build --out "$WORK/day.db" $paths
fi
"$WORK/mkcorpus" -testdata "$SHARED" -out "$C" -scale "$SCALE" -restore >/dev/null

[ -z "${UPDATES_ONLY:-}" ] || exit 0
for img in "$SHARED"/images/*.docker.tar; do
  measure "scan $(basename "$img")" "$WORK/scanfleet" scan -q --no-cache --db "$WORK/full.db" --format json "docker-archive:$img" || true
done
