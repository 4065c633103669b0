"""Project life: first-run name, export and corpus search in the background, zoom, drops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gui_helpers import make_project, open_doc, open_test_window
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from annotator.settings import Settings
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo

pytestmark = pytest.mark.gui


def test_first_run_asks_the_annotator_name(qtbot, gui_project, dialogs, monkeypatch) -> None:
    from app.launcher import annotator_name

    monkeypatch.delenv("NEWS_ANNOTATOR_USER")
    dialogs.texts.append("Dana")
    assert annotator_name() == "Dana"
    assert Settings.load().annotator == "Dana"
    assert annotator_name() == "Dana"  # asked once
    assert dialogs.texts == []


def test_export_runs_in_the_background(qtbot, window, tmp_path, dialogs) -> None:
    from gui_helpers import press, select_needle

    out = tmp_path / "out.jsonl"
    window.operations.export(out, "jsonl", "gold", None)  # an empty layer: a readable error
    qtbot.waitUntil(lambda: not window.operations.busy, timeout=20000)
    assert dialogs.shown[-1][:2] == ("warning", "Exporting failed")
    assert "Traceback" not in dialogs.shown[-1][2]
    open_doc(qtbot, window, "a1")
    select_needle(window.view, "Khalifa Haftar")
    press(qtbot, window.view, Qt.Key.Key_1)
    window.operations.export(out, "jsonl", "tester", None)
    qtbot.waitUntil(lambda: not window.operations.busy, timeout=20000)
    assert dialogs.shown[-1][1] == "Export finished", dialogs.shown
    docs = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    a1 = next(d for d in docs if d["id"] == "a1")
    assert [s["text"] for s in a1["spans"]] == ["Khalifa Haftar"]


def test_search_across_the_corpus_opens_the_hit(qtbot, window) -> None:
    with qtbot.waitSignal(window.operations.search_done, timeout=5000) as blocker:
        window.operations.search("Benotman")
    query, hits = blocker.args
    assert query == "Benotman" and [h.title for h in hits] == [
        "Haftar says forces attacked airport"
    ]
    open_doc(qtbot, window, "a3")
    window._open_at_offset(hits[0].document_id, hits[0].start)
    qtbot.waitUntil(lambda: window.context.doc_state.doc_id == hits[0].document_id)
    start, end = window.view.stored_selection()
    assert start == window.context.doc_state.content.document.text.index("Benotman")


def test_search_results_name_one_document_and_show_its_title(qtbot, window) -> None:
    """One hit reads "1 document"; the title column is wide enough for a headline's start,
    on one line (it was a 100 px column, the title wrapped and cut)."""
    from app.dialogs.common import SearchResultsDialog

    with qtbot.waitSignal(window.operations.search_done, timeout=5000) as blocker:
        window.operations.search("Benotman")
    query, hits = blocker.args
    dialog = SearchResultsDialog(query, hits, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.count_label.text() == "1 document"
    view = dialog.view
    title = hits[0].title
    assert not view.wordWrap()
    assert view.columnWidth(0) >= view.fontMetrics().horizontalAdvance(title[:24])
    dialog.close()


def test_zoom_changes_and_remembers_the_font_size(qtbot, window) -> None:
    size = window.view.font().pointSize()
    window.zoom_in()
    window.zoom_in()
    assert window.view.font().pointSize() == size + 2
    assert Settings.load().font_size == size + 2
    window.zoom_out()
    assert window.view.font().pointSize() == size + 1


def test_dropping_files_imports_them(qtbot, window, tmp_path: Path, dialogs) -> None:
    src = tmp_path / "dropped.txt"
    src.write_text("A dropped article about the Presidential Council.\n", "utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(src))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    qtbot.waitUntil(lambda: not window.operations.busy, timeout=10000)
    with window.context.project.session() as s:
        assert doc_repo.count_documents(s) == 4
    assert dialogs.shown[-1][1] == "Import finished"


def test_edits_survive_a_killed_window(qtbot, gui_project) -> None:
    """Every edit is committed at once: a second connection sees it before any close."""
    from gui_helpers import press, select_needle

    from annotator.project import Project

    window = open_test_window(qtbot, gui_project)
    try:
        open_doc(qtbot, window, "a1")
        select_needle(window.view, "Tripoli")
        press(qtbot, window.view, Qt.Key.Key_4)
        with Project.open(gui_project) as other, other.session() as s:
            labels = [sp.label for sp in span_repo.spans_of(s, annotator="tester")]
        assert labels == ["PLACE"]
    finally:
        window.close()


def test_a_project_made_anew_at_the_same_path_opens_without_an_error(
    qtbot, tmp_path: Path, dialogs
) -> None:
    """The window remembers the document last open per project path; when that document is
    gone (the file was made anew, or replaced by another project), the project opens at its
    first document, with no error and without the stale place coming back."""
    from annotator.project import Project
    from annotator.transfer.importing import import_documents
    from annotator.values import DocData

    path = make_project(tmp_path / "p.annproj")
    win = open_test_window(qtbot, path)
    last = max(r.id for r in win.documents.model.records())
    win.open_document(last)
    qtbot.waitUntil(lambda: win.context.doc_state.doc_id == last, timeout=5000)
    win.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with Project.create(path, "news") as project:
        import_documents(project, [DocData("only", "One new article.\n")], layer="tester")
    win = open_test_window(qtbot, path)
    try:
        qtbot.waitUntil(lambda: win.context.doc_state.content is not None, timeout=5000)
        assert win.context.doc_state.content.document.external_id == "only"
        assert dialogs.shown == []
    finally:
        win.close()
    win = open_test_window(qtbot, path)  # and the next time too
    win.close()
    assert dialogs.shown == []
