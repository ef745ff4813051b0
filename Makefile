# Two entry points matter (see README): `make site` and `make test`.
# Both create a virtual environment in .venv on first use; nothing else needs installing.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The instant the example's story is written for, as the tests and screenshots show it:
# `make site` builds the example as of then, so a first look shows what the screenshots do
# instead of an incident overdue by weeks. `make site NOW=` builds it as of the current time.
EXAMPLE_NOW := 2026-11-25T12:00:00+01:00
NOW    ?= $(EXAMPLE_NOW)

.PHONY: site test test-tools lint golden screenshots docs bench clean help

help:
	@echo "make site    set up .venv, build content/ into public/ as of $(EXAMPLE_NOW) (NOW= for the current time)"
	@echo "make test    set up .venv with test tools, lint and type-check, run the whole test suite"
	@echo "make docs    regenerate docs/commands.md from the command line"
	@echo "make golden  rebuild the golden copy of the example site (tests/golden/) after a deliberate change"
	@echo "make screenshots  refresh docs/screenshots/ (the README's pictures) in headless Chromium"
	@echo "make bench   time builds of synthetic sites (1,000 and 10,000 incidents)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed

site: $(VENV)/.installed
	@echo "Building the example site as of $(if $(NOW),$(NOW) (make site NOW= for the current time),the current time)."
	$(BIN)/statusgen build content -o public $(if $(NOW),--now $(NOW))

test: $(VENV)/.installed-test test-tools lint
	$(BIN)/python -m pytest

# Lint and type-check the code (ruff, mypy --strict on src/); part of `make test`.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests tools
	$(BIN)/mypy

# Real checkers for the built site: the Nu Html Checker (needs Java) and axe-core in
# headless Chromium (Debian package chromium). They come from npm; without Node, Java or
# Chromium the tests that use them are skipped and say why (in CI they fail instead).
test-tools:
	@if command -v npm >/dev/null 2>&1; then \
	  [ node_modules/.package-lock.json -nt package-lock.json ] || \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: HTML validation and browser tests will be skipped"; fi

golden: $(VENV)/.installed-test
	STATUSGEN_UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py -q

# The README's screenshots: the example home page at 390 and 1280 px, light and dark.
screenshots: $(VENV)/.installed-test test-tools
	STATUSGEN_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/test_browser.py -q -k screenshots

# The command reference, written from the command line itself; tests/test_docs.py fails when it is stale.
docs: $(VENV)/.installed
	$(BIN)/python tools/cli_reference.py

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf public build dist .pytest_cache .hypothesis
