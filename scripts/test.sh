#!/usr/bin/env bash
# Runs Scanfleet's whole test suite: installs what the tests need (Debian
# packages, Go tools from the module proxy), starts the real services they
# run against (a registry with and without TLS/auth, a Docker engine), runs
# vet, staticcheck and the tests, and stops the services again.
#
# This is the test command of README.md's quick start, and .ci/run calls it.
# Run it as root on a Debian 12 machine (it uses apt-get and starts dockerd).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

log() { printf '== %s\n' "$*" >&2; }

need_pkgs=()
command -v docker-registry >/dev/null || need_pkgs+=(docker-registry)
command -v htpasswd >/dev/null || need_pkgs+=(apache2-utils)
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
command -v rpm >/dev/null || need_pkgs+=(rpm)
command -v openssl >/dev/null || need_pkgs+=(openssl)
command -v curl >/dev/null || need_pkgs+=(curl)
if ((${#need_pkgs[@]})); then
  log "installing ${need_pkgs[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f /tmp/scanfleet-docker/dockerd.pid ] && kill "$(cat /tmp/scanfleet-docker/dockerd.pid)" 2>/dev/null || true
}
trap cleanup EXIT

log "starting registries"
eval "$(scripts/ci/start-registry.sh)"
log "starting docker engine"
eval "$(scripts/ci/start-docker.sh)"

if [ "${CI:-}" = "true" ]; then
  # In CI a missing service must fail the tests that need it, not skip them.
  export SCANFLEET_REQUIRE_SERVICES=1
fi

log "go vet"
go vet ./...
log "staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
log "go test"
go test -count=1 -timeout 20m ./... 2>&1 | tee /tmp/scanfleet-test.log
