"""The article's room in the main window.

Qt gives a narrowing window's loss to the central widget first: the side panels keep their
widths and the article shrinks to its minimum (about 300 of 1024 px). ``ArticleRoom`` watches the
window and, when the article falls below a reader's width, takes the difference from the side
panels (each column in proportion to what it can give, never below its minimum); when the window
widens again the panels get back what they gave before the article gets more. A large window
is left as it is. It also hides and shows the side panels at once ("Article only").
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow

READER_SHARE = 0.5  # of the window's width: what the article keeps while the panels can give
READER_WIDTH = 640  # pixels: past this the article takes nothing from the panels
SIDES = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)


def article_wants(window_width: int) -> int:
    """The article's width a window of ``window_width`` pixels takes from its side panels."""
    return min(round(window_width * READER_SHARE), READER_WIDTH)


def share_out(amount: int, room: list[int]) -> list[int]:
    """``amount`` split over columns in proportion to ``room`` (each at most its room), whole
    pixels summing to ``min(amount, sum(room))``."""
    total = sum(room)
    amount = min(max(amount, 0), total)
    if amount == 0:
        return [0] * len(room)
    parts = [r * amount // total for r in room]
    for i in sorted(range(len(room)), key=lambda i: room[i] - parts[i], reverse=True):
        if sum(parts) == amount:
            break
        if parts[i] < room[i]:
            parts[i] += 1
    return parts


class ArticleRoom(QObject):
    """Keeps the article of ``window`` at least ``article_wants`` wide while its side panels
    can give (see the module's docstring)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        # each side column's width before the window narrowed (what it gets back on widening)
        self.wish: dict[Qt.DockWidgetArea, int] = {}
        self._hidden: list[QDockWidget] = []  # the panels "Article only" hid
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)  # after the window's own layout of the new size
        self._timer.timeout.connect(self.fit)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # An event filter sees the resize before the window's layout does: the columns still
        # have the widths of the old size. They are what the panels get back on widening,
        # unless an earlier narrowing's widths are still owed.
        if watched is self.window and event.type() == QEvent.Type.Resize:
            widths = {area: w for area, _d, w, _l in self._columns()}
            if all(w >= self.wish.get(area, 0) for area, w in widths.items()):
                self.wish = widths
            self._timer.start()
        return False

    def forget(self) -> None:
        """The columns were laid out anew (a first layout): nothing is owed to them."""
        self.wish = {}

    def _columns(self) -> list[tuple[Qt.DockWidgetArea, QDockWidget, int, int]]:
        """Each side column holding a docked, visible panel: its area, one of its panels, its
        width and its minimum width."""
        out = []
        for area in SIDES:
            docks = [
                d
                for d in self.window.findChildren(QDockWidget)
                if self.window.dockWidgetArea(d) == area and d.isVisible() and not d.isFloating()
            ]
            if docks:
                least = max(max(d.minimumSizeHint().width(), d.minimumWidth()) for d in docks)
                out.append((area, docks[0], max(d.width() for d in docks), least))
        return out

    def fit(self) -> None:
        """Give the article its width from the side columns, or give them back their own."""
        central = self.window.centralWidget()
        columns = self._columns()
        if central is None or not columns:
            return
        have, want = central.width(), article_wants(self.window.width())
        if have < want:
            take = share_out(want - have, [max(w - least, 0) for _a, _d, w, least in columns])
            widths = [w - t for (_a, _d, w, _l), t in zip(columns, take, strict=True)]
        elif have > want:
            owed = [max(self.wish.get(area, 0) - w, 0) for area, _d, w, _l in columns]
            back = share_out(have - want, owed)
            widths = [w + b for (_a, _d, w, _l), b in zip(columns, back, strict=True)]
        else:
            return
        if widths != [w for _a, _d, w, _l in columns]:
            self.window.resizeDocks(
                [dock for _a, dock, _w, _l in columns], widths, Qt.Orientation.Horizontal
            )

    # ------------------------------------------------------------ "Article only"

    def article_only(self) -> bool:
        return bool(self._hidden)

    def set_article_only(self, on: bool) -> None:
        """Hide every visible side panel (on), or show again the ones hidden so."""
        if on and not self._hidden:
            self._hidden = [d for d in self.window.findChildren(QDockWidget) if d.isVisible()]
            for dock in self._hidden:
                dock.hide()
        elif not on:
            hidden, self._hidden = self._hidden, []
            for dock in hidden:
                dock.show()
