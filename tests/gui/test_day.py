"""A day in the window (issue 13): nothing changes behind the user's back.

Set ANNOTATOR_SCREENSHOTS=1 to also write the screenshots of docs/screenshots/ taken here.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from gui_helpers import open_test_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo

pytestmark = pytest.mark.gui


def _focus_key(
    qtbot: Any, key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Press a key where the keyboard focus is, as a user does."""
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    qtbot.keyClick(widget, key, mods)


@pytest.fixture
def review_window(qtbot: Any, tmp_path: Path) -> Any:
    from test_review import build_review_project

    path = tmp_path / "review.annproj"
    build_review_project(path).close()
    win = open_test_window(qtbot, path)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    yield win
    if win.isVisible():
        win.close()


def _user_spans(win: Any) -> list[Any]:
    ctx = win.context
    with ctx.project.session() as s:
        docs = doc_repo.external_ids(s)
        return [
            sp
            for d in docs.values()
            for sp in span_repo.spans_of(s, document_id=d, annotator=ctx.user)
        ]


def test_review_keys_stay_in_review_and_never_reach_the_hidden_article(
    qtbot, review_window
) -> None:
    win = review_window
    ctx = win.context
    with qtbot.waitSignal(ctx.runner.finished, timeout=20_000):
        _focus_key(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    review = win.tabs.currentWidget()
    qtbot.waitUntil(lambda: review.model.rowCount() > 0, timeout=20_000)
    # The first key after Ctrl+R already works: J moves to the next item.
    first = review.table.currentIndex().row()
    _focus_key(qtbot, Qt.Key.Key_J)
    assert review.table.currentIndex().row() != first
    assert review.model.rowCount() >= 5
    review._select(0)
    for _ in range(2):
        before = review.model.counts()["decided"]
        with qtbot.waitSignal(review.settled, timeout=20_000):
            _focus_key(qtbot, Qt.Key.Key_X)
        qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=20_000)
        assert review.model.counts()["decided"] == before + 1
        assert QApplication.focusWidget() in (review.table, review.lanes)
    # after decisions, J, K and Down still move
    row = review.table.currentIndex().row()
    _focus_key(qtbot, Qt.Key.Key_J)
    assert review.table.currentIndex().row() > row
    _focus_key(qtbot, Qt.Key.Key_K)
    assert review.table.currentIndex().row() == row
    _focus_key(qtbot, Qt.Key.Key_Down)
    assert review.table.currentIndex().row() == row + 1
    assert _user_spans(win) == []  # nothing was added to the user's own layer
    win.resize(1366, 768)
    _screenshot(win, "review-after-decision.png")
    # keys sent to the hidden article edit nothing
    qtbot.keyClick(win.view, Qt.Key.Key_1)
    assert _user_spans(win) == []


def _suggest(
    project_path: Path,
    ext: str,
    items: list[tuple[str, str, str, dict]],
    rels: list[tuple[str, str, str]],
) -> None:
    """Store model suggestions (sid, needle, label, attrs) and relations (label, head, tail)."""
    from annotator import services
    from annotator.project import Project
    from annotator.values import RelationData, SpanData

    with Project.open(project_path) as project, project.session() as s:
        doc_id = doc_repo.external_ids(s)[ext]
        text = doc_repo.get_document(s, doc_id).text
        spans = []
        for _sid, needle, label, _attrs in items:
            if label == "ACTOR":
                services.ensure_entity(s, needle, "armed_group", user="test")
        for sid, needle, label, attrs in items:
            start = text.index(needle)
            spans.append(
                SpanData(
                    sid,
                    start,
                    start + len(needle),
                    label,
                    attrs,
                    entity=needle if label == "ACTOR" else None,
                    entity_type="armed_group" if label == "ACTOR" else None,
                )
            )
        relations = [RelationData(f"r{i}", lab, h, t) for i, (lab, h, t) in enumerate(rels)]
        services.add_suggestions(s, doc_id, spans, relations, model="test-model")


