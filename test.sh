#!/usr/bin/env bash
# Builds Refund Desk and runs the whole test suite against SQLite and a throwaway
# PostgreSQL server on 127.0.0.1, which is stopped again whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh test
scripts/build.sh

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -x "$pgbin/initdb" ]] || { echo "error: PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }

pgdir=$(mktemp -d /tmp/refunddesk-pg.XXXXXX)
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres: "$pgdir"
  as_pg=(runuser -u postgres --)
fi
stop_pg() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap stop_pg EXIT

"${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --no-sync >"$pgdir/initdb.log" 2>&1 \
  || { cat "$pgdir/initdb.log" >&2; exit 1; }
port=""
for _ in $(seq 1 20); do
  try=$(( 20000 + RANDOM % 40000 ))
  if "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -w -t 30 -l "$pgdir/server.log" \
       -o "-c listen_addresses=127.0.0.1 -p $try -k $pgdir -c fsync=off -c max_connections=100" start >/dev/null 2>&1; then
    port=$try; break
  fi
done
[[ -n "$port" ]] || { echo "error: could not start PostgreSQL; its log:" >&2; cat "$pgdir/server.log" >&2 || true; exit 1; }
echo "PostgreSQL test server on 127.0.0.1:$port"

export REFUNDDESK_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure -j"${JOBS:-2}" "$@"
