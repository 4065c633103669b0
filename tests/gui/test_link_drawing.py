"""The link lines drawn in the text: each link's name stays readable (no name box covers
another's), whatever the order and place of the arguments, and neither the arcs nor their names
cover the line of text above (the view keeps a gap between lines for them)."""

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


@pytest.mark.parametrize(("width", "points"), [(1300, 0), (1000, 0), (1300, 16)])
def test_links_never_cover_the_line_above(
    qtbot: Any, tmp_path: Path, width: int, points: int
) -> None:
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
        for shape in shapes:
            upper = min(shape.path.pointAtPercent(0).y(), shape.tip.y())
            own = next(r for r in lines if r.top() - 2 <= upper <= r.bottom())
            above = [r for r in lines if r.bottom() <= own.top()]
            assert above, shape.text  # every end of these links has a line of text above it
            floor = max(r.bottom() for r in above)
            drawn = shape.path.boundingRect()
            assert drawn.top() >= floor, (shape.text, drawn, floor)
            assert shape.box.top() >= floor, (shape.text, shape.box, floor)
            assert shape.box.bottom() <= own.top() + 1, (shape.text, shape.box, own)
            for line in above:
                assert not shape.box.intersects(line), shape.text
        assert _overlaps([(s.text, s.box) for s in shapes]) == []
    finally:
        window.close()