def test_accepting_suggestions_shows_their_links_counts_and_mentions(qtbot, gui_project) -> None:
    from gui_helpers import open_doc

    _suggest(
        gui_project,
        "a1",
        [
            ("e", "attacked", "EVENT", {"type": "attack", "status": "occurred"}),
            ("a", "his forces", "ACTOR", {"type": "armed_group"}),
            ("p", "Tripoli", "PLACE", {}),
        ],
        [("agent", "e", "a"), ("place", "e", "p")],
    )
    win = open_test_window(qtbot, gui_project)
    try:
        ctx, view = win.context, win.view
        open_doc(qtbot, win, "a1")
        qtbot.waitUntil(lambda: win.actors.model.rowCount() == 1, timeout=5000)
        by_label = {r.label: k for k, r in ctx.doc_state.suggestions().items()}
        for label in ("EVENT", "ACTOR", "PLACE"):
            view.select_item(("g", by_label[label]))
            qtbot.keyClick(view, Qt.Key.Key_A)
        with ctx.project.session() as s:
            db_rels = span_repo.relations_of(
                s, document_id=ctx.doc_state.doc_id, annotator=ctx.user
            )
        assert sorted(r.label for r in db_rels) == ["agent", "place"]
        event = next(sp.id for sp in ctx.doc_state.spans().values() if sp.label == "EVENT")
        view.select_item(("s", event))
        shown = {
            win.inspector.relations.record(i).label
            for i in range(win.inspector.relations.rowCount())
        }
        assert shown == {"agent", "place"}
        assert "3 spans · 2 links" in win._status_counts.text()
        # the actor's mention count follows the accepted span
        qtbot.waitUntil(lambda: win.actors.model.record(0).mention_count == 1, timeout=5000)
    finally:
        win.close()


def test_actor_registry_edits_are_undoable_from_the_stack_actions(qtbot, window, dialogs) -> None:
    from PySide6.QtWidgets import QMessageBox

    from annotator import services

    ctx = window.context
    doc_id = ctx.doc_state.doc_id
    with ctx.project.session() as s:
        keep = services.ensure_entity(s, "Khalifa Haftar", "person", user="test")
        drop = services.ensure_entity(s, "K. Haftar", "person", user="test")
        services.add_span(s, ctx.project.scheme, doc_id, "tester", 0, 14, "ACTOR", entity_id=drop)

    def names() -> dict[int, tuple[str, tuple[str, ...], int]]:
        with ctx.project.session() as s:
            return {e.id: (e.name, e.aliases, e.mention_count) for e in services.list_entities(s)}

    before = names()
    window._reload_entities()
    panel = window.actors
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)
    undo, redo = window.actions_by_id["undo"], window.actions_by_id["redo"]
    assert not undo.isEnabled()

    def select(*ids: int) -> None:
        panel.table.clearSelection()
        for eid in ids:
            index = panel.model.index(panel.model.row_of(eid), 0)
            panel.table.selectionModel().select(
                index,
                panel.table.selectionModel().SelectionFlag.Select
                | panel.table.selectionModel().SelectionFlag.Rows,
            )

    select(keep)
    dialogs.texts.append("Haftar")
    panel.alias_selected()
    dialogs.texts.append("Field Marshal Haftar")
    panel.rename_selected()
    select(keep, drop)
    dialogs.answers.append(QMessageBox.StandardButton.Yes)
    panel.merge_selected()
    after = names()
    assert list(after) == [keep]
    assert after[keep][0] == "Field Marshal Haftar" and after[keep][2] == 1
    assert {"Haftar", "K. Haftar"} <= set(after[keep][1])
    # The undo stack's own action names the step and takes the three edits back.
    assert undo.isEnabled() and "Merge actors" in undo.text()
    undo.trigger()
    assert names()[drop] == before[drop]  # back with its id, names and mention
    undo.trigger()
    undo.trigger()
    assert names() == before
    assert not undo.isEnabled() and redo.isEnabled()
    for _ in range(3):
        redo.trigger()
    assert names() == after
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)


