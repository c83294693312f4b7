# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck bench messages clean

install: $(STAMP) node_modules/.installed

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

run: install
	$(BIN)/intercoop migrate --noinput
	$(BIN)/intercoop demo --if-empty
	$(BIN)/intercoop collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn intercoop.config.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 8 --access-logfile -

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy intercoop benchmarks
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/directory.py
	$(BIN)/python benchmarks/network.py
	$(BIN)/python benchmarks/matching.py
	$(BIN)/python benchmarks/purchasing.py
	$(BIN)/python benchmarks/clearing.py

messages: install
	cd intercoop && ../$(BIN)/intercoop makemessages -l es -l fr --no-obsolete --ignore 'tests/*'
	cd intercoop && ../$(BIN)/intercoop compilemessages

clean:
	rm -rf $(VENV) node_modules var/static
