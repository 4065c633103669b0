"""Start-up measurement (bench/bench_startup.py): report the first paint, then quit.

Enabled by the environment variable NEWS_ANNOTATOR_BENCH_STARTUP; prints one JSON line per
milestone on stdout: the first paint of the window, then "ready" when the document list is
filled and a document is shown.
"""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from app.main_window import MainWindow


class StartupProbe(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.painted = False
        window.installEventFilter(self)
        window.update()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check_ready)
        self._timer.start(5)

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if not self.painted and event.type() == QEvent.Type.Paint:
            self.painted = True
            self._emit("painted")
        return False

    def _emit(self, what: str) -> None:
        print(
            json.dumps(
                {
                    "event": what,
                    "time": time.time(),
                    "spacy": "spacy" in sys.modules,
                    "pyqtgraph": "pyqtgraph" in sys.modules,
                }
            ),
            flush=True,
        )

    def _check_ready(self) -> None:
        w = self.window
        ready = (
            self.painted
            and getattr(w, "context", None) is not None
            and w.context.doc_state.content is not None
            and w.documents.model.rowCount() > 0
        )
        if ready:
            self._timer.stop()
            self._emit("ready")
            QTimer.singleShot(0, w.close)
            QTimer.singleShot(0, QApplication.quit)
