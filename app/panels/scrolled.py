"""A dock's panel that scrolls rather than squeezes its wrapped text."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

LEAST_HEIGHT = 240  # px: the most a panel asks of its dock; it scrolls below its own least


class ScrolledPanel(QScrollArea):
    """A dock's panel in a frameless scroll area that gives it the height its wrapped text
    needs: a dock shorter than that scrolls instead of squeezing the panel's labels into each
    other. It is never narrower than the panel (no horizontal scrolling), nor lower than its
    least height (or LEAST_HEIGHT, when that is less)."""

    def __init__(self, panel: QWidget) -> None:
        super().__init__()
        self.setWidget(panel)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the panel's minimum width may have changed: the dock's too
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        panel = self.widget()
        if panel is None:
            return hint
        least = panel.minimumSizeHint()
        width = least.width() + self.verticalScrollBar().sizeHint().width()
        # as tall as the panel's least height, as without the scroll area, up to LEAST_HEIGHT:
        # it scrolls for the rest (wrapped text, a suggestion's many suggested links), which
        # would otherwise make the window taller than a small screen
        height = min(least.height(), LEAST_HEIGHT)
        return QSize(max(hint.width(), width), max(hint.height(), height))
