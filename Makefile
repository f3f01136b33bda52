# One command each, from nothing: `make test`, `make demo`.
# Needs Python >= 3.11 (PYTHON=python3.12 make test picks another interpreter).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYCHECK := import sys; v = sys.version_info[:2]; sys.exit(0 if v >= (3, 11) else "needs Python \u2265 3.11, found %d.%d (%s); try: make PYTHON=python3.11 ..." % (v + (sys.executable,)))

.PHONY: install check-python test lint typecheck unit demo bench clean

install: $(STAMP)

# The interpreter is checked before anything is made, so a wrong one leaves no .venv behind.
check-python:
	@$(PYTHON) -c '$(PYCHECK)'

# A .venv made by an older Python, or left half-made by a failed run, is made again, never reused.
$(STAMP): pyproject.toml | check-python
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c '$(PYCHECK)' 2>/dev/null; then \
		echo "$(VENV) was made with another Python: making it again"; rm -rf $(VENV); fi
	@if [ ! -x $(BIN)/python ] || ! $(BIN)/python -m pip --version >/dev/null 2>&1; then \
		rm -rf $(VENV); \
		$(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip --version >/dev/null 2>&1 \
		|| { rm -rf $(VENV); echo "could not make $(VENV) with $(PYTHON) (on Debian: apt install python3-venv)" >&2; exit 1; }; fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,audit,spark,docs,browser,ledger]'
	touch $(STAMP)

lint: install
	$(BIN)/ruff check src tests benchmarks

typecheck: install
	$(BIN)/mypy --strict src

unit: install
	rm -f .coverage .coverage.*
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage combine -q
	$(BIN)/coverage report --fail-under=90

test: lint typecheck unit

demo: install
	$(BIN)/subsidy-rules demo -o demo-output

bench: install
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) demo-output .coverage .mypy_cache .pytest_cache .ruff_cache

# Browser test of the docs site (see tests/browser/docs_browser.py): Debian's chromium,
# axe-core from npm into a cache outside the tree; screenshots to docs/screenshots/.
AXE_DIR ?= $(HOME)/.cache/subsidy-rules/axe
.PHONY: docs-browser-test
docs-browser-test: install
	(test -x /usr/bin/chromium && command -v pdftoppm >/dev/null && fc-list :lang=zh | grep -q .) || (apt-get update && apt-get install -y chromium poppler-utils fonts-wqy-microhei)
	test -f $(AXE_DIR)/node_modules/axe-core/axe.min.js || npm install --prefix $(AXE_DIR) --no-save --no-package-lock --no-audit --no-fund axe-core@4
	$(BIN)/python tests/browser/docs_browser.py --axe $(AXE_DIR)/node_modules/axe-core/axe.min.js --screenshots docs/screenshots
