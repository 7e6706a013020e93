# Two commands on a fresh machine with Python 3.11+ and make:
#   make demo   venv + install, generate a synthetic council, materialise every month, write the scorecard
#   make test   venv + install, run the whole test suite (starts its own PostgreSQL; installs it if absent)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
DEMO_MONTH ?= 2026-10

.PHONY: install demo test lint format docs bench dev clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# pip compiles what it installs, but not an editable project: compile it once, so every run
	# and helper process loads bytecode even where PYTHONDONTWRITEBYTECODE is set (containers)
	$(BIN)/python -m compileall -q cp_pipeline
	touch $@

install: $(BIN)/.installed

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

demo: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/cp-pipeline generate --out data --las 1 --months 24 --end-month $(DEMO_MONTH)
	$(BIN)/cp-pipeline run
	$(BIN)/cp-pipeline report --month $(DEMO_MONTH)

# Tests make their own Dagster instances: the project's DAGSTER_HOME stays out of them.
test: install
	env -u DAGSTER_HOME $(BIN)/python -m pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check cp_pipeline cp_pipeline_tests benchmarks
	$(BIN)/ruff format --check cp_pipeline cp_pipeline_tests benchmarks

format: install
	$(BIN)/ruff format cp_pipeline cp_pipeline_tests benchmarks
	$(BIN)/ruff check --fix cp_pipeline cp_pipeline_tests benchmarks

dev: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml

bench: install
	$(BIN)/python benchmarks/run.py

docs: install
	$(BIN)/python -m cp_pipeline.docs --out docs

clean:
	rm -rf $(VENV) .dagster_home data/extracts data/reference data/warehouse data/reports
