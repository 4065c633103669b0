"""Noticing that another program wrote a file project (``annotator import``, ``merge``,
``preannotate`` beside an open window) and offering to reload it.

A ``QFileSystemWatcher`` watches the project file and its write-ahead log (SQLite writes go to
``<file>-wal`` first; the folder is watched so a log that appears is watched too). The window's
own writes touch the same files, so a change counts as another program's only when the window
itself was quiet: no task running and no edit, undo or task for ``QUIET_S`` seconds before it
was noticed. The status bar then offers "Reload"; nothing is reloaded without the reader's
click (or F5), and not while a link is being drawn or the window's work is still being written.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

if TYPE_CHECKING:
    from app.main_window import MainWindow

QUIET_S = 2.0  # seconds without own work before a change of the file is another program's
SETTLE_MS = 700  # a burst of writes (a whole import) is one change


class FileWatch(QObject):
    offered = Signal()  # the reload offer is shown

    def __init__(self, window: MainWindow, path: Path, settle_ms: int = SETTLE_MS) -> None:
        super().__init__(window)
        self.window = window
        self.path = Path(path).resolve()
        self.files = [str(self.path), f"{self.path}-wal"]
        self.watcher = QFileSystemWatcher(self)
        self.watcher.addPath(str(self.path.parent))
        self._watch_files()
        self.watcher.fileChanged.connect(self._touched)
        self.watcher.directoryChanged.connect(self._folder_changed)
        self._own = time.monotonic()
        ctx = window.context
        ctx.undo_stack.indexChanged.connect(self._mark_own)
        ctx.runner.started.connect(self._mark_own)
        ctx.runner.finished.connect(self._mark_own)
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(settle_ms)
        self.settle.timeout.connect(self._check)
        self.bar = QWidget()
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Another program changed the project."))
        self.reload_button = QPushButton("Reload (F5)")
        self.reload_button.clicked.connect(self.reload)
        row.addWidget(self.reload_button)
        window.statusBar().addPermanentWidget(self.bar)
        self.bar.hide()

    @property
    def offering(self) -> bool:
        return not self.bar.isHidden()

    def reload(self) -> None:
        """Reload now, unless the window is in the middle of something."""
        ctx = self.window.context
        if self.window.view.linking:
            self.window.statusBar().showMessage("Finish or cancel the link first (Esc).", 6000)
            return
        if ctx.runner.busy:
            self.window.statusBar().showMessage("Still writing; reload in a moment.", 6000)
            return
        self.window.reload_project()  # dismisses the offer

    def dismiss(self) -> None:
        self.bar.hide()

    # ---------------------------------------------------------------- internals

    def _mark_own(self, *_args: object) -> None:
        self._own = time.monotonic()

    def _watch_files(self) -> None:
        watched = set(self.watcher.files())
        for name in self.files:
            if name not in watched and Path(name).exists():
                self.watcher.addPath(name)

    def _folder_changed(self, _folder: str) -> None:
        self._watch_files()  # the log appeared (or came back)

    def _touched(self, _name: str) -> None:
        self._watch_files()  # a file that was replaced is watched again
        if self._quiet_since() < QUIET_S or self.window.context.runner.busy:
            return  # the window's own write
        self.settle.start()

    def _quiet_since(self) -> float:
        return time.monotonic() - self._own

    def _check(self) -> None:
        if self.window.context.runner.busy or self._quiet_since() < QUIET_S:
            return
        if not self.offering:
            self.bar.show()
            self.offered.emit()
