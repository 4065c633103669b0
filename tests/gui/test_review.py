"""Review mode: the disagreement queue, one-key decisions, unanimous acceptance and undo.

(docs/screenshots/review.png is written by scripts/screenshots.py.)
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.project import Project
from annotator.transfer.importing import import_documents
from annotator.values import DocData, RelationData, SpanData
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import spans as span_repo

pytestmark = pytest.mark.gui

T1 = (
    "Khalifa Haftar said on Monday that his forces attacked the airport in Tripoli.\n\n"
    "Residents described heavy smoke over the city."
)
T2 = "Police arrested three protesters near the main gate on Tuesday."


def _span(text: str, needle: str, label: str, sid: str, **attrs: str) -> SpanData:
    start = text.index(needle)
    return SpanData(sid, start, start + len(needle), label, attrs)


def _d1(stance: str, time: bool = True, place: str = "Tripoli", about: bool = False) -> DocData:
    spans = [
        _span(T1, "Khalifa Haftar", "ACTOR", "s1", type="person"),
        _span(T1, "said", "CLAIM", "s2", form="reported", stance=stance),
        _span(T1, "attacked", "EVENT", "s3", type="attack", status="occurred"),
        _span(T1, place, "PLACE", "s4"),
    ]
    if time:
        spans.append(_span(T1, "Monday", "TIME", "s5"))
    relations = [RelationData("r1", "claimant", "s2", "s1")]
    if about:
        relations.append(RelationData("r2", "about", "s2", "s3"))
    return DocData(
        "d1", T1, {"title": "Haftar says forces attacked airport"}, tuple(spans), tuple(relations)
    )


def _d2(label: str) -> DocData:
    attrs = {"type": "arrest", "status": "occurred"} if label == "EVENT" else {}
    start = T2.index("arrested")
    return DocData(
        "d2",
        T2,
        {"title": "Protesters arrested"},
        (
            _span(T2, "Police", "ACTOR", "s1", type="other"),
            SpanData("s2", start, start + len("arrested"), label, attrs),
        ),
    )


def build_review_project(path: Path | str) -> Project:
    """d1 by alice, bob and carol (a missing TIME, a stance, PLACE boundaries, an "about"
    relation only alice drew); d2 by alice and bob (EVENT against PLACE on the same word)."""
    project = Project.create(path, "news")
    import_documents(
        project, [_d1("neutral", about=True), _d2("EVENT")], layer="alice", origin="test"
    )
    import_documents(
        project, [_d1("support", time=False), _d2("PLACE")], layer="bob", origin="test"
    )
    import_documents(
        project, [_d1("neutral", place="the airport in Tripoli")], layer="carol", origin="test"
    )
    return project


@pytest.fixture
def context(new_location: Callable[[str], str]) -> Iterator[object]:
    """The reviewer's context on each engine in turn (a file, a database on the test server)."""
    from app.context import AppContext

    project = build_review_project(new_location("review.annproj"))
    ctx = AppContext(project, "rita")
    yield ctx
    ctx.runner.shutdown()
    project.close()


@pytest.fixture
def panel(qtbot, context):
    from app.review.panel import ReviewPanel

    widget = ReviewPanel(context)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    with qtbot.waitSignal(widget.loaded, timeout=20_000):
        widget.show()
    return widget


def _doc_ids(context) -> dict[str, int]:
    with context.project.session() as s:
        return doc_repo.external_ids(s)


def _gold(context, ext: str) -> set[tuple[int, int, str]]:
    with context.project.session() as s:
        return {
            (sp.start, sp.end, sp.label)
            for sp in span_repo.spans_of(s, document_id=_doc_ids(context)[ext], annotator="gold")
        }


def _select_kind(panel, kind: str) -> int:
    for i, row in enumerate(panel.model.rows()):
        if row.item.kind == kind:
            panel._select(i)
            return i
    raise AssertionError(f"no {kind} item in {[r.item.kind for r in panel.model.rows()]}")


