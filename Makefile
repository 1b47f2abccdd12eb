# Self-harm awareness training: `make run` to try it, `make test` to check it. `make help` lists all.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app course
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

# Python writes its bytecode caches even where the environment says not to: the tests start many Python
# processes (one per core, the servers the tests start, the commands they run), and with the caches each
# module is compiled once rather than in every one of them.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help run install install-dev db seed partners test test-fast lint typecheck format content-check screenshots clean lock audit

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

# Installs come from the lock files (requirements/*.txt, every file pinned by its hash), then the
# course itself without dependencies: nothing resolves differently from one machine or day to the next.
# The development lock holds every package of the app's lock too, so installing it also installs the app.
# Modules are compiled when first imported rather than all at install time (--no-compile).
PIP_INSTALL := $(BIN)/pip install --quiet --no-compile --require-hashes

$(STAMP): pyproject.toml requirements/app.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements/app.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(DEV_STAMP): pyproject.toml requirements/app.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP) $@

LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra postgres --extra server --extra redis

lock: install-dev ## Re-resolve pyproject.toml's ranges into requirements/app.txt and dev.txt (with hashes)
	$(LOCK) -o requirements/app.txt pyproject.toml
	$(LOCK) --extra dev -o requirements/dev.txt pyproject.toml

# Accepted exceptions go in audit_exceptions as --ignore-vuln ID, each explained in docs/security.md.
audit: install-dev ## Check the locked dependencies for known vulnerabilities ("not audited" when offline)
	@audit_exceptions=(); report=$$(mktemp); \
	$(BIN)/pip-audit --requirement requirements/dev.txt --require-hashes --disable-pip --progress-spinner off \
	  --format json --output "$$report" "$${audit_exceptions[@]}" 2>/dev/null; \
	$(BIN)/python scripts/audit_verdict.py "$$report"; status=$$?; rm -f "$$report"; exit $$status

install: $(STAMP) ## Create .venv and install the app

install-dev: $(DEV_STAMP) ## Install the app and the development tools

db: install ## Apply database migrations (SQLite in instance/ unless DATABASE_URL is set)
	$(FLASK) db upgrade

seed: db ## Add the demo organisation and accounts to an empty database
	$(FLASK) seed-demo

run: seed ## Set everything up and serve the course on http://127.0.0.1:5000
	$(BIN)/python run.py

content-check: install ## Validate modules/ and quizzes/
	$(FLASK) content check

lint: install-dev ## Check style, formatting, common bugs (ruff) and the layers contract (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install-dev ## Check types (mypy on course/)
	$(BIN)/mypy

partners: ## Install the npm test partners (the OpenID provider, the SCORM runtime and schemas) from their lock files
	bash scripts/partners.sh

test: install-dev ## Run every check and test, on SQLite and on a real PostgreSQL server
	bash scripts/test.sh

test-fast: install-dev ## The developer's loop: unit, content and functional tests on SQLite, on every core
	$(BIN)/pytest -q -n auto -p no:cacheprovider tests/unit tests/content tests/functional

format: install-dev ## Format the code (ruff format) and apply safe lint fixes
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

screenshots: install-dev ## Refresh the README screenshots from the browser tests
	bash scripts/system-deps.sh
	$(BIN)/pytest -q -p no:cacheprovider tests/browser/test_course_pages.py tests/browser/test_quiz_journey.py tests/browser/test_admin_journey.py tests/browser/test_conversation_journey.py
	cp test-artifacts/learner-home.png test-artifacts/scenario-feedback.png test-artifacts/quiz-feedback.png test-artifacts/admin-dashboard.png test-artifacts/conversation.png docs/screenshots/

.PHONY: bench
bench: install-dev ## Benchmark 10,000 learners on SQLite (BENCH_ARGS="--postgres --learners 100000" for PostgreSQL)
	$(BIN)/pip install --quiet -r bench/requirements.txt
	$(BIN)/python -m bench $(BENCH_ARGS)

.PHONY: mutate
mutate: install-dev ## Mutation run over the status rule, its SQL twin, the reports, grading and import cells
	$(BIN)/python scripts/mutate.py $(MUTATE_FILES)

.PHONY: check-security
check-security: install-dev ## The security suite's long run (over 10,000 fuzz cases), on SQLite and PostgreSQL
	SECURITY_FUZZ=long $(BIN)/pytest -p no:cacheprovider tests/security
	url=$$(bash scripts/postgres.sh); SECURITY_FUZZ=long TEST_DATABASE_URL="$$url" \
	  $(BIN)/pytest -p no:cacheprovider tests/security; status=$$?; bash scripts/postgres.sh stop; exit $$status

clean: ## Remove the virtual environment, the local database and caches
	rm -rf $(VENV) instance .pgdata .pytest_cache .mypy_cache .ruff_cache test-artifacts
