# 示范市政务服务与政务公开平台 — the two commands: `make run` and `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Local development runs with DEBUG on; production sets its own environment.
RUN_ENV := DEBUG=$${DEBUG:-true}
HOST ?= 127.0.0.1
PORT ?= 8000

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
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

.PHONY: test
test: install-dev ## Set up and run the whole test suite (SQLite, or DATABASE_URL if set)
	$(BIN)/pytest -n 2 -q

.PHONY: lint
lint: install-dev ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: migrations-check
migrations-check: install-dev ## Fail if the models and the committed migrations disagree
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

.PHONY: test-postgres
test-postgres: install-dev ## Run the suite against a throwaway PostgreSQL cluster (as CI does)
	.ci/postgres-tests

.PHONY: bench-api
bench-api: install ## Load-test the JSON API with wrk on SQLite and PostgreSQL (ARGS="--quick --db sqlite")
	$(BIN)/python bench/api_bench.py $(ARGS)

.PHONY: clean
clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var
