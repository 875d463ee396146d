# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1:8000

.PHONY: run test chaos install lint migrate clean

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

# What CI refuses: lint errors and unformatted files (`ruff format .` fixes the latter).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
