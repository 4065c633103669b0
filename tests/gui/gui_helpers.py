"""Helpers for the window tests (select text by its stored offsets, read the database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo

ARTICLE = (
    "Khalifa Haftar said on Monday that his forces attacked the airport in Tripoli.\n\n"
    "Noman Benotman, an analyst, claimed that the Presidential Council had lost control.\n\n"
    "Police arrested three protesters near the main gate on Tuesday morning.\n"
)
UNICODE_TEXT = (
    "Emoji 😀👍🏽 first: Mira Tolland 😀 spoke.\r\n"
    "وقال خليفة حفتر إن قواته هاجمت المطار.\r\n"
    "Combining: Jose\u0301 Marti\u0301 met Zoë.\r\n"
    "Last line 🇱🇾 Libya.\r\n"
)


def make_project(path: Path, extra: tuple[tuple[str, str], ...] = ()) -> Path:
    from annotator.project import Project
    from annotator.transfer.importing import import_documents
    from annotator.values import DocData

    docs = [
        DocData(
            "a1",
            ARTICLE,
            {
                "title": "Haftar says forces attacked airport",
                "source": "Test Wire",
                "published": "2019-04-08",
            },
        ),
        DocData("u1", UNICODE_TEXT, {"title": "Unicode article", "source": "Test Wire"}),
        DocData(
            "a3",
            "A third article about nothing in particular.\n",
            {"title": "Third", "source": "Other"},
        ),
    ]
    docs += [DocData(i, t, {"title": i}) for i, t in extra]
    with Project.create(path, "news") as project:
        import_documents(project, docs, layer="tester", origin="test")
    return path


def open_test_window(qtbot: Any, path: Path) -> Any:
    from app.launcher import open_window

    window = open_window(path)
    assert window is not None
    window.resize(1300, 800)
    qtbot.waitUntil(lambda: window.context.doc_state.content is not None, timeout=5000)
    qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=5000)
    return window


def select_needle(view: Any, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """Select ``needle`` in the view through Qt's own search (UTF-16 positions)."""
    doc = view.document()
    cursor = QTextCursor(doc)
    for _ in range(occurrence):
        cursor = doc.find(needle, cursor)
        assert not cursor.isNull(), needle
    view.setTextCursor(cursor)
    return cursor.selectionStart(), cursor.selectionEnd()


def select_range(view: Any, start: int, end: int) -> None:
    view.set_stored_selection(start, end)


def press(
    qtbot: Any, view: Any, key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(view, key, mods)


def db_spans(window: Any, doc_id: int | None = None) -> list[Any]:
    ctx = window.context
    with ctx.project.session() as s:
        return span_repo.spans_of(s, document_id=doc_id or ctx.doc_state.doc_id, annotator=ctx.user)


def db_relations(window: Any) -> list[Any]:
    ctx = window.context
    with ctx.project.session() as s:
        return span_repo.relations_of(s, document_id=ctx.doc_state.doc_id, annotator=ctx.user)


def text_of(window: Any, span: Any) -> str:
    return window.context.doc_state.content.document.text[span.start : span.end]


def open_doc(qtbot: Any, window: Any, external_id: str) -> int:
    with window.context.project.session() as s:
        doc_id = doc_repo.external_ids(s)[external_id]
    window.open_document(doc_id)
    qtbot.waitUntil(
        lambda: window.context.doc_state.doc_id == doc_id and not window.context.runner.busy,
        timeout=5000,
    )
    return doc_id


def first_event(window: Any) -> str:
    """The id of the open document's first EVENT span."""
    return next(sid for sid, s in window.context.doc_state.spans().items() if s.label == "EVENT")


def suggest(
    project_path: Path,
    ext: str,
    items: list[tuple[str, str, str, dict[str, Any]]],
    rels: list[tuple[str, str, str]],
) -> None:
    """Store model suggestions (sid, needle, label, attrs) and suggested relations (label,
    head sid, tail sid) for document ``ext``, as pre-annotation does."""
    from annotator import services
    from annotator.project import Project
    from annotator.values import RelationData, SpanData

    with Project.open(project_path) as project, project.session() as s:
        doc_id = doc_repo.external_ids(s)[ext]
        text = doc_repo.get_document(s, doc_id).text
        spans = []
        for sid, needle, label, attrs in items:
            start = text.index(needle)
            spans.append(SpanData(sid, start, start + len(needle), label, attrs))
        relations = [RelationData(f"r{i}", lab, h, t) for i, (lab, h, t) in enumerate(rels)]
        services.add_suggestions(s, doc_id, spans, relations, model="test-model")
