"""Where the article view draws its link lines: geometry in viewport coordinates, no widget.

A link runs between two items through the room the view keeps between lines of text, never
across a line: between items on one line, an arc in the gap above it; between an item and one
on a line below, from the bottom of the upper one through the gap under its line (and, when
lines of text lie between, down the left margin and along the gap above the lower one's line)
to the top of the lower one. The arrow points at the argument, up when it is the upper one.
A link's name goes in a box on its run through the gap next to the link's head, where it
covers no other name (and, if it can, no arrow head); cut with "…" where the room is short,
and left out (the inspector and the tooltip name every link) where there is none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFontMetricsF, QPainterPath

from app.panels.highlighter import Key


@dataclass(frozen=True, slots=True)
class DrawnLink:
    """A link line drawn in the text: from ``head`` to ``tail`` (article view item keys);
    ``suggested`` for a pending suggested relation (dashed), whose id ``id`` is then a
    suggested relation's, else a relation's."""

    label: str
    head: Key
    tail: Key
    suggested: bool
    id: int


@dataclass(frozen=True, slots=True)
class Ends:
    """Where a link meets an item: ``top`` just above its first line (over the middle of the
    item's part of it) and ``bottom`` just below its last line (under its part of that)."""

    top: QPointF
    bottom: QPointF


@dataclass(frozen=True, slots=True)
class LinkShape:
    """How a drawn link looks in the viewport: its path, where it starts (at the head), the
    arrow's tip at the argument (pointing ``up`` when the argument is on a line above), and
    its name ``text`` in ``box`` (an empty text and box when there was no room for it).
    ``lane`` is the middle height of the gap its name goes in, ``run`` the x range of the
    path in that gap."""

    link: DrawnLink
    path: QPainterPath
    start: QPointF
    tip: QPointF
    text: str
    box: QRectF
    up: bool = False
    lane: float = 0.0
    run: tuple[float, float] = (0.0, 0.0)


def _rounded(points: list[QPointF], radius: float = 8.0) -> QPainterPath:
    """A path through ``points`` (each turn a right angle) with rounded corners."""
    path = QPainterPath(points[0])
    for prev, corner, nxt in zip(points, points[1:], points[2:], strict=False):

        def towards(p: QPointF, q: QPointF) -> QPointF:
            dx, dy = q.x() - p.x(), q.y() - p.y()
            length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
            r = min(radius, length / 2)
            return QPointF(p.x() + dx / length * r, p.y() + dy / length * r)

        path.lineTo(towards(corner, prev))
        path.quadTo(corner, towards(corner, nxt))
    path.lineTo(points[-1])
    return path


def route(
    link: DrawnLink,
    head: Ends,
    tail: Ends,
    gap: float,
    text_between: Callable[[float, float], bool],
    margin_x: float,
) -> LinkShape:
    """The path of ``link`` from ``head`` to ``tail`` through the room between lines (see the
    module's docstring). ``gap`` is the room the view keeps between lines; ``text_between(y0,
    y1)`` tells whether a line of text lies between those heights; ``margin_x`` is an x in
    the left margin. The links drawn (all of them from or to the selected item) share their
    runs where they overlap, as branches of one line."""
    text = f"{link.label}?" if link.suggested else link.label
    a, b = head.top, tail.top
    if abs(a.y() - b.y()) < 2:  # one line: an arc in the gap above it
        rise = gap * (0.5 + 0.4 * min(abs(b.x() - a.x()) / 600, 1.0))
        peak = a.y() - rise
        turn = min(abs(b.x() - a.x()) / 2, 14.0) * (1 if b.x() >= a.x() else -1)
        path = QPainterPath(a)
        path.quadTo(QPointF(a.x(), peak), QPointF(a.x() + turn, peak))
        path.lineTo(QPointF(b.x() - turn, peak))
        path.quadTo(QPointF(b.x(), peak), b)
        run = (min(a.x(), b.x()), max(a.x(), b.x()))
        return LinkShape(link, path, a, b, text, QRectF(), False, a.y() - 1 - gap / 2, run)
    head_above = a.y() < b.y()
    upper, lower = (head, tail) if head_above else (tail, head)
    start, end = upper.bottom, lower.top
    if end.y() <= start.y() + 2:
        # the upper item ends on the lower one's line: an arc above that line, from the
        # upper item's part of it
        joined = Ends(QPointF(start.x(), end.y()), start)
        ends = (joined, lower) if head_above else (lower, joined)
        return route(link, *ends, gap, text_between, margin_x)
    below_upper = start.y() + gap / 2  # the middle of the gap under the upper item's line
    above_lower = end.y() - gap / 2  # ... and of the gap over the lower item's line
    if not text_between(start.y() + 2, end.y() - 2):  # adjacent lines (or blank ones between)
        lane = (start.y() + end.y()) / 2
        points = [start, QPointF(start.x(), lane), QPointF(end.x(), lane), end]
        run = (min(start.x(), end.x()), max(start.x(), end.x()))
    else:  # lines of text between: down the left margin
        y0, y1, x = below_upper, above_lower, margin_x
        points = [
            start,
            QPointF(start.x(), y0),
            QPointF(x, y0),
            QPointF(x, y1),
            QPointF(end.x(), y1),
            end,
        ]
        # the name beside the head: in the gap under the upper item, or over the lower one
        lane = below_upper if head_above else above_lower
        run = (x, start.x()) if head_above else (x, end.x())
    if abs(points[1].x() - points[2].x()) < 1:  # straight down: no corners
        points = [points[0], points[-1]]
    path = _rounded(points if head_above else points[::-1])
    tip = end if head_above else start
    origin = start if head_above else end
    return LinkShape(link, path, origin, tip, text, QRectF(), not head_above, lane, run)


# Where on its run a link's name may go, best first: the middle, then further out each way.
NAME_POSITIONS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82, 0.1, 0.9, 0.02, 0.98)


