"""Layer contracts (import-linter) and the PySide6/CPython 3.11 trap."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe is not None, "import-linter (the `test` extra) is not installed beside Python"
    result = subprocess.run(
        [exe, "--no-cache"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_library_imports_no_qt_spacy_or_pyqtgraph() -> None:
    code = textwrap.dedent("""
        import sys
        import annotator.cli.main, annotator.services, annotator.transfer.importing
        import annotator.layers
        import storage.repository.annotators_assignments, storage.repository.documents
        import storage.repository.events, storage.repository.registry
        import storage.repository.spans, storage.repository.suggestions
        bad = [m for m in ("PySide6", "pyqtgraph", "spacy", "app") if m in sys.modules]
        print(",".join(bad))
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_window_modules_import_no_orm_before_first_paint() -> None:
    """The window paints before SQLAlchemy loads: the modules it is built from reach storage
    through annotator's peek, records and reads without importing the ORM."""
    pytest.importorskip("PySide6")
    code = textwrap.dedent("""
        import sys
        import app.launcher, app.main_window, app.startup, annotator.peek, annotator.records
        from annotator.peek import peek_project
        print(",".join(m for m in ("sqlalchemy", "storage.repository") if m in sys.modules))
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_many_void_qt_calls_do_not_abort() -> None:
    """PySide6 6.12.0 on CPython 3.11 drops None's refcount on every void Qt call and aborts after
    about 5,000 (DESIGN.md). Run 50,000 in a child process and require a clean exit."""
    code = textwrap.dedent("""
        from PySide6.QtCore import QObject
        from PySide6.QtGui import QTextCursor, QTextDocument
        obj = QObject()
        doc = QTextDocument("x" * 100)
        cur = QTextCursor(doc)
        for i in range(25_000):
            obj.setObjectName("n")
            cur.setPosition(i % 100)
        print("survived")
    """)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "survived"


@pytest.mark.parametrize(
    ("python", "allows_612"), [("3.11", False), ("3.12", True), ("3.13", True)]
)
def test_pyside_pin_excludes_612_on_311(python: str, allows_612: bool) -> None:
    """What pip would resolve: the PySide6 requirements that apply on ``python`` (by their
    markers) admit 6.12.0 only where it does not corrupt None's refcount."""
    import tomllib

    from packaging.requirements import Requirement

    deps = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    env = {"python_version": python, "python_full_version": f"{python}.0"}
    pyside = [Requirement(d) for d in deps if Requirement(d).name.lower() == "pyside6-essentials"]
    applying = [r for r in pyside if r.marker is None or r.marker.evaluate(env)]
    assert len(applying) == 1, (python, [str(r) for r in pyside])
    assert applying[0].specifier.contains("6.12.0") is allows_612
    assert applying[0].specifier.contains("6.8.1")
