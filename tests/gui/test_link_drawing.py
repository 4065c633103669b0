"""The link lines drawn in the text: each link's name stays readable (no name box covers
another's; cut with "…" where the room is short), whatever the order and place of the
arguments, and neither the links nor their names cover a line of text (the view keeps a gap
between lines for them: a link to another line runs through it, or down the margin)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui_helpers import first_event, open_doc, open_test_window
from PySide6.QtCore import QPointF, QRectF

from annotator.project import Project
from annotator.transfer.importing import import_documents
from annotator.values import DocData, RelationData, SpanData

pytestmark = pytest.mark.gui

# The shape of a real news sentence (GUM, "awarded"): an event whose target and time sit left
# of it, close together, and whose place is further right on the next line.
TEXT = (
    "A group of Afghan teenagers was awarded a silver medal on Tuesday in the FIRST Global "
    "Challenge Robot Olympics in the Daughters of the American Revolution Constitution Hall "
    "in Washington D.C. on a warm evening, before hundreds of guests from many countries.\n"
)


def _span(
    sid: str, needle: str, label: str, attrs: dict[str, str] | None = None, text: str = TEXT
) -> SpanData:
    start = text.index(needle)
    return SpanData(sid, start, start + len(needle), label, attrs or {})


def _project(path: Path, text: str = TEXT) -> Path:
    spans = (
        _span("e", "awarded", "EVENT", {"type": "other"}, text),
        _span("t", "A group of Afghan teenagers", "ACTOR", {"type": "organisation"}, text),
        _span("w", "Tuesday", "TIME", text=text),
        _span(
            "p", "the Daughters of the American Revolution Constitution Hall", "PLACE", text=text
        ),
        _span("g", "hundreds of guests", "ACTOR", {"type": "person"}, text),
    )
    relations = (
        RelationData("r1", "target", "e", "t"),
        RelationData("r2", "time", "e", "w"),
        RelationData("r3", "place", "e", "p"),
        RelationData("r4", "agent", "e", "g"),
    )
    doc = DocData("awarded", text, {"title": "Robotics"}, spans, relations, layer="tester")
    with Project.create(path, "news") as project:
        import_documents(project, [doc], layer="tester", origin="test")
    return path


def _overlaps(boxes: list[Any]) -> list[tuple[str, str]]:
    out = []
    for i, (a_text, a) in enumerate(boxes):
        for b_text, b in boxes[i + 1 :]:
            if a.intersects(b):
                out.append((a_text, b_text))
    return out


@pytest.mark.parametrize("width", [1300, 1000])
def test_link_names_never_cover_each_other(qtbot: Any, tmp_path: Path, width: int) -> None:
    window = open_test_window(qtbot, _project(tmp_path / "links.annproj"))
    try:
        window.resize(width, 800)
        open_doc(qtbot, window, "awarded")
        view = window.view
        event = first_event(window)
        view.select_span(event)
        qtbot.wait(50)
        shapes = view.link_geometry()
        assert sorted(s.text for s in shapes) == ["agent", "place", "target", "time"]
        boxes = [(s.text, s.box) for s in shapes]
        assert _overlaps(boxes) == []
        # each name still sits on its own arc (the arc runs through its box)
        for shape in shapes:
            box = shape.box.adjusted(-1, -1, 1, 1)
            assert any(box.contains(shape.path.pointAtPercent(t / 100)) for t in range(101)), (
                shape.text
            )
        # and inside the view
        area = view.viewport().rect()
        for shape in shapes:
            assert shape.box.top() >= 0 and shape.box.right() <= area.right() + 1, shape.text
    finally:
        window.close()


# The same sentence after a paragraph of two lines or more: the event and its arguments sit on
# lines with text above them, and the target starts a line of its own.
LATER = (
    "Afghan robotics teams have travelled far this year to compete abroad, and their coaches "
    "say the girls trained for months in Herat despite power cuts and shortages of parts.\n" + TEXT
)


def _glyph_lines(view: Any) -> list[QRectF]:
    """The glyph rectangle of every line of text in the article (viewport coordinates)."""
    doc = view.document()
    shift = QPointF(-view.horizontalScrollBar().value(), -view.verticalScrollBar().value())
    rects = []
    block = doc.begin()
    while block.isValid():
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            words = block.text()[line.textStart() : line.textStart() + line.textLength()]
            if words.strip():
                rects.append(line.naturalTextRect().translated(layout.position() + shift))
        block = block.next()
    return rects


def _crossings(view: Any, shapes: list[Any]) -> list[tuple[str, str]]:
    """Where a link's path or name covers a line of text: each (name, what), ``what`` being
    "path" or "name". A line's glyphs are its rectangle less 3 px at the top and bottom (a
    path starts and ends just above or below its items' lines)."""
    cores = [r.adjusted(0, 3, 0, -3) for r in _glyph_lines(view)]
    out = []
    for shape in shapes:
        points = [shape.path.pointAtPercent(t / 400) for t in range(401)]
        if any(core.contains(p) for core in cores for p in points):
            out.append((shape.link.label, "path"))
        if shape.text and any(shape.box.intersects(core) for core in cores):
            out.append((shape.link.label, "name"))
    return out