def elisions(text: str) -> list[str]:
    """``text`` and ever shorter cuts of it ending in "…" (a suggestion's "?" kept), down to
    its first letter."""
    mark = "?" if text.endswith("?") else ""
    word = text[: -len(mark)] if mark else text
    return [text] + [word[:n] + "…" + mark for n in range(len(word) - 2, 0, -1)]


def arrow_box(point: QPointF, up: bool) -> QRectF:
    """The room an arrow head (or an arc's start) takes at ``point``."""
    return QRectF(point.x() - 6, point.y() - (1 if up else 9), 12, 10)


def place_names(shapes: list[LinkShape], metrics: QFontMetricsF, width: int) -> list[LinkShape]:
    """Give each link's name a box in its lane (the gap its run goes through), on its run,
    covering no other name: at the middle of the run when that is free, else at the free
    point nearest to it, if possible clear of the arrow heads and the links' starts (shorter
    links, which have less room, choose first); cut shorter ("…") when no point is free, and
    left out when not even its first letter finds room."""
    ends = [arrow_box(s.tip, s.up) for s in shapes]
    ends += [arrow_box(s.start, s.start.y() > s.tip.y()) for s in shapes]
    placed: list[QRectF] = []
    out: dict[int, LinkShape] = {}
    height = metrics.height()
    order = sorted(range(len(shapes)), key=lambda i: shapes[i].path.length())
    for i in order:
        shape = shapes[i]
        x0, x1 = shape.run

        def free(box: QRectF) -> bool:
            grown = box.adjusted(-1, -1, 1, 1)
            return not any(grown.intersects(other) for other in placed)

        def clear(box: QRectF) -> bool:
            return free(box) and not any(box.intersects(end) for end in ends)

        found: tuple[str, QRectF] | None = None
        for text in elisions(shape.text):
            w = metrics.horizontalAdvance(text) + 6
            boxes = []
            for t in NAME_POSITIONS:
                x = x0 + (x1 - x0) * t - w / 2
                x = min(max(x, 0.0), max(width - w, 0.0))
                boxes.append(QRectF(x, shape.lane - height / 2, w, height))
            box = next((b for b in boxes if clear(b)), None) or next(
                (b for b in boxes if free(b)), None
            )
            if box is not None:
                found = (text, box)
                break
        if found is None:
            out[i] = replace(shape, text="", box=QRectF())
            continue
        placed.append(found[1])
        out[i] = replace(shape, text=found[0], box=found[1])
    return [out[i] for i in range(len(shapes))]
