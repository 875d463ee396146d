# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000
# `make run DEMO=0` starts without the demo data (docs/api.md's first session needs it empty).
DEMO   ?= 1

.PHONY: run test chaos bench-smoke install lint migrate clean

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

# What CI refuses: lint errors and unformatted files (`ruff format .` fixes the latter).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
