# make run  : create .venv if needed, install, open the app on the demo project
# make lint : ruff check, ruff format --check, mypy (annotator, storage), import-linter contracts
# make test : create .venv if needed, install, lint, then run the whole suite headless
# make test-pg : the same inside a throw-away PostgreSQL cluster (what .ci/run does)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-pg lint bench screenshots clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $$(sh scripts/find_python.sh) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m app

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy annotator storage
	$(VENV)/bin/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

test-pg:
	scripts/pg_test_cluster.sh run $(MAKE) test

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py

bench: $(STAMP)
	for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build dist
