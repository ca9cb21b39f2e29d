#!/usr/bin/env bash
# Starts a private Docker engine for the tests (its own socket, data root,
# exec root and pid file under /tmp/scanfleet-docker; vfs storage; no
# iptables and no bridge, so it touches nothing of the host's networking),
# loads the fixture image into it, and prints `export VAR=value` lines:
#   SCANFLEET_TEST_DOCKER_HOST=unix:///tmp/scanfleet-docker/docker.sock
#   SCANFLEET_TEST_DOCKER_IMAGE=<name of the loaded fixture image>
# Idempotent: an engine already answering on the socket is reused, and the
# image is loaded only when missing. Run as root.
# Usage: eval "$(scripts/ci/start-docker.sh)"
set -euo pipefail
cd "$(dirname "$0")/../.."

DIR=${SCANFLEET_DOCKER_DIR:-/tmp/scanfleet-docker}
SOCK=$DIR/docker.sock
HOST=unix://$SOCK
log() { printf 'start-docker: %s\n' "$*" >&2; }

TESTDATA=${SCANFLEET_TESTDATA:-$(pwd)/../shared/testdata}
FIXTURE=$TESTDATA/images/scan-fixture-alpine-3.20.3.docker.tar

if ! command -v dockerd >/dev/null || ! command -v containerd >/dev/null; then
  log "installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends docker.io >&2
fi
# The Debian package's client, not whatever `docker` is first on PATH.
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker)

mkdir -p "$DIR/data" "$DIR/exec"
chmod 700 "$DIR"

answers() { "$DOCKER" -H "$HOST" version >/dev/null 2>&1; }

if answers; then
  log "engine already running at $HOST"
else
  if [ -s "$DIR/dockerd.pid" ] && kill -0 "$(cat "$DIR/dockerd.pid")" 2>/dev/null; then
    kill "$(cat "$DIR/dockerd.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$(cat "$DIR/dockerd.pid")" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$SOCK" "$DIR/dockerd.pid"
  nohup dockerd --host "$HOST" --data-root "$DIR/data" --exec-root "$DIR/exec" \
    --pidfile "$DIR/dockerd.pid" --iptables=false --ip6tables=false --bridge=none \
    --storage-driver=vfs >"$DIR/dockerd.log" 2>&1 &
  for _ in $(seq 1 300); do
    answers && break
    sleep 0.1
  done
  if ! answers; then
    log "dockerd did not answer on $HOST; its log:"
    tail -30 "$DIR/dockerd.log" >&2
    exit 1
  fi
  log "engine up at $HOST"
fi

IMAGE=
if [ -f "$FIXTURE" ]; then
  # The image name is whatever the archive's manifest.json tags it as.
  IMAGE=$(tar -xOf "$FIXTURE" manifest.json | sed -n 's/.*"RepoTags":\["\([^"]*\)".*/\1/p')
  if [ -z "$IMAGE" ]; then
    log "cannot read the image name from $FIXTURE"
    exit 1
  fi
  if ! "$DOCKER" -H "$HOST" image inspect "$IMAGE" >/dev/null 2>&1; then
    "$DOCKER" -H "$HOST" load -i "$FIXTURE" >&2
  fi
else
  log "fixture $FIXTURE not found: no image loaded"
fi

echo "export SCANFLEET_TEST_DOCKER_HOST=$HOST"
[ -n "$IMAGE" ] && echo "export SCANFLEET_TEST_DOCKER_IMAGE=$IMAGE"
exit 0