def test_done_with_a_required_role_missing_warns_and_lets_the_user_choose(qtbot, window) -> None:
    from gui_helpers import db_spans, press, select_needle

    ctx, view = window.context, window.view
    select_needle(view, "claimed")
    press(qtbot, view, Qt.Key.Key_2)  # a CLAIM, no claimant
    (claim,) = db_spans(window)
    view.select_item(None)
    doc_id = ctx.doc_state.doc_id

    def status() -> str:
        with ctx.project.session() as s:
            found = ann_repo.assignments(s, annotator=ctx.user, document_id=doc_id)
        return found[0].status if found else ""

    before = status()
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = window.missing_roles_box
    assert box is not None and box.isVisible()
    assert "CLAIM “claimed” has no claimant" in box.informativeText()
    assert status() == before and ctx.doc_state.doc_id == doc_id  # nothing marked yet
    _screenshot(box, "missing-role-warning.png", window)
    box.back.click()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=2000)
    assert view.selected == ("s", claim.id) and status() == before
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    window.missing_roles_box.anyway.click()
    qtbot.waitUntil(lambda: status() == "done", timeout=5000)


def _screenshot(widget: Any, name: str, window: Any | None = None) -> None:
    """With ANNOTATOR_SCREENSHOTS=1, save ``widget`` (or the whole window with the widget
    drawn over it, for a dialog) to docs/screenshots/NAME."""
    if not os.environ.get("ANNOTATOR_SCREENSHOTS"):
        return
    from PySide6.QtGui import QColor, QPainter

    for _ in range(10):
        QApplication.processEvents()
    out = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    if window is None:
        assert widget.grab().save(str(out))
        return
    shot = window.grab()
    painter = QPainter(shot)
    dialog = widget.grab()
    painter.fillRect(shot.rect(), QColor(0, 0, 0, 70))  # the window behind a modal dialog
    painter.drawPixmap(
        (shot.width() - dialog.width()) // 2, (shot.height() - dialog.height()) // 3, dialog
    )
    painter.end()
    assert shot.save(str(out))


def _format_at(view: Any, qpos: int) -> Any:
    """The character format the highlighter gave the text at a Qt position."""
    from PySide6.QtGui import QTextCharFormat

    block = view.document().findBlock(qpos)
    offset = qpos - block.position()
    for r in block.layout().formats():
        if r.start <= offset < r.start + r.length:
            return QTextCharFormat(r.format)  # a copy: the range is freed with the list
    return None


def test_snapping_trims_punctuation_twins_are_selected_overlaps_are_told_apart(
    qtbot, window
) -> None:
    from gui_helpers import db_spans, press, select_needle, text_of
    from PySide6.QtGui import QTextCharFormat

    view = window.view
    select_needle(view, "Noman Benotman,")
    press(qtbot, view, Qt.Key.Key_1)
    (first,) = db_spans(window)
    assert text_of(window, first) == "Noman Benotman"  # the comma is not taken
    # The same words again (comma included): the span is selected, no twin is added.
    select_needle(view, "Noman Benotman,")
    press(qtbot, view, Qt.Key.Key_1)
    assert [s.id for s in db_spans(window)] == [first.id]
    assert view.selected == ("s", first.id)
    # Two overlapping ACTOR spans: the overlap is drawn differently from either alone.
    select_needle(view, "Benotman, an analyst")
    press(qtbot, view, Qt.Key.Key_1)
    assert len(db_spans(window)) == 2
    view.select_item(None)
    noman, _ = select_needle(view, "Noman")
    bene, _ = select_needle(view, "Benotman")
    analyst, _ = select_needle(view, "analyst")
    view.select_item(None)
    wave = QTextCharFormat.UnderlineStyle.WaveUnderline
    assert _format_at(view, bene).underlineStyle() == wave
    assert _format_at(view, noman).underlineStyle() != wave
    assert _format_at(view, analyst).underlineStyle() != wave
    # The selected span is emphasised without a bolder (wider) font: nothing re-flows.
    view.select_item(("s", first.id))
    fmt = _format_at(view, noman)
    assert fmt.fontOverline() and not fmt.hasProperty(QTextCharFormat.Property.FontWeight)
    assert not fmt.fontItalic()


