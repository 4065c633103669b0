"""Helpers of the hostile-input tests."""

from __future__ import annotations

from pathlib import Path

from project_files import file_hash as file_hash  # re-exported for the hostile tests

from annotator.values import DocData, SpanData

FILES = Path(__file__).resolve().parent / "files"
TEXT = "Khalifa Haftar said the army attacked Tripoli on Monday, officials in Benghazi reported."


def news_doc(i: int, spans: tuple[SpanData, ...] = ()) -> DocData:
    return DocData(f"doc-{i}", f"Story {i}: {TEXT}", {"title": f"Story {i}"}, spans, ())
