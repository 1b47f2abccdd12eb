#!/usr/bin/env bash
# The whole suite: static checks, content check, tests on SQLite, then the database tests again on
# a real PostgreSQL server. Nothing is skipped: a browser or database that cannot start fails the run.
set -euo pipefail
BIN=.venv/bin
bash scripts/system-deps.sh
echo "== ruff"; $BIN/ruff check .
echo "== mypy"; $BIN/mypy
echo "== content check"; $BIN/flask --app course content check
echo "== tests on SQLite"
$BIN/pytest -p no:cacheprovider --cov=course --cov-branch --cov-report=term:skip-covered
echo "== database tests on PostgreSQL"
url=$(bash scripts/postgres.sh)
trap 'bash scripts/postgres.sh stop' EXIT
TEST_DATABASE_URL="$url" $BIN/pytest -p no:cacheprovider tests/functional tests/browser
