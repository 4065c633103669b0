"""A project file (or folder) the user cannot write opens read-only in the app, without the
"open in another window or on another computer" question, and an edit is refused with a
message instead of failing on the database."""

from __future__ import annotations

import pytest
from gui_helpers import db_spans, open_doc, open_test_window, press, select_needle
from PySide6.QtCore import Qt

from app import launcher
from storage import db as storage_db

pytestmark = pytest.mark.gui


def test_read_only_file_opens_read_only(qtbot, gui_project, dialogs, monkeypatch) -> None:
    monkeypatch.setattr(launcher, "writable", lambda path: False)
    monkeypatch.setattr(storage_db, "writable", lambda path: False)
    window = open_test_window(qtbot, gui_project)
    try:
        assert window.context.read_only
        assert "(read-only)" in window.windowTitle()
        assert not any("another computer" in text for _k, _t, text in dialogs.shown)
        open_doc(qtbot, window, "a1")
        messages: list[str] = []
        window.view.message.connect(messages.append)
        select_needle(window.view, "Tripoli")
        press(qtbot, window.view, Qt.Key.Key_4)
        assert db_spans(window) == []
        assert messages and "read-only" in messages[-1]
    finally:
        window.close()
