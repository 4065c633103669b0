"""A one-line label that never widens its window: a text longer than the space it has ends in
"…", and the whole text is its tooltip."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextLayout,
    QTextOption,
)
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


def fit_lines(text: str, font: QFont, width: int, max_lines: int) -> str:
    """``text`` as it wraps at ``width`` pixels in ``font``, cut with "…" at the end of line
    ``max_lines`` when it needs more lines (the text itself when it fits or no width is
    known yet)."""
    if width <= 0 or not text:
        return text
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    starts: list[int] = []
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append(line.textStart())
        if len(starts) > max_lines:
            break
    layout.endLayout()
    if len(starts) <= max_lines:
        return text
    head, rest = text[: starts[max_lines - 1]], text[starts[max_lines - 1] :]
    last = QFontMetrics(font).elidedText(rest, Qt.TextElideMode.ElideRight, width)
    return head + last


class TitleLabel(QLabel):
    """A headline wrapped on at most ``max_lines`` lines: a longer one is cut with "…" (the
    whole text is its tooltip), so a long title on a small screen cannot take the room of the
    text under it. ``full_text()`` is the whole title."""

    MAX_WORD_CHARS = 20

    def __init__(self, max_lines: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._max_lines = max_lines
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._fit()
        self.updateGeometry()  # its least width follows the title's longest word

    def full_text(self) -> str:
        return self._full

    def minimumSizeHint(self) -> QSize:
        """As narrow as the title's longest word (as a wrapped label of the whole title), at
        most ``MAX_WORD_CHARS`` average characters: the article keeps the width it had."""
        hint = super().minimumSizeHint()
        fm = self.fontMetrics()
        longest = max((fm.horizontalAdvance(w) for w in self._full.split()), default=0)
        cap = fm.averageCharWidth() * self.MAX_WORD_CHARS
        margins = self.contentsMargins()
        width = min(longest, cap) + margins.left() + margins.right() + 2 * self.margin()
        return QSize(max(hint.width(), width), hint.height())

    def heightForWidth(self, width: int) -> int:
        """The height of the title as it would be shown at ``width``: at most ``max_lines``."""
        margins = self.contentsMargins()
        inner = width - margins.left() - margins.right() - 2 * self.margin()
        shown = fit_lines(self._full, self.font(), inner, self._max_lines)
        rect = self.fontMetrics().boundingRect(
            0, 0, max(inner, 1), 100_000, int(Qt.TextFlag.TextWordWrap), shown
        )
        return rect.height() + margins.top() + margins.bottom() + 2 * self.margin()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width() - 2 * self.margin() - max(self.indent(), 0)
        shown = fit_lines(self._full, self.font(), width, self._max_lines)
        if shown != self.text():
            self.setText(shown)
        self.setToolTip(self._full if shown != self._full else "")
