"""The shortcut sheet (F1): every description readable in full, the review view's keys listed
from the one key table and handled by the review view."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QFontMetrics, QKeyEvent, QKeySequence

pytestmark = pytest.mark.gui


def _keys(text: str) -> list[str]:
    """The key sequences a sheet entry names: "J / K" -> J, K; "1 … 9" -> 1..9."""
    out: list[str] = []
    for part in text.split(" / "):
        if "…" in part:
            first, last = (p.strip() for p in part.split("…"))
            out += [str(n) for n in range(int(first), int(last) + 1)]
        else:
            out.append(part.strip())
    return out


@pytest.mark.parametrize("size", [(900, 640), (640, 480)])
def test_every_description_is_shown_whole(qtbot, size: tuple[int, int]) -> None:
    from app.shortcut_sheet import ShortcutSheet

    sheet = ShortcutSheet()
    qtbot.addWidget(sheet)
    sheet.resize(*size)
    sheet.show()
    qtbot.waitExposed(sheet)
    table = sheet.table
    qtbot.wait(50)
    for row in range(table.rowCount()):
        keys, what = table.item(row, 1), table.item(row, 2)
        bold = QFontMetrics(keys.font())
        assert bold.horizontalAdvance(keys.text()) + 8 <= table.columnWidth(1), keys.text()
        metrics = QFontMetrics(what.font() if what.font() else table.font())
        room = QRect(0, 0, table.columnWidth(2) - 10, 10_000)
        needed = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, what.text()).height()
        assert needed <= table.rowHeight(row), (what.text(), needed, table.rowHeight(row))
    # The description column fits the view: nothing is cut at the right edge.
    header = table.horizontalHeader()
    assert header.sectionPosition(2) + header.sectionSize(2) <= table.viewport().width()


def test_the_review_keys_are_listed_and_are_the_review_views_keys() -> None:
    from app.actions import REVIEW_KEYS, shortcut_rows
    from app.review import keys as review_keys

    rows = shortcut_rows()
    listed = [(keys, what) for group, keys, what in rows if group == "Review"]
    assert listed == [(k.keys, k.what) for k in REVIEW_KEYS] and len(listed) >= 7
    named: set[tuple[int, Qt.KeyboardModifier]] = set()
    for entry in (k.keys for k in REVIEW_KEYS):
        for text in _keys(entry):
            combo = QKeySequence(text)[0]
            if combo.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier:
                continue  # undo / redo: the window's shortcuts, not the review view's keys
            event = QKeyEvent(QEvent.Type.KeyPress, combo.key(), combo.keyboardModifiers())
            assert review_keys.handles(event), text
            named.add((combo.key(), combo.keyboardModifiers()))
    # ... and every key the review view acts on is on the sheet.
    for key in [*review_keys.DIGITS, *review_keys.LETTERS]:
        assert (key, Qt.KeyboardModifier.NoModifier) in named, key
    assert (Qt.Key.Key_U, Qt.KeyboardModifier.ShiftModifier) in named
