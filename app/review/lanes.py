"""Aligned lanes: the same passage once per annotator (and once for gold), each with that
layer's spans in their label colours. Every lane uses the same font and width, so the text wraps
identically and a span sits at the same place in every lane."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.offsets import Utf16Index
from annotator.values import DocData
from annotator.vocabulary import Layer
from app.review.data import KIND_TITLES, ReviewDoc, ReviewRow, describe_version

CONTEXT = 320  # code points of context at most on each side of the item
LINK_ROOM = 16  # pixels under the text for a relation's arrow and its label
LINK_COLOUR = "#d55e00"  # the arrow of a relation item (the queue's "changed" colour)


@dataclass(frozen=True, slots=True)
class Excerpt:
    start: int  # code points in the document
    end: int
    text: str
    prefix: str  # "…" when cut
    suffix: str


class ExcerptPositions:
    """Document offsets as UTF-16 positions of an excerpt's shown text (with its "…"), which
    every lane of an item shows."""

    def __init__(self, ex: Excerpt) -> None:
        self.ex = ex
        self.shown = f"{ex.prefix}{ex.text}{ex.suffix}"
        self.index = Utf16Index(self.shown)
        self.shift = len(ex.prefix) - ex.start

    def of(self, a: int, b: int) -> tuple[int, int] | None:
        """``[a, b)`` cut to the excerpt, as positions in the shown text; None when nothing
        of it is shown."""
        a, b = max(a, self.ex.start), min(b, self.ex.end)
        if b <= a:
            return None
        return self.index.to_utf16(a + self.shift), self.index.to_utf16(b + self.shift)


def excerpt(text: str, start: int, end: int, context: int = CONTEXT) -> Excerpt:
    """The paragraph around ``[start, end)``, cut at a space when it is long."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo = text.rfind("\n", 0, start) + 1
    if start - lo > context:
        cut = text.find(" ", start - context, start)
        lo = cut + 1 if cut >= 0 else start - context
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    if hi - end > context:
        cut = text.rfind(" ", end, end + context)
        hi = cut if cut > end else end + context
    prefix = "…" if lo > 0 and text[lo - 1] != "\n" else ""
    suffix = "…" if hi < len(text) and text[hi] != "\n" else ""
    return Excerpt(lo, hi, text[lo:hi], prefix, suffix)


def item_region(row: ReviewRow) -> tuple[int, int]:
    item = row.item
    if item.kind == "relation" and item.head and item.tail:
        return min(item.head[0], item.tail[0]), max(item.head[1], item.tail[1])
    return item.start, item.end


def chosen_keys(row: ReviewRow, value: object) -> set[tuple[int, int, str]]:
    """The spans a version consists of (to draw them stronger than the rest)."""
    item = row.item
    if item.kind in ("missing", "label", "boundaries") and isinstance(value, tuple):
        return {(v.start, v.end, v.label) for v in value}
    if item.kind == "attribute" and item.label:
        return {(item.start, item.end, item.label)}
    if item.kind == "relation" and item.head and item.tail and value:
        return {item.head, item.tail}
    return set()


@dataclass(frozen=True, slots=True)
class LaneLink:
    """A relation drawn in a lane: head and tail as UTF-16 positions of the lane's text."""

    head: tuple[int, int]
    tail: tuple[int, int]
    label: str


