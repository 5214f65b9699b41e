#!/usr/bin/env bash
# Set up the suite in ./.venv on a fresh machine that has only Python 3.11+.
#   scripts/setup.sh          the suite itself (notebooks, cjm command, helpers)
#   scripts/setup.sh --test   also the test tools, Java for the PySpark tests and
#                             Debian's Chromium for the browser and print tests, and
#                             poppler-utils (pdftotext) to read the printed PDFs (needs root/apt)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_install() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup: please install these Debian packages first: $*" >&2
    return 1
  fi
  if [ ! -f /tmp/.cjm-apt-updated ]; then
    apt-get update -qq && touch /tmp/.cjm-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv 2>/dev/null || { apt_install python3-venv && python3 -m venv .venv; }
fi
# Every package comes at the exact version in constraints.txt (the lock), so a
# fresh install today gets what CI tested; scripts/lock.sh moves the lock forward.
pip_install() { .venv/bin/python -m pip install -q --no-build-isolation -c constraints.txt "$@"; }
pip_install pip setuptools wheel
if [ "$want_test" = 1 ]; then
  pip_install -e ".[test]"
  command -v java >/dev/null || apt_install openjdk-17-jre-headless || apt_install default-jre-headless
  command -v chromium >/dev/null || apt_install chromium fonts-dejavu-core
  command -v pdftotext >/dev/null || apt_install poppler-utils
else
  pip_install -e .
fi
echo "setup: ready in $(pwd)/.venv"
