#!/usr/bin/env bash
# The lock: constraints.txt holds the exact version of every package that
# scripts/setup.sh (and so CI) installs.
#   scripts/lock.sh           re-resolve the ranges in pyproject.toml to the newest
#                             releases and write them to constraints.txt
#   scripts/lock.sh --check   only check that the ranges still resolve, and list the
#                             packages whose newest release differs from the lock
#                             (exit 1 if the ranges no longer resolve)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=write
[ "${1:-}" = "--check" ] && mode=check

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --upgrade pip setuptools wheel

if [ "$mode" = check ]; then
  if ! "$tmp/venv/bin/python" -m pip install -q --dry-run --ignore-installed \
      --report "$tmp/report.json" ".[test]"; then
    echo "lock: the ranges in pyproject.toml no longer resolve (see above)" >&2
    exit 1
  fi
  "$tmp/venv/bin/python" - "$tmp/report.json" constraints.txt <<'PY'
import json, re, sys
report = json.load(open(sys.argv[1]))
newest = {i["metadata"]["name"].lower().replace("_", "-"): i["metadata"]["version"] for i in report["install"]}
locked = {}
for line in open(sys.argv[2]):
    m = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line)
    if m:
        locked[m.group(1).lower().replace("_", "-")] = m.group(2)
changed = sorted(n for n in newest if n in locked and newest[n] != locked[n])
added = sorted(n for n in newest if n not in locked and n != "cjm-helpers")
for n in changed:
    print(f"newer: {n} {locked[n]} -> {newest[n]}")
for n in added:
    print(f"new:   {n} {newest[n]}")
print(f"lock: the ranges resolve; {len(changed)} newer, {len(added)} new package(s) since the lock")
PY
  exit 0
fi

"$tmp/venv/bin/python" -m pip install -q ".[test]"
{
  echo "# Exact versions that scripts/setup.sh and CI install (pip -c). Regenerate with: bash scripts/lock.sh"
  "$tmp/venv/bin/python" -m pip freeze --all --exclude-editable | grep -v -i '^cjm-helpers'
} > constraints.txt
echo "lock: wrote constraints.txt ($(grep -c '==' constraints.txt) packages)"