class LaneText(QTextEdit):
    """A lane's text; with a :class:`LaneLink`, the relation is drawn as an arrow from the
    middle of its head to the middle of its tail, under the text, with its label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link: LaneLink | None = None

    def set_link(self, link: LaneLink | None) -> None:
        self.link = link
        self.viewport().update()

    def link_points(self) -> tuple[QPointF, QPointF] | None:
        """Where the arrow starts and ends (under the middle of head and tail), in viewport
        coordinates; None without a link."""
        if self.link is None:
            return None

        def under(rng: tuple[int, int]) -> QPointF:
            cursor = QTextCursor(self.document())
            cursor.setPosition(rng[0])
            first = self.cursorRect(cursor)
            cursor.setPosition(rng[1])
            last = self.cursorRect(cursor)
            if last.top() != first.top():  # wrapped: under the part on the first line
                return QPointF(first.left() + 6, first.bottom())
            return QPointF((first.left() + last.left()) / 2, first.bottom())

        return under(self.link.head), under(self.link.tail)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        points = self.link_points()
        if points is None or self.link is None:
            return
        start, end = points
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(LINK_COLOUR)
        painter.setPen(QPen(colour, 1.6))
        low = max(start.y(), end.y()) + LINK_ROOM - 4
        path = QPainterPath(start)
        path.cubicTo(QPointF(start.x(), low), QPointF(end.x(), low), end)
        painter.drawPath(path)
        head = QPolygonF(
            [end, QPointF(end.x() - 4, end.y() + 7), QPointF(end.x() + 4, end.y() + 7)]
        )
        painter.setBrush(colour)
        painter.drawPolygon(head)
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.75))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        middle = path.pointAtPercent(0.5)
        box = metrics.boundingRect(self.link.label).adjusted(-3, 0, 3, 0)
        box.moveCenter(middle.toPoint())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().base())
        painter.drawRect(box)
        painter.setPen(colour)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.link.label)
        painter.end()


class Lane(QFrame):
    """One layer's view of the passage: a header line and the highlighted text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.header = QLabel(self)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.text = LaneText(self)
        self.text.setReadOnly(True)
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.text.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(1)
        layout.addWidget(self.header)
        layout.addWidget(self.text)
        self.name = ""
        self.spans: list[tuple[int, int, str]] = []  # drawn spans, document offsets

    def fit_height(self) -> None:
        doc = self.text.document()
        doc.setTextWidth(self.text.viewport().width())
        frame = self.text.frameWidth() * 2
        room = LINK_ROOM if self.text.link is not None else 0
        self.text.setFixedHeight(int(doc.size().height()) + frame + 2 + room)


