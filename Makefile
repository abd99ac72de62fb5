# 示范市政务服务与政务公开平台 — the two commands: `make run` and `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development runs with DEBUG on; the demo's links and QR codes point where `make run` serves.
RUN_ENV := DEBUG=$${DEBUG:-true} DEMO_SITE_URL=$${DEMO_SITE_URL:-http://$(HOST):$(PORT)}

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

.PHONY: install
install: $(VENV)/.installed ## Create .venv and install the runtime requirements

.PHONY: install-dev
install-dev: $(VENV)/.installed-dev ## Create .venv and install runtime + test tools

.PHONY: demo
demo: install ## Migrate and load the demo data (idempotent)
	mkdir -p var
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo

.PHONY: run
run: demo ## Set up everything and serve the site with demo data at http://127.0.0.1:8000
	@echo "门户: http://$(HOST):$(PORT)/   后台: http://$(HOST):$(PORT)/admin/   API: http://$(HOST):$(PORT)/api/docs/"
	@# The online demo terminals poll the API meanwhile, so the dashboard does not drift into 失联.
	$(RUN_ENV) $(BIN)/python manage.py demo_terminals & poller=$$!; trap "kill $$poller 2>/dev/null" EXIT; \
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

.PHONY: run-prod
run-prod: install ## The production profile: PostgreSQL, Redis, gunicorn, task worker and nginx at http://127.0.0.1:8080 (docs/deployment.md)
	deploy/run-prod.sh start $(ARGS)

.PHONY: stop-prod
stop-prod: ## Stop what `make run-prod` started
	deploy/run-prod.sh stop

# Browser tests (tests/browser): Debian's Chromium and CJK fonts, axe-core pinned in package-lock.json.
# Installed only when missing; never a browser download (no `playwright install`).
BROWSER_DEBS := chromium fonts-noto-cjk
AS_ROOT := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: browser-debs
browser-debs:
	@missing=""; \
	for pkg in $(BROWSER_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; \
	done; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  command -v apt-get >/dev/null || { echo "Please install:$$missing (Debian packages)"; exit 1; }; \
	  echo "== installing Debian packages for the browser tests:$$missing"; \
	  $(AS_ROOT) apt-get update -qq && \
	  $(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

node_modules/axe-core/axe.min.js: package.json package-lock.json | browser-debs
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: browser-deps
browser-deps: browser-debs node_modules/axe-core/axe.min.js ## Install Chromium, CJK fonts and axe-core for the browser tests

# The suite runs in a random order (pytest-randomly; the seed is printed first and last; repeat an
# order with PYTEST_ARGS="--randomly-seed=N", keep the file order with PYTEST_ARGS="-p no:randomly")
# and measures coverage with a floor ([tool.coverage] in pyproject.toml; COVERAGE= for a part only).
COVERAGE ?= --cov --cov-report=term:skip-covered
PYTEST_ARGS ?=

.PHONY: test
test: install-dev browser-deps ## Set up and run the whole test suite, browser tests included (SQLite, or DATABASE_URL if set)
	$(BIN)/pytest -n 2 -q -p randomly $(COVERAGE) $(PYTEST_ARGS)

.PHONY: test-browser
test-browser: install-dev browser-deps ## Only the browser tests (Playwright + Debian's Chromium + axe-core)
	$(BIN)/pytest -n 2 -q -p randomly tests/browser $(PYTEST_ARGS)

.PHONY: lint
lint: install-dev ## ruff lint and format check, and the import layers (import-linter)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: migrations-check
migrations-check: install-dev ## Fail if the models and the committed migrations disagree
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

.PHONY: test-postgres
test-postgres: install-dev ## Run the suite against a throwaway PostgreSQL cluster (as CI does)
	.ci/postgres-tests

.PHONY: upgrade-test
upgrade-test: install ## Migrate the released code's demo database with this code; check nothing is lost (ARGS="sqlite postgres")
	.ci/upgrade-test $(ARGS)

.PHONY: bench-api
bench-api: install ## Load-test the JSON API with wrk on SQLite and PostgreSQL (ARGS="--quick --db sqlite")
	$(BIN)/python bench/api_bench.py $(ARGS)

.PHONY: clean
clean: ## Remove the virtualenv, local data, node_modules and test artefacts
	rm -rf $(VENV) var node_modules test-artifacts

.PHONY: audit
audit: install-dev ## Known vulnerabilities in the pinned requirements (pip-audit; fails on any)
	$(BIN)/python .ci/pip-audit
