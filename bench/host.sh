#!/usr/bin/env bash
# Wall time and peak RSS of `scanfleet host --skip-db --format json` beside
# trivy (`trivy rootfs --scanners "" --list-all-pkgs --format json`, when
# installed) and beside the previous version of our host scan (built from
# OLD_REV), on a generated root of about 529,000 entries (bench/mkroot) and
# on this machine's own root; run alternately so machine noise hits every
# tool alike, medians of RUNS runs.
#
#   bench/host.sh                    # RUNS=3 OLD_REV=d97c95c
#
# The same directories are skipped by every tool on the machine's root:
# /tmp (it holds the generated root) and /mnt, beside the kernel's /proc,
# /sys, /dev and /run. Our scan skips download caches (the Go module cache,
# ~/.cache, ...) by default; the "--caches" rows walk them as trivy does.
# Needs /usr/bin/time (Debian package `time`). Trivy: see
# shared/notes/recipes.md (GOEXPERIMENT=jsonv2 go install
# github.com/aquasecurity/trivy/cmd/trivy@v0.74.0); TRIVY=path overrides.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
OLD_REV=${OLD_REV:-d97c95c}
work=${BENCH_HOST_DIR:-/tmp/scanfleet-bench-host}
genroot=$work/genroot
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { apt-get -o DPkg::Lock::Timeout=600 install -y -qq time >/dev/null; }
trivy=${TRIVY:-$(command -v trivy || echo /root/.cache/trivy-build/bin/trivy)}

go build -o "$work/scanfleet" ./cmd/scanfleet
if [ ! -x "$work/scanfleet-old" ]; then
  rm -rf "$work/old" && mkdir -p "$work/old"
  git archive "$OLD_REV" | tar -x -C "$work/old"
  (cd "$work/old" && go build -o "$work/scanfleet-old" ./cmd/scanfleet)
fi
[ -d "$genroot" ] || go run ./bench/mkroot -out "$genroot" -units 600

# measure CMD...: prints "seconds maxrss_kb".
measure() {
  local f
  f=$(mktemp)
  /usr/bin/time -o "$f" -f '%e %M' "$@" >/dev/null 2>&1 || true
  tail -1 "$f"
  rm -f "$f"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

rootskips=(--skip-dirs /tmp --skip-dirs /mnt)
trivyrootskips=(--skip-dirs /tmp --skip-dirs /mnt --skip-dirs /proc --skip-dirs /sys --skip-dirs /dev --skip-dirs /run)

printf '| root | tool | wall s (median of %d) | peak RSS MB (median) | packages |\n|---|---|---|---|---|\n' "$RUNS"
for target in generated machine; do
  if [ "$target" = generated ]; then
    root=$genroot ours=() theirs=()
  else
    root=/ ours=("${rootskips[@]}") theirs=("${trivyrootskips[@]}")
  fi
  declare -A t=() m=()
  tools=(new new-caches old)
  [ -x "$trivy" ] && tools+=(trivy)
  for _ in $(seq "$RUNS"); do
    for tool in "${tools[@]}"; do
      case $tool in
        new) cmd=("$work/scanfleet" host --root "$root" --skip-db -f json -q "${ours[@]}") ;;
        new-caches) cmd=("$work/scanfleet" host --root "$root" --skip-db -f json -q --caches --container-storage "${ours[@]}") ;;
        old) cmd=("$work/scanfleet-old" host --root "$root" --skip-db -f json -q "${ours[@]}") ;;
        trivy) cmd=("$trivy" rootfs --scanners "" --list-all-pkgs --format json --cache-backend memory --skip-db-update --skip-java-db-update --offline-scan -q "${theirs[@]}" "$root") ;;
      esac
      read -r s k < <(measure "${cmd[@]}")
      t[$tool]+="$s "; m[$tool]+="$k "
    done
  done
  for tool in "${tools[@]}"; do
    case $tool in
      new) cmd=("$work/scanfleet" host --root "$root" --skip-db -f json -q "${ours[@]}"); name="scanfleet host (this version)"; count='.packages|length' ;;
      new-caches) cmd=("$work/scanfleet" host --root "$root" --skip-db -f json -q --caches --container-storage "${ours[@]}"); name="scanfleet host --caches --container-storage"; count='.packages|length' ;;
      old) cmd=("$work/scanfleet-old" host --root "$root" --skip-db -f json -q "${ours[@]}"); name="scanfleet host ($OLD_REV, before #22)"; count='.packages|length' ;;
      trivy) cmd=("$trivy" rootfs --scanners "" --list-all-pkgs --format json --cache-backend memory --skip-db-update --skip-java-db-update --offline-scan -q "${theirs[@]}" "$root"); name="trivy rootfs"; count='[.Results[]?.Packages[]?]|length' ;;
    esac
    pkgs=$("${cmd[@]}" 2>/dev/null | jq "$count" 2>/dev/null || echo "?")
    printf '| %s | %s | %s | %s | %s |\n' "$target" "$name" \
      "$(tr ' ' '\n' <<<"${t[$tool]}" | grep . | median)" \
      "$(tr ' ' '\n' <<<"${m[$tool]}" | grep . | median | awk '{printf "%.0f", $1/1024}')" "$pkgs"
  done
  unset t m
done
