# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000
# `make run DEMO=0` starts without the demo data (docs/api.md's first session needs it empty).
DEMO   ?= 1

.PHONY: run test chaos topology-test backup-drill bench-smoke bench-post load-test install lint
.PHONY: migrate clean audit-deps

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# A local, git-ignored .env with a generated development key, written only when there is none.
.env:
	@$(PYTHON) -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > $@
	@echo "wrote .env with a generated SECRET_KEY"

migrate: install .env
	$(BIN)/python manage.py migrate --no-input

run: migrate
	$(if $(filter 1,$(DEMO)),$(BIN)/python manage.py seed_demo)
	$(BIN)/python manage.py ensure_admin
	DEBUG=True $(BIN)/python manage.py runserver $(HOST)

test: install .env
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The fault suite in full (docs/reliability.md), the long scenarios included; `make test` runs
# the parts that fit CI's time. It makes and removes a PostgreSQL cluster of its own.
chaos: install .env
	$(BIN)/python -m pytest tests/chaos -m chaos $(PYTEST_ARGS)

# Every benchmark in bench/ at a tiny size, each on a database of its own made and dropped on
# DATABASE_URL's server (PostgreSQL): the figures mean nothing, running to the end does. CI runs it.
bench-smoke: install .env
	$(BIN)/python bench/smoke.py

# The WMS against real components started on loopback (docs/operations.md, "Topology tests"): a
# streaming replica, PgBouncer, a TLS-only server, a backup restored, two instances behind haproxy.
topology-test: install .env
	$(BIN)/python -m pytest tests/topology -m topology $(PYTEST_ARGS)

# Dump the database, restore it into a scratch database, verify it (docs/operations.md).
backup-drill: install .env
	$(BIN)/python manage.py backup_drill $(DRILL_ARGS)

# The guide's load test (bench/load_test.py): gunicorn with the production settings on the
# PostgreSQL database of DATABASE_URL (one of its own), locust headless for LOAD_DURATION (5m by
# default, e.g. `make load-test LOAD_DURATION=60s`), its CSVs and chart in bench/results/load/;
# fails unless there was no 5xx, reconcile_stock passes and every acknowledged posting is there.
LOAD_DURATION ?= 5m
load-test: install .env
	$(BIN)/python bench/load_test.py --duration $(LOAD_DURATION) $(LOAD_ARGS)

# Posting throughput against the raw-SQL limit (bench/post_throughput.py), then its chart.
bench-post: install .env
	$(BIN)/python bench/post_throughput.py $(BENCH_ARGS)
	$(BIN)/python bench/plot_throughput.py bench/results/post_throughput.json

# What CI refuses: lint errors and unformatted files (`ruff format .` fixes the latter).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Known vulnerabilities in the pinned requirements (pip-audit); skipped, saying so, when the
# advisory database cannot be reached (docs/security.md).
audit-deps: install
	BIN=$(BIN) .ci/audit-deps

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
