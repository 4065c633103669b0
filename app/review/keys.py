"""The reviewer's one-key commands, as an event filter on the queue and the lanes.

Keys are claimed in ``ShortcutOverride`` so that no window shortcut with the same key fires
while the review panel has focus; they then arrive as ordinary key presses.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent

from app.actions import REVIEW_KEYS

KEY_HELP = " · ".join(f"<b>{key.keys}</b> {key.short}" for key in REVIEW_KEYS)
DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
LETTERS = {Qt.Key.Key_X, Qt.Key.Key_G, Qt.Key.Key_E, Qt.Key.Key_J, Qt.Key.Key_K, Qt.Key.Key_U}


class Reviewer(Protocol):
    def accept_version(self, number: int) -> None: ...
    def reject_all(self) -> None: ...
    def keep_gold(self) -> None: ...
    def edit_current(self) -> None: ...
    def move_to_pending(self, step: int) -> None: ...
    def accept_unanimous_document(self) -> None: ...
    def accept_unanimous_corpus(self) -> None: ...


def handles(event: QKeyEvent) -> bool:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    key = event.key()
    if mods == Qt.KeyboardModifier.NoModifier:
        return key in DIGITS or key in LETTERS
    return mods == Qt.KeyboardModifier.ShiftModifier and key == Qt.Key.Key_U


def dispatch(reviewer: Reviewer, event: QKeyEvent) -> None:
    key = event.key()
    if key in DIGITS:
        reviewer.accept_version(DIGITS[key])
    elif key == Qt.Key.Key_X:
        reviewer.reject_all()
    elif key == Qt.Key.Key_G:
        reviewer.keep_gold()
    elif key == Qt.Key.Key_E:
        reviewer.edit_current()
    elif key in (Qt.Key.Key_J, Qt.Key.Key_K):
        reviewer.move_to_pending(1 if key == Qt.Key.Key_J else -1)
    elif key == Qt.Key.Key_U:
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            reviewer.accept_unanimous_corpus()
        else:
            reviewer.accept_unanimous_document()


class ReviewKeys(QObject):
    """Install on the widgets that have focus in review mode."""

    def __init__(self, reviewer: Reviewer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reviewer = reviewer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (
            kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and isinstance(event, QKeyEvent)
            and handles(event)
        ):
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # the key is ours, not a window shortcut's
            else:
                dispatch(self._reviewer, event)
            return True
        return super().eventFilter(watched, event)
