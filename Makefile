# Two commands do everything: `make run` and `make test`. Each sets up what it needs.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 3100
STATE_DIR ?= var

.PHONY: run serve test lint unit unit-real e2e venv chromium prometheus services-packages migrate clean

# The demo: simcluster (demo seed, real time) as a child process writing a kubeconfig into
# $(STATE_DIR), and the dashboard under daphne pointed at it. Ctrl-C stops both.
run: venv migrate
	$(BIN)/python scripts/run_demo.py --host $(HOST) --port $(PORT) --state-dir $(STATE_DIR)

# The dashboard alone, against whatever KUBECONFIG / KUBE_CONTEXT (or the in-cluster service
# account) says: the same code as `make run`, only the kubeconfig differs.
serve: venv migrate
	$(BIN)/daphne -b $(HOST) -p $(PORT) dashboard.asgi:application

# The suite on SQLite and the in-memory layer, then the tests that touch the database or the
# channel layer once more on PostgreSQL and Redis (started here, stopped even when tests fail).
SERVICES_DIR := $(STATE_DIR)/services

test: venv chromium prometheus services-packages lint
	$(BIN)/python scripts/test_services.py start --state-dir $(SERVICES_DIR)
	@status=0; \
	$(MAKE) --no-print-directory unit e2e || status=1; \
	env $$(cat $(SERVICES_DIR)/env) $(MAKE) --no-print-directory unit-real || status=1; \
	$(BIN)/python scripts/test_services.py stop --state-dir $(SERVICES_DIR); \
	exit $$status

lint: venv
	$(BIN)/ruff check .

unit: venv
	$(BIN)/pytest -m "not e2e"

# Needs DATABASE_URL and REDIS_URL (`make test` sets them); tests/production needs both.
unit-real: venv
	$(BIN)/pytest -m "not e2e" tests/mirror tests/live tests/actions tests/production

# Browser tests run in their own pytest process: Playwright's sync API keeps an
# event loop on the main thread that breaks pytest-asyncio tests run after it.
# Exit code 5 means "no tests collected", which is not a failure.
e2e: venv chromium
	$(BIN)/pytest -m e2e tests/e2e; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ]

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Debian's chromium drives the browser tests (Playwright cannot download its own here).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install chromium' (Debian) and retry" >&2; exit 1; \
	  fi; \
	fi

# Debian's prometheus scrapes the dashboard in tests/ops (the test skips, saying so, without it).
prometheus:
	@if ! command -v prometheus >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's prometheus for the metrics test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null; \
	  else \
	    echo "prometheus is missing: the metrics test will skip ('sudo apt-get install prometheus')" >&2; \
	  fi; \
	fi

# Debian's PostgreSQL and Redis servers for `make test`'s second pass.
services-packages:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="postgresql"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's$$missing for the tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing:$$missing; run 'sudo apt-get install$$missing' (Debian) and retry" >&2; exit 1; \
	  fi; \
	fi

migrate: venv
	mkdir -p $(STATE_DIR)
	$(BIN)/python manage.py migrate --noinput

clean:
	rm -rf $(VENV) $(STATE_DIR)
