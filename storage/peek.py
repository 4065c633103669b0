"""A quick read-only look at a project file with the standard library only.

Used before the first paint of the window, when importing SQLAlchemy would delay it. Returns
None whenever it cannot answer; opening the project properly then says what is wrong.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"


def peek_meta(path: Path, keys: Sequence[str]) -> dict[str, str] | None:
    """The ``project_meta`` values of ``keys`` in the SQLite project at ``path``, or None."""
    try:
        with path.open("rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                return None
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
        try:
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
