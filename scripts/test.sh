#!/usr/bin/env bash
# Every check CI runs, in order: lint, format, types, then the tests in parallel.
#   bash scripts/test.sh                 all of it, slow tests and the notebooks included (CI)
#   bash scripts/test.sh tests/test_x.py the checks, then only the tests named
# Each check runs even when one before it failed, so one run shows every problem;
# the exit code is non-zero when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
failed=()

check() {
  local name=$1
  shift
  echo "== $name: $*"
  "$@" || failed+=("$name")
}

check "ruff check" "$bin/ruff" check .
check "ruff format" "$bin/ruff" format --check .
check "mypy" "$bin/mypy" cjm_helpers
[ $# -eq 0 ] && set -- tests notebooks  # named paths: the slow tests run too
check "pytest" "$bin/python" -m pytest "$@"

if [ ${#failed[@]} -gt 0 ]; then
  echo "checks failed: ${failed[*]}" >&2
  exit 1
fi
echo "all checks passed"
