#!/usr/bin/env bash
# Builds Refund Desk and launches it on the embedded SQLite demo database
# (created on first run in the user's data folder). Extra arguments go to refunddesk.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh run
scripts/build.sh
exec build/app/refunddesk/refunddesk --create-demo "$@"
