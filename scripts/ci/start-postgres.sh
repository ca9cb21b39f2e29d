#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests (the queue package's
# Postgres back end runs against it) and prints the `export VAR=value` line to
# eval:
#   127.0.0.1:55432  trust auth, user postgres, database scanfleet_test
# It installs Debian's postgresql when missing, makes its own cluster under
# $SCANFLEET_POSTGRES_DIR (default /tmp/scanfleet-postgres) rather than using
# the distribution's, and listens on loopback only. Idempotent: a server
# already answering on the port is left alone. Run as root.
# Usage: eval "$(scripts/ci/start-postgres.sh)"
#        scripts/ci/start-postgres.sh stop
set -euo pipefail

STATE=${SCANFLEET_POSTGRES_DIR:-/tmp/scanfleet-postgres}
DATA=$STATE/data
PORT=55432
HOST=127.0.0.1
DB=scanfleet_test
log() { printf 'start-postgres: %s\n' "$*" >&2; }

# pg_bin finds the newest installed server's bin directory (Debian 12 ships 15).
pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

if ! BIN=$(pg_bin); then
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >&2
  BIN=$(pg_bin) || { log "postgresql installed but no initdb found under /usr/lib/postgresql"; exit 1; }
fi

as_pg() { runuser -u postgres -- "$@"; }

if [ "${1:-}" = stop ]; then
  if [ -s "$DATA/postmaster.pid" ]; then
    as_pg "$BIN/pg_ctl" -D "$DATA" stop -m fast -w >&2 || true
  fi
  exit 0
fi

ready() { "$BIN/pg_isready" -q -h "$HOST" -p "$PORT" -U postgres >/dev/null 2>&1; }

init_cluster() {
  rm -rf "$DATA"
  mkdir -p "$DATA"
  chown -R postgres: "$STATE"
  chmod 700 "$DATA"
  log "initdb in $DATA"
  # --no-sync: a test cluster need not survive a power cut during initdb.
  as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$STATE/initdb.log" 2>&1 \
    || { cat "$STATE/initdb.log" >&2; exit 1; }
}

start_server() {
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$STATE/server.log" -w -t 60 \
    -o "-k /tmp -p $PORT -c listen_addresses=$HOST" start >&2
}

if ready; then
  log "server already running on $HOST:$PORT"
else
  mkdir -p "$STATE"
  chown postgres: "$STATE"
  chmod 755 "$STATE"
  if [ ! -s "$DATA/PG_VERSION" ]; then
    init_cluster
  fi
  if ! start_server; then
    # A cluster left by a killed run (or by another server version) that
    # will not start is only test data: make it anew.
    log "existing cluster did not start; its log:"
    tail -20 "$STATE/server.log" >&2 || true
    init_cluster
    start_server
  fi
  for _ in $(seq 1 100); do
    ready && break
    sleep 0.1
  done
  ready || { log "server did not become ready; its log:"; tail -20 "$STATE/server.log" >&2; exit 1; }
  log "server up on $HOST:$PORT"
fi

if [ "$("$BIN/psql" -h "$HOST" -p "$PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
  "$BIN/createdb" -h "$HOST" -p "$PORT" -U postgres "$DB"
  log "created database $DB"
fi

echo "export SCANFLEET_TEST_POSTGRES='postgres://postgres@$HOST:$PORT/$DB?sslmode=disable'"