def _events(context, action: str = "adjudicate") -> list:
    with context.project.session() as s:
        return event_repo.events(s, action=action)


def test_queue_lists_every_kind_across_documents(qtbot, qtmodeltester, panel, context) -> None:
    qtmodeltester.check(panel.model)
    kinds = sorted(r.item.kind for r in panel.model.rows())
    assert kinds == ["attribute", "boundaries", "label", "missing", "relation"]
    assert {r.doc_id for r in panel.model.rows()} == set(_doc_ids(context).values())
    assert "5</b> open" in panel.counts.text()
    _select_kind(panel, "attribute")
    assert panel.lanes.lane_names() == ["alice", "bob", "carol", "gold"]
    headers = [lane.header.text() for lane in panel.lanes.lanes[:3]]
    assert "stance = neutral" in headers[0] and "stance = support" in headers[1]
    # Every lane shows the same passage with that layer's spans.
    texts = {lane.text.toPlainText() for lane in panel.lanes.lanes[:3]}
    assert len(texts) == 1 and texts.pop().startswith("Khalifa Haftar said")
    assert len(panel.lanes.lanes[0].spans) == 5 and len(panel.lanes.lanes[1].spans) == 4
    _select_kind(panel, "label")
    assert panel.lanes.lane_names() == ["alice", "bob", "gold"]
    tip = panel.model.data(
        panel.model.index(panel.table.currentIndex().row(), 0), Qt.ItemDataRole.ToolTipRole
    )
    assert "alice: EVENT" in tip and "bob: PLACE" in tip
    _select_kind(panel, "relation")
    headers = [lane.header.text() for lane in panel.lanes.lanes[:4]]
    assert "about" in headers[0] and "(no relation)" in headers[1]
    assert "(no relation)" in headers[3]  # gold


def test_a_relation_item_draws_its_relation_where_a_version_has_it(qtbot, panel) -> None:
    """The "about" relation only alice drew is an arrow under her lane's text, from the
    claim's middle to the event's, with its label; bob's and gold's lanes draw none."""
    from PySide6.QtGui import QColor

    from app.review.lanes import LINK_COLOUR

    _select_kind(panel, "relation")
    alice, bob = panel.lanes.lanes[0], panel.lanes.lanes[1]
    assert alice.text.link is not None and alice.text.link.label == "about"
    assert bob.text.link is None and panel.lanes.lanes[3].text.link is None
    start, end = alice.text.link_points()
    assert start.x() < end.x()  # "said" comes before "attacked"
    qtbot.wait(10)
    y = int(start.y()) + 6  # under the text line, inside the room the lane keeps for the arrow
    assert y < alice.text.viewport().height()
    orange = QColor(LINK_COLOUR)

    def near(c: QColor) -> bool:
        return abs(c.red() - orange.red()) + abs(c.green() - orange.green()) < 90

    def drawn(lane) -> bool:
        picture = lane.text.viewport().grab().toImage()
        return any(near(picture.pixelColor(x, y)) for x in range(picture.width()))

    assert drawn(alice) and not drawn(bob)


def test_accept_a_relation_copies_its_spans_and_the_relation(qtbot, panel, context) -> None:
    _select_kind(panel, "relation")
    with qtbot.waitSignal(panel.settled, timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_1)  # alice drew "about"
    d1 = _doc_ids(context)["d1"]
    with context.project.session() as s:
        gold = {sp.id: sp for sp in span_repo.spans_of(s, document_id=d1, annotator="gold")}
        rels = span_repo.relations_of_spans(s, list(gold))
    about = [r for r in rels if r.label == "about"]
    assert len(about) == 1
    assert gold[about[0].head_id].label == "CLAIM" and gold[about[0].tail_id].label == "EVENT"
    context.undo_stack.undo()
    with context.project.session() as s:
        assert span_repo.spans_of(s, document_id=d1, annotator="gold") == []


