"""A one-line label that never widens its window: a text longer than the space it has ends in
"…", and the whole text is its tooltip."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ELLIPSIS = "…"


class ElidedLabel(QLabel):
    """Plain text on one line, cut with "…" at the right when it does not fit. Its minimum width
    is ``min_chars`` average characters, so a long title, URL or quoted span cannot become the
    minimum width of a dock or of the window. ``text()`` is the whole text; ``shown_text()`` what
    is painted. ``detail`` is a tooltip shown below the whole text (alone when nothing is cut)."""

    def __init__(self, text: str = "", parent: QWidget | None = None, min_chars: int = 12) -> None:
        super().__init__(parent)
        self._min_chars = min_chars
        self._detail = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(" ".join(text.split("\n")))
        self._update_tip()

    def set_detail(self, detail: str) -> None:
        self._detail = detail
        self._update_tip()

    def shown_text(self) -> str:
        width = max(0, self.contentsRect().width() - 2 * self.margin())
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def is_elided(self) -> bool:
        return self.shown_text() != self.text()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        fm = self.fontMetrics()
        width = fm.averageCharWidth() * self._min_chars + fm.horizontalAdvance(ELLIPSIS)
        margins = self.contentsMargins()
        return QSize(min(hint.width(), width + margins.left() + margins.right()), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tip()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect().adjusted(self.margin(), 0, -self.margin(), 0)
        self.style().drawItemText(
            painter,
            rect,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )

    def _update_tip(self) -> None:
        full = self.text() if self.is_elided() else ""
        self.setToolTip("\n".join(t for t in (full, self._detail) if t))
