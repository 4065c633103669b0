"""Window life: reopen and find everything, Unicode offsets, lock, models, import, suggestions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gui_helpers import (
    UNICODE_TEXT,
    db_spans,
    open_doc,
    open_test_window,
    press,
    select_needle,
    text_of,
)
from PySide6.QtCore import Qt

from annotator import services
from annotator.project import Project
from annotator.values import RelationData, SpanData
from app.item_models import (
    DocumentTableModel,
    EntityTableModel,
    MentionRow,
    MentionTableModel,
    RelationRow,
    RelationTableModel,
)
from storage.records import DocumentSummary, EntityRecord
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo

pytestmark = pytest.mark.gui
K = Qt.Key
M = Qt.KeyboardModifier


@pytest.mark.parametrize(
    "needle", ["Mira Tolland", "😀", "خليفة حفتر", "Jose\u0301 Marti\u0301", "Zoë", "Libya", "🇱🇾"]
)
def test_unicode_offsets_through_the_window(qtbot, window, needle) -> None:
    open_doc(qtbot, window, "u1")
    select_needle(window.view, needle)
    press(qtbot, window.view, K.Key_1, M.AltModifier)  # exact selection
    (span,) = db_spans(window)
    assert span.start == UNICODE_TEXT.index(needle)
    assert text_of(window, span) == needle
    # And back: the highlighted item covers exactly the needle's Qt range.
    item = window.view.highlighter.item(("s", span.id))
    cursor = window.view.textCursor()
    cursor.setPosition(item.start)
    cursor.setPosition(item.end, cursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == needle


def test_arabic_lines_lay_out_right_to_left(qtbot, window) -> None:
    open_doc(qtbot, window, "u1")
    doc = window.view.document()
    arabic = next(b for b in _blocks(doc) if "خليفة" in b.text())
    english = next(b for b in _blocks(doc) if b.text().startswith("Emoji"))
    assert arabic.textDirection() == Qt.LayoutDirection.RightToLeft
    assert english.textDirection() == Qt.LayoutDirection.LeftToRight


def _blocks(doc):
    block = doc.begin()
    while block.isValid():
        yield block
        block = block.next()


def test_span_across_a_crlf_line_break(qtbot, window) -> None:
    open_doc(qtbot, window, "u1")
    start = UNICODE_TEXT.index("spoke.")
    end = UNICODE_TEXT.index("خليفة") + len("خليفة")
    window.view.set_stored_selection(start, end)
    press(qtbot, window.view, K.Key_1, M.AltModifier)
    (span,) = db_spans(window)
    assert (span.start, span.end) == (start, end)
    assert "\r\n" in text_of(window, span)


def test_close_reopen_and_find_everything(qtbot, gui_project: Path) -> None:
    window = open_test_window(qtbot, gui_project)
    doc_id = open_doc(qtbot, window, "a1")
    select_needle(window.view, "Noman Benotman")
    press(qtbot, window.view, K.Key_1)
    span_id = window.view.selected[1]
    window.close()

    again = open_test_window(qtbot, gui_project)
    try:
        assert again.context.doc_state.doc_id == doc_id
        assert again.view.selected == ("s", span_id)
        assert [text_of(again, s) for s in db_spans(again)] == ["Noman Benotman"]
        assert ("s", span_id) in again.view.highlighter.items()
        assert again.inspector.heading.text().startswith("Span “Noman Benotman”")
    finally:
        again.close()


def test_second_instance_is_read_only_or_refused(qtbot, window, gui_project, dialogs) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.launcher import open_window

    dialogs.answers.append(QMessageBox.StandardButton.No)
    assert open_window(gui_project) is None
    assert dialogs.shown[-1][1] == "Project already open"
    dialogs.answers.append(QMessageBox.StandardButton.Yes)
    second = open_test_window(qtbot, gui_project)
    try:
        assert second.context.read_only
        messages = []
        second.view.message.connect(messages.append)
        select_needle(second.view, "Khalifa")
        press(qtbot, second.view, K.Key_1)
        assert "read-only" in messages[-1]
        assert db_spans(second) == []
    finally:
        second.close()


def test_models_pass_the_model_tester(qtmodeltester) -> None:
    docs = DocumentTableModel()
    docs.set_records(
        [
            DocumentSummary(i, f"d{i}", f"Title {i}", "src", "2020-01-01", 10, i, "")
            for i in range(50)
        ]
    )
    qtmodeltester.check(docs)
    docs.sort(4, Qt.SortOrder.DescendingOrder)
    assert docs.record(0).span_count == 49
    docs.set_query("title 1")
    assert docs.rowCount() == 11
    qtmodeltester.check(docs)
    ents = EntityTableModel()
    ents.set_records([EntityRecord(1, "Khalifa Haftar", "person", ("Haftar",), None, 3, 2)])
    qtmodeltester.check(ents)
    ments = MentionTableModel()
    ments.set_records([MentionRow(1, 1, "T", "… Haftar …", "alice", 0)])
    qtmodeltester.check(ments)
    rels = RelationTableModel()
    rels.set_records([RelationRow(1, "claimant", "→", "ACTOR", "Haftar", 2)])
    qtmodeltester.check(rels)


def test_document_list_filters_and_sorts(qtbot, window) -> None:
    panel = window.documents
    assert panel.model.rowCount() == 3
    panel.search.setText("unicode")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=2000)
    panel.search.setText("")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=2000)
    panel.status_combo.setCurrentIndex(panel.status_combo.findData("done"))
    assert panel.model.rowCount() == 0


def _write_jsonl(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(
                json.dumps(
                    {
                        "id": f"bulk-{i}",
                        "text": f"Bulk article {i} says hello.",
                        "meta": {"title": f"Bulk {i}"},
                    }
                )
                + "\n"
            )
    return path


def test_import_runs_in_background_and_can_be_cancelled(qtbot, window, tmp_path, dialogs) -> None:
    ops = window.operations
    big = _write_jsonl(tmp_path / "big.jsonl", 20000)
    handle = ops.import_paths([big])
    assert handle is not None
    ops.cancel()  # the GUI thread is free while the worker runs: cancel right away
    qtbot.waitUntil(lambda: not ops.busy, timeout=20000)
    with window.context.project.session() as s:
        assert doc_repo.count_documents(s) == 3  # nothing imported
    assert "cancelled" in window.statusBar().currentMessage()

    small = _write_jsonl(tmp_path / "small.jsonl", 30)
    with qtbot.waitSignal(window.context.runner.progress, timeout=10000):
        ops.import_paths([small])
    qtbot.waitUntil(lambda: not ops.busy, timeout=10000)
    with window.context.project.session() as s:
        assert doc_repo.count_documents(s) == 33
    assert dialogs.shown[-1][1] == "Import finished"
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 33, timeout=5000)


def _add_suggestions(project_path: Path) -> None:
    with Project.open(project_path) as project, project.session() as s:
        doc_id = doc_repo.external_ids(s)["a1"]
        text = doc_repo.get_document(s, doc_id).text

        def sp(sid: str, needle: str, label: str, attrs: dict | None = None) -> SpanData:
            start = text.index(needle)
            return SpanData(sid, start, start + len(needle), label, attrs or {})

        spans = [
            sp("g1", "Khalifa Haftar", "ACTOR", {"type": "person"}),
            sp("g2", "Noman Benotman", "ACTOR", {"type": "person"}),
            sp(
                "g3",
                "said on Monday that his forces attacked the airport in Tripoli",
                "CLAIM",
                {"form": "reported"},
            ),
            sp("g4", "Tripoli", "PLACE"),
        ]
        services.add_suggestions(
            s, doc_id, spans, [RelationData("r1", "claimant", "g3", "g1")], model="test-model"
        )


def test_accept_and_reject_suggestions(qtbot, gui_project) -> None:
    _add_suggestions(gui_project)
    window = open_test_window(qtbot, gui_project)
    try:
        view = window.view
        open_doc(qtbot, window, "a1")
        assert len(window.context.doc_state.suggestions()) == 4
        view.moveCursor(view.textCursor().MoveOperation.Start)
        press(qtbot, view, K.Key_Tab)
        assert view.selected[0] == "g"
        assert view.describe_at(view.highlighter.item(view.selected).start)[0].startswith(
            "suggested ACTOR"
        )
        press(qtbot, view, K.Key_A)  # accept Khalifa Haftar
        spans = db_spans(window)
        assert [(text_of(window, s), s.origin) for s in spans] == [("Khalifa Haftar", "test-model")]
        window.undo()
        assert db_spans(window) == []
        assert len(window.context.doc_state.suggestions()) == 4
        window.redo()
        # Reject Noman Benotman, accept the claim: its claimant link comes along.
        g2 = next(
            k
            for k, r in window.context.doc_state.suggestions().items()
            if text_of(window, r) == "Noman Benotman"
        )
        view.select_item(("g", g2))
        press(qtbot, view, K.Key_R)
        g3 = next(
            k for k, r in window.context.doc_state.suggestions().items() if r.label == "CLAIM"
        )
        view.select_item(("g", g3))
        press(qtbot, view, K.Key_A)
        with window.context.project.session() as s:
            states = {
                r.label: r.state
                for r in sugg_repo.suggestions_of(
                    s, document_id=window.context.doc_state.doc_id, state=None
                )
            }
            rels = span_repo.relations_of(s, document_id=window.context.doc_state.doc_id)
        assert states["CLAIM"] == "accepted"
        assert [r.label for r in rels] == ["claimant"]
        assert [r.label for r in window.context.doc_state.suggestions().values()] == ["PLACE"]
        # Shift+A accepts all pending suggestions of the selected one's label.
        (g4,) = window.context.doc_state.suggestions()
        view.select_item(("g", g4))
        press(qtbot, view, K.Key_A, M.ShiftModifier)
        assert window.context.doc_state.suggestions() == {}
        assert "PLACE" in {s.label for s in db_spans(window)}
    finally:
        window.close()


def test_shortcut_sheet_and_dark_mode(qtbot, window) -> None:
    window.show_shortcuts()
    sheet = window._sheet
    assert sheet.isVisible()
    texts = {sheet.table.item(r, 1).text() for r in range(sheet.table.rowCount())}
    assert {"F1", "Tab / Shift+Tab", "L", "A / R"} <= texts
    sheet.close()
    window.theme_dark()
    assert window.view.highlighter.dark
    qtbot.waitUntil(lambda: window.palette().window().color().lightness() < 100, timeout=2000)
    window.theme_light()
    assert not window.view.highlighter.dark


def test_work_file_is_annotated_as_its_owner(qtbot, gui_project, tmp_path) -> None:
    """A work file packaged for alice opens as alice's layer, whoever runs the app."""
    from annotator.project import Project
    from annotator.team.assignments import assign
    from annotator.team.workfile import package

    work = tmp_path / "alice.annproj"
    with Project.open(gui_project) as project:
        with project.session() as session:
            assign(session, ["alice"], per_doc=1, seed=0)
        package(project, "alice", work)
    window = open_test_window(qtbot, work)
    try:
        assert window.context.user == "alice"
    finally:
        window.close()


def test_actor_name_and_mention_context_never_collapse(qtbot, tmp_path: Path) -> None:
    """In a narrow dock the stretched actor name (and the mention context) shrank to a few
    pixels ("Acto…", "Contex"); they now fill the width the other columns leave, never less
    than TEXT_MIN, and the other columns scroll instead."""
    from annotator.demo import build_demo_project
    from app.panels.actors import TEXT_MIN

    window = open_test_window(qtbot, build_demo_project(tmp_path / "demo.annproj", user="maria"))
    try:
        panel = window.actors
        qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=20000)
        for table, fill in ((panel.table, 0), (panel.mention_view, 1)):
            header = table.horizontalHeader()
            for width in (200, 260, 700):
                table.resize(width, 300)
                qtbot.waitUntil(lambda t=table, w=width: t.width() == w, timeout=5000)
                others = sum(
                    header.sectionSize(c)
                    for c in range(header.count())
                    if c != fill and not header.isSectionHidden(c)
                )
                room = table.viewport().width() - others
                assert header.sectionSize(fill) == max(TEXT_MIN, room), (fill, width)
                if width == 200:
                    assert room < TEXT_MIN  # the narrow case is really tested
    finally:
        window.close()
