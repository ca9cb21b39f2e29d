#!/usr/bin/env bash
# Starts two real registries (Debian's docker-registry, CNCF distribution) on
# loopback for the tests, and prints `export VAR=value` lines to eval:
#   127.0.0.1:5000  plain HTTP, anonymous
#   127.0.0.1:5443  TLS (self-signed CA made here) + htpasswd basic auth
# Idempotent: a registry already answering on its port is left alone and the
# same state directory, CA and credentials are reused. Run as root.
# Usage: eval "$(scripts/ci/start-registry.sh)"
set -euo pipefail

STATE=${SCANFLEET_REGISTRY_DIR:-/tmp/scanfleet-registry}
USER_NAME=scanfleet
log() { printf 'start-registry: %s\n' "$*" >&2; }

need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v htpasswd >/dev/null || need+=(apache2-utils)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >&2
fi

mkdir -p "$STATE/plain/data" "$STATE/tls/data" "$STATE/tls/certs"
chmod 700 "$STATE"

# Credentials and CA are generated once and reused, so a second run (or a
# registry left running by the first) stays consistent with what we print.
if [ ! -s "$STATE/password" ]; then
  (umask 077; openssl rand -hex 16 > "$STATE/password")
fi
PASSWORD=$(cat "$STATE/password")
if [ ! -s "$STATE/tls/htpasswd" ]; then
  (umask 077; htpasswd -Bbn "$USER_NAME" "$PASSWORD" > "$STATE/tls/htpasswd")
fi

CERTS=$STATE/tls/certs
if [ ! -s "$CERTS/ca.pem" ] || [ ! -s "$CERTS/server.pem" ]; then
  log "generating a self-signed CA and a server certificate for 127.0.0.1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=scanfleet test CA" \
    -keyout "$CERTS/ca.key" -out "$CERTS/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$CERTS/server.key" -out "$CERTS/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$CERTS/ext.cnf"
  openssl x509 -req -in "$CERTS/server.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca.key" \
    -CAcreateserial -days 30 -extfile "$CERTS/ext.cnf" -out "$CERTS/server.pem" 2>/dev/null
fi

cat > "$STATE/plain/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $STATE/plain/data}
  delete: {enabled: true}
http: {addr: 127.0.0.1:5000}
YML

cat > "$STATE/tls/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $STATE/tls/data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:5443
  tls: {certificate: $CERTS/server.pem, key: $CERTS/server.key}
auth:
  htpasswd: {realm: scanfleet-test, path: $STATE/tls/htpasswd}
YML

# answers URL [curl args...]: the registry's /v2/ answered at all (200, or
# 401 when auth is on).
answers() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@") || return 1
  [ "$code" = 200 ] || [ "$code" = 401 ]
}

start() { # name url curl-args...
  local name=$1 url=$2; shift 2
  if answers "$url" "$@"; then
    log "$name registry already running"
    return
  fi
  # A stale pid file from a registry that died is harmless: only a live
  # process of ours that does not answer is stopped.
  if [ -s "$STATE/$name/pid" ] && kill -0 "$(cat "$STATE/$name/pid")" 2>/dev/null; then
    kill "$(cat "$STATE/$name/pid")" 2>/dev/null || true
    sleep 0.5
  fi
  nohup /usr/bin/docker-registry serve "$STATE/$name/config.yml" >"$STATE/$name/log" 2>&1 &
  echo $! > "$STATE/$name/pid"
  for _ in $(seq 1 100); do
    if answers "$url" "$@"; then
      log "$name registry up at $url"
      return
    fi
    sleep 0.1
  done
  log "$name registry did not answer; its log:"
  tail -20 "$STATE/$name/log" >&2
  exit 1
}

start plain http://127.0.0.1:5000/v2/
start tls https://127.0.0.1:5443/v2/ --cacert "$CERTS/ca.pem"

echo "export SCANFLEET_TEST_REGISTRY=127.0.0.1:5000"
echo "export SCANFLEET_TEST_REGISTRY_TLS=127.0.0.1:5443"
echo "export SCANFLEET_TEST_REGISTRY_TLS_CA=$CERTS/ca.pem"
echo "export SCANFLEET_TEST_REGISTRY_USER=$USER_NAME"
echo "export SCANFLEET_TEST_REGISTRY_PASSWORD=$PASSWORD"