def test_active_editing_time_is_recorded_without_idle_time(qtbot, window) -> None:
    from gui_helpers import open_doc

    from annotator.reports.dashboard import pace

    ctx, view = window.context, window.view
    now = [1000.0]
    timer = window.activity
    timer.clock = lambda: now[0]
    doc_id = open_doc(qtbot, window, "a1")
    for step in (10, 10, 10):  # 30 s of work, key by key
        now[0] += step
        qtbot.keyClick(view, Qt.Key.Key_Right)
    now[0] += 3600  # an hour away from the keyboard: not counted
    qtbot.keyClick(view, Qt.Key.Key_Right)
    now[0] += 15
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton)
    assert timer.seconds_pending(doc_id, ctx.user) == pytest.approx(45)
    window._update_status()  # (done on every edit and switch)
    assert window._status_time.text() == "Time: 45 s"
    now[0] += 5
    open_doc(qtbot, window, "a3")  # leaving the document writes its time
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=5000)
    with ctx.project.session() as s:
        (a,) = ann_repo.assignments(s, annotator=ctx.user, document_id=doc_id)
        assignments = ann_repo.assignments(s)
    assert a.seconds_spent == pytest.approx(50)
    # The dashboard's pace divides by this time, not by hours touched.
    assert pace([], assignments, [ctx.user]).hours == (pytest.approx(50 / 3600),)
    open_doc(qtbot, window, "a1")
    assert "Time: 50 s" in window._status_time.text()
    for _ in range(2):  # 20 s more, written when the window closes
        now[0] += 10
        qtbot.keyClick(view, Qt.Key.Key_Right)
    path = ctx.project.path
    window.close()
    from annotator.project import Project

    with Project.open(path) as project, project.session() as s:
        (a,) = ann_repo.assignments(s, annotator="tester", document_id=doc_id)
    assert a.seconds_spent == pytest.approx(70)


def test_every_mode_fits_a_1366_by_768_screen(qtbot, review_window) -> None:
    win = review_window
    modes = [("article", lambda: win.tabs.setCurrentWidget(win.article))]
    modes.append(("review", win.show_review))
    modes.append(("dashboard", win.show_dashboard))
    for name, show in modes:
        show()
        qtbot.waitUntil(lambda: not win.context.runner.busy, timeout=20_000)
        for _ in range(5):
            QApplication.processEvents()
        win.resize(1366, 768)
        for _ in range(5):
            QApplication.processEvents()
        hint = win.minimumSizeHint()
        assert (win.width(), win.height()) == (1366, 768), (name, win.size(), hint)
        assert hint.width() <= 1366 and hint.height() <= 768, (name, hint)


ARABIC = (
    "قال خليفة حفتر يوم الاثنين إن قواته هاجمت المطار في طرابلس.\n\n"
    "وأكد المحلل نعمان بن عثمان أن المجلس الرئاسي فقد السيطرة على العاصمة.\n\n"
    "An English paragraph in the same article stays on the left.\n"
)


def test_right_to_left_paragraphs_are_right_aligned(qtbot, tmp_path: Path) -> None:
    from gui_helpers import make_project, open_doc, press, select_needle

    path = make_project(tmp_path / "rtl.annproj", (("ar1", ARABIC),))
    win = open_test_window(qtbot, path)
    try:
        view = win.view
        open_doc(qtbot, win, "ar1")
        select_needle(view, "خليفة حفتر")
        press(qtbot, view, Qt.Key.Key_1)
        select_needle(view, "طرابلس")
        press(qtbot, view, Qt.Key.Key_4)
        select_needle(view, "هاجمت")
        press(qtbot, view, Qt.Key.Key_3)
        view.viewport().repaint()
        width = view.viewport().width()
        block = view.document().begin()
        lines = {}
        while block.isValid():
            if block.text():
                line = block.layout().lineAt(0)
                ends = line.cursorToX(0)[0], line.cursorToX(len(block.text()))[0]
                lines[block.text()[:3]] = (min(ends), max(ends))
            block = block.next()
        assert lines["قال"][1] > width - 40  # flush with the right margin
        assert lines["وأك"][1] > width - 40
        assert lines["An "][0] < 40  # left-to-right paragraphs stay on the left
        win.resize(1366, 768)
        _screenshot(win, "rtl-article.png")
    finally:
        win.close()


