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
WORKERS ?= 3
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_LINK_MODE := copy

.PHONY: install run demo worker test test-postgres lint format bench clean

$(STAMP): pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv sync --frozen --inexact --quiet
	@touch $@

install: $(STAMP)

# The whole system on http://$(HOST):$(PORT): SQLite file in var/, demo data, the task worker and
# the web server. Ctrl-C stops all three. granian runs in a session of its own, so that Ctrl-C
# reaches only its master (through the trap), which then stops its workers: a worker signalled
# directly as well as by its master can hang in shutdown.
run: install
	@mkdir -p var
	MICONSULADO_DEBUG=1 $(BIN)/miconsulado migrate --noinput
	MICONSULADO_DEBUG=1 $(BIN)/miconsulado load_demo_data
	@echo "Mi Consulado on http://$(HOST):$(PORT)/  (admin: /admin/  API: /api/v1/docs)"
	@MICONSULADO_DEBUG=1 bash -c 'stop() { trap - INT TERM EXIT; kill -TERM $$web 2>/dev/null; wait $$web; kill 0; }; \
	  trap stop INT TERM EXIT; \
	  $(BIN)/miconsulado db_worker --interval 1 & \
	  $(BIN)/miconsulado run_scheduler & \
	  setsid $(BIN)/granian --interface wsgi miconsulado.wsgi:application --host $(HOST) --port $(PORT) \
	    --workers $(WORKERS) --blocking-threads 1 --no-ws --workers-kill-timeout 5 & web=$$!; \
	  wait -n'

test: install
	@mkdir -p var
	$(BIN)/pytest

test-postgres: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/pytest

lint: install
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	MICONSULADO_DEBUG=1 $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix src bench
	$(BIN)/ruff format src bench

bench: install
	$(BIN)/python bench/booking_race.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
