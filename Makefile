# One command each, from nothing: `make test`, `make demo`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install test lint typecheck unit demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,audit,spark,docs,browser]'
	touch $(STAMP)

lint: install
	$(BIN)/ruff check src tests benchmarks

typecheck: install
	$(BIN)/mypy --strict src

unit: install
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage report --fail-under=90

test: lint typecheck unit

demo: install
	$(BIN)/subsidy-rules demo --out demo-output

bench: install
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) demo-output .coverage .mypy_cache .pytest_cache .ruff_cache
