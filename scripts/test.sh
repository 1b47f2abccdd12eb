#!/usr/bin/env bash
# The whole suite: static checks, content check, tests on SQLite, then the database tests again on
# a real PostgreSQL server. Nothing is skipped: a browser or database that cannot start fails the run.
set -euo pipefail
BIN=.venv/bin
COVERAGE_FLOOR=90  # branch coverage of course/ on SQLite; raise it as tests are added, never lower it
bash scripts/system-deps.sh
# Beside the tests on SQLite, whose processes leave the cores idle part of the time: the static checks,
# the dependency audit (which mostly waits on the network) and the PostgreSQL server's start. The checks
# report after those tests, and the run fails if any of them failed (`make lint` and `make typecheck`
# give the same answers at once).
checks_log=$(mktemp) audit_log=$(mktemp) postgres_url=$(mktemp)
(
  set -e
  echo "== ruff"; $BIN/ruff check . && $BIN/ruff format --check .
  echo "== import layers"; $BIN/lint-imports --no-cache
  echo "== mypy"; $BIN/mypy
  echo "== bandit: no high-severity finding"; $BIN/bandit -q -r course -lll
  echo "== content check"; $BIN/flask --app course content check
) >"$checks_log" 2>&1 &
checks=$!
make --no-print-directory audit >"$audit_log" 2>&1 &
audit=$!
bash scripts/postgres.sh >"$postgres_url" &
postgres=$!
trap 'kill $checks $audit 2>/dev/null || true; wait; bash scripts/postgres.sh stop; rm -f "$checks_log" "$audit_log" "$postgres_url"' EXIT
bash scripts/partners.sh
echo "== tests on SQLite"
$BIN/pytest -p no:cacheprovider -n auto --cov=course --cov-branch --cov-report=term:skip-covered \
  --cov-fail-under="$COVERAGE_FLOOR"
status=0; wait "$checks" || status=$?; cat "$checks_log"; [ "$status" -eq 0 ]
echo "== pip-audit: no known vulnerability in the locked dependencies"
status=0; wait "$audit" || status=$?; cat "$audit_log"; [ "$status" -eq 0 ]
echo "== database tests on PostgreSQL"
wait "$postgres"
url=$(cat "$postgres_url")
# Of the tests, those marked `database` run here again: the tests of what the database stores, finds,
# locks and refuses (reports, imports, status, triggers, migrations, outbox, concurrency, faults, hostile
# input, statement counts, the scale-out servers) and the two whole browser journeys (an organisation
# from an empty database to a learner in a module; a learner from the content note to a verified
# certificate), with, of each protocol and account feature, the tests that write its tables. Tests of
# pages, headers, protocols and rules that do not depend on the database run once, on SQLite.
# The query-plan guard is not marked: PostgreSQL chooses plans from table statistics, which on the suite's
# few rows say nothing about a large organisation; its plans at scale are measured by `make bench`.
TEST_DATABASE_URL="$url" $BIN/pytest -p no:cacheprovider -n auto -m "database or postgresql"
