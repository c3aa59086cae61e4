#!/bin/sh
# The desk at 10 million rows (issue 19): builds the demo databases once and reuses them, then
# times every table view, the dashboard and the CSV export next to the database's own tools.
#   bench/scale.sh [BUILD_DIR] [postgresql://user@host/scratch_db]
# SQLite goes to ${SCALE_DIR:-$HOME/.cache/refunddesk-scale}/scale.db (about 4 GB); the
# PostgreSQL database, when given, must be a scratch one: the demo is loaded into it when it
# has no accounts yet. Goals (this 2-core machine): every view step at most 50 ms, first rows
# at most 16 ms, counts within 500 ms; the dashboard at most 100 ms per range; CSV export at
# most 1.1x sqlite3 -csv and 1.2x psql \copy; demo load at least 300,000 rows/s.
set -eu
build=${1:-build}
pg=${2:-}
refundctl="$build/app/refundctl/refundctl"
dir=${SCALE_DIR:-$HOME/.cache/refunddesk-scale}
mkdir -p "$dir"

accounts_in() {
    "$refundctl" stats --database "$1" 2>/dev/null | sed -n 's/.*"accounts":\([0-9]*\).*/\1/p'
}

for db in "sqlite:$dir/scale.db" ${pg:+"$pg"}; do
    echo "== $db"
    if [ "$(accounts_in "$db")" != 290000 ]; then
        echo "-- building: refundctl demo --accounts 290000 --seed 7 (minutes)"
        "$refundctl" demo --accounts 290000 --seed 7 --quiet --database "$db"
    fi
    "$refundctl" bench views --database "$db"
    "$refundctl" bench dashboard --database "$db"
    "$refundctl" bench export --database "$db"
done
