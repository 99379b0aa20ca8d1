# Rode draden — the two commands are `make run` and `make test`; everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
# uv reads the system's certificate store (as pip does here), not only its own.
export UV_SYSTEM_CERTS := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help install prerequisites run test screenshots bench lint format migrations messages vendor lock lock-upgrade clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/uv:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Rode draden needs Python 3.11 (set PYTHON=/path/to/python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Reinstall only when the lock changes; --locked installs exactly what uv.lock says and fails
# when pyproject.toml was changed without `make lock`. The dev group (tests, bench) and the s3
# extra (the scale-out test runs against an S3 emulator) are installed here; production needs
# neither (see the Dockerfile).
$(VENV)/.synced: pyproject.toml uv.lock | $(BIN)/uv
	$(BIN)/uv sync --locked --extra s3 --python $(BIN)/python
	@touch $@

install: $(VENV)/.synced ## create .venv and install the locked dependencies

run: install ## set up, load demo data and serve on http://127.0.0.1:8000
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Rode draden: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

# What the suite needs from the machine (Chromium, WeasyPrint's libraries and a font; gettext,
# redis-server and PostgreSQL's server programs, or their tests are skipped): installed with
# apt-get when run as root where apt is, Playwright's own Chromium elsewhere; what is still
# missing is named with the command that gets it, before any test runs (tests/prerequisites.py).
prerequisites: install ## check (and install where it can) what the tests need from the machine
	@$(BIN)/python -m tests.prerequisites

test: prerequisites ## run the whole test suite
	DJANGO_SETTINGS_MODULE=rodedraden.settings.test $(BIN)/pytest $(PYTEST_ARGS)

screenshots: prerequisites ## take the README's screenshots again (the browser journey, into docs/images/screens)
	SCREENSHOT_DIR=docs/images/screens DJANGO_SETTINGS_MODULE=rodedraden.settings.test $(BIN)/pytest -p no:cacheprovider tests/browser/test_journey.py

bench: install ## run the benchmarks (scanner beside deduce), write bench/results.json
	$(BIN)/python -m bench

lint: install ## ruff check, ruff format --check, makemigrations --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=rodedraden.settings.test $(MANAGE) makemigrations --check --dry-run

format: install ## format the code and fix what ruff can fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations: install ## make migrations for changed models
	$(MANAGE) makemigrations

messages: install ## update the Dutch catalogue and compile it (needs gettext)
	$(MANAGE) makemessages --locale nl --no-obsolete --add-location file --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'static/vendor/*' --ignore 'var/*'
	$(MANAGE) compilemessages --locale nl --ignore '.venv/*'

# axe-core is for the browser tests only (they evaluate it in the page); the app never serves it.
vendor: ## copy the front-end packages from npm into static/vendor (axe-core: tests/browser/vendor)
	npm ci --no-audit --no-fund
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap/css static/vendor/bootstrap/js static/vendor/htmx
	cp node_modules/bootstrap/dist/css/bootstrap.min.css{,.map} static/vendor/bootstrap/css/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} static/vendor/bootstrap/js/
	cp node_modules/bootstrap/LICENSE static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE static/vendor/htmx/
	rm -rf tests/browser/vendor && mkdir -p tests/browser/vendor/axe-core
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE tests/browser/vendor/axe-core/

lock: $(BIN)/uv ## update uv.lock after editing pyproject.toml
	$(BIN)/uv lock

lock-upgrade: $(BIN)/uv ## upgrade every locked dependency within pyproject's pins
	$(BIN)/uv lock --upgrade

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) var .pytest_cache .ruff_cache
