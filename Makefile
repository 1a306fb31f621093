# Jaring: the two set-up commands of the README are `make demo` and `make test`.
# Both install what they need themselves: Debian packages, the virtual environment, npm packages.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
APT_DEMO := gettext
APT_TEST := chromium chromium-driver postgresql-15 gettext
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-sqlite test-postgres test-another-day lint check serve worker setup setup-test messages clean

## demo: install, seed demo data on SQLite and serve on http://127.0.0.1:$(PORT)
# Without JARING_SECRET_KEY, `jaring demo` makes a random key once in $(JARING_DATA_DIR or ./var)/demo-secret-key.
demo: setup
	$(BIN)/jaring demo --port $(PORT)

# Time is an input: the suite runs once more on another day of the programme year (15 January of next year by
# default; `make test-another-day ANOTHER_DAY=2027-11-16`). A test that depends on the day says which it means.
ANOTHER_DAY ?= $(shell echo $$(( $$(date +%Y) + 1 )))-01-15

## test: install, then the whole suite on SQLite today (with Chromium) and on a throwaway PostgreSQL 15 on another day
# The two run side by side (each has its own database and data folder), each report printed whole when it ends.
test: setup-test
	$(MAKE) -j2 --output-sync=target test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest -q

test-postgres:
	@echo "The suite (without the browser) on PostgreSQL 15 with the clock on $(ANOTHER_DAY):"
	JARING_TEST_TODAY=$(ANOTHER_DAY) JARING_EXPECT_POSTGRES=1 $(BIN)/python scripts/with_postgres.py -- $(BIN)/pytest -q -m "not browser"

test-another-day:
	@echo "The suite (without the browser) with the clock on $(ANOTHER_DAY):"
	JARING_TEST_TODAY=$(ANOTHER_DAY) $(BIN)/pytest -q -m "not browser"

## lint: formatting, lint and types
lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy jaring

## check: everything CI runs
check: lint test

serve: setup
	$(BIN)/jaring serve --port $(PORT)

worker: setup
	$(BIN)/jaring worker

setup: $(VENV)/.installed node_modules/.installed
	@$(MAKE) --no-print-directory apt PACKAGES="$(APT_DEMO)"

setup-test: setup
	@$(MAKE) --no-print-directory apt PACKAGES="$(APT_TEST)"

# Installs only what is missing, so a prepared machine does not touch the network.
apt:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## messages: extract translatable strings and compile the catalogues (needs gettext)
messages: setup
	cd jaring && JARING_DEBUG=1 ../$(BIN)/jaring makemessages -l en --no-obsolete --ignore test_settings.py
	msgfmt -c -o jaring/locale/en/LC_MESSAGES/django.mo jaring/locale/en/LC_MESSAGES/django.po

## lock: re-resolve requirements.lock from pyproject.toml (uses uv, installed on demand)
lock:
	test -x $(BIN)/uv || $(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) node_modules var