@pytest.mark.parametrize(("width", "points"), [(1300, 0), (1000, 0), (1300, 16)])
def test_links_never_cover_the_line_above(
    qtbot: Any, tmp_path: Path, width: int, points: int
) -> None:
    """Neither a link nor its name covers a line of text: a link to the line below ran down
    across its own line's text, a link to the line above up across that line's."""
    window = open_test_window(qtbot, _project(tmp_path / "later.annproj", LATER))
    try:
        window.resize(width, 800)
        if points:
            window.view.set_font_size(points)
        open_doc(qtbot, window, "awarded")
        view = window.view
        event = first_event(window)
        view.select_span(event)
        qtbot.wait(50)
        shapes = view.link_geometry()
        assert sorted(s.text for s in shapes) == ["agent", "place", "target", "time"]
        lines = _glyph_lines(view)
        assert len(lines) >= 4
        tops = {round(min(s.start.y(), s.tip.y())) for s in shapes}
        assert len(tops) > 1  # some arguments are on other lines than the event
        assert _crossings(view, shapes) == []
        assert _overlaps([(s.text, s.box) for s in shapes]) == []
    finally:
        window.close()


# A claim whose suggested claimant is on the line above, and another whose claimant is
# several lines up (lines of text between): the link must not cross any of them.
CLAIMS = (
    "Noman Benotman, a Libyan analyst who has followed the conflict for years from London, "
    "told reporters on Monday evening that the Presidential Council in Tripoli had lost "
    "control of most of the armed groups that once backed it, and that the talks had failed "
    "before they began. Diplomats in Tunis said privately that they feared the worst.\n"
)


@pytest.mark.parametrize("width", [1300, 1000, 800])
def test_suggested_claimant_links_cross_no_text(qtbot: Any, tmp_path: Path, width: int) -> None:
    from gui_helpers import make_project, suggest

    path = make_project(tmp_path / "claims.annproj", (("claims", CLAIMS),))
    suggest(
        path,
        "claims",
        [
            ("k", "Noman Benotman", "ACTOR", {"type": "person"}),
            ("c", "the talks had failed before they began", "CLAIM", {"form": "reported"}),
            ("d", "Diplomats in Tunis", "ACTOR", {"type": "person"}),
            ("f", "they feared the worst", "CLAIM", {"form": "reported"}),
            ("p", "the Presidential Council in Tripoli had lost control", "CLAIM", {}),
        ],
        [("claimant", "c", "k"), ("claimant", "f", "d"), ("claimant", "p", "k")],
    )
    window = open_test_window(qtbot, path)
    try:
        window.resize(width, 800)
        open_doc(qtbot, window, "claims")
        view = window.view
        state = window.context.doc_state
        for sid, sug in state.suggestions().items():
            if sug.label != "CLAIM":
                continue
            view.select_item(("g", sid))
            qtbot.wait(20)
            (shape,) = view.link_geometry()
            assert shape.text == "claimant?", shape.text
            assert _crossings(view, [shape]) == [], (width, shape.box)
            assert shape.up == (shape.tip.y() < shape.start.y())
        # the claimant itself: both claims' links start at it, neither crosses text
        start = CLAIMS.index("Noman Benotman")
        (actor,) = [k for k, g in state.suggestions().items() if g.start == start]
        view.select_item(("g", actor))
        qtbot.wait(20)
        shapes = view.link_geometry()
        assert len(shapes) == 2 and _crossings(view, shapes) == []
        assert _overlaps([(s.text, s.box) for s in shapes if s.text]) == []
    finally:
        window.close()


def test_names_without_room_are_cut_not_stacked_over_text(qtbot: Any) -> None:
    """Two links on short runs side by side: the first name takes its run's middle, the other
    is cut with "…" (a suggestion keeps its "?") to fit beside it, and a name with no room at
    all is left out; none covers another or leaves its gap (the last resort put it
    above the others, over the line of text above)."""
    from PySide6.QtGui import QFont, QFontMetricsF, QPainterPath

    from app.panels.link_paths import DrawnLink, LinkShape, elisions, place_names

    metrics = QFontMetricsF(QFont())
    assert elisions("claimant?")[:3] == ["claimant?", "claima…?", "claim…?"]
    assert elisions("place")[-1] == "p…"

    def shape(label: str, x0: float, x1: float) -> LinkShape:
        path = QPainterPath(QPointF(x0, 100))
        path.lineTo(QPointF(x0, 90))
        path.lineTo(QPointF(x1, 90))
        path.lineTo(QPointF(x1, 100))
        link = DrawnLink(label, ("s", 1), ("s", 2), True, 1)
        return LinkShape(
            link,
            path,
            QPointF(x0, 100),
            QPointF(x1, 100),
            f"{label}?",
            QRectF(),
            False,
            90.0,
            (x0, x1),
        )

    whole = metrics.horizontalAdvance("claimant?") + 6
    half = (metrics.horizontalAdvance("agent?") + 6) / 2
    # the agent's run reaches past the claimant's by half its name: no room for the whole
    shapes = place_names(
        [shape("claimant", 100, 100 + whole), shape("agent", 100, 100 + whole + half)],
        metrics,
        1000,
    )
    texts = [s.text for s in shapes]
    assert texts[0] == "claimant?", texts
    assert texts[1] != "agent?" and texts[1].endswith("…?"), texts
    boxes = [(s.text, s.box) for s in shapes if s.text]
    assert _overlaps(boxes) == []
    for _text, box in boxes:
        assert abs(box.center().y() - 90) < 1  # in its lane, never moved above
    squeezed = place_names([shape("claimant", 100, 104)] * 2, metrics, 1000)
    assert [s.text for s in squeezed][0] == "claimant?"
    assert squeezed[1].text == "" or not squeezed[1].box.intersects(squeezed[0].box)
