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

log() { printf '== %s\n' "$*" >&2; }

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
log "starting etcd + kube-apiserver (built once from the module proxy, then cached)"
eval "$(scripts/ci/start-kube.sh)"

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
log "go test"
go test -count=1 -timeout 20m ./... 2>&1 | tee /tmp/scanfleet-test.log
