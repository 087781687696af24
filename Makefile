# danvan: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint typecheck security audit messages-check check lock messages clean help

help:
	@echo "make run   - install, migrate, seed demo data and start web + Celery worker + beat"
	@echo "make test  - run the test suite (embedded mode: SQLite, no services needed)"
	@echo "make check - ruff, mypy, bandit, makemigrations --check, translations"
	@echo "make audit - pip-audit: known vulnerabilities in the pinned requirements"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "danvan needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when a lock file changed, so a second `make run` starts in seconds.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	@touch $@ $(VENV)/.installed

# Honcho gives each process its own PORT (web $(PORT), worker $(PORT)+100 …): the worker's
# e-mail links need the web's address, so SITE_URL is set to it unless given explicitly.
run: $(VENV)/.installed
	$(BIN)/python manage.py embedded_secrets
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed
	$(BIN)/python manage.py demo_accounts
	@echo "Starting web (http://127.0.0.1:$(PORT)/), Celery worker and beat. Ctrl-C stops all."
	PORT=$(PORT) SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" \
		exec $(BIN)/honcho --no-colour -f Procfile.embedded start

test: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy .

check: lint typecheck security messages-check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

security: $(VENV)/.installed-dev
	$(BIN)/bandit -c pyproject.toml -r . -q

# Known vulnerabilities in the pinned production packages (PyPI's advisory data); fails on
# any. AUDIT_STRICT=1 also fails when a package could not be looked up.
audit: $(VENV)/.installed-dev
	$(BIN)/python .ci/pip_audit.py

# Extract every string again (needs GNU gettext) and fail if one lacks Vietnamese.
messages-check: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=tests -v 0
	$(BIN)/pytest -q tests/core/test_translations.py

# Regenerate the lock files from pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

# Extract new strings (needs GNU gettext) and compile the .mo files that are committed.
messages: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemessages -l vi -l en --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var staticfiles .pytest_cache .mypy_cache .ruff_cache