class LanesView(QWidget):
    """Shows one queue item: a lane per annotator of its document, then gold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self._body = QWidget()
        self._lanes_layout = QVBoxLayout(self._body)
        self._lanes_layout.setContentsMargins(4, 4, 4, 4)
        self._lanes_layout.setSpacing(6)
        self._lanes_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        self.lanes: list[Lane] = []
        self.text_font = QFont(self.font())
        self.text_font.setPointSizeF(self.font().pointSizeF() * 1.1)
        self.show_item(None, None, {})

    def _lane(self, i: int) -> Lane:
        while len(self.lanes) <= i:
            lane = Lane(self._body)
            lane.text.setFont(self.text_font)
            self._lanes_layout.insertWidget(self._lanes_layout.count() - 1, lane)
            self.lanes.append(lane)
        return self.lanes[i]

    def show_item(
        self,
        row: ReviewRow | None,
        doc: ReviewDoc | None,
        colours: Mapping[str, str],
        hint: str = "No disagreement selected.",
    ) -> None:
        """Draw ``row`` of ``doc`` (or ``hint``)."""
        if row is None or doc is None:
            self.title.setText(f"<i>{escape(hint)}</i>")
            for lane in self.lanes:
                lane.hide()
            return
        item = row.item
        start, end = item_region(row)
        ex = excerpt(doc.text, start, end)
        where = ExcerptPositions(ex)
        state = {
            "open": "open",
            "changed": "<b style='color:#d55e00'>changed since "
            f"decided ({escape(str(row.choice))})</b>",
            "decided": f"decided: {escape(str(row.choice))}",
            "deciding": f"deciding: {escape(str(row.choice))}…",
        }.get(row.state, row.state)
        legend = " ".join(
            f"<span style='background-color:{c}; color:{_ink(c)}'>&nbsp;{escape(n)}&nbsp;</span>"
            for n, c in colours.items()
        )
        self.title.setText(
            f"<b>{escape(KIND_TITLES.get(item.kind, item.kind))}</b> in "
            f"<b>{escape(doc.title)}</b> ({escape(doc.external_id)}, characters "
            f"{start}–{end}) · {state}<br>{legend}"
        )
        lanes: list[tuple[str, str, DocData | None, object]] = []
        for i, (name, value) in enumerate(item.versions.items(), start=1):
            lanes.append(
                (name, f"<b>{i}</b>&nbsp;&nbsp;{escape(name)}", doc.layers.get(name), value)
            )
        lanes.append((Layer.GOLD, "<b>G</b>&nbsp;&nbsp;gold (now)", doc.gold, item.gold))
        for i, (name, head, layer, value) in enumerate(lanes):
            lane = self._lane(i)
            lane.show()
            described = escape(describe_version(item, value, doc.text))
            mark = " ✓" if row.choice == name and row.state != "open" else ""
            lane.header.setText(f"{head} — {described}{mark}")
            self._link(lane, row, value, where)
            self._draw(lane, name, where, layer, (start, end), chosen_keys(row, value), colours)
        for lane in self.lanes[len(lanes) :]:
            lane.hide()

    def _draw(
        self,
        lane: Lane,
        name: str,
        where: ExcerptPositions,
        layer: DocData | None,
        region: tuple[int, int],
        strong: set[tuple[int, int, str]],
        colours: Mapping[str, str],
    ) -> None:
        lane.name = name
        lane.text.setPlainText(where.shown)

        def select(cursor: QTextCursor, a: int, b: int) -> bool:
            shown = where.of(a, b)
            if shown is None:
                return False
            cursor.setPosition(shown[0])
            cursor.setPosition(shown[1], QTextCursor.MoveMode.KeepAnchor)
            return True

        cursor = QTextCursor(lane.text.document())
        spans = sorted(layer.spans if layer else (), key=lambda s: s.start - s.end)
        shown = [sp for sp in spans if where.of(sp.start, sp.end) is not None]
        lane.spans = []
        for sp in shown:  # longest first, so nested spans paint over their parents
            select(cursor, sp.start, sp.end)
            lane.spans.append((sp.start, sp.end, sp.label))
            # the spans of its label it lies inside: each level is darker and a nested span
            # has a wavy underline, so it stands out from the span around it
            outer = [
                o
                for o in shown
                if o.label == sp.label
                and o.start <= sp.start
                and sp.end <= o.end
                and (o.start, o.end) != (sp.start, sp.end)
            ]
            full = QColor(colours.get(sp.label, "#888888"))
            colour = QColor(full)
            is_strong = (sp.start, sp.end, sp.label) in strong
            colour.setAlphaF(1 - (1 - (0.55 if is_strong else 0.22)) ** (len(outer) + 1))
            fmt = QTextCharFormat()
            fmt.setBackground(colour)
            tip = f"{sp.label} [{sp.start}–{sp.end}]"
            if outer:
                inside = min(outer, key=lambda o: o.end - o.start)
                tip += f", inside {inside.label} [{inside.start}–{inside.end}]"
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(full)
            elif is_strong:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(full)
            fmt.setToolTip(tip)
            cursor.mergeCharFormat(fmt)
        if select(cursor, *region):
            fmt = QTextCharFormat()
            fmt.setFontWeight(QFont.Weight.Bold)
            cursor.mergeCharFormat(fmt)
        lane.fit_height()

    def _link(self, lane: Lane, row: ReviewRow, value: object, where: ExcerptPositions) -> None:
        """The relation of a relation item, for a lane whose version has it (its labels)."""
        item = row.item
        labels = value if isinstance(value, tuple) else ()
        link = None
        if item.kind == "relation" and item.head and item.tail and labels:
            head, tail = where.of(*item.head[:2]), where.of(*item.tail[:2])
            if head is not None and tail is not None:
                link = LaneLink(head, tail, ", ".join(str(x) for x in labels))
        lane.text.set_link(link)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        for lane in self.lanes:
            if lane.isVisible():
                lane.fit_height()

    def lane_names(self) -> Sequence[str]:
        return [lane.name for lane in self.lanes if not lane.isHidden()]


def _ink(colour: str) -> str:
    """Black or white, whichever reads better on ``colour``."""
    c = QColor(colour)
    luminance = 0.299 * c.redF() + 0.587 * c.greenF() + 0.114 * c.blueF()
    return "#000000" if luminance > 0.55 else "#ffffff"
