"""Selecting an item far from the shown part of a long article (Tab, the inspector, an
accepted suggestion) scrolls it into view whole, with the gap above its line where its link
arcs and their names are drawn: not at the bottom edge (where the view, shortened by the header
rewrapping for the inspector, hid it), nor with its arcs above the top."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui_helpers import first_event, open_doc, open_test_window
from PySide6.QtGui import QTextCursor
from test_link_drawing import TEXT, _project

pytestmark = pytest.mark.gui

FILLER = "".join(
    f"Paragraph {i} of the background, a sentence long enough to wrap in a narrow view.\n"
    for i in range(60)
)
LONG = FILLER + TEXT + FILLER


def _fully_shown(view: Any, key: Any) -> tuple[bool, str]:
    item = view.highlighter.item(key)
    cursor = QTextCursor(view.document())
    cursor.setPosition(item.start)
    first = view.cursorRect(cursor)
    cursor.setPosition(item.end)
    last = view.cursorRect(cursor)
    height = view.viewport().height()
    boxes = [shape.box for shape in view.link_geometry()]
    ok = (
        first.top() - view.line_gap >= 0
        and last.bottom() <= height - view.line_gap  # not at the edge: a line to spare
        and all(0 <= b.top() and b.bottom() <= height for b in boxes)
    )
    return ok, f"item {first.top()}..{last.bottom()}, names {boxes}, viewport {height}"


@pytest.mark.parametrize("size", [(1366, 768), (1024, 640)])
def test_a_selected_item_is_shown_with_its_links(
    qtbot: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    window = open_test_window(qtbot, _project(tmp_path / "long.annproj", LONG))
    try:
        window.resize(*size)
        open_doc(qtbot, window, "awarded")
        view = window.view
        qtbot.wait(50)
        event = first_event(window)
        # from the top of the article (below the view) ...
        view.select_span(event)
        qtbot.wait(50)
        ok, why = _fully_shown(view, ("s", event))
        assert ok, "from above: " + why
        # ... and from its end (above the view)
        bar = view.verticalScrollBar()
        bar.setValue(bar.maximum())
        view.select_item(None)
        view.select_span(event)
        qtbot.wait(50)
        ok, why = _fully_shown(view, ("s", event))
        assert ok, "from below: " + why
        # an item already in view does not move the text
        value = bar.value()
        view.select_item(next(k for k in view.ordered_items() if k != ("s", event)))
        view.select_span(event)
        assert bar.value() == value
    finally:
        window.close()


def test_the_selected_item_keeps_its_place_when_the_view_narrows(
    qtbot: Any, tmp_path: Path
) -> None:
    """Selecting a suggestion widens the inspector, so the article view narrows and the text
    above the item rewraps into more lines: the item, just scrolled into view, slid down by
    them, out of the view at 1024×640. On a change of width the selected item stays where it
    was in the view."""
    window = open_test_window(qtbot, _project(tmp_path / "long.annproj", LONG))
    try:
        window.resize(1024, 640)
        open_doc(qtbot, window, "awarded")
        view = window.view
        event = first_event(window)
        view.select_span(event)
        qtbot.wait(50)
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.highlighter.item(("s", event)).start)
        before = view.cursorRect(cursor).top()
        view.resize(view.width() - 60, view.height())
        qtbot.wait(50)
        assert abs(view.cursorRect(cursor).top() - before) <= 1
        ok, why = _fully_shown(view, ("s", event))
        assert ok, why
    finally:
        window.close()
