# make run  : create .venv if needed, install, open the app on the demo project
# make lint : ruff check, ruff format --check, mypy (annotator, storage, app), import-linter contracts
# make test : create .venv if needed, install, lint, then run the whole suite headless
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench screenshots clean

$(STAMP): pyproject.toml
	@test -x $(PY) || { echo "== Creating the virtual environment $(VENV)"; $$(sh scripts/find_python.sh) -m venv $(VENV); }
	@echo "== Installing News Annotator and its dependencies into $(VENV)"
	@echo "   (the first time takes a few minutes: PySide6 and spaCy are large downloads)"
	$(PY) -m pip install --upgrade --progress-bar on pip
	$(PY) -m pip install --progress-bar on -e ".[test]"
	@touch $(STAMP)
	@echo "== Installed"

run: $(STAMP)
	$(PY) -m app

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy annotator storage app
	$(VENV)/bin/lint-imports

test: lint
	scripts/pg_test_cluster.sh run env QT_QPA_PLATFORM=offscreen $(PY) -m pytest

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py

bench: $(STAMP)
	for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build dist
