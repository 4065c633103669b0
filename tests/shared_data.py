"""The one way tests reach ``../shared`` (the corpus and seed articles beside the repository).

``require_shared("corpus")`` returns the path when it is there. When it is not, the test is
skipped with a reason that says so (``-ra`` lists it, and the run ends with a warning naming
every missing path); under CI (the ``CI`` environment variable set) it fails instead, so a CI
run that lost ``../shared`` cannot pass by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

MISSING: set[str] = set()  # reported at the end of the run by tests/conftest.py


def require_shared(relative: str) -> Path:
    """``../shared/<relative>`` (a file or folder); skip loudly, or fail under CI, if absent."""
    path = SHARED / relative
    if path.exists():
        return path.resolve()
    message = f"NEEDS ../shared/{relative}: not found at {path}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set: shared data must be present)", pytrace=False)
    MISSING.add(relative)
    pytest.skip(message)
