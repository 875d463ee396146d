# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000

.PHONY: run test chaos install lint migrate clean load-test bench-post

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
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py ensure_admin
	DEBUG=True $(BIN)/python manage.py runserver $(HOST)

test: install .env
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The fault suite in full (docs/reliability.md), the long scenarios included; `make test` runs
# the parts that fit CI's time. It makes and removes a PostgreSQL cluster of its own.
chaos: install .env
	$(BIN)/python -m pytest tests/chaos -m chaos $(PYTEST_ARGS)

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

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
