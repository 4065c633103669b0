"""Helpers of the hostile-input tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from annotator.values import DocData, SpanData

FILES = Path(__file__).resolve().parent / "files"
TEXT = "Khalifa Haftar said the army attacked Tripoli on Monday, officials in Benghazi reported."


def news_doc(i: int, spans: tuple[SpanData, ...] = ()) -> DocData:
    return DocData(f"doc-{i}", f"Story {i}: {TEXT}", {"title": f"Story {i}"}, spans, ())


def file_hash(path: Path) -> str:
    """Hash of a project file and its WAL (a change may still sit in the WAL)."""
    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        p = Path(f"{path}{suffix}")
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()
