"""Helpers of tests that check a project file was left as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_hash(path: Path) -> str:
    """Hash of a project file and its WAL (a change may still sit in the WAL)."""
    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        p = Path(f"{path}{suffix}")
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()
