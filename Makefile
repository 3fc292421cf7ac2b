# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck schema clean install lock

# Installs come from uv.lock only: exact versions with hashes for the hub, the first-party plugins
# (a uv workspace) and every dev and test tool. uv itself is pinned by hash in tools/uv-requirements.txt
# and lives in its own small venv, so that syncing .venv never removes it.
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# --locked: a pyproject.toml that disagrees with uv.lock stops here (run `make lock`).
SYNC := $(UV) sync --locked --all-packages --python $(PYTHON) --quiet

PLUGINS := $(wildcard plugins/*/pyproject.toml)

$(UV): tools/uv-requirements.txt
	test -d $(TOOLS) || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --require-hashes --no-deps -r tools/uv-requirements.txt
	touch $(UV)

$(STAMP): $(UV) uv.lock pyproject.toml $(PLUGINS)
	$(SYNC) --extra test
	touch $(STAMP)

install: $(STAMP)

# Re-resolves after a change to a pyproject.toml; `make lock LOCK_ARGS=--upgrade` takes new releases.
LOCK_ARGS ?=
lock: $(UV)
	$(UV) lock --python $(PYTHON) $(LOCK_ARGS)

# The graphql-http audit (tests/test_graphql_http_audit.py) runs on Node; `npm ci` follows the lockfile.
NPM_STAMP := node_modules/.installed

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

# GraphiQL's browser files, copied from node_modules into the hub package (README, "GraphiQL").
.PHONY: vendor-graphiql
vendor-graphiql: $(STAMP) $(NPM_STAMP)
	$(BIN)/python tools/vendor_graphiql.py

run: $(STAMP)
	$(BIN)/hub migrate
	$(BIN)/hub demo --if-empty
	$(BIN)/hub serve

# Test processes (pytest-xdist): more than the 2 cores, as most tests wait on subprocesses,
# servers and databases; tests marked xdist_group("...") share one worker. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 3

test: $(STAMP) $(if $(shell command -v npm),$(NPM_STAMP))
	$(BIN)/ruff check hub tests plugins bench
	$(BIN)/mypy
	# Every model change has its migration (the tests build their tables by migrating).
	HUB_DATABASE_URL=sqlite://:memory: $(BIN)/hub makemigrations --check
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

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
	$(SYNC) --extra test --extra bench
	sh bench/install-tools.sh
	$(BIN)/python -m bench $(BENCH_ARGS)

# `hub import` alone: posts/s and peak memory (bench/importing.py):
# make bench-import IMPORT_ARGS="--posts 100000"
IMPORT_ARGS ?=

.PHONY: bench-import
bench-import: $(STAMP)
	$(BIN)/python -m bench.importing $(IMPORT_ARGS)

# Time from a mutation's answer to the last worker's purge, over real workers, PostgreSQL and
# Redis (bench/purge.py): make bench-purge PURGE_ARGS="--workers 4 --transport postgres"
PURGE_ARGS ?=

.PHONY: bench-purge
bench-purge: $(STAMP)
	$(BIN)/python -m bench.purge $(PURGE_ARGS)

# The front page through Varnish (hits), the hub's own cache and uncached, with 1 and 4 workers
# on PostgreSQL and Redis (bench/scale.py; varnishd from .ci/install-varnish, wrk installed here).
SCALE_ARGS ?=

.PHONY: bench-scale
bench-scale: $(STAMP)
	sh bench/install-tools.sh
	$(BIN)/python -m bench.scale $(SCALE_ARGS)

# `hub import --from wordpress` on a generated export (bench/wordpress_import.py): posts/s and
# peak memory, first import and re-run. make bench-wordpress WORDPRESS_ARGS="--posts 50000"
WORDPRESS_ARGS ?=

.PHONY: bench-wordpress
bench-wordpress: $(STAMP)
	$(BIN)/python -m bench.wordpress_import $(WORDPRESS_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) data

# A cached rendition against the front page's cached GET, A B A B on one worker
# (plugins/media/bench/serving.py): make bench-media MEDIA_ARGS="--rounds 5 --seconds 5"
MEDIA_ARGS ?=

.PHONY: bench-media
bench-media: $(STAMP)
	sh bench/install-tools.sh
	PYTHONPATH=. $(BIN)/python plugins/media/bench/serving.py $(MEDIA_ARGS)
