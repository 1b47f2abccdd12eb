#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on 127.0.0.1 for the tests (idempotent) and print its URL.
# `postgres.sh stop` stops it again.
set -euo pipefail
PGBIN=/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -1)/bin
PGDATA=${PGDATA:-$PWD/.pgdata}
PGPORT=${PGPORT:-55432}
DB=${PGDATABASE_NAME:-course_test}
U=course
as_postgres=()
[ "$(id -u)" -eq 0 ] && as_postgres=(runuser -u postgres --)
if [ "${1:-}" = "stop" ]; then
  "${as_postgres[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" stop -m fast >/dev/null 2>&1 || true
  exit 0
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  "${as_postgres[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --no-locale >/dev/null
fi
if ! "${as_postgres[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  "${as_postgres[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c max_connections=200" start >/dev/null
fi
PSQL=("${as_postgres[@]}" "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
"${PSQL[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='$U'" | grep -q 1 || "${PSQL[@]}" -c "CREATE ROLE $U LOGIN PASSWORD '$U'" >/dev/null
# Each parallel test process makes a database of its own.
"${PSQL[@]}" -c "ALTER ROLE $U CREATEDB" >/dev/null
"${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 || "${PSQL[@]}" -c "CREATE DATABASE $DB OWNER $U" >/dev/null
echo "postgresql+psycopg://$U:$U@127.0.0.1:$PGPORT/$DB"