def test_escape_closes_the_find_bar_and_label_keys_then_label(qtbot, window) -> None:
    from gui_helpers import db_spans, select_needle

    article = window.article
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert article.find_bar.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is article.find_edit, timeout=2000)
    qtbot.keyClicks(article.find_edit, "Police")
    _focus_key(qtbot, Qt.Key.Key_Escape)
    assert not article.find_bar.isVisible()
    assert QApplication.focusWidget() is window.view
    select_needle(window.view, "Police")
    _focus_key(qtbot, Qt.Key.Key_1)  # a label key labels; it does not type into the search
    assert article.find_edit.text() == "Police"
    assert [s.label for s in db_spans(window)] == ["ACTOR"]


def test_export_dialog_defaults_to_work_stays_open_on_error_and_shows_the_summary(
    qtbot, window, tmp_path: Path, dialogs
) -> None:
    from annotator import services

    ctx = window.context
    with ctx.project.session() as s:
        for doc in doc_repo.get_documents(s):
            services.add_span(s, ctx.project.scheme, doc.id, "tester", 0, 3, "ACTOR")
    window.export_dialog()
    dialog = window.export_options_dialog
    assert dialog.isVisible()
    assert dialog.layer_combo.currentText() == "tester"  # gold is empty: the user's work
    out = tmp_path / "out.jsonl"
    dialog.out_edit.setText(str(out))
    dialog.layer_combo.setCurrentText("gold")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not window.operations.busy, timeout=20_000)
    assert dialog.isVisible() and dialog.out_edit.text() == str(out)  # nothing typed is lost
    assert "no documents" in dialog.error.text()
    dialog.layer_combo.setCurrentText("tester")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not window.operations.busy, timeout=20_000)
    assert not dialog.isVisible()
    kind, title, text = dialogs.shown[-1]
    assert title == "Export finished"
    assert "Exported 3 documents" in text and "Spans: ACTOR 3" in text  # the summary
    assert out.exists()


def _slow_blank_pipeline(delay: float) -> Any:
    """A blank English pipeline that takes ``delay`` seconds per document."""
    import time

    import spacy
    from spacy.language import Language

    name = "test_day_slow"
    if name not in Language.factories:

        @Language.factory(name, default_config={"delay": 0.0})
        def _make(nlp: Any, name: str, delay: float) -> Any:
            def slow(doc: Any) -> Any:
                time.sleep(delay)
                return doc

            return slow

    nlp = spacy.blank("en")
    nlp.add_pipe(name, config={"delay": delay})
    return nlp


