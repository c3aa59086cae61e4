#!/bin/sh
# The desk at 10 million rows (issue 19): builds the demo databases once and reuses them, then
# times every table view, the dashboard and the CSV export next to the database's own tools,
# and ends with one table: each figure beside its goal, on each backend.
#   bench/scale.sh [BUILD_DIR] [postgresql://user@host/scratch_db]
# SQLite goes to ${SCALE_DIR:-$HOME/.cache/refunddesk-scale}/scale.db (about 4 GB); the
# PostgreSQL database, when given, must be a scratch one: the demo is loaded into it when it
# does not hold the 290,000 accounts yet.
set -eu
# The benches print English under the C locale, which the table below reads.
export LC_ALL=C
build=${1:-build}
pg=${2:-}
refundctl="$build/app/refundctl/refundctl"
dir=${SCALE_DIR:-$HOME/.cache/refunddesk-scale}
mkdir -p "$dir"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

accounts_in() {
    "$refundctl" stats --database "$1" 2>/dev/null | sed -n 's/.*"accounts":\([0-9]*\).*/\1/p'
}

backends="sqlite"
[ -n "$pg" ] && backends="sqlite postgresql"
for backend in $backends; do
    if [ "$backend" = sqlite ]; then db="sqlite:$dir/scale.db"; else db=$pg; fi
    echo "== $db"
    : > "$out/$backend"
    if [ "$(accounts_in "$db")" != 290000 ]; then
        echo "-- building: refundctl demo --accounts 290000 --seed 7 (minutes)"
        "$refundctl" demo --accounts 290000 --seed 7 --quiet --database "$db" | tee -a "$out/$backend"
    fi
    for bench in views dashboard export; do
        "$refundctl" bench "$bench" --database "$db" | tee -a "$out/$backend"
    done
done

# One table from what the benches printed: figure, goal, then each backend's figure.
echo
echo "== at 10 million rows: figure, goal, $backends"
awk -v backends="$backends" '
    FNR == 1 { backend = FILENAME; sub(".*/", "", backend) }
    # views: "jobs first rows 256 0.82 0.95 0.86x" (model, then the bare query, in ms)
    $1 ~ /^(ledger|purchases|jobs|queue)$/ && NF >= 6 {
        step = $2; for (i = 3; i <= NF - 4; i++) step = step " " $i
        goal = step == "first rows" ? 16 : (step == "count" ? 500 : 50)
        add($1 " " step " (ms; bare)", "<= " goal, backend, $(NF - 2), goal, 0,
            " (" $(NF - 1) ")")
    }
    # dashboard: "30 days by day  34.2 ... 326.0" (the last column is the total)
    match($0, /^(30 days by day|quarter by week|year by month|year by day|year, one profile) /) {
        add("dashboard, " substr($0, 1, RLENGTH - 1) " (ms)", "<= 100", backend, $NF, 100, 0, "")
    }
    # export: "sqlite3 -csv: 9.80 s, 1047847 rows/s; ratio 1.26x (target 1.1x)"
    /ratio [0-9.]+x \(target/ {
        match($0, /ratio [0-9.]+x/); r = substr($0, RSTART + 6, RLENGTH - 7)
        add("CSV export, times the bare tool", "<= 1.1 sqlite3, 1.2 psql", backend, r,
            backend == "sqlite" ? 1.1 : 1.2, 0, "")
    }
    # demo: "... in 74.22 s: 291877 rows/s into ..." (only when this run built it)
    / rows\/s into / {
        match($0, /: [0-9]+ rows\/s/); r = substr($0, RSTART + 2, RLENGTH - 9)
        add("demo load (rows/s)", ">= 300000", backend, r, 300000, 1, "")
    }
    function add(key, goalText, backend, value, limit, higher, extra) {
        if (!(key in goals)) { order[++n] = key; goals[key] = goalText }
        met = higher ? value + 0 >= limit : value + 0 <= limit
        figure[key, backend] = value extra (met ? "" : " OVER")
        if (!met) over++
    }
    END {
        split(backends, list, " ")
        for (i = 1; i <= n; i++) {
            line = sprintf("%-40s %-26s", order[i], goals[order[i]])
            for (b = 1; b in list; b++) {
                v = figure[order[i], list[b]]
                line = line sprintf(" %-22s", v == "" ? "-" : v)
            }
            print line
        }
        printf "%d figure(s) over their goal\n", over
    }' $(for b in $backends; do echo "$out/$b"; done)
