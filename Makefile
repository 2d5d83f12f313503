# Quick start: `make run` (set up, migrate, seed demo data, serve on http://127.0.0.1:5000)
#              `make test` (set up, run the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: setup run test migrate demo worker

# The virtualenv is rebuilt when the dependencies change.
$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable '.[test]'
	touch $@

isc/static/dsfr/.installed: assets/package.json assets/package-lock.json assets/install.sh
	bash assets/install.sh
	touch $@

setup: $(VENV)/.installed isc/static/dsfr/.installed

migrate: setup
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) isc demo

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

worker: setup
	$(FLASK) isc worker

# Two pytest-xdist workers (each with its own database), whole test files per worker;
# PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2

test: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
