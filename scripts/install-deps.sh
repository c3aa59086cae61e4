#!/usr/bin/env bash
# Installs the Debian 12 packages Refund Desk needs, only those that are missing.
# Usage: scripts/install-deps.sh run|test
set -euo pipefail

common=(cmake ninja-build g++ pkg-config
        qt6-base-dev qt6-base-dev-tools libgl-dev
        qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
        libqcustomplot-dev libqt6sql6-sqlite libqt6sql6-psql libqt6svg6 qt6-httpserver-dev qtkeychain-qt6-dev
        libsqlite3-dev libpq-dev libssl-dev
        help2man dpkg-dev file)
case "${1:-run}" in
  run)  wanted=("${common[@]}") ;;
  test) wanted=("${common[@]}" tzdata postgresql sqlite3 xvfb xauth openssl curl
                     desktop-file-utils appstream) ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
