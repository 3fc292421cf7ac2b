# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck schema clean install

# First-party plugins are installed like any third-party plugin: by their own pyproject.
PLUGINS := $(wildcard plugins/*/pyproject.toml)

$(STAMP): pyproject.toml $(PLUGINS)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' $(foreach p,$(PLUGINS),-e $(dir $(p)))
	touch $(STAMP)

install: $(STAMP)

# The graphql-http audit (tests/test_graphql_http_audit.py) runs on Node; `npm ci` follows the lockfile.
NPM_STAMP := node_modules/.installed

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

run: $(STAMP)
	$(BIN)/hub migrate
	$(BIN)/hub demo --if-empty
	$(BIN)/hub serve

test: $(STAMP) $(if $(shell command -v npm),$(NPM_STAMP))
	$(BIN)/ruff check hub tests plugins bench
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check hub tests plugins bench
	$(BIN)/ruff format --check hub tests plugins bench

typecheck: $(STAMP)
	$(BIN)/mypy

schema: $(STAMP)
	$(BIN)/hub schema export --output schema/hub.graphql

# The hub against a hand-written baseline (bench/README.md). Large run:
# make bench BENCH_ARGS="--posts 100000"
BENCH_ARGS ?=

.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -c "import matplotlib" 2>/dev/null && test -x $(BIN)/py-spy || $(BIN)/pip install --quiet -e '.[bench]'
	sh bench/install-tools.sh
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data
