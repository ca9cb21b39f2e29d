#!/usr/bin/env bash
# Starts a real Kubernetes API server for the tests (Kubernetes scaler, leader
# election, admission webhook, manifest validation) and prints the
# `export VAR=value` lines to eval:
#   SCANFLEET_TEST_KUBECONFIG  a kubeconfig for the admin user (system:masters)
#   SCANFLEET_TEST_KUBE_SERVER https://127.0.0.1:16443
#   SCANFLEET_TEST_KUBE_TOKEN  the admin bearer token
#   SCANFLEET_TEST_KUBECTL     a kubectl of the same version
# etcd comes from Debian's etcd-server; kube-apiserver is built from the Go
# module proxy once (about 5 minutes on 2 cores) and cached under
# $SCANFLEET_KUBE_CACHE (default $HOME/.cache/scanfleet/kube), because no
# Debian package ships it. There is no controller-manager or kubelet: objects
# are stored and validated, admission webhooks are called, no pods run.
# Idempotent: servers already answering are left alone. Run as root.
# Usage: eval "$(scripts/ci/start-kube.sh)"
#        scripts/ci/start-kube.sh build   # only build/cache the binary
#        scripts/ci/start-kube.sh cached  # exit 0 when the binaries are cached
#        scripts/ci/start-kube.sh stop
set -euo pipefail

KUBE_VERSION=1.37.2
STAGING_VERSION=0.37.2
CACHE=${SCANFLEET_KUBE_CACHE:-$HOME/.cache/scanfleet/kube}
STATE=${SCANFLEET_KUBE_DIR:-/tmp/scanfleet-kube}
BIN=$CACHE/kube-apiserver-v$KUBE_VERSION
KUBECTL=$CACHE/kubectl-v$KUBE_VERSION
ETCD_PORT=12379
ETCD_PEER=12380
PORT=16443
TOKEN=scanfleet-test-admin-token
log() { printf 'start-kube: %s\n' "$*" >&2; }

build_apiserver() {
  [ -x "$BIN" ] && [ -x "$KUBECTL" ] && return 0
  log "building kube-apiserver v$KUBE_VERSION from the module proxy (cached in $CACHE)"
  local mod
  mod=$(mktemp -d)
  mkdir -p "$CACHE"
  cat >"$mod/tools.go" <<'EOF'
//go:build tools

package kas

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
EOF
  {
    echo "module kas"
    echo "go 1.26"
    echo "require k8s.io/kubernetes v$KUBE_VERSION"
    for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go \
      cloud-provider cluster-bootstrap code-generator component-base component-helpers \
      controller-manager cri-api cri-client cri-streaming csi-translation-lib \
      dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator \
      kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics \
      mount-utils pod-security-admission sample-apiserver sample-cli-plugin \
      sample-controller streaming; do
      echo "replace k8s.io/$m => k8s.io/$m v$STAGING_VERSION"
    done
  } >"$mod/go.mod"
  (
    cd "$mod"
    go mod tidy >&2
    ld="-s -w -X k8s.io/component-base/version.gitVersion=v$KUBE_VERSION \
      -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37"
    go build -trimpath -o "$BIN.tmp" -ldflags "$ld" k8s.io/kubernetes/cmd/kube-apiserver >&2
    go build -trimpath -o "$KUBECTL.tmp" -ldflags "$ld" k8s.io/kubernetes/cmd/kubectl >&2
  )
  mv "$BIN.tmp" "$BIN"
  mv "$KUBECTL.tmp" "$KUBECTL"
  rm -rf "$mod"
}

stop() {
  for p in apiserver etcd; do
    if [ -s "$STATE/$p.pid" ]; then kill "$(cat "$STATE/$p.pid")" 2>/dev/null || true; fi
  done
}

case "${1:-}" in
build) build_apiserver; exit 0 ;;
cached) [ -x "$BIN" ] && [ -x "$KUBECTL" ]; exit ;;
stop) stop; exit 0 ;;
esac

if ! command -v etcd >/dev/null; then
  log "installing etcd-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends etcd-server >&2
  # The package's own unit starts an etcd on the default ports; ours uses
  # its own ports and data directory, so that one is left alone.
fi
build_apiserver
mkdir -p "$STATE/certs"

ready() { curl -fsk --max-time 2 -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; }

if ! ready; then
  stop
  sleep 0.5
  if ! curl -fs --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1; then
    rm -rf "$STATE/etcd"
    etcd --data-dir "$STATE/etcd" --name scanfleet-test \
      --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
      --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
      --initial-cluster "scanfleet-test=http://127.0.0.1:$ETCD_PEER" \
      >"$STATE/etcd.log" 2>&1 &
    echo $! >"$STATE/etcd.pid"
    for _ in $(seq 1 100); do
      curl -fs --max-time 1 "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1 && break
      sleep 0.2
    done
  fi
  if [ ! -s "$STATE/sa.key" ]; then
    openssl genrsa -out "$STATE/sa.key" 2048 2>/dev/null
    openssl rsa -in "$STATE/sa.key" -pubout -out "$STATE/sa.pub" 2>/dev/null
  fi
  echo "$TOKEN,admin,admin-uid,system:masters" >"$STATE/tokens.csv"
  "$BIN" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$STATE/sa.pub" --service-account-signing-key-file="$STATE/sa.key" \
    --authorization-mode=Node,RBAC --token-auth-file="$STATE/tokens.csv" \
    --secure-port=$PORT --bind-address=127.0.0.1 --cert-dir="$STATE/certs" \
    --service-cluster-ip-range=10.96.0.0/16 --advertise-address=127.0.0.1 \
    --endpoint-reconciler-type=none >"$STATE/apiserver.log" 2>&1 &
  echo $! >"$STATE/apiserver.pid"
  for _ in $(seq 1 300); do
    ready && break
    sleep 0.2
  done
  ready || { log "kube-apiserver did not become ready; its log:"; tail -30 "$STATE/apiserver.log" >&2; exit 1; }
  log "kube-apiserver up on 127.0.0.1:$PORT"
fi

cat >"$STATE/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:$PORT
    certificate-authority: $STATE/certs/apiserver.crt
contexts:
- name: test
  context: {cluster: test, user: admin, namespace: default}
current-context: test
users:
- name: admin
  user: {token: $TOKEN}
EOF

echo "export SCANFLEET_TEST_KUBECONFIG='$STATE/kubeconfig'"
echo "export SCANFLEET_TEST_KUBE_SERVER='https://127.0.0.1:$PORT'"
echo "export SCANFLEET_TEST_KUBE_TOKEN='$TOKEN'"
echo "export SCANFLEET_TEST_KUBECTL='$KUBECTL'"
