"""Review lanes and queue: a span nested in another of its label stands out in the lanes, and
the State column shows who an item was decided for without cutting the name's end off."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtGui import QFontMetrics, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QStyleOptionViewItem

from annotator.team.disagreements import Disagreement, SpanView
from annotator.values import DocData, SpanData
from app.review.data import CHANGED, ReviewDoc, ReviewRow

pytestmark = pytest.mark.gui

TEXT = "The leader of the Libyan National Army, Khalifa Haftar, spoke on Monday."
OUTER = "The leader of the Libyan National Army, Khalifa Haftar"
INNER = "the Libyan National Army"
COLOURS = {"ACTOR": "#4477aa", "TIME": "#aa3377"}


def _view(needle: str, label: str = "ACTOR") -> SpanView:
    start = TEXT.index(needle)
    return SpanView(start, start + len(needle), label)


def _row_and_doc() -> tuple[ReviewRow, ReviewDoc]:
    inner = _view(INNER)
    spans = tuple(
        SpanData(f"s{i}", v.start, v.end, v.label)
        for i, v in enumerate((_view(OUTER), inner, _view("Monday", "TIME")))
    )
    alice = DocData("d1", TEXT, {}, spans)
    bob = DocData("d1", TEXT, {}, spans[:1] + spans[2:])
    item = Disagreement(
        1,
        "d1",
        "missing",
        inner.start,
        inner.end,
        "k1",
        {"alice": (inner,), "bob": ()},
        False,
        "h",
        label="ACTOR",
    )
    doc = ReviewDoc(1, "d1", "Haftar", TEXT, {"alice": alice, "bob": bob}, None)
    return ReviewRow(item, "open"), doc


def _format_at(lane: Any, needle: str) -> QTextCharFormat:
    cursor = QTextCursor(lane.text.document())
    cursor.setPosition(TEXT.index(needle) + 1)
    return cursor.charFormat()


@pytest.mark.parametrize("lane_index", [0, 1])  # alice's version is drawn strong, bob's not
def test_a_span_nested_in_one_of_its_label_stands_out(qtbot: Any, lane_index: int) -> None:
    from app.review.lanes import LanesView

    row, doc = _row_and_doc()
    view = LanesView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    view.show_item(row, doc, COLOURS)
    lane = view.lanes[lane_index]
    outer = _format_at(lane, "leader")  # only in the outer span
    inner = _format_at(lane, "Libyan")  # in both
    if lane_index == 1:  # bob has only the outer span: the same look throughout
        assert inner.background().color() == outer.background().color()
        return
    assert inner.background().color().alphaF() > outer.background().color().alphaF() + 0.1
    assert inner.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert outer.underlineStyle() != QTextCharFormat.UnderlineStyle.WaveUnderline
    assert "inside ACTOR" in inner.toolTip()
    # a span of another label is not "nested": Monday keeps the plain look
    assert _format_at(lane, "Monday").underlineStyle() != (
        QTextCharFormat.UnderlineStyle.WaveUnderline
    )


LONG = "alexandra.kowalski"


def _state_text(panel: Any, row: int) -> tuple[str, int, QFontMetrics]:
    """The State cell's text as drawn, the room the cell gives it and its font's metrics."""
    table = panel.table
    index = panel.model.index(row, 4)
    option = QStyleOptionViewItem()
    option.initFrom(table)
    option.rect = table.visualRect(index)
    table.itemDelegateForColumn(4).initStyleOption(option, index)
    return option.text, option.rect.width(), QFontMetrics(option.font)


@pytest.mark.parametrize("width", [1200, 700])
def test_the_state_column_keeps_a_long_annotator_name_readable(
    qtbot: Any, tmp_path: Any, width: int
) -> None:
    from app.context import AppContext
    from app.review.panel import ReviewPanel
    from tests.gui.test_review import build_review_project

    project = build_review_project(tmp_path / "review.annproj")
    context = AppContext(project, "rita")
    try:
        panel = ReviewPanel(context)
        qtbot.addWidget(panel)
        panel.resize(width, 700)
        with qtbot.waitSignal(panel.loaded, timeout=20_000):
            panel.show()
        rows = panel.model.rows()
        rows[0] = replace(rows[0], state=CHANGED, choice=LONG)
        docs = {r.doc_id: panel.model.document(r.doc_id) for r in rows}
        panel.model.set_data(rows, docs)
        qtbot.wait(20)
        text, room, metrics = _state_text(panel, 0)
        assert metrics.horizontalAdvance(text) <= room - 6, (text, room)
        assert text.startswith("changed since ")
        assert LONG[:2] in text and text.endswith(LONG[-2:]), text  # both ends of the name
        if width >= 1200:  # room enough: the whole name, the column sized to it
            assert text == f"changed since {LONG}"
    finally:
        context.runner.shutdown()
        project.close()