def test_accept_a_version_by_key_then_undo_and_redo(qtbot, panel, context) -> None:
    row = _select_kind(panel, "label")
    key = panel.model.row(row).key
    start = T2.index("arrested")
    with qtbot.waitSignal(panel.settled, timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_1)  # alice: EVENT
    assert (start, start + 8, "EVENT") in _gold(context, "d2")
    (event,) = _events(context)
    assert event.actor == "rita" and event.after["choice"] == "alice"
    assert event.after["key"] == key
    decided = panel.model.row(panel.model.row_of(key))
    assert decided.state == "decided" and decided.choice == "alice"
    assert panel.current_row().pending and panel.current_key() != key  # moved on
    assert context.undo_stack.count() == 1

    context.undo_stack.undo()  # what Ctrl+Z does in the window
    assert (start, start + 8, "EVENT") not in _gold(context, "d2")
    assert panel.model.row(panel.model.row_of(key)).state == "open"
    context.undo_stack.redo()
    assert (start, start + 8, "EVENT") in _gold(context, "d2")
    assert panel.model.row(panel.model.row_of(key)).state == "decided"


def test_the_same_decision_again_writes_nothing_and_adds_no_undo_step(
    qtbot, panel, context
) -> None:
    row = _select_kind(panel, "label")
    key = panel.model.row(row).key
    with qtbot.waitSignal(panel.settled, timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_1)  # alice: EVENT
    panel._select(panel.model.row_of(key))
    qtbot.keyClick(panel.table, Qt.Key.Key_1)  # the same version again
    qtbot.wait(50)
    assert context.undo_stack.count() == 1 and len(_events(context)) == 1
    assert panel.current_key() == key  # it stays: nothing was decided
    assert "Already decided" in panel.status.text()


def test_second_version_and_reject_all(qtbot, panel, context) -> None:
    _select_kind(panel, "label")
    with qtbot.waitSignal(panel.settled, timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_2)  # bob: PLACE
    start = T2.index("arrested")
    assert _gold(context, "d2") == {(start, start + 8, "PLACE")}
    _select_kind(panel, "missing")  # TIME "Monday": alice and carol, not bob
    with qtbot.waitSignal(panel.settled, timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_X)
    monday = T1.index("Monday")
    assert (monday, monday + 6, "TIME") not in _gold(context, "d1")
    choices = [e.after["choice"] for e in _events(context)]
    assert choices == ["bob", "reject"]
    missing = next(r for r in panel.model.rows() if r.item.kind == "missing")
    assert missing.state == "decided" and missing.choice == "reject"
    qtbot.keyClick(panel.table, Qt.Key.Key_7)  # no seventh version: refused, nothing written
    assert "press 1–" in panel.status.text()
    assert len(_events(context)) == 2
    # G keeps gold as it is (e.g. after fixing it by hand with E): logged, gold unchanged.
    _select_kind(panel, "boundaries")
    before = _gold(context, "d1")
    with qtbot.waitSignal(panel.settled, timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_G)
    assert _gold(context, "d1") == before
    assert [e.after["choice"] for e in _events(context)][-1] == "keep"


def test_fast_keys_queue_decisions_without_waiting(qtbot, panel, context) -> None:
    panel._select(0)
    first, second = panel.model.row(0), panel.model.row(1)
    assert first.pending and second.pending
    with qtbot.waitSignals([panel.settled, panel.settled], timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_X)
        # The first decision is still being written: shown as deciding, the cursor moved on.
        assert panel.model.row(0).state in ("deciding", "decided")
        assert panel.current_key() == second.key
        qtbot.keyClick(panel.table, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: not context.runner.busy, timeout=20_000)
    assert [e.after["key"] for e in _events(context)] == [first.key, second.key]
    assert panel.model.counts()["decided"] == 2 and context.undo_stack.count() == 2


