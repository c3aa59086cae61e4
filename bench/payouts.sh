#!/bin/sh
# Payouts through the payouts worker to the tests' fake processor (tests/fakestripe), on a
# scratch SQLite file and, when given, a scratch PostgreSQL database:
#   bench/payouts.sh [BUILD_DIR] [postgresql://.../scratch]
set -eu
build=${1:-build}
work=$(mktemp -d)
trap 'kill $fake 2>/dev/null; rm -rf "$work"' EXIT
printf 'sk_test_bench\n' > "$work/key" && chmod 600 "$work/key"
"$build/tests/fakestripe" --key sk_test_bench 2> "$work/fake.log" &
fake=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do grep -q listening "$work/fake.log" && break; sleep 0.2; done
base=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/fake.log")
for db in "sqlite:$work/bench.db" ${2:+"$2"}; do
    echo "== $db"
    "$build/app/refundctl/refundctl" bench payouts --count 1000 --database "$db" \
        --stripe-key-file "$work/key" --stripe-api-base "$base"
done
