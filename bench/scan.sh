#!/usr/bin/env bash
# Wall time and peak RSS of `scanfleet scan` (packages + matching) beside
# syft (packages only) on the same docker-archive files, run alternately so
# machine noise hits both; medians of RUNS runs. Also scans a synthetic image
# of many large files to show memory stays flat.
#
#   bench/scan.sh            # RUNS=5 SYNTHETIC_GB=2
# debian-lang is Debian plus a large node_modules and a Java app's jars
# (bench/mklang.sh; needs npm and Debian's mirror).
# Needs: /usr/bin/time (Debian package `time`); syft on PATH or in ~/go/bin
# (go install github.com/anchore/syft/cmd/syft@v1.57.1).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SYNTHETIC_GB=${SYNTHETIC_GB:-2}
shared=${SCANFLEET_TESTDATA:-../shared/testdata}
images=${BENCH_IMAGES:-/tmp/scanfleet-bench}
mkdir -p "$images"
command -v /usr/bin/time >/dev/null || { apt-get -o DPkg::Lock::Timeout=600 install -y -qq time >/dev/null; }
syft=$(command -v syft || echo "$HOME/go/bin/syft")

go build -o bin/scanfleet ./cmd/scanfleet
bench/mklang.sh "$images/lang-layer.tar"
go run ./bench/mkimages -out "$images" -rootfs "$shared/rootfs" -synthetic-gb "$SYNTHETIC_GB" -lang-layer "$images/lang-layer.tar"
db=$images/bench.db
# Every advisory source of the test data.
[ -s "$db" ] || ./bin/scanfleet db build --out "$db" "$shared"/advisories/* >/dev/null

# measure CMD...: prints "seconds maxrss_kb". scanfleet exits 4 on the
# Debian image (no Debian feed in the test data): not a failure here.
measure() {
  local f
  f=$(mktemp)
  /usr/bin/time -o "$f" -f '%e %M' "$@" >/dev/null 2>&1 || true
  tail -1 "$f"
  rm -f "$f"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '| image | tool | wall s (median of %d) | peak RSS MB (median) |\n|---|---|---|---|\n' "$RUNS"
for img in debian-bookworm-minbase alpine-minirootfs-3.20.3-x86_64 debian-lang; do
  f=$images/$img.docker.tar
  declare -a ot=() orss=() st=() srss=()
  for _ in $(seq "$RUNS"); do
    read -r t m < <(measure ./bin/scanfleet scan -q --no-cache --db "$db" --format json "docker-archive:$f"); ot+=("$t"); orss+=("$m")
    if [ -x "$syft" ]; then
      read -r t m < <(measure env SYFT_CHECK_FOR_APP_UPDATE=false "$syft" scan -q -o json "docker-archive:$f"); st+=("$t"); srss+=("$m")
    fi
  done
  printf '| %s | scanfleet scan (with matching) | %s | %s |\n' "$img" "$(printf '%s\n' "${ot[@]}" | median)" "$(printf '%s\n' "${orss[@]}" | median | awk '{printf "%.0f", $1/1024}')"
  if ((${#st[@]})); then
    printf '| %s | syft %s (packages only) | %s | %s |\n' "$img" "$(go version -m "$syft" | awk '$1=="mod"{print $3}')" "$(printf '%s\n' "${st[@]}" | median)" "$(printf '%s\n' "${srss[@]}" | median | awk '{printf "%.0f", $1/1024}')"
  fi
  unset ot orss st srss
done
if [ "$SYNTHETIC_GB" -gt 0 ]; then
  f=$images/synthetic-${SYNTHETIC_GB}g.docker.tar
  read -r t m < <(measure ./bin/scanfleet scan -q --no-cache --skip-db --format json "docker-archive:$f")
  printf '| synthetic %d GiB (%d MB archive) | scanfleet scan | %s | %.0f |\n' "$SYNTHETIC_GB" "$(( $(stat -c %s "$f") / 1000000 ))" "$t" "$(echo "$m" | awk '{print $1/1024}')"
fi
