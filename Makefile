# huiwu — `make run` serves the demo on SQLite; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/huiwu up --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

# The whole suite on the database HUIWU_DATABASE_URL names (SQLite when unset).
test: $(STAMP)
	$(BIN)/ruff check huiwu conftest.py bench
	$(BIN)/python -m pytest

test-postgres: $(STAMP)
	HUIWU_DATABASE_URL=$${HUIWU_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check huiwu conftest.py bench

bench: $(STAMP)
	$(BIN)/python bench/overview.py

clean:
	rm -rf $(VENV) var
