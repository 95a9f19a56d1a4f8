# `make` is the door to everything. A fresh clone needs only python3 (3.11) and make.
# The virtualenv's interpreter: the distribution's python3.11 where there is one (Debian's is built
# with PGO and LTO, and spends ~10 % less CPU per booking than the pyenv build first on PATH; see
# docs/decisions/0006-interpreter.md), else python3. `make PYTHON=...` chooses another.
PYTHON ?= $(or $(shell /usr/bin/python3.11 -c 'import ensurepip, venv' >/dev/null 2>&1 && echo /usr/bin/python3.11),python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.synced
HOST ?= 127.0.0.1
PORT ?= 8000
# One granian worker (one Python thread) per core: granian warns past that, and the bench found
# 2, 3 and 4 workers on 2 cores equally fast (docs/performance.md).
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_LINK_MODE := copy

.PHONY: install run run-prod check-prod demo worker test test-postgres chromium screenshots lint format bench clean

$(STAMP): pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv sync --frozen --inexact --quiet
	@touch $@

install: $(STAMP)

# The whole system on http://$(HOST):$(PORT): SQLite file in var/, demo data, the task worker and
# the web server (development settings). Ctrl-C stops all three and the recipe exits 0. Each runs
# in a session of its own, so that the terminal's SIGINT reaches only this shell, which sends
# each one SIGTERM: a granian worker signalled directly as well as by its master can hang in
# shutdown, and db_worker takes a second signal as "kill the running task". (`exec`: make's
# child is this bash itself, not an sh waiting for it.)
run: install
	@mkdir -p var
	MICONSULADO_DEBUG=1 MICONSULADO_PUBLIC_URL=$${MICONSULADO_PUBLIC_URL:-http://$(HOST):$(PORT)} $(BIN)/miconsulado migrate --noinput
	MICONSULADO_DEBUG=1 MICONSULADO_PUBLIC_URL=$${MICONSULADO_PUBLIC_URL:-http://$(HOST):$(PORT)} $(BIN)/miconsulado load_demo_data
	@echo "Mi Consulado on http://$(HOST):$(PORT)/  (admin: /admin/  API: /api/v1/docs)"
	@exec env MICONSULADO_DEBUG=1 MICONSULADO_PUBLIC_URL=$${MICONSULADO_PUBLIC_URL:-http://$(HOST):$(PORT)} bash -c 'pids=(); \
	  stop() { trap - INT TERM EXIT; kill -TERM "$${pids[@]}" 2>/dev/null; wait; }; \
	  trap "stop; exit 0" INT TERM; trap stop EXIT; \
	  setsid $(BIN)/miconsulado db_worker --interval 1 & pids+=($$!); \
	  setsid $(BIN)/miconsulado run_scheduler & pids+=($$!); \
	  setsid $(BIN)/granian --interface wsgi miconsulado.wsgi:application --host $(HOST) --port $(PORT) \
	    --workers $(WORKERS) --blocking-threads 1 --no-ws --workers-kill-timeout 5 & pids+=($$!); \
	  wait -n'

# The production recipe on this machine (deploy/run-prod.sh): nginx on $(HOST):$(PORT) in front of
# granian, the task worker and the scheduler, with production settings, against DATABASE_URL
# (default: the `miconsulado` database on the local PostgreSQL, created if missing). Installs
# Debian's nginx if it is missing (as root). Ctrl-C stops all of it.
run-prod: install
	@exec env HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) BIN=$(BIN) bash deploy/run-prod.sh

# run-prod under a dozen slow-body and slow-header connections: every other request must still be
# answered within 2 s, and SIGINT must stop every process (bench/slow_clients.py --check).
check-prod: install
	$(BIN)/python bench/slow_clients.py --check --seconds 8

# The browser tests (tests/browser, marker `browser`) drive Debian's Chromium: installed here when it
# is missing and this user may (root, or passwordless sudo); else they are skipped with the reason.
chromium:
	@bash tests/browser/install-chromium.sh

test: install chromium
	@mkdir -p var
	$(BIN)/pytest

test-postgres: install chromium
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/pytest

lint: install
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	MICONSULADO_DEBUG=1 $(BIN)/mypy
	$(BIN)/lint-imports --no-logo  # the apps' layers (pyproject.toml, decision 0008)

format: install
	$(BIN)/ruff check --fix src bench
	$(BIN)/ruff format src bench

# docs/screenshots/: each step of the portal at 360 px and 1280 px, on the demo data.
screenshots: install chromium
	$(BIN)/python bench/screenshots.py

bench: install
	$(BIN)/python bench/booking_race.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
