#!/usr/bin/env bash
# The whole suite: static checks, content check, tests on SQLite, then the database tests again on
# a real PostgreSQL server. Nothing is skipped: a browser or database that cannot start fails the run.
set -euo pipefail
BIN=.venv/bin
COVERAGE_FLOOR=90  # branch coverage of course/ on SQLite; raise it as tests are added, never lower it
bash scripts/system-deps.sh
bash scripts/partners.sh
# The audit mostly waits on the network: it runs while the other checks work, and reports after them.
audit_log=$(mktemp); make --no-print-directory audit >"$audit_log" 2>&1 & audit=$!
echo "== ruff"; $BIN/ruff check . && $BIN/ruff format --check .
echo "== import layers"; $BIN/lint-imports --no-cache
echo "== mypy"; $BIN/mypy
echo "== bandit: no high-severity finding"; $BIN/bandit -q -r course -lll
echo "== content check"; $BIN/flask --app course content check
echo "== pip-audit: no known vulnerability in the locked dependencies"
status=0; wait "$audit" || status=$?; cat "$audit_log"; rm -f "$audit_log"; [ "$status" -eq 0 ]
echo "== tests on SQLite"
$BIN/pytest -p no:cacheprovider -n auto --cov=course --cov-branch --cov-report=term:skip-covered \
  --cov-fail-under="$COVERAGE_FLOOR"
echo "== database tests on PostgreSQL"
url=$(bash scripts/postgres.sh)
trap 'bash scripts/postgres.sh stop' EXIT
# The query-plan guard runs on SQLite only: PostgreSQL chooses plans from table statistics, which on the
# suite's few rows (filled and emptied by every test before) say nothing about a large organisation.
# PostgreSQL's plans at scale are measured by `make bench` (docs/performance.md).
# Of the browser tests, the two whole journeys run here too (an organisation from an empty database to a
# learner in a module; a learner from the content note to a verified certificate): the others test the
# pages' script, keyboard and accessibility, which the database does not change, and every request they
# make is also made, on PostgreSQL, by the functional and security tests.
TEST_DATABASE_URL="$url" $BIN/pytest -p no:cacheprovider -n auto tests/functional tests/perf tests/security \
  tests/browser/test_real_organisation.py tests/browser/test_learner_journey.py \
  --ignore=tests/perf/test_query_plans.py
