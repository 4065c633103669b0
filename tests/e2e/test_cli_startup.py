"""``annotator stats`` starts light: no Typer app, exporters, spaCy, Alembic, SQLAlchemy or YAML
are imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, sys
sys.argv = ["annotator", "stats", sys.argv[1]] + sys.argv[2:]
from annotator.cli.entry import main
try:
    main()
except SystemExit as exc:
    code = exc.code
heavy = sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("spacy", "alembic", "typer", "thinc", "numpy", "sqlalchemy", "yaml")
    or m.startswith("annotator.formats") or m.startswith("annotator.transfer")
)
print("MODULES " + json.dumps({"code": code, "heavy": heavy}))
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, check=False
    )


def test_stats_imports_no_exporter_spacy_or_alembic(tmp_path: Path) -> None:
    project = tmp_path / "p.annproj"
    init = _run("-m", "annotator.cli", "init", str(project))
    assert init.returncode == 0, init.stderr
    for extra in ([], ["--json"]):
        done = _run("-c", PROBE, str(project), *extra)
        assert done.returncode == 0, done.stderr
        line = next(x for x in done.stdout.splitlines() if x.startswith("MODULES "))
        found = json.loads(line.removeprefix("MODULES "))
        assert found == {"code": 0, "heavy": []}
    data = json.loads(_run("-m", "annotator.cli", "stats", str(project), "--json").stdout)
    assert data["documents"] == 0 and data["annotators"] == ["gold"]


def test_stats_errors_stay_one_line(tmp_path: Path) -> None:
    done = _run("-m", "annotator.cli", "stats", str(tmp_path / "missing.annproj"))
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1
