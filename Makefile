# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The PostgreSQL server the tests use; CI and this project's machines have one here.
export FAIRDEBT_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test lint bench app screens
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/fairdebt demo

# The web app on the demo data (built first if there is none): http://127.0.0.1:8000/
app: $(VENV)/.installed
	test -f fairdebt-demo.db || $(VENV)/bin/fairdebt demo
	$(VENV)/bin/fairdebt serve --database sqlite:///fairdebt-demo.db

# Screenshots of every main screen, both languages, into docs/screens/ (the browser journeys).
screens: $(VENV)/.installed
	scripts/screens.sh

test: lint
	$(PY) -m pytest -n 2 -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

# Each script writes benchmarks/results/<area>.md; BENCHMARKS.md gathers them.
bench: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) benchmarks/cycle.py
	$(PY) benchmarks/ledger.py
	$(PY) benchmarks/calibration.py
	$(PY) benchmarks/compliance.py
	$(PY) benchmarks/screening.py
	$(PY) benchmarks/risk.py
	$(PY) benchmarks/risk_reports.py
	test -f fairdebt-demo.db || $(VENV)/bin/fairdebt demo
	$(PY) benchmarks/api.py
