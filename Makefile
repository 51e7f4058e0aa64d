# One command to run the portal, one to test it. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
# Two stamps: running needs requirements.txt only (a fresh clone answers sooner and the
# virtualenv stays small); test, lint, bench, security and format add requirements-dev.txt.
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed-dev

.PHONY: run install install-run migrate seed test test-fast lint security format bench clean

$(RUN_STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## What running needs (make run); `make install` adds the test, lint and benchmark tools.
install-run: $(RUN_STAMP)

install: $(STAMP)

migrate: install-run
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## Set up everything (virtualenv, packages, SQLite, demo content) and serve on http://$(HOST):$(PORT)
run: seed
	WAGTAILADMIN_BASE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py ensure_local_admin
	WAGTAILADMIN_BASE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Install and run the whole suite (DATABASE_URL / REDIS_URL select real services)
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python .ci/mypy_baseline.py
	$(BIN)/lint-imports
	$(BIN)/python .ci/check_translations.py
	$(BIN)/python .ci/check_local_imports.py
	@if command -v npm >/dev/null 2>&1; then \
	  test node_modules/.package-lock.json -nt package-lock.json \
	    || npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	  echo "node_modules/.bin/eslint static eslint.config.js"; \
	  node_modules/.bin/eslint static eslint.config.js; \
	else echo "lint: npm not found, JavaScript not linted (eslint needs Node 20.19+)"; fi

## Security checks: bandit (any finding fails; a false positive needs `# nosec BXXX` and its
## reason), schemathesis against the API's own schema, and the community XSS corpus.
## See docs/security.md for what each covers and the latest figures.
security: install
	$(BIN)/bandit -r portal products targeting community -x tests,.venv -q
	bash .ci/schemathesis
	$(BIN)/pytest -q -p no:cacheprovider -n 2 tests/community/test_xss.py

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