def test_accept_unanimous_in_one_document_and_undo(qtbot, panel, context) -> None:
    _select_kind(panel, "attribute")  # in d1
    with qtbot.waitSignal(panel.settled, timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_U)
    gold = _gold(context, "d1")
    haftar, said = T1.index("Khalifa Haftar"), T1.index("said")
    assert (haftar, haftar + 14, "ACTOR") in gold and (said, said + 4, "CLAIM") in gold
    attacked = T1.index("attacked")
    assert (attacked, attacked + 8, "EVENT") in gold
    assert not any(lab == "TIME" or lab == "PLACE" for _s, _e, lab in gold)  # disputed
    assert _gold(context, "d2") == set()  # other documents untouched
    with context.project.session() as s:
        rels = span_repo.relations_of_spans(
            s,
            [
                sp.id
                for sp in span_repo.spans_of(
                    s, document_id=_doc_ids(context)["d1"], annotator="gold"
                )
            ],
        )
    assert [r.label for r in rels] == ["claimant"]
    assert "Accepted unanimous" in panel.status.text()
    context.undo_stack.undo()
    assert _gold(context, "d1") == set()


def test_accept_unanimous_in_the_whole_corpus(qtbot, panel, context) -> None:
    with qtbot.waitSignal(panel.settled, timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_U, Qt.KeyboardModifier.ShiftModifier)
    police = T2.index("Police")
    assert (police, police + 6, "ACTOR") in _gold(context, "d2")
    assert len(_gold(context, "d1")) == 3
    assert context.undo_stack.count() == 1
    with qtbot.waitSignal(panel.loaded, timeout=20_000):
        context.undo_stack.undo()
    assert _gold(context, "d1") == set() and _gold(context, "d2") == set()


def test_accept_unanimous_says_what_it_did_not_copy(qtbot, panel, context) -> None:
    from storage.repository import annotators_assignments as ann_repo

    gate = T2.index("main gate")
    with context.project.session() as s:  # alice and bob agree on a label the scheme lacks
        for name in ("alice", "bob"):
            row = {"document_id": _doc_ids(context)["d2"], "start": gate, "end": gate + 9}
            ann = ann_repo.ensure_annotator(s, name)
            span_repo.insert_spans(s, [{**row, "annotator_id": ann, "label": "BOGUS"}])
    with qtbot.waitSignal(panel.settled, timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_U, Qt.KeyboardModifier.ShiftModifier)
    assert all(lab != "BOGUS" for _s, _e, lab in _gold(context, "d2"))
    assert (
        f"Not copied, against the scheme: d2: span [{gate}, {gate + 9}) BOGUS: unknown label "
        in panel.status.text()
    )


def test_keys_move_between_open_items_and_e_opens_the_document(qtbot, panel, context) -> None:
    panel._select(0)
    assert panel.table.currentIndex().row() == 0
    qtbot.keyClick(panel.table, Qt.Key.Key_J)
    assert panel.table.currentIndex().row() == 1
    qtbot.keyClick(panel.table, Qt.Key.Key_K)
    assert panel.table.currentIndex().row() == 0
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)  # arrows move too
    assert panel.table.currentIndex().row() == 1
    row = panel.current_row()
    with qtbot.waitSignal(context.open_document_requested, timeout=2000) as blocker:
        qtbot.keyClick(panel.table, Qt.Key.Key_E)
    doc_id, span_id = blocker.args
    assert doc_id == row.doc_id and span_id > 0
    with context.project.session() as s:
        span = span_repo.get_span(s, span_id)
    assert span is not None and span.document_id == doc_id
    assert span.start < row.item.end and row.item.start < span.end


def test_decided_items_come_back_flagged_when_their_inputs_change(qtbot, panel, context) -> None:
    from annotator.services import update_span

    _select_kind(panel, "attribute")
    with qtbot.waitSignal(panel.settled, timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_1)  # alice: stance neutral
    assert panel.model.counts()["decided"] == 1
    with qtbot.waitSignal(panel.loaded, timeout=20_000):
        panel.reload()
    attribute = next(r for r in panel.model.rows() if r.item.kind == "attribute")
    assert attribute.state == "decided"  # decisions survive a reload
    # Newer work from bob lands (as a re-merge would): his stance changes to oppose.
    d1 = _doc_ids(context)["d1"]
    with context.project.session() as s:
        said = next(
            sp
            for sp in span_repo.spans_of(s, document_id=d1, annotator="bob")
            if sp.label == "CLAIM"
        )
        update_span(
            s,
            context.project.scheme,
            said.id,
            "bob",
            attrs={"form": "reported", "stance": "oppose"},
        )
    with qtbot.waitSignal(panel.loaded, timeout=20_000):
        context.document_changed.emit(d1)
    attribute = next(r for r in panel.model.rows() if r.item.kind == "attribute")
    assert attribute.state == "changed"
    assert "1</b> changed" in panel.counts.text()


