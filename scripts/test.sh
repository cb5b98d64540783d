#!/usr/bin/env bash
# Set up and run the checks (scripts/checks.sh: lock, bandit, pip-audit) and the whole test
# suite: on SQLite, then on PostgreSQL. Any failing check or test fails the run.
#   scripts/test.sh [pytest arguments]      e.g. scripts/test.sh -k routing
# WADUL_TEST_DB=sqlite|postgres runs one database only. The fault suite (tests/fault, marked
# `fault`) runs in the PostgreSQL pass on servers of its own; `scripts/test.sh -m fault` with
# WADUL_TEST_DB=postgres runs it alone.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
ensure_venv
status=0
bash "$ROOT/scripts/checks.sh" || status=$?
ensure_redis 127.0.0.1 6379
ensure_chromium
export WADUL_REQUIRE_BROWSER="${WADUL_REQUIRE_BROWSER:-1}"
export WADUL_TEST_REDIS_URL="${WADUL_TEST_REDIS_URL:-redis://127.0.0.1:6379/13}"
which_db="${WADUL_TEST_DB:-both}"
if [ "$which_db" != postgres ]; then
  say "tests on SQLite"
  # The fault suite (-m fault) runs in the PostgreSQL pass only: it is about PostgreSQL's faults.
  env -u WADUL_TEST_DATABASE_URL python -m pytest -m "not fault" "$@" || status=$?
fi
if [ "$which_db" != sqlite ]; then
  ensure_postgres
  say "tests on PostgreSQL"
  WADUL_TEST_DATABASE_URL="${WADUL_TEST_DATABASE_URL:-postgresql://postgres:postgres@127.0.0.1:5432/wadul_test}" \
    python -m pytest "$@" || status=$?
fi
exit $status
