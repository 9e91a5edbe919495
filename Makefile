# Two commands on a fresh machine: `make demo` and `make test`. Both install on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export UV_PYTHON_DOWNLOADS := never

.PHONY: install demo test lint bench bench-quick faults faults-pg up down lock clean axe

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: $(BIN)/uv requirements.lock pyproject.toml
	VIRTUAL_ENV=$(VENV) $(BIN)/uv pip sync --quiet requirements.lock
	VIRTUAL_ENV=$(VENV) $(BIN)/uv pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 -q

demo: install
	$(BIN)/python -m seeding.demo --out var/demo
	COOP_VAR_DIR=var/demo COOP_DATABASE_URL=sqlite:///var/demo/coopflow.sqlite3 \
		$(BIN)/coop register verify

test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check governance documents tasks flows coopflow_cli seeding bench
	$(BIN)/mypy governance documents tasks flows coopflow_cli seeding bench
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-quick: install
	$(BIN)/python -m bench --quick

faults: install
	$(BIN)/python -m pytest tests/faults -q -p no:randomly --faults-report

# Stops and restarts the local PostgreSQL server in the middle of flows: never beside other tests.
COOP_TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
faults-pg: install
	COOP_TEST_DATABASE_URL=$${COOP_TEST_DATABASE_URL:-$(COOP_TEST_PG_URL)} COOP_TEST_PG_RESTART=1 \
	  $(BIN)/python -m pytest tests/faults -q -p no:randomly -m pg_restart --faults-report

up: install
	$(BIN)/coop up

down: install
	$(BIN)/coop down

AXE_VERSION := 4.14.1
axe: tests/_vendor/axe-core/node_modules/axe-core/axe.min.js  ## axe-core for the accessibility tests (npm, git-ignored)
tests/_vendor/axe-core/node_modules/axe-core/axe.min.js:
	npm install --prefix tests/_vendor/axe-core --no-save --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

clean:
	rm -rf var/demo .pytest_cache