def test_the_window_opens_review_and_dashboard_tabs(qtbot, window) -> None:
    from app.dashboard.panel import DashboardPanel
    from app.review.panel import ReviewPanel

    with qtbot.waitSignal(window.context.runner.finished, timeout=20_000):
        window.show_review()
    review = window.tabs.currentWidget()
    assert isinstance(review, ReviewPanel)
    qtbot.waitUntil(lambda: "0</b> open" in review.counts.text(), timeout=20_000)
    window.show_dashboard()
    dashboard = window.tabs.currentWidget()
    assert isinstance(dashboard, DashboardPanel)
    qtbot.waitUntil(lambda: dashboard.data is not None, timeout=20_000)
    assert dashboard.data.documents == 3 and dashboard.data.annotators == ()  # no spans yet


def test_review_fits_a_1366_screen_beside_the_docks(qtbot, tmp_path) -> None:
    """At 1366×768 the counts take at most two lines, the "Where" column is in view (not
    scrolled off to the right), and the notes say "1 document", not "1 documents"."""
    from gui_helpers import open_test_window
    from PySide6.QtWidgets import QScrollArea

    from app.review.panel import ReviewPanel

    path = tmp_path / "review.annproj"
    build_review_project(path).close()
    win = open_test_window(qtbot, path)
    try:
        win.resize(1366, 768)
        with qtbot.waitSignal(win.context.runner.finished, timeout=20_000):
            win.show_review()
        review = win.tabs.currentWidget()
        assert isinstance(review, ReviewPanel)
        qtbot.waitUntil(lambda: review.model.rowCount() > 0, timeout=20_000)
        qtbot.wait(50)
        assert "disagreements in 2 documents" in review.counts.text()
        line = review.counts.fontMetrics().lineSpacing()
        assert review.counts.height() <= 2 * line + 4, "the counts wrap into many lines"
        table = review.table
        where_right = table.columnViewportPosition(2) + table.columnWidth(2)
        assert table.columnWidth(2) >= 150 and where_right <= table.viewport().width()
        # three annotators' lanes and gold, gold whole without scrolling
        scroll = review.lanes.findChild(QScrollArea)
        gold = [lane for lane in review.lanes.lanes if lane.isVisible()][-1]
        assert gold.name == "gold"
        bottom = gold.mapTo(scroll.viewport(), gold.rect().bottomLeft()).y()
        assert bottom < scroll.viewport().height(), "the gold lane is cut off"
        _select_kind(review, "attribute")  # in d1 only
        with qtbot.waitSignal(review.settled, timeout=20_000):
            qtbot.keyClick(review.table, Qt.Key.Key_U)
        assert "in 1 document." in review.status.text()
        assert "1 documents" not in review.status.text()
    finally:
        win.close()


def test_two_quick_decisions_move_on_past_both(qtbot, panel, context) -> None:
    """The re-read after the first decision lands while the second is still being written:
    the selection stays where the second decision moved it, not on the item just decided."""
    panel._select(0)
    first = panel.current_key()
    with qtbot.waitSignal(panel.settled, timeout=20_000):
        qtbot.keyClick(panel.table, Qt.Key.Key_1)
    second = panel.current_key()
    assert second != first and panel.current_row().pending
    with qtbot.waitSignal(panel.loaded, timeout=20_000):  # the re-read of the first decision
        qtbot.keyClick(panel.table, Qt.Key.Key_1)
    assert panel.current_key() not in (first, second)
    assert panel.current_row().pending
