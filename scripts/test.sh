#!/usr/bin/env bash
# Set up and run the checks (scripts/checks.sh: lock, bandit, pip-audit) and the whole test
# suite on SQLite and on PostgreSQL. Any failing check or test fails the run.
#   scripts/test.sh [pytest arguments]      e.g. scripts/test.sh -k routing
# WADUL_TEST_DB=sqlite|postgres runs one database only. The fault suite (tests/fault, marked
# `fault`) runs in the PostgreSQL pass on servers of its own; `scripts/test.sh -m fault` with
# WADUL_TEST_DB=postgres runs it alone.
# The two passes run at the same time (most tests wait on processes and the network, not on
# the CPU), each on its own Redis database; the PostgreSQL pass's output is printed after the
# SQLite pass's; then the fault suite runs alone (it times recoveries). WADUL_TEST_SERIAL=1
# runs everything one after the other.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
ensure_venv
status=0
bash "$ROOT/scripts/checks.sh" || status=$?
ensure_redis 127.0.0.1 6379
ensure_chromium
export WADUL_REQUIRE_BROWSER="${WADUL_REQUIRE_BROWSER:-1}"
sqlite_redis="${WADUL_TEST_REDIS_URL:-redis://127.0.0.1:6379/13}"
postgres_redis="${WADUL_TEST_PG_REDIS_URL:-redis://127.0.0.1:6379/14}"
postgres_url="${WADUL_TEST_DATABASE_URL:-postgresql://postgres:postgres@127.0.0.1:5432/wadul_test}"
which_db="${WADUL_TEST_DB:-both}"

sqlite_pass() {
  # The fault suite (-m fault) runs in the PostgreSQL pass only: it is about PostgreSQL's faults.
  env -u WADUL_TEST_DATABASE_URL WADUL_TEST_REDIS_URL="$sqlite_redis" python -m pytest -m "not fault" "$@"
}
postgres_pass() {
  WADUL_TEST_REDIS_URL="$postgres_redis" WADUL_TEST_DATABASE_URL="$postgres_url" python -m pytest "$@"
}
fault_pass() {
  # The fault suite times recoveries (e.g. "all delivered within 30 s of Redis returning"): it
  # runs alone, on a quiet machine, after the two passes.
  postgres_pass -m fault "$@"
}

if [ "$which_db" = both ] && [ "${WADUL_TEST_SERIAL:-0}" != 1 ]; then
  [ "$sqlite_redis" != "$postgres_redis" ] || { say "the two passes need two Redis databases"; exit 2; }
  ensure_postgres
  pg_log="$(mktemp "${TMPDIR:-/tmp}/wadul-test-postgres.XXXXXX")"
  say "tests on SQLite and on PostgreSQL at once (PostgreSQL's output: $pg_log, printed below when done)"
  postgres_pass -m "not fault" "$@" > "$pg_log" 2>&1 &
  pg_pid=$!
  trap 'kill "$pg_pid" 2>/dev/null || true' INT TERM
  say "tests on SQLite"
  sqlite_pass "$@" || status=$?
  pg_status=0
  wait "$pg_pid" || pg_status=$?
  say "tests on PostgreSQL (ran beside the SQLite pass)"
  cat "$pg_log"
  rm -f "$pg_log"
  [ "$pg_status" = 0 ] || status=$pg_status
  say "fault suite on PostgreSQL (alone)"
  fault_pass "$@" || status=$?
else
  if [ "$which_db" != postgres ]; then
    say "tests on SQLite"
    sqlite_pass "$@" || status=$?
  fi
  if [ "$which_db" != sqlite ]; then
    ensure_postgres
    say "tests on PostgreSQL"
    postgres_pass "$@" || status=$?
  fi
fi
exit $status
