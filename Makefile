# Two commands do everything (see README "Quick start"):
#   make run    set up .venv, then crawl -> match -> report (offline, from the shared corpus mirror)
#   make test   set up .venv with the test extras, then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MIRROR ?= ../shared/corpus/current

.PHONY: run test bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/tracker run --mirror $(MIRROR)

test: $(BIN)/.installed
	$(BIN)/python -m pytest

bench: $(BIN)/.installed
	for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) data/tracker.db data/tracker.db-* data/reports test-artifacts
