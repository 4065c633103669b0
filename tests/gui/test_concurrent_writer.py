"""The app's undo survives another writer: a span deleted in the window, whose id another
program's import then takes, comes back on undo (with a new id), without an uncaught error."""

from __future__ import annotations

import pytest
from gui_helpers import db_spans, open_doc, open_test_window, press, select_needle
from PySide6.QtCore import Qt

from annotator.project import Project
from annotator.transfer.importing import import_documents
from annotator.values import DocData, SpanData
from storage.repository import spans as span_repo

pytestmark = pytest.mark.gui
K = Qt.Key
M = Qt.KeyboardModifier


def test_undo_after_a_concurrent_import_took_the_id(qtbot, gui_project) -> None:
    window = open_test_window(qtbot, gui_project)
    try:
        open_doc(qtbot, window, "a1")
        select_needle(window.view, "Tripoli")
        press(qtbot, window.view, K.Key_4)
        (span,) = db_spans(window)
        press(qtbot, window.view, K.Key_Delete)
        assert db_spans(window) == []
        # another program imports meanwhile: SQLite hands out the freed (highest) id again
        text = "Another wire story mentions Benghazi."
        with Project.open(gui_project) as other:
            import_documents(
                other, [DocData("x1", text, {}, (SpanData("b", 28, 36, "PLACE"),), ())], layer="bot"
            )
        with Project.open(gui_project) as other, other.session() as s:
            taken = span_repo.get_span(s, span.id)
        assert taken is not None and taken.annotator == "bot"
        failures: list[str] = []
        window.context.edit_failed.connect(failures.append)
        press(qtbot, window.view, K.Key_Z, M.ControlModifier)  # undo the delete
        restored = db_spans(window)
        assert [(s.start, s.end, s.label) for s in restored] == [(span.start, span.end, "PLACE")]
        assert restored[0].id != span.id
        press(qtbot, window.view, K.Key_Z, M.ControlModifier | M.ShiftModifier)  # redo: delete
        assert db_spans(window) == []
        press(qtbot, window.view, K.Key_Z, M.ControlModifier)
        assert len(db_spans(window)) == 1
        assert failures == []
        with Project.open(gui_project) as other, other.session() as s:
            assert span_repo.get_span(s, span.id).annotator == "bot"  # the other writer's span
    finally:
        window.close()


def test_reload_shows_what_another_program_wrote(qtbot, gui_project) -> None:
    """An import run beside the open window (``annotator import``) shows after View → Reload
    (F5): the new document in the list, the new span in the document shown."""
    window = open_test_window(qtbot, gui_project)
    try:
        doc_id = open_doc(qtbot, window, "a1")
        before = len(window.documents.model.records())
        text = window.context.doc_state.content.document.text
        start = text.index("Tripoli")
        with Project.open(gui_project) as other:  # another program on the same file
            import_documents(
                other,
                [
                    DocData("w1", "A wire story from Benghazi.\n", {"title": "Wire"}),
                    DocData("a1", text, {}, (SpanData("s1", start, start + 7, "PLACE"),)),
                ],
                layer="tester",
                origin="test",
            )
        assert len(window.documents.model.records()) == before
        window.actions_by_id["reload"].trigger()
        qtbot.waitUntil(
            lambda: (
                len(window.documents.model.records()) == before + 1
                and not window.context.runner.busy
            ),
            timeout=5000,
        )
        qtbot.waitUntil(
            lambda: any(s.label == "PLACE" for s in window.context.doc_state.spans().values()),
            timeout=5000,
        )
        assert window.context.doc_state.doc_id == doc_id
    finally:
        window.close()