def test_preannotation_shows_progress_and_can_be_cancelled(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    from gui_helpers import make_project

    from annotator.suggest import run

    delay = [0.0]
    monkeypatch.setattr(run, "load_or_blank", lambda model: (_slow_blank_pipeline(delay[0]), ""))
    extra = tuple((f"x{i}", f"Article {i} about Tripoli and Benghazi.\n") for i in range(40))
    path = make_project(tmp_path / "many.annproj", extra)
    win = open_test_window(qtbot, path)
    try:
        ops, runner = win.operations, win.context.runner
        seen: list[tuple[int, int]] = []
        labels: list[str] = []

        def on_progress(_id: int, done: int, total: int) -> None:
            seen.append((done, total))
            labels.append(ops.dialog.labelText() if ops.dialog else "")

        runner.progress.connect(on_progress)
        win.preannotate()
        win.learning.preannotate_dialog.accept()  # the default suggestions
        qtbot.waitUntil(lambda: not ops.busy, timeout=30_000)
        # A determinate bar from the start: (0, 43) before the pipeline loads. (A modal
        # progress dialog processes events in setValue, so later reports can arrive nested
        # inside earlier ones: compare in order.)
        assert sorted(seen) == [(i, 43) for i in range(44)]
        assert any("43 of 43 documents" in text for text in labels)
        # Cancel while it runs (50 ms a document): nothing is stored.
        with win.context.project.session() as s:
            before = len(sugg_repo.suggestions_of(s, state=None))
        delay[0] = 0.05

        def cancel_early(_id: int, done: int, total: int) -> None:
            if done >= 2 and ops.handle is not None:
                ops.cancel()

        runner.progress.connect(cancel_early)
        seen.clear()
        win.preannotate()
        win.learning.preannotate_dialog.accept()  # the default suggestions
        qtbot.waitUntil(lambda: not ops.busy, timeout=30_000)
        with win.context.project.session() as s:
            assert len(sugg_repo.suggestions_of(s, state=None)) == before
        assert "cancelled" in win.statusBar().currentMessage()
        assert max(seen) < (43, 43)  # it stopped before the end
    finally:
        win.close()


def _processes_with(arg: str) -> list[int]:
    """Pids of the running processes whose command line mentions ``arg``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if arg in cmdline:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find orphans")
@pytest.mark.parametrize("signame", ["SIGINT", "SIGHUP", "SIGTERM"])
def test_annotator_gui_ends_with_its_terminal(tmp_path: Path, signame: str) -> None:
    import signal
    import subprocess
    import sys
    import time

    from gui_helpers import make_project

    project = make_project(tmp_path / f"signal-{signame}.annproj")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator.cli", "gui", str(project)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    lock = project.with_name(project.name + ".lock")
    try:
        deadline = time.monotonic() + 60
        while not lock.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert lock.exists(), "the window did not start"
        time.sleep(1.0)  # the event loop runs
        proc.send_signal(getattr(signal, signame))
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _processes_with(str(project)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _processes_with(str(project)) == [], "the window was left running"
        assert not lock.exists()  # it closed as Quit does: the lock is released
    finally:
        for pid in _processes_with(str(project)):
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()


def test_the_demo_gives_a_newcomer_an_empty_layer_and_suggestions(qtbot) -> None:
    from annotator.demo import ensure_demo_project

    path = ensure_demo_project("newcomer")
    win = open_test_window(qtbot, path)
    try:
        ctx = win.context
        assert ctx.user == "tester"  # NEWS_ANNOTATOR_USER; the demo was made for "newcomer"
        with ctx.project.session() as s:
            docs = doc_repo.external_ids(s)
            mine = [
                sp
                for d in docs.values()
                for sp in span_repo.spans_of(s, document_id=d, annotator="newcomer")
            ]
            todo = ann_repo.assignments(s, annotator="newcomer")
            pending = sugg_repo.suggestions_of(s)
        assert mine == []  # nothing copied from alice
        assert len(todo) == len(docs) and {a.status for a in todo} == {"todo"}
        assert pending and {g.label for g in pending} <= {
            "ACTOR",
            "CLAIM",
            "EVENT",
            "PLACE",
            "TIME",
        }
        # The first document the window shows has suggestions to try (it opened on the dock
        # strike, which had none), among them a claim with its claimant and an event with roles.
        qtbot.waitUntil(lambda: bool(ctx.doc_state.suggestions()), timeout=5000)
        first = win.documents.model.records()[0].id
        assert ctx.current_doc_id == first
        shown = ctx.doc_state.suggestions()
        heads = {}
        for link, head, _tail in ctx.doc_state.shown_links():
            heads.setdefault(shown[head[1]].label if head[0] == "g" else "", set()).add(link.label)
        assert "claimant" in heads.get("CLAIM", set()), heads
        assert {"agent", "place", "time"} <= heads.get("EVENT", set()), heads
    finally:
        win.close()


def test_dark_mode_keeps_the_undo_icon_visible(qtbot, gui_project) -> None:
    from gui_helpers import press, select_needle

    _suggest(gui_project, "a1", [("p", "Tripoli", "PLACE", {})], [])
    win = open_test_window(qtbot, gui_project)
    try:
        win.theme_dark()
        qtbot.waitUntil(lambda: win.palette().window().color().lightness() < 100, timeout=2000)
        view = win.view
        select_needle(view, "Khalifa Haftar")
        press(qtbot, view, Qt.Key.Key_1)
        select_needle(view, "said")
        press(qtbot, view, Qt.Key.Key_2)
        background = win.palette().window().color().lightness()
        for action_id in ("undo", "redo"):
            image = win.actions_by_id[action_id].icon().pixmap(24).toImage()
            ink = [
                image.pixelColor(x, y)
                for x in range(image.width())
                for y in range(image.height())
                if image.pixelColor(x, y).alpha() > 200
            ]
            assert ink, action_id
            lightness = sum(c.lightness() for c in ink) / len(ink)
            assert lightness - background > 100, (action_id, lightness, background)
        win.resize(1366, 768)
        _screenshot(win, "dark-mode.png")
    finally:
        win.theme_light()
        win.close()


def test_no_stale_missing_links_note_when_nothing_is_selected(qtbot, window) -> None:
    from gui_helpers import press, select_needle

    view = window.view
    select_needle(view, "claimed")
    press(qtbot, view, Qt.Key.Key_2)
    assert window.inspector._relations_label.text() == "Links (missing: claimant)"
    press(qtbot, view, Qt.Key.Key_Escape)
    assert view.selected is None
    assert window.inspector._relations_label.text() == "Links"


def test_category_names_are_shortened_to_their_room() -> None:
    from PySide6.QtGui import QFont, QFontMetrics

    from app.dashboard.plot_card import elide_all

    metrics = QFontMetrics(QFont())
    names = ["ACTOR", "CLAIM", "EVENT"]
    assert elide_all(names, metrics, 500) == names
    short = elide_all(names, metrics, metrics.horizontalAdvance("ACT…"))
    assert all(
        s.endswith("…") and metrics.horizontalAdvance(s) <= metrics.horizontalAdvance("ACT…")
        for s in short
    )


def test_done_with_pending_suggestions_says_how_many_stay_pending(qtbot, tmp_path: Path) -> None:
    from annotator.demo import build_demo_project

    path = build_demo_project(tmp_path / "demo.annproj", "tester")
    win = open_test_window(qtbot, path)
    try:
        ctx = win.context
        qtbot.waitUntil(lambda: bool(ctx.doc_state.suggestions()), timeout=5000)
        first = ctx.current_doc_id
        pending = len(ctx.doc_state.suggestions())
        win.done_and_next()
        qtbot.waitUntil(lambda: ctx.current_doc_id != first, timeout=5000)
        message = win.statusBar().currentMessage()
        assert f"is done with {pending} suggestions not yet accepted or rejected" in message
        # nothing was accepted or rejected behind the user's back
        with ctx.project.session() as s:
            left = [g for g in sugg_repo.suggestions_of(s) if g.document_id == first]
        assert len(left) >= pending
    finally:
        win.close()


def _message_room(win: Any) -> int:
    """The status bar's width left to its temporary message beside the labels shown."""
    bar = win.statusBar()
    shown = [w for w in bar.findChildren(QLabel) if w.isVisible() and w.parent() is bar]
    return bar.width() - sum(w.width() + 6 for w in shown) - 12


@pytest.mark.parametrize("width", [1366, 1100])
def test_a_long_status_message_is_shown_whole(qtbot, tmp_path: Path, width: int) -> None:
    """The reminder after "Done, next" is not cut by the document's counts at the right of the
    status bar: they step aside while it shows, and come back after."""
    from annotator.demo import build_demo_project

    path = build_demo_project(tmp_path / "demo.annproj", "tester")
    win = open_test_window(qtbot, path)
    try:
        win.resize(width, 768)
        ctx = win.context
        qtbot.waitUntil(lambda: bool(ctx.doc_state.suggestions()), timeout=5000)
        first = ctx.current_doc_id
        win.done_and_next()
        qtbot.waitUntil(lambda: ctx.current_doc_id != first and not ctx.runner.busy, timeout=5000)
        qtbot.wait(50)
        bar = win.statusBar()
        message = bar.currentMessage()
        assert "stay pending" in message
        assert bar.fontMetrics().horizontalAdvance(message) <= _message_room(win)
        # shown while the counts were short, then they grew (the next document finished
        # loading after the message)
        bar.clearMessage()
        win._status_counts.setText("")
        bar.showMessage(message, 8000)
        win._update_status()
        qtbot.wait(20)
        assert bar.fontMetrics().horizontalAdvance(message) <= _message_room(win)
        bar.clearMessage()
        qtbot.wait(20)
        assert win._status_counts.isVisible() and win._status_doc.isVisible()
        assert "suggestions" in win._status_counts.text()
    finally:
        win.close()
