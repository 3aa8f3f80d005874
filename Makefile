# Meihao — the front door. `make demo` runs the product; `make test` runs the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := .venv/bin/python
MANAGE := $(PY) manage.py
VENDOR := meihao/web/static/vendor
FONTS := meihao/core/fonts
SCALE ?= 1

export DJANGO_SETTINGS_MODULE := meihao.settings

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(UV):
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet --user uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet --compile-bytecode
	@$(MAKE) --no-print-directory var/secret_key
	@touch $@

venv: .venv/.synced  ## create .venv with uv and install the locked dependencies

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR)/.copied: node_modules/.installed scripts/vendor_assets.sh
	bash scripts/vendor_assets.sh $(VENDOR) $(FONTS)
	@touch $@

assets: $(VENDOR)/.copied  ## fetch front-end libraries from the npm registry and copy what we serve

messages: venv  ## compile the translations
	@cd meihao && SECRET_KEY=build-only-secret-key-0123456789abcdefghijkl ../$(PY) ../manage.py compilemessages -v 0

var/secret_key:
	@mkdir -p var
	@$(PY) -c "import secrets; print(secrets.token_urlsafe(48))" > $@
	@chmod 600 $@

demo: venv assets messages var/secret_key  ## install, build the SQLite database, load the demo district and serve it
	@DEBUG=false bash scripts/demo.sh $(PORT)

test: venv assets messages  ## run the whole suite on SQLite
	$(PY) -m pytest -n 2 -q

test-pg: venv assets messages  ## run the whole suite on PostgreSQL ($$DATABASE_URL or $(PG_URL))
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m pytest -n 2 -q

e2e: venv assets messages  ## run the browser tests (Playwright driving Debian's chromium)
	$(PY) -m pytest e2e -q -n 2 --dist loadfile

bench: venv assets messages  ## run the benchmarks; each prints a ratio against its baseline
	$(PY) -m bench

lint: venv  ## ruff, Django's checks, missing migrations and mypy on the kernel apps
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	SECRET_KEY=lint-only-secret-key-0123456789abcdefghijkl $(MANAGE) check
	SECRET_KEY=lint-only-secret-key-0123456789abcdefghijkl $(MANAGE) makemigrations --check --dry-run
	SECRET_KEY=lint-only-secret-key-0123456789abcdefghijkl $(PY) scripts/check_messages.py
	SECRET_KEY=lint-only-secret-key-0123456789abcdefghijkl $(PY) -m mypy meihao/core meihao/places meihao/people meihao/cases meihao/ledger meihao/notify

format: venv  ## apply ruff's formatting and safe fixes
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

makemessages: venv  ## extract each app's UI strings into its zh_Hans catalogue (English is the source)
	for app in meihao/*/locale; do (cd $$(dirname $$app) && SECRET_KEY=build-only-secret-key-0123456789abcdefghijkl ../../$(PY) ../../manage.py makemessages -l zh_Hans --no-obsolete -v 0); done

.PHONY: help venv assets messages demo test test-pg e2e bench lint format makemessages
