"""A quick read-only look at a project file with the standard library only.

Used before the first paint of the window, when importing SQLAlchemy would delay it. Returns
None whenever it cannot answer; opening the project properly then says what is wrong.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
PEEK_SECONDS = 1.0


def peek_meta(path: Path, keys: Sequence[str]) -> dict[str, str] | None:
    """The ``project_meta`` values of ``keys`` in the SQLite project at ``path``, or None."""
    try:
        with path.open("rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                return None
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
        try:
            # A hostile file could make project_meta a view that never ends: no schema code
            # runs with side effects, and the look gives up after a moment.
            con.execute("PRAGMA trusted_schema=OFF")
            deadline = time.monotonic() + PEEK_SECONDS
            con.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
            marks = ", ".join("?" for _ in keys)
            rows = con.execute(
                f"SELECT key, value FROM project_meta WHERE key IN ({marks})",
                tuple(keys),
            ).fetchall()
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return None
    return {str(k): str(v) for k, v in rows}
