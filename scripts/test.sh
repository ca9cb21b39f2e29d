#!/usr/bin/env bash
# Runs Scanfleet's whole test suite: installs what the tests need (Debian
# packages, Go tools from the module proxy), starts the real services they
# run against (a registry with and without TLS/auth, a Docker engine), runs
# vet, staticcheck and the tests.
#
# This is the test command of README.md's quick start, and .ci/run calls it.
# Run it as root on a Debian 12 machine (it uses apt-get and starts dockerd).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# go.mod's toolchain line (go1.27.3, fetched from the module proxy) builds
# and tests Scanfleet: go1.26.8's standard library has known vulnerabilities
# fixed only in newer releases. Machines that default to GOTOOLCHAIN=local
# would otherwise ignore that line.
export GOTOOLCHAIN=auto

start_time=$SECONDS
log() { printf '== [%dm%02ds] %s\n' $(((SECONDS - start_time) / 60)) $(((SECONDS - start_time) % 60)) "$*" >&2; }

# kube-apiserver and kubectl have no Debian package: start-kube.sh builds
# them from the module proxy once per version and caches them. On a cold
# machine that build is most of this script's time (about 13 minutes of a
# 2-core machine, more under load), so it starts first, in the background,
# while the other services start and every package that does not need
# Kubernetes is vetted and tested; the Kubernetes packages are tested last.
kube_build_log=/tmp/scanfleet-kube-build.log
kube_build_pid=
if ! scripts/ci/start-kube.sh cached; then
  log "building kube-apiserver + kubectl in the background (cold cache: about 13 minutes on 2 cores, up to 45 under load; log $kube_build_log)"
  scripts/ci/start-kube.sh build >"$kube_build_log" 2>&1 &
  kube_build_pid=$!
fi
# wait_kube_build waits for the background build, printing progress every
# minute, and fails with the build's log if it failed.
wait_kube_build() {
  [ -n "$kube_build_pid" ] || return 0
  local waited=0
  while kill -0 "$kube_build_pid" 2>/dev/null; do
    if ((waited % 60 == 0)); then
      log "waiting for the kube-apiserver build ($(grep -c . "$kube_build_log" 2>/dev/null || echo 0) log lines so far; a cold build takes about 13 minutes in all, more under load)"
    fi
    sleep 5
    waited=$((waited + 5))
  done
  if ! wait "$kube_build_pid"; then
    log "the kube-apiserver build failed; its log:"
    tail -40 "$kube_build_log" >&2
    return 1
  fi
  kube_build_pid=
}

# rpm gives the real rpm/rpmbuild the rpm analyzer and version tests compare
# against; chromium is the headless browser the web console tests drive; the
# start scripts install their own servers.
need_pkgs=()
command -v rpmbuild >/dev/null || need_pkgs+=(rpm)
command -v chromium >/dev/null || need_pkgs+=(chromium)
if ((${#need_pkgs[@]})); then
  log "installing ${need_pkgs[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# The servers stay up on their loopback ports after the run, and the next run
# reuses them (each script is idempotent).
log "starting registries (plain :5000, TLS + basic auth :5443)"
eval "$(scripts/ci/start-registry.sh)"
log "starting dockerd"
eval "$(scripts/ci/start-docker.sh)"
log "starting PostgreSQL"
eval "$(scripts/ci/start-postgres.sh)"

# A real Debian root made by debootstrap, for the host-scanning tests (about a
# minute the first time; reused while it exists).
deboot=${SCANFLEET_DEBOOTSTRAP_DIR:-/tmp/scanfleet-debootstrap}
if [ ! -s "$deboot/var/lib/dpkg/status" ]; then
  command -v debootstrap >/dev/null || apt-get -o DPkg::Lock::Timeout=600 install -y -qq debootstrap >/dev/null
  log "debootstrap --variant=minbase bookworm $deboot"
  rm -rf "$deboot"
  debootstrap --variant=minbase bookworm "$deboot" http://deb.debian.org/debian >/tmp/scanfleet-debootstrap.log 2>&1 \
    || { echo "debootstrap failed; see /tmp/scanfleet-debootstrap.log" >&2; exit 1; }
fi
export SCANFLEET_TEST_DEBOOTSTRAP_ROOT=$deboot

if [ "${CI:-}" = "true" ]; then
  # In CI a missing service must fail the tests that need it, not skip them.
  export SCANFLEET_REQUIRE_SERVICES=1
fi

log "go vet"
go vet ./...
log "staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
log "gosec and govulncheck"
scripts/ci/security.sh
# The packages whose tests need the Kubernetes API server run last, after
# the background build.
kube_pkgs=(./deploy/... ./internal/controller/... ./internal/kube/... ./internal/leader/lease/...)
mapfile -t other_pkgs < <(go list ./... | grep -v -e '/deploy' -e '/internal/controller' -e '/internal/kube' -e '/internal/leader/lease')
log "go test (packages without Kubernetes)"
failed=0
go test -count=1 -timeout 25m "${other_pkgs[@]}" 2>&1 | tee /tmp/scanfleet-test.log || failed=1
wait_kube_build
log "starting etcd + kube-apiserver"
eval "$(scripts/ci/start-kube.sh)"
log "go test (Kubernetes packages)"
go test -count=1 -timeout 20m "${kube_pkgs[@]}" 2>&1 | tee -a /tmp/scanfleet-test.log || failed=1
if ((failed)); then
  log "tests failed: see the FAIL lines above (and /tmp/scanfleet-test.log)"
  exit 1
fi
log "all tests passed"
