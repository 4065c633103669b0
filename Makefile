# make run  : create .venv if needed, install, open the app on the demo project
# make test : create .venv if needed, install, run the whole suite headless
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

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

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist
